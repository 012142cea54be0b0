"""KML and KMZ (Google My Maps, Google Earth) read with every folder.

GDAL's KML driver gives one layer per folder and drops what it cannot map,
so My Maps' layers, their ``ExtendedData`` columns and HTML descriptions are
read here with ``xml.etree``: every placemark of every folder is a row, its
folder's name goes into the column ``FOLDER_COLUMN`` (guessed as the
category, editable in the preview), each ``ExtendedData`` name is a column
offered for mapping, and descriptions are turned into plain text.  A KMZ is
a zip with the KML inside (``doc.kml`` first).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from mapping.importing.identity import is_own_export
from mapping.importing.markup import html_text
from mapping.importing.notes import counted, quoted
from mapping.importing.source import SourceReadError, SourceTable, build_table, unique_headers
from mapping.language import Message
from mapping.text import fold

__all__ = ["FOLDER_COLUMN", "KML_SUFFIXES", "folder_suggestion", "read_kml_file"]

KML_SUFFIXES = (".kml", ".kmz")
#: The column holding a placemark's folder (a My Maps layer, a uMap layer).
FOLDER_COLUMN = "Warstwa mapy"
_NAME, _DESCRIPTION = "name", "description"
#: Placemark elements KML itself defines besides name and description.
_KML_FIELDS = ("address", "phoneNumber")
#: The names My Maps and uMap give a layer nobody named: they say nothing of its places.
_DEFAULT_FOLDER = re.compile(r"^(warstwa bez nazwy|untitled layer|(warstwa|layer) ?\d*|bez nazwy)$")
_CONTAINERS = ("Document", "Folder")


@dataclass
class _Placemark:
    folder: str | None
    values: dict[str, str] = field(default_factory=dict)
    geometry: BaseGeometry | None = None
    broken: str | None = None


def _local(tag: object) -> str:
    """A tag without its namespace: KML 2.1, 2.2 and Google's ``gx:`` all appear."""
    return str(tag).rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element, name: str) -> str:
    found = _child(element, name)
    return (found.text or "").strip() if found is not None else ""


def _positions(text: str) -> list[tuple[float, float]]:
    """KML coordinates "lon,lat[,alt] lon,lat…" as (x, y)."""
    points = []
    for chunk in text.split():
        parts = chunk.split(",")
        if len(parts) >= 2:  # x and y; the altitude is optional
            points.append((float(parts[0]), float(parts[1])))
    return points


def _ring(element: ET.Element | None) -> list[tuple[float, float]]:
    if element is None:
        return []
    ring = next((e for e in element.iter() if _local(e.tag) == "LinearRing"), None)
    return _positions(_text(ring, "coordinates")) if ring is not None else []


def _point(element: ET.Element) -> BaseGeometry | None:
    points = _positions(_text(element, "coordinates"))
    return shapely.Point(points[0]) if points else None


def _line(element: ET.Element) -> BaseGeometry | None:
    points = _positions(_text(element, "coordinates"))
    return shapely.LineString(points) if len(points) > 1 else None


def _track(element: ET.Element) -> BaseGeometry | None:
    """gx:Track, a walk recorded in Google Earth: "x y z" in each ``<gx:coord>``."""
    coords = [(c.text or "").split() for c in element if _local(c.tag) == "coord"]
    points = [(float(c[0]), float(c[1])) for c in coords if len(c) > 1]
    return shapely.LineString(points) if len(points) > 1 else None


def _polygon(element: ET.Element) -> BaseGeometry | None:
    shell = _ring(_child(element, "outerBoundaryIs"))
    holes = [_ring(c) for c in element if _local(c.tag) == "innerBoundaryIs"]
    if len(shell) < 3:  # a ring needs three corners
        return None
    return shapely.Polygon(shell, [h for h in holes if h])


def _collection(element: ET.Element) -> BaseGeometry | None:
    parts = [g for c in element if (g := _geometry(c)) is not None]
    return shapely.GeometryCollection(parts) if parts else None


_READERS = {
    "Point": _point,
    "LineString": _line,
    "LinearRing": _line,
    "Track": _track,
    "Polygon": _polygon,
    "MultiGeometry": _collection,
}


def _geometry(element: ET.Element) -> BaseGeometry | None:
    read = _READERS.get(_local(element.tag))
    return read(element) if read else None


def _extended(element: ET.Element) -> dict[str, str]:
    """``<Data name><value>`` and ``<SchemaData><SimpleData name>`` as name → text."""
    data: dict[str, str] = {}
    extended = _child(element, "ExtendedData")
    if extended is None:
        return data
    for item in extended.iter():
        tag = _local(item.tag)
        if tag == "Data" and item.get("name"):
            label = _text(item, "displayName") or str(item.get("name"))
            data[label] = html_text(_text(item, "value"))
        elif tag == "SimpleData" and item.get("name"):
            data[str(item.get("name"))] = html_text(item.text or "")
    return data


def folder_suggestion(name: str | None) -> str | None:
    """A folder's name as a category suggestion; None for "Warstwa bez nazwy" and the like."""
    if not name or _DEFAULT_FOLDER.match(fold(name).strip()):
        return None
    return name


def _placemark(element: ET.Element, folder: str | None) -> _Placemark:
    found = _Placemark(folder)
    found.values[_NAME] = " ".join(_text(element, "name").split())
    found.values[_DESCRIPTION] = html_text(_text(element, "description"))
    for tag in _KML_FIELDS:  # KML's own address and phone elements (Google Earth)
        if text := _text(element, tag):
            found.values[tag] = text
    for key, value in _extended(element).items():
        # A table column called "name" must not hide the placemark's own name.
        found.values[f"{key} (dane)" if key in (_NAME, _DESCRIPTION) else key] = value
    shape = next((c for c in element if _local(c.tag) in _READERS), None)
    if shape is not None:
        try:
            found.geometry = _geometry(shape)
        except (ValueError, shapely.errors.GEOSException):
            found.broken = Message(
                "współrzędne w pliku KML są uszkodzone — nie da się ich odczytać"
            )
    return found


def _walk(element: ET.Element, folder: str | None) -> Iterator[_Placemark]:
    """Placemarks in document order; each belongs to its nearest named folder."""
    for child in element:
        tag = _local(child.tag)
        if tag == "Placemark":
            yield _placemark(child, folder)
        elif tag in _CONTAINERS:
            name = " ".join(_text(child, "name").split())
            inner = name if tag == "Folder" and name else folder
            yield from _walk(child, inner)


def _kml_bytes(path: Path) -> bytes:
    if path.suffix.lower() != ".kmz":
        return path.read_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".kml")]
            if not names:
                raise SourceReadError(Message("w archiwum {file} nie ma pliku KML", file=path.name))
            names.sort(key=lambda n: (Path(n).name.lower() != "doc.kml", n.count("/"), n))
            return archive.read(names[0])
    except (zipfile.BadZipFile, OSError):
        raise SourceReadError(
            Message(
                "nie można otworzyć pliku {file}: KMZ (archiwum ZIP) jest uszkodzony lub niepełny",
                file=path.name,
            )
        ) from None


def _parse(path: Path) -> ET.Element:
    data = _kml_bytes(path)
    if re.search(rb"<!ENTITY", data[:4096]):  # entity tricks have no place in a map
        raise SourceReadError(
            Message("plik {file} zawiera definicje encji XML — nie wczytano", file=path.name)
        )
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise SourceReadError(
            Message(
                "nie można odczytać pliku {file}: to nie jest poprawny plik KML "
                "(uszkodzony XML, {error})",
                file=path.name,
                error=exc,
            )
        ) from None
    if _local(root.tag) not in ("kml", *_CONTAINERS):
        raise SourceReadError(
            Message("plik {file} nie jest plikiem KML (brak elementu <kml>)", file=path.name)
        )
    return root


def _document_name(root: ET.Element) -> str | None:
    document = root if _local(root.tag) == "Document" else _child(root, "Document")
    return (_text(document, "name") or None) if document is not None else None


def _choose_folder(found: list[_Placemark], wanted: str | None, name: str) -> list[_Placemark]:
    if wanted is None:
        return found
    folders = list(dict.fromkeys(p.folder for p in found if p.folder))
    chosen = [p for p in found if p.folder and fold(p.folder) == fold(wanted)]
    if not chosen:
        listed = quoted(folders) or Message("brak folderów")
        raise SourceReadError(
            Message(
                "w pliku {file} nie ma folderu „{folder}” (są: {listed})",
                file=name,
                folder=wanted,
                listed=listed,
            )
        )
    return chosen


def _folder_notes(found: list[_Placemark]) -> list[str]:
    counts = Counter(p.folder for p in found if p.folder)
    if not counts:
        return []
    listed = counted(counts)
    notes: list[str] = [
        Message(
            "foldery (warstwy) w pliku: {listed} — nazwa folderu jest w kolumnie "
            "„{column}” i podpowiada kategorię; możesz zmienić jej przypisanie",
            listed=listed,
            column=FOLDER_COLUMN,
        )
    ]
    needs = [f for f in counts if re.search(r"potrzeb", fold(f))]
    if needs:
        notes.append(
            Message(
                "folder {folders} wygląda na listę potrzeb — możesz go zaimportować osobno "
                "jako potrzeby (wybierz folder jako część pliku)",
                folders=quoted(needs),
            )
        )
    return notes


def _why_empty(root: ET.Element, name: str) -> str:
    """Why a KML has no placemarks: most often My Maps' "network link" export."""
    link = next((e for e in root.iter() if _local(e.tag) == "NetworkLink"), None)
    if link is None:
        return Message("plik {file} nie zawiera żadnych miejsc (znaczników KML)", file=name)
    href = next((e.text for e in link.iter() if _local(e.tag) == "href" and e.text), None)
    return Message(
        "plik {file} nie zawiera miejsc, tylko łącze do danych w sieci{where} — w Google "
        "My Maps wyeksportuj mapę do KML/KMZ bez opcji łącza sieciowego (aktualizacji "
        "danych online) i wczytaj nowy plik",
        file=name,
        where=f" ({href.strip()})" if href else "",
    )


def read_kml_file(path: Path, folder: str | None = None) -> SourceTable:
    """Read every placemark of a KML or KMZ file (or only those of ``folder``).

    Raises
    ------
    SourceReadError when the file is not KML, is damaged, or has no such folder.
    """
    root = _parse(path)
    found = list(_walk(root, None))
    if not found:
        raise SourceReadError(_why_empty(root, path.name))
    found = _choose_folder(found, folder, path.name)
    extra = list(
        dict.fromkeys(k for p in found for k in p.values if k not in (_NAME, _DESCRIPTION))
    )
    # The app's own export wrote the description from the fields it also carries.
    own = is_own_export(p.values for p in found)
    keys = [_NAME, *([] if own else [_DESCRIPTION]), *extra]
    has_folders = any(p.folder for p in found)
    headers = unique_headers([*keys, *([FOLDER_COLUMN] if has_folders else [])])
    rows = [
        [p.values.get(k) or None for k in keys]
        + ([folder_suggestion(p.folder)] if has_folders else [])
        for p in found
    ]
    numbers = list(range(2, 2 + len(rows)))
    table = build_table(
        path,
        path.suffix.lower().lstrip("."),
        headers,
        rows,
        numbers,
        layer_name=folder or _document_name(root),
        notes=_folder_notes(found),
    )
    geometry = gpd.GeoSeries([p.geometry for p in found], index=numbers, crs="EPSG:4326")
    table.geometry = geometry.loc[table.frame.index]
    table.geometry_notes = {n: p.broken for n, p in zip(numbers, found, strict=True) if p.broken}
    return table
