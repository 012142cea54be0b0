"""Reading the raw source files (``../shared/data/raw``) with basic checks."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import geopandas as gpd

from mapping.databuild.records import DataBuildError
from mapping.frames import WGS84

__all__ = ["RAW_FILES", "check_raw_dir", "clean_text", "read_csv", "read_frame"]

#: Every raw file the build reads, relative to the raw directory.
RAW_FILES = (
    "gdansk/districts_osm.geojson",
    "gdansk/district_population.csv",
    "gdansk/culture_and_city_offices.geojson",
    "czestochowa/pois_osm.geojson",
    "czestochowa/district_population.csv",
    "czestochowa/district_points.csv",
    "czestochowa/social_points.csv",
    "czestochowa/district_bo2021_allocation.csv",
    "czestochowa/boundary_descriptions.md",
    "poland/gminy_prg_simplified.geojson",
)


def check_raw_dir(raw: Path) -> None:
    """Raise DataBuildError naming the expected files if any is missing."""
    missing = [name for name in RAW_FILES if not (raw / name).is_file()]
    if missing:
        raise DataBuildError(
            f"W katalogu danych źródłowych {raw} brakuje plików: {', '.join(missing)}; "
            f"oczekiwane: {', '.join(RAW_FILES)}"
        )


def read_frame(path: Path) -> gpd.GeoDataFrame:
    """Read a vector file and return it in EPSG:4326.

    A file without a CRS is an error; any other CRS is reprojected explicitly.
    """
    frame = gpd.read_file(path)
    if frame.crs is None:
        raise DataBuildError(f"Plik {path.name} nie ma określonego układu współrzędnych")
    if not frame.crs.equals(WGS84, ignore_axis_order=True):
        frame = frame.to_crs(WGS84)
    return frame


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV file as dicts of stripped strings."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def clean_text(value: object) -> str | None:
    """Collapse whitespace; None, NaN and blank text become None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = " ".join(str(value).split())
    return text or None
