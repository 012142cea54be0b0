"""GeoPackage store: row-level writes, history, conflicts, crash safety, GDAL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import Point, box

from mapping.errors import MapError
from mapping.store import GeoPackageStore
from tests.factories import need_values, resource_values

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
REPO = Path(__file__).resolve().parents[1]


def test_a_file_that_is_not_a_map_is_refused(tmp_path):
    other = tmp_path / "inne.gpkg"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    with pytest.raises(MapError, match="brak tabel"):
        GeoPackageStore(other)


def test_gdal_opens_every_layer(store):
    store.create("resources", resource_values(name="Zażółć gęślą jaźń"), author="Ala")
    layers = {name for name, _ in pyogrio.list_layers(store.path)}
    assert {"areas", "resources", "needs", "partnerships", "meetings", "actions"} <= layers
    frame = pyogrio.read_dataframe(store.path, layer="resources")
    assert frame.crs.to_epsg() == 4326
    assert frame.loc[0, "name"] == "Zażółć gęślą jaźń"
    assert frame.geometry.iloc[0].equals(Point(18.6466, 54.3520))


@pytest.mark.skipif(not VALIDATOR.exists(), reason="Debian python3-gdal not installed")
def test_passes_gdal_geopackage_validator(store):
    store.create("resources", resource_values(), author="Ala")
    store.create("needs", need_values(geometry=box(18.6, 54.3, 18.7, 54.4)), author="Ala")
    result = subprocess.run(
        ["/usr/bin/python3", str(VALIDATOR), str(store.path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Error" not in result.stdout + result.stderr


def test_kill_during_a_write_leaves_file_valid_and_old_data_intact(store):
    store.create("resources", resource_values(name="Bezpieczny"), author="Ala")
    writer = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(REPO)!r})
        from mapping.store import GeoPackageStore
        from tests.factories import resource_values
        store = GeoPackageStore({str(store.path)!r})
        with store.batch("Import") as batch:
            for i in range(100000):
                batch.create("resources", resource_values(name=f"Nowy {{i}}"))
                if i in (500, 1000):
                    print(f"piszę {{i}}", flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    # Killed once the writer is well inside its transaction (past 1000 rows).
    assert proc.stdout.readline().strip() == "piszę 500"
    assert proc.stdout.readline().strip() == "piszę 1000"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reopened = GeoPackageStore(store.path)
    assert list(reopened.read_layer("resources")["name"]) == ["Bezpieczny"]
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened.create("resources", resource_values(name="Po awarii"), author="Ala")
    assert len(reopened.read_layer("resources")) == 2


def test_a_file_locked_by_another_writer_is_a_polish_message_and_nothing_is_lost(
    store, monkeypatch
):
    import mapping.store.geopackage as gpkg

    record = store.create("resources", resource_values(name="Przed"), author="Ala")
    monkeypatch.setattr(gpkg, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. QGIS saving a long edit session
    try:
        with pytest.raises(MapError, match=r"zajęta.*spróbuj ponownie"):
            store.update("resources", record["id"], {"name": "Po"}, expected_version=1,
                         author="Ola")  # fmt: skip
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (
        store.update("resources", record["id"], {"name": "Po"}, expected_version=1, author="Ola")[
            "version"
        ]
        == 2
    )


# --- reading in columns --------------------------------------------------------------


def _row_by_row(store: GeoPackageStore, layer: str, where: str, params: list) -> object:
    """The layer as the rows read through sqlite3 make it (the reference for ``read_layer``)."""
    from mapping.schema import get_layer
    from mapping.store.gpkg_rows import blob_rows_to_frame, select_rows

    schema = get_layer(layer)
    with sqlite3.connect(store.path) as conn:
        return blob_rows_to_frame(schema, select_rows(conn, schema, where, params))


@pytest.mark.parametrize("layer", ["areas", "resources", "needs", "partnerships", "meetings"])
def test_reading_in_columns_gives_the_frame_the_rows_give(seeded_store, layer):
    import pandas.testing as pdt

    from mapping.schema import LAYERS

    if layer not in LAYERS:
        pytest.skip(f"no layer {layer}")
    for archived, city in ((True, None), (False, "Gdańsk"), (False, "Częstochowa")):
        where = [] if archived else ["archived_at IS NULL"]
        params = []
        if city is not None:
            where.append("city = ?")
            params.append(city)
        expected = _row_by_row(seeded_store, layer, " AND ".join(where), params)
        got = seeded_store.read_layer(layer, city=city, include_archived=archived)
        pdt.assert_frame_equal(got, expected, check_like=False)


def test_reading_in_columns_keeps_odd_values_and_quotes(store):
    import pandas.testing as pdt

    city = "Gmina O'Brien „Nowa”"
    kept = store.create(
        "resources",
        resource_values(city=city, target_groups=[], address="ul. Długa 1; lok. 2", geometry=None),
        author="test",
    )
    store.create("resources", resource_values(city=city, email="a@b.pl"), author="test")
    store.archive("resources", kept["id"], expected_version=1, author="test")
    got = store.read_layer("resources", city=city, include_archived=True)
    pdt.assert_frame_equal(got, _row_by_row(store, "resources", "city = ?", [city]))
    assert got.loc[0, "target_groups"] == [] and got.geometry.iloc[0] is None
    assert len(store.read_layer("resources", city=city)) == 1
    assert store.read_layer("resources", city="x' OR '1'='1").empty  # a name, not SQL
