"""Exports for GIS: GeoJSON (RFC 7946) and GeoPackage.

Both keep the stored form of values (choice codes, ISO dates, plain field
names), so they read back into the app and into QGIS unchanged:

- GeoJSON: one FeatureCollection per layer, WGS84 longitude/latitude with at
  most 7 decimals (~1 cm), polygons wound by the right-hand rule (exterior
  rings counter-clockwise), no ``crs`` member, list fields as JSON arrays,
  ``geometry: null`` for records without a location;
- GeoPackage: one layer per dataset (attribute tables for layers without
  geometry), list fields joined with "; " as in the store, written as
  GeoPackage 1.2 so that older QGIS/ArcGIS and GDAL's validator of that
  version accept it (GDAL 3.12 writes 1.4 R-tree triggers otherwise).
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from shapely.geometry import mapping as geometry_mapping

from mapping.frames import WGS84, encode_list, is_list_field
from mapping.schema import LAYERS, SYSTEM_FIELDS, FieldType

__all__ = ["COORDINATE_DECIMALS", "rfc7946_geometry", "to_geojson", "to_gpkg"]

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


def to_geojson(frame: gpd.GeoDataFrame) -> bytes:
    """One layer as an RFC 7946 FeatureCollection (UTF-8 bytes).

    The record id is both the feature ``id`` and the ``id`` property, so a
    tool that ignores feature ids still sees it.
    """
    frame = frame.to_crs(WGS84) if frame.crs is not None and frame.crs != WGS84 else frame
    columns = [c for c in frame.columns if c != frame.geometry.name]
    # Storage frames hold integers as floats when a column has blanks.
    integers = {c: c in _FIELDS and _FIELDS[c].type == FieldType.INTEGER for c in columns}
    features = []
    for row, geom in zip(
        frame[columns].itertuples(index=False, name=None), frame.geometry, strict=True
    ):
        properties = {c: _json_value(v, integers[c]) for c, v in zip(columns, row, strict=True)}
        feature: dict[str, Any] = {"type": "Feature"}
        if properties.get("id") is not None:
            feature["id"] = properties["id"]
        feature["properties"] = properties
        feature["geometry"] = rfc7946_geometry(geom)
        features.append(feature)
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _gpkg_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns typed for OGR: lists joined, integers Int64, reals Float64, text str."""
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
            options = {"IDENTIFIER": layer.label, "DESCRIPTION": description or layer.label}
            common = {
                "layer": name,
                "driver": "GPKG",
                "dataset_options": {"VERSION": "1.2"},
                "layer_options": options,
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
        return path.read_bytes()
