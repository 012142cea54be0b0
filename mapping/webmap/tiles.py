"""The base maps (tiles) a map may lie on: one registry read by every map, page and export.

The only internet requests a map makes are for these tiles, and "none" makes
none.  Without tiles the districts' outlines and labels still read on the
plain background, so every map works offline.  No folium here: exports and
pages read the registry without building a map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CARTO_ATTRIBUTION",
    "LIGHT_FIRST",
    "OSM_ATTRIBUTION",
    "OSM_CREDIT",
    "TILES",
    "BaseMap",
    "TileChoice",
    "tile_label",
]

TileChoice = Literal["osm", "light", "none"]

#: Shown on every map, with or without tiles: the base data comes from OSM.
#: The OpenStreetMap tile layer uses the same text, so Leaflet shows it once.
OSM_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a> (ODbL)'
)
#: The same credit as plain text, for printed maps, reports and "about" tables.
OSM_CREDIT = "© OpenStreetMap contributors (ODbL)"
CARTO_ATTRIBUTION = '© <a href="https://carto.com/attributions">CARTO</a>'


@dataclass(frozen=True)
class BaseMap:
    """One base map.

    Parameters
    ----------
    label : its name in the map's layer control and in pages' choices
    short_label : a one-word name for narrow places (the projector's side panel)
    url : the tile URL template, or None for no tiles
    attribution : HTML credit shown on the map while it is on
    max_zoom : the deepest zoom the server has tiles for
    """

    label: str
    short_label: str
    url: str | None
    attribution: str = ""
    max_zoom: int = 19


#: The base maps offered in the layer control, in its order.
TILES: dict[str, BaseMap] = {
    "osm": BaseMap(
        "OpenStreetMap",
        "OSM",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        OSM_ATTRIBUTION,
    ),
    "light": BaseMap(
        "Jasny podkład (CARTO)",
        "jasny",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        CARTO_ATTRIBUTION,
        max_zoom=20,
    ),
    "none": BaseMap("Brak podkładu", "brak", None),
}

#: The choices where the light base map comes first (and is the default): maps
#: read away from the app — exports opened from disk, the projector.
#: OpenStreetMap's tile policy asks for a Referer, which a page opened from
#: disk does not send.
LIGHT_FIRST: tuple[TileChoice, ...] = ("light", "osm", "none")


def tile_label(key: str) -> str:
    """The label of a base map (for a page's ``format_func``)."""
    return TILES[key].label
