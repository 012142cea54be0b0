"""A layer kept by the app and brought up to date after changes equals the layer read whole.

``store.refreshed`` (``mapping.store.refresh``) reads again only the records
the history says changed; every kind of change, in the app and outside it,
must leave it exactly what ``read_layer(include_archived=True)`` gives.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
from pandas.testing import assert_frame_equal
from shapely.geometry import Point

from mapping.store import GeoPackageStore
from mapping.store.gpkg_binary import add_spatial_functions
from mapping.store.postgis import PostGISStore
from mapping.store.refresh import MAX_PATCHED, LayerRead
from tests.factories import need_values, resource_values


def _whole(store: GeoPackageStore | PostGISStore, read: LayerRead) -> gpd.GeoDataFrame:
    return store.read_layer(read.layer, city=read.city, include_archived=True)


def _same(store: GeoPackageStore | PostGISStore, read: LayerRead) -> None:
    assert_frame_equal(read.frame, _whole(store, read), check_like=False)


def _script(store: GeoPackageStore, sql: str, *params: object) -> None:
    """A change made outside the app (a script, QGIS through GDAL): the file's triggers log it."""
    conn = sqlite3.connect(store.path)
    add_spatial_functions(conn)
    with conn:
        conn.execute(sql, params)
    conn.close()


@pytest.fixture
def store(tmp_path: Path) -> GeoPackageStore:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    with store.batch("ala") as b:
        for n in range(30):
            city = "Gdańsk" if n % 3 else "Częstochowa"
            extra = {"phone": "58 000 00 00", "notes": "uwagi"} if n in (0, 1) else {}
            b.create("resources", resource_values(name=f"Miejsce {n}", city=city, **extra))
        b.create("needs", need_values())
        last = b.create("resources", resource_values(name="Zamknięte"))
    # A column with a value in some rows keeps its type when a patch adds or drops one.
    store.archive("resources", last["id"], expected_version=1, author="ala")
    return store


def test_nothing_changed_gives_the_same_read(store: GeoPackageStore) -> None:
    read = store.read_tracked("resources")
    assert store.refreshed(read) is read


def test_a_change_in_another_layer_keeps_the_frame(store: GeoPackageStore) -> None:
    read = store.read_tracked("resources")
    need = store.read_layer("needs").iloc[0]
    store.update("needs", need["id"], {"title": "Inne"}, expected_version=1, author="ala")
    after = store.refreshed(read)
    assert after.frame is read.frame and after.version == store.data_version()


@pytest.mark.parametrize("city", [None, "Gdańsk"])
def test_every_kind_of_change_leaves_the_layer_as_read_whole(
    store: GeoPackageStore, city: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = store.read_tracked("resources", city=city)
    ids = list(store.read_layer("resources", include_archived=True)["id"])
    whole_reads = []
    read_whole = store.read_tracked
    monkeypatch.setattr(
        store, "read_tracked", lambda *a, **k: whole_reads.append(a) or read_whole(*a, **k)
    )

    def step() -> None:
        nonlocal read
        before = read
        read = store.refreshed(read)
        assert read.version == store.data_version()
        assert read.frame is not before.frame
        _same(store, read)
        assert not whole_reads, "the change was read whole, not patched"

    store.update("resources", ids[1], {"name": "Nowa nazwa", "target_groups": []},
                 expected_version=1, author="ala")  # fmt: skip
    step()
    store.update("resources", ids[2], {"geometry": Point(18.6, 54.4), "phone": "58 123 45 67"},
                 expected_version=1, author="ola")  # fmt: skip
    step()
    store.archive("resources", ids[4], expected_version=1, author="ala")
    step()
    store.unarchive("resources", ids[4], expected_version=2, author="ala")
    step()
    new = store.create("resources", resource_values(name="Nowe miejsce"), author="ala")
    step()
    store.update("resources", ids[5], {"city": "Częstochowa"}, expected_version=1, author="ala")
    step()
    store.update("resources", ids[3], {"city": "Gdańsk"}, expected_version=1, author="ala")
    step()
    _script(store, "UPDATE resources SET notes = 'sprawdzone w QGIS' WHERE id = ?", ids[7])
    step()
    _script(store, "DELETE FROM resources WHERE id = ?", ids[8])
    step()
    store.restore("resources", ids[8], 1, author="ala")  # put back at the end of the file
    step()
    with store.batch("ala") as b:  # many changes in one batch, one record twice
        b.update("resources", new["id"], {"name": "Raz"}, expected_version=1)
        b.update("resources", new["id"], {"name": "Dwa"}, expected_version=2)
        b.create_many("resources", [resource_values(name=f"Hurt {n}") for n in range(5)])
    step()


def test_too_many_changes_are_read_whole(store: GeoPackageStore) -> None:
    read = store.read_tracked("resources")
    with store.batch("ala") as b:
        b.create_many(
            "resources", [resource_values(name=f"Z importu {n}") for n in range(MAX_PATCHED + 1)]
        )
    _same(store, store.refreshed(read))


def test_a_file_put_in_place_of_the_map_is_read_whole(store: GeoPackageStore) -> None:
    read = store.read_tracked("resources")
    other = GeoPackageStore(store.path.with_name("inna.gpkg"))
    for n in range(read.version + 3):  # a longer history of its own
        other.create("resources", resource_values(name=f"Inna mapa {n}"), author="ola")
    shutil.copyfile(other.path, store.path)
    after = store.refreshed(read)
    assert len(after.frame) == read.version + 3
    _same(store, after)


def test_a_first_value_in_a_blank_column_is_read_whole(store: GeoPackageStore) -> None:
    read = store.read_tracked("resources")
    record = read.frame.iloc[3]
    store.update("resources", record["id"], {"website": "https://example.pl"},
                 expected_version=1, author="ala")  # fmt: skip
    _same(store, store.refreshed(read))


def test_an_emptied_layer_is_read_whole(store: GeoPackageStore) -> None:
    read = store.read_tracked("needs")
    _script(store, "DELETE FROM needs")
    _same(store, store.refreshed(read))


def test_postgis_reads_a_changed_layer_whole(postgis_location: str) -> None:
    store = PostGISStore(postgis_location)
    first = store.create("resources", resource_values(), author="ala")
    read = store.read_tracked("resources")
    assert store.refreshed(read) is read
    store.update("resources", first["id"], {"name": "Inna"}, expected_version=1, author="ala")
    after = store.refreshed(read)
    assert after.version == store.data_version()
    _same(store, after)
