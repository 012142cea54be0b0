"""Records as "features" other map tools show: a name, a readable description, a colour.

Google My Maps, Google Earth and uMap show a feature's *name* and
*description* in their popups and nothing else by default.  This module
turns each exported record into those two texts (Polish labels, choice
labels instead of codes, the fields the audience may see), its category
colour and its WGS84 geometry, and the same fields as a table (field name →
label and text) that My Maps shows as columns and our import reads back.
``kml`` and ``umap`` write them out; the record ``id`` and ``version``
travel with them so a file edited in those tools can be imported back onto
the same records.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.frames import WGS84, has_location
from mapping.schema import LAYERS, Audience, Layer
from mapping.tables import format_value
from mapping.text import sort_key
from mapping.webmap.styles import CATEGORY_COLORS, LAYER_COLORS, OTHER_COLOR

__all__ = ["Feature", "features_of", "folders_of"]


@dataclass(frozen=True)
class Feature:
    """One record as other map tools show it."""

    id: str
    version: int | None
    name: str
    description: str
    table: dict[str, tuple[str, str]]  # field name → (Polish label, readable value), no title
    group: str  # the category label (or the layer label): a folder, a colour
    color: str  # "#rrggbb"
    geometry: Any  # a shapely geometry in WGS84, or None


def _version(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def features_of(layer: Layer, frame: gpd.GeoDataFrame, audience: Audience) -> Iterator[Feature]:
    """The features of one exported layer, in Polish order of their names.

    ``frame`` is the layer as ``export_frames`` left it for ``audience``: the
    description shows only the fields that audience may see.
    """
    if frame.empty:
        return
    if frame.crs is not None and frame.crs != WGS84:
        frame = frame.to_crs(WGS84)
    # The title is the feature's name; the table holds the other visible fields.
    fields = [f for f in layer.visible_fields(audience) if f.name != layer.title_field]
    located = has_location(frame.geometry).to_numpy()
    categories = layer.field("category") if "category" in layer.field_names else None
    rows = sorted(
        range(len(frame)), key=lambda i: sort_key(str(frame[layer.title_field].iloc[i] or ""))
    )
    for i in rows:
        record = frame.iloc[i]
        table = {f.name: (f.label, format_value(f, record.get(f.name))) for f in fields}
        lines = [f"{label}: {text}" for label, text in table.values() if text]
        code = str(record.get("category") or "") if categories is not None else ""
        yield Feature(
            id=str(record["id"]),
            version=_version(record.get("version")),
            name=str(record[layer.title_field] or ""),
            description="\n".join(lines),
            table=table,
            group=categories.choice_label(code) if categories is not None and code else layer.label,
            color=CATEGORY_COLORS.get(code, LAYER_COLORS.get(layer.name, OTHER_COLOR)),
            geometry=frame.geometry.iloc[i] if located[i] else None,
        )


def folders_of(
    frames: Mapping[str, gpd.GeoDataFrame],
    layers: Sequence[str],
    audience: Audience,
    *,
    located_only: bool = False,
) -> list[tuple[str, list[Feature]]]:
    """Features grouped into one level of folders: "Zasoby: Kultura i biblioteki".

    One folder per layer and category, layers in the given order and
    categories in Polish order.  GDAL and My Maps flatten nested folders, and
    the same category under two layers must stay two folders.  With
    ``located_only``, records without a place are left out (uMap drops them).
    """
    folders: list[tuple[str, list[Feature]]] = []
    for name in layers:
        layer = LAYERS[name]
        if layer.geometry is None or name not in frames:
            continue
        groups: dict[str, list[Feature]] = {}
        for feature in features_of(layer, frames[name], audience):
            if feature.geometry is not None or not located_only:
                groups.setdefault(feature.group, []).append(feature)
        for group, features in sorted(groups.items(), key=lambda item: sort_key(item[0])):
            label = layer.label if group == layer.label else f"{layer.label}: {group}"
            folders.append((label, features))
    return folders
