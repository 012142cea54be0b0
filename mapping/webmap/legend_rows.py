"""The rows of the map legend, collected while ``build_map`` adds its layers.

Only what is on the map gets a row: categories and resource kinds of the
records that have a location, the area kinds drawn, the shading classes, a
stale-record row when some record is stale.  ``LegendParts.element`` turns
them into the ``mapping.webmap.legend.Legend`` control.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from mapping.frames import has_location
from mapping.language import say, the_label
from mapping.schema import CATEGORIES, Layer, get_layer
from mapping.webmap.classes import Classification, format_number
from mapping.webmap.legend import Legend, LegendItem, LegendSection
from mapping.webmap.packing import LayerData
from mapping.webmap.styles import (
    CATEGORY_COLORS,
    LAYER_SHAPES,
    NEED_STROKE,
    NO_DATA_COLOR,
    OTHER_COLOR,
    POINT_STROKE,
    RESOURCE_KIND_SHAPES,
    STALE_COLOR,
    MapStyle,
    area_legend,
)

__all__ = ["LegendParts"]

_SYMBOL_LABELS = {"needs": "potrzeba", "actions": "działanie"}


@dataclass
class LegendParts:
    """Collects legend rows while layers are added."""

    categories: set[str] = field(default_factory=set)
    symbols: list[LegendItem] = field(default_factory=list)
    areas: list[LegendItem] = field(default_factory=list)
    classes: LegendSection | None = None
    notes: list[str] = field(default_factory=list)
    stale: bool = False
    stale_days: int = 365
    #: Some layer is drawn as count bubbles: the legend says what a bubble is.
    clustered: bool = False

    def add_records(
        self,
        key: str,
        frame: gpd.GeoDataFrame,
        data: LayerData,
        stale: pd.Series,
        stale_days: int,
    ) -> None:
        """Rows for a record layer: its categories, symbols, staleness and unplaced count."""
        layer = get_layer(key)
        placed = has_location(frame.geometry).to_numpy()
        if "category" in frame.columns:
            self.categories |= _distinct(frame["category"][placed])
        kinds = None
        if key == "resources" and "kind" in frame.columns:
            kinds = _distinct(frame["kind"][placed])
        if placed.any():
            self.symbols.extend(_layer_symbols(key, layer, kinds))
        if bool((stale.to_numpy() & placed).any()):
            self.stale, self.stale_days = True, stale_days
        if data.unplaced:
            self.notes.append(
                say(
                    "{layer}: {count} bez lokalizacji (poza mapą).",
                    layer=the_label(layer),
                    count=format_number(data.unplaced),
                )
            )

    def add_classes(self, label: str, unit: str, classes: Classification) -> None:
        """The shading section: one box per class, and "brak danych" when some lack a value."""
        items = [
            LegendItem(text, "box", color, "#3a3a3a", 0.8)
            for text, color in zip(classes.labels, classes.colors, strict=True)
        ]
        if classes.missing:
            items.append(LegendItem(say("brak danych"), "box", NO_DATA_COLOR, "#3a3a3a", 0.8))
        # "Zasoby na 1000 mieszkańców" already says its unit; don't repeat it.
        repeated = unit in ("", "udział", "liczba") or unit in label
        shown_unit = "" if repeated else f" [{say(unit)}]"
        self.classes = LegendSection(f"{say(label)}{shown_unit}", tuple(items))

    def add_areas(self, kinds: pd.Series, style: MapStyle) -> None:
        """Rows for the area kinds present (codes), drawn as on the map."""
        self.areas.extend(area_legend(kinds.dropna(), style))

    def element(self) -> Legend:
        """The legend control with every section collected so far."""
        categories = [
            LegendItem(
                the_label(c), "circle", CATEGORY_COLORS.get(c.code, OTHER_COLOR), POINT_STROKE
            )
            for c in CATEGORIES
            if c.code in self.categories
        ]
        symbols = list(self.symbols)
        if self.stale:
            symbols.append(
                LegendItem(
                    say(
                        "nieaktualny (weryfikacja ponad {days} dni temu lub brak)",
                        days=self.stale_days,
                    ),
                    "circle",
                    "#e0e0e0",
                    STALE_COLOR,
                    1.5,
                    dash="2 2",
                )
            )
        if self.clustered:
            # The bubbles' look (static/mapa/runtime.css, .mapa-cluster-s).
            symbols.append(
                LegendItem(
                    say("skupisko punktów: liczba w kółku, kliknij, aby przybliżyć"),
                    "circle",
                    "#6ecc39",
                    "#b5e28c",
                    3,
                )
            )
        # The shading's colour key first: it stays open when the legend
        # folds its other sections to stay small (the panel also shows the
        # categories' colours).
        sections = [self.classes] if self.classes is not None else []
        sections += [
            LegendSection(say("Kategorie"), tuple(categories)),
            LegendSection(say("Symbole"), tuple(symbols)),
            LegendSection(the_label(get_layer("areas")), tuple(self.areas)),
        ]
        return Legend(sections, self.notes, title=say("Legenda"))


def _distinct(values: pd.Series) -> set[str]:
    return {str(v) for v in values.dropna().unique().tolist()}


def _layer_symbols(key: str, layer: Layer, kinds: set[str] | None) -> list[LegendItem]:
    """Legend rows for a layer's marker shapes (resources: one per shape of kinds present)."""
    shape = LAYER_SHAPES.get(key, "circle")
    if kinds is None:
        stroke, weight = (NEED_STROKE, 2.2) if shape == "diamond" else (POINT_STROKE, 1.2)
        label = say(_SYMBOL_LABELS[key]) if key in _SYMBOL_LABELS else the_label(layer).lower()
        return [LegendItem(label, shape, "#ffffff", stroke, weight)]
    kind_field = layer.field("kind")
    by_shape: dict[str, list[str]] = {}
    for choice in kind_field.choices:
        if choice.code in kinds:
            by_shape.setdefault(RESOURCE_KIND_SHAPES.get(choice.code, "circle"), []).append(
                the_label(choice)
            )
    return [
        LegendItem(say("zasób: {kinds}", kinds=", ".join(labels)), shape, "#ffffff", POINT_STROKE)
        for shape, labels in by_shape.items()
    ]
