"""The parts of a file one import can read: sheets, GIS layers, KML folders.

The import page offers them to choose from when there is more than one; the
CLI takes one with ``--part``.  The default is the part ``read_source``
reads when none is given: the sheet or layer named after the target layer
(the app's own workbook and GeoPackage), else the first one; a KML is read
with every folder unless one is chosen.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pyogrio
from openpyxl.utils.exceptions import InvalidFileException
from pyogrio.errors import DataLayerError, DataSourceError

from mapping.importing.gis_reader import GIS_SUFFIXES
from mapping.importing.kml_reader import KML_SUFFIXES
from mapping.importing.xlsx_reader import layer_sheet
from mapping.language import Message, named
from mapping.schema import LAYERS

__all__ = ["SourceParts", "source_parts"]

_WORKBOOKS = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class SourceParts:
    """The sheets or layers of a file, which one is read by default, and what they are.

    ``whole`` is what reading no single part means, when the reader takes
    every part by default (every folder of a KML); None when it takes one.
    """

    names: tuple[str, ...]
    default: str | None
    kind: str  # "arkusz", "warstwa" or "folder"
    whole: str | None = None

    @property
    def options(self) -> tuple[str | None, ...]:
        """What to choose from: None (``whole``) first when the reader can take every part."""
        return (None, *self.names) if self.whole else self.names

    def label(self, name: str | None) -> str:
        """How to show a part: the app's own layers by their names, "Zasoby (resources)".

        A ``Message`` where the app names it (the page says it in the reader's
        language); the file's own part names as they are.
        """
        if name is None:
            return self.whole or ""
        if name not in LAYERS:
            return name
        layer = LAYERS[name]
        return Message("{layer} ({name})", layer=named(layer.label, layer.label_en), name=name)

    @property
    def choosable(self) -> bool:
        """Whether there is a choice to offer (more than one part)."""
        return len(self.names) > 1


def _sheets(path: Path, prefer_layer: str | None) -> SourceParts:
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return SourceParts((), None, "arkusz")  # reading the file says what is wrong
    try:
        names = tuple(book.sheetnames)
        # The first sheet with data, as ``read_xlsx_file`` picks it.
        filled = [ws.title for ws in book.worksheets if ws.max_row and ws.max_row > 1]
    finally:
        book.close()
    default = layer_sheet(names, prefer_layer) or (filled or [*names, None])[0]
    return SourceParts(names, default, "arkusz")


def _folders(path: Path) -> SourceParts:
    """A KML's folders (as GDAL names them); by default every folder is read."""
    try:
        names = tuple(str(row[0]) for row in pyogrio.list_layers(path))
    except (DataSourceError, DataLayerError):
        names = ()
    return SourceParts(names, None, "folder", whole=Message("wszystkie foldery"))


def _layers(path: Path, prefer_layer: str | None) -> SourceParts:
    if path.suffix.lower() == ".zip":
        return SourceParts((), None, "warstwa")  # a zipped Shapefile is one layer
    try:
        names = tuple(str(row[0]) for row in pyogrio.list_layers(path))
    except (DataSourceError, DataLayerError):
        return SourceParts((), None, "warstwa")
    default = prefer_layer if prefer_layer in names else (names or (None,))[0]
    return SourceParts(names, default, "warstwa")


def source_parts(path: str | Path, prefer_layer: str | None = None) -> SourceParts:
    """The sheets of a workbook or the layers of a GIS file (none for a CSV).

    Parameters
    ----------
    path : the file
    prefer_layer : the store layer imported into ("resources", "needs", "areas"),
        to tell which part is read by default
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _WORKBOOKS:
        return _sheets(path, prefer_layer)
    if suffix in KML_SUFFIXES:
        return _folders(path)
    if suffix in GIS_SUFFIXES:
        return _layers(path, prefer_layer)
    return SourceParts((), None, "")
