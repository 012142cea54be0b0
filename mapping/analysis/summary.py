"""The analysis as the page shows it: areas in Polish order, the city total apart,
Polish headers and Polish numbers.

The indicator, coverage and change tables hold one row per area, the city's
own row among them.  Shown that way the city total reads as one more district
(and dwarfs every bar), so the city row is split off (``split_city``) and shown
as one summary line (``summary_line``), the areas in Polish dictionary order.
Cells are Polish text ("1 234,5"), the unit once, in the header.

Labels and units are given in Polish (the unit picks the format: "udział" is a
share shown as percent); headers, the city line and the chart's titles are
said in the language being written (``mapping.language.writing``), so a page
writing in English gets them in English, its numbers still Polish.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.areas import area_key
from mapping.language import joined, say
from mapping.schema import AreaKind, Field
from mapping.text import polish_sorted, sort_key
from mapping.webmap.classes import format_number

__all__ = [
    "AREA_LABEL",
    "DISTANCE_LABEL",
    "AreaRows",
    "change_labels",
    "change_line",
    "choice_codes",
    "header",
    "polish_order",
    "shown_table",
    "split_city",
    "summary_line",
]

#: The header of the area column (the table's index).
AREA_LABEL = "Obszar"
#: The header of the distance column of the coverage table.
DISTANCE_LABEL = "Odległość [m]"
_BLANK = "—"


@dataclass(frozen=True)
class AreaRows:
    """A per-area table split: the areas in Polish order and the city's own row."""

    areas: pd.DataFrame
    city: pd.Series | None


def polish_order(names: Iterable[object]) -> list[str]:
    """Area names in Polish dictionary order (Brętowo before Brzeźno)."""
    return polish_sorted(str(n) for n in names)


def split_city(table: pd.DataFrame, areas: gpd.GeoDataFrame) -> AreaRows:
    """The rows of ``table`` (indexed by area name) apart from the city's own row.

    Parameters
    ----------
    table : indexed by area name (``district_indicators``, ``uncovered``, …)
    areas : the areas frame, for which name is the city (``AreaKind.CITY``)

    Returns
    -------
    AreaRows
        ``areas``: every other row, in Polish order of the names; ``city``: the
        city's row, or None when the table has none.
    """
    kinds = areas["kind"] if "kind" in areas else pd.Series(dtype=object)
    city_names = {area_key(n) for n in areas.loc[kinds == AreaKind.CITY.value, "name"]}
    is_city = np.array([area_key(n) in city_names for n in table.index], dtype=bool)
    rest = table[~is_city]
    order = sorted(range(len(rest)), key=lambda i: sort_key(str(rest.index[i])))
    city = table[is_city].iloc[0] if is_city.any() else None
    return AreaRows(rest.iloc[order], city)


def header(label: str, unit: str) -> str:
    """A column header with its unit once: "Powierzchnia [km²]", "Aktywne zasoby".

    A count ("liczba") has no unit; a unit the label already says
    ("Zasoby na 1000 mieszkańców") is not repeated.  Said in the language
    being written.
    """
    if unit == "udział":
        return f"{say(label)} [%]"
    if unit == "liczba" or unit in label:
        return say(label)
    return f"{say(label)} [{say(unit)}]"


def _decimals(values: pd.Series, unit: str) -> int:
    if unit == "udział":
        return 1
    if unit == "osób":  # people, also when estimated
        return 0
    numbers = values.dropna().to_numpy(dtype=float)
    if not len(numbers) or np.all(np.mod(numbers, 1) == 0):
        return 0
    return 1 if float(np.max(np.abs(numbers))) >= 100 else 2


def _cells(values: pd.Series, unit: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    decimals = _decimals(numbers, unit)
    scale = 100.0 if unit == "udział" else 1.0
    return numbers.map(lambda v: _BLANK if np.isnan(v) else format_number(v * scale, decimals))


def shown_table(
    table: pd.DataFrame,
    labels: dict[str, tuple[str, str]],
    *,
    index_label: str = AREA_LABEL,
) -> pd.DataFrame:
    """The labelled columns of ``table`` as Polish text, the unit in the header only.

    Columns not in ``labels`` (geometry, internal ones) are left out; the
    index is named ``index_label``; a missing value shows as "—".
    """
    columns = [c for c in labels if c in table.columns]
    shown = pd.DataFrame(
        {header(*labels[c]): _cells(table[c], labels[c][1]) for c in columns},
        index=table.index,
    )
    shown.index = shown.index.map(str)
    shown.index.name = say(index_label)
    return shown


def summary_line(
    row: pd.Series, labels: dict[str, tuple[str, str]], *, omit: Iterable[str] = ()
) -> str:
    """One line of the city's totals: "Liczba mieszkańców: 470 907 osób · Aktywne zasoby: 85".

    Shares show as percent; missing values are left out; ``omit`` names
    columns not to say.  Labels and units in the language being written.
    """
    skipped = set(omit)
    parts = []
    for column, (label, unit) in labels.items():
        if column not in row.index or column in skipped:
            continue
        value = pd.to_numeric(pd.Series([row[column]]), errors="coerce").iloc[0]
        if pd.isna(value):
            continue
        text = _cells(pd.Series([value]), unit).iloc[0]
        if unit == "udział":
            text += "%"
        elif unit != "liczba" and unit not in label:
            text += f" {say(unit)}"
        parts.append(f"{say(label)}: {text}")
    return " · ".join(parts)


def choice_codes(field: Field) -> list[str]:
    """The codes of a choice field in Polish order of their labels (for a selector)."""
    return sorted(field.codes, key=lambda code: sort_key(field.choice_label(code)))


#: The parts of an ``indicator_change`` header after its indicator ("Aktywne zasoby: wtedy").
_CHANGE_PARTS = frozenset({"wtedy", "teraz", "zmiana"})


def _change_header(column: str) -> str:
    """An ``indicator_change`` header as a message: its indicator and its part translated."""
    label, _, part = column.rpartition(": ")
    return joined(": ", (label, part)) if label and part in _CHANGE_PARTS else column


def change_labels(change: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Labels of an ``indicator_change`` table (Polish headers, counts), as messages.

    Said through ``header`` in the language being written: "Aktywne zasoby:
    wtedy" becomes "Active resources: then".
    """
    return {str(column): (_change_header(str(column)), "liczba") for column in change.columns}


def change_line(row: pd.Series) -> str:
    """One line of an ``indicator_change`` row: "Aktywne zasoby: 80 → 85 (+5) · …"."""
    parts = []
    for column in row.index:
        label, _, part = str(column).rpartition(": ")
        if part != "wtedy":
            continue
        before, now = int(row[column]), int(row[f"{label}: teraz"])
        diff = now - before
        sign = "+" if diff > 0 else ("−" if diff < 0 else "±")
        parts.append(
            f"{say(label)}: {format_number(before)} → {format_number(now)} "
            f"({sign}{format_number(abs(diff))})"
        )
    return " · ".join(parts)
