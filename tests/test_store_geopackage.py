"""GeoPackage store: row-level writes, history, conflicts, crash safety, GDAL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyogrio
import pytest
from shapely.geometry import Point, box

from mapping.errors import ConflictError, MapError, NotFoundError, ValidationError
from mapping.store import GeoPackageStore
from tests.conftest import need_values, resource_values

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
REPO = Path(__file__).resolve().parents[1]


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
        from tests.conftest import resource_values
        store = GeoPackageStore({str(store.path)!r})
        with store.batch("Import") as batch:
            for i in range(100000):
                batch.create("resources", resource_values(name=f"Nowy {{i}}"))
                if i == 500:
                    print("piszę", flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "piszę"
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reopened = GeoPackageStore(store.path)
    assert list(reopened.read_layer("resources")["name"]) == ["Bezpieczny"]
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    reopened.create("resources", resource_values(name="Po awarii"), author="Ala")
    assert len(reopened.read_layer("resources")) == 2


def test_layer_as_of_a_day_is_rebuilt_from_history(store, monkeypatch):
    from datetime import date

    import mapping.store.geopackage as gpkg

    days = iter(["2025-01-10T09:00:00.000Z", "2025-03-05T09:00:00.000Z",
                 "2025-03-05T10:00:00.000Z", "2025-06-01T09:00:00.000Z",
                 "2025-06-01T09:00:00.000Z"])  # fmt: skip
    monkeypatch.setattr(gpkg, "_now", lambda: next(days))
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
