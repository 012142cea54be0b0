"""Team-mode accounts inside a GeoPackage: the sqlite SQL behind ``Store.*_account``.

The accounts live in the map file itself, so a team's map and who may use it
travel together, and a restart keeps every lock.  The table is **not**
registered in ``gpkg_contents``: QGIS and GDAL do not list it as a layer, no
export reads it (exports read the schema's layers only), and the app never
shows it as data.

Table ``accounts`` (the PostGIS backend keeps the same columns):

==================  ==============  ==============================================
column              type            meaning
==================  ==============  ==============================================
login               TEXT, PK        what the person types to sign in (lower case)
display_name        TEXT NOT NULL   the name written in the history of changes
role                TEXT NOT NULL   ``administrator``, ``animator`` or ``partner``
password_hash       TEXT NOT NULL   argon2id hash (``$argon2id$…``), never the password
email               TEXT            for single sign-on (OIDC): matched case-folded
created_at          TEXT NOT NULL   ISO 8601 UTC, e.g. ``2026-05-01T10:00:00Z``
disabled            INTEGER 0/1     a disabled account cannot sign in
failed_attempts     INTEGER         wrong passwords since the last good one
locked_until        TEXT            ISO 8601 UTC; no sign-in before it (or NULL)
==================  ==============  ==============================================

Rows go in and out as plain dicts with exactly these keys (``disabled`` as a
bool); ``mapping.accounts`` holds every rule about them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

__all__ = ["ACCOUNT_COLUMNS", "get_account", "list_accounts", "put_account"]

ACCOUNT_COLUMNS: tuple[str, ...] = (
    "login",
    "display_name",
    "role",
    "password_hash",
    "email",
    "created_at",
    "disabled",
    "failed_attempts",
    "locked_until",
)

_DDL = """
CREATE TABLE IF NOT EXISTS accounts (
  login TEXT PRIMARY KEY NOT NULL, display_name TEXT NOT NULL, role TEXT NOT NULL,
  password_hash TEXT NOT NULL, email TEXT, created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0, failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT)
"""


def _has_table(conn: sqlite3.Connection) -> bool:
    # Maps made before team mode have no table; reading them must not write.
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'"
    ).fetchone()
    return row is not None


def _as_dict(row: tuple) -> dict[str, Any]:
    account = dict(zip(ACCOUNT_COLUMNS, row, strict=True))
    account["disabled"] = bool(account["disabled"])
    return account


def get_account(conn: sqlite3.Connection, login: str) -> dict[str, Any] | None:
    """The account called ``login``, or None."""
    if not _has_table(conn):
        return None
    row = conn.execute(
        f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM accounts WHERE login = ?", (login,)
    ).fetchone()
    return None if row is None else _as_dict(row)


def list_accounts(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every account, by login."""
    if not _has_table(conn):
        return []
    rows = conn.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM accounts ORDER BY login")
    return [_as_dict(row) for row in rows]


def put_account(conn: sqlite3.Connection, account: Mapping[str, Any]) -> None:
    """Insert the account or replace the stored one with the same login (one transaction)."""
    values = [account[c] for c in ACCOUNT_COLUMNS]
    values[ACCOUNT_COLUMNS.index("disabled")] = int(bool(account["disabled"]))
    marks = ", ".join("?" for _ in ACCOUNT_COLUMNS)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_DDL)
        conn.execute(
            f"INSERT OR REPLACE INTO accounts ({', '.join(ACCOUNT_COLUMNS)}) VALUES ({marks})",
            values,
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
