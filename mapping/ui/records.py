"""Placing a record on a map: the picker and the point it keeps in session state.

The picked point lives in session state, not in the map: st_folium copies
its latest value to ``st.session_state[key]`` (its ``on_change`` runs before
the script), so the click is read *before* the map is drawn and the map is
drawn once, with the marker already where the user clicked.  Nothing here
calls ``st.rerun()``: a rerun between a click and a form submit threw the
submit away (the run that carried it stopped before the form was drawn).
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st
from shapely.geometry.base import BaseGeometry
from streamlit_folium import st_folium

from mapping.ui.i18n import tr
from mapping.ui.maps import picked_geometry
from mapping.webmap.picker import picker_map

__all__ = [
    "forget_location",
    "location_picker",
    "picked_location",
]


def picked_location(key: str, *, points: bool = True) -> BaseGeometry | None:
    """What the user last placed on the picker ``key`` (a point or a drawn area), or None.

    Reads st_folium's latest value from session state and remembers what it
    has seen, so a value reported again (a re-drawn map reports its state
    once it loads) is not taken for a new click.  Calling it twice in one run
    gives the same answer.
    """
    state = st.session_state
    reported = state.get(key) or {}
    picked = picked_geometry(reported, state.get(f"{key}_seen") or {}, points=points)
    state[f"{key}_seen"] = reported
    if picked is not None:
        state[f"{key}_picked"] = picked
    return state.get(f"{key}_picked")


def forget_location(key: str) -> None:
    """Drop what was placed on the picker ``key`` (after saving it)."""
    for name in (key, f"{key}_seen", f"{key}_picked"):
        st.session_state.pop(name, None)


def location_picker(
    areas: gpd.GeoDataFrame,
    current: BaseGeometry | None,
    *,
    key: str,
    points: bool = True,
    draw_areas: bool = False,
) -> BaseGeometry | None:
    """A map where a click places (or moves) the record, and where areas can be drawn.

    Returns the location to save: the one just placed, else ``current``.
    Only clicks and finished drawings come back to Python
    (``returned_objects``), so panning and zooming never rerun the page.
    """
    chosen = picked_location(key, points=points) or current
    st_folium(
        picker_map(areas, chosen, draw_areas=draw_areas),
        key=key,
        height=420,
        use_container_width=True,
        returned_objects=_PICKER_RETURNS,
    )
    if chosen is None:
        hint = tr("kliknij mapę") if points else tr("narysuj obszar narzędziem po lewej")
        st.caption(tr("Brak lokalizacji — {hint}, aby wskazać miejsce.", hint=hint))
    elif chosen.geom_type == "Point":
        st.caption(
            tr(
                "Lokalizacja: {lat:.5f}, {lon:.5f} — kliknij mapę, aby ją zmienić.",
                lat=chosen.y,
                lon=chosen.x,
            )
        )
    else:
        st.caption(tr("Obszar zaznaczony — narysuj nowy, aby go zmienić."))
    return chosen


#: What the picker sends back: clicks on the map and on its layers, drawings.
_PICKER_RETURNS = [
    "last_clicked",
    "last_object_clicked",
    "last_object_clicked_count",
    "last_active_drawing",
    "all_drawings",
]
