"""Reaching the PostgreSQL server of a team map: messages, the database, the extension.

Messages name the server and the database, never a password.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from mapping.errors import MapError
from mapping.store.postgis_sql import quote

__all__ = ["connection_error", "create_database", "describe_server", "ensure_postgis"]


def describe_server(location: str) -> str:
    """Server and database of a location, for messages (never the password)."""
    try:
        info = conninfo_to_dict(location)
    except psycopg.ProgrammingError:
        return "(niepoprawny adres postgresql://)"
    host = info.get("host", "localhost")
    port = info.get("port", "5432")
    return f"{host}:{port}, baza „{info.get('dbname', '')}”"


def connection_error(location: str, exc: psycopg.OperationalError) -> MapError:
    """A Polish message for a connection that failed (no server, no database)."""
    text = str(exc)
    if "does not exist" in text and "database" in text:
        return MapError(
            f"Na serwerze nie ma bazy mapy ({describe_server(location)}). "
            "Utwórz ją: MAPA_DB=… python -m mapping init"
        )
    reason = text.strip().splitlines()[-1] if text.strip() else type(exc).__name__
    return MapError(
        f"Nie można połączyć się z serwerem PostgreSQL ({describe_server(location)}): {reason}"
    )


def ensure_postgis(conn: psycopg.Connection, location: str) -> None:
    """Create the PostGIS extension if the database lacks it, or say what to install."""
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION postgis")
    except psycopg.Error as exc:
        raise MapError(
            f"W bazie {describe_server(location)} nie ma rozszerzenia PostGIS i nie można go dodać "
            f"({str(exc).strip().splitlines()[0]}). Na serwerze Debian: pakiet "
            "postgresql-15-postgis-3 (scripts/install-test-system.sh), potem "
            "CREATE EXTENSION postgis jako właściciel bazy."
        ) from None


def create_database(location: str) -> bool:
    """Create the database named in ``location`` if the server has none; return if created."""
    info = conninfo_to_dict(location)
    name = info.get("dbname")
    if not name:
        raise MapError("adres postgresql:// nie podaje nazwy bazy, np. …:5432/mapa")
    info.pop("options", None)
    maintenance = make_conninfo("", **{**info, "dbname": "postgres"})
    try:
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
            if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                return False
            conn.execute(f"CREATE DATABASE {quote(str(name))}")
    except psycopg.OperationalError as exc:
        raise connection_error(location, exc) from None
    except pg_errors.DuplicateDatabase:
        return False  # created meanwhile by another process
    except psycopg.Error as exc:
        raise MapError(
            f"Nie można utworzyć bazy ({describe_server(location)}): {str(exc).strip()}. "
            "Poproś administratora serwera o bazę z rozszerzeniem PostGIS."
        ) from None
    return True
