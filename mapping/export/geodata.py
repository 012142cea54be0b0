"""Exports for GIS: GeoJSON (RFC 7946) and GeoPackage.

Both keep the stored form of values (choice codes, ISO dates, plain field
names), so they read back into the app and into QGIS unchanged:

- GeoJSON: one FeatureCollection per layer (or all layers in one, each
  feature with a ``layer`` property), WGS84 longitude/latitude with at
  most 7 decimals (~1 cm), polygons wound by the right-hand rule (exterior
  rings counter-clockwise), no ``crs`` member, list fields as JSON arrays,
  ``geometry: null`` for records without a location.  Each feature also
  carries ``name`` and ``description``, the readable texts uMap shows in its
  popups (``mapping.export.features``: Polish labels instead of codes); a
  layer's own ``description`` field keeps its value, its text being readable;
- GeoPackage: one layer per dataset (attribute tables for layers without
  geometry), list fields joined with "; " as in the store, dates as DATE
  columns, an R-tree spatial index per feature table and each layer's QGIS
  style in ``layer_styles`` (``mapping.qgis_style``: category colours, labels,
  Polish aliases, value lists); written as GeoPackage 1.2 so that older
  QGIS/ArcGIS and GDAL's validator of that version accept it (GDAL 3.12
  writes 1.4 R-tree triggers otherwise).
"""

from __future__ import annotations

import json
import math
import sqlite3
import tempfile
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyogrio
import shapely
from shapely.geometry import mapping as geometry_mapping

from mapping.export.features import Feature, features_of
from mapping.frames import WGS84, encode_list, is_list_field
from mapping.schema import LAYERS, SYSTEM_FIELDS, Audience, FieldType, Layer
from mapping.store.gpkg_extras import add_layer_styles

__all__ = [
    "COORDINATE_DECIMALS",
    "LAYER_PROPERTY",
    "rfc7946_geometry",
    "to_geojson",
    "to_geojson_all",
    "to_gpkg",
]

#: The property naming a feature's layer in a GeoJSON of several layers.
LAYER_PROPERTY = "layer"
#: Decimals kept in GeoJSON coordinates (RFC 7946 §11.2: ~1 cm at 7).
COORDINATE_DECIMALS = 7
_GPKG_GEOMETRY = {"POINT": "Point", "MULTIPOLYGON": "MultiPolygon", "GEOMETRY": "Unknown"}
_FIELDS = {f.name: f for f in SYSTEM_FIELDS} | {
    f.name: f for layer in LAYERS.values() for f in layer.fields
}


def rfc7946_geometry(geom: Any) -> dict[str, Any] | None:
    """A geometry as an RFC 7946 GeoJSON object (None when missing or empty).

    Coordinates are rounded first and rings oriented afterwards, so rounding
    cannot undo the orientation.
    """
    if geom is None or (isinstance(geom, float) and math.isnan(geom)) or geom.is_empty:
        return None
    rounded = shapely.transform(geom, lambda xy: np.round(xy, COORDINATE_DECIMALS))
    oriented = shapely.orient_polygons(rounded, exterior_cw=False)
    return geometry_mapping(oriented)


def _json_value(value: Any, integer: bool = False) -> Any:
    """A frame value as plain JSON (numpy scalars unwrapped, NaN as null)."""
    if isinstance(value, list | tuple | np.ndarray):
        return [_json_value(v) for v in value]
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if integer and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _readable(layer: Layer, frame: gpd.GeoDataFrame, audience: Audience) -> dict[str, Feature]:
    return {f.id: f for f in features_of(layer, frame, audience)}


def _features(
    frame: gpd.GeoDataFrame, layer: Layer | None, audience: Audience, extra: dict[str, Any]
) -> list[dict[str, Any]]:
    frame = frame.to_crs(WGS84) if frame.crs is not None and frame.crs != WGS84 else frame
    columns = [c for c in frame.columns if c != frame.geometry.name]
    # Storage frames hold integers as floats when a column has blanks.
    integers = {c: c in _FIELDS and _FIELDS[c].type == FieldType.INTEGER for c in columns}
    readable = _readable(layer, frame, audience) if layer is not None and "id" in columns else {}
    features = []
    for row, geom in zip(
        frame[columns].itertuples(index=False, name=None), frame.geometry, strict=True
    ):
        properties = {c: _json_value(v, integers[c]) for c, v in zip(columns, row, strict=True)}
        shown = readable.get(str(properties.get("id")))
        if shown is not None:
            # What uMap's popup shows; a field of the same name keeps its own value.
            properties.setdefault("name", shown.name)
            properties.setdefault("description", shown.description)
        properties |= extra
        feature: dict[str, Any] = {"type": "Feature"}
        if properties.get("id") is not None:
            feature["id"] = properties["id"]
        feature["properties"] = properties
        feature["geometry"] = rfc7946_geometry(geom)
        features.append(feature)
    return features


def _collection(features: list[dict[str, Any]]) -> bytes:
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def to_geojson(
    frame: gpd.GeoDataFrame, layer: Layer | None = None, audience: Audience = Audience.PUBLIC
) -> bytes:
    """One layer as an RFC 7946 FeatureCollection (UTF-8 bytes).

    The record id is both the feature ``id`` and the ``id`` property, so a
    tool that ignores feature ids still sees it.  With ``layer``, each
    feature also gets the ``name`` and ``description`` uMap shows, written
    for ``audience`` (the fields it may see, as ``frame`` was exported for it).
    """
    return _collection(_features(frame, layer, audience, {}))


def to_geojson_all(
    frames: Mapping[str, gpd.GeoDataFrame], audience: Audience = Audience.PUBLIC
) -> bytes:
    """Several layers as one FeatureCollection; each feature's ``layer`` names its layer.

    Record ids are unique only within a layer, so the feature ``id`` is
    ``layer/id`` here while the ``id`` property stays the record's own.
    """
    features = []
    for name, frame in frames.items():
        for feature in _features(frame, LAYERS[name], audience, {LAYER_PROPERTY: name}):
            if "id" in feature:
                feature["id"] = f"{name}/{feature['id']}"
            features.append(feature)
    return _collection(features)


def _gpkg_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns typed for OGR: lists joined, integers Int64, reals Float64, dates date32, text str.

    Dates go as Arrow ``date32`` so that GDAL writes DATE columns (the
    non-Arrow path writes text); the store keeps them as validated ISO days.
    """
    table = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        if column == "geometry":
            continue
        declared = _FIELDS.get(column)
        values = frame[column]
        if declared is not None and is_list_field(declared.type):
            table[column] = values.map(encode_list).astype(object)
        elif declared is not None and declared.type == FieldType.INTEGER:
            table[column] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif declared is not None and declared.type == FieldType.REAL:
            table[column] = pd.to_numeric(values, errors="coerce").astype("Float64")
        elif declared is not None and declared.type == FieldType.DATE:
            days = pd.to_datetime(values, errors="coerce", format="ISO8601")
            table[column] = pd.array(
                [None if pd.isna(d) else d.date() for d in days], dtype=pd.ArrowDtype(pa.date32())
            )
        else:
            table[column] = values.astype(object).where(values.notna(), None)
    return table


def to_gpkg(frames: Mapping[str, gpd.GeoDataFrame], *, description: str = "") -> bytes:
    """Layers as one GeoPackage: one table per layer, named as in the schema.

    Parameters
    ----------
    frames : layer name → record frame (EPSG:4326)
    description : text stored as each layer's description (e.g. city and date)
    """
    with tempfile.TemporaryDirectory(prefix="mapa-eksport-") as tmp:
        path = Path(tmp) / "mapa.gpkg"
        for name, frame in frames.items():
            layer = LAYERS[name]
            table = _gpkg_table(frame)
            options = {
                "IDENTIFIER": layer.label,
                "DESCRIPTION": description or layer.label,
                "SPATIAL_INDEX": "YES" if layer.geometry else "NO",
            }
            common = {
                "layer": name,
                "driver": "GPKG",
                "dataset_options": {"VERSION": "1.2"},
                "layer_options": options,
                "use_arrow": True,  # DATE columns (see _gpkg_table)
            }
            if layer.geometry is None:
                pyogrio.write_dataframe(table, path, **common)
            else:
                spatial = gpd.GeoDataFrame(table, geometry=frame.geometry.to_crs(WGS84))
                pyogrio.write_dataframe(
                    spatial,
                    path,
                    geometry_type=_GPKG_GEOMETRY[layer.geometry],
                    promote_to_multi=layer.geometry == "MULTIPOLYGON",
                    **common,
                )
        columns = {name: ["fid", *_gpkg_table(frame).columns] for name, frame in frames.items()}
        with closing(sqlite3.connect(path)) as conn, conn:  # closed, and committed
            add_layer_styles(conn, columns)
        return path.read_bytes()
