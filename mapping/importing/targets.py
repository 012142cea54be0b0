"""What a column of an imported file can become: a schema field or a helper column.

Besides the fields declared in ``mapping.schema``, spreadsheets carry values
that are not fields themselves but make one: latitude and longitude (or one
"współrzędne" cell) make the location, "ulica" and "numer" make the address.
These helper targets are named here once, with their Polish labels.  The
labels are ``mapping.language.Message``s (a field's English is its ``label_en``),
so the notes that name them are said in the reader's language.
"""

from __future__ import annotations

import functools

from mapping.language import Message, named
from mapping.schema import AREAS, NEEDS, RESOURCES, Layer

__all__ = [
    "ADDRESS",
    "COORDINATES",
    "HOUSE_NUMBER",
    "IMPORT_LAYERS",
    "IMPORT_LAYER_LABELS",
    "LAT",
    "LON",
    "RECORD_ID",
    "RECORD_VERSION",
    "STREET",
    "WKT",
    "import_schema",
    "store_layer",
    "target_label",
    "targets",
]

LAT = "lat"
LON = "lon"
COORDINATES = "coordinates"
STREET = "street"
HOUSE_NUMBER = "house_number"
#: For needs (which have no address field): an address used only to find the place.
ADDRESS = "address"
#: A record's id and version, as every export writes them: a re-import updates that record.
RECORD_ID = "id"
RECORD_VERSION = "version"
#: A geometry written as WKT ("POINT (18.6 54.3)", "MULTIPOLYGON (((…)))").
WKT = "wkt"

#: Import "layers" offered to the user; ``districts`` are areas of ``AreaKind.DISTRICT``.
IMPORT_LAYERS = ("resources", "needs", "districts")
#: How the import page names them: the schema's labels, and district boundaries.
IMPORT_LAYER_LABELS: dict[str, str] = {
    "resources": RESOURCES.label,
    "needs": NEEDS.label,
    "districts": "Granice dzielnic",
}

_HELPERS: dict[str, str] = {
    LAT: Message("Szerokość geograficzna (Y)"),
    LON: Message("Długość geograficzna (X)"),
    COORDINATES: Message("Współrzędne (szerokość, długość)"),
    STREET: Message("Ulica"),
    HOUSE_NUMBER: Message("Numer domu"),
    WKT: Message("Geometria (WKT)"),
    RECORD_ID: Message("Identyfikator wpisu (z eksportu)"),
    RECORD_VERSION: Message("Wersja wpisu (z eksportu)"),
}
_NEED_ADDRESS_LABEL = Message("Adres (tylko do ustalenia lokalizacji)")
#: Fields of an area a district-boundaries file can fill or be matched on.
_DISTRICT_FIELDS = ("name", "teryt")


def _check(layer: str) -> None:
    if layer not in IMPORT_LAYERS:
        raise ValueError(
            f"nieznana warstwa importu {layer!r}; dostępne: {', '.join(IMPORT_LAYERS)}"
        )


def import_schema(layer: str) -> Layer:
    """The schema layer records of an import layer go into."""
    _check(layer)
    return {"resources": RESOURCES, "needs": NEEDS, "districts": AREAS}[layer]


def store_layer(layer: str) -> str:
    """The store layer name: ``districts`` live in ``areas``."""
    return import_schema(layer).name


def targets(layer: str) -> dict[str, str]:
    """Every target a column of an ``layer`` import may map to → its label (a ``Message``)."""
    return dict(_targets(layer))


@functools.cache
def _targets(layer: str) -> dict[str, str]:
    # Cached: labels are looked up per row and per note (ten thousand rows, many notes).
    schema = import_schema(layer)
    if layer == "districts":
        fields = {name: _label(schema, name) for name in _DISTRICT_FIELDS}
        return {**fields, WKT: _HELPERS[WKT]}  # a boundary from CSV/XLSX
    options = {f.name: _label(schema, f.name) for f in schema.fields}
    options.update(_HELPERS)
    if "address" not in schema.field_names:
        options[ADDRESS] = _NEED_ADDRESS_LABEL
    return options


def _label(schema: Layer, name: str) -> str:
    f = schema.field(name)
    return named(f.label, f.label_en)


def target_label(layer: str, target: str) -> str:
    """The Polish label of a target (the target itself if unknown)."""
    return _targets(layer).get(target, target)
