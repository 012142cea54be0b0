"""What the printed map draws: areas, symbols, scale bar and north arrow, and their legend.

Drawn with matplotlib in EPSG:2180 (PUWG 1992), a metric projection made for
Poland, so the scale bar is true and distances look right; the north arrow
points to true north (it differs from grid north by up to ~4° at Poland's
edges).  Colours and symbols come from ``mapping.webmap.styles`` — the same as on
the map in the app: Okabe–Ito/Tol colours per category, shapes per resource
kind, diamonds with a heavy outline for needs, ColorBrewer YlGnBu for the
district shading (active resources per 1000 residents, as the indicators
count them).  The legend rows show each symbol as it is drawn here.

Its words (legend, notes) are said in the language being written
(``mapping.language.writing``: the request's language, set by ``printing``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.patheffects import withStroke
from pyproj import Transformer

from mapping.analysis import INDICATOR_LABELS, district_indicators
from mapping.areas import districts as districts_of
from mapping.areas import of_kind
from mapping.export.print_layout import Page
from mapping.export.request import ExportRequest
from mapping.frames import METRIC_CRS, WGS84, has_location
from mapping.language import say, the_label
from mapping.schema import AREAS, CATEGORIES, RESOURCES, AreaKind
from mapping.webmap.styles import (
    CATEGORY_COLORS,
    LAYER_COLORS,
    LAYER_SHAPES,
    NO_DATA_COLOR,
    OTHER_COLOR,
    RESOURCE_KIND_SHAPES,
    choropleth_colors,
)

__all__ = [
    "POINT_LAYERS",
    "Scene",
    "draw_areas",
    "draw_points",
    "frame_map",
    "legend_groups",
    "scene_of",
]

#: Layers drawn as symbols on the printed map (areas are always the base).
POINT_LAYERS = ("resources", "needs", "actions")
_MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D"}
_PLAIN_FILL = "#f3f3ef"  # districts without shading: light, so symbols stand out
_DISTRICT = next(c for c in AREAS.field("kind").choices if c.code == AreaKind.DISTRICT.value)
#: Shading is laid under coloured symbols: lightened so that dark symbols
#: (indigo, needs' black outline) keep their contrast on the darkest class.
_FILL_ALPHA = 0.6
_MIN_SPAN_M = 2000.0
_EDGE = "#4d4d4d"
_KINDS = RESOURCES.field("kind").choices


@dataclass
class Scene:
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
            [(_PLAIN_FILL, the_label(_DISTRICT))],
            [say("Brak danych o liczbie mieszkańców dzielnic.")],
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
        legend.append((NO_DATA_COLOR, say("brak danych o liczbie mieszkańców")))
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


def scene_of(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> Scene:
    areas = _located(frames["areas"])
    districts = districts_of(areas)
    wanted = [name for name in POINT_LAYERS if name in (request.layers or POINT_LAYERS[:2])]
    points = {name: _located(frames[name]) for name in wanted}
    fills, classes, notes = _shading(frames, districts, request)
    if districts.empty:
        notes.append(say("Dzielnice tego miasta nie mają granic na mapie — pokazano tylko punkty."))
    return Scene(
        districts=districts,
        cities=of_kind(areas, AreaKind.CITY),
        working=of_kind(areas, AreaKind.WORKING_AREA),
        points=points,
        fills=fills,
        classes=classes,
        notes=notes,
    )


# --- drawing ------------------------------------------------------------------------------


def draw_areas(ax: Axes, scene: Scene, page: Page) -> None:
    """Districts (shaded), the city outline under them and working areas dashed."""
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


def draw_points(ax: Axes, scene: Scene, page: Page) -> None:
    """Records as symbols: colour by category, shape by layer or resource kind."""
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


def _draw_scale_bar(ax: Axes, page: Page) -> None:
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


def _draw_north_arrow(ax: Axes, page: Page) -> None:
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


def frame_map(ax: Axes, scene: Scene, page: Page) -> None:
    """Fit the extent to the scene at equal aspect; neat line, scale bar, north arrow."""
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
            say("Brak wpisów z lokalizacją."),
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


def _marker(shape: str, colour: str, page: Page, *, heavy: bool = False) -> Line2D:
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


def _category_entries(scene: Scene, page: Page) -> list[tuple[Line2D, str]]:
    present: set[str] = set()
    for frame in scene.points.values():
        if "category" in frame:
            present.update(str(c) for c in frame["category"].dropna())
    return [
        (_marker("circle", CATEGORY_COLORS.get(c.code, OTHER_COLOR), page), the_label(c))
        for c in CATEGORIES
        if c.code in present
    ]


def _symbol_entries(scene: Scene, page: Page) -> list[tuple[object, str]]:
    entries: list[tuple[object, str]] = []
    resources = scene.points.get("resources")
    if resources is not None and not resources.empty:
        kinds = set(resources["kind"].astype(str))
        by_shape: dict[str, list[str]] = {}
        for kind in _KINDS:
            if kind.code in kinds:
                shape = RESOURCE_KIND_SHAPES.get(kind.code, "circle")
                by_shape.setdefault(shape, []).append(the_label(kind))
        for shape, labels in by_shape.items():
            label = say("zasób: {kinds}", kinds=", ".join(labels))
            entries.append((_marker(shape, "#bdbdbd", page), label))
    if "needs" in scene.points and not scene.points["needs"].empty:
        entries.append((_marker("diamond", "#bdbdbd", page, heavy=True), say("potrzeba")))
    if "actions" in scene.points and not scene.points["actions"].empty:
        action = _marker(LAYER_SHAPES["actions"], LAYER_COLORS["actions"], page)
        entries.append((action, say("działanie")))
    if not scene.cities.empty:
        city = Line2D([], [], color="#222222", lw=page.pt(1.2))
        entries.append((city, say("granica miasta")))
    if not scene.working.empty:
        dashed = Line2D([], [], color="#222222", lw=page.pt(0.9), linestyle=(0, (4, 2)))
        entries.append((dashed, say("obszar roboczy")))
    return entries


def legend_groups(scene: Scene, page: Page) -> list[tuple[str, list, int]]:
    """(title, [(handle, label)], columns) for each non-empty legend group."""
    shading = [
        (Patch(facecolor=c, alpha=_FILL_ALPHA, edgecolor=_EDGE, linewidth=page.pt(0.4)), label)
        for c, label in scene.classes
    ]
    shaded = any(colour != _PLAIN_FILL for colour, _ in scene.classes)
    areas_title = say(INDICATOR_LABELS["resources_per_1000"][0]) if shaded else the_label(AREAS)
    groups: list[tuple[str, list[Any], int]] = [
        (
            say("Kategorie (kolor symbolu)"),
            _category_entries(scene, page),
            1 if page.landscape else 2,
        ),
        (say("Symbole"), _symbol_entries(scene, page), 1),
        (areas_title, shading, 1),
    ]
    return [g for g in groups if g[1]]
