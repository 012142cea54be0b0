"""A city as the import sees it: its outline and its official districts.

Both come from the store's ``areas`` layer (``AreaKind.CITY`` and
``AreaKind.DISTRICT``).  District names are compared by ``mapping.areas.area_key``,
because lists spell them in several ways: "Orunia - Św. Wojciech - Lipce",
"Orunia-Święty Wojciech-Lipce" and "orunia-sw. wojciech-lipce" are one district.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mapping.areas import area_key, districts, of_kind
from mapping.frames import has_location
from mapping.importing.coordinates import widen_outline
from mapping.schema import AreaKind
from mapping.store import Store
from mapping.text import fold

__all__ = ["CityContext", "canonical_city"]


def canonical_city(city: str, store: Store) -> str:
    """The store's own spelling of ``city`` ("czestochowa" → "Częstochowa"), else as given."""
    city = " ".join(str(city).split())
    wanted = fold(city)
    for known in store.cities():
        if fold(known) == wanted:
            return known
    return city


@dataclass
class CityContext:
    """What the store knows about a city's shape.

    Attributes
    ----------
    city : the city's name as stored
    outline : the city boundary (WGS84), widened a little, or None
    districts : the city's district records, with or without geometry
    """

    city: str
    outline: BaseGeometry | None = None
    districts: gpd.GeoDataFrame | None = None
    _names: dict[str, str] = field(default_factory=dict)
    _tree: shapely.STRtree | None = None
    _polygon_names: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, store: Store, city: str) -> CityContext:
        """Read the city's outline and districts from ``store``."""
        areas = store.read_layer("areas", city=city)
        cities = of_kind(areas, AreaKind.CITY)
        cities = cities[cities.geometry.notna().to_numpy()]
        outline = shapely.union_all(cities.geometry.values) if len(cities) else None
        found = districts(areas)
        context = cls(city, widen_outline(outline), found)
        context._names = {key: n for n in found["name"] if (key := area_key(n))}
        shaped = found[has_location(found.geometry).to_numpy()]
        if len(shaped):
            context._tree = shapely.STRtree(shaped.geometry.values)
            context._polygon_names = list(shaped["name"])
        return context

    @property
    def has_district_polygons(self) -> bool:
        """Whether districts can be found from a point."""
        return self._tree is not None

    @property
    def district_names(self) -> list[str]:
        """Official district names of the city."""
        return list(self._names.values())

    def official_name(self, name: str) -> str | None:
        """The official spelling of a district name, or None if the city has no such district."""
        key = area_key(name)
        return self._names.get(key) if key else None

    def district_records(self) -> dict[str, dict]:
        """District records by folded name (for matching boundary files)."""
        if self.districts is None:
            return {}
        records = self.districts.drop(columns="geometry").to_dict("records")
        for record, geom in zip(records, self.districts.geometry, strict=True):
            record["geometry"] = geom
        return {key: r for r in records if (key := area_key(r["name"]))}

    def assign(self, geoms: Sequence[BaseGeometry | None]) -> list[str | None]:
        """The district each geometry lies in (its representative point), or None."""
        result: list[str | None] = [None] * len(geoms)
        if self._tree is None:
            return result
        array = np.array(list(geoms), dtype=object)
        present = np.flatnonzero(has_location(array))
        if not len(present):
            return result
        points = shapely.point_on_surface(array[present])
        hits = self._tree.query(points, predicate="within")
        for point_index, tree_index in zip(*hits, strict=True):
            position = int(present[point_index])
            if result[position] is None:  # districts do not overlap; first is enough
                result[position] = self._polygon_names[int(tree_index)]
        return result
