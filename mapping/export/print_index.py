"""The numbered index of the printed map: "1. Biblioteka Stogi, ul. Wesoła 2" in columns.

The index is a strip across the page under the map.  Its lines are wrapped
to the column width and spread over a fixed number of columns; when they do
not all fit in the height the page can give, the strip ends with a line
saying where the rest is (the PDF prints the whole index on a second page).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

__all__ = ["IndexLayout", "draw_index", "fit_index", "line_height_mm"]

_PT_TO_MM = 25.4 / 72
_LINE = 1.3  # line height in font sizes
_CHAR_WIDTH = 0.62  # mean character width of DejaVu Sans in font sizes


@dataclass(frozen=True)
class IndexLayout:
    """Index lines arranged in columns for a strip of the page."""

    columns: list[list[str]]
    ncols: int
    fontsize: float
    height_mm: float
    shown: int
    total: int

    @property
    def complete(self) -> bool:
        return self.shown == self.total


def _chars(width_mm: float, fontsize: float) -> int:
    return max(12, int(width_mm / (_CHAR_WIDTH * fontsize * _PT_TO_MM)))


def line_height_mm(fontsize: float) -> float:
    """Height of one index line in millimetres."""
    return fontsize * _PT_TO_MM * _LINE


def fit_index(
    lines: Sequence[str],
    *,
    width_mm: float,
    max_height_mm: float,
    ncols: int,
    fontsize: float,
    rest_note: str = "",
) -> IndexLayout:
    """Arrange ``lines`` in ``ncols`` columns no taller than ``max_height_mm``.

    Lines that do not fit are left out and counted; with ``rest_note`` the last
    line says how many are missing and where they are ("{n}" is the count).
    """
    if not lines:
        return IndexLayout([], ncols, fontsize, 0.0, 0, 0)
    chars = _chars(width_mm / ncols - 2.0, fontsize)
    wrapped = [textwrap.wrap(line, chars, subsequent_indent="   ") or [""] for line in lines]
    rows_fit = max(2, int(max_height_mm / line_height_mm(fontsize)) - 1)  # a row for the title
    per_column = min(rows_fit, math.ceil(sum(len(w) for w in wrapped) / ncols))
    per_column = max(per_column, max(len(w) for w in wrapped))
    columns: list[list[str]] = [[]]
    shown = 0
    for item in wrapped:
        if len(columns[-1]) + len(item) > per_column:
            if len(columns) == ncols:
                break
            columns.append([])
        columns[-1].extend(item)
        shown += 1
    if shown < len(lines) and rest_note:
        # Room for the closing note: give back whole entries from the last column.
        last = columns[-1]
        while last and len(last) >= per_column:
            while last and last.pop().startswith("   "):
                pass
            shown -= 1
        last.append(rest_note.format(n=len(lines) - shown))
    height = (max(len(c) for c in columns) + 1) * line_height_mm(fontsize)
    return IndexLayout(columns, ncols, fontsize, height, shown, len(lines))


def draw_index(
    figure: Figure, layout: IndexLayout, box: tuple[float, float, float, float], title: str
) -> None:
    """Draw ``layout`` into ``box`` (figure fractions: left, bottom, width, height)."""
    if not layout.columns:
        return
    left, bottom, width, height = box
    top = bottom + height
    figure.text(left, top, title, va="top", fontsize=layout.fontsize * 1.15, fontweight="bold")
    line_frac = height / (max(len(c) for c in layout.columns) + 1)
    for i, column in enumerate(layout.columns):
        figure.text(
            left + i * width / layout.ncols,
            top - line_frac,
            "\n".join(column),
            va="top",
            fontsize=layout.fontsize,
            linespacing=_LINE,
            gid="print-index",
        )
