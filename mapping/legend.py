"""The map legend and attribution.

The legend is a Leaflet control drawn by the runtime (``MAPA.legend``) from a
JSON description, so it works the same in an exported file and inside
streamlit-folium's iframe, and every label is set as text.  It is a
``<details>`` element: open by default, collapsible on small screens.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from branca.element import MacroElement
from folium.template import Template

from mapping.maplayers import script_json
from mapping.offline import render_once

__all__ = [
    "CARTO_ATTRIBUTION",
    "CITY_SOURCES",
    "DATA_SOURCES",
    "OSM_ATTRIBUTION",
    "Legend",
    "LegendItem",
    "LegendSection",
    "attribution_html",
    "sources_for",
]

#: Shown on every map, with or without tiles: the base data comes from OSM.
#: The OpenStreetMap tile layer uses the same text, so Leaflet shows it once.
OSM_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap contributors</a> (ODbL)'
)
CARTO_ATTRIBUTION = '© <a href="https://carto.com/attributions">CARTO</a>'
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
        parts.append("Dane: " + ", ".join(html.escape(s) for s in sources))
    return parts


@dataclass(frozen=True)
class LegendItem:
    """One legend row: a symbol and its label.

    ``shape`` is ``circle``, ``square``, ``diamond``, ``triangle`` (markers),
    ``box`` (an area fill) or ``line`` (an outline).
    """

    label: str
    shape: str = "circle"
    fill: str | None = None
    stroke: str | None = None
    weight: float = 1.2
    dash: str | None = None


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows."""

    title: str
    items: tuple[LegendItem, ...]


class Legend(MacroElement):
    """The legend control of a map.

    Parameters
    ----------
    sections : groups of rows, top to bottom (empty sections are skipped)
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
        self.spec = script_json(
            {
                "title": title,
                "position": position,
                "sections": [
                    {"title": s.title, "items": [asdict(i) for i in s.items]} for s in self.sections
                ],
                "notes": self.notes,
            }
        )

    def render(self, **kwargs: object) -> None:
        """Render once (see ``mapping.offline.render_once``)."""
        render_once(self, **kwargs)
