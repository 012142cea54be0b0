"""QGIS layer styles (QML) derived from the schema, for the ``layer_styles`` table.

QGIS looks for a default style in a GeoPackage's ``layer_styles`` table when
it opens a layer.  ``layer_qml`` writes that style from ``mapping.schema``:

- a categorised renderer by category with the map's colours
  (``mapping.webmap.styles.CATEGORY_COLORS``); areas as plain outlines by
  kind (the city heavy, working areas dashed); other point layers one symbol;
- labels on the layer's title field;
- Polish field aliases (the schema's labels);
- value maps (the "ValueMap" widget) for choice fields, so QGIS shows and
  offers Polish labels while the file keeps the codes; date pickers for dates;
- system columns (``fid``, version, timestamps, author) read-only, and hidden
  from the attribute table except the record id.

The module is shared by the store (``mapping.store.gpkg_extras``) and the
GeoPackage export, so both open in QGIS looking alike.  It imports neither.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence

from mapping.schema import SYSTEM_FIELDS, AreaKind, Field, FieldType, Layer
from mapping.webmap.styles import (
    CATEGORY_COLORS,
    LAYER_COLORS,
    LAYER_SHAPES,
    OTHER_COLOR,
    STANDARD,
    area_styles,
)

__all__ = ["OTHER_LABEL", "QGIS_VERSION", "layer_columns", "layer_qml"]

#: The QGIS version the style is written for (3.22 of Debian 12 reads it).
QGIS_VERSION = "3.22.0-Białowieża"
#: Label of the catch-all category (QGIS matches every other value with "").
OTHER_LABEL = "pozostałe / brak"
_GEOMETRY_TYPES = {"POINT": "0", "GEOMETRY": "0", "MULTIPOLYGON": "2", None: "4"}
_QGIS_SHAPES = {"circle": "circle", "diamond": "diamond", "triangle": "triangle"}
_SYSTEM_NAMES = {f.name for f in SYSTEM_FIELDS}
#: System columns shown in the attribute table (the id is what people quote).
_SHOWN_SYSTEM = {"id"}


def layer_columns(layer: Layer) -> tuple[str, ...]:
    """The columns of ``layer`` as the store holds them (fid first, geometry apart)."""
    return ("fid", *(f.name for f in SYSTEM_FIELDS), *layer.field_names)


def _rgba(color: str, alpha: int = 255) -> str:
    color = color.lstrip("#")
    red, green, blue = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{alpha}"


def _options(parent: ET.Element, values: dict[str, str]) -> None:
    """QGIS's ``<Option type="Map">`` of string properties."""
    options = ET.SubElement(parent, "Option", type="Map")
    for name, value in values.items():
        ET.SubElement(options, "Option", name=name, type="QString", value=value)


def _symbol(
    parent: ET.Element, name: str, kind: str, layer_class: str, props: dict[str, str]
) -> None:
    symbol = ET.SubElement(
        parent,
        "symbol",
        type=kind,
        name=name,
        alpha="1",
        clip_to_extent="1",
        force_rhr="0",
    )
    symbol_layer = ET.SubElement(
        symbol, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"}
    )
    _options(symbol_layer, props)


def _marker(parent: ET.Element, name: str, color: str, shape: str) -> None:
    _symbol(
        parent,
        name,
        "marker",
        "SimpleMarker",
        {
            "name": _QGIS_SHAPES.get(shape, "circle"),
            "color": _rgba(color),
            "outline_color": "35,35,35,255",
            "outline_width": "0.3",
            "outline_width_unit": "MM",
            "size": "3.2" if shape == "diamond" else "2.8",
            "size_unit": "MM",
        },
    )


def _outline(parent: ET.Element, name: str, color: str, weight: float, dash: str | None) -> None:
    props = {
        "style": "no",  # plain outlines: districts below stay visible and clickable
        "color": "0,0,0,0",
        "outline_color": _rgba(color),
        "outline_style": "dash" if dash else "solid",
        "outline_width": f"{weight:g}",
        "outline_width_unit": "Pixel",
    }
    _symbol(parent, name, "fill", "SimpleFill", props)


def _categories(
    renderer: ET.Element,
    items: Sequence[tuple[str, str]],
    draw: Callable[[ET.Element, str, str], None],
) -> ET.Element:
    """Categories (code, label) each with its symbol drawn by ``draw(symbols, name, code)``."""
    categories = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for index, (code, label) in enumerate(items):
        ET.SubElement(
            categories, "category", value=code, label=label, symbol=str(index), render="true"
        )
        draw(symbols, str(index), code)
    return symbols


def _renderer(root: ET.Element, layer: Layer, columns: Sequence[str]) -> None:
    attrs = {"symbollevels": "0", "enableorderby": "0", "forceraster": "0"}
    if layer.geometry == "MULTIPOLYGON" and "kind" in columns:
        looks = area_styles(STANDARD)
        kind = layer.field("kind")
        renderer = ET.SubElement(
            root, "renderer-v2", {"type": "categorizedSymbol", "attr": "kind", **attrs}
        )
        items = [(code, kind.choice_label(code)) for code in kind.codes]

        def draw_area(symbols: ET.Element, name: str, code: str) -> None:
            look = looks.get(code, looks[AreaKind.DISTRICT.value])
            _outline(symbols, name, look.color, look.weight, look.dash)

        _categories(renderer, items, draw_area)
        return
    shape = LAYER_SHAPES.get(layer.name, "circle")
    layer_color = LAYER_COLORS.get(layer.name, OTHER_COLOR)
    if "category" in layer.field_names and "category" in columns:
        category = layer.field("category")
        renderer = ET.SubElement(
            root, "renderer-v2", {"type": "categorizedSymbol", "attr": "category", **attrs}
        )
        items = [(c.code, c.label) for c in category.choices] + [("", OTHER_LABEL)]

        def draw_point(symbols: ET.Element, name: str, code: str) -> None:
            _marker(symbols, name, CATEGORY_COLORS.get(code, OTHER_COLOR), shape)

        _categories(renderer, items, draw_point)
        return
    renderer = ET.SubElement(root, "renderer-v2", {"type": "singleSymbol", **attrs})
    symbols = ET.SubElement(renderer, "symbols")
    _marker(symbols, "0", layer_color, shape)


def _labeling(root: ET.Element, layer: Layer) -> None:
    labeling = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    ET.SubElement(
        settings,
        "text-style",
        fieldName=layer.title_field,
        isExpression="0",
        fontFamily="Sans Serif",
        fontSize="8",
        fontSizeUnit="Point",
        textColor="40,40,40,255",
        textOpacity="1",
    )
    ET.SubElement(
        settings, "text-buffer", bufferDraw="1", bufferSize="0.8", bufferColor="255,255,255,255"
    )
    polygon = layer.geometry == "MULTIPOLYGON"
    # Points: around the symbol; areas: horizontal inside.
    ET.SubElement(settings, "placement", placement="4" if polygon else "0", dist="1")
    ET.SubElement(settings, "rendering", obstacle="1", displayAll="0")


def _widget(field: Field) -> tuple[str, ET.Element]:
    config = ET.Element("config")
    if field.type == FieldType.CHOICE:
        outer = ET.SubElement(config, "Option", type="Map")
        values = ET.SubElement(outer, "Option", name="map", type="List")
        for choice in field.choices:
            pair = ET.SubElement(values, "Option", type="Map")
            # QGIS's value map: the shown label is the key, the stored code the value.
            ET.SubElement(pair, "Option", name=choice.label, type="QString", value=choice.code)
        return "ValueMap", config
    if field.type == FieldType.DATE:
        _options(
            config,
            {
                "field_format": "yyyy-MM-dd",
                "display_format": "dd.MM.yyyy",
                "calendar_popup": "true",
                "allow_null": "true",
            },
        )
        return "DateTime", config
    multiline = "true" if field.type == FieldType.LONGTEXT else "false"
    _options(config, {"IsMultiline": multiline, "UseHtml": "false"})
    return "TextEdit", config


def _fields(root: ET.Element, layer: Layer, columns: Sequence[str]) -> None:
    declared = {f.name: f for f in (*SYSTEM_FIELDS, *layer.fields)}
    configuration = ET.SubElement(root, "fieldConfiguration")
    aliases = ET.SubElement(root, "aliases")
    table = ET.SubElement(root, "attributetableconfig", actionWidgetStyle="dropDown")
    table_columns = ET.SubElement(table, "columns")
    editable = ET.SubElement(root, "editable")
    constraints = ET.SubElement(root, "constraints")
    for index, name in enumerate(columns):
        field = declared.get(name)
        system = field is None or name in _SYSTEM_NAMES
        hidden = system and name not in _SHOWN_SYSTEM
        flags = "HideFromWms|HideFromWfs" if hidden else "None"
        entry = ET.SubElement(configuration, "field", name=name, configurationFlags=flags)
        if field is not None:
            kind, config = _widget(field)
            widget = ET.SubElement(entry, "editWidget", type=kind)
            widget.append(config)
        label = "Nr wiersza" if field is None else field.label
        ET.SubElement(aliases, "alias", field=name, index=str(index), name=label)
        ET.SubElement(
            table_columns, "column", type="field", name=name, hidden=str(int(hidden)), width="-1"
        )
        # The app and the file's triggers keep system columns; a hand edit would lie.
        ET.SubElement(editable, "field", name=name, editable="0" if system else "1")
        required = field is not None and field.required and not system
        ET.SubElement(
            constraints,
            "constraint",
            field=name,
            constraints="1" if required else "0",
            notnull_strength="1" if required else "0",  # soft: QGIS warns, still saves
            unique_strength="0",
            exp_strength="0",
        )


def layer_qml(layer: Layer, columns: Iterable[str] | None = None) -> str:
    """The QGIS style of ``layer`` as a QML document.

    Parameters
    ----------
    layer : the schema layer
    columns : the columns the table holds, in order (the store's by default);
        an export for the public leaves some out
    """
    present = tuple(columns) if columns is not None else layer_columns(layer)
    root = ET.Element(
        "qgis",
        version=QGIS_VERSION,
        styleCategories="AllStyleCategories",
        labelsEnabled="1" if layer.geometry else "0",
    )
    if layer.geometry:
        _renderer(root, layer, present)
        _labeling(root, layer)
    _fields(root, layer, present)
    ET.SubElement(root, "previewExpression").text = f'"{layer.title_field}"'
    ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_TYPES[layer.geometry]
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body
