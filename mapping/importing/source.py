"""A file as read for import: its header, its rows numbered as the user sees them.

Every reader (CSV, XLSX, GIS formats) produces a ``SourceTable``; everything
after reading (column mapping, coordinates, validation) works on it and never
looks at the file again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.errors import MapError

__all__ = [
    "SourceReadError",
    "SourceTable",
    "build_table",
    "cell_text",
    "find_header_row",
    "is_blank_cell",
    "unique_headers",
]


class SourceReadError(MapError):
    """The file could not be read at all (wrong format, damaged, no table in it)."""


@dataclass
class SourceTable:
    """The contents of an imported file.

    Attributes
    ----------
    path : the file
    format : ``csv``, ``xlsx``, ``geojson``, ``gpkg``, ``shp``, …
    frame : one column per header (object values as read), indexed by the row
        number the user sees (header row = 1, first data row = 2 in a plain
        sheet; real sheet row numbers in XLSX); empty rows already removed
    geometry : for GIS formats, geometries aligned with ``frame`` (CRS as
        declared by the file, possibly None); None for tables
    skipped_empty : how many empty rows were left out
    encoding, delimiter : how a CSV file was decoded and split
    sheet, layer_name : which XLSX sheet or GIS layer was read
    notes : remarks about the whole file, e.g. other layers ignored (``mapping.language.Message``s:
        Polish text the page says in the reader's language)
    geometry_notes : row number → what was wrong with its geometry (repaired or dropped;
        a ``Message`` too)
    line_notes : remarks about single rows found while reading (row number → Polish text)
    """

    path: Path
    format: str
    frame: pd.DataFrame
    geometry: gpd.GeoSeries | None = None
    skipped_empty: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    layer_name: str | None = None
    notes: list[str] = field(default_factory=list)
    geometry_notes: dict[int, str] = field(default_factory=dict)
    line_notes: dict[int, list[str]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        """The (unique) column headers in file order."""
        return [str(c) for c in self.frame.columns]

    @property
    def row_numbers(self) -> list[int]:
        """Row numbers of the data rows, in file order."""
        return [int(i) for i in self.frame.index]


def is_blank_cell(value: Any) -> bool:
    """Whether a cell holds nothing (None, NaN, whitespace)."""
    if type(value) is str:  # most cells: said at once
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: Any) -> str:
    """A cell as text: Excel's 343709404.0 becomes "343709404", dates ISO."""
    if type(value) is str:  # most cells: blank or not, the text stripped
        return value.strip()
    return _other_cell_text(value)


def _other_cell_text(value: Any) -> str:
    if is_blank_cell(value):
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def find_header_row(rows: Sequence[Sequence[Any]]) -> int | None:
    """Index of the header row: the first row with at least two filled cells.

    A title above the table ("Lista partnerów 2024", often a merged cell) has
    one filled cell and is passed over.  A one-column table falls back to its
    first non-empty row.
    """
    first_filled = None
    for i, row in enumerate(rows):
        filled = sum(not is_blank_cell(v) for v in row)
        if filled >= 2:
            return i
        if filled and first_filled is None:
            first_filled = i
    return first_filled


def unique_headers(raw: Sequence[Any]) -> list[str]:
    """Header texts made unique: blanks become "kolumna N", repeats get " (2)"."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, value in enumerate(raw, start=1):
        name = " ".join(cell_text(value).split()) or f"kolumna {i}"
        count = seen.get(name.casefold(), 0) + 1
        seen[name.casefold()] = count
        names.append(name if count == 1 else f"{name} ({count})")
    return names


def build_table(
    path: Path,
    fmt: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    row_numbers: Sequence[int],
    **details: Any,
) -> SourceTable:
    """Assemble a ``SourceTable`` from rows, dropping (and counting) empty ones."""
    width = len(headers)
    kept_rows, kept_numbers = [], []
    for number, row in zip(row_numbers, rows, strict=True):
        cells = list(row[:width]) + [None] * (width - len(row))
        if all(is_blank_cell(v) for v in cells):
            continue
        kept_rows.append(cells)
        kept_numbers.append(number)
    frame = pd.DataFrame(kept_rows, columns=list(headers), dtype=object)
    frame.index = pd.Index(kept_numbers, dtype="int64", name="wiersz")
    skipped = len(rows) - len(kept_rows)
    return SourceTable(path, fmt, frame, skipped_empty=skipped, **details)
