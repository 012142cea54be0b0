"""GeoPackage binary geometry encoding (OGC 12-128r18, section 2.1.3).

A blob is an 8-byte header (``GP``, version, flags, srs_id), an optional
envelope, then ISO WKB.  We always write little-endian, with an envelope for
everything but points, and store empty geometries as NULL.
"""

from __future__ import annotations

import math
import sqlite3
import struct
from collections.abc import Callable, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = [
    "add_spatial_functions",
    "blob_bounds",
    "decode_geometries",
    "decode_geometry",
    "encode_geometries",
    "encode_geometry",
]

# Envelope indicator (flag bits 1-3) -> envelope size in bytes.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def encode_geometry(geom: BaseGeometry | None, srs_id: int = 4326) -> bytes | None:
    """Encode a shapely geometry as a GeoPackage blob (None for missing/empty)."""
    if geom is None or geom.is_empty:
        return None
    wkb = shapely.to_wkb(geom, byte_order=1, flavor="iso", output_dimension=2)
    if geom.geom_type == "Point":
        flags = 0b0000_0001  # little endian, no envelope
        return b"GP\x00" + bytes([flags]) + struct.pack("<i", srs_id) + wkb
    minx, miny, maxx, maxy = geom.bounds
    flags = 0b0000_0011  # little endian, envelope [minx, maxx, miny, maxy]
    return (
        b"GP\x00"
        + bytes([flags])
        + struct.pack("<i", srs_id)
        + struct.pack("<4d", minx, maxx, miny, maxy)
        + wkb
    )


def encode_geometries(
    geoms: Sequence[BaseGeometry | None], srs_id: int = 4326
) -> list[bytes | None]:
    """``encode_geometry`` of each geometry, the WKB and envelopes computed at once."""
    array = np.array(geoms, dtype=object)
    wkbs = shapely.to_wkb(array, byte_order=1, flavor="iso", output_dimension=2)
    bounds = shapely.bounds(array)
    points = shapely.get_type_id(array) == shapely.GeometryType.POINT
    empty = shapely.is_missing(array) | shapely.is_empty(array)
    header = struct.pack("<i", srs_id)
    point_head = b"GP\x00" + bytes([0b0000_0001]) + header
    other_head = b"GP\x00" + bytes([0b0000_0011]) + header
    blobs: list[bytes | None] = []
    for wkb, (minx, miny, maxx, maxy), point, none in zip(
        wkbs, bounds.tolist(), points.tolist(), empty.tolist(), strict=True
    ):
        if none:
            blobs.append(None)
        elif point:
            blobs.append(point_head + wkb)
        else:
            blobs.append(other_head + struct.pack("<4d", minx, maxx, miny, maxy) + wkb)
    return blobs


def _wkb_part(blob: bytes) -> bytes:
    if blob[:2] != b"GP":
        raise ValueError("to nie jest geometria GeoPackage (brak nagłówka GP)")
    flags = blob[3]
    envelope = _ENVELOPE_BYTES[(flags >> 1) & 0b111]
    return blob[8 + envelope :]


def decode_geometry(blob: bytes | None) -> BaseGeometry | None:
    """Decode one GeoPackage blob; None stays None."""
    if blob is None:
        return None
    return shapely.from_wkb(_wkb_part(bytes(blob)))


def decode_geometries(blobs: Sequence[bytes | None]) -> np.ndarray:
    """Decode many blobs at once (vectorised WKB parsing for large layers)."""
    wkbs = np.array([None if b is None else _wkb_part(bytes(b)) for b in blobs], dtype=object)
    return shapely.from_wkb(wkbs)


#: A little-endian 2D point as the app writes it: header without envelope, ISO WKB Point.
_POINT_BLOB = 8 + 21
_POINT_WKB_HEAD = b"\x01\x01\x00\x00\x00"  # little-endian, type 1 (Point)


def blob_bounds(blobs: Sequence[bytes]) -> np.ndarray:
    """(min x, max x, min y, max y) of each blob, NaN for an empty geometry.

    Points as the app writes them are read straight from their bytes, all at
    once; any other blob is parsed.
    """
    bounds = np.full((len(blobs), 4), np.nan)
    quick = [
        i for i, b in enumerate(blobs)
        if len(b) == _POINT_BLOB and b[:4] == b"GP\x00\x01" and b[8:13] == _POINT_WKB_HEAD
    ]  # fmt: skip
    if quick:
        raw = np.frombuffer(b"".join(bytes(blobs[i]) for i in quick), dtype=np.uint8)
        xy = raw.reshape(-1, _POINT_BLOB)[:, 13:].copy().view("<f8")
        bounds[quick] = xy[:, [0, 0, 1, 1]]
    rest = sorted(set(range(len(blobs))) - set(quick))
    if rest:
        found = shapely.bounds(decode_geometries([blobs[i] for i in rest]))
        bounds[rest] = found[:, [0, 2, 1, 3]]
    return bounds


def _quick_bounds(blob: bytes) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) read from the header's envelope or a 2D point's WKB.

    The spatial index's triggers ask for each bound of every row written; reading
    the numbers beats parsing the geometry five times.  None: parse it instead.
    """
    flags = blob[3]
    order = "<" if flags & 1 else ">"
    if (flags >> 1) & 0b111:
        return struct.unpack_from(order + "4d", blob, 8)
    if len(blob) == 8 + 21 and blob[8] == 1 and struct.unpack_from("<I", blob, 9)[0] == 1:
        x, y = struct.unpack_from("<2d", blob, 13)  # little-endian ISO WKB Point
        return x, x, y, y
    return None


def _empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    blob = bytes(blob)
    if blob[3] & 0b1_0000:  # the header's "empty geometry" flag
        return 1
    quick = _quick_bounds(blob)
    if quick is not None and not any(math.isnan(v) for v in quick):
        return 0
    geom = decode_geometry(blob)
    return int(geom is None or geom.is_empty)


def _bound(index: int) -> Callable[[bytes | None], float | None]:
    # ST_MinX, ST_MinY, ST_MaxX, ST_MaxY by index; the envelope is minx, maxx, miny, maxy.
    position = (0, 2, 1, 3)[index]

    def bound(blob: bytes | None) -> float | None:
        if blob is None:
            return None
        blob = bytes(blob)
        quick = None if blob[3] & 0b1_0000 else _quick_bounds(blob)
        if quick is not None and not math.isnan(quick[position]):
            return float(quick[position])
        geom = decode_geometry(blob)
        return None if geom is None or geom.is_empty else float(geom.bounds[index])

    return bound


def add_spatial_functions(conn: sqlite3.Connection) -> None:
    """Define the SQL functions of GDAL that a spatial index's triggers call.

    QGIS adds an R-tree index to a layer with triggers calling ``ST_IsEmpty``
    and ``ST_MinX`` …; without these the app could not write that layer any more.
    """
    conn.create_function("ST_IsEmpty", 1, _empty, deterministic=True)
    for index, name in enumerate(("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY")):
        conn.create_function(name, 1, _bound(index), deterministic=True)
