"""Texts on the printed map that must not collide: district names and symbol numbers.

District names are placed in order of the district's area (large districts
first, so the names people look for first are the ones kept); each name tries
a few positions around its district's representative point and is dropped
only when every position would cover another name or a symbol.  Symbols get
numbers ("1", "2", …) in the order of the numbered index printed beside the
map, so a reader can tell which point is which without a browser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox

from mapping.schema import LAYERS
from mapping.text import sort_key

__all__ = ["IndexEntry", "index_entries", "place_district_labels", "place_numbers"]

#: Offsets tried for a district name, in multiples of its own height.
_SHIFTS = ((0.0, 0.0), (0.0, 1.2), (0.0, -1.2), (1.2, 0.0), (-1.2, 0.0), (0.0, 2.4), (0.0, -2.4))
#: Font size steps tried before a name is left out.
_SHRINK = (1.0, 0.8)
#: Layer prefixes in the index, so a need and a resource never share a number's meaning.
_ORDER = ("resources", "needs", "actions")


@dataclass(frozen=True)
class IndexEntry:
    """One numbered symbol: its number, layer, name, address and position (EPSG:2180)."""

    number: int
    layer: str
    name: str
    address: str
    x: float
    y: float

    def line(self) -> str:
        """The index line: "12. Biblioteka Stogi, ul. Wesoła 2"."""
        return f"{self.number}. {self.name}" + (f", {self.address}" if self.address else "")


def index_entries(points: Mapping[str, gpd.GeoDataFrame]) -> list[IndexEntry]:
    """Number every drawn symbol: resources, then needs, then actions, each in Polish order."""
    entries: list[IndexEntry] = []
    for name in [n for n in _ORDER if n in points]:
        frame = points[name]
        if frame.empty:
            continue
        layer = LAYERS[name]
        anchors = shapely.point_on_surface(frame.geometry.to_numpy())
        titles = frame[layer.title_field].fillna("").astype(str).to_numpy()
        addresses = (
            frame["address"].fillna("").astype(str).to_numpy()
            if "address" in frame
            else np.full(len(frame), "", dtype=object)
        )
        order = sorted(range(len(frame)), key=lambda i: sort_key(titles[i]))
        for i in order:
            entries.append(
                IndexEntry(
                    number=len(entries) + 1,
                    layer=name,
                    name=titles[i],
                    address=addresses[i],
                    x=float(shapely.get_x(anchors[i])),
                    y=float(shapely.get_y(anchors[i])),
                )
            )
    return entries


def _overlaps(box: Bbox, taken: Sequence[Bbox]) -> bool:
    return any(box.overlaps(other) for other in taken)


def _symbol_boxes(ax: Axes, entries: Sequence[IndexEntry], radius_px: float) -> list[Bbox]:
    if not entries:
        return []
    xy = ax.transData.transform(np.array([(e.x, e.y) for e in entries]))
    return [
        Bbox.from_extents(x - radius_px, y - radius_px, x + radius_px, y + radius_px) for x, y in xy
    ]


def _try_place(
    ax: Axes,
    renderer: RendererBase,
    name: str,
    area: shapely.Geometry,
    avoid: Sequence[Bbox],
    *,
    fontsize: float,
    halo: float,
) -> Bbox | None:
    """Draw ``name`` in its ``area`` at the first position that covers nothing in ``avoid``.

    The middle of the name stays inside the district, so a shifted name still
    reads as that district's.
    """
    inside = ax.get_window_extent(renderer)
    point = area.representative_point()
    anchor = (point.x, point.y)
    to_data = ax.transData.inverted()
    for scale in _SHRINK:
        text = ax.annotate(
            name,
            anchor,
            xytext=(0, 0),
            textcoords="offset pixels",
            ha="center",
            va="center",
            fontsize=fontsize * scale,
            color="#1a1a1a",
            path_effects=[withStroke(linewidth=halo, foreground="white")],
            zorder=8,
            annotation_clip=False,
            gid="district-label",
        )
        height = text.get_window_extent(renderer).height
        for dx, dy in _SHIFTS:
            text.set_position((dx * height, dy * height))
            box = text.get_window_extent(renderer)
            fits = inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
            middle = to_data.transform(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
            fits = fits and area.contains(shapely.Point(*middle))
            if fits and not _overlaps(box, avoid):
                return box
        text.remove()
    return None


def place_district_labels(
    ax: Axes,
    renderer: RendererBase,
    districts: gpd.GeoDataFrame,
    entries: Sequence[IndexEntry],
    *,
    fontsize: float,
    halo: float,
    symbol_px: float,
) -> list[str]:
    """Draw district names so that no two overlap, covering symbols only when they must.

    First every name looks for a place free of names and symbols (largest
    districts first); a name that found none then takes a place free of names
    only.  Returns the names left out because even that failed.
    """
    symbols = _symbol_boxes(ax, entries, symbol_px)
    labels: list[Bbox] = []
    by_area = districts.assign(_area=districts.geometry.area).sort_values("_area", ascending=False)
    anchors = [
        (str(name), geom) for name, geom in zip(by_area["name"], by_area.geometry, strict=True)
    ]
    style = {"fontsize": fontsize, "halo": halo}
    crowded = []
    for name, anchor in anchors:
        box = _try_place(ax, renderer, name, anchor, [*labels, *symbols], **style)
        if box is None:
            crowded.append((name, anchor))
        else:
            labels.append(box)
    dropped = []
    for name, anchor in crowded:
        box = _try_place(ax, renderer, name, anchor, labels, **style)
        if box is None:
            dropped.append(name)
        else:
            labels.append(box)
    return dropped


def place_numbers(
    ax: Axes, entries: Sequence[IndexEntry], *, fontsize: float, halo: float, offset_px: float
) -> None:
    """Write each symbol's index number just above and right of it."""
    for entry in entries:
        ax.annotate(
            str(entry.number),
            (entry.x, entry.y),
            xytext=(offset_px, offset_px),
            textcoords="offset pixels",
            ha="left",
            va="bottom",
            fontsize=fontsize,
            fontweight="bold",
            color="#1a1a1a",
            path_effects=[withStroke(linewidth=halo, foreground="white")],
            zorder=10,
            gid=f"number-{entry.number}",
        )
