"""A ``.umap`` file: the whole map as uMap imports it (File → Import → "uMap").

uMap's own format is one JSON object: the map's ``properties`` (name,
description), a centre ``geometry`` and ``layers``, each a GeoJSON
FeatureCollection with ``_umap_options`` (its name and colour).  We write a
datalayer per category of each layer ("Zasoby: Kultura i biblioteki"), so
uMap's layer switcher works as our legend.  uMap's popups show a feature's
``name`` and ``description``: they get the title and the readable fields
(Polish labels, not codes); ``id`` and ``version`` ride along for imports
back into the app.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import shapely

from mapping.export.about import format_day, title_of
from mapping.export.features import Feature, folders_of
from mapping.export.geodata import rfc7946_geometry
from mapping.export.request import ExportRequest
from mapping.schema import LAYERS

__all__ = ["to_umap"]


def _feature(feature: Feature) -> dict[str, Any]:
    properties: dict[str, Any] = {"name": feature.name, "description": feature.description}
    properties |= {label: text for label, text in feature.table.values() if text}
    properties |= {"id": feature.id, "version": feature.version}
    properties["_umap_options"] = {"color": feature.color}
    return {
        "type": "Feature",
        "geometry": rfc7946_geometry(feature.geometry),
        "properties": properties,
    }


def _centre(features: list[Feature]) -> dict[str, Any]:
    located = [f.geometry for f in features if f.geometry is not None]
    if not located:
        return {"type": "Point", "coordinates": [19.4, 52.1]}  # Poland
    x0, y0, x1, y1 = shapely.total_bounds(located)
    return {"type": "Point", "coordinates": [round((x0 + x1) / 2, 6), round((y0 + y1) / 2, 6)]}


def to_umap(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    """The layers in ``request.layers`` as one ``.umap`` document (UTF-8 JSON)."""
    folders = folders_of(
        frames, request.layers or tuple(LAYERS), request.audience, located_only=True
    )
    layers = [
        {
            "type": "FeatureCollection",
            "features": [_feature(f) for f in features],
            "_umap_options": {"name": label, "color": features[0].color, "displayOnLoad": True},
        }
        for label, features in folders
    ]
    every = [f for _, features in folders for f in features]
    document = {
        "type": "umap",
        "uri": "",
        "properties": {
            "name": title_of(request),
            "description": (
                f"Stan na dzień {format_day(request.day)}; {request.audience.version_label}."
            ),
            "zoom": 12,
        },
        "geometry": _centre(every),
        "layers": layers,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
