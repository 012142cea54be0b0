"""The projector map of meeting mode: what each agenda slide draws."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import folium
import geopandas as gpd
from shapely.geometry import Point

from mapping.analysis.matching import gaps, is_open_need, match_needs
from mapping.language import DEFAULT_LANGUAGE, say, translate, writing
from mapping.meeting import Slide, slide_title
from mapping.partnership import partnership_links
from mapping.webmap.assets import make_offline
from mapping.webmap.citymap import CityMap, city_map
from mapping.webmap.layers import DeferredLayerControl, RecordLayer
from mapping.webmap.legend import Legend
from mapping.webmap.settings import settings_json
from mapping.webmap.styles import PROJECTOR
from mapping.webmap.tiles import LIGHT_FIRST, TileChoice

__all__ = [
    "LEGEND_STORAGE_KEY",
    "SLIDE_INDICATORS",
    "meeting_map",
    "pending_place",
    "slide_frames",
]

#: The browser storage entry keeping the projector legend folded or open across slides.
LEGEND_STORAGE_KEY = "mapa-projector-legend"

#: What shades the districts on each slide (None: plain outlines, easiest to read).
SLIDE_INDICATORS: dict[str, str | None] = {
    "overview": None,
    "resources": "resources_per_1000",
    "needs": "needs_open_per_1000",
    "gaps": "needs_unmatched",
    "partners": None,
}


def _members(partnerships: gpd.GeoDataFrame, resources: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    ids = {rid for members in partnerships.get("members", []) for rid in (members or [])}
    return resources[resources["id"].isin(ids)]


def slide_frames(
    slide: Slide, records: dict[str, gpd.GeoDataFrame], *, today: date
) -> dict[str, gpd.GeoDataFrame]:
    """The record layers a slide draws (e.g. only open needs without an answer on "Luki")."""
    resources, needs = records["resources"], records["needs"]
    open_needs = needs[is_open_need(needs).to_numpy()] if not needs.empty else needs
    if slide.key == "overview":
        return {"resources": resources, "needs": open_needs, "actions": records["actions"]}
    if slide.key == "resources":
        return {"resources": resources}
    if slide.key == "needs":
        return {"needs": open_needs}
    if slide.key == "gaps":
        holes = gaps(needs, match_needs(needs, resources, today=today))
        return {"needs": needs[needs["id"].isin(holes["id"])], "resources": resources}
    return {"resources": _members(records["partnerships"], resources)}


def meeting_map(
    slide: Slide,
    areas: gpd.GeoDataFrame,
    records: dict[str, gpd.GeoDataFrame],
    *,
    focus: str | None,
    tiles: TileChoice = LIGHT_FIRST[0],
    today: date | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> CityMap:
    """The slide's map in projector style (24 px text, thick lines, light base), in ``lang``."""
    today = today or date.today()
    with writing(lang):
        title = slide_title(slide, focus)
        link_name = say("Powiązania partnerstw")
    built = city_map(
        areas,
        slide_frames(slide, records, today=today),
        indicator=SLIDE_INDICATORS.get(slide.key),
        focus=focus,
        tiles=tiles,
        style=PROJECTOR,
        title=title,
        today=today,
        lang=lang,
    )
    if slide.key == "partners":
        links = partnership_links(records["partnerships"], records["resources"])
        _add_links(built.map, links, link_name)
    _for_the_room(built.map)
    return built


def _for_the_room(m: folium.Map) -> None:
    """What the projector needs beyond the projector style.

    A click on a district places a need, so it opens no popup (the district's
    name shows on hover); the layer list starts folded, one button in a
    corner; the legend stays folded or open from slide to slide.
    """
    for child in m._children.values():
        if isinstance(child, RecordLayer) and child.settings.kind == "areas":
            child.settings = replace(child.settings, popups=False)
            child.config = settings_json(child.settings)
        elif isinstance(child, DeferredLayerControl):
            child.options["collapsed"] = True
        elif isinstance(child, Legend):
            child.remembered_as(LEGEND_STORAGE_KEY)


def _add_links(m: folium.Map, links: gpd.GeoDataFrame, name: str) -> None:
    """Lines from each partnership to its members, as one toggleable layer ``name``."""
    if links.empty:
        return
    folium.GeoJson(
        links[["geometry"]].to_json(drop_id=True),
        name=name,
        style_function=lambda _: {"color": "#0072B2", "weight": 4, "opacity": 0.8},
    ).add_to(m)
    make_offline(m, "served")


def pending_place(point: Point | None, lang: str = DEFAULT_LANGUAGE) -> folium.FeatureGroup:
    """The point clicked for the next need, drawn over the slide (empty when none).

    Added to the shown map by streamlit-folium without redrawing it, so the
    view the facilitator zoomed to stays put.
    """
    group = folium.FeatureGroup(name=translate("Miejsce następnej potrzeby", lang), control=False)
    if point is not None:
        folium.CircleMarker(
            [point.y, point.x],
            radius=14,
            color="#000000",
            weight=4,
            fill=True,
            fill_color="#D55E00",
            fill_opacity=0.9,
            tooltip=translate("miejsce następnej potrzeby", lang),
        ).add_to(group)
    return group
