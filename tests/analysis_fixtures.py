"""Hand-checkable test city for the analysis tests.

"Testowo" is laid out in EPSG:2180 metres from ``ORIGIN`` (x east, y north),
then converted to EPSG:4326 as the record frames hold it::

    y=2000 +-----------+-----------+
           |  Zachód   |  Centrum  |      Centrum: 2 km x 2 km, 4000 residents
           |  0 osób   |  +-----+  |      Zachód: 2 km x 2 km, population 0
           |           |  | Rew |  |      Rewitalizacja: working area 1 km x 1 km
           |           |  +-----+  |      Bez granic: district without polygon,
    y=0    +-----------+-----------+        1000 residents, declared 3.5 km²
        x=-2000       x=0        x=2000   Testowo (city): both squares, 6000 residents

Records are plain dicts built by ``resource``/``need``/``area`` and turned into
frames with ``mapping.frames.records_to_frame`` by ``frame``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import Point, box

from mapping.frames import records_to_frame
from mapping.schema import LAYERS

__all__ = [
    "CITY",
    "FRESH",
    "ORIGIN",
    "STALE",
    "TODAY",
    "area",
    "city_areas",
    "frame",
    "need",
    "resource",
    "wgs",
]

#: South-west corner of Centrum in EPSG:2180 (central Poland).
ORIGIN = (500_000.0, 400_000.0)
CITY = "Testowo"
TODAY = date(2025, 6, 1)
FRESH = "2025-01-10"
STALE = "2020-01-01"


def wgs(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """A geometry given in metres relative to ``ORIGIN`` (EPSG:2180), in EPSG:4326."""
    if geom is None:
        return None
    placed = shapely.affinity.translate(geom, *ORIGIN)
    return gpd.GeoSeries([placed], crs="EPSG:2180").to_crs("EPSG:4326").iloc[0]


def _point(at: tuple[float, float] | None) -> shapely.Geometry | None:
    return wgs(Point(at)) if at is not None else None


def area(name: str, bounds: tuple[float, float, float, float] | None, **fields: Any) -> dict:
    """An area record; ``bounds`` (minx, miny, maxx, maxy) in metres, None: no polygon."""
    return {
        "id": f"a-{name}",
        "name": name,
        "kind": "dzielnica",
        "city": CITY,
        "geometry": wgs(box(*bounds)) if bounds else None,
        **fields,
    }


def city_areas() -> list[dict]:
    """The areas of Testowo drawn in the module docstring."""
    return [
        area("Centrum", (0, 0, 2000, 2000), population=4000),
        area("Zachód", (-2000, 0, 0, 2000), population=0),
        area("Bez granic", None, population=1000, area_km2=3.5),
        area("Rewitalizacja", (500, 500, 1500, 1500), kind="obszar_roboczy"),
        area(CITY, (-2000, 0, 2000, 2000), kind="miasto", population=6000),
    ]


def resource(rid: str, at: tuple[float, float] | None, **fields: Any) -> dict:
    """An active, freshly verified culture resource for everyone at ``at`` (metres)."""
    return {
        "id": rid,
        "name": f"Zasób {rid}",
        "kind": "instytucja",
        "category": "kultura",
        "target_groups": ["wszyscy"],
        "city": CITY,
        "status": "aktywny",
        "last_verified": FRESH,
        "geometry": _point(at),
        **fields,
    }


def need(nid: str, at: tuple[float, float] | shapely.Geometry | None, **fields: Any) -> dict:
    """A reported culture need at ``at`` (a point in metres, or a metric geometry)."""
    geometry = wgs(at) if isinstance(at, shapely.Geometry) else _point(at)
    return {
        "id": nid,
        "title": f"Potrzeba {nid}",
        "category": "kultura",
        "target_groups": [],
        "city": CITY,
        "status": "zgloszona",
        "geometry": geometry,
        **fields,
    }


def frame(layer: str, records: list[dict]) -> gpd.GeoDataFrame:
    """A record frame (EPSG:4326) of ``layer``."""
    return records_to_frame(LAYERS[layer], records)
