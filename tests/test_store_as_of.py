""" "Stan na dzień" read from rows where nothing changed since equals the whole-history rebuild.

The reference below is the implementation before the fast path: every record
rebuilt from its last history snapshot up to the end of the day — the whole
snapshots ``history()`` derives from the deltas the file keeps.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from mapping.frames import records_to_frame
from mapping.schema import get_layer
from mapping.store import GeoPackageStore, gpkg_writer
from mapping.store.gpkg_binary import add_spatial_functions
from mapping.store.records import snapshot_record
from tests.factories import resource_values

DAY1, DAY2 = date(2026, 1, 10), date(2026, 1, 20)


def _reference_as_of(
    store: GeoPackageStore, layer: str, when: date, city: str | None = None
) -> gpd.GeoDataFrame:
    schema = get_layer(layer)
    cutoff = f"{when.isoformat()}T23:59:59.999Z"
    log = store.history(layer)
    log = log[log["at"] <= cutoff].sort_values("fid")
    last = log.groupby("record_id")["fid"].max()
    entries = log[log["fid"].isin(last)]
    states = [snapshot_record(schema, text) for text in entries["after"]]
    # In file order, as read_layer gives them; records deleted since after them.
    position = {
        rid: n for n, rid in enumerate(store.read_layer(layer, include_archived=True)["id"])
    }
    states.sort(key=lambda s: position.get(s["id"], len(position)))
    live = [
        s for s in states if not s.get("archived_at") and (city is None or s.get("city") == city)
    ]
    return records_to_frame(schema, live)


def _assert_same(got: gpd.GeoDataFrame, expected: gpd.GeoDataFrame) -> None:
    assert list(got.columns) == list(expected.columns)
    assert list(got["id"]) == list(expected["id"])
    plain = [c for c in got.columns if c != "geometry"]
    pd.testing.assert_frame_equal(
        got[plain].reset_index(drop=True).astype(object).where(got[plain].notna(), None),
        expected[plain].reset_index(drop=True).astype(object).where(expected[plain].notna(), None),
        check_dtype=False,
    )
    # History keeps WKT to 7 decimals (about 1 cm); rows read from the layer are exact.
    for a, b in zip(got.geometry, expected.geometry, strict=True):
        assert (a is None and b is None) or a.equals_exact(b, 1e-7)


@pytest.fixture
def worked_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GeoPackageStore:
    """Creates on day 1; updates and archives on day 2; more of both and outside edits today."""
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    monkeypatch.setattr(gpkg_writer, "_now", lambda: f"{DAY1.isoformat()}T09:00:00.000Z")
    with store.batch("ala") as b:
        ids = [
            r["id"]
            for r in b.create_many(
                "resources",
                [
                    resource_values(
                        name=f"Klub {i}",
                        city="Gdańsk" if i % 2 else "Sopot",
                        target_groups=["dzieci"] if i % 3 else [],
                        geometry=Point(18.6 + i / 1000.123457, 54.35 + i / 997.1),
                    )
                    for i in range(12)
                ],
            )
        ]
    monkeypatch.setattr(gpkg_writer, "_now", lambda: f"{DAY2.isoformat()}T09:00:00.000Z")
    with store.batch("ola") as b:
        b.update("resources", ids[0], {"name": "Klub zero"}, expected_version=1)
        b.archive("resources", ids[1], expected_version=1)
        b.update("resources", ids[2], {"target_groups": ["seniorzy"]}, expected_version=1)
        b.archive("resources", ids[3], expected_version=1)
    monkeypatch.undo()
    store.unarchive("resources", ids[3], expected_version=2, author="ala")
    store.update("resources", ids[4], {"name": "Klub cztery"}, expected_version=1, author="ala")
    store.archive("resources", ids[5], expected_version=1, author="ala")
    store.restore("resources", ids[0], 1, author="ala")
    store.create("resources", resource_values(name="Nowy dziś"), author="ala")
    conn = sqlite3.connect(store.path)
    add_spatial_functions(conn)  # as GDAL defines them for the layer's spatial index
    with conn:  # edits made outside the app, versioned by the file's triggers
        conn.execute("UPDATE resources SET phone = '58 000 00 00' WHERE id IN (?, ?)", ids[6:8])
        conn.execute("DELETE FROM resources WHERE id = ?", (ids[8],))
        conn.execute(
            "INSERT INTO resources (name, kind, category, city, status) "
            "VALUES ('Z QGIS', 'organizacja', 'edukacja', 'Gdańsk', 'aktywny')"
        )
    conn.close()
    return store


@pytest.mark.parametrize("when", [date(2026, 1, 1), DAY1, DAY2, date.today()])
@pytest.mark.parametrize("city", [None, "Gdańsk"])
def test_as_of_equals_the_rebuild_from_history(
    worked_store: GeoPackageStore, when: date, city: str | None
) -> None:
    got = worked_store.read_layer_as_of("resources", when, city=city)
    _assert_same(got, _reference_as_of(worked_store, "resources", when, city))


def test_as_of_today_is_the_layer_as_read(worked_store: GeoPackageStore) -> None:
    today = worked_store.read_layer_as_of("resources", date.today())
    now = worked_store.read_layer("resources")
    pd.testing.assert_frame_equal(today, now)
    assert len(today) == 12 - 2 - 1 + 2  # two archived, one deleted outside; two added


def test_bulk_cleaning_equals_cleaning_each_record() -> None:
    from mapping.errors import ValidationError
    from mapping.store.records import clean_records
    from mapping.validation import clean_record

    schema = get_layer("resources")
    many = [
        resource_values(name=f"  Klub {i % 3}\r\n", target_groups="dzieci; seniorzy")
        for i in range(6)
    ]
    many[4]["target_groups"] = ["seniorzy"]
    cleaned = clean_records(schema, many)
    assert cleaned == [clean_record(schema, values) for values in many]
    cleaned[0]["target_groups"].append("x")  # each record has its own list
    assert "x" not in cleaned[1]["target_groups"]
    many[5]["kind"] = "nieznany rodzaj"
    with pytest.raises(ValidationError) as bulk:
        clean_records(schema, many)
    with pytest.raises(ValidationError) as single:
        clean_record(schema, many[5])
    assert str(bulk.value) == str(single.value)
