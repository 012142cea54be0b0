"""The settings Python passes to the map's JavaScript: one typed contract.

The browser code (``static/mapa/*.js``) decides nothing about the data's
vocabulary: every size, colour, label, area kind and option it uses arrives
as one of these frozen dataclasses, serialised in one place,
``settings_json``:

``MapSettings``
    once per map, ``MAPA.init(map, settings)``: title, attribution, the
    style's sizes (as CSS variables for ``runtime.css``) and the runtime's
    fixed texts (``MapTexts``).
``LayerSettings``
    once per record layer, ``MAPA.layer(map, packed, settings)``: what the
    popups show, how points and areas are drawn (``AreaStyle`` per area kind,
    keyed by ``mapping.schema.AreaKind``), clustering.
``LegendSettings``
    the legend, ``MAPA.legend(map, settings)``.
``PanelSettings``
    the export's filter panel, ``MAPA_PANEL(map, settings)``.

Field names become camelCase JSON keys (``show_id`` → ``showId``); keys of
mappings (field names, category codes, area kinds) are data and stay as
they are.  The JSON goes through ``script_json``: folium renders an element's
output as a Jinja template a second time unless it renders through
``mapping.webmap.assets.render_once``, and the escaping keeps user text inert
in both cases.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from mapping.language import say
from mapping.schema import AreaKind

if TYPE_CHECKING:
    # Only annotations: mapping.webmap.styles builds its area styles from this module.
    from mapping.webmap.styles import MapStyle

__all__ = [
    "AreaStyle",
    "FieldSpec",
    "IndicatorSpec",
    "LayerSettings",
    "LegendItem",
    "LegendSection",
    "LegendSettings",
    "MapSettings",
    "MapTexts",
    "Outline",
    "PanelCategory",
    "PanelSettings",
    "escape_json_text",
    "script_json",
    "settings_json",
]

_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """JSON for a ``<script>`` element: compact, HTML-safe and Jinja-inert.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes so no string can close
    the script element; a ``{`` opening ``{{``, ``{%`` or ``{#`` becomes
    ``\\u007b`` so no template engine sees a tag.  Both occur only inside JSON
    strings, where the escapes decode to the same text.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return escape_json_text(text)


def escape_json_text(text: str) -> str:
    """Apply ``script_json``'s escaping to already serialised JSON text."""
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )
    return _JINJA_OPEN.sub(lambda _: "\\u007b", text)


def settings_json(settings: Any) -> str:
    """``settings`` (one of this module's dataclasses) as escaped JSON for the page."""
    return script_json(_plain(settings))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_camel(f.name): _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _said_defaults(cls: type, names: frozenset[str] | None = None) -> dict[str, str]:
    """The text defaults of dataclass ``cls`` (those in ``names``, else all) said in the
    language being written (``mapping.language.writing``)."""
    return {
        f.name: say(str(f.default))
        for f in dataclasses.fields(cls)
        if names is None or f.name in names
    }


# --- the map ---------------------------------------------------------------------


@dataclass(frozen=True)
class MapTexts:
    """The runtime's own words in popups and tooltips."""

    sample_badge: str = "przykład"
    no_data: str = "brak danych"
    verified: str = "zweryfikowano: "
    unverified: str = "brak daty weryfikacji"
    stale_suffix: str = " — nieaktualne"
    record_id: str = "id: "

    @classmethod
    def written(cls) -> MapTexts:
        """The texts in the language being written (``mapping.language.writing``)."""
        return cls(**_said_defaults(cls))


@dataclass(frozen=True)
class MapSettings:
    """What the whole map shares (``MAPA.init``).

    Parameters
    ----------
    title : shown centred at the top of the map (plain text), or None
    attribution : HTML snippets for Leaflet's attribution control (trusted,
        built by ``mapping.webmap.legend.attribution_html``)
    font_px, small_px, label_px : text sizes (see ``MapStyle``)
    control_px : side of the layer-control button (a touch target)
    texts : the runtime's fixed texts
    """

    title: str | None
    attribution: tuple[str, ...]
    font_px: int
    small_px: int
    label_px: int
    control_px: int
    texts: MapTexts = MapTexts()

    @classmethod
    def for_style(
        cls,
        style: MapStyle,
        *,
        title: str | None,
        attribution: list[str] | tuple[str, ...],
        texts: MapTexts | None = None,
    ) -> MapSettings:
        """The settings of a map drawn in ``style`` (``texts``: Polish when not given)."""
        return cls(
            title=title,
            attribution=tuple(attribution),
            texts=texts or MapTexts(),
            font_px=style.font_px,
            small_px=style.small_px,
            label_px=style.label_px,
            # 36 px at least: a finger-sized target on a phone.
            control_px=max(36, style.font_px * 2),
        )


# --- record layers ---------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """A field a popup shows: its name in the properties, its label, its type."""

    name: str
    label: str
    type: str


@dataclass(frozen=True)
class IndicatorSpec:
    """The indicator areas are shaded by, as popups name it."""

    label: str
    unit: str


@dataclass(frozen=True)
class Outline:
    """A line's colour and width (px)."""

    color: str
    weight: float


@dataclass(frozen=True)
class AreaStyle:
    """How areas of one kind are drawn.

    Parameters
    ----------
    color, weight : outline colour and width (px)
    fill : whether the inside is drawn (and clickable)
    fill_color, fill_opacity : the inside; None colour: the outline's
    dash : SVG dash pattern of the outline, or None for a solid line
    shaded : takes the indicator's class colours when the map has one
    indicator : popups and tooltips name the indicator's value
    """

    color: str
    weight: float
    fill: bool = True
    fill_color: str | None = None
    fill_opacity: float = 0.0
    dash: str | None = None
    shaded: bool = False
    indicator: bool = True


@dataclass(frozen=True)
class LayerSettings:
    """One record layer (``MAPA.layer``): what its popups say and how it is drawn.

    Parameters
    ----------
    kind : "points" (records) or "areas"
    label : the layer's name (popup title when a record has none)
    title : the field holding a record's title
    fields : the fields popups show, in order
    choices : choice labels by field name and code
    sample : the ``source`` value marking sample records, or None
    freshness : the verification-date field, or None
    show_id : popups end in the record id (editors)
    has_shapes : some features are lines or polygons
    stale_color, stale_dash : outline of stale records
    line_weight : outline width of lines and polygons
    popup_width : maximal popup width (px)
    no_data_color : fill of a shaded area without a value
    colors : point fill by category code; ``color`` for the others
    shape, shapes : marker shape, and by ``kind`` code
    stroke, weight, radius : marker outline colour, width and radius
    area_styles : how each area kind is drawn; ``area_default`` for the others
    focus : outline of the focused area
    indicator, classes : the indicator and its class colours, or None
    cluster : supercluster options (``static/mapa/clusters.js``), or None to draw
        every point
    popups : a click opens the record's popup (the projector's areas do not:
        there a click places a need)
    """

    kind: Literal["points", "areas"]
    label: str
    title: str
    fields: tuple[FieldSpec, ...]
    choices: Mapping[str, Mapping[str, str]]
    sample: str | None
    freshness: str | None
    show_id: bool
    has_shapes: bool
    stale_color: str
    stale_dash: str
    line_weight: float
    popup_width: int
    no_data_color: str
    colors: Mapping[str, str] = field(default_factory=dict)
    color: str | None = None
    shape: str = "circle"
    shapes: Mapping[str, str] = field(default_factory=dict)
    stroke: str | None = None
    weight: float = 1.0
    radius: float = 5.0
    area_styles: Mapping[str, AreaStyle] = field(default_factory=dict)
    area_default: str = AreaKind.DISTRICT.value
    focus: Outline | None = None
    indicator: IndicatorSpec | None = None
    classes: tuple[str, ...] | None = None
    cluster: Mapping[str, Any] | None = None
    popups: bool = True


# --- legend ------------------------------------------------------------------------


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


@dataclass(frozen=True)
class LegendSettings:
    """The legend control (``MAPA.legend``): a summary line, sections, notes.

    The first section is the colour key: it stays open while later sections
    fold to keep the legend small.  ``position`` is where it starts; the
    runtime moves it to the corner where it covers the least of the areas.
    ``remember`` names the browser storage entry that keeps the legend folded
    or open from one map to the next, or None: open on a tall map, folded on
    a small one.
    """

    title: str
    position: str
    sections: tuple[LegendSection, ...]
    notes: tuple[str, ...]
    remember: str | None = None


# --- the export's filter panel -------------------------------------------------------


@dataclass(frozen=True)
class PanelCategory:
    """A category checkbox: the code ("" for none), its label and colour."""

    key: str
    label: str
    color: str


@dataclass(frozen=True)
class PanelSettings:
    """The filter panel (``MAPA_PANEL``) of the one-file HTML export.

    Parameters
    ----------
    day : the always visible line ("stan na dzień … · wersja …")
    categories : the checkboxes, in order
    sources : data sources listed under ``sources_title`` (plain text)
    sample : a note on sample records, or None
    search : fields searched besides each layer's title field
    position : a Leaflet control corner
    The rest are the panel's texts.
    """

    day: str
    categories: tuple[PanelCategory, ...]
    sources: tuple[str, ...]
    sample: str | None
    search: tuple[str, ...]
    position: str = "bottomright"
    title: str = "Szukaj i filtruj"
    search_label: str = "Nazwa lub adres"
    search_hint: str = "np. biblioteka"
    categories_title: str = "Kategorie"
    all_label: str = "wszystkie"
    none_label: str = "żadne"
    shown: str = "pokazano"
    of: str = "z"
    hits_title: str = "Pokaż na mapie:"
    sources_title: str = "Źródła danych"

    @classmethod
    def written_texts(cls) -> dict[str, str]:
        """The panel's texts in the language being written (``mapping.language.writing``)."""
        return _said_defaults(cls, _PANEL_TEXTS)


#: The fields of ``PanelSettings`` that are its words.
_PANEL_TEXTS = frozenset(
    "title search_label search_hint categories_title all_label none_label shown of hits_title "
    "sources_title".split()
)
