"""Coverage ("zasięg"): which parts of the city are within walking reach of resources.

Reach is a straight-line distance around each resource (a circle), not a
walk along streets: it overstates what is really within reach where rivers,
railways or motorways cut the way.  Buffers, areas and shares are computed in
EPSG:2180; geometries are returned in EPSG:4326 for drawing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis.indicators import live_areas
from mapping.analysis.matching import check_frame, is_active_resource, serves_groups, to_metric
from mapping.frames import METRIC_CRS, WGS84, has_location
from mapping.schema import CATEGORIES, TARGET_GROUPS

__all__ = ["COVERAGE_LABELS", "UNCOVERED_LABELS", "chosen_places", "coverage", "uncovered"]

#: Polish labels and units of the ``coverage`` columns: {column: (label, unit)}.
COVERAGE_LABELS: dict[str, tuple[str, str]] = {
    "resources": ("Zasoby z lokalizacją w analizie", "liczba"),
    "resources_unlocated": ("Zasoby bez lokalizacji (pominięte)", "liczba"),
    "area_km2": ("Powierzchnia w zasięgu (w linii prostej)", "km²"),
    "covered_share": ("Udział powierzchni obszarów w zasięgu", "udział"),
}

#: Polish labels and units of the ``uncovered`` columns: {column: (label, unit)}.
UNCOVERED_LABELS: dict[str, tuple[str, str]] = {
    "area_km2": ("Powierzchnia obszaru", "km²"),
    "uncovered_km2": ("Powierzchnia poza zasięgiem", "km²"),
    "uncovered_share": ("Udział powierzchni poza zasięgiem", "udział"),
    "population": ("Liczba mieszkańców", "osób"),
    "residents_outside_est": (
        "Mieszkańcy poza zasięgiem — szacunek (przy równomiernym rozmieszczeniu)",
        "osób",
    ),
}

_M2_PER_KM2 = 1_000_000.0
# 16 segments per quarter circle: a buffer's area is within 0.2% of pi*r^2
# (shapely's default of 8 is 0.6% short).
_QUAD_SEGS = 16
_CATEGORY_CODES = tuple(c.code for c in CATEGORIES)
_GROUP_CODES = tuple(g.code for g in TARGET_GROUPS)


def _check_codes(values: Sequence[str] | None, allowed: Sequence[str], name: str) -> None:
    unknown = sorted(set(values or ()) - set(allowed))
    if unknown:
        raise ValueError(f"{name}: nieznane kody {unknown}; oczekiwano spośród {list(allowed)}")


def _check_distances(distances: Iterable[float]) -> list[float]:
    values = list(distances)
    if not values or any(not (isinstance(d, int | float) and d > 0) for d in values):
        raise ValueError(
            f"distances: oczekiwano niepustej listy liczb metrów > 0, otrzymano {values}"
        )
    return sorted(set(values))


def _extent(areas_metric: gpd.GeoSeries) -> shapely.Geometry | None:
    """The union of area polygons (metric), or None when no area has one."""
    polygons = areas_metric[has_location(areas_metric)]
    return shapely.union_all(polygons.to_numpy()) if len(polygons) else None


def chosen_places(
    resources: gpd.GeoDataFrame,
    *,
    categories: Sequence[str] | None = None,
    target_groups: Sequence[str] | None = None,
) -> pd.Series:
    """Which resources ``coverage`` measures from: active, of ``categories``, serving
    ``target_groups`` (empty or None: any); indexed like ``resources``."""
    chosen = is_active_resource(resources)
    if categories:
        chosen &= resources["category"].isin(categories)
    if target_groups:
        chosen &= serves_groups(resources, target_groups)
    return chosen


def coverage(
    resources: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    *,
    categories: Sequence[str] | None = None,
    target_groups: Sequence[str] | None = None,
    distances: Iterable[float] = (500, 1000),
) -> gpd.GeoDataFrame:
    """The area within each straight-line distance of the chosen resources.

    Parameters
    ----------
    resources, areas : record frames (any CRS with a definition)
    categories : category codes to include; None or empty: all
    target_groups : include resources serving any of these groups (a resource
        for "wszyscy" serves every group); None or empty: all
    distances : walking distances in metres (straight line)

    Returns
    -------
    GeoDataFrame
        Indexed by ``distance_m``; ``resources`` (located resources used),
        ``resources_unlocated`` (chosen but without location, hence left
        out), ``area_km2`` (covered area), ``covered_share`` (of the areas'
        polygons; NaN when no area has one) and ``geometry``: the dissolved
        buffers clipped to the areas' polygons (when any), in EPSG:4326.
        With no resources the geometry is empty and ``area_km2`` is 0.
    """
    check_frame(resources, "resources", ("category", "target_groups", "status", "archived_at"))
    check_frame(areas, "areas", ("name",))
    _check_codes(categories, _CATEGORY_CODES, "categories")
    _check_codes(target_groups, _GROUP_CODES, "target_groups")
    radii = _check_distances(distances)

    chosen = chosen_places(resources, categories=categories, target_groups=target_groups)
    points = to_metric(resources.geometry[chosen])
    located = points[has_location(points)].to_numpy()
    extent = _extent(to_metric(live_areas(areas).geometry))
    extent_m2 = shapely.area(extent) if extent is not None else np.nan

    reach = []
    for radius in radii:
        covered = shapely.union_all(shapely.buffer(located, radius, quad_segs=_QUAD_SEGS))
        reach.append(covered if extent is None else shapely.intersection(covered, extent))
    index = pd.Index(radii, name="distance_m")
    covered_m2 = shapely.area(np.array(reach, dtype=object)) if reach else np.array([])
    frame = gpd.GeoDataFrame(
        {
            "resources": len(located),
            "resources_unlocated": int(len(points) - len(located)),
            "area_km2": covered_m2 / _M2_PER_KM2,
            "covered_share": covered_m2 / extent_m2 if extent_m2 else np.nan,
        },
        geometry=gpd.GeoSeries(reach, index=index, crs=METRIC_CRS),
        index=index,
    )
    return frame.to_crs(WGS84)


def uncovered(
    areas: gpd.GeoDataFrame, covered: gpd.GeoDataFrame, distance: float
) -> gpd.GeoDataFrame:
    """What part of each area lies outside coverage at ``distance``.

    Parameters
    ----------
    areas : record frame of areas (districts, working areas, the city)
    covered : the result of ``coverage``
    distance : one of the distances ``covered`` was computed for

    Returns
    -------
    GeoDataFrame
        Indexed by area name: ``area_km2``, ``uncovered_km2``,
        ``uncovered_share``, ``population`` and ``residents_outside_est`` (an
        estimate assuming residents spread evenly over the area), with the
        uncovered part as ``geometry`` in EPSG:4326.  Areas without a polygon
        get NaN and no geometry.
    """
    check_frame(areas, "areas", ("name", "population"))
    check_frame(covered, "covered")
    if distance not in covered.index:
        raise ValueError(
            f"distance: oczekiwano jednej z odległości {list(covered.index)}, otrzymano {distance}"
        )
    live = live_areas(areas)
    shapes = to_metric(live.geometry)
    polygon = has_location(shapes).to_numpy()
    reach = to_metric(covered.geometry).loc[distance]
    if reach is None or reach.is_empty:
        outside = shapes.to_numpy()
    else:
        outside = shapely.difference(shapes.to_numpy(), reach)
    outside = np.where(polygon, outside, None)
    area_m2 = np.where(polygon, shapely.area(shapes.to_numpy()), np.nan)
    outside_m2 = np.where(polygon, shapely.area(outside), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(area_m2 > 0, outside_m2 / area_m2, np.nan)
    population = pd.to_numeric(live["population"], errors="coerce").astype(float).to_numpy()
    index = pd.Index(live["name"].to_numpy(), name="name")
    frame = gpd.GeoDataFrame(
        {
            "area_km2": area_m2 / _M2_PER_KM2,
            "uncovered_km2": outside_m2 / _M2_PER_KM2,
            "uncovered_share": share,
            "population": population,
            "residents_outside_est": population * share,
        },
        geometry=gpd.GeoSeries(outside, index=index, crs=METRIC_CRS),
        index=index,
    )
    return frame.to_crs(WGS84)
