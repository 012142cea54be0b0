"""Excel workbooks (.xlsx) as animators keep partner lists in them.

What real sheets look like, and how each is read:

- a title row above the table ("Partnerzy 2024", often merged across the
  table) — skipped: the header is the first row with two or more cells;
- a merged header over two columns with a sub-header below ("Adres" over
  "ulica" | "numer") — two header rows; each column takes its sub-header;
- a merged header over two columns with no sub-header — the cells under it
  are one value split in two, so they are joined with a space;
- cells merged down the rows (one "Dzielnica" for a block of partners) — the
  value is repeated on every row of the block, as the reader of the sheet
  understands it.

Row numbers are the sheet's own, so messages point where Excel shows them.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from mapping.importing.source import (
    SourceReadError,
    SourceTable,
    build_table,
    cell_text,
    find_header_row,
    is_blank_cell,
    unique_headers,
)
from mapping.language import Message
from mapping.schema import LAYERS
from mapping.text import match_key

__all__ = ["layer_sheet", "read_xlsx_file"]

Grid = list[list[Any]]


@dataclass(frozen=True)
class _Column:
    """One output column: its header text and the sheet columns (0-based) it joins."""

    header: str
    sources: tuple[int, ...]


def layer_sheet(names: Sequence[str], prefer_layer: str | None) -> str | None:
    """The sheet named after ``prefer_layer`` ("Zasoby" for resources), as the app's
    own workbook names its sheets; None when there is none."""
    if prefer_layer is None or prefer_layer not in LAYERS:
        return None
    wanted = {match_key(prefer_layer), match_key(LAYERS[prefer_layer].label)}
    return next((n for n in names if match_key(n) in wanted), None)


def _open_sheet(path: Path, sheet: str | None, prefer_layer: str | None = None) -> Worksheet:
    try:
        # Not read-only: read-only mode does not report merged cells.
        workbook = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        # openpyxl's own words are English and technical ("File is not a zip file").
        raise SourceReadError(
            Message(
                "nie można otworzyć arkusza {file}: plik jest uszkodzony (np. pobrany "
                "tylko w części) albo to nie jest skoroszyt .xlsx — otwórz go w Excelu "
                "i zapisz ponownie",
                file=path.name,
            )
        ) from None
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise SourceReadError(
                Message(
                    "w pliku {file} nie ma arkusza „{sheet}” (są: {names})",
                    file=path.name,
                    sheet=sheet,
                    names=", ".join(workbook.sheetnames),
                )
            )
        return workbook[sheet]
    named = layer_sheet(workbook.sheetnames, prefer_layer)
    if named is not None:
        return workbook[named]
    for worksheet in workbook.worksheets:
        if worksheet.max_row > 1 or worksheet.cell(1, 1).value is not None:
            return worksheet
    raise SourceReadError(Message("plik {file} nie zawiera danych", file=path.name))


def _fill_down(grid: Grid, merges: Sequence[CellRange], first_data_row: int) -> None:
    """Repeat the value of cells merged down the rows on every row they cover."""
    for merged in merges:
        if merged.min_row < first_data_row + 1 or merged.max_row == merged.min_row:
            continue
        col = merged.min_col - 1
        value = grid[merged.min_row - 1][col]
        for r in range(merged.min_row, min(merged.max_row, len(grid))):
            grid[r][col] = value


def _is_subheader(grid: Grid, header: int, spans: Sequence[CellRange], width: int) -> bool:
    """Whether the row below the header names the columns under merged headers."""
    if header + 1 >= len(grid):
        return False
    below = grid[header + 1]
    under = {c - 1 for m in spans for c in range(m.min_col, m.max_col + 1)}
    for col in range(width):
        value = below[col] if col < len(below) else None
        if col in under and not isinstance(value, str | type(None)):
            return False  # numbers under a merged header are data, not names
        if col not in under and not is_blank_cell(value):
            return False
    return any(not is_blank_cell(below[c]) for c in under if c < len(below))


def _two_level_columns(top: Sequence[Any], below: Sequence[Any], width: int) -> list[_Column]:
    subs = [cell_text(below[c]) if c < len(below) else "" for c in range(width)]
    # Only the first cell of a merged header holds its text; carry it right.
    tops, current = [], ""
    for c in range(width):
        current = cell_text(top[c]) or current
        tops.append(current)
    counts = Counter(s.casefold() for s in subs if s)
    repeated = {name for name, n in counts.items() if n > 1}
    columns = []
    for c in range(width):
        sub = subs[c]
        name = sub or cell_text(top[c])
        if sub and sub.casefold() in repeated and tops[c]:
            name = f"{tops[c]} {sub}"  # "Osoba kontaktowa telefon" vs "Placówka telefon"
        columns.append(_Column(name, (c,)))
    return columns


def _joined_columns(top: Sequence[Any], spans: Sequence[CellRange], width: int) -> list[_Column]:
    starts = {m.min_col - 1: m for m in spans}
    columns, col = [], 0
    while col < width:
        merged = starts.get(col)
        last = merged.max_col - 1 if merged else col
        columns.append(_Column(cell_text(top[col]), tuple(range(col, last + 1))))
        col = last + 1
    return columns


def _cell(row: Sequence[Any], column: _Column) -> Any:
    values = [row[c] for c in column.sources if c < len(row)]
    if len(column.sources) == 1:
        return values[0] if values else None
    parts = [cell_text(v) for v in values if not is_blank_cell(v)]
    return " ".join(parts) or None


def _drop_empty_columns(columns: list[_Column], rows: Grid) -> list[_Column]:
    """Columns with neither a header nor any value (Excel's formatted blanks)."""
    return [
        col
        for col in columns
        if col.header or any(not is_blank_cell(_cell(row, col)) for row in rows)
    ]


def read_xlsx_file(
    path: Path, sheet: str | None = None, prefer_layer: str | None = None
) -> SourceTable:
    """Read ``sheet`` of an Excel workbook; by default the sheet named after
    ``prefer_layer`` (the app's own workbook: "Zasoby", "Potrzeby"), else the
    first sheet with data."""
    worksheet = _open_sheet(path, sheet, prefer_layer)
    grid: Grid = [list(r) for r in worksheet.iter_rows(min_row=1, min_col=1, values_only=True)]
    header = find_header_row(grid)
    if header is None:
        raise SourceReadError(
            Message(
                "arkusz „{sheet}” w pliku {file} jest pusty", sheet=worksheet.title, file=path.name
            )
        )
    width = max(len(r) for r in grid)
    merges = list(worksheet.merged_cells.ranges)
    spans = [m for m in merges if m.min_row == header + 1 and m.max_col > m.min_col]
    top = grid[header] + [None] * (width - len(grid[header]))
    if spans and _is_subheader(grid, header, spans, width):
        columns = _two_level_columns(top, grid[header + 1], width)
        first_data = header + 2
    else:
        columns = _joined_columns(top, spans, width)
        first_data = header + 1
    _fill_down(grid, merges, first_data)
    rows = grid[first_data:]
    columns = _drop_empty_columns(columns, rows)
    headers = unique_headers([c.header for c in columns])
    data = [[_cell(row, c) for c in columns] for row in rows]
    numbers = range(first_data + 1, first_data + 1 + len(rows))
    others = [n for n in worksheet.parent.sheetnames if n != worksheet.title]
    notes: list[str] = [
        Message(
            "wczytano arkusz „{sheet}”; pozostałe arkusze: {others}",
            sheet=worksheet.title,
            others=", ".join(others),
        )
    ]
    return build_table(
        path, "xlsx", headers, data, numbers, sheet=worksheet.title, notes=notes if others else []
    )
