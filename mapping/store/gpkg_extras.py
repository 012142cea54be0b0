"""What a GeoPackage needs besides its tables to open well in QGIS: styles and a spatial index.

- ``layer_styles``: the table QGIS reads a layer's default style from (the
  QML of ``mapping.qgis_style``), registered in ``gpkg_contents`` as an
  attributes table, as QGIS itself does when it saves a style through GDAL;
- an R-tree per feature table (the ``gpkg_rtree_index`` extension of
  GeoPackage 1.2/1.3, declared in ``gpkg_extensions``), kept up to date by the
  standard triggers.  Those call ``ST_IsEmpty``, ``ST_MinX`` …: GDAL and QGIS
  define them, the app does on each of its connections
  (``mapping.store.gpkg_binary.add_spatial_functions``).

The store calls ``add_extras`` when it creates a file and ``ensure_extras``
when it opens one (a file made by an older version gets them once); the GeoPackage export
calls ``add_layer_styles`` after GDAL has written the layers (GDAL builds the
R-tree there itself).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from mapping.qgis_style import layer_qml
from mapping.schema import LAYERS, Layer
from mapping.store.gpkg_binary import add_spatial_functions, blob_bounds
from mapping.store.gpkg_rtree import pack_rtree, worth_packing

__all__ = [
    "LAYER_STYLES",
    "STYLE_DESCRIPTION",
    "add_extras",
    "add_layer_styles",
    "add_spatial_index",
    "ensure_extras",
    "index_rows_after",
    "spatial_index_trigger",
]

LAYER_STYLES = "layer_styles"
STYLE_DESCRIPTION = "Styl z aplikacji Mapa zasobów i potrzeb (kategorie, etykiety, słowniki)"
_RTREE_DEFINITION = "http://www.geopackage.org/spec120/#extension_rtree"

# The columns QGIS creates (QgsOgrProviderUtils, through GDAL's GPKG driver).
_STYLES_DDL = f"""
CREATE TABLE IF NOT EXISTS {LAYER_STYLES} (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256),
  f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))
"""
_EXTENSIONS_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
  definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))
"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def add_layer_styles(
    conn: sqlite3.Connection,
    layers: Mapping[str, Sequence[str] | None],
    geometry_column: str = "geom",
) -> None:
    """Store each layer's QGIS style as its default in ``layer_styles``.

    Parameters
    ----------
    conn : an open connection to the GeoPackage (inside the caller's transaction)
    layers : layer name → the columns its table holds (None: the store's)
    geometry_column : the geometry column of feature tables
    """
    conn.execute(_STYLES_DDL)
    registered = conn.execute(
        "SELECT 1 FROM gpkg_contents WHERE table_name = ?", (LAYER_STYLES,)
    ).fetchone()
    if registered is None:
        conn.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, ?)",
            (LAYER_STYLES, LAYER_STYLES, "Style warstw dla QGIS"),
        )
    for name, columns in layers.items():
        layer = LAYERS[name]
        # QGIS matches the style by table and geometry column ('' for attribute tables).
        column = geometry_column if layer.geometry else ""
        conn.execute(
            f"UPDATE {LAYER_STYLES} SET useAsDefault = 0 "
            "WHERE f_table_name = ? AND f_geometry_column = ?",
            (name, column),
        )
        conn.execute(
            f"INSERT INTO {LAYER_STYLES} (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL)",
            (name, column, layer.label, layer_qml(layer, columns), STYLE_DESCRIPTION),
        )


def _rtree_statements(table: str, column: str, fid: str) -> list[str]:
    """The GeoPackage 1.2 R-tree table, its filling and its six triggers."""
    rtree = _quote(f"rtree_{table}_{column}")
    t, c, i = _quote(table), _quote(column), _quote(fid)
    values = f"NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c})"
    name = f"rtree_{table}_{column}"
    present = f"(NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c}))"
    absent = f"(NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c}))"
    return [
        f"CREATE VIRTUAL TABLE {rtree} USING rtree(id, minx, maxx, miny, maxy)",
        f"INSERT OR REPLACE INTO {rtree} SELECT {i}, ST_MinX({c}), ST_MaxX({c}), "
        f"ST_MinY({c}), ST_MaxY({c}) FROM {t} WHERE {c} NOT NULL AND NOT ST_IsEmpty({c})",
        f"CREATE TRIGGER {_quote(name + '_insert')} AFTER INSERT ON {t} WHEN {present} "
        f"BEGIN INSERT OR REPLACE INTO {rtree} VALUES ({values}); END",
        f"CREATE TRIGGER {_quote(name + '_update1')} AFTER UPDATE OF {c} ON {t} "
        f"WHEN OLD.{i} = NEW.{i} AND {present} "
        f"BEGIN INSERT OR REPLACE INTO {rtree} VALUES ({values}); END",
        f"CREATE TRIGGER {_quote(name + '_update2')} AFTER UPDATE OF {c} ON {t} "
        f"WHEN OLD.{i} = NEW.{i} AND {absent} "
        f"BEGIN DELETE FROM {rtree} WHERE id = OLD.{i}; END",
        f"CREATE TRIGGER {_quote(name + '_update3')} AFTER UPDATE ON {t} "
        f"WHEN OLD.{i} != NEW.{i} AND {present} "
        f"BEGIN DELETE FROM {rtree} WHERE id = OLD.{i}; "
        f"INSERT OR REPLACE INTO {rtree} VALUES ({values}); END",
        f"CREATE TRIGGER {_quote(name + '_update4')} AFTER UPDATE ON {t} "
        f"WHEN OLD.{i} != NEW.{i} AND {absent} "
        f"BEGIN DELETE FROM {rtree} WHERE id IN (OLD.{i}, NEW.{i}); END",
        f"CREATE TRIGGER {_quote(name + '_delete')} AFTER DELETE ON {t} WHEN OLD.{c} NOT NULL "
        f"BEGIN DELETE FROM {rtree} WHERE id = OLD.{i}; END",
    ]


def spatial_index_trigger(conn: sqlite3.Connection, table: str) -> tuple[str, str] | None:
    """The name and SQL of the trigger that puts a new row of ``table`` into its R-tree
    (None: no index, as in an old file mid-upgrade)."""
    name = f"rtree_{table}_geom_insert"
    found = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).fetchone()
    return None if found is None else (name, found[0])


def index_rows_after(conn: sqlite3.Connection, table: str, last: int) -> None:
    """Put the rows of ``table`` after fid ``last`` into its R-tree at once, not row by row.

    The standard insert trigger calls ``ST_MinX`` … (Python functions on the
    app's connection) five times a row, most of a bulk insert's time.  The
    caller drops it for its inserts, fills the index here from the rows as they
    are now (an update meanwhile included), then creates the trigger again.
    """
    rows = conn.execute(
        f"SELECT fid, geom FROM {_quote(table)} WHERE fid > ? AND geom IS NOT NULL ORDER BY fid",
        (last,),
    ).fetchall()
    if not rows:
        return
    bounds = blob_bounds([row[1] for row in rows])  # NaN: an empty geometry, not indexed
    present = ~np.isnan(bounds[:, 0])
    fids = np.array([row[0] for row in rows], dtype=np.int64)[present]
    boxes = bounds[present]
    rtree = f"rtree_{table}_geom"
    if worth_packing(conn, rtree, len(fids)):  # many: the whole tree written at once
        pack_rtree(conn, rtree, fids, boxes)
        return
    conn.executemany(
        f"INSERT OR REPLACE INTO {_quote(rtree)} VALUES (?, ?, ?, ?, ?)",
        [(fid, *box) for fid, box in zip(fids.tolist(), boxes.tolist(), strict=True)],
    )


def add_spatial_index(
    conn: sqlite3.Connection, table: str, column: str = "geom", fid: str = "fid"
) -> None:
    """Give a feature table an R-tree index kept up to date by triggers (idempotent).

    The connection must define the ``ST_`` functions the triggers call.
    """
    name = f"rtree_{table}_{column}"
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone():
        return
    for statement in _rtree_statements(table, column, fid):
        conn.execute(statement)
    conn.execute(_EXTENSIONS_DDL)
    conn.execute(
        "INSERT OR REPLACE INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index', ?, 'write-only')",
        (table, column, _RTREE_DEFINITION),
    )


def add_extras(conn: sqlite3.Connection, layers: Iterable[Layer] = LAYERS.values()) -> None:
    """A spatial index on every feature table and every layer's QGIS style (new store file)."""
    add_spatial_functions(conn)  # filling the index calls them
    layers = list(layers)
    for layer in layers:
        if layer.geometry:
            add_spatial_index(conn, layer.name)
    add_layer_styles(conn, {layer.name: None for layer in layers})


def _missing(conn: sqlite3.Connection) -> tuple[list[Layer], bool]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    unindexed = [
        layer
        for layer in LAYERS.values()
        if layer.geometry and f"rtree_{layer.name}_geom" not in tables
    ]
    return unindexed, LAYER_STYLES not in tables


def ensure_extras(conn: sqlite3.Connection) -> bool:
    """Add what an older store file lacks (index, styles); idempotent, returns whether it wrote.

    Reads the schema only when nothing is missing; styles saved in QGIS
    meanwhile are kept (the table is filled only when it is absent).
    """
    unindexed, no_styles = _missing(conn)
    if not unindexed and not no_styles:
        return False
    add_spatial_functions(conn)
    conn.execute("BEGIN IMMEDIATE")
    try:
        unindexed, no_styles = _missing(conn)  # another process may have added them
        for layer in unindexed:
            add_spatial_index(conn, layer.name)
        if no_styles:
            add_layer_styles(conn, dict.fromkeys(LAYERS))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return True
