"""Writing a layer's records as one RFC 7946 GeoJSON FeatureCollection.

The output is meant to be committed, so it is byte-stable: features sorted
by id, properties in schema order, coordinates rounded to 6 decimals
(≈ 0.1 m), one feature per line so that a changed record is a one-line diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapping.databuild.records import Record
from mapping.schema import Layer

__all__ = ["COORD_DECIMALS", "GRID", "feature_collection_text", "write_layer"]

COORD_DECIMALS = 6
#: The coordinate grid in degrees matching COORD_DECIMALS; geometries are
#: snapped to it before any spatial test, so tests on the written (rounded)
#: coordinates give the same answers.
GRID = 10.0**-COORD_DECIMALS


def _round_coords(value: Any) -> Any:
    if isinstance(value, float):
        # "+ 0.0" turns -0.0 into 0.0 so equal points print equally.
        return round(value, COORD_DECIMALS) + 0.0
    if isinstance(value, list | tuple):
        return [_round_coords(v) for v in value]
    return value


def _geometry_json(geometry: BaseGeometry | None) -> dict[str, Any] | None:
    if geometry is None or geometry.is_empty:
        return None
    # RFC 7946 asks for counter-clockwise exteriors (the right-hand rule).
    oriented = shapely.orient_polygons(geometry, exterior_cw=False)
    data = mapping(oriented)
    return {"type": data["type"], "coordinates": _round_coords(data["coordinates"])}


def _feature(layer: Layer, record: Record) -> dict[str, Any]:
    properties = {"id": record["id"]}
    properties.update({name: record[name] for name in layer.field_names})
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": _geometry_json(record["geometry"]),
    }


def feature_collection_text(layer: Layer, records: Iterable[Record]) -> str:
    """The GeoJSON text of ``records``, sorted by id, ending with a newline."""
    lines = [
        json.dumps(_feature(layer, r), ensure_ascii=False, separators=(",", ":"))
        for r in sorted(records, key=lambda r: r["id"])
    ]
    if not lines:
        return '{"type":"FeatureCollection","features":[]}\n'
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def write_layer(path: Path, layer: Layer, records: Iterable[Record]) -> None:
    """Write ``records`` of ``layer`` to ``path`` as UTF-8 GeoJSON."""
    path.write_text(feature_collection_text(layer, records), encoding="utf-8")
