"""A map file in trouble gets a Polish message saying what to do, never a traceback.

The classes of ``tests/broken_files.py``'s ``BROKEN_STORES`` (a mistyped
``MAPA_DB``, a missing folder, damaged pages, a copy taken mid-write
without its journal …), a map busy with another writer, a location where
nothing can be written, and a column memory that cannot be saved after an
import was stored.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import mapping.store.geopackage as gpkg
from mapping.__main__ import main
from mapping.errors import MapError
from mapping.store import GeoPackageStore, open_store
from mapping.store.gpkg_file import MapBusyError
from tests import navigation
from tests.broken_files import BROKEN_STORES, BrokenStore
from tests.factories import resource_values


@pytest.fixture
def good_map(tmp_path: Path) -> Path:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    with store.batch("Ala") as batch:
        for i in range(300):
            batch.create("resources", resource_values(name=f"Zasób {i}"))
    return store.path


def test_the_corpus_has_every_class_of_broken_map():
    assert len(BROKEN_STORES) >= 8


@pytest.mark.parametrize("broken", BROKEN_STORES, ids=str)
def test_a_broken_map_is_refused_in_polish_and_nothing_is_created(good_map, broken: BrokenStore):
    location = broken.make(good_map)
    existed = location.exists()
    with pytest.raises(MapError, match=broken.message):
        open_store(location)
    assert location.exists() == existed  # a typo does not start an empty map


@pytest.mark.parametrize("broken", BROKEN_STORES, ids=str)
def test_the_command_line_says_what_is_wrong_with_the_map(good_map, broken, capsys):
    location = broken.make(good_map)
    assert main(["history", "--db", str(location)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Błąd: ") and "Traceback" not in err
    assert re.search(broken.message, err), err


@pytest.mark.parametrize("broken", BROKEN_STORES[:1] + BROKEN_STORES[3:4] + BROKEN_STORES[-1:],
                         ids=str)  # fmt: skip
def test_the_app_stops_with_the_message_instead_of_a_traceback(good_map, broken, monkeypatch):
    location = broken.make(good_map)
    monkeypatch.setenv("MAPA_DB", str(location))
    at = AppTest.from_file(str(navigation.APP), default_timeout=60).run()
    assert not at.exception
    assert re.search(broken.message, " ".join(e.value for e in at.error).replace("\\", ""))


def test_only_init_creates_a_map(tmp_path, capsys):
    location = tmp_path / "nowa.gpkg"
    assert main(["undo", "abc", "--db", str(location)]) == 2
    assert "mapping init --db" in capsys.readouterr().err
    assert not location.exists()
    assert main(["init", "--db", str(location)]) == 0
    assert open_store(location).cities()


def test_a_copy_with_its_journal_is_rolled_back_and_opens(good_map):
    from tests.store_writes import killed_mid_write

    killed_mid_write(good_map)
    store = open_store(good_map)  # the journal next to it rolls the half import back
    assert len(store.read_layer("resources")) == 300


# -- a map busy with another writer ------------------------------------------------


@pytest.fixture
def locked_map(good_map: Path, monkeypatch) -> Path:
    """The map while another program holds its write lock (a long import, QGIS saving)."""
    store = GeoPackageStore(good_map)  # opened before the lock, as the app is
    monkeypatch.setattr(gpkg, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(good_map, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield store
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s.read_layer("resources"),
        lambda s: s.history(),  # through pandas, which wraps the sqlite3 error
        lambda s: s.data_version(),
        lambda s: s.cities(),
        lambda s: GeoPackageStore(s.path),
    ],
    ids=["read_layer", "history", "data_version", "cities", "open"],
)
def test_readers_of_a_busy_map_are_told_to_try_again(locked_map, read):
    with pytest.raises(MapBusyError, match=r"Mapa mapa.gpkg jest zajęta.*spróbuj ponownie"):
        read(locked_map)


def test_the_command_line_on_a_busy_map_says_try_again(locked_map, capsys):
    assert main(["history", "--db", str(locked_map.path)]) == 2
    err = capsys.readouterr().err
    assert "jest zajęta" in err and "spróbuj ponownie" in err and "locked" not in err


# -- a location where nothing can be written -----------------------------------------


def test_a_write_protected_map_is_read_and_a_write_is_refused_in_polish(good_map, monkeypatch):
    # What SQLite does with a file the system will not let it write (chmod 444,
    # a CD): it opens it read-only.  Root may write anything, so the test opens
    # the file read-only itself.
    store = GeoPackageStore(good_map)
    monkeypatch.setattr(gpkg, "file_uri", lambda path: path.resolve().as_uri() + "?mode=ro")
    assert len(store.read_layer("resources")) == 300
    with pytest.raises(MapError, match=r"można tylko czytać.*Nic nie zostało zapisane"):
        store.create("resources", resource_values(), author="Ala")


def test_a_folder_where_the_journal_cannot_be_made_refuses_the_write_in_polish(good_map):
    store = GeoPackageStore(good_map)
    journal = good_map.parent / "mapa.gpkg-journal"
    journal.mkdir()  # the journal's name is taken: SQLite cannot write beside the map
    with pytest.raises(MapError, match="Nic nie zostało zapisane"):
        store.create("resources", resource_values(), author="Ala")
    journal.rmdir()
    assert len(store.read_layer("resources")) == 300


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_a_read_only_folder_is_read_and_a_write_is_refused_in_polish(good_map):
    good_map.parent.chmod(0o555)
    try:
        store = open_store(good_map)
        assert len(store.read_layer("resources")) == 300
        with pytest.raises(MapError, match=r"Nic nie zostało zapisane|zapisywać"):
            store.create("resources", resource_values(), author="Ala")
    finally:
        good_map.parent.chmod(0o755)


def test_init_where_nothing_can_be_written_is_a_polish_message(capsys):
    assert main(["init", "--db", "/proc/mapa-test.gpkg"]) == 2  # /proc takes no files
    err = capsys.readouterr().err
    assert err.startswith("Błąd: ") and "/proc" in err and "Traceback" not in err


# -- after the commit ------------------------------------------------------------------


def test_an_import_whose_column_memory_cannot_be_saved_prints_the_undo_number(
    good_map, tmp_path, monkeypatch, capsys
):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("mapping.importing.commit.save_mapping", refuse)
    csv = tmp_path / "lista.csv"
    csv.write_text("Nazwa;Rodzaj;Kategoria\nKlub Nowy;organizacja;sport\n", encoding="utf-8")
    args = ["import", str(csv), "--layer", "resources", "--city", "Gdańsk", "--db", str(good_map)]
    assert main(args) == 0
    out, err = capsys.readouterr()
    batch = re.search(r"python -m mapping undo (\w+)", out)
    assert batch, out
    assert "Uwaga: Import zapisany, ale nie udało się zapamiętać dopasowania kolumn" in err
    assert "Klub Nowy" in set(open_store(good_map).read_layer("resources")["name"])
    assert main(["undo", batch.group(1), "--db", str(good_map)]) == 0


@pytest.mark.parametrize("page", ["pages/mapa.py", "pages/analiza.py", "pages/edycja.py"])
def test_a_busy_map_stops_the_app_with_try_again_not_a_traceback(good_map, monkeypatch, page):
    monkeypatch.setenv("MAPA_DB", str(good_map))
    at = AppTest.from_file(str(navigation.APP), default_timeout=60).run()
    assert not at.exception
    monkeypatch.setattr(gpkg, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(good_map, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")  # a long import in another program
    try:
        at.switch_page(page).run()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not at.exception, at.exception
    assert "jest zajęta" in " ".join(e.value for e in at.error)
