"""The printed page: sizes, margins, where the map, legend, index and texts go.

Everything is measured in millimetres on the paper (``Page``) and handed to
matplotlib as figure fractions; text sizes grow with the paper (A3 prints
about 1.41 times larger than A4).  Its words are said in the language being
written (``mapping.language.writing``, set by ``printing``).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from mapping.export.about import day_line, title_of
from mapping.export.print_index import IndexLayout, fit_index
from mapping.export.print_labels import IndexEntry
from mapping.export.request import PAPERS, ExportRequest
from mapping.language import say

__all__ = [
    "FOOTER_PT",
    "MM_PER_INCH",
    "PT_TO_MM",
    "Box",
    "Page",
    "draw_legend",
    "draw_texts",
    "index_layout",
    "layout",
    "legend_height_mm",
    "page_pixels",
    "page_size_mm",
    "wrap",
]

MM_PER_INCH = 25.4
PT_TO_MM = 25.4 / 72
_LEGEND_PT = 6.5
FOOTER_PT = 6.0
_INDEX_PT = 5.0
#: A rectangle in figure fractions: left, bottom, width, height.
Box = tuple[float, float, float, float]


def page_size_mm(paper: str, orientation: str) -> tuple[float, float]:
    """Width and height of the page in millimetres."""
    width, height = PAPERS[paper]
    return (height, width) if orientation == "landscape" else (width, height)


def page_pixels(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    """Width and height in pixels at ``dpi`` (A4 portrait at 300 dpi: 2480 x 3508)."""
    width, height = page_size_mm(paper, orientation)
    return round(width / MM_PER_INCH * dpi), round(height / MM_PER_INCH * dpi)


@dataclass(frozen=True)
class Page:
    """Page geometry in millimetres and the text scale (1 for A4, ~1.41 for A3)."""

    width: float
    height: float
    landscape: bool

    @property
    def scale(self) -> float:
        return min(self.width, self.height) / 210.0

    def pt(self, size: float) -> float:
        return size * self.scale

    def box(self, left: float, bottom: float, width: float, height: float) -> Box:
        """A rectangle given in millimetres as figure fractions."""
        return (left / self.width, bottom / self.height, width / self.width, height / self.height)


def _legend_wraps(page: Page) -> tuple[int, int, int]:
    """Characters per line of each legend group's labels."""
    return (40, 40, 40) if page.landscape else (28, 24, 22)


def legend_height_mm(groups: list[tuple[str, list, int]], page: Page) -> float:
    """Height of the tallest legend group under a portrait map (wrapped lines counted)."""
    line = page.pt(_LEGEND_PT) * PT_TO_MM * 1.75  # label line plus legend spacing
    tallest = 0.0
    for (title, entries, ncol), wrap in zip(groups, _legend_wraps(page), strict=False):
        lines = [len(textwrap.wrap(label, wrap)) for _, label in entries]
        per_column = math.ceil(len(lines) / ncol)
        rows = max(sum(lines[i : i + per_column]) for i in range(0, len(lines), per_column))
        tallest = max(tallest, (rows + len(textwrap.wrap(title, wrap)) + 0.5) * line)
    return tallest


def draw_legend(ax: Axes, groups: list[tuple[str, list, int]], page: Page) -> None:
    """Legend groups: side by side under a portrait map, stacked beside a landscape one."""
    ax.set_axis_off()
    renderer = FigureCanvasAgg(ax.get_figure(root=True)).get_renderer()
    style: dict[str, Any] = {
        "frameon": False,
        "fontsize": page.pt(_LEGEND_PT),
        "title_fontsize": page.pt(7.5),
        "alignment": "left",
        "borderaxespad": 0,
        "handletextpad": 0.5,
        "loc": "upper left",
    }
    columns = (0.0, 0.6, 0.81)
    wraps = _legend_wraps(page)
    top = 1.0
    for i, (title, entries, ncol) in enumerate(groups):
        handles = [h for h, _ in entries]
        labels = [textwrap.fill(label, wraps[i]) for _, label in entries]
        anchor = (0.0, top) if page.landscape else (columns[i], 1.0)
        legend = ax.legend(
            handles,
            labels,
            title=textwrap.fill(title, wraps[i]),
            ncol=ncol,
            bbox_to_anchor=anchor,
            **style,
        )
        ax.add_artist(legend)
        box = legend.get_window_extent(renderer).transformed(ax.transAxes.inverted())
        top = box.y0 - 0.04


def wrap(lines: Iterable[str], width_mm: float, size_pt: float) -> str:
    chars = max(20, int(width_mm / (0.55 * size_pt * 0.3528)))
    return "\n".join(textwrap.fill(line, chars) for line in lines)


def layout(page: Page, legend_h: float, footer_h: float, index_h: float) -> tuple[Box, Box, Box]:
    """Map, legend and index boxes (figure fractions) for the orientation (sizes in mm)."""
    margin, top = 10.0, 14.0 + 16.0 * page.scale
    index_bottom = margin + footer_h + 4.0
    index_box = page.box(margin, index_bottom, page.width - 2 * margin, index_h)
    bottom = index_bottom + (index_h + 4.0 if index_h else 0.0)
    inner_h = page.height - top - bottom
    if page.landscape:
        legend_w = 80.0 * page.scale
        map_w = page.width - 2 * margin - legend_w - 6
        return (
            page.box(margin, bottom, map_w, inner_h),
            page.box(page.width - margin - legend_w, bottom, legend_w, inner_h),
            index_box,
        )
    map_h = inner_h - legend_h - 6.0
    width = page.width - 2 * margin
    return (
        page.box(margin, bottom + legend_h + 6.0, width, map_h),
        page.box(margin, bottom, width, legend_h),
        index_box,
    )


def index_layout(entries: list[IndexEntry], page: Page, footer_h: float) -> IndexLayout:
    """The numbered index in the strip the page can spare (a share of its height)."""
    usable = page.height - 30.0 - 16.0 * page.scale - footer_h
    return fit_index(
        [e.line() for e in entries],
        width_mm=page.width - 20.0,
        max_height_mm=usable * (0.22 if page.landscape else 0.3),
        ncols=5 if page.landscape else 4,
        fontsize=page.pt(_INDEX_PT),
        rest_note=say("… i {n} dalszych — pełny wykaz w pliku PDF"),
    )


def draw_texts(figure: Figure, page: Page, request: ExportRequest, footer: str) -> None:
    """Title, "stan na dzień" line and footer (sources, notes, attribution)."""
    left, top = 10 / page.width, 1 - 10 / page.height
    figure.text(left, top, title_of(request), va="top", fontsize=page.pt(15), fontweight="bold")
    subtitle = day_line(request.day, request.audience.version_label)
    figure.text(left, top - 9 * page.scale / page.height, subtitle, va="top", fontsize=page.pt(9))
    figure.text(
        left, 10 / page.height, footer, va="bottom", fontsize=page.pt(FOOTER_PT), linespacing=1.4
    )
