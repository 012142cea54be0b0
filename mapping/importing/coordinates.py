"""Coordinates of imported rows: reading numbers, finding the CRS, checking the place.

Polish data comes in three coordinate systems: GPS degrees (WGS84), PUWG 1992
(EPSG:2180, the state grid, metres) and PUWG 2000 (EPSG:2176–2179, four
zones; the easting begins with the zone number 5–8).  Their value ranges
tell them apart.  Latitude and longitude are often swapped (and geodesists
write X for northing), so both orders are tried and the one that falls
inside the city — else inside Poland — wins: for the whole file first, then
row by row.  Everything is computed on whole arrays (one pyproj call per
candidate), so ten thousand rows cost milliseconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.errors
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from mapping.errors import MapError
from mapping.frames import METRIC_CRS, WGS84, has_location
from mapping.importing.notes import LOCATION_LABEL, Note
from mapping.importing.source import is_blank_cell
from mapping.language import Message

__all__ = [
    "KNOWN_CRS",
    "POLAND_BOUNDS",
    "WGS84",
    "Placement",
    "crs_label",
    "declared_crs",
    "parse_coordinate",
    "parse_wkt",
    "place_geometries",
    "split_pair",
    "widen_outline",
]

#: Poland's bounding box (lon min, lat min, lon max, lat max); a point outside is an error.
POLAND_BOUNDS = (14.0, 49.0, 24.2, 54.9)
#: How far (degrees, ≈300 m) a point may lie outside the city outline before a
#: warning: the outlines are simplified, and border addresses sit on the line.
_OUTLINE_TOLERANCE = 0.004
_ZONES = {f"EPSG:{2171 + z}": z for z in (5, 6, 7, 8)}
_CRS_NAMES = {
    WGS84: Message("WGS84 (stopnie GPS)"),
    METRIC_CRS: Message("PUWG 1992 (EPSG:2180)"),
    "EPSG:2176": Message("PUWG 2000 strefa 5 (EPSG:2176)"),
    "EPSG:2177": Message("PUWG 2000 strefa 6 (EPSG:2177)"),
    "EPSG:2178": Message("PUWG 2000 strefa 7 (EPSG:2178)"),
    "EPSG:2179": Message("PUWG 2000 strefa 8 (EPSG:2179)"),
}
#: The coordinate systems Polish files use, for a page to offer (labels: ``crs_label``).
KNOWN_CRS: tuple[str, ...] = tuple(_CRS_NAMES)
_DMS = re.compile(
    r"^(\d{1,3})\s*[°º\s]\s*(\d{1,2})\s*['′\s]\s*(\d{1,2}(?:[.,]\d+)?)\s*(?:[\"″]|'')?\s*([NSEWnsew])?$"
)
_NUMBER = r"-?\d+(?:[.,]\d+)?"
_PLAIN_NUMBER = re.compile(_NUMBER)


def declared_crs(geometry: gpd.GeoSeries | None) -> tuple[str | None, str | None]:
    """The CRS a GIS file declares, and a note when its numbers contradict it.

    GeoJSON is WGS84 by definition, so GDAL reports EPSG:4326 even for files
    written in PUWG metres; then the declaration is ignored and the CRS detected.
    """
    if geometry is None or geometry.crs is None:
        return None, None
    code = geometry.crs.to_epsg()
    declared = f"EPSG:{code}" if code else geometry.crs.to_string()
    bounds = geometry.total_bounds
    if np.isnan(bounds).all():  # no feature has a geometry: nothing contradicts it
        return declared, None
    if geometry.crs.is_geographic and np.nanmax(np.abs(bounds)) > 180:
        message = Message(
            "plik deklaruje {declared}, ale współrzędne są w metrach — rozpoznano układ",
            declared=declared,
        )
        return None, message
    return declared, None


def crs_label(crs: str | None) -> str:
    """The name of a coordinate system for messages (a ``Message`` when it is a known one)."""
    return _CRS_NAMES.get(crs or "") or crs or Message("nieznany")


def parse_coordinate(value: Any) -> float | None:
    """One coordinate from a cell: 54.35, "54,35", "54.35°", "54°21'7\\"N"; None if blank.

    Raises ValueError (Polish message) for text that is not a coordinate.
    """
    if type(value) is str and _PLAIN_NUMBER.fullmatch(plain := value.strip()):
        return float(plain.replace(",", "."))  # most cells: "54,35", as below, at once
    if is_blank_cell(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    match = _DMS.match(str(value).strip())
    if match:
        deg, minutes, seconds, hemisphere = match.groups()
        number = int(deg) + int(minutes) / 60 + float(seconds.replace(",", ".")) / 3600
        return -number if (hemisphere or "").upper() in ("S", "W") else number
    text = text.rstrip("°NnEe").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(Message("„{value}” nie jest współrzędną", value=value)) from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(Message("„{value}” nie jest współrzędną", value=value))
    return number


def parse_wkt(value: Any) -> BaseGeometry | None:
    """A geometry from a WKT cell ("MULTIPOLYGON (((18.6 54.3, …)))"); None if blank or empty.

    A PostGIS "SRID=4326;" prefix is dropped (the CRS is detected from the
    numbers, as for every file); a GeoJSON geometry object is read too.
    Raises ValueError (Polish message) for text that is not a geometry.
    """
    if is_blank_cell(value):
        return None
    text = re.sub(r"^\s*SRID=\d+\s*;", "", str(value)).strip()
    try:
        geom = shapely.from_geojson(text) if text.startswith("{") else shapely.from_wkt(text)
    except shapely.errors.ShapelyError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValueError(
            Message(
                "„{value}” nie jest zapisem geometrii WKT (np. „POINT (18.64 54.35)”)", value=shown
            )
        ) from None
    return None if geom is None or geom.is_empty else geom


def split_pair(value: Any) -> tuple[str, str, bool] | None:
    """Split one "współrzędne" cell into two numbers' text.

    Returns (first, second, x_first): "54.35, 18.64" (as Google Maps copies it)
    is latitude first; "POINT (18.64 54.35)" is longitude first.  None if blank.
    Raises ValueError when the cell is not two numbers.
    """
    if is_blank_cell(value):
        return None
    text = str(value).strip()
    wkt = re.match(rf"^point\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)$", text, re.IGNORECASE)
    if wkt:
        return wkt.group(1), wkt.group(2), True
    for pattern in (
        rf"^({_NUMBER})\s*;\s*({_NUMBER})$",  # "54,35; 18,64"
        r"^(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)$",  # "54.35, 18.64"
        rf"^({_NUMBER})\s+({_NUMBER})$",  # "54,35 18,64"
    ):
        match = re.match(pattern, text)
        if match:
            return match.group(1), match.group(2), False
    raise ValueError(Message("„{value}” — oczekiwano dwóch liczb, np. „50.81, 19.12”", value=text))


@dataclass
class Placement:
    """Geometries placed in WGS84, with what was found on the way.

    ``geometries`` are aligned with the input (None where not placed);
    ``rejected`` and ``warnings`` are keyed by position in the input.
    """

    geometries: list[BaseGeometry | None]
    crs: str | None = None
    rejected: dict[int, Note] = field(default_factory=dict)
    warnings: dict[int, list[Note]] = field(default_factory=dict)
    file_notes: list[str] = field(default_factory=list)
    swapped: int = 0


def _check_crs(crs: str) -> str:
    try:
        parsed = CRS.from_user_input(crs)
    except CRSError:
        raise MapError(
            Message(
                "nieznany układ współrzędnych „{crs}” (np. EPSG:4326, EPSG:2180, EPSG:2177)",
                crs=crs,
            ),
            field=Message("układ współrzędnych"),
        ) from None
    code = parsed.to_epsg()
    return f"EPSG:{code}" if code else parsed.to_string()


def _candidates(x: np.ndarray, y: np.ndarray, crs: str | None) -> list[tuple[str, bool]]:
    """(CRS, swapped) pairs the values could be in, most likely first."""
    if crs is not None:
        return [(crs, False), (crs, True)]
    mx, my = float(np.nanmedian(np.abs(x))), float(np.nanmedian(np.abs(y)))
    if max(mx, my) <= 180:
        return [(WGS84, False), (WGS84, True)]
    found: list[tuple[str, bool]] = []
    if max(mx, my) < 1_000_000:
        found += [(METRIC_CRS, False), (METRIC_CRS, True)]
    for easting, swapped in ((mx, False), (my, True)):
        zone = int(easting // 1_000_000)
        if 5 <= zone <= 8:
            found.append((f"EPSG:{2171 + zone}", swapped))
    return found


def _to_wgs84(crs: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if crs == WGS84:
        return x, y
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    lon, lat = transformer.transform(x, y, errcheck=False)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _scores(crs: str, lon: np.ndarray, lat: np.ndarray, outline: BaseGeometry | None) -> np.ndarray:
    """Per point: 2 inside the city, 1 inside Poland, 0 elsewhere."""
    x0, y0, x1, y1 = POLAND_BOUNDS
    with np.errstate(invalid="ignore"):
        inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
        zone = _ZONES.get(crs)
        if zone is not None:  # a PUWG 2000 zone spans 3° around its meridian
            inside &= np.abs(lon - 3 * zone) <= 1.6
    score = inside.astype(int)
    if outline is not None and inside.any():
        in_city = np.zeros_like(inside)
        in_city[inside] = shapely.contains_xy(outline, lon[inside], lat[inside])
        score += in_city
    return score


def _oriented(
    crs: str, swapped: bool, x: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    return _to_wgs84(crs, y, x) if swapped else _to_wgs84(crs, x, y)


def _choose(
    x: np.ndarray, y: np.ndarray, crs: str | None, outline: BaseGeometry | None
) -> tuple[str, bool] | None:
    best, best_score = None, -1
    for candidate in _candidates(x, y, crs):
        lon, lat = _oriented(*candidate, x, y)
        score = int(_scores(candidate[0], lon, lat, outline).sum())
        if score > best_score:  # ties keep the earlier, more likely candidate
            best, best_score = candidate, score
    return best


def _transform(geoms: np.ndarray, crs: str, swapped: bool) -> np.ndarray:
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = (coords[:, 1], coords[:, 0]) if swapped else (coords[:, 0], coords[:, 1])
        lon, lat = _to_wgs84(crs, x, y)
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, apply)


def place_geometries(
    geoms: Sequence[BaseGeometry | None],
    rows: Sequence[int],
    *,
    crs: str | None = None,
    outline: BaseGeometry | None = None,
    city: str = "",
) -> Placement:
    """Find the CRS and axis order of ``geoms`` and bring them to WGS84.

    Parameters
    ----------
    geoms : geometries in the file's coordinates (x = easting/longitude column)
    rows : the spreadsheet row number of each geometry (for notes)
    crs : the CRS if known (``--crs`` or declared by a GIS file); else detected
    outline : the city's outline in WGS84, to prefer and to check against
    city : the city's name for messages
    """
    array = np.array(list(geoms), dtype=object)
    placement = Placement([None] * len(array))
    present = has_location(array)
    if not present.any():
        return placement
    crs = _check_crs(crs) if crs else None
    anchors = shapely.get_coordinates(shapely.point_on_surface(array[present]))
    x, y = anchors[:, 0], anchors[:, 1]
    chosen = _choose(x, y, crs, outline)
    if chosen is None:
        message = Message("nie rozpoznano układu współrzędnych; podaj go (np. EPSG:2180)")
        for i in np.flatnonzero(present):
            placement.rejected[int(i)] = Note(rows[int(i)], LOCATION_LABEL, message)
        return placement
    placement.crs = chosen[0]
    _place(placement, array, present, rows, (x, y), chosen, outline, city)
    return placement


def _place(
    placement: Placement,
    array: np.ndarray,
    present: np.ndarray,
    rows: Sequence[int],
    xy: tuple[np.ndarray, np.ndarray],
    chosen: tuple[str, bool],
    outline: BaseGeometry | None,
    city: str,
) -> None:
    crs, swapped = chosen
    main = _scores(crs, *_oriented(crs, swapped, *xy), outline)
    other = _scores(crs, *_oriented(crs, not swapped, *xy), outline)
    flip = other > main  # rows whose own order is the other one (typed by hand)
    score = np.maximum(main, other)
    positions = np.flatnonzero(present)
    row_swapped = np.where(flip, not swapped, swapped)
    placed = np.empty(len(positions), dtype=object)
    for orientation in (False, True):
        subset = row_swapped == orientation
        if subset.any():
            placed[subset] = _transform(array[positions[subset]], crs, orientation)
    every = bool(row_swapped.all())
    _record(placement, positions, rows, placed, score, row_swapped & (not every), outline, city)
    if crs != WGS84:
        placement.file_notes.append(
            Message("współrzędne w układzie {crs} — przeliczono na WGS84", crs=crs_label(crs))
        )
    placement.swapped = int(row_swapped.sum())
    if every:
        placement.file_notes.append(Message("w całym pliku {swapped}", swapped=_SWAPPED))


_SWAPPED = Message("współrzędne były zamienione miejscami (szerokość ↔ długość) — poprawiono")


def _record(
    placement: Placement,
    positions: np.ndarray,
    rows: Sequence[int],
    placed: np.ndarray,
    score: np.ndarray,
    swapped: np.ndarray,
    outline: BaseGeometry | None,
    city: str,
) -> None:
    for k, i in enumerate(positions):
        row = rows[i]
        if score[k] == 0:
            lon, lat = shapely.get_coordinates(shapely.point_on_surface(placed[k]))[0]
            placement.rejected[int(i)] = Note(
                row,
                LOCATION_LABEL,
                Message(
                    "punkt ({lat:.5f}, {lon:.5f}) leży poza Polską — sprawdź współrzędne",
                    lat=lat,
                    lon=lon,
                ),
            )
            continue
        placement.geometries[int(i)] = placed[k]
        notes = []
        if swapped[k]:
            notes.append(Note(row, LOCATION_LABEL, _SWAPPED))
        if outline is not None and score[k] == 1:
            message = Message("punkt leży poza granicami miasta {city}", city=city)
            notes.append(Note(row, LOCATION_LABEL, message))
        if notes:
            placement.warnings[int(i)] = notes


def widen_outline(outline: BaseGeometry | None) -> BaseGeometry | None:
    """The outline widened by the tolerance (see ``_OUTLINE_TOLERANCE``), prepared."""
    if outline is None:
        return None
    widened = outline.buffer(_OUTLINE_TOLERANCE)
    shapely.prepare(widened)
    return widened
