"""Accounts of team mode: hashed passwords, throttled sign-in, sessions that expire."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from mapping import accounts
from mapping.accounts import (
    MAX_FAILURES,
    SESSION_IDLE,
    LoginError,
    add_account,
    authenticate,
    lock_delay,
    refresh_session,
    start_session,
)
from mapping.errors import MapError
from mapping.permissions import Role
from mapping.store import GeoPackageStore

PASSWORD = "dobre-haslo-123"
T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def team_store(store: GeoPackageStore) -> GeoPackageStore:
    add_account(store, "anna", PASSWORD, "animator", display_name="Anna Nowak", now=T0)
    return store


def test_password_is_stored_only_as_an_argon2_hash(team_store: GeoPackageStore) -> None:
    with sqlite3.connect(team_store.path) as conn:
        dump = "\n".join(conn.iterdump())
    assert PASSWORD not in dump
    assert team_store.get_account("anna")["password_hash"].startswith("$argon2id$")
    assert accounts.hash_password(PASSWORD) != accounts.hash_password(PASSWORD)  # salted


def test_account_repr_hides_the_hash(team_store: GeoPackageStore) -> None:
    account = authenticate(team_store, "anna", PASSWORD, now=T0)
    assert "argon2" not in repr(account)


def test_right_password_signs_in_and_history_gets_the_account_name(
    team_store: GeoPackageStore,
) -> None:
    account = authenticate(team_store, " Anna ", PASSWORD, now=T0)
    assert account.role == Role.ANIMATOR
    assert account.author == "Anna Nowak (anna)"


def test_wrong_password_and_unknown_login_give_the_same_message(
    team_store: GeoPackageStore,
) -> None:
    with pytest.raises(LoginError) as wrong:
        authenticate(team_store, "anna", "zle-haslo-000", now=T0)
    with pytest.raises(LoginError) as unknown:
        authenticate(team_store, "nikt", PASSWORD, now=T0)
    assert wrong.value.message == unknown.value.message == "Nieprawidłowy login lub hasło."


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    team_store: GeoPackageStore,
) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginError):
            authenticate(team_store, "anna", "zle-haslo-000", now=T0)
    with pytest.raises(LoginError, match="Zbyt wiele nieudanych prób"):
        authenticate(team_store, "anna", PASSWORD, now=T0 + timedelta(seconds=30))
    # The lock is in the map, so a restarted server (a new store object) keeps it.
    reopened = GeoPackageStore(team_store.path)
    with pytest.raises(LoginError, match="Zbyt wiele nieudanych prób"):
        authenticate(reopened, "anna", PASSWORD, now=T0 + timedelta(seconds=30))
    signed_in = authenticate(reopened, "anna", PASSWORD, now=T0 + timedelta(minutes=2))
    assert signed_in.failed_attempts == 0
    assert reopened.get_account("anna")["locked_until"] is None


def test_each_failure_after_the_limit_doubles_the_lock_up_to_a_day() -> None:
    assert [lock_delay(n) for n in range(MAX_FAILURES)] == [None] * MAX_FAILURES
    assert lock_delay(MAX_FAILURES) == timedelta(minutes=1)
    assert lock_delay(MAX_FAILURES + 1) == timedelta(minutes=2)
    assert lock_delay(MAX_FAILURES + 3) == timedelta(minutes=8)
    assert lock_delay(MAX_FAILURES + 100) == timedelta(hours=24)


def test_disabled_account_cannot_sign_in_and_is_signed_out(team_store: GeoPackageStore) -> None:
    session = start_session(authenticate(team_store, "anna", PASSWORD, now=T0), now=T0)
    accounts.set_disabled(team_store, "anna", True)
    assert refresh_session(team_store, session, now=T0 + timedelta(minutes=1)) is None
    with pytest.raises(LoginError, match="wyłączone"):
        authenticate(team_store, "anna", PASSWORD, now=T0)


def test_session_expires_after_idle_time_and_use_keeps_it_alive(
    team_store: GeoPackageStore,
) -> None:
    session = start_session(authenticate(team_store, "anna", PASSWORD, now=T0), now=T0)
    later = T0 + SESSION_IDLE - timedelta(minutes=1)
    kept = refresh_session(team_store, session, now=later)
    assert kept is not None and kept.last_seen == later
    assert refresh_session(team_store, kept, now=later + SESSION_IDLE) is not None
    assert (
        refresh_session(team_store, kept, now=later + SESSION_IDLE + timedelta(seconds=1)) is None
    )


def test_changed_role_applies_to_a_running_session(team_store: GeoPackageStore) -> None:
    session = start_session(authenticate(team_store, "anna", PASSWORD, now=T0), now=T0)
    accounts.set_role(team_store, "anna", "partner")
    assert refresh_session(team_store, session, now=T0).role == Role.PARTNER


@pytest.mark.parametrize(
    ("login", "password", "role", "message"),
    [
        ("anna", PASSWORD, "partner", "już istnieje"),
        ("Łukasz", PASSWORD, "partner", "login"),
        ("piotr", "krotkie", "partner", "co najmniej"),
        ("piotr", PASSWORD, "visitor", "nieznana rola"),
        ("piotr", PASSWORD, "local", "nieznana rola"),
    ],
)
def test_bad_account_is_refused_in_polish(
    team_store: GeoPackageStore, login: str, password: str, role: str, message: str
) -> None:
    with pytest.raises(MapError, match=message):
        add_account(team_store, login, password, role)


def test_accounts_are_no_layer_of_the_geopackage(team_store: GeoPackageStore) -> None:
    with sqlite3.connect(team_store.path) as conn:
        listed = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
    assert "accounts" not in listed


def test_map_without_accounts_reads_as_none_without_writing(store: GeoPackageStore) -> None:
    assert store.list_accounts() == []
    assert store.get_account("anna") is None
    assert not accounts.has_administrator(store)


def test_single_sign_on_email_maps_to_an_enabled_account(team_store: GeoPackageStore) -> None:
    add_account(team_store, "ola", PASSWORD, "partner", email="Ola@Example.org")
    assert accounts.account_for_email(team_store, "ola@example.ORG").login == "ola"
    accounts.set_disabled(team_store, "ola", True)
    assert accounts.account_for_email(team_store, "ola@example.org") is None
    assert accounts.account_for_email(team_store, None) is None


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.1.1", True),
     ("0.0.0.0", False), ("", False), (None, False), ("192.168.1.10", False),
     ("mapa.example.org", False)],
)  # fmt: skip
def test_loopback_addresses(address: str | None, loopback: bool) -> None:
    assert accounts.is_loopback(address) is loopback


def test_accounts_and_their_locks_are_kept_by_each_backend(each_store) -> None:
    """The PostGIS map keeps accounts like the file: sign-in, throttling across restarts."""
    assert each_store.get_account("anna") is None and each_store.list_accounts() == []
    add_account(each_store, "anna", PASSWORD, "animator", display_name="Anna Nowak", now=T0)
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginError):
            authenticate(each_store, "anna", "zle-haslo", now=T0)
    stored = each_store.get_account("anna")
    assert stored["failed_attempts"] == MAX_FAILURES and stored["locked_until"]
    assert [a["login"] for a in each_store.list_accounts()] == ["anna"]
    later = T0 + timedelta(days=2)
    assert authenticate(each_store, "anna", PASSWORD, now=later).login == "anna"
