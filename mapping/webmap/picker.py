"""A small map for placing a record by a click, or drawing its area (the edit page)."""

from __future__ import annotations

import folium
import geopandas as gpd
from folium.plugins import Draw
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapping.webmap.assets import make_offline
from mapping.webmap.build import build_map
from mapping.webmap.tiles import TileChoice

__all__ = ["picker_map"]

_MARK = "#E69F00"


def picker_map(
    areas: gpd.GeoDataFrame,
    current: BaseGeometry | None,
    *,
    draw_areas: bool = False,
    tiles: TileChoice = "osm",
) -> folium.Map:
    """District outlines and labels (drawn by ``build_map``, which escapes names),
    the record's current location, and — for layers that hold areas — tools to
    draw a polygon or a rectangle.

    Tiles are optional: without them the outlines keep the map readable.
    """
    m = build_map(areas, {}, tiles=tiles)
    if draw_areas:
        Draw(
            export=False,
            draw_options={
                "polyline": False,
                "circle": False,
                "circlemarker": False,
                "marker": False,
                "polygon": {"shapeOptions": {"color": _MARK}},
                "rectangle": {"shapeOptions": {"color": _MARK}},
            },
            edit_options={"edit": False, "remove": False},
        ).add_to(m)
    if current is not None:
        _show_current(m, current)
    return make_offline(m, "served")


def _show_current(m: folium.Map, current: BaseGeometry) -> None:
    if current.geom_type == "Point":
        folium.CircleMarker(
            (current.y, current.x),
            radius=9,
            color="#000",
            weight=3,
            fill=True,
            fill_color=_MARK,
            fill_opacity=0.9,
            tooltip="Obecna lokalizacja",
        ).add_to(m)
    else:
        # Geometry only: no user text goes through folium's templates.
        folium.GeoJson(
            mapping(current),
            style_function=lambda _: {"color": "#000", "weight": 3, "fillColor": _MARK},
        ).add_to(m)
    minx, miny, maxx, maxy = current.buffer(0.003).bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]])  # start at the record, not the whole city
