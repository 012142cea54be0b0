"""Records as the data build assembles them, and the checks run before writing.

A record is a plain dict: ``id``, ``geometry`` (a shapely geometry or None)
and every declared field of its layer.  List fields (MULTICHOICE, REFS) hold
lists, never None, so the written GeoJSON always has a JSON list there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from mapping.errors import MapError
from mapping.frames import is_list_field
from mapping.schema import LAYERS, FieldType, Layer

__all__ = ["DataBuildError", "Record", "check_records", "new_record", "slugify"]

Record = dict[str, Any]


class DataBuildError(MapError):
    """The raw sources do not look as the build expects (Polish message)."""


def slugify(text: str) -> str:
    """ASCII slug for ids: ``"Orunia-Św. Wojciech-Lipce"`` → ``"orunia-sw-wojciech-lipce"``.

    ``ł`` has no Unicode decomposition, so it is mapped by hand.
    """
    text = text.lower().replace("ł", "l")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def new_record(layer: Layer, record_id: str, geometry: Any = None, **values: Any) -> Record:
    """A record of ``layer`` with every field present (None or [] when not given).

    Raises KeyError naming the layer for a field the schema does not declare,
    so a typo in the build cannot silently drop a value.
    """
    for name in values:
        layer.field(name)
    record: Record = {"id": record_id, "geometry": geometry}
    for f in layer.fields:
        default: Any = [] if is_list_field(f.type) else None
        record[f.name] = values.get(f.name, default)
    return record


def _record_problems(layer: Layer, record: Record) -> list[str]:
    problems = []
    for f in layer.fields:
        value = record[f.name]
        if f.required and value in (None, "", []):
            problems.append(f"brak wymaganego pola „{f.name}”")
        if f.type == FieldType.CHOICE and value is not None and value not in f.codes:
            problems.append(f"pole „{f.name}”: nieznany kod {value!r}")
        if f.type == FieldType.MULTICHOICE and not set(value) <= set(f.codes):
            problems.append(f"pole „{f.name}”: nieznane kody {sorted(set(value) - set(f.codes))}")
    return problems


def _dangling_refs(layer: Layer, record: Record, ids: Mapping[str, set[str]]) -> list[str]:
    problems = []
    for f in layer.fields:
        if f.type == FieldType.REFS and f.ref_layer is not None:
            missing = sorted(set(record[f.name]) - ids[f.ref_layer])
            if missing:
                problems.append(f"pole „{f.name}” wskazuje nieistniejące rekordy {missing}")
    return problems


def check_records(layers: Mapping[str, list[Record]]) -> None:
    """Check required fields, choice codes, unique ids and references between layers.

    Raises
    ------
    DataBuildError listing every problem found, each with the record id.
    """
    ids = {name: {r["id"] for r in records} for name, records in layers.items()}
    problems: list[str] = []
    seen: set[str] = set()
    for name, records in layers.items():
        layer = LAYERS[name]
        for record in records:
            if record["id"] in seen:
                problems.append(f"{record['id']}: identyfikator powtarza się")
            seen.add(record["id"])
            found = _record_problems(layer, record) + _dangling_refs(layer, record, ids)
            problems.extend(f"{name}/{record['id']}: {p}" for p in found)
    if problems:
        raise DataBuildError("Błędne rekordy danych startowych: " + "; ".join(problems))
