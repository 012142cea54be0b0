"""GeoPackage backend: the whole map in one ``.gpkg`` file.

The file is a plain OGC GeoPackage (QGIS and ogrinfo open every layer), written
with Python's sqlite3 so that each change is a real transaction:

- one feature table per spatial layer, one attributes table per other layer,
  and ``history`` (an attributes table) with the before/after of every change;
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
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from mapping.errors import ConflictError, MapError, NotFoundError
from mapping.frames import (
    WGS84,
    column_names,
    decode_list,
    encode_list,
    is_list_field,
    records_to_frame,
    rows_to_frame,
)
from mapping.schema import LAYERS, SYSTEM_FIELDS, FieldType, Layer, get_layer
from mapping.store import accounts, gpkg_triggers
from mapping.store.gpkg_binary import (
    add_spatial_functions,
    decode_geometries,
    decode_geometry,
    encode_geometries,
    encode_geometry,
)
from mapping.store.gpkg_extras import add_extras, ensure_extras
from mapping.store.gpkg_file import BACKUP_HINT, check_integrity, polish_error, polish_errors
from mapping.store.records import (
    HISTORY_FIELDS,
    UNDO_NOTE_PREFIX,
    canonical_snapshot,
    clean_records,
    fit_geometries,
    snapshot_record,
    snapshots,
)
from mapping.store.records import conflict_error as _conflict_error
from mapping.store.records import fit_geometry as _fit_geometry
from mapping.store.records import same_state as _same
from mapping.store.records import snapshot as _snapshot
from mapping.text import polish_sorted
from mapping.validation import clean_record

__all__ = ["GeoPackageStore"]

GEOM = "geom"
SRS_ID = 4326
_SQL_TYPES = {
    FieldType.INTEGER: "INTEGER",
    FieldType.REAL: "REAL",
    FieldType.DATE: "DATE",
}
_TIMESTAMP_FIELDS = ("created_at", "updated_at", "archived_at")
#: Seconds a write waits for another writer before giving up with a message.
BUSY_TIMEOUT = 30.0


def _now() -> str:
    # GeoPackage DATETIME format: ISO 8601 in UTC with milliseconds and 'Z'.
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _sql_type(name: str, ftype: FieldType) -> str:
    if name in _TIMESTAMP_FIELDS:
        return "DATETIME"
    return _SQL_TYPES.get(ftype, "TEXT")


class _Writer:
    """Record-level writes inside one open transaction (the ``Batch``)."""

    def __init__(self, conn: sqlite3.Connection, author: str, batch_id: str, note: str):
        self.conn = conn
        self.author = author
        self.batch_id = batch_id
        self.note = note
        self.changes = 0

    # -- reading inside the transaction ----------------------------------
    def current(self, layer: Layer, record_id: str) -> dict[str, Any]:
        cols = ", ".join(_quote(c) for c in column_names(layer))
        geom = f", {GEOM}" if layer.geometry else ""
        row = self.conn.execute(
            f"SELECT {cols}{geom} FROM {_quote(layer.name)} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            raise _not_found(self.conn, layer, record_id)
        return _row_to_record(layer, row)

    def current_record(self, layer: str, record_id: str) -> dict[str, Any]:
        """The record as it is inside this transaction."""
        return self.current(get_layer(layer), record_id)

    # -- the three writes --------------------------------------------------
    def create(
        self, layer: str, values: Mapping[str, Any], *, record_id: str | None = None
    ) -> dict[str, Any]:
        schema = get_layer(layer)
        (record,) = self._new_records(schema, [values], [record_id])
        self._insert_all(schema, [record])
        return record

    def create_many(self, layer: str, many: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """``create`` of each of ``many``, validated first and written in bulk.

        The first invalid record raises (nothing of the call is written); the
        history rows and records go in with one ``executemany`` each, history first.
        """
        schema = get_layer(layer)
        records = self._new_records(schema, many, [None] * len(many))
        self._insert_all(schema, records)
        return records

    def update(
        self, layer: str, record_id: str, values: Mapping[str, Any], *, expected_version: int
    ) -> dict[str, Any]:
        schema = get_layer(layer)
        before = self._checked(schema, record_id, expected_version)
        changes = clean_record(schema, values, partial=True)
        if "geometry" in values:
            changes["geometry"] = _fit_geometry(schema, values["geometry"])
        after = {**before, **changes}
        return self._write(schema, before, after, "update")

    def archive(self, layer: str, record_id: str, *, expected_version: int) -> dict[str, Any]:
        schema = get_layer(layer)
        before = self._checked(schema, record_id, expected_version)
        if before["archived_at"]:
            return before
        return self._write(schema, before, {**before, "archived_at": _now()}, "archive")

    def unarchive(self, layer: str, record_id: str, *, expected_version: int) -> dict[str, Any]:
        schema = get_layer(layer)
        before = self._checked(schema, record_id, expected_version)
        return self._write(schema, before, {**before, "archived_at": None}, "unarchive")

    def put_state(
        self,
        layer: str,
        record_id: str,
        state: Mapping[str, Any],
        action: str,
        *,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Make a stored snapshot current again (restore and undo), also of a deleted record.

        With ``expected_version``, a record changed since then is a ``ConflictError``.
        """
        schema = get_layer(layer)
        before = self._find(schema, record_id)
        if before is None:  # deleted outside the app: insert it again, versions go on
            return self._reinsert(schema, record_id, state, action)
        if expected_version is not None and before["version"] != expected_version:
            raise _conflict_error(schema, before, expected_version)
        keep = ("id", "version", "created_at", "updated_at", "author")
        after = {**dict(state), **{k: before[k] for k in keep}}
        return self._write(schema, before, after, action)

    # -- internals -----------------------------------------------------------
    def _find(self, schema: Layer, record_id: str) -> dict[str, Any] | None:
        try:
            return self.current(schema, record_id)
        except NotFoundError:
            return None

    def _new_records(
        self,
        schema: Layer,
        many: Sequence[Mapping[str, Any]],
        record_ids: Sequence[str | None],
    ) -> list[dict[str, Any]]:
        """Validated records with their system fields; an id already taken is an error."""
        now = _now()
        cleaned = clean_records(schema, many)
        geometries = fit_geometries(schema, [values.get("geometry") for values in many])
        fresh = os.urandom(6 * len(many)).hex()  # 12 random hex digits each, as uuid4's
        records = [
            {
                "id": record_id or fresh[12 * n : 12 * n + 12],
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "author": self.author,
                "archived_at": None,
                **values,
                "geometry": geometry,
            }
            for n, (values, geometry, record_id) in enumerate(
                zip(cleaned, geometries, record_ids, strict=True)
            )
        ]
        ids = [r["id"] for r in records]
        taken = {i for i in ids if ids.count(i) > 1} if len(set(ids)) < len(ids) else set()
        for start in range(0, len(ids), 500):  # SQLite's limit on parameters of one query
            chunk = ids[start : start + 500]
            taken.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT id FROM {_quote(schema.name)} "
                    f"WHERE id IN ({', '.join('?' for _ in chunk)})",
                    chunk,
                )
            )
        if taken:
            first = next(i for i in ids if i in taken)
            raise MapError(f"wpis o identyfikatorze {first} już istnieje", field="id")
        return records

    def _insert_all(self, schema: Layer, records: Sequence[Mapping[str, Any]]) -> None:
        """History rows, then the records they describe (the triggers' contract)."""
        if not records:
            return
        cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
        # Column by column: a list field encoded, the geometries all at once.
        values = [[r.get(f.name) for r in records] for f in SYSTEM_FIELDS]
        for name, listed in _field_kinds(schema):
            column = [r.get(name) for r in records]
            values.append([encode_list(v) for v in column] if listed else column)
        if schema.geometry:
            values.append(encode_geometries([r["geometry"] for r in records], SRS_ID))
        rows = list(zip(*values, strict=True))
        history = [
            (schema.name, r["id"], r["version"], "create", self.author, r["updated_at"],
             self.batch_id, self.note, None, after)
            for r, after in zip(records, snapshots(records), strict=True)
        ]  # fmt: skip
        self.conn.execute("SAVEPOINT mapa_write")
        try:
            self.conn.executemany(_HISTORY_INSERT, history)
            self.conn.executemany(
                f"INSERT INTO {_quote(schema.name)} ({', '.join(map(_quote, cols))}) "
                f"VALUES ({', '.join('?' for _ in cols)})",
                rows,
            )
        except BaseException:
            self.conn.execute("ROLLBACK TO mapa_write")
            self.conn.execute("RELEASE mapa_write")
            raise
        self.conn.execute("RELEASE mapa_write")
        self.changes += len(records)

    def _insert(self, schema: Layer, record: Mapping[str, Any]) -> None:
        cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
        marks = ", ".join("?" for _ in cols)
        self.conn.execute(
            f"INSERT INTO {_quote(schema.name)} ({', '.join(map(_quote, cols))}) VALUES ({marks})",
            _record_to_row(schema, record),
        )

    def _reinsert(
        self, schema: Layer, record_id: str, state: Mapping[str, Any], action: str
    ) -> dict[str, Any]:
        """A record deleted outside the app, back from its snapshot as the next version."""
        (last,) = self.conn.execute(
            "SELECT COALESCE(MAX(version), 0) FROM history WHERE layer = ? AND record_id = ?",
            (schema.name, record_id),
        ).fetchone()
        record = {
            **dict(state),
            "id": record_id,
            "version": last + 1,
            "updated_at": _now(),
            "author": self.author,
        }
        record["created_at"] = state.get("created_at") or record["updated_at"]
        with self._logged(schema.name, record_id, action, None, record):
            self._insert(schema, record)
        return record

    def _checked(self, schema: Layer, record_id: str, expected_version: int) -> dict[str, Any]:
        current = self.current(schema, record_id)
        if current["version"] != expected_version:
            raise _conflict_error(schema, current, expected_version)
        return current

    def _write(
        self, schema: Layer, before: dict[str, Any], after: dict[str, Any], action: str
    ) -> dict[str, Any]:
        if _same(schema, before, after):
            return before
        after = {**after, "version": before["version"] + 1, "updated_at": _now()}
        after["author"] = self.author
        cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
        assignments = ", ".join(f"{_quote(c)} = ?" for c in cols)
        with self._logged(schema.name, before["id"], action, before, after):
            cursor = self.conn.execute(
                f"UPDATE {_quote(schema.name)} SET {assignments} WHERE id = ? AND version = ?",
                (*_record_to_row(schema, after), before["id"], before["version"]),
            )
            if cursor.rowcount != 1:  # a writer outside this transaction model got there first
                raise ConflictError(
                    "Wpis został zmieniony w międzyczasie; odśwież i spróbuj ponownie."
                )
        return after

    @contextmanager
    def _logged(
        self,
        layer: str,
        record_id: str,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any],
    ) -> Iterator[None]:
        """Write the history row, then (in the block) the row it describes.

        In this order the file's triggers see the change recorded and do not
        log it again; a savepoint takes the history row back if the write fails.
        """
        self.conn.execute("SAVEPOINT mapa_write")
        try:
            self._log(layer, record_id, action, before, after)
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO mapa_write")
            self.conn.execute("RELEASE mapa_write")
            raise
        self.conn.execute("RELEASE mapa_write")
        self.changes += 1

    def _log(
        self,
        layer: str,
        record_id: str,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any],
    ) -> None:
        self.conn.execute(
            _HISTORY_INSERT,
            (
                layer,
                record_id,
                after["version"],
                action,
                self.author,
                after["updated_at"],
                self.batch_id,
                self.note,
                None if before is None else _snapshot(before),
                _snapshot(after),
            ),
        )


_HISTORY_INSERT = (
    "INSERT INTO history (layer, record_id, version, action, author, at, batch_id, "
    "note, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _uri(path: Path) -> str:
    """An SQLite URI opening an existing file read-write (never creating it)."""
    return path.resolve().as_uri() + "?mode=rw"


def _not_found(conn: sqlite3.Connection, layer: Layer, record_id: str) -> NotFoundError:
    """No such record; one deleted outside the app says so and how to bring it back."""
    last = conn.execute(
        "SELECT action, author, at, batch_id FROM history WHERE layer = ? AND record_id = ? "
        "ORDER BY fid DESC LIMIT 1",
        (layer.name, record_id),
    ).fetchone()
    if last is None or last[0] != "delete":
        return NotFoundError(f"nie ma wpisu {record_id} w warstwie „{layer.label}”")
    return NotFoundError(
        f"Wpis {record_id} w warstwie „{layer.label}” usunięto poza aplikacją "
        f"({last[1]}, {last[2]}). Jest w historii i można go przywrócić: "
        f"python -m mapping undo {last[3]}"
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _record_to_row(
    schema: Layer,
    record: Mapping[str, Any],
    *,
    with_geometry: bool = True,
    kinds: list[tuple[str, bool]] | None = None,
) -> list[Any]:
    row: list[Any] = [record.get(f.name) for f in SYSTEM_FIELDS]
    for name, listed in kinds or _field_kinds(schema):
        value = record.get(name)
        row.append(encode_list(value) if listed else value)
    if schema.geometry and with_geometry:
        row.append(encode_geometry(record.get("geometry"), SRS_ID))
    return row


def _field_kinds(schema: Layer) -> list[tuple[str, bool]]:
    """Each declared field's name and whether it holds a list (asked once per bulk write)."""
    return [(f.name, is_list_field(f.type)) for f in schema.fields]


def _select_rows(
    conn: sqlite3.Connection, schema: Layer, where: str, params: list[Any]
) -> list[tuple]:
    """Rows of a layer in file order: the record columns, then the geometry blob."""
    select = ", ".join(map(_quote, column_names(schema))) + (f", {GEOM}" if schema.geometry else "")
    sql = f"SELECT {select} FROM {_quote(schema.name)}" + (f" WHERE {where}" if where else "")
    return conn.execute(sql + " ORDER BY fid", params).fetchall()


def _rows_to_frame(schema: Layer, rows: list[tuple]) -> gpd.GeoDataFrame:
    """A record frame of rows from ``_select_rows`` (GeoPackage geometry blobs)."""
    return rows_to_frame(schema, rows, decode_geometries if schema.geometry else None)


def _after(store: GeoPackageStore, layer: str, fid: int) -> str:
    """The ``after`` snapshot of one history entry."""
    with store._connect() as conn:
        (text,) = conn.execute("SELECT after FROM history WHERE fid = ?", (fid,)).fetchone()
    return str(text)


def _row_to_record(schema: Layer, row: tuple) -> dict[str, Any]:
    names = column_names(schema)
    record = dict(zip(names, row, strict=False))
    for f in schema.fields:
        if is_list_field(f.type):
            record[f.name] = decode_list(record[f.name])
    record["geometry"] = decode_geometry(row[len(names)]) if schema.geometry else None
    return record


class GeoPackageStore:
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
                _create_file(self.path)
        else:
            _check_file(self.path)
            _ensure_versioning(self.path)

    # -- connections -----------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # sqlite3 waits BUSY_TIMEOUT seconds for another writer; past that, and for a
        # damaged, read-only or vanished file, the user gets a Polish message, never a
        # traceback (mapping.store.gpkg_file).  mode=rw: a vanished file is not re-created.
        with polish_errors(self.path, timeout=BUSY_TIMEOUT):
            conn = sqlite3.connect(_uri(self.path), uri=True, timeout=BUSY_TIMEOUT,
                                   isolation_level=None)  # fmt: skip
            add_spatial_functions(conn)  # a spatial index added in QGIS calls them
            try:
                conn.execute("PRAGMA synchronous = FULL")
                yield conn
            finally:
                conn.close()

    @contextmanager
    def batch(self, author: str, note: str = "") -> Iterator[_Writer]:
        """One transaction: all writes in the block are stored, or none.

        ``BEGIN IMMEDIATE`` takes the write lock at once, so the version checks
        inside the block cannot race with another writer.
        """
        if not author.strip():
            raise MapError("podaj, kto wprowadza zmianę", field="autor")
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            writer = _Writer(conn, author.strip(), uuid.uuid4().hex[:12], note)
            try:
                yield writer
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- single writes -----------------------------------------------------------
    def create(
        self,
        layer: str,
        values: Mapping[str, Any],
        *,
        author: str,
        record_id: str | None = None,
    ) -> dict[str, Any]:
        """Create one record in its own transaction."""
        with self.batch(author) as b:
            return b.create(layer, values, record_id=record_id)

    def update(
        self,
        layer: str,
        record_id: str,
        values: Mapping[str, Any],
        *,
        expected_version: int,
        author: str,
    ) -> dict[str, Any]:
        """Change some fields of one record; ``ConflictError`` if it changed meanwhile."""
        with self.batch(author) as b:
            return b.update(layer, record_id, values, expected_version=expected_version)

    def archive(
        self, layer: str, record_id: str, *, expected_version: int, author: str
    ) -> dict[str, Any]:
        """Hide one record from normal use (kept in the file and its history)."""
        with self.batch(author) as b:
            return b.archive(layer, record_id, expected_version=expected_version)

    def unarchive(
        self, layer: str, record_id: str, *, expected_version: int, author: str
    ) -> dict[str, Any]:
        """Bring an archived record back."""
        with self.batch(author) as b:
            return b.unarchive(layer, record_id, expected_version=expected_version)

    def restore(self, layer: str, record_id: str, version: int, *, author: str) -> dict[str, Any]:
        """Make the state of an earlier ``version`` current again, as a new version."""
        snapshot = self._snapshot_at(layer, record_id, version)
        with self.batch(author, note=f"przywrócenie wersji {version}") as b:
            return b.put_state(layer, record_id, snapshot, "restore")

    def undo_last(self, layer: str, record_id: str, *, author: str) -> dict[str, Any]:
        """Undo the latest change of a record (a creation is undone by archiving).

        A record deleted outside the app comes back as it was before the deletion.
        """
        log = self.history(layer, record_id)
        if log.empty:
            raise NotFoundError(f"nie ma wpisu {record_id} w warstwie „{layer}”")
        last = log.iloc[0]
        if last["action"] == "create" and int(last["version"]) == 1:
            return self.archive(layer, record_id, expected_version=1, author=author)
        return self.restore(layer, record_id, int(last["version"]) - 1, author=author)

    def undo_batch(self, batch_id: str, *, author: str) -> int:
        """Undo every change of a batch, newest first, as one new batch.

        Raises ``ConflictError`` (and changes nothing) if a record of the batch
        was changed again afterwards.
        """
        with self._connect() as conn:
            entries = conn.execute(
                "SELECT layer, record_id, version, action, before FROM history "
                "WHERE batch_id = ? ORDER BY fid DESC",
                (batch_id,),
            ).fetchall()
        if not entries:
            raise NotFoundError(f"nie ma zmian o numerze {batch_id}")
        with self.batch(author, note=f"{UNDO_NOTE_PREFIX}{batch_id}") as b:
            for layer, record_id, version, action, before in entries:
                if action == "create":
                    b.archive(layer, record_id, expected_version=version)
                    continue
                state = snapshot_record(get_layer(layer), before)
                expected = None if action == "delete" else version
                b.put_state(layer, record_id, state, "undo", expected_version=expected)
            return len(entries)

    # -- reading -----------------------------------------------------------------
    def get(self, layer: str, record_id: str) -> dict[str, Any]:
        """One record (archived ones included); ``NotFoundError`` if absent."""
        schema = get_layer(layer)
        with self._connect() as conn:
            return _Writer(conn, "", "", "").current(schema, record_id)

    def read_layer(
        self, layer: str, *, city: str | None = None, include_archived: bool = False
    ) -> gpd.GeoDataFrame:
        """All records of a layer as a record frame (see ``mapping.frames``)."""
        schema = get_layer(layer)
        where, params = [], []
        if not include_archived:
            where.append("archived_at IS NULL")
        if city is not None:
            where.append("city = ?")
            params.append(city)
        with self._connect() as conn:
            rows = _select_rows(conn, schema, " AND ".join(where), params)
        return _rows_to_frame(schema, rows)

    def read_layer_as_of(
        self, layer: str, when: date, *, city: str | None = None
    ) -> gpd.GeoDataFrame:
        """The layer as it stood at the end of day ``when`` ("stan na dzień"), from history.

        Each record's last history entry up to that moment gives its state;
        records created later, or archived by then, are left out.  A record not
        changed since is read from its row (that entry's state, read as fast as
        ``read_layer``); only the others are rebuilt from their snapshots.
        Records come in the order of those entries.
        """
        schema = get_layer(layer)
        cutoff = f"{when.isoformat()}T23:59:59.999Z"  # ISO strings compare in time order
        with self._connect() as conn:
            # Each record's newest entry, from the (layer, record_id) index alone; then
            # the few records changed after the cutoff get their entry at the cutoff.
            newest = dict(
                conn.execute(
                    "SELECT record_id, MAX(fid) FROM history WHERE layer = ? GROUP BY record_id",
                    (layer,),
                ).fetchall()
            )
            later = {
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT record_id FROM history WHERE layer = ? AND at > ?",
                    (layer, cutoff),
                )
            }
            at_cutoff: list[tuple] = []
            ids = sorted(later)
            for start in range(0, len(ids), 500):  # SQLite's limit on parameters of one query
                chunk = ids[start : start + 500]
                at_cutoff += conn.execute(
                    "SELECT h.fid, h.record_id, h.version, h.after FROM history AS h "
                    "WHERE h.fid IN (SELECT MAX(fid) FROM history WHERE layer = ? AND at <= ? "
                    f"AND record_id IN ({', '.join('?' for _ in chunk)}) GROUP BY record_id)",
                    (layer, cutoff, *chunk),
                ).fetchall()
            entries = sorted(
                [(fid, rid, None, None) for rid, fid in newest.items() if rid not in later]
                + at_cutoff
            )
            rows = _select_rows(conn, schema, "", [])
        order = {e[1]: e[0] for e in entries}
        unchanged = newest.keys() - later  # the row holds the state of its newest entry
        current = [row for row in rows if row[0] in unchanged]
        from_rows = {row[0] for row in current}
        city_at = column_names(schema).index("city") if city is not None else 0
        archived_at = column_names(schema).index("archived_at")
        live = [
            row
            for row in current
            if row[archived_at] is None and (city is None or row[city_at] == city)
        ]
        live.sort(key=lambda row: order[row[0]])
        states = [
            snapshot_record(schema, e[3] if e[3] is not None else _after(self, layer, e[0]))
            for e in entries
            if e[1] not in from_rows
        ]
        past = [
            s
            for s in states
            if not s.get("archived_at") and (city is None or s.get("city") == city)
        ]
        frame = _rows_to_frame(schema, live)
        if not past:
            return frame
        if not live:
            return records_to_frame(schema, past)  # already in the entries' order
        frame = pd.concat([frame, records_to_frame(schema, past)], ignore_index=True)
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=WGS84)
        positions = frame["id"].map(order).to_numpy()
        return frame.iloc[positions.argsort(kind="stable")].reset_index(drop=True)

    def history(self, layer: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """Change log, newest first: fid, layer, record_id, version, action, author,
        at, batch_id, note, before, after (JSON snapshots)."""
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
            frame = pd.read_sql_query(sql + " ORDER BY fid DESC", conn, params=params)
        return _canonical_history(frame)

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

    def _snapshot_at(self, layer: str, record_id: str, version: int) -> dict[str, Any]:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT after FROM history WHERE layer = ? AND record_id = ? AND version = ? "
                "ORDER BY fid DESC LIMIT 1",
                (layer, record_id, version),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"wpis {record_id} nie ma wersji {version}")
        return snapshot_record(get_layer(layer), row[0])

    # -- copying (python -m mapping copy) -------------------------------------------
    def dump_map(self) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
        """Every record (archived included) per layer and every history entry, oldest first."""
        layers = {}
        with self._connect() as conn:
            for schema in LAYERS.values():
                cols = ", ".join(_quote(c) for c in column_names(schema))
                geom = f", {GEOM}" if schema.geometry else ""
                rows = conn.execute(
                    f"SELECT {cols}{geom} FROM {_quote(schema.name)} ORDER BY fid"
                ).fetchall()
                layers[schema.name] = [_row_to_record(schema, row) for row in rows]
            conn.row_factory = sqlite3.Row
            history = [dict(r) for r in conn.execute("SELECT * FROM history ORDER BY fid")]
        frame = _canonical_history(pd.DataFrame(history, columns=list(HISTORY_FIELDS)))
        return layers, frame.astype(object).where(frame.notna(), None).to_dict("records")

    def load_map(
        self, layers: Mapping[str, list[Mapping[str, Any]]], history: list[Mapping[str, Any]]
    ) -> None:
        """Fill an empty map with records and history exactly as given, in one transaction."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                tables = [*LAYERS, "history"]
                if any(conn.execute(f"SELECT 1 FROM {_quote(t)} LIMIT 1").fetchone()
                       for t in tables):  # fmt: skip
                    raise MapError(f"mapa docelowa {self.path} nie jest pusta; nic nie skopiowano")
                # Rows and history go in exactly as given: no trigger stamps or logs them.
                gpkg_triggers.drop_triggers(conn)
                for name, records in layers.items():
                    schema = get_layer(name)
                    cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
                    conn.executemany(
                        f"INSERT INTO {_quote(name)} ({', '.join(map(_quote, cols))}) "
                        f"VALUES ({', '.join('?' for _ in cols)})",
                        [_record_to_row(schema, record) for record in records],
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


# -- file creation ------------------------------------------------------------

_CORE_DDL = """
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
  identifier TEXT UNIQUE, description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""

_HISTORY_DDL = """
CREATE TABLE history (
  fid INTEGER PRIMARY KEY AUTOINCREMENT, layer TEXT NOT NULL, record_id TEXT NOT NULL,
  version INTEGER NOT NULL, action TEXT NOT NULL, author TEXT NOT NULL, at DATETIME NOT NULL,
  batch_id TEXT, note TEXT, before TEXT, after TEXT NOT NULL);
CREATE INDEX history_record ON history (layer, record_id);
CREATE INDEX history_batch ON history (batch_id);
"""


def _create_file(path: Path) -> None:
    """Write an empty GeoPackage with every schema layer, atomically.

    Built under a temporary name and renamed, so a half-created file never
    stands where the store is expected.
    """
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
        conn.execute("PRAGMA user_version = 10300")  # GeoPackage 1.3 (GDAL 3.6 knows it)
        conn.execute("BEGIN")
        _run_script(conn, _CORE_DDL)
        _insert_srs(conn)
        for layer in LAYERS.values():
            _create_layer(conn, layer)
        _run_script(conn, _HISTORY_DDL)
        _register(conn, "history", "attributes", "Historia zmian")
        gpkg_triggers.install_triggers(conn)
        add_extras(conn)  # QGIS styles and spatial indexes (mapping.store.gpkg_extras)
        conn.execute("COMMIT")
    finally:
        conn.close()
    tmp.replace(path)


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the open transaction; run statements one by one.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def _insert_srs(conn: sqlite3.Connection) -> None:
    rows = [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian"),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic"),
        ("WGS 84 geodetic", SRS_ID, "EPSG", 4326, CRS.from_epsg(4326).to_wkt("WKT1_GDAL"), ""),
    ]
    conn.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", rows)


def _create_layer(conn: sqlite3.Connection, layer: Layer) -> None:
    columns = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    if layer.geometry:
        columns.append(f"{GEOM} {layer.geometry}")
    for f in (*SYSTEM_FIELDS, *layer.fields):
        sql_type = _sql_type(f.name, f.type)
        if f.name == "id":
            columns.append(gpkg_triggers.ID_COLUMN)
        else:
            columns.append(f"{_quote(f.name)} {sql_type}")
    conn.execute(f"CREATE TABLE {_quote(layer.name)} ({', '.join(columns)})")
    kind = "features" if layer.geometry else "attributes"
    _register(conn, layer.name, kind, layer.label)
    if layer.geometry:
        conn.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)",
            (layer.name, GEOM, layer.geometry, SRS_ID),
        )


def _register(conn: sqlite3.Connection, table: str, kind: str, label: str) -> None:
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (table, kind, table, label, SRS_ID if kind == "features" else None),
    )


def _check_file(path: Path) -> None:
    """Refuse files that are not our GeoPackage, damaged or copied mid-write, clearly."""
    try:
        # Read-write, not read-only: after a crash mid-write the file has a hot
        # journal, and only a writable connection can roll it back (a read-only
        # one reports the file as unreadable).
        conn = sqlite3.connect(_uri(path), uri=True, timeout=BUSY_TIMEOUT)
        try:
            conn.execute("BEGIN")  # one read: nobody writes into the file while it is checked
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            check_integrity(conn, path)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise MapError(
                f"plik {path} nie jest bazą GeoPackage albo jest uszkodzony. {BACKUP_HINT}"
            ) from None
        raise polish_error(exc, path, timeout=BUSY_TIMEOUT) or exc from None
    missing = [name for name in (*LAYERS, "history") if name not in tables]
    if missing:
        raise MapError(
            f"plik {path} nie jest mapą zasobów i potrzeb (brak tabel: {', '.join(missing)})"
        )


def _ensure_versioning(path: Path) -> None:
    """Give a file made by an older version the triggers of today (idempotent)."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    add_spatial_functions(conn)
    try:
        gpkg_triggers.ensure_versioning(conn)
        ensure_extras(conn)  # QGIS styles and spatial indexes, once
    except sqlite3.OperationalError as exc:  # busy, read-only …: said in Polish
        raise polish_error(exc, path, timeout=BUSY_TIMEOUT) or MapError(
            f"nie można przygotować pliku {path.name} do zapisu: {exc}"
        ) from None
    finally:
        conn.close()


def _canonical_history(frame: pd.DataFrame) -> pd.DataFrame:
    """History with the snapshots of outside edits (trigger rows) in the app's form."""
    if frame.empty:
        return frame
    outside = frame["batch_id"].fillna("").str.startswith(gpkg_triggers.OUTSIDE_BATCH_PREFIX)
    for i in frame.index[outside.to_numpy()]:
        schema = get_layer(frame.at[i, "layer"])
        for column in ("before", "after"):
            text = frame.at[i, column]
            if isinstance(text, str):
                frame.at[i, column] = canonical_snapshot(schema, text)
    return frame
