"""GIS files: GeoJSON, GeoPackage, zipped Shapefile (and what else GDAL reads).

Read with pyogrio (GDAL inside).  A Shapefile arrives zipped, since it is
several files; GDAL reads inside the zip through ``/vsizip/``.  Its text
encoding comes from the ``.cpg`` file; Polish Shapefiles made without one are
nearly always Windows-1250, which GDAL would misread as Latin-1 ("£ódŸ" for
"Łódź"), so such text is re-read as Windows-1250.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from mapping.importing.source import SourceReadError, SourceTable, build_table

__all__ = ["GIS_SUFFIXES", "read_gis_file"]

#: File types handed to GDAL (a ``.zip`` is searched for one of the others).
GIS_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".kml", ".gml", ".fgb", ".zip", ".ods")
_INSIDE_ZIP = (".shp", ".geojson", ".json", ".gpkg", ".kml", ".gml", ".fgb")
_FORMATS = {".json": "geojson"}
# Windows-1250 letters as Latin-1 shows them: ą ł ż ę ć ń Ą Ł Ż, and ś ź Ś as controls.
_MOJIBAKE = re.compile("[\x80-\x9f¹³¿êæñ¥£¯]")


def _zip_member(path: Path, wanted: str | None) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceReadError(f"nie można otworzyć archiwum {path.name}: {exc}") from None
    for suffix in _INSIDE_ZIP:  # a Shapefile first: that is what zips are for
        found = [n for n in names if n.lower().endswith(suffix)]
        if wanted:
            found = [n for n in found if Path(n).stem == wanted] or found
        if found:
            return found[0]
    raise SourceReadError(
        f"w archiwum {path.name} nie ma pliku Shapefile (.shp), GeoJSON ani GeoPackage"
    )


def _has_cpg(path: Path, member: str | None) -> bool:
    if member is None:
        return any(path.with_suffix(s).exists() for s in (".cpg", ".CPG"))
    stem = member.rsplit(".", 1)[0].lower()
    with zipfile.ZipFile(path) as archive:
        return any(n.lower() == stem + ".cpg" for n in archive.namelist())


def _pick_layer(
    source: str, name: str, wanted: str | None, prefer: str | None
) -> tuple[str | None, list[str]]:
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(source)]
    except (DataSourceError, DataLayerError) as exc:
        raise SourceReadError(f"nie można odczytać pliku {name}: {exc}") from None
    if not layers:
        raise SourceReadError(f"plik {name} nie zawiera żadnej warstwy")
    if wanted is not None:
        if wanted not in layers:
            raise SourceReadError(
                f"w pliku {name} nie ma warstwy „{wanted}” (są: {', '.join(layers)})"
            )
        return wanted, layers
    if prefer in layers:
        return prefer, layers
    return layers[0], layers


def _read(source: str, name: str, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    try:
        frame = pyogrio.read_dataframe(source, layer=layer, encoding=encoding)
    except (DataSourceError, DataLayerError) as exc:
        raise SourceReadError(f"nie można odczytać pliku {name}: {exc}") from None
    if not isinstance(frame, gpd.GeoDataFrame):  # a table without geometry (ODS)
        frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame)))
    return frame


def _looks_misdecoded(frame: pd.DataFrame) -> bool:
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        texts = frame[column].dropna()
        if any(isinstance(t, str) and _MOJIBAKE.search(t) for t in texts):
            return True
    return False


def read_gis_file(
    path: Path, source_layer: str | None = None, prefer_layer: str | None = None
) -> SourceTable:
    """Read one layer of a GIS file: ``source_layer``, else ``prefer_layer`` if
    the file has a layer of that name, else the first one."""
    suffix = path.suffix.lower()
    member = _zip_member(path, source_layer) if suffix == ".zip" else None
    source = f"/vsizip/{path.resolve()}/{member}" if member else str(path)
    inner = Path(member).suffix.lower() if member else suffix
    layer, layers = _pick_layer(source, path.name, None if member else source_layer, prefer_layer)
    frame = _read(source, path.name, layer, None)
    notes = []
    if len(layers) > 1:
        others = ", ".join(n for n in layers if n != layer)
        notes.append(f"wczytano warstwę „{layer}”; pominięte warstwy: {others}")
    if inner == ".shp" and not _has_cpg(path, member) and _looks_misdecoded(frame):
        frame = _read(source, path.name, layer, "cp1250")
        notes.append("plik bez .cpg — tekst odczytano jako Windows-1250")
    geometry = frame.geometry
    attributes = frame.drop(columns=[geometry.name])
    headers = [str(c) for c in attributes.columns]
    rows = attributes.astype(object).where(attributes.notna(), None).values.tolist()
    # Features have no row numbers; number them as a sheet would (header = 1).
    numbers = list(range(2, 2 + len(rows)))
    table = build_table(
        path,
        _FORMATS.get(inner, inner.lstrip(".")),
        headers,
        rows,
        numbers,
        layer_name=layer,
        notes=notes,
    )
    geometry = gpd.GeoSeries(geometry.values, index=range(2, 2 + len(rows)), crs=geometry.crs)
    table.geometry = geometry.loc[table.frame.index]
    return table
