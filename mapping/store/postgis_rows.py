"""PostGIS rows and records: how a record is written to and read from a layer's table.

Reads use ``select_columns`` (``mapping.store.postgis_sql``): the system
fields, the declared fields, then the geometry as WKB.  Writes name only what
the app sets (``archived_at`` and the declared fields, a list as text); the
triggers stamp the rest.  JSON snapshots read back from ``history`` are turned
into the GeoPackage's text form, so both backends show the same history.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import shapely

from mapping.frames import column_names, decode_list, encode_list, is_list_field
from mapping.schema import Layer

__all__ = [
    "dump_json",
    "from_wkb",
    "geometry_value",
    "row_to_record",
    "write_columns",
    "write_values",
]


def row_to_record(layer: Layer, row: Sequence[Any]) -> dict[str, Any]:
    """The record of a row read with ``select_columns``."""
    names = column_names(layer)
    record = dict(zip(names, row, strict=False))
    for f in layer.fields:
        if is_list_field(f.type):
            record[f.name] = decode_list(record[f.name])
    wkb = row[len(names)]
    record["geometry"] = shapely.from_wkb(bytes(wkb)) if wkb is not None else None
    return record


def write_values(layer: Layer, record: Mapping[str, Any]) -> list[Any]:
    """Values of the declared fields and ``archived_at``, as stored (lists joined)."""
    values = [record.get("archived_at")]
    for f in layer.fields:
        value = record.get(f.name)
        values.append(encode_list(value) if is_list_field(f.type) else value)
    return values


def write_columns(layer: Layer) -> list[str]:
    """The columns ``write_values`` fills, in its order."""
    return ["archived_at", *layer.field_names]


def geometry_value(record: Mapping[str, Any]) -> bytes | None:
    """The record's geometry as WKB for ``ST_GeomFromWKB`` (None for none or empty)."""
    geom = record.get("geometry")
    return None if geom is None or geom.is_empty else shapely.to_wkb(geom)


def dump_json(value: Any) -> str | None:
    """A ``jsonb`` value read from ``history`` as snapshot text (None stays None)."""
    # The GeoPackage's text form, so a copied history reads the same in both backends.
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def from_wkb(blobs: list[Any]) -> Any:
    """PostGIS WKB values (``memoryview`` or None) as shapely geometries."""
    return shapely.from_wkb([None if b is None else bytes(b) for b in blobs])
