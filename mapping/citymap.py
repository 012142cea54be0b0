"""The city map as one step: indicators, filters, then ``build_map``.

Pages and exports call ``city_map`` so the map on screen, in meeting mode and
in an exported file are drawn by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import folium
import geopandas as gpd
import pandas as pd

from mapping.analysis.indicators import INDICATOR_LABELS, district_indicators
from mapping.filters import RecordFilter, apply_filter, count_label
from mapping.frames import empty_frame
from mapping.legend import sources_for
from mapping.mapview import build_map
from mapping.offline import AssetMode
from mapping.schema import LAYERS, NEEDS, RESOURCES, Audience
from mapping.styles import STANDARD, MapStyle

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
) -> gpd.GeoDataFrame:
    """The areas frame with every district indicator as extra columns."""
    if areas.empty:
        return areas
    table = district_indicators(areas, resources, needs, today=today)
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
    tiles: str = "osm",
    assets: AssetMode = "served",
    style: MapStyle = STANDARD,
    title: str | None = None,
    today: date | None = None,
) -> CityMap:
    """Shade districts by ``indicator`` (computed over all records) and draw the
    records that pass ``flt``."""
    today = today or date.today()
    resources = records.get("resources", empty_frame(RESOURCES))
    needs = records.get("needs", empty_frame(NEEDS))
    shaded = with_indicators(areas, resources, needs, today=today)
    has_polygons = bool(
        (shaded.get("kind") == "dzielnica").any()
        and shaded.loc[shaded["kind"] == "dzielnica"].geometry.notna().any()
    ) if not shaded.empty else False  # fmt: skip
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
        tiles=tiles,  # type: ignore[arg-type]
        assets=assets,
        today=today,
        title=title,
        style=style,
        sources=sources_for(_city_of(areas)),
    )
    counts = {
        name: count_label(name, len(shown[name]), len(frame)) for name, frame in records.items()
    }
    return CityMap(m, shaded, counts, {k: len(v) for k, v in shown.items()}, has_polygons)


def _city_of(areas: gpd.GeoDataFrame) -> str | None:
    cities = areas["city"].dropna().unique() if "city" in areas.columns else []
    return str(cities[0]) if len(cities) == 1 else None


def indicator_table(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """District indicators with Polish headers (for the table under the map)."""
    columns = [c for c in CHOROPLETH_INDICATORS if c in areas.columns]
    table = areas.loc[areas["kind"] == "dzielnica", ["name", *columns]].set_index("name")
    return table.rename(columns={c: INDICATOR_LABELS[c][0] for c in columns})
