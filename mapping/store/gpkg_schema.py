"""The GeoPackage file itself: creating it, checking it, bringing an old one up to date.

A new file is a plain OGC GeoPackage (GeoPackage 1.3, which GDAL 3.6 and QGIS
know): the core tables, one feature table per spatial layer, one attributes
table per other layer, ``history``, the versioning triggers
(``mapping.store.gpkg_triggers``) and what QGIS looks for
(``mapping.store.gpkg_extras``).  A file that is opened is checked first (our
tables, not damaged) and given the triggers and extras of today.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pyproj import CRS

from mapping.errors import MapError
from mapping.schema import LAYERS, SYSTEM_FIELDS, FieldType, Layer
from mapping.store import gpkg_triggers
from mapping.store.gpkg_binary import add_spatial_functions
from mapping.store.gpkg_extras import add_extras, ensure_extras
from mapping.store.gpkg_file import BACKUP_HINT, check_integrity, file_uri, polish_error
from mapping.store.gpkg_rows import GEOM, SRS_ID, quote

__all__ = ["check_file", "create_file", "ensure_versioning"]

_SQL_TYPES = {
    FieldType.INTEGER: "INTEGER",
    FieldType.REAL: "REAL",
    FieldType.DATE: "DATE",
}
_TIMESTAMP_FIELDS = ("created_at", "updated_at", "archived_at")
#: Seconds a write waits for another writer before giving up with a message.


def _sql_type(name: str, ftype: FieldType) -> str:
    if name in _TIMESTAMP_FIELDS:
        return "DATETIME"
    return _SQL_TYPES.get(ftype, "TEXT")


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


def create_file(path: Path) -> None:
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
            columns.append(f"{quote(f.name)} {sql_type}")
    conn.execute(f"CREATE TABLE {quote(layer.name)} ({', '.join(columns)})")
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


def check_file(path: Path, *, timeout: float) -> None:
    """Refuse files that are not our GeoPackage, damaged or copied mid-write, clearly.

    Waits up to ``timeout`` seconds for a writer holding the file.
    """
    try:
        # Read-write, not read-only: after a crash mid-write the file has a hot
        # journal, and only a writable connection can roll it back (a read-only
        # one reports the file as unreadable).
        conn = sqlite3.connect(file_uri(path), uri=True, timeout=timeout)
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
        raise polish_error(exc, path, timeout=timeout) or exc from None
    missing = [name for name in (*LAYERS, "history") if name not in tables]
    if missing:
        raise MapError(
            f"plik {path} nie jest mapą zasobów i potrzeb (brak tabel: {', '.join(missing)})"
        )


def ensure_versioning(path: Path, *, timeout: float) -> None:
    """Give a file made by an older version the triggers of today (idempotent).

    Waits up to ``timeout`` seconds for a writer holding the file.
    """
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    add_spatial_functions(conn)
    try:
        gpkg_triggers.ensure_versioning(conn)
        ensure_extras(conn)  # QGIS styles and spatial indexes, once
    except sqlite3.OperationalError as exc:  # busy, read-only …: said in Polish
        raise polish_error(exc, path, timeout=timeout) or MapError(
            f"nie można przygotować pliku {path.name} do zapisu: {exc}"
        ) from None
    finally:
        conn.close()
