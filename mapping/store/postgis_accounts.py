"""Team-mode accounts inside a PostGIS map: the SQL behind ``PostGISStore.*_account``.

The same columns as the GeoPackage's table (see ``mapping.store.accounts``);
the table is created on the first ``put_account``, so maps made before team
mode open unchanged, and no export or layer reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg

from mapping.store.accounts import ACCOUNT_COLUMNS

__all__ = ["get_account", "list_accounts", "put_account"]

_DDL = """
CREATE TABLE IF NOT EXISTS accounts (
  login text PRIMARY KEY, display_name text NOT NULL, role text NOT NULL,
  password_hash text NOT NULL, email text, created_at text NOT NULL,
  disabled boolean NOT NULL DEFAULT false, failed_attempts integer NOT NULL DEFAULT 0,
  locked_until text)
"""
_COLUMNS = ", ".join(ACCOUNT_COLUMNS)


def _has_table(conn: psycopg.Connection) -> bool:
    row = conn.execute("SELECT to_regclass('accounts')").fetchone()
    return row is not None and row[0] is not None


def get_account(conn: psycopg.Connection, login: str) -> dict[str, Any] | None:
    """The account called ``login``, or None."""
    if not _has_table(conn):
        return None
    row = conn.execute(f"SELECT {_COLUMNS} FROM accounts WHERE login = %s", (login,)).fetchone()
    return None if row is None else dict(zip(ACCOUNT_COLUMNS, row, strict=True))


def list_accounts(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every account, by login."""
    if not _has_table(conn):
        return []
    rows = conn.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY login").fetchall()
    return [dict(zip(ACCOUNT_COLUMNS, row, strict=True)) for row in rows]


def put_account(conn: psycopg.Connection, account: Mapping[str, Any]) -> None:
    """Insert the account or replace the stored one with the same login (one transaction)."""
    values = [account[c] for c in ACCOUNT_COLUMNS]
    values[ACCOUNT_COLUMNS.index("disabled")] = bool(account["disabled"])
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in ACCOUNT_COLUMNS if c != "login")
    marks = ", ".join("%s" for _ in ACCOUNT_COLUMNS)
    with conn.transaction():
        conn.execute(_DDL)
        conn.execute(
            f"INSERT INTO accounts ({_COLUMNS}) VALUES ({marks}) "
            f"ON CONFLICT (login) DO UPDATE SET {updates}",
            values,
        )
