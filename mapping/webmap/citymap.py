"""The city map as one step: indicators, filters, then ``build_map``.

Pages and exports call ``city_map`` so the map on screen, in meeting mode and
in an exported file are drawn by the same code.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import folium
import geopandas as gpd
import pandas as pd

from mapping.analysis.indicators import (
    INDICATOR_LABELS,
    MATCHING_INDICATORS,
    district_indicators,
)
from mapping.areas import districts
from mapping.filters import RecordFilter, apply_filter, count_label
from mapping.frames import empty_frame, has_location
from mapping.language import DEFAULT_LANGUAGE
from mapping.schema import LAYERS, NEEDS, RESOURCES, Audience
from mapping.webmap.assets import AssetMode
from mapping.webmap.build import build_map
from mapping.webmap.classes import format_number
from mapping.webmap.legend import sources_for
from mapping.webmap.packing import Packer, pack_whole
from mapping.webmap.styles import STANDARD, MapStyle
from mapping.webmap.tiles import TileChoice

__all__ = ["CHOROPLETH_INDICATORS", "CityMap", "city_map", "indicator_table", "with_indicators"]

#: Indicators offered for shading districts, in the order shown to users.
CHOROPLETH_INDICATORS = (
    "population",
    "resources_per_1000",
    "needs_open_per_1000",
    "needs_unmatched",
    "verified_share",
)


@dataclass
class CityMap:
    """A built map and what it shows ("pokazano 37 z 85 zasobów")."""

    map: folium.Map
    areas: gpd.GeoDataFrame  # with indicator columns
    counts: dict[str, str]
    shown: dict[str, int]
    has_polygons: bool


def with_indicators(
    areas: gpd.GeoDataFrame,
    resources: gpd.GeoDataFrame,
    needs: gpd.GeoDataFrame,
    *,
    today: date,
    indicators: Collection[str] | None = None,
) -> gpd.GeoDataFrame:
    """The areas frame with the district indicators as extra columns.

    ``indicators`` names the columns (None: all); see ``district_indicators``.
    """
    if areas.empty:
        return areas
    table = district_indicators(areas, resources, needs, today=today, indicators=indicators)
    extra = table.drop(columns=[c for c in table.columns if c in areas.columns])
    return areas.merge(extra, left_on="name", right_index=True, how="left")


def city_map(  # noqa: PLR0913 - keyword options of one screen, each with a default
    areas: gpd.GeoDataFrame,
    records: dict[str, gpd.GeoDataFrame],
    *,
    flt: RecordFilter | None = None,
    indicator: str | None = "resources_per_1000",
    audience: Audience = Audience.PUBLIC,
    focus: str | None = None,
    tiles: TileChoice = "osm",
    assets: AssetMode = "served",
    style: MapStyle = STANDARD,
    title: str | None = None,
    today: date | None = None,
    lang: str = DEFAULT_LANGUAGE,
    packer: Packer = pack_whole,
) -> CityMap:
    """Shade districts by ``indicator`` (computed over all records) and draw the
    records that pass ``flt``."""
    today = today or date.today()
    resources = records.get("resources", empty_frame(RESOURCES))
    needs = records.get("needs", empty_frame(NEEDS))
    shaded = with_indicators(
        areas, resources, needs, today=today, indicators=_computed_for(indicator)
    )
    has_polygons = bool(has_location(districts(shaded).geometry).any())
    if not has_polygons or indicator not in shaded.columns:
        indicator = None
    flt = flt or RecordFilter()
    shown = {name: apply_filter(LAYERS[name], frame, flt) for name, frame in records.items()}
    m = build_map(
        shaded,
        shown,
        audience=audience,
        indicator=indicator,
        indicator_label=INDICATOR_LABELS.get(indicator) if indicator else None,
        focus=focus,
        tiles=tiles,
        assets=assets,
        today=today,
        title=title,
        style=style,
        sources=sources_for(_city_of(areas)),
        lang=lang,
        packer=packer,
    )
    counts = {
        name: count_label(name, len(shown[name]), len(frame)) for name, frame in records.items()
    }
    return CityMap(m, shaded, counts, {k: len(v) for k, v in shown.items()}, has_polygons)


def _computed_for(indicator: str | None) -> list[str]:
    """Every indicator but those needing matching, unless it is the one shading the map.

    Matching is the expensive part (issue 14); the table under the map then
    lists "luki" only while the map is shaded by them.
    """
    return [c for c in INDICATOR_LABELS if c not in MATCHING_INDICATORS or c == indicator]


def _city_of(areas: gpd.GeoDataFrame) -> str | None:
    cities = areas["city"].dropna().unique() if "city" in areas.columns else []
    return str(cities[0]) if len(cities) == 1 else None


def indicator_table(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """District indicators with Polish headers, as text in Polish notation (the table
    under the map): "12 345" people, "3,25" per 1000, "40%" of a share, "—" for none."""
    columns = [c for c in CHOROPLETH_INDICATORS if c in areas.columns]
    table = districts(areas)[["name", *columns]].set_index("name")
    table.index.name = "Dzielnica"  # a header the reader reads, not the column's code
    for column in columns:
        table[column] = table[column].map(partial(_cell, unit=INDICATOR_LABELS[column][1]))
    return table.rename(columns={c: INDICATOR_LABELS[c][0] for c in columns})


def _cell(value: Any, unit: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if unit == "udział":
        return format_number(float(value), 0, percent=True)
    return format_number(float(value), 2 if unit == "na 1000 mieszkańców" else 0)
