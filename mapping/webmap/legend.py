"""The map legend and attribution.

The legend is a Leaflet control drawn by the runtime (``MAPA.legend``) from a
JSON description, so it works the same in an exported file and inside
streamlit-folium's iframe, and every label is set as text.  It is a
``<details>`` element folding to a small "Legenda" tab, kept folded or open
as the user left it (browser storage, ``STORAGE_KEY``); opened, it covers at
most a seventh of the map (later sections fold) and sits in the corner where
it covers the least of the city.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace

from branca.element import MacroElement
from folium.template import Template

from mapping.language import say
from mapping.webmap.assets import render_once
from mapping.webmap.settings import LegendItem, LegendSection, LegendSettings, settings_json
from mapping.webmap.tiles import CARTO_ATTRIBUTION, OSM_ATTRIBUTION

__all__ = [
    "CARTO_ATTRIBUTION",
    "CITY_SOURCES",
    "DATA_SOURCES",
    "OSM_ATTRIBUTION",
    "STORAGE_KEY",
    "Legend",
    "LegendItem",
    "LegendSection",
    "attribution_html",
    "sources_for",
]

#: The browser storage entry keeping every map's legend folded or open.
STORAGE_KEY = "mapa-legend"

#: Where the map's own data comes from (plain text).
DATA_SOURCES: tuple[str, ...] = ("Otwarte Dane Gdańsk", "PRG © GUGiK")

#: Short credits of the bundled data per city (full list: data/SOURCES.md).
#: OpenStreetMap is credited separately in every map's attribution.
CITY_SOURCES: dict[str, tuple[str, ...]] = {
    "Gdańsk": ("Otwarte Dane Gdańsk (MIT)", "Wikipedia (CC BY-SA)"),
    "Częstochowa": ("PRG © GUGiK", "UM Częstochowy", "Wikipedia (CC BY-SA)"),
}


def sources_for(city: str | None) -> tuple[str, ...]:
    """Data credits for a city's map; an imported city credits only OpenStreetMap
    and what its users name in the records themselves."""
    return CITY_SOURCES.get(city or "", ())


def attribution_html(sources: Sequence[str] = DATA_SOURCES) -> list[str]:
    """Attribution snippets for Leaflet: OpenStreetMap, then the data sources (escaped)."""
    parts = [OSM_ATTRIBUTION]
    if sources:
        parts.append(say("Dane: ") + ", ".join(html.escape(s) for s in sources))
    return parts


class Legend(MacroElement):
    """The legend control of a map.

    Parameters
    ----------
    sections : groups of rows, top to bottom (empty sections are skipped);
        the first is the colour key, kept open when the others fold
    notes : short lines of text under the rows
    title : the summary line
    position : a Leaflet control corner
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        MAPA.legend({{ this._parent.get_name() }}, {{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        sections: Sequence[LegendSection],
        notes: Sequence[str] = (),
        *,
        title: str = "Legenda",
        position: str = "bottomleft",
    ):
        super().__init__()
        self._name = "Legend"
        self.sections = [s for s in sections if s.items]
        self.notes = list(notes)
        self.settings = LegendSettings(
            title, position, tuple(self.sections), tuple(self.notes), remember=STORAGE_KEY
        )
        self.spec = settings_json(self.settings)

    def remembered_as(self, key: str) -> None:
        """Keep the legend folded or open, as last left, on every map using ``key``."""
        self.settings = replace(self.settings, remember=key)
        self.spec = settings_json(self.settings)

    # branca annotates Element.render as returning str; MacroElement.render returns None.
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Render once (see ``mapping.webmap.assets.render_once``)."""
        render_once(self, **kwargs)
