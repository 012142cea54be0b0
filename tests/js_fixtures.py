"""The fixture of the node tests of ``static/mapa/packed.js``: packed data and what it means.

``static/tests/fixtures/packed.json`` holds what ``mapping.webmap.packing``
writes for a few records (``packed``) and, worked out from the records
themselves rather than from the packing, the GeoJSON features a decoder must
give back (``expected``).  ``tests/test_static_js.py`` fails when the
committed file differs from a fresh one; regenerate it after changing the
packed format::

    PYTHONPATH=. .venv/bin/python tests/js_fixtures.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import Point, Polygon, mapping

from mapping.schema import RESOURCES
from mapping.webmap.packing import PRECISION, pack_layer

__all__ = ["PACKED_FIXTURE", "packed_fixture", "packed_layer_fixture", "write_fixture"]

PACKED_FIXTURE = Path(__file__).resolve().parent.parent / "static/tests/fixtures/packed.json"
_FIELDS = ("name", "category", "target_groups", "address")

#: Records covering each column encoding: unique text (a plain column),
#: repeated codes and lists (dictionary columns), values missing here and
#: there, text that must stay inert in a page, points and polygons.
_ROWS: list[dict[str, Any]] = [
    {
        "name": "Biblioteka „Źródło” <b>",
        "category": "kultura",
        "target_groups": ["dzieci", "seniorzy"],
        "address": "ul. Łąkowa 1",
        "_stale": 1,
        "geometry": Point(18.6466123, 54.352049),
    },
    {
        "name": "Dom Sąsiedzki {{ 7*7 }}",
        "category": "kultura",
        "target_groups": ["dzieci", "seniorzy"],
        "address": None,
        "_stale": None,
        "geometry": Point(18.60001, 54.40002),
    },
    {
        "name": "Klub Seniora & Co",
        "category": None,
        "target_groups": ["seniorzy"],
        "address": "al. Grunwaldzka 5",
        "_stale": None,
        "geometry": Point(18.7, 54.3),
    },
    {
        "name": "Świetlica",
        "category": "kultura",
        "target_groups": ["dzieci", "seniorzy"],
        "address": "ul. Ścieżka 3",
        "_stale": None,
        "geometry": Point(18.65, 54.36),
    },
    {
        "name": "Park Oliwski",
        "category": "zielen",
        "target_groups": None,
        "address": None,
        "_stale": None,
        "geometry": Polygon([(18.55, 54.41), (18.56, 54.41), (18.56, 54.415), (18.55, 54.41)]),
    },
]


def packed_layer_fixture(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """``rows`` packed, and the features a decoder must give back (points north to south)."""
    frame = gpd.GeoDataFrame(
        [{k: v for k, v in row.items() if k != "_stale"} for row in rows],
        geometry=[row["geometry"] for row in rows],
        crs="EPSG:4326",
    )
    fields = [RESOURCES.field(name) for name in _FIELDS]
    data = pack_layer(frame, fields, extra={"_stale": [row["_stale"] for row in rows]})
    points = [row for row in rows if row["geometry"].geom_type == "Point"]
    points.sort(key=lambda row: -round(row["geometry"].y * 10**PRECISION))  # stable
    shapes = [row for row in rows if row["geometry"].geom_type != "Point"]
    expected = [_feature(row) for row in points + shapes]
    return {"packed": json.loads(data.packed), "expected": expected}


def packed_fixture() -> dict[str, Any]:
    """The committed fixture's content."""
    return packed_layer_fixture(_ROWS)


def _feature(row: dict[str, Any]) -> dict[str, Any]:
    geometry = shapely.transform(row["geometry"], lambda c: c.round(PRECISION))
    properties = {
        key: value
        for key, value in row.items()
        if key != "geometry" and value is not None and value != ""
    }
    return {"type": "Feature", "geometry": _lists(mapping(geometry)), "properties": properties}


def _lists(value: Any) -> Any:
    """GeoJSON with lists, as JSON gives it back (shapely's mapping uses tuples)."""
    if isinstance(value, dict):
        return {key: _lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_lists(item) for item in value]
    return value


def write_fixture(path: Path, content: dict[str, Any]) -> None:
    """Write a fixture as readable, stable JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(content, ensure_ascii=False, indent=1, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_fixture(PACKED_FIXTURE, packed_fixture())
    print(f"Zapisano {PACKED_FIXTURE}")
