"""One recorded value as the report prints it: text, a day, a date as precise as known, totals.

Missing values print as blank text, except counts of participants: "—"
(``NO_VALUE``) says nobody counted, which "0" would not.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from mapping.export.about import format_day
from mapping.language import DEFAULT_LANGUAGE, written_in
from mapping.schema import DATE_MONTH_ONLY, DATE_YEAR_ONLY

__all__ = [
    "NO_VALUE",
    "as_day",
    "as_number",
    "as_text",
    "as_when",
    "participants_cell",
    "total",
    "total_cell",
]

NO_VALUE = "—"

_MONTHS = ("styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
           "wrzesień", "październik", "listopad", "grudzień")  # fmt: skip
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip


def as_text(value: Any) -> str:
    """A value as stripped text; blank when missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def as_day(value: Any) -> str:
    """An ISO date as Poles write it (``14.10.2025``); blank when missing."""
    text = as_text(value)[:10]
    try:
        return format_day(date.fromisoformat(text))
    except ValueError:
        return text


def as_when(record: pd.Series) -> str:
    """A record's date as far as its source knows it: a day, "wrzesień 2015" or "2015".

    The month is named in the language being written ("September 2015");
    a day keeps the Polish ``14.10.2025`` in either language.
    """
    source, text = as_text(record.get("source")), as_text(record.get("date"))[:10]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    if DATE_YEAR_ONLY in source:
        return str(day.year)
    if DATE_MONTH_ONLY in source:
        months = _MONTHS if written_in() == DEFAULT_LANGUAGE else _MONTHS_EN
        return f"{months[day.month - 1]} {day.year}"
    return format_day(day)


def as_number(value: Any) -> int | None:
    """A count as an integer; None when missing."""
    if value is None or pd.isna(value):
        return None
    return int(value)


def participants_cell(value: Any) -> str:
    """A count of participants; "—" when nobody counted."""
    number = as_number(value)
    return NO_VALUE if number is None else str(number)


def total(values: pd.Series) -> int:
    """The sum of the counts given (missing ones left out)."""
    return int(sum(n for n in map(as_number, values) if n is not None))


def total_cell(values: pd.Series) -> str:
    """The total of a participants column; "—" when no row has a number."""
    if all(as_number(v) is None for v in values):
        return NO_VALUE
    return str(total(values))
