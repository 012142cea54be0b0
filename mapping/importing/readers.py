"""Reading any supported file into a ``SourceTable``, chosen by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from mapping.importing.csv_reader import read_csv_file
from mapping.importing.gis_reader import GIS_SUFFIXES, read_gis_file
from mapping.importing.source import SourceReadError, SourceTable
from mapping.importing.xlsx_reader import read_xlsx_file

__all__ = ["SUPPORTED_SUFFIXES", "read_source"]

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED_SUFFIXES = (*_TEXT_SUFFIXES, ".xlsx", ".xlsm", *GIS_SUFFIXES)


def read_source(
    path: str | Path,
    *,
    sheet: str | None = None,
    source_layer: str | None = None,
    prefer_layer: str | None = None,
) -> SourceTable:
    """Read a CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile.

    Parameters
    ----------
    path : the file
    sheet : XLSX sheet to read (default: the first one with data)
    source_layer : GIS layer to read (default: ``prefer_layer`` if present, else the first)
    prefer_layer : layer name to pick by default, e.g. "resources" from a map's .gpkg

    Raises
    ------
    SourceReadError (a ``MapError``, Polish message) when nothing can be read.
    """
    path = Path(path)
    if not path.is_file():
        raise SourceReadError(f"nie ma pliku {path}")
    suffix = path.suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        return read_csv_file(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx_file(path, sheet)
    if suffix in GIS_SUFFIXES:
        return read_gis_file(path, source_layer, prefer_layer)
    if suffix == ".xls":
        raise SourceReadError(
            f"stary format Excela (.xls) nie jest obsługiwany — "
            f"zapisz {path.name} jako .xlsx lub CSV"
        )
    allowed = ", ".join(SUPPORTED_SUFFIXES)
    raise SourceReadError(f"nieobsługiwany rodzaj pliku {path.name}; obsługiwane: {allowed}")
