"""GeoPackage binary geometry encoding (OGC 12-128r18, section 2.1.3).

A blob is an 8-byte header (``GP``, version, flags, srs_id), an optional
envelope, then ISO WKB.  We always write little-endian, with an envelope for
everything but points, and store empty geometries as NULL.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

__all__ = ["decode_geometries", "decode_geometry", "encode_geometry"]

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
