"""Record frames: the in-memory form of a layer shared by every module.

A layer's records are a GeoDataFrame in EPSG:4326, one row per record, with
the system columns (``SYSTEM_FIELDS``), then every declared field in schema
order, then ``geometry`` (None for records without a location).

Value conventions: CHOICE holds the code; MULTICHOICE and REFS hold lists of
strings; DATE holds ISO ``YYYY-MM-DD`` strings; INTEGER and REAL hold numbers
or None.  Storage encodes lists as ``"; "``-joined text (readable in QGIS and
Excel) and decodes them back here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from mapping.schema import SYSTEM_FIELDS, FieldType, Layer

__all__ = [
    "LIST_SEPARATOR",
    "METRIC_CRS",
    "WGS84",
    "column_names",
    "decode_list",
    "empty_frame",
    "encode_list",
    "has_location",
    "is_list_field",
    "records_to_frame",
    "rows_to_frame",
    "texts_in",
]

WGS84 = "EPSG:4326"
#: PUWG 1992, made for Poland: every distance, area and printed map is in it.
METRIC_CRS = "EPSG:2180"
LIST_SEPARATOR = "; "


def is_list_field(ftype: FieldType) -> bool:
    """Whether values of this field type are lists."""
    return ftype in (FieldType.MULTICHOICE, FieldType.REFS)


def has_location(geometry: gpd.GeoSeries | Iterable[Any]) -> Any:
    """Whether each record has a usable location: a geometry, present and not empty.

    A GeoSeries gives a boolean Series indexed like it; any other sequence of
    geometries (None for missing) a boolean numpy array.
    """
    if isinstance(geometry, gpd.GeoSeries):
        geoms = np.asarray(geometry.values, dtype=object)
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        return pd.Series(present, index=geometry.index, dtype=bool)
    # Plain sequences may hold NaN for a missing geometry (pandas' filler).
    geoms = np.array(
        [g if isinstance(g, shapely.Geometry) else None for g in geometry], dtype=object
    )
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def column_names(layer: Layer) -> list[str]:
    """System columns then declared fields, in order (without geometry)."""
    return [f.name for f in SYSTEM_FIELDS] + list(layer.field_names)


def encode_list(values: Iterable[str] | None) -> str | None:
    """Join a list for storage; None or empty becomes None."""
    items = [str(v) for v in (values or []) if str(v).strip()]
    return LIST_SEPARATOR.join(items) if items else None


def decode_list(text: Any) -> list[str]:
    """Split a stored list; tolerates lists, None and NaN."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    if isinstance(text, list | tuple):
        return [str(v) for v in text]
    return [part.strip() for part in str(text).split(";") if part.strip()]


def empty_frame(layer: Layer) -> gpd.GeoDataFrame:
    """A GeoDataFrame with the layer's columns and no rows."""
    frame = pd.DataFrame({name: pd.Series(dtype=object) for name in column_names(layer)})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)


def rows_to_frame(
    layer: Layer, rows: Sequence[Sequence[Any]], geometries: Callable[[list[Any]], Any] | None
) -> gpd.GeoDataFrame:
    """A record frame of database rows: the columns of ``column_names``, then the geometry.

    ``geometries`` turns the rows' last values (the backend's geometry
    encoding) into shapely geometries; None when the rows carry no geometry
    (an attribute table).  List fields are decoded here.
    """
    if not rows:
        return empty_frame(layer)
    cols = column_names(layer)
    frame = pd.DataFrame([r[: len(cols)] for r in rows], columns=cols)
    for f in layer.fields:
        if is_list_field(f.type):
            frame[f.name] = frame[f.name].map(decode_list)
    geoms = None if geometries is None else geometries([r[len(cols)] for r in rows])
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


def records_to_frame(layer: Layer, records: Iterable[Mapping[str, Any]]) -> gpd.GeoDataFrame:
    """Build a record frame from dicts (missing columns become None)."""
    rows = list(records)
    if not rows:
        return empty_frame(layer)
    cols = column_names(layer)
    data = {name: [row.get(name) for row in rows] for name in cols}
    for f in layer.fields:
        if is_list_field(f.type):
            data[f.name] = [decode_list(v) for v in data[f.name]]
    geoms = [row.get("geometry") for row in rows]
    frame = pd.DataFrame(data, columns=cols)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WGS84), crs=WGS84)


def texts_in(column: pd.Series, values: Iterable[str]) -> np.ndarray:
    """Which rows of a text column hold one of ``values`` (``Series.isin``, as an array).

    pandas' ``isin`` on its text columns makes a pyarrow scalar of every value
    asked for, one by one (16,000 ids: 40 ms); pyarrow's own ``is_in`` takes
    them as one array.
    """
    wanted = [v for v in values if isinstance(v, str)]
    if not isinstance(column.dtype, pd.StringDtype) or not hasattr(column.array, "__arrow_array__"):
        return column.isin(wanted).to_numpy(dtype=bool)
    if not wanted:
        return np.zeros(len(column), dtype=bool)
    stored = column.array.__arrow_array__()
    found = pc.is_in(stored, value_set=pa.array(wanted, type=stored.type))
    return found.to_numpy(zero_copy_only=False).astype(bool, copy=False) & column.notna().to_numpy()
