"""The printed map (PNG, PDF): A4/A3 without a browser or tiles.

Drawn with matplotlib in EPSG:2180 (PUWG 1992), a metric projection made for
Poland, so the scale bar is true and distances look right; the north arrow
points to true north (it differs from grid north by up to ~4° at Poland's
edges).  Colours and symbols come from ``mapping.webmap.styles`` — the same as on
the map in the app: Okabe–Ito/Tol colours per category, shapes per resource
kind, diamonds with a heavy outline for needs, ColorBrewer YlGnBu for the
district shading (active resources per 1000 residents, as the indicators
count them).  A city whose districts have no polygons still prints: its
outline (if any), its points and a note.

Text uses DejaVu Sans (it ships with matplotlib and has every Polish glyph);
PDF embeds it as TrueType, so the text can be searched and copied.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.typing import RcKeyType
from pyproj import Transformer

from mapping.analysis import INDICATOR_LABELS, district_indicators
from mapping.areas import districts as districts_of
from mapping.areas import of_kind
from mapping.export.about import (
    APP_TITLE,
    SAMPLE_NOTE,
    data_sources,
    format_day,
    has_samples,
    title_of,
)
from mapping.export.print_index import IndexLayout, draw_index, fit_index
from mapping.export.print_labels import (
    IndexEntry,
    index_entries,
    place_district_labels,
    place_numbers,
)
from mapping.export.request import AUTO_ORIENTATION, PAPERS, ExportRequest
from mapping.frames import METRIC_CRS, WGS84, has_location
from mapping.schema import AREAS, CATEGORIES, RESOURCES, AreaKind
from mapping.validation import clean_text
from mapping.webmap.styles import (
    CATEGORY_COLORS,
    LAYER_COLORS,
    LAYER_SHAPES,
    NO_DATA_COLOR,
    OTHER_COLOR,
    RESOURCE_KIND_SHAPES,
    choropleth_colors,
)
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

#: Layers drawn as symbols on the printed map (areas are always the base).
POINT_LAYERS = ("resources", "needs", "actions")
_MM_PER_INCH = 25.4
_MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D"}
_PLAIN_FILL = "#f3f3ef"  # districts without shading: light, so symbols stand out
_DISTRICT_LABEL = AREAS.field("kind").choice_label(AreaKind.DISTRICT)
#: Shading is laid under coloured symbols: lightened so that dark symbols
#: (indigo, needs' black outline) keep their contrast on the darkest class.
_FILL_ALPHA = 0.6
_MIN_SPAN_M = 2000.0
_LEGEND_PT = 6.5
_FOOTER_PT = 6.0
_INDEX_PT = 5.0
#: "auto" prints landscape when the map is wider than tall by this ratio.
_LANDSCAPE_RATIO = 1.0
_PT_TO_MM = 25.4 / 72
_EDGE = "#4d4d4d"
_CATEGORY_LABELS = {c.code: c.label for c in CATEGORIES}
_KIND_LABELS = {c.code: c.label for c in RESOURCES.field("kind").choices}
# TrueType in PDF (not Type 3): text stays searchable and copyable.
# Text is drawn as typed: "$" in a source or a district name ("Fundusz $^$") is
# not a mathtext formula, which would fail to parse and block the whole export.
_RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "pdf.fonttype": 42,
    "text.parse_math": False,
    "text.usetex": False,
}
#: A rectangle in figure fractions: left, bottom, width, height.
_Box = tuple[float, float, float, float]


def page_size_mm(paper: str, orientation: str) -> tuple[float, float]:
    """Width and height of the page in millimetres."""
    width, height = PAPERS[paper]
    return (height, width) if orientation == "landscape" else (width, height)


def page_pixels(paper: str, orientation: str, dpi: int) -> tuple[int, int]:
    """Width and height in pixels at ``dpi`` (A4 portrait at 300 dpi: 2480 x 3508)."""
    width, height = page_size_mm(paper, orientation)
    return round(width / _MM_PER_INCH * dpi), round(height / _MM_PER_INCH * dpi)


@dataclass(frozen=True)
class _Page:
    """Page geometry in millimetres and the text scale (1 for A4, ~1.41 for A3)."""

    width: float
    height: float
    landscape: bool

    @property
    def scale(self) -> float:
        return min(self.width, self.height) / 210.0

    def pt(self, size: float) -> float:
        return size * self.scale

    def box(self, left: float, bottom: float, width: float, height: float) -> _Box:
        """A rectangle given in millimetres as figure fractions."""
        return (left / self.width, bottom / self.height, width / self.width, height / self.height)


# --- what is drawn --------------------------------------------------------------------


@dataclass
class _Scene:
    """The geometries to draw, in EPSG:2180, and the shading of districts."""

    districts: gpd.GeoDataFrame
    cities: gpd.GeoDataFrame
    working: gpd.GeoDataFrame
    points: dict[str, gpd.GeoDataFrame]
    fills: pd.Series  # district name → colour
    classes: list[tuple[str, str]]  # (colour, label) for the legend
    notes: list[str]

    def bounds(self) -> tuple[float, float, float, float] | None:
        frames = [self.districts, self.cities, self.working, *self.points.values()]
        geoms = np.concatenate([f.geometry[has_location(f.geometry)].to_numpy() for f in frames])
        if not len(geoms):
            return None
        return tuple(shapely.total_bounds(geoms))


def _located(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame.to_crs(METRIC_CRS)
    return frame[has_location(frame.geometry)].to_crs(METRIC_CRS)


def _with_archive_column(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    # Public exports have no archived_at (a team column); exported records
    # are never archived, which is what the indicators need to know.
    return frame if "archived_at" in frame else frame.assign(archived_at=None)


def _shading(
    frames: Mapping[str, gpd.GeoDataFrame], districts: gpd.GeoDataFrame, request: ExportRequest
) -> tuple[pd.Series, list[tuple[str, str]], list[str]]:
    """District colours by active resources per 1000 residents, legend classes, notes."""
    plain = pd.Series(_PLAIN_FILL, index=districts["name"], dtype=object)
    if districts.empty:
        return plain, [], []
    population = pd.to_numeric(districts["population"], errors="coerce")
    if not (population > 0).any():
        return (
            plain,
            [(_PLAIN_FILL, _DISTRICT_LABEL)],
            ["Brak danych o liczbie mieszkańców dzielnic."],
        )
    indicators = district_indicators(
        _with_archive_column(frames["areas"]),
        _with_archive_column(frames["resources"]),
        _with_archive_column(frames["needs"]),
        today=request.day,
    )
    rates = indicators["resources_per_1000"].reindex(districts["name"]).to_numpy(dtype=float)
    values = rates[~np.isnan(rates)]
    # Quantile classes (at most 5, fewer when values repeat).
    bounds = np.unique(np.quantile(values, np.linspace(0, 1, min(5, len(values)) + 1)[1:]))
    colours = choropleth_colors(len(bounds))
    classes = np.searchsorted(bounds, rates, side="left")
    fills = pd.Series(
        [NO_DATA_COLOR if np.isnan(v) else colours[c] for v, c in zip(rates, classes, strict=True)],
        index=districts["name"],
        dtype=object,
    )
    labels = _class_labels([values.min(), *bounds[:-1]], list(bounds))
    legend = list(zip(colours, labels, strict=True))
    if np.isnan(rates).any():
        legend.append((NO_DATA_COLOR, "brak danych o liczbie mieszkańców"))
    return fills, legend, []


def _class_labels(lows: list[float], highs: list[float]) -> list[str]:
    """Class labels such as "0,4–0,9", with as few decimals as keep the classes apart."""
    for decimals in (1, 2, 3):
        ends = [
            (f"{lo:.{decimals}f}", f"{hi:.{decimals}f}") for lo, hi in zip(lows, highs, strict=True)
        ]
        collapsed = any(
            a == b and lo != hi for (a, b), lo, hi in zip(ends, lows, highs, strict=True)
        )
        if not collapsed and len({b for _, b in ends}) == len(ends):
            break
    return [(b if a == b else f"{a}–{b}").replace(".", ",") for a, b in ends]


def _scene(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> _Scene:
    areas = _located(frames["areas"])
    districts = districts_of(areas)
    wanted = [name for name in POINT_LAYERS if name in (request.layers or POINT_LAYERS[:2])]
    points = {name: _located(frames[name]) for name in wanted}
    fills, classes, notes = _shading(frames, districts, request)
    if districts.empty:
        notes.append("Dzielnice tego miasta nie mają granic na mapie — pokazano tylko punkty.")
    return _Scene(
        districts=districts,
        cities=of_kind(areas, AreaKind.CITY),
        working=of_kind(areas, AreaKind.WORKING_AREA),
        points=points,
        fills=fills,
        classes=classes,
        notes=notes,
    )


# --- drawing ------------------------------------------------------------------------------


def _draw_areas(ax: Axes, scene: _Scene, page: _Page) -> None:
    if not scene.districts.empty:
        colours = scene.fills.reindex(scene.districts["name"]).fillna(_PLAIN_FILL)
        scene.districts.plot(
            ax=ax,
            color=list(colours),
            alpha=_FILL_ALPHA,
            edgecolor="none",
            zorder=1,
        )
        scene.districts.boundary.plot(ax=ax, color=_EDGE, linewidth=page.pt(0.4), zorder=2)
    if not scene.cities.empty:
        fill = _PLAIN_FILL if scene.districts.empty else "none"
        scene.cities.plot(ax=ax, facecolor=fill, edgecolor="none", zorder=0)
        scene.cities.boundary.plot(ax=ax, color="#222222", linewidth=page.pt(1.2), zorder=3)
    if not scene.working.empty:
        scene.working.boundary.plot(
            ax=ax, color="#222222", linewidth=page.pt(0.9), linestyle=(0, (4, 2)), zorder=3
        )


def _category_colours(frame: pd.DataFrame, layer: str) -> list[str]:
    if "category" not in frame:
        return [LAYER_COLORS[layer]] * len(frame)
    return [CATEGORY_COLORS.get(str(c), OTHER_COLOR) for c in frame["category"]]


def _anchors(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    anchors = shapely.point_on_surface(frame.geometry.to_numpy())
    return shapely.get_x(anchors), shapely.get_y(anchors)


def _draw_points(ax: Axes, scene: _Scene, page: _Page) -> None:
    size = page.pt(5.0) ** 2
    for name, frame in scene.points.items():
        if frame.empty:
            continue
        colours = np.array(_category_colours(frame, name), dtype=object)
        if name == "resources":
            shapes = frame["kind"].map(lambda k: RESOURCE_KIND_SHAPES.get(str(k), "circle"))
        else:
            shapes = pd.Series(LAYER_SHAPES[name], index=frame.index)
        heavy = name == "needs"
        if heavy:
            shaped = frame[frame.geometry.geom_type != "Point"]
            if not shaped.empty:
                shaped.boundary.plot(
                    ax=ax, color=_category_colours(shaped, name), linewidth=page.pt(0.8), zorder=5
                )
        xs, ys = _anchors(frame)
        for shape in sorted(set(shapes)):
            mask = (shapes == shape).to_numpy()
            ax.scatter(
                xs[mask],
                ys[mask],
                s=size * (0.8 if heavy else 1.0),
                marker=_MARKERS[shape],
                c=list(colours[mask]),
                edgecolors="black" if heavy else "#222222",
                linewidths=page.pt(1.2 if heavy else 0.4),
                zorder=7 if heavy else 6,
            )


def _nice_length(target: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above ``target``."""
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def _distance_label(metres: float) -> str:
    if metres < 1000:
        return f"{metres:g} m"
    return f"{metres / 1000:g} km".replace(".", ",")


def _draw_scale_bar(ax: Axes, page: _Page) -> None:
    """A true scale bar: the axes are in metres (EPSG:2180), equal aspect."""
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    width, height = xmax - xmin, ymax - ymin
    length = _nice_length(width * 0.25)
    x0, y0 = xmin + width * 0.04, ymin + height * 0.035
    bar = height * 0.008
    ax.add_patch(
        Rectangle(
            (x0 - width * 0.015, y0 - height * 0.012),
            length + width * 0.04,
            height * 0.055,
            facecolor="white",
            alpha=0.85,
            edgecolor="none",
            zorder=8,
        )
    )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / 4, y0),
                length / 4,
                bar,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=page.pt(0.5),
                zorder=9,
            )
        )
    for x, text in ((x0, "0"), (x0 + length, _distance_label(length))):
        ax.text(x, y0 + bar * 1.8, text, ha="center", va="bottom", fontsize=page.pt(6), zorder=9)


def _true_north_angle(ax: Axes) -> float:
    """Angle (radians, clockwise) from grid north to true north at the map centre."""
    x = sum(ax.get_xlim()) / 2
    y = sum(ax.get_ylim()) / 2
    to_wgs = Transformer.from_crs(METRIC_CRS, WGS84, always_xy=True)
    to_grid = Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)
    lon, lat = to_wgs.transform(x, y)
    nx, ny = to_grid.transform(lon, lat + 0.01)
    return math.atan2(nx - x, ny - y)


def _draw_north_arrow(ax: Axes, page: _Page) -> None:
    angle = _true_north_angle(ax)
    tip = (0.95, 0.95)
    length = 0.07
    tail = (tip[0] - length * math.sin(angle), tip[1] - length * math.cos(angle))
    ax.annotate(
        "",
        xy=tip,
        xytext=tail,
        xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": "black", "lw": page.pt(1.2)},
        zorder=9,
    )
    ax.text(
        tail[0],
        tail[1] - 0.012,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="top",
        fontsize=page.pt(9),
        fontweight="bold",
        path_effects=[withStroke(linewidth=page.pt(2), foreground="white")],
        zorder=9,
    )


def _frame_map(ax: Axes, scene: _Scene, page: _Page) -> None:
    bounds = scene.bounds()
    # A thin neat line around the map instead of axes with ticks and labels.
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(page.pt(0.6))
        spine.set_edgecolor(_EDGE)
    if bounds is None:
        ax.text(
            0.5,
            0.5,
            "Brak wpisów z lokalizacją.",
            ha="center",
            transform=ax.transAxes,
            fontsize=page.pt(10),
        )
        return
    xmin, ymin, xmax, ymax = bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.05
    # Widen the extent to the frame's shape, so the map fills its frame at
    # equal aspect: one metre is as long across as it is up.
    box = ax.get_position(original=True)
    frame_ratio = (box.height * page.height) / (box.width * page.width)  # the figure is the page
    # At least 2 km across, so a single point still shows its surroundings' scale.
    width = max(xmax - xmin + 2 * pad, _MIN_SPAN_M)
    height = max(ymax - ymin + 2 * pad, _MIN_SPAN_M)
    width, height = max(width, height / frame_ratio), max(height, width * frame_ratio)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    ax.set_xlim(cx - width / 2, cx + width / 2)
    ax.set_ylim(cy - height / 2, cy + height / 2)
    ax.set_aspect("equal")
    _draw_scale_bar(ax, page)
    _draw_north_arrow(ax, page)


# --- legend and texts ------------------------------------------------------------------


def _marker(shape: str, colour: str, page: _Page, *, heavy: bool = False) -> Line2D:
    return Line2D(
        [],
        [],
        linestyle="",
        marker=_MARKERS[shape],
        markersize=page.pt(5.5),
        markerfacecolor=colour,
        markeredgecolor="black" if heavy else "#222222",
        markeredgewidth=page.pt(1.2 if heavy else 0.4),
    )


def _category_entries(scene: _Scene, page: _Page) -> list[tuple[Line2D, str]]:
    present: set[str] = set()
    for frame in scene.points.values():
        if "category" in frame:
            present.update(str(c) for c in frame["category"].dropna())
    return [
        (_marker("circle", CATEGORY_COLORS.get(code, OTHER_COLOR), page), label)
        for code, label in _CATEGORY_LABELS.items()
        if code in present
    ]


def _symbol_entries(scene: _Scene, page: _Page) -> list[tuple[object, str]]:
    entries: list[tuple[object, str]] = []
    resources = scene.points.get("resources")
    if resources is not None and not resources.empty:
        kinds = set(resources["kind"].astype(str))
        by_shape: dict[str, list[str]] = {}
        for code, label in _KIND_LABELS.items():
            if code in kinds:
                by_shape.setdefault(RESOURCE_KIND_SHAPES.get(code, "circle"), []).append(label)
        for shape, labels in by_shape.items():
            entries.append((_marker(shape, "#bdbdbd", page), "zasób: " + ", ".join(labels)))
    if "needs" in scene.points and not scene.points["needs"].empty:
        entries.append((_marker("diamond", "#bdbdbd", page, heavy=True), "potrzeba"))
    if "actions" in scene.points and not scene.points["actions"].empty:
        entries.append(
            (_marker(LAYER_SHAPES["actions"], LAYER_COLORS["actions"], page), "działanie")
        )
    if not scene.cities.empty:
        entries.append((Line2D([], [], color="#222222", lw=page.pt(1.2)), "granica miasta"))
    if not scene.working.empty:
        dashed = Line2D([], [], color="#222222", lw=page.pt(0.9), linestyle=(0, (4, 2)))
        entries.append((dashed, "obszar roboczy"))
    return entries


def _legend_groups(scene: _Scene, page: _Page) -> list[tuple[str, list, int]]:
    """(title, [(handle, label)], columns) for each non-empty legend group."""
    shading = [
        (Patch(facecolor=c, alpha=_FILL_ALPHA, edgecolor=_EDGE, linewidth=page.pt(0.4)), label)
        for c, label in scene.classes
    ]
    shaded = any(colour != _PLAIN_FILL for colour, _ in scene.classes)
    groups: list[tuple[str, list[Any], int]] = [
        ("Kategorie (kolor symbolu)", _category_entries(scene, page), 1 if page.landscape else 2),
        ("Symbole", _symbol_entries(scene, page), 1),
        (INDICATOR_LABELS["resources_per_1000"][0] if shaded else "Obszary", shading, 1),
    ]
    return [g for g in groups if g[1]]


def _legend_wraps(page: _Page) -> tuple[int, int, int]:
    """Characters per line of each legend group's labels."""
    return (40, 40, 40) if page.landscape else (28, 24, 22)


def _legend_height_mm(groups: list[tuple[str, list, int]], page: _Page) -> float:
    """Height of the tallest legend group under a portrait map (wrapped lines counted)."""
    line = page.pt(_LEGEND_PT) * _PT_TO_MM * 1.75  # label line plus legend spacing
    tallest = 0.0
    for (title, entries, ncol), wrap in zip(groups, _legend_wraps(page), strict=False):
        lines = [len(textwrap.wrap(label, wrap)) for _, label in entries]
        per_column = math.ceil(len(lines) / ncol)
        rows = max(sum(lines[i : i + per_column]) for i in range(0, len(lines), per_column))
        tallest = max(tallest, (rows + len(textwrap.wrap(title, wrap)) + 0.5) * line)
    return tallest


def _draw_legend(ax: Axes, groups: list[tuple[str, list, int]], page: _Page) -> None:
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


def _footer_lines(frames: Mapping[str, pd.DataFrame], scene: _Scene) -> list[str]:
    sources = ", ".join(data_sources(frames)) or "nie podano"
    lines = [f"Źródła danych: {sources}. Granice i lokalizacje: {OSM_CREDIT}."]
    lines.extend(scene.notes)
    if has_samples(frames):
        lines.append(SAMPLE_NOTE)
    lines.append(f"Opracowano w aplikacji „{APP_TITLE}”. Odwzorowanie: PUWG 1992 (EPSG:2180).")
    return lines


def _wrap(lines: Iterable[str], width_mm: float, size_pt: float) -> str:
    chars = max(20, int(width_mm / (0.55 * size_pt * 0.3528)))
    return "\n".join(textwrap.fill(line, chars) for line in lines)


def _layout(
    page: _Page, legend_h: float, footer_h: float, index_h: float
) -> tuple[_Box, _Box, _Box]:
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


def _index_layout(entries: list[IndexEntry], page: _Page, footer_h: float) -> IndexLayout:
    """The numbered index in the strip the page can spare (a share of its height)."""
    usable = page.height - 30.0 - 16.0 * page.scale - footer_h
    return fit_index(
        [e.line() for e in entries],
        width_mm=page.width - 20.0,
        max_height_mm=usable * (0.22 if page.landscape else 0.3),
        ncols=5 if page.landscape else 4,
        fontsize=page.pt(_INDEX_PT),
        rest_note="… i {n} dalszych — pełny wykaz w pliku PDF",
    )


def chosen_orientation(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> str:
    """The request's orientation; for "auto", landscape when the map is wider than tall."""
    if request.orientation != AUTO_ORIENTATION:
        return request.orientation
    bounds = _scene(frames, request).bounds()
    if bounds is None:
        return "portrait"
    xmin, ymin, xmax, ymax = bounds
    return "landscape" if (xmax - xmin) > (ymax - ymin) * _LANDSCAPE_RATIO else "portrait"


def _place_texts(ax: Axes, scene: _Scene, entries: list[IndexEntry], page: _Page) -> list[str]:
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
) -> tuple[Figure, list[IndexEntry], IndexLayout, _Page]:
    """The page figure, its numbered symbols, the index as fitted, and the page."""
    orientation = chosen_orientation(frames, request)
    width, height = page_size_mm(request.paper, orientation)
    page = _Page(width, height, orientation == "landscape")
    scene = _scene(frames, request)
    entries = index_entries(scene.points)
    groups = _legend_groups(scene, page)
    footer = _wrap(_footer_lines(frames, scene), width - 20, page.pt(_FOOTER_PT))
    footer_h = (footer.count("\n") + 1) * page.pt(_FOOTER_PT) * _PT_TO_MM * 1.4
    index = _index_layout(entries, page, footer_h)
    with mpl.rc_context(_RC):
        figure = Figure(figsize=(width / _MM_PER_INCH, height / _MM_PER_INCH), dpi=request.dpi)
        map_box, legend_box, index_box = _layout(
            page, _legend_height_mm(groups, page), footer_h, index.height_mm
        )
        ax = figure.add_axes(map_box)
        _draw_areas(ax, scene, page)
        _draw_points(ax, scene, page)
        _frame_map(ax, scene, page)
        dropped = _place_texts(ax, scene, entries, page) if scene.bounds() else []
        if dropped:
            footer += "\n" + _wrap(
                ["Nazwy dzielnic pominięte z braku miejsca: " + ", ".join(dropped) + "."],
                width - 20,
                page.pt(_FOOTER_PT),
            )
        _draw_legend(figure.add_axes(legend_box), groups, page)
        draw_index(figure, index, index_box, "Wykaz symboli (numery na mapie)")
        _draw_texts(figure, page, request, footer)
    return figure, entries, index, page


def _draw_texts(figure: Figure, page: _Page, request: ExportRequest, footer: str) -> None:
    """Title, "stan na dzień" line and footer (sources, notes, attribution)."""
    left, top = 10 / page.width, 1 - 10 / page.height
    figure.text(left, top, title_of(request), va="top", fontsize=page.pt(15), fontweight="bold")
    subtitle = f"stan na dzień {format_day(request.day)} · {request.audience.version_label}"
    figure.text(left, top - 9 * page.scale / page.height, subtitle, va="top", fontsize=page.pt(9))
    figure.text(
        left, 10 / page.height, footer, va="bottom", fontsize=page.pt(_FOOTER_PT), linespacing=1.4
    )


def _metadata(request: ExportRequest, fmt: str) -> dict[str, str]:
    title = title_of(request)
    if fmt == "pdf":
        return {"Title": title, "Creator": APP_TITLE}
    return {"Title": title, "Software": APP_TITLE}


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


def _index_pages(entries: list[IndexEntry], page: _Page) -> list[Figure]:
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
        figure = Figure(figsize=(page.width / _MM_PER_INCH, page.height / _MM_PER_INCH))
        draw_index(
            figure,
            layout,
            page.box(10.0, 10.0, page.width - 20.0, page.height - 20.0),
            "Wykaz symboli (numery na mapie)",
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
    with mpl.rc_context(_RC):  # texts take parse_math=False when they are made
        figures = [figure] if index.complete else [figure, *_index_pages(entries, page)]
    buffer = io.BytesIO()
    with mpl.rc_context(_RC), PdfPages(buffer, metadata=_metadata(request, "pdf")) as pdf:
        for each in figures:
            _clean_texts(each)
            pdf.savefig(each, dpi=request.dpi)
    return buffer.getvalue()
