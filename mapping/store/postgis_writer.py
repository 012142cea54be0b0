"""PostGIS batch writer: record-level writes inside one open transaction.

Every UPDATE names the version it was made from after locking the row, so of
two saves of the same version one wins and the other is a ``ConflictError``.
The triggers (``mapping.store.postgis_sql``) give ids, versions and times and
write the history; the writer tells them the action through ``mapa.action``.
``PostGISStore.batch`` opens the transaction and hands out a ``Writer``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from mapping.errors import MapError, NotFoundError
from mapping.schema import Layer, get_layer
from mapping.store.postgis_rows import geometry_value, row_to_record, write_columns, write_values
from mapping.store.postgis_sql import GEOM, quote, select_columns
from mapping.store.records import clean_records, conflict_error, fit_geometry, same_state
from mapping.validation import clean_record

__all__ = ["Writer"]


class Writer:
    """Record-level writes inside one open transaction (the ``Batch``)."""

    def __init__(self, conn: psycopg.Connection, batch_id: str, now: str):
        self.conn = conn
        self.batch_id = batch_id
        self.now = now
        self._said_action = ""

    # -- reading inside the transaction ----------------------------------
    def current(self, layer: Layer, record_id: str, *, lock: bool = False) -> dict[str, Any]:
        found = self._find(layer, record_id, lock=lock)
        if found is None:
            raise NotFoundError(f"nie ma wpisu {record_id} w warstwie „{layer.label}”")
        return found

    def serialise(self, key: str) -> None:
        """A transaction-level advisory lock on ``key`` (released at commit or rollback)."""
        self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))

    def current_record(self, layer: str, record_id: str) -> dict[str, Any]:
        """The record as it is inside this transaction."""
        return self.current(get_layer(layer), record_id)

    def _find(self, layer: Layer, record_id: str, *, lock: bool) -> dict[str, Any] | None:
        sql = f"SELECT {select_columns(layer)} FROM {quote(layer.name)} WHERE id = %s"
        row = self.conn.execute(sql + (" FOR UPDATE" if lock else ""), (record_id,)).fetchone()
        return None if row is None else row_to_record(layer, row)

    # -- the writes --------------------------------------------------------
    def create(
        self, layer: str, values: Mapping[str, Any], *, record_id: str | None = None
    ) -> dict[str, Any]:
        """Create a record; the database gives it its id, version 1 and times."""
        schema = get_layer(layer)
        record = {
            **clean_record(schema, values),
            "archived_at": None,
            "geometry": fit_geometry(schema, values.get("geometry")),
        }
        if record_id and self._find(schema, record_id, lock=False):
            raise MapError(f"wpis o identyfikatorze {record_id} już istnieje", field="id")
        return self._insert(schema, record_id, record, "create")

    def create_many(self, layer: str, many: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """``create`` of each of ``many``: validated first, then one pipelined ``executemany``."""
        schema = get_layer(layer)
        records = [
            {**cleaned, "archived_at": None, "geometry": fit_geometry(schema, v.get("geometry"))}
            for v, cleaned in zip(many, clean_records(schema, many), strict=True)
        ]
        if not records:
            return []
        self._action("create")
        columns = ["id", "created_at", *write_columns(schema)]
        marks = ["%s"] * len(columns)
        if schema.geometry:
            columns.append(GEOM)
            marks.append(f"ST_GeomFromWKB(%s, {4326})")
        params = [
            [
                None,
                None,
                *write_values(schema, r),
                *([geometry_value(r)] if schema.geometry else []),
            ]
            for r in records
        ]
        sql = (
            f"INSERT INTO {quote(schema.name)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({', '.join(marks)}) RETURNING {select_columns(schema)}"
        )
        created = []
        with self.conn.cursor() as cursor:
            cursor.executemany(sql, params, returning=True)
            while True:
                row = cursor.fetchone()
                assert row is not None  # RETURNING of an INSERT always gives the row
                created.append(row_to_record(schema, row))
                if not cursor.nextset():
                    break
        return created

    def update(
        self, layer: str, record_id: str, values: Mapping[str, Any], *, expected_version: int
    ) -> dict[str, Any]:
        """Change the given fields of a record at ``expected_version``."""
        schema = get_layer(layer)
        before = self._checked(schema, record_id, expected_version)
        changes = clean_record(schema, values, partial=True)
        if "geometry" in values:
            changes["geometry"] = fit_geometry(schema, values["geometry"])
        return self._write(schema, before, {**before, **changes}, "update")

    def archive(self, layer: str, record_id: str, *, expected_version: int) -> dict[str, Any]:
        """Hide a record from normal use (it stays in the table and history)."""
        schema = get_layer(layer)
        before = self._checked(schema, record_id, expected_version)
        if before["archived_at"]:
            return before
        return self._write(schema, before, {**before, "archived_at": self.now}, "archive")

    def unarchive(self, layer: str, record_id: str, *, expected_version: int) -> dict[str, Any]:
        """Bring an archived record back into normal use."""
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
        before = self._find(schema, record_id, lock=True)
        if before is None:  # deleted outside the app: insert it again, versions go on
            return self._insert(schema, record_id, dict(state), action)
        if expected_version is not None and before["version"] != expected_version:
            raise conflict_error(schema, before, expected_version)
        return self._write(schema, before, {**before, **_user_part(schema, state)}, action)

    # -- internals -----------------------------------------------------------
    def _checked(self, layer: Layer, record_id: str, expected_version: int) -> dict[str, Any]:
        current = self.current(layer, record_id, lock=True)
        if current["version"] != expected_version:
            raise conflict_error(layer, current, expected_version)
        return current

    def _action(self, action: str) -> None:
        """Tell the history trigger what the next write is (an import says it once)."""
        if action != self._said_action:
            self.conn.execute("SELECT set_config('mapa.action', %s, true)", (action,))
            self._said_action = action

    def _insert(
        self, layer: Layer, record_id: str | None, record: Mapping[str, Any], action: str
    ) -> dict[str, Any]:
        self._action(action)
        columns = ["id", "created_at", *write_columns(layer)]
        values = [record_id, record.get("created_at"), *write_values(layer, record)]
        marks = ["%s"] * len(values)
        if layer.geometry:
            columns.append(GEOM)
            marks.append(f"ST_GeomFromWKB(%s, {4326})")
            values.append(geometry_value(record))
        sql = (
            f"INSERT INTO {quote(layer.name)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({', '.join(marks)}) RETURNING {select_columns(layer)}"
        )
        try:
            row = self.conn.execute(sql, values).fetchone()
        except pg_errors.UniqueViolation:
            raise MapError(f"wpis o identyfikatorze {record_id} już istnieje", field="id") from None
        assert row is not None  # RETURNING of an INSERT always gives the row
        return row_to_record(layer, row)

    def _write(
        self, layer: Layer, before: dict[str, Any], after: dict[str, Any], action: str
    ) -> dict[str, Any]:
        if same_state(layer, before, after):
            return before
        self._action(action)
        assignments = [f"{quote(c)} = %s" for c in write_columns(layer)]
        values = write_values(layer, after)
        if layer.geometry:
            assignments.append(f"{GEOM} = ST_GeomFromWKB(%s, 4326)")
            values.append(geometry_value(after))
        # The version check is in the UPDATE itself: the database refuses a stale save
        # even if the row lock above was skipped; the trigger bumps the version.
        row = self.conn.execute(
            f"UPDATE {quote(layer.name)} SET {', '.join(assignments)} "
            f"WHERE id = %s AND version = %s RETURNING {select_columns(layer)}",
            (*values, before["id"], before["version"]),
        ).fetchone()
        if row is None:
            raise conflict_error(layer, self.current(layer, before["id"]), before["version"])
        return row_to_record(layer, row)


def _user_part(layer: Layer, state: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a snapshot a restore brings back (system fields stay current)."""
    keep = [*layer.field_names, "archived_at", "geometry"]
    return {name: state.get(name) for name in keep}
