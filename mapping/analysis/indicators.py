"""Indicators per area: counts, rates per 1000 residents, freshness, unmet needs.

Which area a record counts in
-----------------------------
Areas are rows of the ``areas`` frame, counted independently (a record counts
in its district, in its city and in every working area it lies in):

* a district (``AreaKind.DISTRICT``) counts records whose ``district`` column names it;
  records whose ``district`` is empty or names no area in the frame count by
  location (the point lies within the district's polygon).  So a city whose
  districts have no polygons (Częstochowa) still counts by the column;
* the city (``AreaKind.CITY``) counts records whose ``city`` column names it, and
  records without a city by location;
* a working area (``AreaKind.WORKING_AREA``) counts records lying within its polygon
  and records whose ``district`` names it.

A record located by an area (a need drawn as a polygon) is placed by a point
inside that area.  Archived records and areas are left out.

All functions take frames and a date, so a "stan na dzień" view can later
pass the frames as they were on that day.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis.matching import (
    check_frame,
    is_active_resource,
    is_open_need,
    is_verified,
    to_metric,
)
from mapping.analysis.unmatched import unmatched_needs
from mapping.areas import area_keys
from mapping.errors import MapError
from mapping.frames import column_names, has_location, is_list_field, texts_in
from mapping.schema import LAYERS, AreaKind, FieldType
from mapping.text import is_blank

__all__ = [
    "INDICATOR_LABELS",
    "MATCHING_INDICATORS",
    "assign_district",
    "count_points_in_areas",
    "counts_by",
    "district_indicators",
    "live_areas",
    "rate_per_1000",
]

#: Polish labels and units of the ``district_indicators`` columns:
#: {column: (label, unit)}.  Shares are fractions 0-1.
INDICATOR_LABELS: dict[str, tuple[str, str]] = {
    "population": ("Liczba mieszkańców", "osób"),
    "area_km2": ("Powierzchnia", "km²"),
    "resources": ("Aktywne zasoby", "liczba"),
    "resources_per_1000": ("Zasoby na 1000 mieszkańców", "na 1000 mieszkańców"),
    "needs_open": ("Otwarte potrzeby", "liczba"),
    "needs_open_per_1000": ("Otwarte potrzeby na 1000 mieszkańców", "na 1000 mieszkańców"),
    "needs_unmatched": ("Potrzeby bez pasującego zasobu (luki)", "liczba"),
    "verified_share": ("Udział zasobów zweryfikowanych w terminie", "udział"),
    "stale": ("Zasoby do weryfikacji", "liczba"),
}

#: Indicators that need matching needs with resources: computed only when asked for.
MATCHING_INDICATORS = frozenset({"needs_unmatched"})

_DISTRICT = AreaKind.DISTRICT.value
_CITY = AreaKind.CITY.value
_WORKING = AreaKind.WORKING_AREA.value
_M2_PER_KM2 = 1_000_000.0
_RECORD_COLUMNS = ("city", "district", "archived_at")


def live_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Non-archived areas; raise MapError when names repeat (results are indexed by name)."""
    check_frame(areas, "areas", ("name",))
    live = areas[is_blank(areas["archived_at"])] if "archived_at" in areas else areas
    repeated = sorted(live.loc[live["name"].duplicated(), "name"].astype(str).unique())
    if repeated:
        raise MapError(
            f"Nazwy obszarów powtarzają się: {', '.join(repeated)}. "
            "Wybierz obszary jednego miasta albo nadaj im różne nazwy.",
            field="name",
        )
    return live


def _anchors(geometry: gpd.GeoSeries, crs: Any) -> np.ndarray:
    """One point per record in ``crs``: the point itself, or a point inside its shape."""
    geoms = (geometry if geometry.crs == crs else geometry.to_crs(crs)).to_numpy()
    shaped = ~np.isin(shapely.get_type_id(geoms), (-1, 0))  # -1: missing, 0: Point
    if shaped.any():
        geoms = geoms.copy()
        geoms[shaped] = shapely.point_on_surface(geoms[shaped])
    return geoms


def _placed_in(points: gpd.GeoSeries, areas: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Positions (point, area) of every point within an area, tested in the areas' CRS.

    Points and areas of one CRS (the store's EPSG:4326) are tested as they
    are, as ``geopandas.sjoin`` does and QGIS counts points in polygons: no
    reprojection of every point first.  Others meet in EPSG:2180.
    """
    if points.crs != areas.crs:
        areas = to_metric(areas)
    return _within_pairs(_anchors(points, areas.crs), areas.to_numpy())


def _within_pairs(points: np.ndarray, polygons: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (point, polygon) of every point lying within a polygon.

    The tree holds the points and each polygon queries it once, so a polygon
    is prepared once and tested only against points in its bounding box.
    Missing and empty geometries match nothing.
    """
    polygon_idx, point_idx = shapely.STRtree(points).query(polygons, predicate="contains")
    return point_idx, polygon_idx


def _kinds(areas: gpd.GeoDataFrame) -> np.ndarray:
    # An area of unknown kind is treated as a district.
    if "kind" not in areas:
        return np.full(len(areas), _DISTRICT, dtype=object)
    return areas["kind"].astype(object).where(areas["kind"].notna(), _DISTRICT).to_numpy()


def assign_district(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """The name of the district each record lies within, or None.

    Parameters
    ----------
    points : records (points; other shapes are placed by a point inside them)
    areas : areas; only districts with a polygon are used when
        the frame has a ``kind`` column, so a point is never given the name
        of its city or of a working area

    Returns
    -------
    Series
        Indexed like ``points``; the first matching district in ``areas``
        order when districts overlap.
    """
    check_frame(points, "points")
    check_frame(areas, "areas", ("name",))
    districts = areas[_kinds(areas) == _DISTRICT]
    if "archived_at" in districts:
        districts = districts[is_blank(districts["archived_at"])]
    point_idx, area_idx = _placed_in(points.geometry, districts.geometry)
    first = pd.Series(area_idx).groupby(point_idx).min()
    names = pd.Series([None] * len(points), index=points.index, dtype=object)
    names.iloc[first.index.to_numpy()] = districts["name"].to_numpy()[first.to_numpy()]
    return names


def _crosstab(
    values: np.ndarray, area_pos: np.ndarray, n_areas: int, codes: Sequence[str] | None
) -> pd.DataFrame:
    """Counts (area position x value), lists counted once per item; zeros kept."""
    long = pd.DataFrame({"area": area_pos, "value": values}).explode("value")
    long = long[long["value"].notna()]
    table = long.groupby(["area", "value"]).size().unstack(fill_value=0)
    declared = list(codes or ())
    extra = sorted(str(v) for v in table.columns if v not in set(declared))
    columns = declared + extra if codes is not None else sorted(map(str, table.columns))
    table = table.reindex(index=range(n_areas), columns=columns, fill_value=0)
    return table.fillna(0).astype("int64").rename_axis(columns=None)


def count_points_in_areas(
    points: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    *,
    by: str | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count points lying within each area's polygon (one vectorised spatial join).

    Parameters
    ----------
    points : any frame of points (other shapes are placed by a point inside them)
    areas : any frame of polygons; areas without a polygon count 0
    by : a column of ``points`` to break the counts down by (lists are
        counted once per item)
    codes : columns to show for ``by``, in order, even when zero; values
        outside them are appended

    Returns
    -------
    DataFrame
        Indexed like ``areas``: a ``count`` column, or one column per value of ``by``.
    """
    check_frame(points, "points", (by,) if by else ())
    check_frame(areas, "areas")
    point_idx, area_idx = _placed_in(points.geometry, areas.geometry)
    if by is None:
        counts = np.bincount(area_idx, minlength=len(areas))
        return pd.DataFrame({"count": counts.astype("int64")}, index=areas.index)
    table = _crosstab(points[by].to_numpy()[point_idx], area_idx, len(areas), codes)
    return table.set_axis(areas.index, axis=0)


def _membership(records: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Pairs of positions (record, area): which record counts in which area."""
    kinds = _kinds(areas)
    by_area = pd.DataFrame(
        {
            "area": np.arange(len(areas)),
            "kind": kinds,
            "name": area_keys(areas["name"]).to_numpy(),
            "area_city": area_keys(areas["city"] if "city" in areas else areas["name"]).to_numpy(),
        }
    )
    record_keys = pd.DataFrame(
        {
            "record": np.arange(len(records)),
            "district": area_keys(records["district"]).to_numpy(),
            "city": area_keys(records["city"]).to_numpy(),
        }
    )
    by_name = record_keys.dropna(subset=["district"]).merge(
        by_area[kinds != _CITY], left_on="district", right_on="name"
    )
    by_name = by_name[
        by_name["city"].isna()
        | by_name["area_city"].isna()
        | (by_name["city"] == by_name["area_city"])
    ]
    by_city = record_keys.dropna(subset=["city"]).merge(
        by_area[kinds == _CITY], left_on="city", right_on="area_city"
    )
    point_idx, area_idx = _placed_in(records.geometry, areas.geometry)
    # Location decides only where the columns do not: a district takes
    # records not placed in a district by name, the city takes records
    # without a city, a working area takes everything inside it.
    placed = np.zeros(len(records), dtype=bool)
    placed[by_name.loc[by_name["kind"] == _DISTRICT, "record"].to_numpy()] = True
    no_city = record_keys["city"].isna().to_numpy()
    area_kind = kinds[area_idx]
    keep = (
        (area_kind == _WORKING)
        | ((area_kind == _CITY) & no_city[point_idx])
        | ((area_kind != _WORKING) & (area_kind != _CITY) & ~placed[point_idx])
    )
    by_location = pd.DataFrame({"record": point_idx[keep], "area": area_idx[keep]})
    pairs = pd.concat(
        [by_name[["record", "area"]], by_city[["record", "area"]], by_location],
        ignore_index=True,
    )
    return pairs.drop_duplicates().astype("int64")


def _count(area_pos: pd.Series | np.ndarray, n_areas: int) -> np.ndarray:
    return np.bincount(np.asarray(area_pos, dtype="int64"), minlength=n_areas)


def rate_per_1000(counts: pd.Series, population: pd.Series) -> pd.Series:
    """``counts`` per 1000 residents; NaN (not inf) where population is missing or 0."""
    population = pd.to_numeric(population, errors="coerce").astype(float)
    return counts.astype(float) / population.where(population > 0) * 1000


def _area_km2(areas: gpd.GeoDataFrame) -> np.ndarray:
    """Area from the polygon (EPSG:2180); the declared ``area_km2`` where there is none."""
    shapes = to_metric(areas.geometry)
    measured = shapely.area(shapes.to_numpy()) / _M2_PER_KM2
    declared = (
        pd.to_numeric(areas["area_km2"], errors="coerce").astype(float).to_numpy()
        if "area_km2" in areas
        else np.full(len(areas), np.nan)
    )
    return np.where(has_location(shapes).to_numpy(), measured, declared)


def _with_districts(records: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Records with ``district`` filled from location where it is empty."""
    blank = is_blank(records["district"])
    if not blank.any():
        return records
    found = assign_district(records[blank], areas)
    district = records["district"].astype(object).copy()
    district[blank] = found
    return records.assign(district=district)


def _declared_codes(frame: pd.DataFrame, column: str) -> list[str] | None:
    """The schema codes of ``column`` for the layer ``frame`` holds, if recognisable."""
    for layer in LAYERS.values():
        if column in layer.field_names and set(column_names(layer)) <= set(frame.columns):
            declared = layer.field(column)
            if declared.type == FieldType.CHOICE or is_list_field(declared.type):
                return list(declared.codes) or None
    return None


def counts_by(
    frame: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    column: str,
    *,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Counts of non-archived records per area and value of ``column``.

    Parameters
    ----------
    frame : a record frame (resources, needs, ...); pass
        ``resources[is_active_resource(resources)]`` to count what
        ``district_indicators`` counts as resources
    areas : record frame of areas
    column : e.g. ``"kind"``, ``"category"``, ``"target_groups"`` (lists are
        counted once per item, so rows do not sum to the record count)
    codes : the columns, in order; by default the codes the schema declares
        for ``column``, so zero columns are kept

    Returns
    -------
    DataFrame
        Areas (indexed by name, every area kept) x codes, integer counts.
    """
    check_frame(frame, "frame", (column, *_RECORD_COLUMNS))
    live = live_areas(areas)
    records = frame[is_blank(frame["archived_at"])]
    pairs = _membership(records, live)
    table = _crosstab(
        records[column].to_numpy()[pairs["record"].to_numpy()],
        pairs["area"].to_numpy(),
        len(live),
        codes if codes is not None else _declared_codes(frame, column),
    )
    return table.set_axis(pd.Index(live["name"].to_numpy(), name="name"), axis=0)


def district_indicators(
    areas: gpd.GeoDataFrame,
    resources: gpd.GeoDataFrame,
    needs: gpd.GeoDataFrame,
    *,
    today: date,
    stale_days: int = 365,
    max_distance_m: float = 1500.0,
    indicators: Collection[str] | None = None,
) -> pd.DataFrame:
    """Indicators for every area (district, working area, city).

    Parameters
    ----------
    areas, resources, needs : record frames (any CRS; areas measured in EPSG:2180)
    today : the day freshness is judged against
    stale_days : a resource verified longer ago than this is "do weryfikacji"
    max_distance_m : the matching distance for ``needs_unmatched``
    indicators : the columns wanted (keys of ``INDICATOR_LABELS``); None: all.
        ``MATCHING_INDICATORS`` are computed only when wanted

    Returns
    -------
    DataFrame
        Indexed by area name, the wanted columns in ``INDICATOR_LABELS`` order.  Rates are
        NaN where population is missing or 0; ``verified_share`` is NaN for
        an area without resources.
    """
    check_frame(resources, "resources", ("id", "status", "last_verified", *_RECORD_COLUMNS))
    check_frame(needs, "needs", ("id", "status", *_RECORD_COLUMNS))
    check_frame(areas, "areas", ("name", "kind", "city", "population", "area_km2"))
    wanted = list(INDICATOR_LABELS) if indicators is None else list(indicators)
    unknown = sorted(set(wanted) - set(INDICATOR_LABELS))
    if unknown:
        raise ValueError(f"indicators: nieznane {unknown}; oczekiwano z {list(INDICATOR_LABELS)}")
    live = live_areas(areas)
    n_areas = len(live)
    active = resources[is_active_resource(resources)]
    open_needs = needs[is_open_need(needs)]

    res_pairs = _membership(active, live)
    need_pairs = _membership(open_needs, live)
    verified = is_verified(active, today=today, stale_days=stale_days).to_numpy()

    res_area, res_record = res_pairs["area"].to_numpy(), res_pairs["record"].to_numpy()
    need_area, need_record = need_pairs["area"].to_numpy(), need_pairs["record"].to_numpy()
    n_resources = _count(res_area, n_areas)
    n_verified = _count(res_area[verified[res_record]], n_areas)
    index = pd.Index(live["name"].to_numpy(), name="name")
    population = pd.Series(
        pd.to_numeric(live["population"], errors="coerce").astype(float).to_numpy(), index=index
    )
    resources_count = pd.Series(n_resources, index=index)
    needs_count = pd.Series(_count(need_area, n_areas), index=index)
    with np.errstate(invalid="ignore", divide="ignore"):
        verified_share = np.where(n_resources > 0, n_verified / n_resources, np.nan)
    extra = {}
    if "needs_unmatched" in wanted:
        gap = unmatched_needs(
            _with_districts(needs, live),
            _with_districts(resources, live),
            max_distance_m=max_distance_m,
        )
        unmatched = texts_in(open_needs["id"], set(needs["id"][gap.to_numpy()]))
        extra["needs_unmatched"] = _count(need_area[unmatched[need_record]], n_areas)
    table = pd.DataFrame(
        {
            "population": population,
            "area_km2": _area_km2(live),
            "resources": resources_count,
            "resources_per_1000": rate_per_1000(resources_count, population),
            "needs_open": needs_count,
            "needs_open_per_1000": rate_per_1000(needs_count, population),
            **extra,
            "verified_share": verified_share,
            "stale": n_resources - n_verified,
        },
        index=index,
    )
    return table[[c for c in INDICATOR_LABELS if c in wanted]]
