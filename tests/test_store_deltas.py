"""History keeps what changed, in both backends alike, and still reads maps made before.

A history row of an update holds ``{field: [old, new]}`` of the fields it
changed, a creation no state; ``history()``, restore, undo and "stan na dzień"
rebuild whole states from the current rows.  Maps whose history holds whole
snapshots (written before) read the same, also with new rows after the old.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Point

from mapping.store import GeoPackageStore, open_store
from mapping.store.base import Store
from mapping.store.copy import copy_map
from mapping.store.gpkg_binary import add_spatial_functions
from mapping.store.records import snapshot
from tests.factories import resource_values

DAY1, DAY2 = date(2026, 1, 10), date(2026, 1, 20)


def _raw_history(store: Store) -> list[dict[str, Any]]:
    """History rows as stored (in the app's form), oldest first."""
    return store.dump_map()[1]  # type: ignore[attr-defined]


def _outside_update(store: Store, sql: str, params: tuple) -> None:
    """An UPDATE made by a client that knows nothing of the app (QGIS, ogrinfo, psql)."""
    if isinstance(store, GeoPackageStore):
        conn = sqlite3.connect(store.path)
        add_spatial_functions(conn)  # as GDAL defines them for the layer's spatial index
        with conn:
            conn.execute(sql, params)
        conn.close()
        return
    import psycopg

    with psycopg.connect(store.location, autocommit=True, application_name="QGIS") as conn:
        conn.execute(sql.replace("?", "%s"), params)


def test_an_update_keeps_only_the_fields_it_changed(each_store: Store) -> None:
    record = each_store.create("resources", resource_values(), author="Ala")
    each_store.update("resources", record["id"], {"name": "Nowa", "phone": "58 123 45 67"},
                      expected_version=1, author="Ola")  # fmt: skip
    created, updated = _raw_history(each_store)
    assert created["before"] is None and json.loads(created["after"]) == {}
    assert json.loads(updated["before"]) == {
        "name": ["Biblioteka Dzielnicowa", "Nowa"],
        "phone": [None, "58 123 45 67"],
    }
    assert json.loads(updated["after"]) == {}
    # Readers still get whole records.
    entry = each_store.history("resources", record["id"]).iloc[0]
    before, after = json.loads(entry["before"]), json.loads(entry["after"])
    assert before["name"] == "Biblioteka Dzielnicowa" and before["version"] == 1
    assert after["name"] == "Nowa" and after["version"] == 2 and after["author"] == "Ola"
    assert before["target_groups"] == after["target_groups"] == ["dzieci", "seniorzy"]


def test_an_outside_edit_keeps_the_same_delta_in_both_backends(each_store: Store) -> None:
    record = each_store.create("resources", resource_values(), author="Ala")
    _outside_update(
        each_store,
        "UPDATE resources SET name = ?, target_groups = ?, phone = NULL WHERE id = ?",
        ("Z QGIS", "młodzież;seniorzy", record["id"]),
    )
    last = _raw_history(each_store)[-1]
    assert last["action"] == "update" and "poza aplikacją" in last["author"]
    assert json.loads(last["before"]) == {
        "name": ["Biblioteka Dzielnicowa", "Z QGIS"],
        "target_groups": [["dzieci", "seniorzy"], ["młodzież", "seniorzy"]],
    }
    restored = each_store.restore("resources", record["id"], 1, author="Ala")
    assert restored["name"] == "Biblioteka Dzielnicowa"
    assert restored["target_groups"] == ["dzieci", "seniorzy"]


def test_a_moved_point_is_restored_and_read_as_of_the_day_before(each_store: Store) -> None:
    record = each_store.create("resources", resource_values(), author="Ala")
    moved = Point(18.7, 54.4)
    each_store.update("resources", record["id"], {"geometry": moved}, expected_version=1,
                      author="Ola")  # fmt: skip
    (pair,) = json.loads(_raw_history(each_store)[-1]["before"]).values()
    assert [shapely.from_wkt(wkt) for wkt in pair] == [resource_values()["geometry"], moved]
    back = each_store.restore("resources", record["id"], 1, author="Ala")
    assert back["geometry"].equals_exact(resource_values()["geometry"], 1e-9)
    assert each_store.undo_last("resources", record["id"], author="Ala")["geometry"].equals(moved)


def _old_map(store: Store) -> dict[str, Any]:
    """A map as the app wrote it before deltas: whole snapshots, days 1 and 2.

    Returns the record's states by version.
    """
    v1 = {
        **resource_values(name="Klub", target_groups=["dzieci"]),
        "id": "0123456789ab",
        "version": 1,
        "created_at": f"{DAY1}T09:00:00.000Z",
        "updated_at": f"{DAY1}T09:00:00.000Z",
        "author": "Ala",
        "archived_at": None,
    }
    v2 = {**v1, "name": "Klub Sąsiedzki", "version": 2, "author": "Ola",
          "updated_at": f"{DAY2}T09:00:00.000Z"}  # fmt: skip
    common = {"layer": "resources", "record_id": v1["id"], "note": ""}
    history = [
        {**common, "fid": 1, "version": 1, "action": "create", "author": "Ala",
         "at": v1["updated_at"], "batch_id": "aaaaaaaaaaaa", "before": None,
         "after": snapshot(v1)},
        {**common, "fid": 2, "version": 2, "action": "update", "author": "Ola",
         "at": v2["updated_at"], "batch_id": "bbbbbbbbbbbb", "before": snapshot(v1),
         "after": snapshot(v2)},
    ]  # fmt: skip
    store.load_map({"resources": [v2]}, history)  # type: ignore[attr-defined]
    return {1: v1, 2: v2}


def test_a_map_with_whole_snapshots_reads_with_new_rows_after_them(each_store: Store) -> None:
    states = _old_map(each_store)
    rid = states[1]["id"]
    each_store.update("resources", rid, {"phone": "58 222 22 22"}, expected_version=2, author="Ela")
    log = each_store.history("resources", rid)
    assert list(log["version"]) == [3, 2, 1]
    assert json.loads(log.iloc[0]["before"])["name"] == "Klub Sąsiedzki"
    assert json.loads(log.iloc[0]["after"])["phone"] == "58 222 22 22"
    assert json.loads(log.iloc[2]["after"])["name"] == "Klub"
    for when, name, version in [(DAY1, "Klub", 1), (DAY2, "Klub Sąsiedzki", 2),
                                (date.today(), "Klub Sąsiedzki", 3)]:  # fmt: skip
        (row,) = each_store.read_layer_as_of("resources", when).to_dict("records")
        assert (row["name"], row["version"]) == (name, version)
        assert row["phone"] == ("58 222 22 22" if version == 3 else None)
    assert each_store.read_layer_as_of("resources", date(2026, 1, 1)).empty
    restored = each_store.restore("resources", rid, 1, author="Ala")
    assert restored["name"] == "Klub" and restored["phone"] is None
    assert restored["version"] == 4 and restored["target_groups"] == ["dzieci"]
    # The new row (restore) then the old ones: undo goes back step by step.
    assert each_store.undo_last("resources", rid, author="Ala")["phone"] == "58 222 22 22"


def test_undo_batch_takes_back_an_old_batch_and_a_new_one(each_store: Store) -> None:
    states = _old_map(each_store)
    rid = states[1]["id"]
    assert each_store.undo_batch("bbbbbbbbbbbb", author="Ala") == 1
    assert each_store.get("resources", rid)["name"] == "Klub"
    with each_store.batch("Ola") as b:
        b.update("resources", rid, {"name": "Inny", "archived_at": None}, expected_version=3)
        batch_id = b.batch_id
    each_store.undo_batch(batch_id, author="Ala")
    now = each_store.get("resources", rid)
    assert now["name"] == "Klub" and now["version"] == 5


def test_a_server_map_made_before_deltas_gets_the_functions_of_today(
    postgis_location: str,
) -> None:
    import psycopg

    store = open_store(postgis_location)
    with psycopg.connect(postgis_location, autocommit=True) as conn:
        conn.execute("DROP FUNCTION mapa_delta(jsonb, jsonb)")
    store = open_store(postgis_location)
    record = store.create("resources", resource_values(), author="Ala")
    store.update("resources", record["id"], {"name": "Nowa"}, expected_version=1, author="Ala")
    assert json.loads(_raw_history(store)[-1]["before"]) == {
        "name": ["Biblioteka Dzielnicowa", "Nowa"]
    }


@pytest.mark.parametrize("version", [1, 2, 3])
def test_restore_of_each_version_after_mixed_edits(each_store: Store, version: int) -> None:
    record = each_store.create("resources", resource_values(), author="Ala")
    each_store.update("resources", record["id"], {"name": "Druga", "archived_at": None},
                      expected_version=1, author="Ola")  # fmt: skip
    _outside_update(each_store, "UPDATE resources SET phone = '58 333 33 33' WHERE id = ?",
                    (record["id"],))  # fmt: skip
    each_store.archive("resources", record["id"], expected_version=3, author="Ola")
    states = {
        int(e["version"]): json.loads(e["after"])
        for _, e in each_store.history("resources", record["id"]).iterrows()
    }
    restored = each_store.restore("resources", record["id"], version, author="Ala")
    expected = states[version]
    for name in ("name", "phone", "archived_at", "target_groups"):
        assert restored[name] == expected[name], name
    assert (expected["name"], expected["phone"]) == [
        ("Biblioteka Dzielnicowa", None), ("Druga", None), ("Druga", "58 333 33 33")
    ][version - 1]  # fmt: skip


def test_a_copy_to_the_server_and_back_keeps_outside_deltas_readable(
    tmp_path: Path, postgis_location: str
) -> None:
    source = GeoPackageStore(tmp_path / "mapa.gpkg")
    record = source.create("resources", resource_values(), author="Ala")
    _outside_update(
        source,
        "UPDATE resources SET target_groups = 'młodzież', geom = NULL WHERE id = ?",
        (record["id"],),
    )
    source.update("resources", record["id"], {"name": "Nowa"}, expected_version=2, author="Ola")
    copy_map(source.location, postgis_location)
    back = tmp_path / "kopia.gpkg"
    copy_map(postgis_location, str(back))
    expected = source.history()
    for copy in (open_store(postgis_location), GeoPackageStore(back)):
        got = copy.history()
        assert list(got["version"]) == list(expected["version"])
        for column in ("before", "after"):
            for a, b in zip(got[column], expected[column], strict=True):
                assert (a is None and b is None) or _same_state(json.loads(a), json.loads(b))
        restored = copy.restore("resources", record["id"], 1, author="Ala")
        assert restored["target_groups"] == ["dzieci", "seniorzy"]
        assert restored["geometry"].equals_exact(resource_values()["geometry"], 1e-7)


def _same_state(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ga, gb = a.pop("geometry"), b.pop("geometry")
    same_geometry = (ga is None and gb is None) or shapely.from_wkt(ga).equals_exact(
        shapely.from_wkt(gb), 1e-7
    )
    return a == b and same_geometry


def test_undo_of_an_update_to_a_record_deleted_outside_brings_back_its_state_before(
    each_store: Store,
) -> None:
    record = each_store.create("resources", resource_values(), author="Ala")
    with each_store.batch("Ola") as b:
        b.update("resources", record["id"], {"name": "Nowa"}, expected_version=1)
        batch_id = b.batch_id
    _outside_update(each_store, "DELETE FROM resources WHERE id = ?", (record["id"],))
    assert each_store.undo_batch(batch_id, author="Ala") == 1
    back = each_store.get("resources", record["id"])
    assert back["name"] == "Biblioteka Dzielnicowa" and back["version"] == 4
