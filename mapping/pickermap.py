"""A small map for placing or moving one record by a click (the edit page)."""

from __future__ import annotations

import html

import folium
import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from mapping.offline import make_offline

__all__ = ["picker_map"]

# Gdańsk centre: the map of an empty city has to start somewhere.
_FALLBACK_CENTRE = (54.352, 18.646)


def _start_view(
    areas: gpd.GeoDataFrame, current: BaseGeometry | None
) -> tuple[tuple[float, float], int]:
    if current is not None:
        point = current.representative_point()
        return (point.y, point.x), 16
    located = areas[areas.geometry.notna()] if not areas.empty else areas
    if located.empty:
        return _FALLBACK_CENTRE, 11
    minx, miny, maxx, maxy = located.total_bounds
    return ((miny + maxy) / 2, (minx + maxx) / 2), 12


def picker_map(
    areas: gpd.GeoDataFrame, current: BaseGeometry | None, *, tiles: bool = True
) -> folium.Map:
    """District outlines and the record's current location, ready for clicks.

    Tiles are optional: without them the outlines keep the map readable.
    """
    centre, zoom = _start_view(areas, current)
    m = folium.Map(
        location=centre,
        zoom_start=zoom,
        tiles="OpenStreetMap" if tiles else None,
        attr="© OpenStreetMap contributors",
        control_scale=True,
    )
    districts = areas[(areas.get("kind") == "dzielnica") & areas.geometry.notna()]
    if not districts.empty:
        # folium's tooltip inserts values as HTML: names are escaped here.
        labels = districts[["name", "geometry"]].assign(name=districts["name"].map(html.escape))
        folium.GeoJson(
            labels.to_json(drop_id=True),
            name="Dzielnice",
            style_function=lambda _: {"color": "#444", "weight": 1, "fillOpacity": 0.03},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ).add_to(m)
    if current is not None:
        point = current.representative_point()
        folium.CircleMarker(
            (point.y, point.x),
            radius=9,
            color="#000",
            weight=3,
            fill=True,
            fill_color="#E69F00",
            fill_opacity=0.9,
            tooltip="Obecna lokalizacja",
        ).add_to(m)
    return make_offline(m, "served")
