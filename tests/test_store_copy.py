"""``python -m mapping copy``: a whole map with its history, file → server → file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.__main__ import main
from mapping.errors import MapError
from mapping.store import GeoPackageStore, open_store
from mapping.store.copy import copy_map
from tests.factories import resource_values

pytestmark = pytest.mark.postgis


def _edited(store: GeoPackageStore) -> GeoPackageStore:
    """The seeded map after a few changes: versions above 1, an archive, a restore."""
    library = store.create("resources", resource_values(name="Biblioteka"), author="Ala")
    store.update("resources", library["id"], {"name": "Biblioteka Nowa", "target_groups": []},
                 expected_version=1, author="Ola")  # fmt: skip
    store.archive("resources", library["id"], expected_version=2, author="Ola")
    store.restore("resources", library["id"], 1, author="Ala")
    return store


def _same_records(left: list[dict], right: list[dict]) -> None:
    assert [r["id"] for r in left] == [r["id"] for r in right]
    for a, b in zip(left, right, strict=True):
        ga, gb = a.pop("geometry"), b.pop("geometry")
        assert a == b
        assert (ga is None and gb is None) or ga.equals_exact(gb, 1e-9), a["id"]


def test_a_map_goes_to_the_server_and_back_with_ids_versions_and_history(
    seeded_store, postgis_location, tmp_path: Path
):
    source = _edited(seeded_store)
    copy_map(source.location, postgis_location)
    back = tmp_path / "kopia.gpkg"
    assert main(["copy", postgis_location, str(back)]) == 0

    layers, history = source.dump_map()
    for copy in (open_store(postgis_location), GeoPackageStore(back)):
        copied_layers, copied_history = copy.dump_map()
        assert copied_history == history
        for name, records in layers.items():
            _same_records([dict(r) for r in records], [dict(r) for r in copied_layers[name]])
        assert copy.data_version() == len(history)
    # The copy works as a map: the history of the restored record goes on from version 4.
    server = open_store(postgis_location)
    (library,) = server.read_layer("resources").query("name == 'Biblioteka'").to_dict("records")
    assert library["version"] == 4
    server.update("resources", library["id"], {"name": "Po kopii"}, expected_version=4,
                  author="Ala")  # fmt: skip
    assert list(server.history("resources", library["id"])["version"]) == [5, 4, 3, 2, 1]


def test_a_copy_never_overwrites_a_map(seeded_store, postgis_location, tmp_path: Path):
    copy_map(seeded_store.location, postgis_location)
    with pytest.raises(MapError, match="nie jest pusta"):
        copy_map(seeded_store.location, postgis_location)
    with pytest.raises(MapError, match="już istnieje"):
        copy_map(postgis_location, seeded_store.location)
    with pytest.raises(MapError, match="nie ma mapy"):
        copy_map(str(tmp_path / "brak.gpkg"), str(tmp_path / "nowa.gpkg"))
    assert not (tmp_path / "nowa.gpkg").exists()
