"""GeoPackage backend: the whole map in one ``.gpkg`` file.

The file is a plain OGC GeoPackage (QGIS and ogrinfo open every layer), written
with Python's sqlite3 so that each change is a real transaction:

- one feature table per spatial layer, one attributes table per other layer,
  and ``history`` (an attributes table) with what every change did
  (``mapping.store.deltas``);
- rollback journal with ``synchronous=FULL``: a crash or kill mid-write leaves
  the previous state intact and the file valid (no ``-wal`` side file, so the
  map stays one file to back up or e-mail);
- optimistic concurrency: every write checks the version the user started from;
- triggers (``mapping.store.gpkg_triggers``) version and log edits made outside
  the app (QGIS, ogrinfo); the app writes its history row before the row it
  describes, so the triggers leave its own writes alone.

A new file also gets what QGIS looks for (``mapping.store.gpkg_extras``): each
layer's style in ``layer_styles`` and an R-tree spatial index per feature
table.  The index's standard triggers call SQL functions GDAL defines
(``ST_MinX`` …); the app defines them on its connections, so its writes, and
QGIS's, keep the index up to date.

The parts live beside this module: the file's creation, checks and upgrade in
``mapping.store.gpkg_schema``, the batch writer in ``mapping.store.gpkg_writer``,
rows and records in ``mapping.store.gpkg_rows``.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.errors import MapError
from mapping.frames import column_names
from mapping.schema import LAYERS, Layer, get_layer
from mapping.store import accounts, gpkg_triggers
from mapping.store.deltas import Entry, canonical_entry, derived_history, layer_as_of
from mapping.store.gpkg_arrow import read_columns, read_columns_placed, sql_text
from mapping.store.gpkg_binary import add_spatial_functions
from mapping.store.gpkg_file import file_uri, polish_errors
from mapping.store.gpkg_rows import (
    GEOM,
    quote,
    record_to_row,
    row_to_record,
    rows_to_records,
)
from mapping.store.gpkg_schema import check_file, create_file, ensure_versioning
from mapping.store.gpkg_writer import Writer
from mapping.store.records import HISTORY_FIELDS
from mapping.store.refresh import (
    MAX_PATCHED,
    LayerRead,
    filled_counts,
    history_mark,
    patched,
)
from mapping.store.single_writes import BatchEntry, SingleWrites
from mapping.text import polish_sorted

__all__ = ["GeoPackageStore"]

#: Seconds a write waits for another writer before giving up with a message.
BUSY_TIMEOUT = 30.0


class GeoPackageStore(SingleWrites):
    """The map stored in one GeoPackage file.

    Parameters
    ----------
    path : the ``.gpkg`` file; created with every layer of the schema if absent
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.location = str(self.path)
        if not self.path.exists():
            with polish_errors(self.path):  # e.g. a folder without the right to write
                self.path.parent.mkdir(parents=True, exist_ok=True)
                create_file(self.path)
        else:
            check_file(self.path, timeout=BUSY_TIMEOUT)
            ensure_versioning(self.path, timeout=BUSY_TIMEOUT)

    # -- connections -----------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # sqlite3 waits BUSY_TIMEOUT seconds for another writer; past that, and for a
        # damaged, read-only or vanished file, the user gets a Polish message, never a
        # traceback (mapping.store.gpkg_file).  mode=rw: a vanished file is not re-created.
        with polish_errors(self.path, timeout=BUSY_TIMEOUT):
            conn = sqlite3.connect(file_uri(self.path), uri=True, timeout=BUSY_TIMEOUT,
                                   isolation_level=None)  # fmt: skip
            add_spatial_functions(conn)  # a spatial index added in QGIS calls them
            try:
                conn.execute("PRAGMA synchronous = FULL")
                yield conn
            finally:
                conn.close()

    @contextmanager
    def batch(self, author: str, note: str = "") -> Iterator[Writer]:
        """One transaction: all writes in the block are stored, or none.

        ``BEGIN IMMEDIATE`` takes the write lock at once, so the version checks
        inside the block cannot race with another writer.
        """
        if not author.strip():
            raise MapError("podaj, kto wprowadza zmianę", field="autor")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            writer = Writer(conn, author.strip(), uuid.uuid4().hex[:12], note)
            try:
                yield writer
                writer.finish()  # rows written in bulk indexed, their triggers back
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- reading -----------------------------------------------------------------
    def get(self, layer: str, record_id: str) -> dict[str, Any]:
        """One record (archived ones included); ``NotFoundError`` if absent."""
        schema = get_layer(layer)
        with self._connect() as conn:
            return Writer(conn, "", "", "").current(schema, record_id)

    def read_layer(
        self, layer: str, *, city: str | None = None, include_archived: bool = False
    ) -> gpd.GeoDataFrame:
        """All records of a layer as a record frame (see ``mapping.frames``)."""
        schema = get_layer(layer)
        where = []
        if not include_archived:
            where.append("archived_at IS NULL")
        if city is not None:
            where.append(f"city = {sql_text(city)}")
        with self._connect() as conn:
            # A read transaction (SHARED lock) while GDAL reads the columns: no
            # writer commits in between (mapping.store.gpkg_arrow).
            conn.execute("BEGIN")
            conn.execute("SELECT 1 FROM gpkg_contents LIMIT 1").fetchall()
            try:
                return read_columns(self.path, schema, " AND ".join(where))
            finally:
                conn.execute("COMMIT")

    def read_tracked(self, layer: str, *, city: str | None = None) -> LayerRead:
        """The whole layer (archived included) with what ``refreshed`` needs to bring it up
        to date later: each row's place in the file and the data version it holds."""
        schema = get_layer(layer)
        where = f"city = {sql_text(city)}" if city is not None else ""
        with self._connect() as conn:
            conn.execute("BEGIN")  # the version and the rows of one committed state
            version, mark = _version_mark(conn)
            frame, fids = read_columns_placed(self.path, schema, where)
            conn.execute("COMMIT")
        return LayerRead(layer, city, frame, fids, version, mark, filled_counts(frame))

    def refreshed(self, read: LayerRead) -> LayerRead:
        """``read`` as the layer is now: itself if nothing changed, else with the records
        changed since read again (``mapping.store.refresh``), or the layer read whole."""
        schema = get_layer(read.layer)
        with self._connect() as conn:
            conn.execute("BEGIN")  # the history and the rows read again of one state
            try:
                version, mark = _version_mark(conn)
                if version == read.version and mark == read.mark:
                    return read
                changed = _changed_since(conn, read, schema)
                if changed == []:  # only other layers changed: the same frame, newer
                    return replace(read, version=version, mark=mark)
                if changed is not None:
                    fresh, fresh_fids = self._read_ids(schema, changed, read.city)
            finally:
                conn.execute("COMMIT")
        patch = None if changed is None else patched(read, schema, changed, fresh, fresh_fids)
        if patch is None:
            return self.read_tracked(read.layer, city=read.city)
        return replace(patch, version=version, mark=mark)

    def _read_ids(
        self, schema: Layer, ids: list[str], city: str | None
    ) -> tuple[gpd.GeoDataFrame, np.ndarray]:
        where = f"id IN ({', '.join(sql_text(i) for i in ids)})"
        if city is not None:
            where += f" AND city = {sql_text(city)}"
        return read_columns_placed(self.path, schema, where)

    def read_layer_as_of(
        self, layer: str, when: date, *, city: str | None = None
    ) -> gpd.GeoDataFrame:
        """The layer as it stood at the end of day ``when`` ("stan na dzień"), from history.

        The current rows, the changes made after that moment undone
        (``mapping.store.deltas.layer_as_of``): records not changed since are
        read as ``read_layer`` reads them, in its order.
        """
        schema = get_layer(layer)
        cutoff = f"{when.isoformat()}T23:59:59.999Z"  # ISO strings compare in time order
        where = " AND ".join(
            ["archived_at IS NULL", *([f"city = {sql_text(city)}"] if city else [])]
        )
        with self._connect() as conn:
            conn.execute("BEGIN")  # one committed state for the history and the rows
            conn.row_factory = sqlite3.Row
            # One pass over the table for the ids changed since (``+layer``: not the record
            # index, which would look every row up on its own; no index on ``at``, which
            # would cost the file a tenth).
            ids = sorted(
                {
                    r[0]
                    for r in conn.execute(
                        "SELECT record_id FROM history WHERE +layer = ? AND at > ?",
                        (layer, cutoff),
                    )
                }
            )
            anchors: dict[str, Any] = {}
            for chunk in _chunks(ids):
                anchors.update(
                    (entry["record_id"], entry)
                    for entry in conn.execute(
                        "SELECT * FROM history WHERE fid IN (SELECT MAX(fid) FROM history "
                        "WHERE layer = ? AND at <= ? "
                        f"AND record_id IN ({', '.join('?' for _ in chunk)}) GROUP BY record_id)",
                        (layer, cutoff, *chunk),
                    )
                )
            # The later rows themselves only of records that existed by then: one
            # created since has no row at or before the cutoff and is left out.
            anchored = [i for i in ids if i in anchors]
            later: dict[str, list[Any]] = {i: [] for i in ids}
            for chunk in _chunks(anchored):
                for entry in conn.execute(
                    "SELECT * FROM history WHERE layer = ? AND at > ? "
                    f"AND record_id IN ({', '.join('?' for _ in chunk)}) ORDER BY fid DESC",
                    (layer, cutoff, *chunk),
                ):
                    later[entry["record_id"]].append(entry)
            conn.row_factory = None
            # Only records that existed by then are rebuilt (those created later have no
            # row at or before the cutoff and are left out): their current rows alone.
            changed = _currents(conn, schema, anchored, with_fid=True)
            table = quote(schema.name)
            fids = [
                r[0] for r in conn.execute(f"SELECT fid FROM {table} WHERE {where} ORDER BY fid")
            ]
            try:
                frame = read_columns(self.path, schema, where)
            finally:
                conn.execute("COMMIT")
        return layer_as_of(schema, (frame, fids), changed, anchors, later, city=city)

    def history(self, layer: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """Change log, newest first: fid, layer, record_id, version, action, author,
        at, batch_id, note, before, after (whole JSON snapshots, rebuilt from the deltas)."""
        sql = "SELECT * FROM history"
        where, params = [], []
        if layer:
            where.append("layer = ?")
            params.append(layer)
        if record_id:
            where.append("record_id = ?")
            params.append(record_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as conn:
            conn.row_factory = sqlite3.Row
            entries = conn.execute(sql + " ORDER BY fid DESC", params).fetchall()
            return derived_history(get_layer, entries, lambda s, ids: _currents(conn, s, ids))

    def data_version(self) -> int:
        """The number of the latest change (grows with every write)."""
        with self._connect() as conn:
            (value,) = conn.execute("SELECT COALESCE(MAX(fid), 0) FROM history").fetchone()
        return int(value)

    def cities(self) -> list[str]:
        """Cities that have any area or resource, in Polish order."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT city FROM areas WHERE archived_at IS NULL "
                "UNION SELECT city FROM resources WHERE archived_at IS NULL"
            ).fetchall()
        return polish_sorted(r[0] for r in rows if r[0])

    # -- team-mode accounts (SQL in mapping.store.accounts) ----------------------
    def get_account(self, login: str) -> dict[str, Any] | None:
        """The account row called ``login``, or None."""
        with self._connect() as conn:
            return accounts.get_account(conn, login)

    def put_account(self, account: Mapping[str, Any]) -> None:
        """Store an account row, replacing the one with the same login."""
        with self._connect() as conn:
            accounts.put_account(conn, account)

    def list_accounts(self) -> list[dict[str, Any]]:
        """Every account row, by login."""
        with self._connect() as conn:
            return accounts.list_accounts(conn)

    def _record_log(
        self, layer: str, record_id: str
    ) -> tuple[dict[str, Any] | None, Sequence[Entry]]:
        schema = get_layer(layer)
        with self._connect() as conn:
            current = _currents(conn, schema, [record_id]).get(record_id)
            conn.row_factory = sqlite3.Row
            entries = conn.execute(
                "SELECT * FROM history WHERE layer = ? AND record_id = ? ORDER BY fid DESC",
                (layer, record_id),
            ).fetchall()
        return current, entries

    def _batch_entries(self, batch_id: str) -> list[BatchEntry]:
        with self._connect() as conn:
            return conn.execute(
                "SELECT layer, record_id, version, action, before, after FROM history "
                "WHERE batch_id = ? ORDER BY fid DESC",
                (batch_id,),
            ).fetchall()

    # -- copying (python -m mapping copy) -------------------------------------------
    def dump_map(self) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        """Every record (archived included) per layer and every history entry, oldest first."""
        layers = {}
        with self._connect() as conn:
            for schema in LAYERS.values():
                cols = ", ".join(quote(c) for c in column_names(schema))
                geom = f", {GEOM}" if schema.geometry else ""
                rows = conn.execute(
                    f"SELECT {cols}{geom} FROM {quote(schema.name)} ORDER BY fid"
                ).fetchall()
                layers[schema.name] = [row_to_record(schema, row) for row in rows]
            conn.row_factory = sqlite3.Row
            history = [dict(r) for r in conn.execute("SELECT * FROM history ORDER BY fid")]
        outside = gpkg_triggers.OUTSIDE_BATCH_PREFIX
        return layers, [
            canonical_entry(get_layer(e["layer"]), e)
            if (e["batch_id"] or "").startswith(outside)
            else e
            for e in history
        ]

    def load_map(
        self, layers: Mapping[str, list[Mapping[str, Any]]], history: list[Mapping[str, Any]]
    ) -> None:
        """Fill an empty map with records and history exactly as given, in one transaction."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                tables = [*LAYERS, "history"]
                if any(conn.execute(f"SELECT 1 FROM {quote(t)} LIMIT 1").fetchone()
                       for t in tables):  # fmt: skip
                    raise MapError(f"mapa docelowa {self.path} nie jest pusta; nic nie skopiowano")
                # Rows and history go in exactly as given: no trigger stamps or logs them.
                gpkg_triggers.drop_triggers(conn)
                for name, records in layers.items():
                    schema = get_layer(name)
                    cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
                    conn.executemany(
                        f"INSERT INTO {quote(name)} ({', '.join(map(quote, cols))}) "
                        f"VALUES ({', '.join('?' for _ in cols)})",
                        [record_to_row(schema, record) for record in records],
                    )
                conn.executemany(
                    f"INSERT INTO history ({', '.join(HISTORY_FIELDS)}) "
                    f"VALUES ({', '.join('?' for _ in HISTORY_FIELDS)})",
                    [[entry.get(n) for n in HISTORY_FIELDS] for entry in history],
                )
                gpkg_triggers.install_triggers(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")


def _chunks(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    """``ids`` in runs SQLite takes as the parameters of one query."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _currents(
    conn: sqlite3.Connection, schema: Layer, ids: list[str], *, with_fid: bool = False
) -> dict[str, Any]:
    """The current records of ``ids`` (those not deleted), by id; with their fids, or not."""
    if not ids:
        return {}
    columns = ", ".join(map(quote, column_names(schema))) + (f", {GEOM}" if schema.geometry else "")
    select = f"SELECT fid, {columns} FROM {quote(schema.name)}"
    if len(ids) > 500:  # many: the whole layer, read once
        rows = conn.execute(f"{select} ORDER BY fid").fetchall()
    else:
        marks = ", ".join("?" for _ in ids)
        rows = conn.execute(f"{select} WHERE id IN ({marks}) ORDER BY fid", ids).fetchall()
    wanted = set(ids)
    rows = [row for row in rows if row[1] in wanted]
    records = rows_to_records(schema, [row[1:] for row in rows])
    if with_fid:
        return {r["id"]: (row[0], r) for row, r in zip(rows, records, strict=True)}
    return {r["id"]: r for r in records}


def _version_mark(conn: sqlite3.Connection) -> tuple[int, str]:
    """The data version (the newest history entry's number) and that entry's mark."""
    row = conn.execute(
        "SELECT fid, layer, record_id, version, action, at FROM history ORDER BY fid DESC LIMIT 1"
    ).fetchone()
    return (0, "") if row is None else (int(row[0]), history_mark(row))


def _changed_since(conn: sqlite3.Connection, read: LayerRead, schema: Layer) -> list[str] | None:
    """Ids of ``read``'s layer changed after its version, in the order of their first change;
    None when this is not the history it was read at, or too much changed to patch."""
    if read.version:
        entry = conn.execute(
            "SELECT fid, layer, record_id, version, action, at FROM history WHERE fid = ?",
            (read.version,),
        ).fetchone()
        if history_mark(entry) != read.mark:
            return None
    rows = conn.execute(
        # ``+layer``: walk the entries after ``fid``, not every entry of the layer's index.
        "SELECT record_id FROM history WHERE fid > ? AND +layer = ? ORDER BY fid LIMIT ?",
        (read.version, schema.name, MAX_PATCHED * 4),
    ).fetchall()
    ids = list(dict.fromkeys(r[0] for r in rows))
    return None if len(rows) == MAX_PATCHED * 4 or len(ids) > MAX_PATCHED else ids
