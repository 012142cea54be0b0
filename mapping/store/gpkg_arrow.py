"""Reading a whole layer of the GeoPackage in columns (GDAL's Arrow stream), not row by row.

``sqlite3`` hands over 50,000 records as 1.5 million Python values (about 1.2 s
here); pyogrio's ``read_arrow`` reads the same table into columns in a tenth
of that, which is what a competent user's ``geopandas.read_file(...,
use_arrow=True)`` costs.  The frame that comes out is the one
``mapping.store.gpkg_rows.blob_rows_to_frame`` makes of the rows — the same
columns, values and dtypes (``tests/test_store_geopackage.py`` compares the
two) — so nothing downstream can tell how it was read.

GDAL opens the file with its own SQLite.  The caller holds a read transaction
on its own connection meanwhile (a SHARED lock), so no writer can commit
while GDAL reads: the columns are one committed state of the file.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely

from mapping.frames import WGS84, column_names, decode_list, empty_frame, is_list_field
from mapping.schema import FieldType, Layer
from mapping.store.gpkg_rows import GEOM, quote

__all__ = ["read_columns", "read_columns_placed", "sql_text"]

#: Columns GDAL would parse into dates and times; read as the text they hold.
_AS_TEXT = frozenset({"created_at", "updated_at", "archived_at"})


def sql_text(value: str) -> str:
    """``value`` as an SQL string literal (GDAL's SQL takes no parameters)."""
    return "'" + value.replace("'", "''") + "'"


def read_columns(path: Path, schema: Layer, where: str) -> gpd.GeoDataFrame:
    """The rows matching ``where`` (SQL, literals quoted) as a record frame, in file order."""
    return read_columns_placed(path, schema, where, fids=False)[0]


def read_columns_placed(
    path: Path, schema: Layer, where: str, *, fids: bool = True
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """``read_columns`` and each row's ``fid`` (its place in the file; empty if not ``fids``)."""
    names = column_names(schema)
    text = _AS_TEXT | {f.name for f in schema.fields if f.type == FieldType.DATE}
    select = ", ".join(
        f"CAST({quote(n)} AS TEXT) AS {quote(n)}" if n in text else quote(n) for n in names
    )
    if fids:  # GDAL hands the real fid over only when it is selected by name
        select = f"fid, {select}"
    if schema.geometry:
        select += f", {GEOM}"
    sql = f"SELECT {select} FROM {quote(schema.name)}"
    sql += (f" WHERE {where}" if where else "") + " ORDER BY fid"
    meta, table = pyogrio.read_arrow(str(path), sql=sql, return_fids=fids)
    places = np.empty(0, dtype=np.int64)
    if fids and table.num_rows:
        if meta["fid_column"] != "fid":  # GDAL numbered the rows itself: not their places
            raise RuntimeError(f"GDAL nie podał numerów wierszy (fid): {meta['fid_column']}")
        places = table.column("fid").to_numpy().astype(np.int64)
    if table.num_rows == 0:
        return empty_frame(schema), places
    listed = {f.name for f in schema.fields if is_list_field(f.type)}
    frame = pd.DataFrame(
        {n: _column(table.column(n), listed=n in listed) for n in names}, columns=names
    )
    geoms = None
    if schema.geometry:
        wkb = table.column(table.num_columns - 1).to_numpy(zero_copy_only=False)
        geoms = shapely.from_wkb(wkb)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84), places


def _column(column: pa.ChunkedArray, *, listed: bool) -> pd.Series | np.ndarray:
    """One column as pandas builds it from the rows' Python values (see the module)."""
    if listed:
        # Few distinct texts ("seniorzy;dzieci"): split each once, a fresh list per row.
        values = column.to_numpy(zero_copy_only=False)
        split = {text: decode_list(text) for text in set(values) if text is not None}
        return pd.Series([list(split[v]) if v is not None else [] for v in values], dtype=object)
    if column.null_count == len(column):
        # pandas keeps an all-None column of Python values as objects holding None.
        return np.full(len(column), None, dtype=object)
    return column.to_pandas()
