"""Keeping every row that has a name: defaults, "do uzupełnienia", salvaged values.

A partner list rarely says what the schema requires (a resource's kind and
category).  Each such classification is taken, in this order, from the file's
own cell, from the row's words (``vocabulary``), from the default the user
chose for the whole file (``--set kind=…`` or the import page), from the
sheet, folder or layer name ("Biblioteki" → kultura), and otherwise the
record is stored with the catch-all "inne" and the status "do uzupełnienia"
(``schema.TO_COMPLETE``), so that "Aktualizacja" lists it for completion.

A bad optional value ("tel. nieczynny" as the phone) does not reject its
row: the value is left out, kept word for word in the team notes, and the
row gets a warning naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mapping.errors import MapError
from mapping.importing.notes import field_label
from mapping.importing.source import SourceTable, cell_text
from mapping.importing.targets import import_schema
from mapping.importing.vocabulary import match_choice
from mapping.language import Message
from mapping.schema import TO_COMPLETE, Field, FieldType, Layer

__all__ = [
    "FALLBACK",
    "TO_COMPLETE_NOTE",
    "Salvage",
    "check_defaults",
    "classification_fields",
    "context_names",
    "incomplete_records",
    "parse_defaults",
    "salvage_values",
    "with_note",
]

#: How the team notes say what a record "do uzupełnienia" lacks.
TO_COMPLETE_NOTE = "Do uzupełnienia: "

#: The catch-all choice of kind and category for a record nobody could classify.
FALLBACK = "inne"


def classification_fields(layer: str) -> tuple[Field, ...]:
    """The required choices a file often lacks (kind, category); status has its default."""
    if layer not in ("resources", "needs"):
        return ()
    schema = import_schema(layer)
    return tuple(
        f for f in schema.fields if f.required and f.type == FieldType.CHOICE and f.name != "status"
    )


def check_defaults(defaults: Mapping[str, str | None] | None, layer: str) -> dict[str, str]:
    """The per-file defaults as codes; a label ("Kultura i biblioteki") is accepted too.

    Raises
    ------
    MapError naming the field when a field or value is unknown.
    """
    if not defaults:
        return {}
    allowed = {f.name: f for f in classification_fields(layer)}
    by_label = {f.label.casefold(): f for f in allowed.values()}
    checked: dict[str, str] = {}
    for name, value in defaults.items():
        if value is None or not str(value).strip():
            continue
        f = allowed.get(name) or by_label.get(str(name).casefold())
        if f is None:
            names = ", ".join(allowed) or Message("brak")
            raise MapError(
                Message(
                    "nie można ustawić domyślnej wartości pola „{name}” (można: {names})",
                    name=name,
                    names=names,
                ),
                field=str(name),
            )
        code = match_choice(f, str(value))
        if code is None:
            options = ", ".join(c.code for c in f.choices)
            raise MapError(
                Message(
                    "nieznana wartość „{value}”; dozwolone: {allowed}", value=value, allowed=options
                ),
                field=field_label(f),
            )
        checked[f.name] = code
    return checked


def parse_defaults(specs: Iterable[str] | None, layer: str) -> dict[str, str]:
    """``["kind=organizacja", "category=kultura"]`` (the CLI's ``--set``) → codes."""
    pairs: dict[str, str] = {}
    for spec in specs or ():
        name, sep, value = str(spec).partition("=")
        if not sep or not name.strip() or not value.strip():
            raise MapError(
                Message("„{spec}”: podaj pole=wartość, np. category=kultura", spec=spec),
                field="--set",
            )
        pairs[name.strip()] = value.strip()
    return check_defaults(pairs, layer)


def context_names(table: SourceTable) -> list[str]:
    """Names around the rows that may say what they are: the sheet, the layer, the file."""
    names = [table.sheet, table.layer_name, table.path.stem.replace("_", " ")]
    return [n for n in dict.fromkeys(names) if n]


def with_note(values: dict[str, Any], text: str) -> None:
    """Add a line to the record's team notes (kept, never overwritten)."""
    current = cell_text(values.get("notes"))
    values["notes"] = f"{current}\n{text}" if current else text


@dataclass
class Salvage:
    """What was done to keep a row: values left out, warnings (field label, message)."""

    values: dict[str, Any]
    warnings: list[tuple[str, str]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def salvage_values(
    schema: Layer,
    values: Mapping[str, Any],
    problem_fields: Iterable[str | None],
    originals: Mapping[str, Any] | None = None,
) -> Salvage | None:
    """Leave out the optional values validation refused, keeping them in the notes.

    ``originals`` are the cells as the file has them (before tidying), so the
    notes keep exactly what was written ("tel. nieczynny").

    Returns None when a refused value cannot be left out (a required field:
    the row's name), so the row stays rejected.
    """
    by_label = {f.label: f for f in schema.fields}
    kept = Salvage(dict(values))
    for label in dict.fromkeys(problem_fields):
        f = by_label.get(label or "")
        if f is None:
            return None
        if _cut(kept, f):
            continue
        if f.required or f.name == "notes":
            return None
        tidied = kept.values.pop(f.name, None)
        raw = cell_text((originals or {}).get(f.name)) or cell_text(tidied)
        if raw:
            with_note(kept.values, f"{f.label} (z importu): {raw}")
        kept.left_out.append(f.name)
        message = Message(
            "niepoprawna wartość „{value}” — pominięto, zachowano w uwagach zespołu",
            value=_short(raw),
        )
        kept.warnings.append((field_label(f), message))
    if "notes" in schema.field_names:
        _cut(kept, schema.field("notes"))
    return kept


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut(kept: Salvage, f: Field) -> bool:
    """Cut a text longer than its field allows (a whole document pasted into a cell)."""
    value = kept.values.get(f.name)
    if f.type not in (FieldType.TEXT, FieldType.LONGTEXT) or not isinstance(value, str):
        return False
    if len(value) <= f.max_length:
        return False
    kept.values[f.name] = value[: f.max_length - 1] + "…"
    message = Message(
        "tekst za długi ({length} znaków) — obcięto do {limit}",
        length=len(value),
        limit=f.max_length,
    )
    kept.warnings.append((field_label(f), message))
    return True


def incomplete_records(layer: Layer, frame: pd.DataFrame) -> pd.DataFrame:
    """Records marked "do uzupełnienia" (status), with what they miss, for "Aktualizacja"."""
    if "status" not in layer.field_names or frame.empty:
        return frame.iloc[0:0]
    marked = frame[(frame["status"] == TO_COMPLETE) & frame["archived_at"].isna()]
    columns = [c for c in ("id", layer.title_field, "kind", "category", "notes") if c in marked]
    return marked[columns]
