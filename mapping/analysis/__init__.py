"""Analysis of a map: indicators per area, coverage ("zasięg") and matching.

Every function takes record frames (``mapping.frames``) and returns a
DataFrame or GeoDataFrame; distances and areas are computed in EPSG:2180
(PUWG 1992), geometries are returned in EPSG:4326 for drawing.

``matching`` holds the rules the others share (active resources, open needs,
whom a resource serves, the CRS rule); ``indicators`` builds on it and
``coverage`` on both.
"""

from __future__ import annotations

from mapping.analysis.coverage import COVERAGE_LABELS, UNCOVERED_LABELS, coverage, uncovered
from mapping.analysis.indicators import (
    INDICATOR_LABELS,
    assign_district,
    count_points_in_areas,
    counts_by,
    district_indicators,
    live_areas,
    rate_per_1000,
)
from mapping.analysis.matching import (
    gaps,
    idle_resources,
    is_active_resource,
    is_open_need,
    is_verified,
    link_resource,
    match_needs,
)

__all__ = [
    "COVERAGE_LABELS",
    "INDICATOR_LABELS",
    "UNCOVERED_LABELS",
    "assign_district",
    "count_points_in_areas",
    "counts_by",
    "coverage",
    "district_indicators",
    "gaps",
    "idle_resources",
    "is_active_resource",
    "is_open_need",
    "is_verified",
    "link_resource",
    "live_areas",
    "match_needs",
    "rate_per_1000",
    "uncovered",
]
