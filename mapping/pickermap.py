"""A small map for placing or moving one record by a click (the edit page)."""

from __future__ import annotations

import folium
import geopandas as gpd
from shapely.geometry.base import BaseGeometry

from mapping.mapview import build_map
from mapping.offline import make_offline

__all__ = ["picker_map"]


def picker_map(
    areas: gpd.GeoDataFrame, current: BaseGeometry | None, *, tiles: str = "osm"
) -> folium.Map:
    """District outlines and labels (drawn by ``build_map``, which escapes names)
    and the record's current location, ready for clicks.

    Tiles are optional: without them the outlines keep the map readable.
    """
    m = build_map(areas, {}, tiles=tiles)  # type: ignore[arg-type]
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
        # Start close to the record rather than on the whole city.
        d = 0.004
        m.fit_bounds([[point.y - d, point.x - d], [point.y + d, point.x + d]])
    return make_offline(m, "served")
