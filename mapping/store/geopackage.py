"""GeoPackage backend: the whole map in one ``.gpkg`` file.

The file is a plain OGC GeoPackage (QGIS and ogrinfo open every layer), written
with Python's sqlite3 so that each change is a real transaction:

- one feature table per spatial layer, one attributes table per other layer,
  and ``history`` (an attributes table) with the before/after of every change;
- rollback journal with ``synchronous=FULL``: a crash or kill mid-write leaves
  the previous state intact and the file valid (no ``-wal`` side file, so the
  map stays one file to back up or e-mail);
- optimistic concurrency: every write checks the version the user started from.

No R-tree index is created: its triggers need SQL functions only GDAL defines,
and layers of a city (thousands of rows) are read whole anyway.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from mapping.errors import ConflictError, MapError, NotFoundError
from mapping.frames import (
    WGS84,
    column_names,
    decode_list,
    empty_frame,
    encode_list,
    is_list_field,
    records_to_frame,
)
from mapping.polish import polish_sorted
from mapping.schema import LAYERS, SYSTEM_FIELDS, FieldType, Layer, get_layer
from mapping.store.gpkg_binary import decode_geometries, decode_geometry, encode_geometry
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


def _now() -> str:
    # GeoPackage DATETIME format: ISO 8601 in UTC with milliseconds and 'Z'.
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _sql_type(name: str, ftype: FieldType) -> str:
    if name in _TIMESTAMP_FIELDS:
        return "DATETIME"
    return _SQL_TYPES.get(ftype, "TEXT")


def _geometry_to_json(geom: BaseGeometry | None) -> str | None:
    return None if geom is None or geom.is_empty else shapely.to_wkt(geom, rounding_precision=7)


def _snapshot(record: Mapping[str, Any]) -> str:
    """JSON of a whole record for the history table (geometry as WKT)."""
    data = {k: v for k, v in record.items() if k != "geometry"}
    data["geometry"] = _geometry_to_json(record.get("geometry"))
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _from_snapshot(text: str) -> dict[str, Any]:
    data = json.loads(text)
    wkt = data.pop("geometry", None)
    data["geometry"] = shapely.from_wkt(wkt) if wkt else None
    return data


def _fit_geometry(layer: Layer, geom: Any) -> BaseGeometry | None:
    """Check a geometry fits the layer's column (promoting Polygon to MultiPolygon)."""
    if geom is None or (isinstance(geom, float) and pd.isna(geom)):
        return None
    if not isinstance(geom, BaseGeometry):
        raise MapError("niepoprawna geometria", field="lokalizacja")
    if geom.is_empty:
        return None
    if layer.geometry is None:
        raise MapError(f"warstwa „{layer.label}” nie ma lokalizacji", field="lokalizacja")
    if layer.geometry == "MULTIPOLYGON" and geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    expected = {"POINT": ("Point",), "MULTIPOLYGON": ("MultiPolygon",)}.get(layer.geometry)
    if expected and geom.geom_type not in expected:
        raise MapError(
            f"oczekiwano geometrii {layer.geometry}, jest {geom.geom_type}", field="lokalizacja"
        )
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise MapError(
            "współrzędne poza zakresem WGS84 (czy to nie PUWG 1992?)", field="lokalizacja"
        )
    return geom


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
            raise NotFoundError(f"nie ma wpisu {record_id} w warstwie „{layer.label}”")
        return _row_to_record(layer, row)

    def current_record(self, layer: str, record_id: str) -> dict[str, Any]:
        """The record as it is inside this transaction."""
        return self.current(get_layer(layer), record_id)

    # -- the three writes --------------------------------------------------
    def create(
        self, layer: str, values: Mapping[str, Any], *, record_id: str | None = None
    ) -> dict[str, Any]:
        schema = get_layer(layer)
        cleaned = clean_record(schema, values)
        now = _now()
        record = {
            "id": record_id or uuid.uuid4().hex[:12],
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "author": self.author,
            "archived_at": None,
            **cleaned,
            "geometry": _fit_geometry(schema, values.get("geometry")),
        }
        exists = self.conn.execute(
            f"SELECT 1 FROM {_quote(layer)} WHERE id = ?", (record["id"],)
        ).fetchone()
        if exists:
            raise MapError(f"wpis o identyfikatorze {record['id']} już istnieje", field="id")
        cols = [*column_names(schema), *([GEOM] if schema.geometry else [])]
        marks = ", ".join("?" for _ in cols)
        self.conn.execute(
            f"INSERT INTO {_quote(layer)} ({', '.join(map(_quote, cols))}) VALUES ({marks})",
            _record_to_row(schema, record),
        )
        self._log(layer, record["id"], "create", None, record)
        return record

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
        self, layer: str, record_id: str, state: Mapping[str, Any], action: str
    ) -> dict[str, Any]:
        """Make a stored snapshot current again (restore and undo)."""
        schema = get_layer(layer)
        before = self.current(schema, record_id)
        keep = ("id", "version", "created_at", "updated_at", "author")
        after = {**dict(state), **{k: before[k] for k in keep}}
        return self._write(schema, before, after, action)

    # -- internals -----------------------------------------------------------
    def _checked(self, schema: Layer, record_id: str, expected_version: int) -> dict[str, Any]:
        current = self.current(schema, record_id)
        if current["version"] != expected_version:
            raise ConflictError(
                f"Wpis „{current.get(schema.title_field) or record_id}” został w międzyczasie "
                f"zmieniony przez: {current['author']} ({current['updated_at']}, wersja "
                f"{current['version']}; edytowano wersję {expected_version}). "
                "Nic nie zostało nadpisane — porównaj obie wersje i zapisz ponownie.",
                current=current,
                expected_version=expected_version,
            )
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
        cursor = self.conn.execute(
            f"UPDATE {_quote(schema.name)} SET {assignments} WHERE id = ? AND version = ?",
            (*_record_to_row(schema, after), before["id"], before["version"]),
        )
        if cursor.rowcount != 1:  # a writer outside this transaction model got there first
            raise ConflictError("Wpis został zmieniony w międzyczasie; odśwież i spróbuj ponownie.")
        self._log(schema.name, before["id"], action, before, after)
        return after

    def _log(
        self,
        layer: str,
        record_id: str,
        action: str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any],
    ) -> None:
        self.changes += 1
        self.conn.execute(
            "INSERT INTO history (layer, record_id, version, action, author, at, batch_id, "
            "note, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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


def _same(schema: Layer, before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    for name in [*schema.field_names, "archived_at"]:
        if before.get(name) != after.get(name):
            return False
    g1, g2 = before.get("geometry"), after.get("geometry")
    if g1 is None or g2 is None:
        return g1 is g2
    return g1.equals_exact(g2, 1e-9)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _record_to_row(schema: Layer, record: Mapping[str, Any]) -> list[Any]:
    row: list[Any] = [record.get(f.name) for f in SYSTEM_FIELDS]
    for f in schema.fields:
        value = record.get(f.name)
        row.append(encode_list(value) if is_list_field(f.type) else value)
    if schema.geometry:
        row.append(encode_geometry(record.get("geometry"), SRS_ID))
    return row


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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _create_file(self.path)
        else:
            _check_file(self.path)

    # -- connections -----------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
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
        """Undo the latest change of a record (a creation is undone by archiving)."""
        current = self.get(layer, record_id)
        if current["version"] == 1:
            return self.archive(layer, record_id, expected_version=1, author=author)
        return self.restore(layer, record_id, current["version"] - 1, author=author)

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
        with self.batch(author, note=f"cofnięcie {batch_id}") as b:
            for layer, record_id, version, action, before in entries:
                if action == "create":
                    b.archive(layer, record_id, expected_version=version)
                else:
                    b._checked(get_layer(layer), record_id, version)
                    b.put_state(layer, record_id, _from_snapshot(before), "undo")
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
        cols = column_names(schema)
        select = ", ".join(map(_quote, cols)) + (f", {GEOM}" if schema.geometry else "")
        where, params = [], []
        if not include_archived:
            where.append("archived_at IS NULL")
        if city is not None:
            where.append("city = ?")
            params.append(city)
        sql = f"SELECT {select} FROM {_quote(layer)}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY fid", params).fetchall()
        if not rows:
            return empty_frame(schema)
        frame = pd.DataFrame([r[: len(cols)] for r in rows], columns=cols)
        for f in schema.fields:
            if is_list_field(f.type):
                frame[f.name] = frame[f.name].map(decode_list)
        geoms = decode_geometries([r[len(cols)] for r in rows]) if schema.geometry else None
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)

    def read_layer_as_of(
        self, layer: str, when: date, *, city: str | None = None
    ) -> gpd.GeoDataFrame:
        """The layer as it stood at the end of day ``when`` ("stan na dzień"), from history.

        Each record's last history entry up to that moment gives its state;
        records created later, or archived by then, are left out.
        """
        schema = get_layer(layer)
        cutoff = f"{when.isoformat()}T23:59:59.999Z"  # ISO strings compare in time order
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT after FROM history WHERE fid IN (SELECT MAX(fid) FROM history "
                "WHERE layer = ? AND at <= ? GROUP BY record_id) ORDER BY fid",
                (layer, cutoff),
            ).fetchall()
        states = [_from_snapshot(row[0]) for row in rows]
        live = [
            s
            for s in states
            if not s.get("archived_at") and (city is None or s.get("city") == city)
        ]
        return records_to_frame(schema, live)

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
            return pd.read_sql_query(sql + " ORDER BY fid DESC", conn, params=params)

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

    def _snapshot_at(self, layer: str, record_id: str, version: int) -> dict[str, Any]:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT after FROM history WHERE layer = ? AND record_id = ? AND version = ? "
                "ORDER BY fid DESC LIMIT 1",
                (layer, record_id, version),
            ).fetchone()
        if row is None:
            raise NotFoundError(f"wpis {record_id} nie ma wersji {version}")
        return _from_snapshot(row[0])


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
        extra = " NOT NULL UNIQUE" if f.name == "id" else ""
        columns.append(f"{_quote(f.name)} {sql_type}{extra}")
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
    """Refuse files that are not our GeoPackage, with a clear message."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise MapError(f"plik {path} nie jest bazą GeoPackage") from None
    missing = [name for name in (*LAYERS, "history") if name not in tables]
    if missing:
        raise MapError(
            f"plik {path} nie jest mapą zasobów i potrzeb (brak tabel: {', '.join(missing)})"
        )
