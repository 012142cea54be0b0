"""The printed map (PNG, PDF): A4/A3 without a browser or tiles.

``render_map`` puts one page together: the map and its legend
(``mapping.export.print_map``) in the boxes the page has for them
(``mapping.export.print_layout``), district names and symbol numbers that
avoid each other (``print_labels``), the numbered index (``print_index``),
title and footer.  A city whose districts have no polygons still prints: its
outline (if any), its points and a note.

Text uses DejaVu Sans (it ships with matplotlib and has every Polish glyph);
PDF embeds it as TrueType, so the text can be searched and copied.

The page's own words are in the request's language (``request.lang``, said
while ``mapping.language.writing`` it); the records' texts stay as written.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.typing import RcKeyType

from mapping.export.about import APP_TITLE, SAMPLE_NOTE, data_sources, has_samples, title_of
from mapping.export.print_index import IndexLayout, draw_index, fit_index
from mapping.export.print_labels import (
    IndexEntry,
    index_entries,
    place_district_labels,
    place_numbers,
)
from mapping.export.print_layout import (
    FOOTER_PT,
    MM_PER_INCH,
    PT_TO_MM,
    Page,
    draw_legend,
    draw_texts,
    index_layout,
    layout,
    legend_height_mm,
    page_pixels,
    page_size_mm,
    wrap,
)
from mapping.export.print_map import (
    POINT_LAYERS,
    Scene,
    draw_areas,
    draw_points,
    frame_map,
    legend_groups,
    scene_of,
)
from mapping.export.request import AUTO_ORIENTATION, ExportRequest
from mapping.language import say, writing
from mapping.validation import clean_text
from mapping.webmap.tiles import OSM_CREDIT

__all__ = [
    "POINT_LAYERS",
    "chosen_orientation",
    "page_pixels",
    "page_size_mm",
    "render_map",
    "to_pdf",
    "to_png",
]

#: The numbered index's title (on the map page and on the PDF's further pages).
_INDEX_TITLE = "Wykaz symboli (numery na mapie)"
#: "auto" prints landscape when the map is wider than tall by this ratio.
_LANDSCAPE_RATIO = 1.0
# TrueType in PDF (not Type 3): text stays searchable and copyable.
# Text is drawn as typed: "$" in a source or a district name ("Fundusz $^$") is
# not a mathtext formula, which would fail to parse and block the whole export.
_RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "pdf.fonttype": 42,
    "text.parse_math": False,
    "text.usetex": False,
}


def _footer_lines(frames: Mapping[str, pd.DataFrame], scene: Scene) -> list[str]:
    sources = ", ".join(data_sources(frames)) or say("nie podano")
    lines = [
        say(
            "Źródła danych: {sources}. Granice i lokalizacje: {credit}.",
            sources=sources,
            credit=OSM_CREDIT,
        )
    ]
    lines.extend(scene.notes)
    if has_samples(frames):
        lines.append(say(SAMPLE_NOTE))
    lines.append(
        say(
            "Opracowano w aplikacji „{app}”. Odwzorowanie: PUWG 1992 (EPSG:2180).",
            app=say(APP_TITLE),
        )
    )
    return lines


def chosen_orientation(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> str:
    """The request's orientation; for "auto", landscape when the map is wider than tall."""
    if request.orientation != AUTO_ORIENTATION:
        return request.orientation
    bounds = scene_of(frames, request).bounds()
    if bounds is None:
        return "portrait"
    xmin, ymin, xmax, ymax = bounds
    return "landscape" if (xmax - xmin) > (ymax - ymin) * _LANDSCAPE_RATIO else "portrait"


def _place_texts(ax: Axes, scene: Scene, entries: list[IndexEntry], page: Page) -> list[str]:
    """District names that avoid each other and the symbols, then the symbol numbers."""
    figure = ax.get_figure(root=True)
    assert figure is not None  # the axes were added to the page's figure
    renderer = FigureCanvasAgg(figure).get_renderer()
    radius_px = page.pt(5.0) / 2 * figure.dpi / 72
    dropped = place_district_labels(
        ax,
        renderer,
        scene.districts,
        entries,
        fontsize=page.pt(6),
        halo=page.pt(2.2),
        symbol_px=radius_px * 1.3,
    )
    place_numbers(ax, entries, fontsize=page.pt(4.5), halo=page.pt(1.6), offset_px=radius_px)
    return dropped


def render_map(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> Figure:
    """Draw the printed map of ``frames`` (as from ``export_frames``) on a page.

    Parameters
    ----------
    frames : every layer's exported frame (areas are the base map)
    request : city/district, audience, date, paper, orientation ("auto": from
        the map's shape), dpi, and which of ``POINT_LAYERS`` to draw (default
        resources and needs)
    """
    return _render(frames, request)[0]


def _render(
    frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest
) -> tuple[Figure, list[IndexEntry], IndexLayout, Page]:
    """The page figure, its numbered symbols, the index as fitted, and the page."""
    with writing(request.lang):  # the page's words in the request's language
        return _drawn(frames, request)


def _drawn(
    frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest
) -> tuple[Figure, list[IndexEntry], IndexLayout, Page]:
    orientation = chosen_orientation(frames, request)
    width, height = page_size_mm(request.paper, orientation)
    page = Page(width, height, orientation == "landscape")
    scene = scene_of(frames, request)
    entries = index_entries(scene.points)
    groups = legend_groups(scene, page)
    footer = wrap(_footer_lines(frames, scene), width - 20, page.pt(FOOTER_PT))
    footer_h = (footer.count("\n") + 1) * page.pt(FOOTER_PT) * PT_TO_MM * 1.4
    index = index_layout(entries, page, footer_h)
    with mpl.rc_context(_RC):
        figure = Figure(figsize=(width / MM_PER_INCH, height / MM_PER_INCH), dpi=request.dpi)
        map_box, legend_box, index_box = layout(
            page, legend_height_mm(groups, page), footer_h, index.height_mm
        )
        ax = figure.add_axes(map_box)
        draw_areas(ax, scene, page)
        draw_points(ax, scene, page)
        frame_map(ax, scene, page)
        dropped = _place_texts(ax, scene, entries, page) if scene.bounds() else []
        if dropped:
            footer += "\n" + wrap(
                [
                    say(
                        "Nazwy dzielnic pominięte z braku miejsca: {names}.",
                        names=", ".join(dropped),
                    )
                ],
                width - 20,
                page.pt(FOOTER_PT),
            )
        draw_legend(figure.add_axes(legend_box), groups, page)
        draw_index(figure, index, index_box, say(_INDEX_TITLE))
        draw_texts(figure, page, request, footer)
    return figure, entries, index, page


def _metadata(request: ExportRequest, fmt: str) -> dict[str, str]:
    with writing(request.lang):
        title, app = title_of(request), say(APP_TITLE)
    if fmt == "pdf":
        return {"Title": title, "Creator": app}
    return {"Title": title, "Software": app}


def _clean_texts(figure: Figure) -> None:
    # Whatever an older store holds, draw no control character (a NUL or a
    # byte-order mark breaks the PDF font subset).
    for text in figure.findobj(Text):
        text.set_text(clean_text(text.get_text()))


def _save(figure: Figure, request: ExportRequest, fmt: str) -> bytes:
    buffer = io.BytesIO()
    _clean_texts(figure)
    with mpl.rc_context(_RC):
        figure.savefig(buffer, format=fmt, dpi=request.dpi, metadata=_metadata(request, fmt))
    return buffer.getvalue()


def to_png(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    """The printed map as PNG at ``request.dpi`` (exact page size in pixels)."""
    figure, *_ = _render(frames, request)
    # Agg truncates width x dpi to whole pixels; size the figure so it lands
    # on the rounded page size (A4 at 300 dpi: 2480 x 3508, not 3507).
    orientation = chosen_orientation(frames, request)
    wide, high = page_pixels(request.paper, orientation, request.dpi)
    figure.set_size_inches((wide + 0.25) / request.dpi, (high + 0.25) / request.dpi)
    return _save(figure, request, "png")


def _index_pages(entries: list[IndexEntry], page: Page) -> list[Figure]:
    """Further PDF pages with the whole numbered index, when the map page had no room."""
    lines = [e.line() for e in entries]
    figures = []
    while lines:
        layout = fit_index(
            lines,
            width_mm=page.width - 20.0,
            max_height_mm=page.height - 30.0,
            ncols=3 if page.landscape else 2,
            fontsize=page.pt(7.0),
        )
        figure = Figure(figsize=(page.width / MM_PER_INCH, page.height / MM_PER_INCH))
        draw_index(
            figure,
            layout,
            page.box(10.0, 10.0, page.width - 20.0, page.height - 20.0),
            say(_INDEX_TITLE),
        )
        figures.append(figure)
        lines = lines[max(layout.shown, 1) :]
    return figures


def to_pdf(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    """The printed map as a vector PDF of the paper size.

    One page; when the numbered index does not fit under the map, the whole
    index follows on further pages.
    """
    figure, entries, index, page = _render(frames, request)
    # Texts take parse_math=False when they are made; the index's title is said then.
    with mpl.rc_context(_RC), writing(request.lang):
        figures = [figure] if index.complete else [figure, *_index_pages(entries, page)]
    buffer = io.BytesIO()
    with mpl.rc_context(_RC), PdfPages(buffer, metadata=_metadata(request, "pdf")) as pdf:
        for each in figures:
            _clean_texts(each)
            pdf.savefig(each, dpi=request.dpi)
    return buffer.getvalue()
