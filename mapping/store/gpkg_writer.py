"""GeoPackage batch writer: record-level writes inside one open transaction.

Every write checks the version it was made from and writes its history row
before the row it describes: the file's triggers (``mapping.store.gpkg_triggers``)
see the change recorded and leave it alone.  ``GeoPackageStore.batch`` opens the
transaction and hands out a ``Writer``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from mapping.collector import collector_paused
from mapping.errors import ConflictError, MapError, NotFoundError
from mapping.frames import column_names, encode_list
from mapping.schema import SYSTEM_FIELDS, Layer, get_layer
from mapping.store import gpkg_triggers
from mapping.store.deltas import NO_STATE, changes_text
from mapping.store.gpkg_binary import encode_geometries
from mapping.store.gpkg_extras import index_rows_after, spatial_index_trigger
from mapping.store.gpkg_rows import (
    GEOM,
    SRS_ID,
    field_kinds,
    quote,
    record_to_row,
    row_to_record,
)
from mapping.store.records import clean_columns, fit_geometries
from mapping.store.records import conflict_error as _conflict_error
from mapping.store.records import fit_geometry as _fit_geometry
from mapping.store.records import same_state as _same
from mapping.validation import clean_record

__all__ = ["Writer"]

#: New records, and the same by column (as validated, with their system fields).
_NewRecords = tuple[list[dict[str, Any]], dict[str, list[Any]]]
#: From how many new records on they are written without per-row triggers (``Writer._stand_aside``).
_BULK = 200
#: The history rows of new records, in the order of the JSON array of their ids.
_HISTORY_CREATES = (
    "INSERT INTO history (layer, record_id, version, action, author, at, batch_id, "
    "note, before, after) SELECT ?, value, 1, 'create', ?, ?, ?, ?, NULL, ? "
    "FROM json_each(?) ORDER BY key"
)
_HISTORY_INSERT = (
    "INSERT INTO history (layer, record_id, version, action, author, at, batch_id, "
    "note, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _fresh_ids(count: int) -> list[str]:
    """``count`` new ids of 12 hex digits: consecutive from a random 48-bit start.

    As unlikely to meet an id in use as ``count`` random ones (a fresh id is
    taken only if a run overlaps it), and the unique index and the history's
    take them in order rather than at random places.
    """
    start = int.from_bytes(os.urandom(6), "big") % (2**48 - count)
    return [f"{start + n:012x}" for n in range(count)]


def _encoded_lists(column: Sequence[Any]) -> list[str | None]:
    """``encode_list`` of each value, each distinct list once (an import's repeat)."""
    encoded: dict[Any, str | None] = {}
    out = []
    for value in column:
        key = tuple(value) if type(value) is list else value
        try:
            hit = encoded[key]
        except KeyError:
            hit = encoded[key] = encode_list(value)
        except TypeError:  # an item that is not hashable: encoded on its own
            hit = encode_list(value)
        out.append(hit)
    return out


def _now() -> str:
    # GeoPackage DATETIME format: ISO 8601 in UTC with milliseconds and 'Z'.
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


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


class Writer:
    """Record-level writes inside one open transaction (the ``Batch``)."""

    def __init__(self, conn: sqlite3.Connection, author: str, batch_id: str, note: str):
        self.conn = conn
        self.author = author
        self.batch_id = batch_id
        self.note = note
        self.changes = 0
        #: Layers whose insert triggers stand aside: the last fid before, the triggers' SQL.
        self._aside: dict[str, tuple[int, list[str]]] = {}
        #: Columns with a default of their own, by table (the schema holds during the batch).
        self._defaults: dict[str, set[str]] = {}

    # -- reading inside the transaction ----------------------------------
    def current(self, layer: Layer, record_id: str) -> dict[str, Any]:
        cols = ", ".join(quote(c) for c in column_names(layer))
        geom = f", {GEOM}" if layer.geometry else ""
        row = self.conn.execute(
            f"SELECT {cols}{geom} FROM {quote(layer.name)} WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            raise _not_found(self.conn, layer, record_id)
        return row_to_record(layer, row)

    def serialise(self, key: str) -> None:
        """Nothing to take: ``BEGIN IMMEDIATE`` already holds the file's one write lock."""

    def current_record(self, layer: str, record_id: str) -> dict[str, Any]:
        """The record as it is inside this transaction."""
        return self.current(get_layer(layer), record_id)

    # -- the three writes --------------------------------------------------
    def create(
        self, layer: str, values: Mapping[str, Any], *, record_id: str | None = None
    ) -> dict[str, Any]:
        schema = get_layer(layer)
        new = self._new_records(schema, [values], [record_id])
        self._insert_all(schema, new)
        return new[0][0]

    @collector_paused()  # a bulk write builds its rows (mapping.collector)
    def create_many(self, layer: str, many: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """``create`` of each of ``many``, validated first and written in bulk.

        The first invalid record raises (nothing of the call is written); the
        history rows and records go in with one ``executemany`` each, history first.
        """
        schema = get_layer(layer)
        new = self._new_records(schema, many, [None] * len(many))
        self._insert_all(schema, new)
        return new[0]

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
    ) -> _NewRecords:
        """Validated records with their system fields; an id already taken is an error."""
        now = _now()
        columns: dict[str, list[Any]] = {}
        columns["id"] = [
            rid or fresh for rid, fresh in zip(record_ids, _fresh_ids(len(many)), strict=True)
        ]
        system = {"version": 1, "created_at": now, "updated_at": now, "author": self.author,
                  "archived_at": None}  # fmt: skip
        columns.update((name, [value] * len(many)) for name, value in system.items())
        columns.update(clean_columns(schema, many))
        columns["geometry"] = fit_geometries(schema, [values.get("geometry") for values in many])
        names = list(columns)
        records = [
            dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)
        ]
        self._refuse_taken(schema, columns["id"], [rid for rid in record_ids if rid])
        return records, columns

    def _refuse_taken(self, schema: Layer, ids: list[str], given: list[str]) -> None:
        """An id given twice, or one already in the layer, is an error (fresh ids are random)."""
        taken = {i for i in ids if ids.count(i) > 1} if len(set(ids)) < len(ids) else set()
        for start in range(0, len(given), 500):  # SQLite's limit on parameters of one query
            chunk = given[start : start + 500]
            taken.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT id FROM {quote(schema.name)} "
                    f"WHERE id IN ({', '.join('?' for _ in chunk)})",
                    chunk,
                )
            )
        if taken:
            first = next(i for i in ids if i in taken)
            raise MapError(f"wpis o identyfikatorze {first} już istnieje", field="id")

    def _insert_all(self, schema: Layer, new: _NewRecords) -> None:
        """History rows, then the records they describe (the triggers' contract)."""
        records, columns = new
        if not records:
            return
        cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
        # Column by column: a list field encoded, the geometries all at once.
        values = [columns[f.name] for f in SYSTEM_FIELDS]
        for name, listed in field_kinds(schema):
            column = columns[name]
            values.append(_encoded_lists(column) if listed else column)
        if schema.geometry:
            values.append(encode_geometries(columns["geometry"], SRS_ID))
        # Columns empty in every row are left out (NULL all the same, and sqlite3 binds
        # a None slowly); a column with a default of its own, never.
        filled = {n for n, column in enumerate(values) if column.count(None) < len(column)}
        if len(filled) < len(values):
            defaults = self._with_default(schema.name)
            filled.update(n for n, name in enumerate(cols) if name in defaults)
            cols = [name for n, name in enumerate(cols) if n in filled]
            values = [column for n, column in enumerate(values) if n in filled]
        rows = list(zip(*values, strict=True))
        if len(rows) >= _BULK:  # outside the savepoint: the triggers stay aside till ``finish``
            self._stand_aside(schema)
        self.conn.execute("SAVEPOINT mapa_write")
        try:
            # A creation keeps no snapshot: the row holds the state (mapping.store.deltas).
            # One statement for the whole batch: only the record id differs from row to row.
            self.conn.execute(
                _HISTORY_CREATES,
                (schema.name, self.author, columns["updated_at"][0], self.batch_id, self.note,
                 NO_STATE, json.dumps(columns["id"])),
            )  # fmt: skip
            self.conn.executemany(
                f"INSERT INTO {quote(schema.name)} ({', '.join(map(quote, cols))}) "
                f"VALUES ({', '.join('?' for _ in cols)})",
                rows,
            )
        except BaseException:
            self.conn.execute("ROLLBACK TO mapa_write")
            self.conn.execute("RELEASE mapa_write")
            raise
        self.conn.execute("RELEASE mapa_write")
        self.changes += len(records)

    def _with_default(self, table: str) -> set[str]:
        """The columns of ``table`` with a default value (read once per batch)."""
        if table not in self._defaults:
            info = self.conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
            self._defaults[table] = {row[1] for row in info if row[4] is not None}
        return self._defaults[table]

    def _stand_aside(self, schema: Layer) -> None:
        """Drop the layer's insert triggers until ``finish``: rows go in without a call each.

        The file's insert trigger only looks each row up in the history the app
        has just written, and the spatial index's calls Python five times a row:
        for bulk inserts both stand aside until the batch ends (``BEGIN IMMEDIATE``
        holds the write lock, so no other client inserts meanwhile), when the rows
        added since are indexed at once and the triggers come back as they were.
        """
        if schema.name in self._aside:
            return
        table = quote(schema.name)
        (last,) = self.conn.execute(f"SELECT coalesce(max(fid), 0) FROM {table}").fetchone()
        index = spatial_index_trigger(self.conn, schema.name) if schema.geometry else None
        if index is not None:
            self.conn.execute(f"DROP TRIGGER {quote(index[0])}")
        trigger = gpkg_triggers.insert_trigger_name(schema)
        self.conn.execute(f"DROP TRIGGER IF EXISTS {quote(trigger)}")
        back = [index[1]] if index else []
        self._aside[schema.name] = (last, [*back, gpkg_triggers.trigger_statements()[trigger]])

    def finish(self) -> None:
        """Before the commit: index the rows added in bulk, bring their triggers back."""
        for name, (last, triggers) in self._aside.items():
            if len(triggers) > 1:  # the layer has a spatial index
                index_rows_after(self.conn, name, last)
            for sql in triggers:
                self.conn.execute(sql)
        self._aside = {}

    def _insert(self, schema: Layer, record: Mapping[str, Any]) -> None:
        cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
        marks = ", ".join("?" for _ in cols)
        self.conn.execute(
            f"INSERT INTO {quote(schema.name)} ({', '.join(map(quote, cols))}) VALUES ({marks})",
            record_to_row(schema, record),
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
        with self._logged(schema, record_id, action, None, record):
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
        assignments = ", ".join(f"{quote(c)} = ?" for c in cols)
        with self._logged(schema, before["id"], action, before, after):
            cursor = self.conn.execute(
                f"UPDATE {quote(schema.name)} SET {assignments} WHERE id = ? AND version = ?",
                (*record_to_row(schema, after), before["id"], before["version"]),
            )
            if cursor.rowcount != 1:  # a writer outside this transaction model got there first
                raise ConflictError(
                    "Wpis został zmieniony w międzyczasie; odśwież i spróbuj ponownie."
                )
        return after

    @contextmanager
    def _logged(
        self,
        layer: Layer,
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
        layer: Layer,
        record_id: str,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any],
    ) -> None:
        """The history row of one write: what changed (nothing for a record put back)."""
        self.conn.execute(
            _HISTORY_INSERT,
            (
                layer.name,
                record_id,
                after["version"],
                action,
                self.author,
                after["updated_at"],
                self.batch_id,
                self.note,
                None if before is None else changes_text(layer, before, after),
                NO_STATE,
            ),
        )
