"""PostGIS backend: one map for a whole team on a PostgreSQL server.

Chosen by a ``postgresql://`` location (``MAPA_DB``).  The tables mirror the
GeoPackage (one per layer, the same system fields, ``history`` with JSON
deltas, ``mapping.store.deltas``), geometry in EPSG:4326 with GiST indexes.  Versions, history and
the change counter are kept by triggers (``mapping.store.postgis_sql``), so an
edit made in QGIS connected straight to the server is versioned too.

Concurrency: every app UPDATE names the version it was made from
(``WHERE version = %s``) after locking the row (``SELECT … FOR UPDATE``), so
of two saves of the same version one wins and the other is a
``ConflictError``; a batch is one transaction, invisible to others until it
commits whole.  A password is best kept out of the location (``~/.pgpass`` or
``PGPASSWORD``), since the location is shown in the app.

The batch writer is in ``mapping.store.postgis_writer``, rows and records in
``mapping.store.postgis_rows``, the tables and triggers in
``mapping.store.postgis_sql``.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import geopandas as gpd
import pandas as pd
import psycopg
from psycopg import errors as pg_errors

from mapping.errors import MapError
from mapping.frames import encode_list, is_list_field, rows_to_frame
from mapping.schema import LAYERS, SYSTEM_FIELDS, Layer, get_layer
from mapping.store import postgis_accounts
from mapping.store.deltas import Entry, derived_history, layer_as_of
from mapping.store.postgis_rows import dump_json, from_wkb, geometry_value, row_to_record
from mapping.store.postgis_server import connection_error, describe_server, ensure_postgis
from mapping.store.postgis_sql import (
    GEOM,
    create_statements,
    quote,
    select_columns,
    upgrade_statements,
)
from mapping.store.postgis_writer import Writer
from mapping.store.records import HISTORY_FIELDS
from mapping.store.refresh import LayerRead
from mapping.store.single_writes import BatchEntry, SingleWrites
from mapping.text import polish_sorted

__all__ = ["PostGISStore"]

_HISTORY_COLUMNS = ", ".join("mapa_iso(at)" if c == "at" else c for c in HISTORY_FIELDS)
_RETRY = "Nic nie zostało zapisane — spróbuj ponownie."
#: How the app's sessions show on the server (pg_stat_activity).
APP_NAME = "mapa-zasobow"
#: Connections a forked process inherited: kept, never closed, from the child.
_INHERITED: list[psycopg.Connection] = []


def _now() -> str:
    # The same ISO form as the GeoPackage (UTC, milliseconds, 'Z').
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class PostGISStore(SingleWrites):
    """The map stored in a PostgreSQL database with PostGIS.

    Parameters
    ----------
    location : a ``postgresql://user@host:port/database`` URL (libpq options such as
        ``?options=-csearch_path%3Dschema,public`` choose a schema); the tables are
        created in the first schema of the search path if the database has none.
    """

    def __init__(self, location: str):
        self.location = str(location)
        self._local = threading.local()
        self._ensure_tables()

    # -- connections -----------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[psycopg.Connection]:
        conn, own = self._connection(), False
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            # Called inside an open batch of this thread: a connection of its own, so
            # this call stays its own transaction (as with the GeoPackage).
            conn, own = self._open(), True
        try:
            yield conn
        except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure) as exc:
            raise MapError(
                f"Zapis zderzył się z równoczesną zmianą tych samych wpisów ({exc}). {_RETRY}"
            ) from None
        except pg_errors.LockNotAvailable:
            raise MapError(f"Wpisy są zablokowane przez inny zapis. {_RETRY}") from None
        except psycopg.OperationalError as exc:
            raise MapError(
                f"Połączenie z serwerem PostgreSQL przerwane ({exc}). {_RETRY}"
            ) from None
        finally:
            if own:
                conn.close()

    def _connection(self) -> psycopg.Connection:
        """This thread's connection, opened on first use and again after it broke.

        One per thread (Streamlit serves each session from its own thread) and
        per process: a forked child must not use, nor close, its parent's socket.
        """
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid != os.getpid():
            _INHERITED.append(conn)  # closing it here would end the parent's session
            conn = None
        if conn is None or conn.closed or conn.broken:
            conn = self._open()
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _open(self) -> psycopg.Connection:
        try:
            return psycopg.connect(
                self.location, autocommit=True, connect_timeout=10, application_name=APP_NAME
            )
        except psycopg.OperationalError as exc:
            raise connection_error(self.location, exc) from None

    def _ensure_tables(self) -> None:
        names = (*LAYERS, "history", "mapa_changes")
        with self._connect() as conn, conn.transaction():
            # Two processes opening a new database at once: one creates, one waits.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('mapa:' || current_schema()))")
            present = {
                r[0]
                for r in conn.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
                    (list(names),),
                )
            }
            if present == set(names):
                if not conn.execute(
                    "SELECT 1 FROM pg_proc WHERE proname = 'mapa_delta' "
                    "AND pronamespace = current_schema()::regnamespace"
                ).fetchone():  # made before history kept deltas
                    conn.execute(";\n".join(upgrade_statements()))
                return
            if present:
                missing = ", ".join(n for n in names if n not in present)
                raise MapError(
                    f"Baza {describe_server(self.location)} nie jest mapą zasobów i potrzeb "
                    f"(brak tabel: {missing})"
                )
            ensure_postgis(conn, self.location)
            # One round trip: a query without parameters may hold many statements.
            conn.execute(";\n".join(create_statements()))

    @contextmanager
    def batch(self, author: str, note: str = "") -> Iterator[Writer]:
        """One transaction: all writes in the block are stored, or none."""
        if not author.strip():
            raise MapError("podaj, kto wprowadza zmianę", field="autor")
        batch_id, now = uuid.uuid4().hex[:12], _now()
        with self._connect() as conn, conn.transaction():
            conn.execute(
                "SELECT set_config('mapa.author', %s, true), set_config('mapa.batch_id', %s, "
                "true), set_config('mapa.note', %s, true), set_config('mapa.now', %s, true)",
                (author.strip(), batch_id, note, now),
            )
            yield Writer(conn, batch_id, now)

    # -- reading -----------------------------------------------------------------
    def get(self, layer: str, record_id: str) -> dict[str, Any]:
        """One record (archived ones included); ``NotFoundError`` if absent."""
        with self._connect() as conn:
            return Writer(conn, "", "").current(get_layer(layer), record_id)

    def read_layer(
        self, layer: str, *, city: str | None = None, include_archived: bool = False
    ) -> gpd.GeoDataFrame:
        """All records of a layer as a record frame (see ``mapping.frames``)."""
        schema = get_layer(layer)
        where, params = [], []
        if not include_archived:
            where.append("archived_at IS NULL")
        if city is not None:
            where.append("city = %s")
            params.append(city)
        sql = f"SELECT {select_columns(schema)} FROM {quote(layer)}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY fid", params).fetchall()
        return rows_to_frame(schema, rows, from_wkb)

    def read_layer_as_of(
        self, layer: str, when: date, *, city: str | None = None
    ) -> gpd.GeoDataFrame:
        """The layer as it stood at the end of day ``when`` (UTC): the current rows,
        the changes made after that undone (``mapping.store.deltas.layer_as_of``)."""
        schema = get_layer(layer)
        cutoff = f"{when.isoformat()}T23:59:59.999Z"
        live_sql = f"SELECT fid, {select_columns(schema)} FROM {quote(layer)} "
        live_sql += (
            "WHERE archived_at IS NULL" + (" AND city = %s" if city else "") + " ORDER BY fid"
        )
        with self._connect() as conn, conn.transaction():
            # One snapshot for the history and the rows, as a committed state of the map.
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            later: dict[str, list[Entry]] = {}
            for entry in _entries(
                conn, "layer = %s AND at > %s::timestamptz ORDER BY fid DESC", (layer, cutoff)
            ):
                later.setdefault(entry["record_id"], []).append(entry)
            anchors = {
                entry["record_id"]: entry
                for entry in _entries(
                    conn,
                    "fid IN (SELECT max(fid) FROM history WHERE layer = %s "
                    "AND at <= %s::timestamptz AND record_id = ANY(%s) GROUP BY record_id)",
                    (layer, cutoff, list(later)),
                )
            }
            changed = _currents(conn, schema, list(later), with_fid=True)
            rows = conn.execute(live_sql, [city] if city else []).fetchall()
        frame = rows_to_frame(schema, [row[1:] for row in rows], from_wkb)
        fids = [row[0] for row in rows]
        return layer_as_of(schema, (frame, fids), changed, anchors, later, city=city)

    def history(self, layer: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """Change log, newest first: fid, layer, record_id, version, action, author,
        at, batch_id, note, before, after (whole JSON snapshots, as text)."""
        where, params = ["true"], []
        if layer:
            where.append("layer = %s")
            params.append(layer)
        if record_id:
            where.append("record_id = %s")
            params.append(record_id)
        with self._connect() as conn:
            entries = _entries(conn, " AND ".join(where) + " ORDER BY fid DESC", params)
            return derived_history(get_layer, entries, lambda s, ids: _currents(conn, s, ids))

    # -- team-mode accounts (SQL in mapping.store.postgis_accounts) ------------
    def get_account(self, login: str) -> dict[str, Any] | None:
        """The account row called ``login``, or None."""
        with self._connect() as conn:
            return postgis_accounts.get_account(conn, login)

    def put_account(self, account: Mapping[str, Any]) -> None:
        """Store an account row, replacing the one with the same login."""
        with self._connect() as conn:
            postgis_accounts.put_account(conn, account)

    def list_accounts(self) -> list[dict[str, Any]]:
        """Every account row, by login."""
        with self._connect() as conn:
            return postgis_accounts.list_accounts(conn)

    def read_tracked(self, layer: str, *, city: str | None = None) -> LayerRead:
        """The whole layer (archived included) and the data version it holds at least.

        No places: the server's history numbers entries as transactions start,
        not as they commit, so "entries after this one" could miss a change;
        ``refreshed`` reads the layer whole when anything changed.
        """
        version = self.data_version()  # before the read: the rows hold this or newer
        frame = self.read_layer(layer, city=city, include_archived=True)
        return LayerRead(layer, city, frame, None, version, "")

    def refreshed(self, read: LayerRead) -> LayerRead:
        """``read`` itself if nothing changed since, else the layer read whole."""
        if self.data_version() == read.version:
            return read
        return self.read_tracked(read.layer, city=read.city)

    def data_version(self) -> int:
        """The number of committed changes (kept by a trigger, grows with every write)."""
        with self._connect() as conn:
            row = conn.execute("SELECT changes FROM mapa_changes").fetchone()
        return int(row[0]) if row else 0

    def cities(self) -> list[str]:
        """Cities that have any area or resource, in Polish order."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT city FROM areas WHERE archived_at IS NULL "
                "UNION SELECT city FROM resources WHERE archived_at IS NULL"
            ).fetchall()
        return polish_sorted(r[0] for r in rows if r[0])

    def _record_log(
        self, layer: str, record_id: str
    ) -> tuple[dict[str, Any] | None, Sequence[Entry]]:
        with self._connect() as conn:
            current = _currents(conn, get_layer(layer), [record_id]).get(record_id)
            entries = _entries(
                conn, "layer = %s AND record_id = %s ORDER BY fid DESC", (layer, record_id)
            )
        return current, entries

    def _batch_entries(self, batch_id: str) -> list[BatchEntry]:
        with self._connect() as conn:
            entries = _entries(conn, "batch_id = %s ORDER BY fid DESC", (batch_id,))
        return [
            (e["layer"], e["record_id"], e["version"], e["action"], e["before"], e["after"])
            for e in entries
        ]

    # -- copying (python -m mapping copy) -------------------------------------------
    def is_empty(self) -> bool:
        """Whether the map holds no record and no history."""
        tables = [*LAYERS, "history"]
        sql = " UNION ALL ".join(f"SELECT 1 FROM {quote(t)}" for t in tables)
        with self._connect() as conn:
            row = conn.execute(f"SELECT NOT EXISTS ({sql})").fetchone()
        return bool(row and row[0])

    def dump_map(self) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        """Every record (archived included) per layer and every history entry, oldest first."""
        layers = {}
        with self._connect() as conn:
            for schema in LAYERS.values():
                rows = conn.execute(
                    f"SELECT {select_columns(schema)} FROM {quote(schema.name)} ORDER BY fid"
                ).fetchall()
                layers[schema.name] = [row_to_record(schema, row) for row in rows]
            history = _entries(conn, "true ORDER BY fid", ())
        return layers, history

    def load_map(
        self, layers: Mapping[str, Sequence[Mapping[str, Any]]], history: Sequence[Mapping]
    ) -> None:
        """Fill an empty map with records and history exactly as given (one transaction).

        The triggers stand aside (``mapa.copying``): ids, versions, times,
        authors and every history entry are kept as they were in the source.
        """
        if not self.is_empty():
            raise MapError(
                f"Mapa docelowa {describe_server(self.location)} nie jest pusta; nic nie skopiowano"
            )
        with self._connect() as conn, conn.transaction():
            conn.execute("SELECT set_config('mapa.copying', 'on', true)")
            for name, records in layers.items():
                _copy_records(conn, get_layer(name), records)
            _copy_history(conn, history)


def _entries(conn: psycopg.Connection, where: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """Raw history rows (``before`` and ``after`` as JSON text) matching ``where``."""
    rows = conn.execute(f"SELECT {_HISTORY_COLUMNS} FROM history WHERE {where}", params)
    entries = []
    for row in rows:
        entry = dict(zip(HISTORY_FIELDS, row, strict=True))
        entry["before"], entry["after"] = map(dump_json, (entry["before"], entry["after"]))
        entries.append(entry)
    return entries


def _currents(
    conn: psycopg.Connection, layer: Layer, ids: list[str], *, with_fid: bool = False
) -> dict[str, Any]:
    """The current records of ``ids`` (those not deleted), by id; with their fids, or not."""
    rows = conn.execute(
        f"SELECT fid, {select_columns(layer)} FROM {quote(layer.name)} WHERE id = ANY(%s)", (ids,)
    ).fetchall()
    records = {row[1]: (row[0], row_to_record(layer, row[1:])) for row in rows}
    return records if with_fid else {rid: record for rid, (_, record) in records.items()}


def _copy_records(conn: psycopg.Connection, layer: Layer, records: Sequence[Mapping]) -> None:
    columns = [f.name for f in SYSTEM_FIELDS] + list(layer.field_names)
    marks = ["%s"] * len(columns)
    if layer.geometry:
        columns.append(GEOM)
        marks.append("ST_GeomFromWKB(%s, 4326)")
    sql = (
        f"INSERT INTO {quote(layer.name)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(marks)})"
    )
    rows = []
    for record in records:
        row = [record.get(f.name) for f in SYSTEM_FIELDS]
        row += [encode_list(record.get(f.name)) if is_list_field(f.type) else record.get(f.name)
                for f in layer.fields]  # fmt: skip
        if layer.geometry:
            row.append(geometry_value(record))
        rows.append(row)
    with conn.cursor() as cur:
        cur.executemany(sql, rows)


def _copy_history(conn: psycopg.Connection, history: Sequence[Mapping]) -> None:
    sql = (
        "INSERT INTO history (fid, layer, record_id, version, action, author, at, batch_id, "
        "note, before, after) VALUES (%s, %s, %s, %s, %s, %s, %s::timestamptz, %s, %s, "
        "%s::jsonb, %s::jsonb)"
    )
    with conn.cursor() as cur:
        cur.executemany(sql, [[entry.get(n) for n in HISTORY_FIELDS] for entry in history])
    conn.execute(
        "SELECT setval(pg_get_serial_sequence('history', 'fid'), "
        "(SELECT coalesce(max(fid), 0) + 1 FROM history), false)"
    )
