"""The app's shell in team mode and out of it: where it may listen, who gets which pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from mapping.__main__ import main
from mapping.accounts import add_account, authenticate
from mapping.store import GeoPackageStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PASSWORD = "haslo-zespolu-2026"


@pytest.fixture
def app(seeded_store, monkeypatch) -> AppTest:
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    monkeypatch.delenv("MAPA_TEAM", raising=False)
    return AppTest.from_file(APP, default_timeout=90)


@pytest.fixture
def network_address() -> object:
    before = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", before)


def _errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_app_refuses_a_network_address_without_team_mode(app, network_address) -> None:
    at = app.run()
    assert "tryb zespołowy (logowanie) jest wyłączony" in _errors(at)
    assert not at.title  # no page ran


def test_team_mode_without_an_administrator_stops_with_the_command(app, monkeypatch) -> None:
    monkeypatch.setenv("MAPA_TEAM", "1")
    at = app.run()
    assert "users add LOGIN --role administrator" in _errors(at)


def test_visitor_has_no_author_field_and_no_audience_choice(app, seeded_store, monkeypatch):
    add_account(seeded_store, "ala", PASSWORD, "administrator")
    monkeypatch.setenv("MAPA_TEAM", "1")
    at = app.run()
    assert not at.exception
    keys = {w.key for w in at.text_input} | {w.key for w in at.radio}
    assert "author" not in keys and "audience" not in keys
    assert {"login_name", "login_password"} <= keys


def test_users_cli_adds_lists_and_checks_accounts(tmp_path, monkeypatch, capsys) -> None:
    db = str(tmp_path / "mapa.gpkg")
    GeoPackageStore(db)  # no command but init creates a map
    assert main(["users", "check", "--db", db]) == 2
    assert "users add LOGIN --role administrator" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["users", "add", "Ala", "--role", "administrator", "--name", "Ala K", "--password-stdin"]
    assert main([*args, "--db", db]) == 0
    assert main(["users", "set-role", "ala", "animator", "--db", db]) == 0
    assert main(["users", "list", "--db", db]) == 0
    out = capsys.readouterr().out
    assert PASSWORD not in out and "argon2" not in out
    assert "ala\tanimator\tAla K" in out
    assert authenticate(GeoPackageStore(db), "ala", PASSWORD).author == "Ala K (ala)"
    assert main(["users", "check", "--db", db]) == 2  # no administrator left
