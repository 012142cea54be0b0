"""Every store backend (GeoPackage, PostGIS): row-level writes, history, conflicts, undo.

The ``store`` here is each backend in turn (``each_store`` in conftest); a
backend's own checks (GDAL, crash safety, triggers) are in its own module.
"""

from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import Point, box

from mapping.errors import ConflictError, MapError, NotFoundError, ValidationError
from mapping.store import Store
from tests.factories import need_values, resource_values


@pytest.fixture
def store(each_store: Store) -> Store:
    """The store under test: a GeoPackage, then PostGIS."""
    return each_store


def test_create_assigns_id_version_times_and_author(store):
    record = store.create("resources", resource_values(), author="Ala")
    assert record["version"] == 1 and record["author"] == "Ala"
    assert record["created_at"] == record["updated_at"]
    again = store.get("resources", record["id"])
    assert again["name"] == "Biblioteka Dzielnicowa"
    assert again["target_groups"] == ["dzieci", "seniorzy"]
    assert again["geometry"].equals(Point(18.6466, 54.3520))


def test_invalid_record_is_rejected_and_nothing_stored(store):
    with pytest.raises(ValidationError, match="Nazwa"):
        store.create("resources", resource_values(name=""), author="Ala")
    assert store.read_layer("resources").empty


def test_update_bumps_version_and_keeps_history(store):
    first = store.create("resources", resource_values(), author="Ala")
    second = store.update(
        "resources", first["id"], {"name": "Biblioteka Nowa"}, expected_version=1, author="Ola"
    )
    assert second["version"] == 2 and second["author"] == "Ola"
    log = store.history("resources", first["id"])
    assert list(log["action"]) == ["update", "create"]
    assert list(log["author"]) == ["Ola", "Ala"]
    assert '"Biblioteka Dzielnicowa"' in log.iloc[0]["before"]
    assert '"Biblioteka Nowa"' in log.iloc[0]["after"]


def test_saving_unchanged_values_creates_no_version(store):
    first = store.create("resources", resource_values(), author="Ala")
    same = store.update(
        "resources", first["id"], {"name": first["name"]}, expected_version=1, author="Ola"
    )
    assert same["version"] == 1
    assert len(store.history("resources", first["id"])) == 1


def test_saving_over_a_newer_version_is_a_conflict_not_an_overwrite(store):
    record = store.create("resources", resource_values(), author="Ala")
    store.update(
        "resources", record["id"], {"name": "Wersja Oli"}, expected_version=1, author="Ola"
    )
    with pytest.raises(ConflictError) as info:
        store.update(
            "resources", record["id"], {"name": "Wersja Ali"}, expected_version=1, author="Ala"
        )
    assert info.value.current["name"] == "Wersja Oli"
    assert "Ola" in info.value.message and "nadpisane" in info.value.message
    assert store.get("resources", record["id"])["name"] == "Wersja Oli"


def test_archive_hides_but_keeps_and_unarchive_brings_back(store):
    record = store.create("resources", resource_values(), author="Ala")
    archived = store.archive("resources", record["id"], expected_version=1, author="Ala")
    assert archived["archived_at"]
    assert store.read_layer("resources").empty
    assert len(store.read_layer("resources", include_archived=True)) == 1
    back = store.unarchive("resources", record["id"], expected_version=2, author="Ala")
    assert back["archived_at"] is None and len(store.read_layer("resources")) == 1


def test_restore_any_earlier_version_as_a_new_version(store):
    record = store.create("resources", resource_values(), author="Ala")
    for i, name in enumerate(["Druga", "Trzecia"], start=1):
        store.update("resources", record["id"], {"name": name}, expected_version=i, author="Ola")
    restored = store.restore("resources", record["id"], 1, author="Ala")
    assert restored["name"] == "Biblioteka Dzielnicowa" and restored["version"] == 4
    assert store.undo_last("resources", record["id"], author="Ala")["name"] == "Trzecia"
    with pytest.raises(NotFoundError):
        store.restore("resources", record["id"], 99, author="Ala")


def test_batch_is_atomic(store):
    store.create("resources", resource_values(name="Przed"), author="Ala")
    with pytest.raises(ValidationError), store.batch("Import") as batch:
        batch.create("resources", resource_values(name="Pierwszy"))
        batch.create("resources", resource_values(name=""))
    assert list(store.read_layer("resources")["name"]) == ["Przed"]


def test_undo_batch_undoes_an_import_as_one_step(store):
    kept = store.create("resources", resource_values(name="Stary"), author="Ala")
    with store.batch("Import") as batch:
        batch.create("resources", resource_values(name="Nowy 1"))
        batch.update("resources", kept["id"], {"name": "Zmieniony"}, expected_version=1)
        batch_id = batch.batch_id
    assert store.undo_batch(batch_id, author="Ala") == 2
    assert list(store.read_layer("resources")["name"]) == ["Stary"]


def test_needs_accept_points_and_areas_and_areas_layer_multipolygons(store):
    store.create("needs", need_values(geometry=box(18.6, 54.3, 18.7, 54.4)), author="Ala")
    area = store.create(
        "areas",
        {
            "name": "Stogi",
            "kind": "dzielnica",
            "city": "Gdańsk",
            "geometry": box(18.7, 54.3, 18.8, 54.4),
        },
        author="Ala",
    )
    assert area["geometry"].geom_type == "MultiPolygon"
    with pytest.raises(MapError, match="POINT"):
        store.create("resources", resource_values(geometry=box(0, 0, 1, 1)), author="Ala")
    with pytest.raises(MapError, match="PUWG"):
        store.create("resources", resource_values(geometry=Point(470000, 720000)), author="Ala")


def test_records_without_location_are_kept(store):
    store.create("resources", resource_values(geometry=None), author="Ala")
    frame = store.read_layer("resources")
    assert len(frame) == 1 and frame.geometry.iloc[0] is None


def test_data_version_grows_with_every_change_and_cities_are_listed(store):
    v0 = store.data_version()
    store.create("resources", resource_values(), author="Ala")
    store.create("resources", resource_values(city="Częstochowa"), author="Ala")
    assert store.data_version() == v0 + 2
    assert store.cities() == ["Częstochowa", "Gdańsk"]


def test_layer_as_of_a_day_is_rebuilt_from_history(store, monkeypatch):
    days = iter(["2025-01-10T09:00:00.000Z", "2025-03-05T09:00:00.000Z",
                 "2025-03-05T10:00:00.000Z", "2025-06-01T09:00:00.000Z",
                 "2025-06-01T09:00:00.000Z"])  # fmt: skip
    # Each backend takes its clock from a _now: the GeoPackage's in its batch writer (once
    # per write), PostGIS's in its store (once per transaction).
    clock = {
        "GeoPackageStore": "mapping.store.gpkg_writer._now",
        "PostGISStore": "mapping.store.postgis._now",
    }
    monkeypatch.setattr(clock[type(store).__name__], lambda: next(days))
    first = store.create("resources", resource_values(name="Stara nazwa"), author="Ala")
    store.update("resources", first["id"], {"name": "Nowa nazwa"}, expected_version=1, author="Ola")
    second = store.create("resources", resource_values(name="Drugi"), author="Ala")
    store.archive("resources", second["id"], expected_version=1, author="Ala")

    def names(day):
        return list(store.read_layer_as_of("resources", date.fromisoformat(day))["name"])

    assert names("2025-01-01") == []
    assert names("2025-02-01") == ["Stara nazwa"]
    assert names("2025-03-05") == ["Nowa nazwa", "Drugi"]
    assert names("2025-07-01") == ["Nowa nazwa"]
    assert store.read_layer_as_of("resources", date(2025, 7, 1), city="Częstochowa").empty


def test_undo_of_an_import_changed_since_is_a_conflict_and_changes_nothing(store):
    kept = store.create("resources", resource_values(name="Stary"), author="Ala")
    with store.batch("Import") as batch:
        batch.create("resources", resource_values(name="Nowy"))
        batch.update("resources", kept["id"], {"name": "Z importu"}, expected_version=1)
        batch_id = batch.batch_id
    store.update("resources", kept["id"], {"name": "Poprawiony"}, expected_version=2, author="Ola")
    version = store.data_version()
    with pytest.raises(ConflictError, match="Ola"):
        store.undo_batch(batch_id, author="Ala")
    assert store.data_version() == version
    assert sorted(store.read_layer("resources")["name"]) == ["Nowy", "Poprawiony"]
