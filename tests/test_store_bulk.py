"""``Batch.create_many`` (an import's new rows) stores what ``create`` would, in both backends.

Its validation looks at each distinct value once, and at clean texts all at once.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from shapely.geometry import Point

from mapping.errors import MapError, ValidationError
from mapping.schema import get_layer
from mapping.store import GeoPackageStore, Store
from mapping.store.gpkg_binary import add_spatial_functions
from mapping.store.gpkg_triggers import trigger_statements
from mapping.store.records import clean_records
from mapping.validation import already_clean, clean_record, clean_value
from tests.factories import resource_values


def test_create_many_stores_each_record_with_one_history_row(each_store: Store) -> None:
    many = [
        resource_values(name=f"Klub {i}", target_groups=["dzieci"], geometry=Point(18.6, 54.3 + i))
        for i in range(3)
    ]
    with each_store.batch("ala", note="import") as b:
        created = b.create_many("resources", many)
    frame = each_store.read_layer("resources")
    assert list(frame["name"]) == ["Klub 0", "Klub 1", "Klub 2"]
    assert [r["id"] for r in created] == list(frame["id"])
    assert all(r["version"] == 1 and r["author"] == "ala" for r in created)
    assert list(frame["target_groups"]) == [["dzieci"]] * 3
    history = each_store.history("resources")
    assert sorted(history["record_id"]) == sorted(r["id"] for r in created)
    assert set(history["action"]) == {"create"} and set(history["note"]) == {"import"}
    assert each_store.undo_batch(history["batch_id"].iloc[0], author="ala") == 3
    assert each_store.read_layer("resources").empty


def test_create_many_with_one_invalid_record_stores_none(each_store: Store) -> None:
    many = [resource_values(name="Dobry"), resource_values(name="Zły", kind="nie ma takiego")]
    with pytest.raises(MapError, match="nie ma takiego"), each_store.batch("ala") as b:
        b.create_many("resources", many)
    assert each_store.read_layer("resources").empty
    assert each_store.history().empty


def _index(path: Path) -> tuple[list[tuple], str]:
    """The R-tree of resources and the SQL of its insert trigger."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT * FROM rtree_resources_geom ORDER BY id").fetchall()
        (sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'rtree_resources_geom_insert'"
        ).fetchone()
    finally:
        conn.close()
    return rows, sql


def _checked(path: Path) -> str:
    """SQLite's own check of the R-tree's nodes ("ok", or what is wrong)."""
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT rtreecheck('rtree_resources_geom')").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("count", [450, 1500])  # entries added one by one, the tree packed
def test_a_bulk_insert_fills_the_spatial_index_as_its_trigger_would(
    tmp_path: Path, count: int
) -> None:
    many = [
        resource_values(name=f"Klub {i}", geometry=Point(18.6 + i / 1000, 54.3 - i / 997))
        for i in range(count)
    ]
    many[7]["geometry"] = None  # no location: not in the index
    bulk, one_by_one = GeoPackageStore(tmp_path / "a.gpkg"), GeoPackageStore(tmp_path / "b.gpkg")
    with bulk.batch("ala") as b:
        b.create_many("resources", many)
    with one_by_one.batch("ala") as b:
        for values in many:
            b.create("resources", values)
    assert _index(bulk.path) == _index(one_by_one.path)
    assert len(_index(bulk.path)[0]) == count - 1
    assert _checked(bulk.path) == "ok"
    # A bulk insert that fails takes the index and its trigger back with it.
    with pytest.raises(MapError), bulk.batch("ala") as b:
        b.create_many("resources", many)
        raise MapError("przerwane")
    assert _index(bulk.path) == _index(one_by_one.path)
    bulk.create("resources", resource_values(geometry=Point(18.7, 54.4)), author="ala")
    assert len(_index(bulk.path)[0]) == count  # the trigger works again
    assert _checked(bulk.path) == "ok"
    # The file's own insert trigger is back too: a row added outside gets id and history.
    conn = sqlite3.connect(bulk.path)
    add_spatial_functions(conn)  # as GDAL defines them for the layer's spatial index
    with conn:
        assert conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'mapa_resources_insert'"
        ).fetchone() == (trigger_statements()["mapa_resources_insert"],)
        conn.execute(
            "INSERT INTO resources (name, kind, category, city, status) "
            "VALUES ('Z QGIS', 'organizacja', 'edukacja', 'Gdańsk', 'aktywny')"
        )
    conn.close()
    added = bulk.read_layer("resources").set_index("name").loc["Z QGIS"]
    assert len(added["id"]) == 12 and len(bulk.history("resources", added["id"])) == 1


TRICKY_TEXTS = [
    "Klub", " Klub", "Klub ", "", "   ", "a\r\nb", "a\nb", "a\x00b", "e\u0301", "\ufeffKlub",
    "x" * 501, "kontakt@example.pl", "kontakt@@example.pl", "58 123 45 67", "58-abc",
    "https://example.pl", "Zażółć gęślą jaźń",
]  # fmt: skip


@pytest.mark.parametrize("name", ["name", "notes", "email", "phone", "website", "kind"])
def test_texts_seen_as_clean_are_what_clean_value_keeps(name: str) -> None:
    field = get_layer("resources").field(name)
    for text in TRICKY_TEXTS:
        if already_clean(field, [text]):
            assert clean_value(field, text) == text, (name, text)
    # Many at once: clean only if each is.
    each = [t for t in TRICKY_TEXTS if already_clean(field, [t])]
    assert already_clean(field, each) == bool(each)
    assert not already_clean(field, TRICKY_TEXTS)


def test_bulk_cleaning_with_problems_and_mixed_keys_equals_cleaning_each() -> None:
    schema = get_layer("resources")
    many = [resource_values(name=f" Klub {i % 4}\r\n", email=f"k{i}@example.pl") for i in range(8)]
    many[2]["phone"] = "58 123 45 67"  # keys differ between records
    many[3]["target_groups"] = "dzieci; seniorzy"
    assert clean_records(schema, many) == [clean_record(schema, v) for v in many]
    many[5]["email"] = "zły adres"
    many[6]["kind"] = "nieznany"
    with pytest.raises(ValidationError) as bulk:
        clean_records(schema, many)
    with pytest.raises(ValidationError) as single:
        clean_record(schema, many[5])
    assert str(bulk.value) == str(single.value)


def test_a_bulk_insert_writes_the_history_rows_create_would_in_record_order(
    tmp_path: Path,
) -> None:
    many = [resource_values(name=f"Klub {i}", geometry=Point(18.6, 54.3)) for i in range(300)]
    bulk, one_by_one = GeoPackageStore(tmp_path / "a.gpkg"), GeoPackageStore(tmp_path / "b.gpkg")
    with bulk.batch("ala", note="import") as b:
        created = b.create_many("resources", many)
    with one_by_one.batch("ala", note="import") as b:
        for values in many:
            b.create("resources", values)
    kept = ["layer", "version", "action", "author", "note", "before", "after"]

    def rows(store: GeoPackageStore) -> list[tuple]:
        conn = sqlite3.connect(store.path)
        try:
            return conn.execute(
                f"SELECT record_id, {', '.join(kept)} FROM history ORDER BY fid"
            ).fetchall()
        finally:
            conn.close()

    assert [r[0] for r in rows(bulk)] == [r["id"] for r in created]
    assert len(set(r["id"] for r in created)) == len(many)
    assert [r[1:] for r in rows(bulk)] == [r[1:] for r in rows(one_by_one)]
    stored = bulk.read_layer("resources").drop(columns=["id", "created_at", "updated_at"])
    expected = one_by_one.read_layer("resources").drop(columns=["id", "created_at", "updated_at"])
    assert stored.equals(expected)


def test_bulk_inserts_of_one_batch_are_indexed_as_their_rows_stand_at_commit(
    tmp_path: Path,
) -> None:
    def points(start: int) -> list[dict]:
        return [
            resource_values(name=f"Klub {i}", geometry=Point(18.6 + i / 1000, 54.3))
            for i in range(start, start + 300)
        ]

    def fill(store: GeoPackageStore, bulk: bool) -> None:
        with store.batch("ala") as b:
            first = (
                b.create_many("resources", points(0))
                if bulk
                else [b.create("resources", v) for v in points(0)]
            )
            moved, cleared = first[3], first[4]
            b.update("resources", moved["id"], {"geometry": Point(19.0, 54.0)}, expected_version=1)
            b.update("resources", cleared["id"], {"geometry": None}, expected_version=1)
            b.create("resources", resource_values(name="Pojedynczy", geometry=Point(18.9, 54.1)))
            if bulk:
                b.create_many("resources", points(300))
            else:
                for values in points(300):
                    b.create("resources", values)

    bulk, one_by_one = GeoPackageStore(tmp_path / "a.gpkg"), GeoPackageStore(tmp_path / "b.gpkg")
    fill(bulk, bulk=True)
    fill(one_by_one, bulk=False)
    assert _index(bulk.path) == _index(one_by_one.path)
    assert len(_index(bulk.path)[0]) == 600
    assert _checked(bulk.path) == "ok"
    conn = sqlite3.connect(bulk.path)
    try:
        triggers = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    finally:
        conn.close()
    assert triggers["mapa_resources_insert"] == trigger_statements()["mapa_resources_insert"]
    assert "rtree_resources_geom_insert" in triggers


def test_records_cleaned_for_an_import_are_cleaned_again_once_changed(tmp_path: Path) -> None:
    from mapping.store.records import clean_records_apart

    schema = get_layer("resources")
    many = [resource_values(name=f" Klub {i} ", target_groups="dzieci; seniorzy") for i in range(3)]
    planned = clean_records_apart(schema, many)
    store = GeoPackageStore(tmp_path / "a.gpkg")
    with store.batch("ala") as b:
        created = b.create_many("resources", planned)  # taken as cleaned
    assert [r["name"] for r in created] == ["Klub 0", "Klub 1", "Klub 2"]
    assert [r["target_groups"] for r in created] == [["dzieci", "seniorzy"]] * 3
    changed = clean_records_apart(schema, many)
    assert changed[1] is not None and changed[2] is not None
    changed[1]["target_groups"].append("nie ma takiej grupy")  # changed in place
    with pytest.raises(ValidationError, match="nie ma takiej grupy"), store.batch("ala") as b:
        b.create_many("resources", changed)
    changed = clean_records_apart(schema, many)
    assert changed[2] is not None
    changed[2]["kind"] = "nie ma takiego"
    with pytest.raises(ValidationError, match="nie ma takiego"), store.batch("ala") as b:
        b.create_many("resources", changed)
    with pytest.raises(ValidationError), store.batch("ala") as b:  # cleaned for another layer
        b.create_many("needs", clean_records_apart(schema, many))
    assert len(store.read_layer("resources")) == 3
