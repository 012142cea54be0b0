"""The report's map: a small static picture of the area (PNG), no tiles, no browser.

Drawn with matplotlib in EPSG:2180 (metric, made for Poland) so shapes are
not stretched: district outlines, the partnership's districts filled, the
year's actions (triangles) and needs (diamonds) in the app's layer colours.
The legend is in the language being written (``mapping.language.writing``).
A figure object is used instead of pyplot, so drawing is safe inside a
Streamlit server thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke
from matplotlib.typing import RcKeyType

from mapping.areas import area_key, area_keys, is_kind, of_kind
from mapping.frames import METRIC_CRS, has_location
from mapping.language import named, say
from mapping.schema import AreaKind
from mapping.webmap.styles import LAYER_COLORS
from mapping.webmap.tiles import OSM_CREDIT

__all__ = ["render_report_map"]

_HIGHLIGHT = "#FDD98A"  # light amber: reads as "our area" and prints well in grey
_PLAIN = "#F3F3EF"
_EDGE = "#6B6B6B"
# Every Polish glyph; "$" in a name is text, never a mathtext formula.
_RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "axes.unicode_minus": True,
    "text.parse_math": False,
    "text.usetex": False,
}
_MM_PER_INCH = 25.4


def _located(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame.to_crs(METRIC_CRS)
    return frame[has_location(frame.geometry).to_numpy()].to_crs(METRIC_CRS)


def _points(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """One point per record (a need drawn as an area is placed inside it)."""
    return frame.geometry.representative_point()


def _extent(
    shapes: Sequence[gpd.GeoSeries], pad: float = 0.06
) -> tuple[float, float, float, float] | None:
    parts = [s for s in shapes if not s.empty]
    if not parts:
        return None
    minx, miny, maxx, maxy = gpd.GeoSeries(pd.concat(parts), crs=METRIC_CRS).total_bounds
    span = max(maxx - minx, maxy - miny, 500.0)  # a lone point still gets ~500 m around it
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half = span * (0.5 + pad)
    return cx - half, cy - half, cx + half, cy + half


def render_report_map(
    areas: gpd.GeoDataFrame,
    *,
    highlight: Sequence[str],
    actions: gpd.GeoDataFrame,
    needs: gpd.GeoDataFrame,
    width_mm: float = 170.0,
    dpi: int = 200,
    credit: str = OSM_CREDIT,
) -> bytes | None:
    """The area as a PNG: ``highlight`` districts filled, actions and needs as symbols.

    ``credit`` is printed in the corner: the attribution the boundaries'
    sources ask for (empty for boundaries a team drew or imported itself).

    The view fits the highlighted districts and the points (the whole city
    when nothing is highlighted).  Returns None when nothing has a location.
    """
    shapes = _located(areas)
    districts = shapes[~is_kind(shapes, AreaKind.CITY)]
    wanted = {area_key(name) for name in highlight} - {""}
    chosen = districts[area_keys(districts["name"]).isin(wanted).to_numpy()]
    layers = {"actions": _located(actions), "needs": _located(needs)}
    points = {name: _points(frame) for name, frame in layers.items() if not frame.empty}
    base = shapes.geometry if chosen.empty else chosen.geometry
    extent = _extent([base, *points.values()])
    if extent is None:
        return None
    with mpl.rc_context(_RC):
        figure = Figure(figsize=(width_mm / _MM_PER_INCH, width_mm / _MM_PER_INCH * 0.75), dpi=dpi)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0, 0, 1, 1))
        _draw(ax, shapes, chosen, points)
        minx, miny, maxx, maxy = extent
        # Keep the 4:3 frame without distorting the map: widen the shorter side.
        width, height = maxx - minx, maxy - miny
        if width < height / 0.75:
            grow = (height / 0.75 - width) / 2
            minx, maxx = minx - grow, maxx + grow
        else:
            grow = (width * 0.75 - height) / 2
            miny, maxy = miny - grow, maxy + grow
        ax.set_xlim(minx, maxx)
        ax.set_ylim(miny, maxy)
        ax.set_axis_off()
        _legend(ax, chosen, points)
        ax.text(
            0.99,
            0.01,
            credit,
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=6,
            color="#333333",
            backgroundcolor=(1, 1, 1, 0.7),
        )
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def _draw(
    ax: Axes,
    shapes: gpd.GeoDataFrame,
    chosen: gpd.GeoDataFrame,
    points: dict[str, gpd.GeoSeries],
) -> None:
    city = of_kind(shapes, AreaKind.CITY)
    districts = shapes[~is_kind(shapes, AreaKind.CITY)]
    if not city.empty:
        city.plot(ax=ax, facecolor=_PLAIN, edgecolor="#222222", linewidth=1.0, zorder=0)
    if not districts.empty:
        districts.plot(ax=ax, facecolor=_PLAIN, edgecolor=_EDGE, linewidth=0.4, zorder=1)
    if not chosen.empty:
        chosen.plot(ax=ax, facecolor=_HIGHLIGHT, edgecolor="#7A5B00", linewidth=1.0, zorder=2)
        halo = [withStroke(linewidth=2.5, foreground="white")]
        for name, geom in zip(chosen["name"], chosen.geometry, strict=True):
            spot = geom.representative_point()
            ax.annotate(
                str(name),
                (spot.x, spot.y),
                ha="center",
                va="center",
                fontsize=8,
                path_effects=halo,
                zorder=3,  # under the symbols: a need is often put at a district's centre
            )
    markers = {"actions": "^", "needs": "D"}
    for name, geoms in points.items():
        ax.scatter(
            geoms.x,
            geoms.y,
            s=42,
            marker=markers[name],
            color=LAYER_COLORS[name],
            edgecolor="white",
            linewidth=0.8,
            zorder=4,
        )


def _legend(ax: Axes, chosen: gpd.GeoDataFrame, points: dict[str, gpd.GeoSeries]) -> None:
    handles: list = []
    if not chosen.empty:
        handles.append(
            Patch(facecolor=_HIGHLIGHT, edgecolor="#7A5B00", label=say("obszar partnerstwa"))
        )
    # Named here: the catalogue's "działania" and "potrzeby" are the singular genitive.
    labels = {
        "actions": ("^", say(named("działania", "actions"))),
        "needs": ("D", say(named("potrzeby", "needs"))),
    }
    for name in points:
        marker, label = labels[name]
        handles.append(
            Line2D(
                [],
                [],
                marker=marker,
                linestyle="",
                color=LAYER_COLORS[name],
                markeredgecolor="white",
                markersize=7,
                label=label,
            )
        )
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=7, frameon=True, framealpha=0.85)
