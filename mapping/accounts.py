"""Team-mode accounts: passwords, signing in with throttling, sessions that expire.

The rows live in the store (``Store.get_account`` / ``put_account``, columns in
``mapping.store.accounts``); this module holds every rule about them:

- passwords are hashed with argon2id (``argon2-cffi``) and never kept,
  printed or logged in clear;
- after ``MAX_FAILURES`` wrong passwords in a row an account is locked for
  ``LOCK_BASE``, doubling with every further failure up to ``LOCK_MAX``; the
  lock is stored in the account, so restarting the server does not lift it;
- a signed-in session ends after ``SESSION_IDLE`` without use, and at once
  when the account is disabled; a changed role applies on the next screen.

Team mode itself is switched on by ``MAPA_TEAM=1`` (``make serve``); without it
the app is one person's laptop tool and must listen on loopback only.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mapping.errors import MapError
from mapping.permissions import ACCOUNT_ROLES, Role
from mapping.store import Store

__all__ = [
    "LOCK_BASE",
    "LOCK_MAX",
    "MAX_FAILURES",
    "SESSION_IDLE",
    "Account",
    "LoginError",
    "Session",
    "account_for_email",
    "add_account",
    "authenticate",
    "has_administrator",
    "hash_password",
    "is_loopback",
    "list_accounts",
    "lock_delay",
    "refresh_session",
    "set_disabled",
    "set_role",
    "start_session",
    "team_mode",
    "verify_password",
]

MAX_FAILURES = 5
LOCK_BASE = timedelta(minutes=1)
LOCK_MAX = timedelta(hours=24)
SESSION_IDLE = timedelta(hours=8)
MIN_PASSWORD = 10
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verified against when the login does not exist, so a wrong login takes as
    # long as a wrong password and does not tell which logins exist.
    return _HASHER.hash("nie-ma-takiego-konta")


class LoginError(MapError):
    """Signing in failed; the message says why in Polish (never which part was wrong)."""


def team_mode() -> bool:
    """Whether team mode is on (``MAPA_TEAM=1``): login required, may listen on the network."""
    return os.environ.get("MAPA_TEAM", "").strip().lower() in {"1", "true", "tak", "yes"}


def is_loopback(address: str | None) -> bool:
    """Whether a server address reaches this machine only.

    An empty address means "every interface" to Streamlit, so it is not loopback.
    """
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted: two hashes of one password differ)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def lock_delay(failures: int) -> timedelta | None:
    """How long an account stays locked after ``failures`` wrong passwords in a row.

    None below ``MAX_FAILURES``; then ``LOCK_BASE``, doubling with each further
    failure, never more than ``LOCK_MAX``.
    """
    if failures < MAX_FAILURES:
        return None
    extra = min(failures - MAX_FAILURES, 20)  # 2**20 minutes is far past the cap
    return min(LOCK_BASE * 2**extra, LOCK_MAX)


@dataclass(frozen=True)
class Account:
    """One person who may sign in (the password only as its hash)."""

    login: str
    display_name: str
    role: Role
    password_hash: str
    created_at: str
    email: str | None = None
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: str | None = None

    @property
    def author(self) -> str:
        """How this person's changes are signed in the history: "Name (login)"."""
        if self.display_name == self.login:
            return self.login
        return f"{self.display_name} ({self.login})"

    def row(self) -> dict[str, Any]:
        """The row for ``Store.put_account``."""
        return {
            "login": self.login,
            "display_name": self.display_name,
            "role": self.role.value,
            "password_hash": self.password_hash,
            "email": self.email,
            "created_at": self.created_at,
            "disabled": self.disabled,
            "failed_attempts": self.failed_attempts,
            "locked_until": self.locked_until,
        }

    def __repr__(self) -> str:  # the hash stays out of logs and tracebacks
        return f"Account(login={self.login!r}, role={self.role.value!r})"

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Account:
        """An account from a store row."""
        return cls(
            login=row["login"],
            display_name=row["display_name"],
            role=Role(row["role"]),
            password_hash=row["password_hash"],
            created_at=row["created_at"],
            email=row.get("email"),
            disabled=bool(row.get("disabled")),
            failed_attempts=int(row.get("failed_attempts") or 0),
            locked_until=row.get("locked_until"),
        )


def _clean_login(login: str) -> str:
    cleaned = login.strip().lower()
    if not _LOGIN.match(cleaned):
        raise MapError(
            "login: 2–64 znaki, małe litery bez polskich znaków, cyfry, kropka, "
            "podkreślnik, myślnik lub @",
            field="login",
        )
    return cleaned


def _get(store: Store, login: str) -> Account:
    row = store.get_account(login.strip().lower())
    if row is None:
        raise MapError(f"nie ma konta „{login}”", field="login")
    return Account.from_row(row)


def _role(role: str | Role) -> Role:
    try:
        chosen = Role(role)
    except ValueError:
        chosen = None
    if chosen not in ACCOUNT_ROLES:
        names = ", ".join(r.value for r in ACCOUNT_ROLES)
        raise MapError(f"nieznana rola „{role}”; dostępne: {names}", field="rola")
    return chosen


def add_account(
    store: Store,
    login: str,
    password: str,
    role: str | Role,
    *,
    display_name: str | None = None,
    email: str | None = None,
    now: datetime | None = None,
) -> Account:
    """Create an account; ``MapError`` if the login is taken or the password too short."""
    login = _clean_login(login)
    chosen = _role(role)
    if store.get_account(login) is not None:
        raise MapError(f"konto „{login}” już istnieje", field="login")
    if len(password) < MIN_PASSWORD:
        raise MapError(f"hasło musi mieć co najmniej {MIN_PASSWORD} znaków", field="hasło")
    account = Account(
        login=login,
        display_name=(display_name or "").strip() or login,
        role=chosen,
        password_hash=hash_password(password),
        created_at=_iso(now or _now()),
        email=(email or "").strip().casefold() or None,
    )
    store.put_account(account.row())
    return account


def list_accounts(store: Store) -> list[Account]:
    """Every account, by login."""
    return [Account.from_row(row) for row in store.list_accounts()]


def has_administrator(store: Store) -> bool:
    """Whether some enabled account can manage the others."""
    return any(a.role == Role.ADMINISTRATOR and not a.disabled for a in list_accounts(store))


def set_role(store: Store, login: str, role: str | Role) -> Account:
    """Give an account another role (applies on its next screen)."""
    account = replace(_get(store, login), role=_role(role))
    store.put_account(account.row())
    return account


def set_disabled(store: Store, login: str, disabled: bool) -> Account:
    """Disable an account (it is signed out at once) or enable it (which also unlocks it)."""
    account = replace(_get(store, login), disabled=disabled)
    if not disabled:
        account = replace(account, failed_attempts=0, locked_until=None)
    store.put_account(account.row())
    return account


_WRONG = "Nieprawidłowy login lub hasło."


def authenticate(
    store: Store, login: str, password: str, *, now: datetime | None = None
) -> Account:
    """The account whose password this is; ``LoginError`` (in Polish) otherwise.

    A locked account is refused before its password is checked, so guessing
    goes no faster by trying on; every wrong password counts and may lock it.
    """
    now = now or _now()
    row = store.get_account(login.strip().lower())
    if row is None:
        verify_password(_dummy_hash(), password)
        raise LoginError(_WRONG)
    account = Account.from_row(row)
    locked_until = _parse(account.locked_until)
    if locked_until is not None and now < locked_until:
        at = locked_until.astimezone().strftime("%H:%M")
        raise LoginError(f"Zbyt wiele nieudanych prób logowania. Spróbuj ponownie po {at}.")
    if not verify_password(account.password_hash, password):
        failures = account.failed_attempts + 1
        delay = lock_delay(failures)
        until = None if delay is None else _iso(now + delay)
        store.put_account(replace(account, failed_attempts=failures, locked_until=until).row())
        raise LoginError(_WRONG)
    if account.disabled:
        raise LoginError("To konto jest wyłączone — skontaktuj się z administratorem mapy.")
    updates: dict[str, Any] = {"failed_attempts": 0, "locked_until": None}
    if _HASHER.check_needs_rehash(account.password_hash):
        updates["password_hash"] = hash_password(password)
    if account.failed_attempts or account.locked_until or "password_hash" in updates:
        account = replace(account, **updates)
        store.put_account(account.row())
    return account


def account_for_email(store: Store, email: str | None) -> Account | None:
    """The enabled account whose e-mail is ``email`` (single sign-on), or None."""
    wanted = (email or "").strip().casefold()
    if not wanted:
        return None
    for account in list_accounts(store):
        if account.email == wanted and not account.disabled:
            return account
    return None


@dataclass(frozen=True)
class Session:
    """Who is signed in in one browser session, and since when it was last used."""

    login: str
    author: str
    role: Role
    last_seen: datetime


def start_session(account: Account, *, now: datetime | None = None) -> Session:
    """A session for an account that has just signed in."""
    return Session(account.login, account.author, account.role, now or _now())


def refresh_session(
    store: Store, session: Session, *, now: datetime | None = None
) -> Session | None:
    """The session for this screen, or None when it has ended.

    It ends after ``SESSION_IDLE`` without use, or when the account is gone or
    disabled; otherwise it takes the account's current role and name.
    """
    now = now or _now()
    if now - session.last_seen > SESSION_IDLE:
        return None
    row = store.get_account(session.login)
    if row is None:
        return None
    account = Account.from_row(row)
    if account.disabled:
        return None
    return Session(account.login, account.author, account.role, now)
