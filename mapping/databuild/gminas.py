"""City outlines from the state boundary register (PRG): one gmina by its TERYT code."""

from __future__ import annotations

from pathlib import Path

import shapely

from mapping.databuild.geojson import GRID
from mapping.databuild.raw import read_frame
from mapping.databuild.records import DataBuildError, Record, new_record
from mapping.frames import METRIC_CRS
from mapping.schema import AREAS, AreaKind

__all__ = ["GMINY_FILE", "PRG_SOURCE", "city_outline", "gmina_outline"]

GMINY_FILE = "poland/gminy_prg_simplified.geojson"
PRG_SOURCE = "Państwowy Rejestr Granic (GUGiK), wersja uproszczona"


def gmina_outline(raw: Path, teryt: str) -> tuple[shapely.MultiPolygon, float]:
    """The outline of gmina ``teryt`` (snapped to the output grid) and its area in km².

    The area is computed from the simplified outline in EPSG:2180, so it is
    approximate.  Raises DataBuildError when the code is missing or repeated.
    """
    gminy = read_frame(raw / GMINY_FILE)
    city = gminy[gminy["JPT_KOD_JE"] == teryt]
    if len(city) != 1:
        raise DataBuildError(f"W granicach gmin (PRG) brak jednoznacznej gminy {teryt}")
    geometry = shapely.set_precision(shapely.make_valid(city.geometry.iloc[0]), GRID)
    if geometry.geom_type == "Polygon":
        geometry = shapely.MultiPolygon([geometry])
    area_km2 = float(city.to_crs(METRIC_CRS).area.iloc[0]) / 1e6
    return geometry, round(area_km2, 1)


def city_outline(raw: Path, teryt: str, city: str, record_id: str, unknown: str) -> Record:
    """The city's outline area from the gmina layer, with its area and how rough it is.

    ``unknown`` ends the note: what the source does not give (population…).
    """
    geometry, area_km2 = gmina_outline(raw, teryt)
    return new_record(
        AREAS,
        record_id,
        geometry,
        name=city,
        kind=AreaKind.CITY.value,
        city=city,
        teryt=teryt,
        area_km2=area_km2,
        source=PRG_SOURCE,
        notes=(
            "Obrys z PRG, mocno uproszczony — wystarcza na mapę poglądową. Powierzchnia "
            "obliczona z tego obrysu (w układzie EPSG:2180), więc przybliżona. " + unknown
        ),
    )
