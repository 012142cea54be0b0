"""How the map looks: palettes, marker symbols and the two display styles.

Colours are chosen for colour-blind readers: categories use the Okabe–Ito
palette followed by Paul Tol's "muted" colours; the choropleth uses the
ColorBrewer YlGnBu sequential scheme, which stays ordered in grey-scale and for
every common colour-vision deficiency.  Symbols add a second, colour-free cue:
resources are circles, squares (institutions) or triangles (places), needs are
diamonds with a heavy outline, stale records have a dashed outline.  Area
kinds differ by line: the city a heavy outline, working areas dashed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from mapping.language import say
from mapping.schema import RESOURCES, AreaKind
from mapping.webmap.settings import AreaStyle, LegendItem

__all__ = [
    "AREA_LEGEND_LABELS",
    "CATEGORY_COLORS",
    "CHOROPLETH_COLORS",
    "LAYER_COLORS",
    "LAYER_SHAPES",
    "NEED_STROKE",
    "NO_DATA_COLOR",
    "OTHER_COLOR",
    "POINT_STROKE",
    "PROJECTOR",
    "RESOURCE_KIND_SHAPES",
    "STALE_COLOR",
    "STALE_DASH",
    "STANDARD",
    "STYLES",
    "MapStyle",
    "area_legend",
    "area_styles",
    "choropleth_colors",
]

#: Okabe & Ito (2008) without black first, then Paul Tol's "muted" scheme.
#: Frequent categories get the Okabe–Ito colours (the most separable ones);
#: where it costs nothing the hue hints at the meaning (green for green space).
#: A category added to the schema later falls back to grey until it is listed.
CATEGORY_COLORS: dict[str, str] = {
    "pomoc_spoleczna": "#CC79A7",  # reddish purple (Okabe–Ito)
    "edukacja": "#56B4E9",  # sky blue (Okabe–Ito)
    "kultura": "#E69F00",  # orange (Okabe–Ito)
    "sport": "#F0E442",  # yellow (Okabe–Ito)
    "zdrowie": "#D55E00",  # vermillion (Okabe–Ito)
    "miejsce_spotkan": "#0072B2",  # blue (Okabe–Ito)
    "zielen": "#009E73",  # bluish green (Okabe–Ito)
    "religia": "#332288",  # indigo (Tol)
    "aktywnosc": "#882255",  # wine (Tol)
    "praca": "#44AA99",  # teal (Tol)
    "bezpieczenstwo": "#CC6677",  # rose (Tol)
    "administracja": "#DDCC77",  # sand (Tol)
    "dziedzictwo": "#999933",  # olive (Tol)
    "mieszkalnictwo": "#88CCEE",  # cyan (Tol)
    "inne": "#9E9E9E",  # grey: "other" should not compete with real categories
}
OTHER_COLOR = "#9E9E9E"

#: Marker shape per resource kind (circle unless listed).
RESOURCE_KIND_SHAPES: dict[str, str] = {
    kind.code: {"instytucja": "square", "miejsce": "triangle"}.get(kind.code, "circle")
    for kind in RESOURCES.field("kind").choices
}

#: Default shape and colour of each point layer (colour used when a record has
#: no category).
LAYER_SHAPES: dict[str, str] = {"resources": "circle", "needs": "diamond", "actions": "triangle"}
LAYER_COLORS: dict[str, str] = {"resources": "#0072B2", "needs": "#D55E00", "actions": "#332288"}
#: Marker outlines: needs get a black, heavier one (see ``build_map``), stale
#: records a dark grey dashed one.
POINT_STROKE = "#1a1a1a"
NEED_STROKE = "#000000"
STALE_COLOR = "#444444"
STALE_DASH = "3 2"

#: ColorBrewer YlGnBu, by number of classes (1–5).
_YLGNBU = {
    1: ("#41b6c4",),
    2: ("#a1dab4", "#225ea8"),
    3: ("#edf8b1", "#7fcdbb", "#2c7fb8"),
    4: ("#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"),
    5: ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"),
}
CHOROPLETH_COLORS = _YLGNBU[5]
NO_DATA_COLOR = "#d9d9d9"


def choropleth_colors(k: int) -> tuple[str, ...]:
    """The sequential colours for ``k`` classes (1 ≤ k ≤ 5), light to dark."""
    if k not in _YLGNBU:
        raise ValueError(f"liczba klas musi być od 1 do 5, jest {k}")
    return _YLGNBU[k]


@dataclass(frozen=True)
class MapStyle:
    """Sizes of text, symbols and lines; one instance per display situation.

    Parameters
    ----------
    name : identifier ("standard", "projector")
    label : Polish name offered on the export page
    font_px : base text size of controls, popups and the legend
    label_px : district label size
    small_px : attribution and notes
    point_radius : marker radius in pixels
    point_weight : marker outline width
    line_weight : district outline width
    popup_width : maximal popup width in pixels
    """

    name: str = "standard"
    label: str = "zwykły"
    font_px: int = 14
    label_px: int = 13
    small_px: int = 11
    point_radius: float = 5.0
    point_weight: float = 1.0
    line_weight: float = 1.5
    popup_width: int = 320


STANDARD = MapStyle()
#: For meetings: readable from the back of a room on a projector.
PROJECTOR = MapStyle(
    name="projector",
    label="na rzutnik (duży tekst)",
    font_px=24,
    label_px=24,
    small_px=16,
    point_radius=9.0,
    point_weight=2.0,
    line_weight=3.5,
    popup_width=520,
)
STYLES: dict[str, MapStyle] = {s.name: s for s in (STANDARD, PROJECTOR)}

#: How each kind of area is drawn, line widths in units of the style's
#: ``line_weight``: the city as a heavy outline under everything (not filled,
#: so clicks reach the districts), districts shaded by the indicator, working
#: areas dashed with a faint fill.  Every ``AreaKind`` has an entry.
_AREA_STYLES: dict[AreaKind, AreaStyle] = {
    AreaKind.CITY: AreaStyle("#1f1f1f", 2.0, fill=False, indicator=False),
    AreaKind.DISTRICT: AreaStyle("#3a3a3a", 1.0, shaded=True),
    AreaKind.WORKING_AREA: AreaStyle(
        "#6a3d9a", 1.0, fill_color="#6a3d9a", fill_opacity=0.05, dash="8 6"
    ),
}
#: The legend row naming each kind's outline.
AREA_LEGEND_LABELS: dict[AreaKind, str] = {
    AreaKind.CITY: "granica miasta",
    AreaKind.DISTRICT: "granica dzielnicy",
    AreaKind.WORKING_AREA: "obszar roboczy",
}


def area_styles(style: MapStyle) -> dict[str, AreaStyle]:
    """How each area kind is drawn in ``style``, keyed by the kind's code."""
    return {
        kind.value: replace(look, weight=look.weight * style.line_weight)
        for kind, look in _AREA_STYLES.items()
    }


def area_legend(kinds: Iterable[str], style: MapStyle) -> list[LegendItem]:
    """Legend rows for the area kinds present (codes), drawn as on the map, in drawing order."""
    present = set(kinds)
    drawn = area_styles(style)
    rows = []
    for kind in AreaKind:
        if kind.value in present:
            look = drawn[kind.value]
            label = say(AREA_LEGEND_LABELS[kind])
            rows.append(LegendItem(label, "line", None, look.color, look.weight, dash=look.dash))
    return rows
