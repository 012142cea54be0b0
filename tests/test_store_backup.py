"""The backup: one consistent ``.gpkg`` file, even while an import is being written.

A copy of the file alone taken mid-write is damaged or holds part of the
import (``tests/test_store_files.py`` shows it is refused); the backup is
the map as of the last finished save, whatever is being written.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.__main__ import main
from mapping.errors import MapError
from mapping.store import GeoPackageStore, open_store
from mapping.store.backup import back_up, backup_bytes, backup_name
from tests import navigation
from tests.factories import resource_values
from tests.store_writes import killed_mid_write


@pytest.fixture
def store(tmp_path: Path) -> GeoPackageStore:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    with store.batch("Ala") as batch:
        for i in range(300):
            batch.create("resources", resource_values(name=f"Zasób {i}"))
    return store


def _names(store) -> list[str]:
    return sorted(store.read_layer("resources", include_archived=True)["name"])


def test_the_backup_is_the_whole_map_with_its_history(store, tmp_path):
    copy = open_store(back_up(store.path, tmp_path / "kopia.gpkg"))
    assert _names(copy) == _names(store)
    assert len(copy.history()) == len(store.history())
    with sqlite3.connect(copy.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA application_id").fetchone()[0] == 1196444487  # 'GPKG'


def test_a_backup_during_a_write_holds_only_finished_saves(store, tmp_path):
    with store.batch("Ola") as batch:  # an import under way in this very process
        batch.create("resources", resource_values(name="Niezapisany jeszcze"))
        copy = open_store(back_up(store.path, tmp_path / "kopia.gpkg"))
    assert "Niezapisany jeszcze" not in _names(copy)
    assert len(_names(copy)) == 300


def test_a_backup_after_an_import_was_killed_is_the_map_before_it(store, tmp_path):
    killed_mid_write(store.path)  # the file is half written, its journal beside it
    copy = open_store(back_up(store.path, tmp_path / "kopia.gpkg"))
    assert len(_names(copy)) == 300
    assert not (tmp_path / "kopia.gpkg-journal").exists()


def test_a_backup_never_overwrites_a_file(store, tmp_path):
    target = tmp_path / "kopia.gpkg"
    target.write_bytes(b"moja poprzednia kopia")
    with pytest.raises(MapError, match="już istnieje"):
        back_up(store.path, target)
    assert target.read_bytes() == b"moja poprzednia kopia"


def test_a_backup_of_a_missing_map_says_how_to_make_one(tmp_path):
    with pytest.raises(MapError, match=r"Nie ma mapy.*mapping init"):
        back_up(tmp_path / "literówka.gpkg", tmp_path / "kopia.gpkg")
    assert not (tmp_path / "kopia.gpkg").exists()


def test_a_backup_of_a_server_map_points_to_pg_dump():
    with pytest.raises(MapError, match="pg_dump"):
        back_up("postgresql://postgres@127.0.0.1/mapa", "kopia.gpkg")


def test_a_backup_where_nothing_can_be_written_is_a_polish_message(store):
    with pytest.raises(MapError, match="/proc"):
        back_up(store.path, Path("/proc/kopia.gpkg"))


def test_the_command_line_makes_a_backup(store, tmp_path, capsys):
    target = tmp_path / "kopia.gpkg"
    assert main(["backup", str(target), "--db", str(store.path)]) == 0
    assert "Zapisano kopię zapasową" in capsys.readouterr().out
    assert _names(open_store(target)) == _names(store)
    assert main(["backup", str(target), "--db", str(store.path)]) == 2
    assert "już istnieje" in capsys.readouterr().err


def test_backup_bytes_and_name(store):
    data = backup_bytes(store.path)
    assert data.startswith(b"SQLite format 3\x00")
    assert backup_name(store.path, date(2026, 3, 1)) == "mapa-kopia-2026-03-01.gpkg"


def _downloads(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


def test_the_export_page_makes_a_backup_to_download(store, monkeypatch):
    monkeypatch.setenv("MAPA_DB", str(store.path))
    at = AppTest.from_file(str(navigation.APP), default_timeout=90).run()
    at.switch_page("pages/eksport.py").run()
    button = next(b for b in at.button if "Kopia zapasowa" in b.label)
    button.click().run()
    assert not at.exception and not at.error
    assert any(re.search(r"Pobierz mapa\\-kopia\\-\d{4}", label) for label in _downloads(at))


def test_the_data_page_offers_the_apps_own_csv_and_xlsx(store, monkeypatch):
    monkeypatch.setenv("MAPA_DB", str(store.path))
    at = AppTest.from_file(str(navigation.APP), default_timeout=90).run()
    at.switch_page("pages/dane.py").run()
    assert not at.exception
    labels = " ".join(_downloads(at))
    assert "CSV" in labels and "XLSX" in labels


def test_only_those_who_manage_the_map_may_download_its_backup():
    from mapping.permissions import Role, can_back_up

    # The backup holds every private field and the accounts' password hashes.
    assert {r for r in Role if can_back_up(r)} == {Role.LOCAL, Role.ADMINISTRATOR}
