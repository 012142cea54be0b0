"""Notes about one row of an imported file: a rejection reason or a warning.

Every note names the spreadsheet row (header row = 1, first data row = 2, as
Excel shows it) and the label of the field it concerns, so the import
preview and the JSON report read the same way as validation errors in forms.
Labels and messages are ``mapping.language.Message``s: Polish text (the JSON
report writes it so) that the page says in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mapping.errors import MapError
from mapping.language import Message, joined, named
from mapping.schema import Field
from mapping.validation import LOCATION_LABEL, error_message, field_label

__all__ = [
    "LOCATION_LABEL",
    "Note",
    "choice_label",
    "counted",
    "error_message",
    "field_label",
    "notes_from_error",
    "quoted",
]


def choice_label(f: Field, code: str) -> str:
    """The label of choice ``code`` of ``f`` as a message (the code itself if unknown)."""
    for c in f.choices:
        if c.code == code:
            return named(c.label, c.label_en)
    return code


def quoted(names: Iterable[str]) -> str:
    """Names from a file, each in quotes of the reader's language: „Stogi”, „Rudniki”."""
    return joined(", ", [Message("„{name}”", name=name) for name in names])


def counted(counts: Mapping[str, int]) -> str:
    """Names with how many rows each has: „Biblioteki” (12), „Kluby” (3)."""
    return joined(", ", [Message("„{name}” ({count})", name=n, count=c) for n, c in counts.items()])


@dataclass(frozen=True)
class Note:
    """One problem or warning: row number (None for the whole file), field label, message."""

    row: int | None
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The note as the import report writes it."""
        return {"row": self.row, "field": self.field, "message": self.message}

    def describe(self) -> str:
        """One line for people: ``wiersz 5, pole „Nazwa”: pole jest wymagane``."""
        return MapError(self.message, row=self.row, field=self.field).describe()


def notes_from_error(error: MapError, row: int | None) -> list[Note]:
    """Notes for every problem a ``MapError`` (or ``ValidationError``) carries."""
    problems = getattr(error, "problems", None) or [error]
    return [Note(p.row if p.row is not None else row, p.field, p.message) for p in problems]
