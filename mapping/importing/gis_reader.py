"""GIS files: GeoJSON, GeoPackage, zipped Shapefile (and what else GDAL reads).

Read with pyogrio (GDAL inside).  A Shapefile arrives zipped, since it is
several files; GDAL reads inside the zip through ``/vsizip/``.  Its text
encoding comes from the ``.cpg`` file; Polish Shapefiles made without one are
nearly always Windows-1250, which GDAL would misread as Latin-1 ("£ódŸ" for
"Łódź"), so such text is re-read as Windows-1250.
"""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely
import shapely.errors
from pyogrio.errors import DataLayerError, DataSourceError

from mapping.importing.source import SourceReadError, SourceTable, build_table
from mapping.language import Message

__all__ = ["GIS_SUFFIXES", "read_gis_file"]

#: File types handed to GDAL (a ``.zip`` is searched for one of the others).
GIS_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".kml", ".gml", ".fgb", ".zip", ".ods")
_INSIDE_ZIP = (".shp", ".geojson", ".json", ".gpkg", ".kml", ".gml", ".fgb")
_FORMATS = {".json": "geojson"}
# Windows-1250 letters as Latin-1 shows them: ą ł ż ę ć ń Ą Ł Ż, and ś ź Ś as controls.
_MOJIBAKE = re.compile("[\x80-\x9f¹³¿êæñ¥£¯]")


#: GDAL's English errors, as people should read them (pattern → Polish sentence).
_GDAL_ERRORS = (
    (
        "json parsing error",
        Message("to nie jest poprawny GeoJSON (uszkodzony lub niepełny plik JSON)"),
    ),
    (
        "failed to read geojson",
        Message("to nie jest poprawny GeoJSON (uszkodzony lub niepełny plik)"),
    ),
    ("parsing kml", Message("to nie jest poprawny plik KML (uszkodzony XML)")),
    (
        "not recognized as being in a supported",
        Message("plik jest uszkodzony albo to nie jest plik GIS"),
    ),
    ("not a gpkg", Message("to nie jest GeoPackage")),
    ("file is not a database", Message("to nie jest GeoPackage")),
)


def _unreadable(name: str, exc: Exception) -> SourceReadError:
    """A GDAL error in Polish, without the temporary path it names."""
    text = str(exc)
    for pattern, sentence in _GDAL_ERRORS:
        if pattern in text.lower():
            return SourceReadError(
                Message("nie można odczytać pliku {file}: {why}", file=name, why=sentence)
            )
    detail = re.sub(r"'?/\S*/", "", text)[:200]
    return SourceReadError(
        Message(
            "nie można odczytać pliku {file} — jest uszkodzony lub w nieobsługiwanym formacie "
            "(szczegóły: {detail})",
            file=name,
            detail=detail,
        )
    )


def _zip_member(path: Path, wanted: str | None) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError):
        raise SourceReadError(
            Message(
                "nie można otworzyć archiwum {file}: plik ZIP jest uszkodzony lub niepełny",
                file=path.name,
            )
        ) from None
    for suffix in _INSIDE_ZIP:  # a Shapefile first: that is what zips are for
        found = [n for n in names if n.lower().endswith(suffix)]
        if wanted:
            found = [n for n in found if Path(n).stem == wanted] or found
        if found:
            return found[0]
    raise SourceReadError(
        Message(
            "w archiwum {file} nie ma pliku Shapefile (.shp), GeoJSON ani GeoPackage",
            file=path.name,
        )
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
        raise _unreadable(name, exc) from None
    if not layers:
        raise SourceReadError(Message("plik {file} nie zawiera żadnej warstwy", file=name))
    if wanted is not None:
        if wanted not in layers:
            raise SourceReadError(
                Message(
                    "w pliku {file} nie ma warstwy „{layer}” (są: {names})",
                    file=name,
                    layer=wanted,
                    names=", ".join(layers),
                )
            )
        return wanted, layers
    if prefer in layers:
        return prefer, layers
    return layers[0], layers


@dataclass
class _Layer:
    """One layer as read: attributes, geometries (WGS84 or as declared) and what was repaired."""

    frame: pd.DataFrame
    geometry: gpd.GeoSeries
    broken: dict[int, str] = field(default_factory=dict)  # position → what happened


def _read(source: str, name: str, layer: str | None, encoding: str | None) -> _Layer:
    """Read a layer as raw arrays (no per-feature Python objects, no ``json.load``).

    Geometries arrive as WKB and are parsed here, so that one broken feature
    (an unclosed ring) is reported on its row instead of aborting the file.
    """
    try:
        with warnings.catch_warnings():
            # GDAL warns about unclosed rings; they are reported per row below.
            warnings.simplefilter("ignore", RuntimeWarning)
            meta, _, wkb, columns = pyogrio.raw.read(source, layer=layer, encoding=encoding)
    except (DataSourceError, DataLayerError) as exc:
        raise _unreadable(name, exc) from None
    names = [str(n) for n in meta["fields"]]
    frame = pd.DataFrame(
        {
            n: _cells(values, str(dtype))
            for n, values, dtype in zip(names, columns, meta["dtypes"], strict=True)
        },
        columns=names,
    )
    count = len(frame) if names else (0 if wkb is None else len(wkb))
    geoms, broken = _parse_geometries(wkb, count)
    if not names:
        frame = pd.DataFrame(index=range(count))
    return _Layer(frame, gpd.GeoSeries(geoms, crs=meta.get("crs")), broken)


def _cells(values: np.ndarray, dtype: str) -> pd.Series:
    """A column's cells; list values as Python lists.

    GDAL gives a GeoJSON array as a numpy array (a ``list(str)`` field), or as
    the text "[ ]" when every array of the column is empty.  Only such
    columns are looked at cell by cell.
    """
    column = pd.Series(values, dtype=object)
    if dtype.startswith("list"):
        listed = column.map(lambda v: isinstance(v, np.ndarray))
        column[listed] = column[listed].map(lambda v: [str(x) for x in v.tolist()])
        return column
    if dtype != "object" or column.empty:
        return column
    texts = column.str.strip()  # NaN for cells that are not text
    arrays = texts[(texts.str.startswith("[") & texts.str.endswith("]")).fillna(False)]
    for index, text in arrays.items():
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, list):
            column.at[index] = value
    return column


def _parse_geometries(wkb: np.ndarray | None, count: int) -> tuple[np.ndarray, dict[int, str]]:
    """Shapely geometries from WKB; broken ones repaired where possible, else None."""
    if wkb is None:
        return np.full(count, None, dtype=object), {}
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    broken: dict[int, str] = {}
    for i in np.flatnonzero(pd.isna(geoms) & pd.notna(wkb)):
        try:
            fixed = shapely.from_wkb(wkb[i], on_invalid="fix")
        except shapely.errors.GEOSException:
            fixed = None
        if fixed is None or fixed.is_empty:
            broken[int(i)] = Message("geometria uszkodzona — nie da się jej odczytać")
        else:
            geoms[i] = fixed
            broken[int(i)] = Message(
                "geometria uszkodzona (np. niezamknięty pierścień) — naprawiono"
            )
    return geoms, broken


def _looks_misdecoded(frame: pd.DataFrame) -> bool:
    for column in frame.columns:
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
    read = _read(source, path.name, layer, None)
    notes: list[str] = []
    if len(layers) > 1:
        others = ", ".join(n for n in layers if n != layer)
        notes.append(
            Message(
                "wczytano warstwę „{layer}”; pominięte warstwy: {others}",
                layer=layer,
                others=others,
            )
        )
    if inner == ".shp" and not _has_cpg(path, member) and _looks_misdecoded(read.frame):
        read = _read(source, path.name, layer, "cp1250")
        notes.append(Message("plik bez .cpg — tekst odczytano jako Windows-1250"))
    attributes, geometry = read.frame, read.geometry
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
    table.geometry_notes = {numbers[i]: text for i, text in read.broken.items()}
    return table
