"""The projector map of meeting mode: what each agenda slide draws."""

from __future__ import annotations

from datetime import date

import folium
import geopandas as gpd

from mapping.analysis.matching import gaps, is_open_need, match_needs
from mapping.citymap import CityMap, city_map
from mapping.meeting import Slide, slide_title
from mapping.offline import make_offline
from mapping.partnership import partnership_links
from mapping.styles import PROJECTOR

__all__ = ["SLIDE_INDICATORS", "meeting_map", "slide_frames"]

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
    tiles: str = "light",
    today: date | None = None,
) -> CityMap:
    """The slide's map in projector style (24 px text, thick lines, light base)."""
    today = today or date.today()
    built = city_map(
        areas,
        slide_frames(slide, records, today=today),
        indicator=SLIDE_INDICATORS.get(slide.key),
        focus=focus,
        tiles=tiles,
        style=PROJECTOR,
        title=slide_title(slide, focus),
        today=today,
    )
    if slide.key == "partners":
        _add_links(built.map, partnership_links(records["partnerships"], records["resources"]))
    return built


def _add_links(m: folium.Map, links: gpd.GeoDataFrame) -> None:
    """Lines from each partnership to its members, as one toggleable layer."""
    if links.empty:
        return
    folium.GeoJson(
        links[["geometry"]].to_json(drop_id=True),
        name="Powiązania partnerstw",
        style_function=lambda _: {"color": "#0072B2", "weight": 4, "opacity": 0.8},
    ).add_to(m)
    make_offline(m, "served")
