"""Reading any supported file into a ``SourceTable``, chosen by the file's suffix."""

from __future__ import annotations

import re
from pathlib import Path

from mapping.importing.csv_reader import read_csv_file
from mapping.importing.gis_reader import GIS_SUFFIXES, read_gis_file
from mapping.importing.kml_reader import KML_SUFFIXES, read_kml_file
from mapping.importing.osm import OSM_MARK, read_osm_file
from mapping.importing.source import SourceReadError, SourceTable
from mapping.importing.umap_reader import UMAP_SUFFIX, read_umap_file
from mapping.importing.xlsx_reader import read_xlsx_file
from mapping.language import Message

__all__ = ["SUPPORTED_SUFFIXES", "read_source"]

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_JSON_SUFFIXES = (".json", ".geojson")
#: How a JSON file says it is a uMap export (often renamed to .json).
_UMAP_MARK = re.compile(rb'"type"\s*:\s*"umap"')
SUPPORTED_SUFFIXES = tuple(
    dict.fromkeys((*_TEXT_SUFFIXES, ".xlsx", ".xlsm", *KML_SUFFIXES, UMAP_SUFFIX, *GIS_SUFFIXES))
)


def _head(path: Path, size: int = 4096) -> bytes:
    """The first bytes of a file, to tell JSON dialects apart without parsing it all."""
    with path.open("rb") as file:
        return file.read(size)


def read_source(
    path: str | Path,
    *,
    sheet: str | None = None,
    source_layer: str | None = None,
    prefer_layer: str | None = None,
) -> SourceTable:
    """Read a CSV, XLSX, KML/KMZ, uMap, OpenStreetMap JSON, GeoJSON, GeoPackage or zipped Shapefile.

    Parameters
    ----------
    path : the file
    sheet : XLSX sheet to read (default: one named after ``prefer_layer``, else the
        first one with data)
    source_layer : GIS layer (or KML folder) to read (default: ``prefer_layer`` if
        present, else the first; every folder of a KML)
    prefer_layer : layer to pick by default, e.g. "resources" from a map's .gpkg
        or the sheet "Zasoby" from the app's own workbook

    Raises
    ------
    SourceReadError (a ``MapError``, Polish message) when nothing can be read.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceReadError(Message("nie ma pliku {path}", path=path))
    suffix = path.suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        return read_csv_file(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_file(path, sheet, prefer_layer)
    head = _head(path) if suffix in _JSON_SUFFIXES else b""
    if suffix == UMAP_SUFFIX or _UMAP_MARK.search(head):
        return read_umap_file(path, source_layer)
    if OSM_MARK.search(head):
        return read_osm_file(path)
    if suffix in KML_SUFFIXES:
        return read_kml_file(path, source_layer)
    if suffix in GIS_SUFFIXES:
        return read_gis_file(path, source_layer, prefer_layer)
    if suffix == ".xls":
        raise SourceReadError(
            Message(
                "stary format Excela (.xls) nie jest obsługiwany — "
                "zapisz {file} jako .xlsx lub CSV",
                file=path.name,
            )
        )
    raise SourceReadError(
        Message(
            "nieobsługiwany rodzaj pliku {file}; obsługiwane: {allowed}",
            file=path.name,
            allowed=", ".join(SUPPORTED_SUFFIXES),
        )
    )
