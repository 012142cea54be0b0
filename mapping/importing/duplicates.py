"""Possible duplicates: a row that seems to be an entry the map already has,
or an earlier row of the same file.

Two entries are one place when their names are the same or similar (folded,
punctuation ignored, ``difflib`` ratio ≥ 0.85, or one name containing the
other) and they lie within 100 m; or when name and address are both the
same; or, for a row with neither address nor location, when the name is the
same.  Rows repeated cell for cell in the file are duplicates too.  Different numbers in the names
("Szkoła Podstawowa nr 5" / "nr 6") are never similar.  Candidate pairs come
from a spatial index in metres (PUWG 1992), so the cost grows with the
number of close pairs, not with rows × entries.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from mapping.frames import METRIC_CRS, WGS84, has_location
from mapping.importing.geocoding import normalise_address
from mapping.importing.source import cell_text
from mapping.language import Message
from mapping.text import match_key

__all__ = ["RADIUS_M", "SIMILARITY", "Candidate", "DuplicateMatch", "find_duplicates"]

RADIUS_M = 100.0
SIMILARITY = 0.85
_DIGITS = re.compile(r"\d+")
_TO_METRES = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)


def name_similarity(a: str, b: str) -> float:
    """Similarity of two ``match_key`` values, 0–1 (0 when their numbers differ)."""
    if a == b:
        return 1.0
    if _DIGITS.findall(a) != _DIGITS.findall(b):
        return 0.0
    short, long = sorted((a, b), key=len)
    # "Biblioteka Publiczna Filia 5" in "Miejska Biblioteka Publiczna Filia 5"; but a
    # bare "MOPS" is not every "Punkt MOPS", so the shorter needs two words and half the length.
    if len(short.split()) >= 2 and len(short) * 2 >= len(long) and f" {short} " in f" {long} ":
        return 0.9
    return SequenceMatcher(None, a, b).ratio()


@dataclass(frozen=True)
class Candidate:
    """An entry to compare: its name, address and WGS84 geometry."""

    name: str
    address: str | None
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class DuplicateMatch:
    """What a row may duplicate: an entry of the map (``record_id``) or an
    earlier row of the file (``row``), and why."""

    name: str
    reason: str
    record_id: str | None = None
    row: int | None = None
    distance_m: float | None = None
    version: int | None = None
    record: Mapping[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """For the import report."""
        return {
            "id": self.record_id,
            "row": self.row,
            "name": self.name,
            "distance_m": None if self.distance_m is None else round(self.distance_m, 1),
            "reason": self.reason,
        }


def _metric_points(geoms: Sequence[BaseGeometry | None]) -> np.ndarray:
    """Representative points in metres (None where there is no geometry)."""
    result = np.full(len(geoms), None, dtype=object)
    present = np.flatnonzero(has_location(geoms)).tolist()
    if present:
        anchors = np.array([geoms[i] for i in present], dtype=object)
        shapes = shapely.get_type_id(anchors) != shapely.GeometryType.POINT
        if shapes.any():  # a point is its own point on the surface
            anchors[shapes] = shapely.point_on_surface(anchors[shapes])
        xy = shapely.get_coordinates(anchors)
        x, y = _TO_METRES.transform(xy[:, 0], xy[:, 1])
        result[present] = shapely.points(np.asarray(x), np.asarray(y))
    return result


def _reason(similarity: float, distance: float) -> str:
    if similarity == 1.0:
        return Message("ta sama nazwa, {distance:.0f} m od siebie", distance=distance)
    return Message("podobna nazwa, {distance:.0f} m od siebie", distance=distance)


class _Pool:
    """Entries to compare against: keys, addresses and a spatial index."""

    def __init__(self, candidates: Sequence[Candidate], city: str):
        self.keys = [match_key(c.name) for c in candidates]
        self.digits = _digit_signatures(self.keys)
        # Stored blanks arrive as None or NaN; cell_text makes both "".
        self.addresses = [normalise_address(cell_text(c.address), city) for c in candidates]
        self.points = _metric_points([c.geometry for c in candidates])
        located = [i for i, p in enumerate(self.points) if p is not None]
        self.located = np.array(located, dtype=int)
        self.tree = shapely.STRtree(self.points[self.located]) if located else None
        self.by_name_address: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, int] = {}
        for i, (key, address) in enumerate(zip(self.keys, self.addresses, strict=True)):
            if key and address:
                self.by_name_address.setdefault((key, address), i)
            if key:
                self.by_name.setdefault(key, i)

    def near(
        self, points: np.ndarray, digits: np.ndarray
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(query indices, pool indices, distances in m) of pairs within the radius.

        Yielded in chunks of queries, as arrays: a dense file of 300,000 points
        has millions of close pairs, which as Python tuples took gigabytes.
        Pairs whose names carry different numbers ("nr 5" / "nr 6") are never
        similar (``name_similarity``), so they are dropped here, in bulk.
        """
        if self.tree is None:
            return
        present = np.flatnonzero([p is not None for p in points])
        for start in range(0, len(present), _CHUNK):
            chunk = present[start : start + _CHUNK]
            query, found = self.tree.query(points[chunk], predicate="dwithin", distance=RADIUS_M)
            queries, targets = chunk[query], self.located[found]
            same = digits[queries] == self.digits[targets]
            queries, targets = queries[same], targets[same]
            distances = shapely.distance(points[queries], self.points[targets])
            yield queries, targets, distances


#: Query points per spatial-index call (bounds the memory of close pairs).
_CHUNK = 20_000


def _digit_signatures(keys: Sequence[str]) -> np.ndarray:
    """One number per name standing for the numbers in it (equal names → equal numbers)."""
    return np.array([hash(tuple(_DIGITS.findall(k))) for k in keys], dtype=np.int64)


def _best_near(
    pool: _Pool, own: _Pool, *, earlier_only: bool
) -> dict[int, tuple[int, float, float]]:
    """Best pool match per query of ``own``: (pool index, similarity, distance)."""
    best: dict[int, tuple[int, float, float]] = {}
    keys = own.keys
    for queries, targets, distances in pool.near(own.points, own.digits):
        for q, p, distance in zip(
            queries.tolist(), targets.tolist(), distances.tolist(), strict=True
        ):
            if earlier_only and p >= q:
                continue
            similarity = name_similarity(keys[q], pool.keys[p])
            if similarity < SIMILARITY:
                continue
            current = best.get(q)
            if current is None or (similarity, -distance) > (current[1], -current[2]):
                best[q] = (p, similarity, distance)
    return best


def find_duplicates(
    candidates: Sequence[Candidate],
    existing: Sequence[Mapping[str, Any]],
    *,
    title_field: str,
    rows: Sequence[int],
    city: str,
    signatures: Sequence[Hashable] | None = None,
) -> dict[int, DuplicateMatch]:
    """Possible duplicates of ``candidates`` (file rows, in order), by position.

    Parameters
    ----------
    candidates : the file's valid rows
    existing : the map's records of the layer (dicts with id, version, geometry…)
    title_field : the field naming a record ("name"; "title" for needs)
    rows : spreadsheet row number of each candidate
    city : for address normalisation
    signatures : one value per candidate equal for identical rows (whole-row repeats)
    """
    pool = _Pool(
        [
            Candidate(str(r.get(title_field) or ""), r.get("address"), r.get("geometry"))
            for r in existing
        ],
        city,
    )
    own = _Pool(candidates, city)
    found: dict[int, DuplicateMatch] = {}
    p: int | None  # a row of the pool; None when a lookup finds none
    for q, (p, _, distance) in _best_near(pool, own, earlier_only=False).items():
        similarity = name_similarity(own.keys[q], pool.keys[p])
        found[q] = _existing_match(
            existing[p], title_field, _reason(similarity, distance), distance
        )
    for q, key in enumerate(own.keys):
        p = pool.by_name_address.get((key, own.addresses[q])) if own.addresses[q] else None
        if q not in found and p is not None:
            reason = Message("ta sama nazwa i adres")
            found[q] = _existing_match(existing[p], title_field, reason, None)
        blind = not own.addresses[q] and own.points[q] is None
        if q not in found and blind and key in pool.by_name:
            reason = Message("ta sama nazwa (brak adresu i lokalizacji do porównania)")
            found[q] = _existing_match(existing[pool.by_name[key]], title_field, reason, None)
    for q, (p, similarity, distance) in _best_near(own, own, earlier_only=True).items():
        if q not in found:
            found[q] = DuplicateMatch(
                candidates[p].name,
                Message("w pliku: {reason}", reason=_reason(similarity, distance)),
                row=rows[p],
                distance_m=distance,
            )
    for q, key in enumerate(own.keys):
        p = own.by_name_address.get((key, own.addresses[q])) if own.addresses[q] else None
        if q not in found and p is not None and p < q:
            found[q] = DuplicateMatch(
                candidates[p].name, Message("w pliku: ta sama nazwa i adres"), row=rows[p]
            )
    return found


def _existing_match(
    record: Mapping[str, Any], title_field: str, reason: str, distance: float | None
) -> DuplicateMatch:
    return DuplicateMatch(
        str(record.get(title_field) or ""),
        reason,
        record_id=str(record["id"]),
        distance_m=distance,
        version=int(record["version"]),
        record=dict(record),
    )
