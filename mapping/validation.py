"""Validation and normalisation of records against the schema.

One function, ``clean_record``, turns user input (form values, spreadsheet
cells, JSON) into a record whose values follow the record-frame conventions,
or raises ``ValidationError`` listing every problem with the row and the
field's Polish label.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from mapping.errors import MapError, ValidationError
from mapping.language import Message, joined, named
from mapping.schema import Field, FieldType, Layer
from mapping.text import fold

__all__ = [
    "LOCATION_LABEL",
    "already_clean",
    "clean_record",
    "clean_text",
    "clean_value",
    "error_message",
    "field_label",
    "missing_location",
]

_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-/]{6,30}$")
_DATE_DMY = re.compile(r"^(\d{1,2})[.\-/](\d{1,2})[.\-/](\d{4})$")


# Line breaks typed in other programs: Word's Shift+Enter (U+000B), form feeds,
# Windows and old Mac line ends, the Unicode line and paragraph separators.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Every other control character (C0 but tab and newline, DEL, C1), lone
# surrogates, a stray byte-order mark (U+FEFF, which matplotlib's PDF writer
# cannot embed) and the non-characters U+FFFE/U+FFFF: invisible, refused by
# Word's XML and by Excel, and a NUL truncates the text in C libraries.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufeff\ufffe\uffff]"
)


def clean_text(text: str) -> str:
    """Text without control characters: line breaks become ``\\n``, the rest go.

    Tab and newline stay.  Done once, here, for every text that is stored;
    exports apply it again to whatever an older file may hold.
    """
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", text))


def _cleaned_input(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [clean_text(v) if isinstance(v, str) else v for v in value]
    return value


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    return isinstance(value, list | tuple) and not value


def _as_text(value: Any, f: Field) -> str:
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > f.max_length:
        raise ValueError(
            Message(
                "tekst jest za długi ({length} znaków, najwyżej {limit})",
                length=len(text),
                limit=f.max_length,
            )
        )
    return text


@lru_cache(maxsize=256)
def _choice_lookup(f: Field) -> dict[str, str]:
    # Folding every label on every cell made imports of 10,000 rows slow.
    lookup: dict[str, str] = {}
    for choice in reversed(f.choices):  # earlier choices win on clashes
        for text in (choice.label_en, choice.label, choice.code):
            lookup[fold(text)] = choice.code
    return lookup


def _as_choice(value: Any, f: Field) -> str:
    code = _choice_lookup(f).get(fold(str(value)))
    if code is not None:
        return code
    allowed = joined(", ", [named(c.label, c.label_en) for c in f.choices])
    raise ValueError(
        Message("nieznana wartość „{value}”; dozwolone: {allowed}", value=value, allowed=allowed)
    )


def _split(value: Any) -> list[str]:
    if isinstance(value, list | tuple | set):
        return [str(v) for v in value if not _is_blank(v)]
    return [part.strip() for part in re.split(r"[;,]", str(value)) if part.strip()]


def _as_multichoice(value: Any, f: Field) -> list[str]:
    codes = [_as_choice(item, f) for item in _split(value)]
    return list(dict.fromkeys(codes))  # keep order, drop repeats


def _as_refs(value: Any, f: Field) -> list[str]:
    return list(dict.fromkeys(_split(value)))


def _as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(Message("oczekiwano liczby"))
    if isinstance(value, int | float):
        return float(value)
    # Polish spreadsheets write "1 234,5" (space or NBSP thousands, decimal comma).
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValueError(Message("„{value}” nie jest liczbą", value=value)) from None


def _as_integer(value: Any, f: Field) -> int:
    number = _as_number(value)
    if not number.is_integer():
        raise ValueError(Message("oczekiwano liczby całkowitej, jest {value}", value=value))
    if f.minimum is not None and number < f.minimum:
        raise ValueError(
            Message("wartość nie może być mniejsza niż {minimum:g}", minimum=f.minimum)
        )
    return int(number)


def _as_real(value: Any, f: Field) -> float:
    number = _as_number(value)
    if math.isnan(number) or math.isinf(number):
        raise ValueError(Message("oczekiwano liczby"))
    if f.minimum is not None and number < f.minimum:
        raise ValueError(
            Message("wartość nie może być mniejsza niż {minimum:g}", minimum=f.minimum)
        )
    return number


def _as_date(value: Any, f: Field) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    match = _DATE_DMY.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day).isoformat()
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise ValueError(
            Message("„{value}” nie jest datą (RRRR-MM-DD lub DD.MM.RRRR)", value=value)
        ) from None


def _as_email(value: Any, f: Field) -> str:
    text = _as_text(value, f)
    if not _EMAIL.match(text):
        raise ValueError(Message("„{value}” nie jest poprawnym adresem e-mail", value=text))
    return text


def _as_phone(value: Any, f: Field) -> str:
    text = _as_text(value, f)
    if not _PHONE.match(text):
        raise ValueError(Message("„{value}” nie jest numerem telefonu", value=text))
    return text


def _as_url(value: Any, f: Field) -> str:
    text = _as_text(value, f)
    if "://" not in text and text.startswith("www."):
        text = "https://" + text
    # Only web links: a javascript: or data: URL would run in a popup.
    if not re.match(r"^https?://[^\s<>\"']+$", text, re.IGNORECASE):
        raise ValueError(
            Message("„{value}” nie jest adresem strony (http:// lub https://)", value=text)
        )
    return text


_CONVERTERS: dict[FieldType, Callable[[Any, Field], Any]] = {
    FieldType.TEXT: _as_text,
    FieldType.LONGTEXT: _as_text,
    FieldType.CHOICE: _as_choice,
    FieldType.MULTICHOICE: _as_multichoice,
    FieldType.REFS: _as_refs,
    FieldType.INTEGER: _as_integer,
    FieldType.REAL: _as_real,
    FieldType.DATE: _as_date,
    FieldType.EMAIL: _as_email,
    FieldType.PHONE: _as_phone,
    FieldType.URL: _as_url,
}


#: The field label used for anything about a record's position on the map.
LOCATION_LABEL = named("lokalizacja", "location")


def field_label(f: Field) -> Message:
    """A schema field's label as a message: Polish, its English the schema's ``label_en``."""
    return named(f.label, f.label_en)


def error_message(exc: Exception) -> str:
    """What an error says: the ``Message`` it was raised with, else its text."""
    said = exc.args[0] if exc.args else ""
    return said if isinstance(said, Message) else str(exc)


def missing_location(row: int | None = None) -> MapError:
    """The problem of a record that must have a location and has none."""
    return MapError(Message("brak lokalizacji"), row=row, field=LOCATION_LABEL)


#: Field types whose clean value of a clean text is the text itself, and the pattern it fits.
_PLAIN_TEXTS: dict[FieldType, re.Pattern[str] | None] = {
    FieldType.TEXT: None,
    FieldType.LONGTEXT: None,
    FieldType.EMAIL: _EMAIL,
    FieldType.PHONE: _PHONE,
}


def already_clean(f: Field, texts: Sequence[str]) -> bool:
    """Whether ``clean_value`` of field ``f`` keeps each of ``texts`` as it is (checked at once).

    An import's distinct texts (names, addresses, e-mails) are mostly clean
    already; one look at all of them is much cheaper than cleaning each.  False
    says only that some text needs ``clean_value`` (or is refused by it).
    """
    if f.type not in _PLAIN_TEXTS or not texts:
        return False
    joined = "\n".join(texts)  # "\n" itself is kept by clean_text
    if _LINE_BREAKS.search(joined) or _UNPRINTABLE.search(joined):
        return False
    if not unicodedata.is_normalized("NFC", joined) or max(map(len, texts)) > f.max_length:
        return False
    if not all(text and text == text.strip() for text in texts):
        return False
    pattern = _PLAIN_TEXTS[f.type]
    return pattern is None or all(map(pattern.match, texts))


def clean_value(f: Field, value: Any, *, row: int | None = None) -> Any:
    """Normalise one value of field ``f``; raise MapError naming row and field.

    Blank values become None (or [] for list fields); a blank required field
    is an error.  Control characters are removed first (see ``clean_text``),
    so no field stores them, whatever path the value came by.
    """
    value = _cleaned_input(value)
    if _is_blank(value):
        if f.required:
            raise MapError(Message("pole jest wymagane"), row=row, field=field_label(f))
        return [] if f.type in (FieldType.MULTICHOICE, FieldType.REFS) else None
    try:
        return _CONVERTERS[f.type](value, f)
    except ValueError as exc:
        raise MapError(error_message(exc), row=row, field=field_label(f)) from None


def clean_record(
    layer: Layer,
    values: Mapping[str, Any],
    *,
    row: int | None = None,
    partial: bool = False,
) -> dict[str, Any]:
    """Validate and normalise a record of ``layer``.

    Parameters
    ----------
    layer : the schema layer
    values : field name → raw value; unknown keys are ignored, ``geometry``
        is passed through unchanged
    row : the row number to name in error messages (spreadsheet row, 1-based)
    partial : validate only the fields present in ``values`` (for updates)

    Returns
    -------
    dict with a normalised value for every declared field (or only the given
    ones when ``partial``), plus ``geometry`` when given.

    Raises
    ------
    ValidationError listing every problem found.
    """
    cleaned: dict[str, Any] = {}
    problems: list[MapError] = []
    for f in layer.fields:
        if partial and f.name not in values:
            continue
        try:
            cleaned[f.name] = clean_value(f, values.get(f.name), row=row)
        except MapError as exc:
            problems.append(exc)
    if layer.geometry_required and values.get("geometry") is None:
        problems.append(missing_location(row))
    if problems:
        raise ValidationError(problems)
    if "geometry" in values:
        cleaned["geometry"] = values["geometry"]
    return cleaned
