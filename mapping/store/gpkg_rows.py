"""GeoPackage rows and records: how a record is laid out in a layer's table.

A row holds the system fields, then the declared fields (a list field as
text, see ``mapping.frames``), then the geometry as a GeoPackage blob
(``mapping.store.gpkg_binary``).  The store, its batch writer and the file's
creation share these names and conversions.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd

from mapping.frames import column_names, decode_list, encode_list, is_list_field, rows_to_frame
from mapping.schema import SYSTEM_FIELDS, Layer
from mapping.store.gpkg_binary import decode_geometries, decode_geometry, encode_geometry

__all__ = [
    "GEOM",
    "SRS_ID",
    "blob_rows_to_frame",
    "field_kinds",
    "quote",
    "record_to_row",
    "row_to_record",
    "rows_to_records",
    "select_rows",
]

GEOM = "geom"
SRS_ID = 4326


def quote(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def record_to_row(
    schema: Layer,
    record: Mapping[str, Any],
    *,
    with_geometry: bool = True,
    kinds: list[tuple[str, bool]] | None = None,
) -> list[Any]:
    """A record as a row: system fields, fields (a list as text), then the geometry blob."""
    row: list[Any] = [record.get(f.name) for f in SYSTEM_FIELDS]
    for name, listed in kinds or field_kinds(schema):
        value = record.get(name)
        row.append(encode_list(value) if listed else value)
    if schema.geometry and with_geometry:
        row.append(encode_geometry(record.get("geometry"), SRS_ID))
    return row


def field_kinds(schema: Layer) -> list[tuple[str, bool]]:
    """Each declared field's name and whether it holds a list (asked once per bulk write)."""
    return [(f.name, is_list_field(f.type)) for f in schema.fields]


def select_rows(
    conn: sqlite3.Connection, schema: Layer, where: str, params: list[Any]
) -> list[tuple]:
    """Rows of a layer in file order: the record columns, then the geometry blob."""
    select = ", ".join(map(quote, column_names(schema))) + (f", {GEOM}" if schema.geometry else "")
    sql = f"SELECT {select} FROM {quote(schema.name)}" + (f" WHERE {where}" if where else "")
    return conn.execute(sql + " ORDER BY fid", params).fetchall()


def blob_rows_to_frame(schema: Layer, rows: list[tuple]) -> gpd.GeoDataFrame:
    """A record frame of rows from ``select_rows`` (GeoPackage geometry blobs)."""
    return rows_to_frame(schema, rows, decode_geometries if schema.geometry else None)


def rows_to_records(schema: Layer, rows: Sequence[tuple]) -> list[dict[str, Any]]:
    """``row_to_record`` of many rows, the geometries decoded at once."""
    names = column_names(schema)
    listed = [f.name for f in schema.fields if is_list_field(f.type)]
    geoms = decode_geometries([row[len(names)] for row in rows]) if schema.geometry else None
    records = []
    for n, row in enumerate(rows):
        record = dict(zip(names, row, strict=False))
        for name in listed:
            record[name] = decode_list(record[name])
        record["geometry"] = None if geoms is None else geoms[n]
        records.append(record)
    return records


def row_to_record(schema: Layer, row: tuple) -> dict[str, Any]:
    """The record of a row read as ``select_rows`` reads it."""
    names = column_names(schema)
    record = dict(zip(names, row, strict=False))
    for f in schema.fields:
        if is_list_field(f.type):
            record[f.name] = decode_list(record[f.name])
    record["geometry"] = decode_geometry(row[len(names)]) if schema.geometry else None
    return record
