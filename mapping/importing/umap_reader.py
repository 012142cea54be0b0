"""uMap's own ``.umap`` file (“Eksportuj pełne dane mapy”) read with every data layer.

A ``.umap`` is JSON: the map's settings and ``layers``, one GeoJSON
FeatureCollection per uMap data layer with its options (``_umap_options``,
``_storage`` in older uMaps) holding the layer's name.  Every feature of every
layer is a row; the layer's name goes into ``FOLDER_COLUMN`` (the category
suggestion, as a KML folder's); popup texts in uMap's markup become plain
text.  A file that yields no rows says why (empty layers, data kept on a
remote URL) instead of importing nothing in silence.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely.errors
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from mapping.importing.identity import is_own_export
from mapping.importing.kml_reader import FOLDER_COLUMN, folder_suggestion
from mapping.importing.markup import umap_text
from mapping.importing.notes import counted, quoted
from mapping.importing.source import SourceReadError, SourceTable, build_table, unique_headers
from mapping.language import Message, joined
from mapping.text import fold

__all__ = ["UMAP_SUFFIX", "read_umap_file"]

UMAP_SUFFIX = ".umap"
_NAME, _DESCRIPTION = "name", "description"


def _options(item: dict[str, Any]) -> dict[str, Any]:
    options = item.get("_umap_options") or item.get("_storage") or {}
    return options if isinstance(options, dict) else {}


def _cell(value: Any) -> Any:
    """Lists and objects as JSON text, so that nothing of a property is lost."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _shape(geometry: Any) -> tuple[BaseGeometry | None, bool]:
    """The feature's geometry, and whether it was there but could not be read."""
    if not geometry:
        return None, False
    try:
        return shapely.geometry.shape(geometry), False
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        return None, True


class _Layers:
    """The rows of every data layer, with what is said about the file."""

    def __init__(self, map_options: dict[str, Any]):
        self.label_key = map_options.get("labelKey")
        self.rows: list[dict[str, Any]] = []
        self.geometries: list[BaseGeometry | None] = []
        self.broken: dict[int, str] = {}
        self.empty: list[str] = []
        self.remote: list[tuple[str, str]] = []
        self.names: list[str] = []
        self.layer_of: list[str] = []  # the data layer of each row

    def add(self, number: int, layer: Any) -> None:
        layer = layer if isinstance(layer, dict) else {}
        options = _options(layer)
        name = " ".join(str(options.get("name") or f"warstwa {number}").split())
        self.names.append(name)
        features = [f for f in layer.get("features") or [] if isinstance(f, dict)]
        remote = options.get("remoteData")
        if not features:
            url = remote.get("url") if isinstance(remote, dict) else None
            if url:
                self.remote.append((name, str(url)))
            else:
                self.empty.append(name)
            return
        label_key = options.get("labelKey") or self.label_key
        for feature in features:
            self._feature(feature, name, label_key)

    def _feature(self, feature: dict[str, Any], layer: str, label_key: Any) -> None:
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        row = {k: _cell(v) for k, v in properties.items() if not str(k).startswith("_")}
        if label_key and label_key != _NAME and properties.get(label_key):
            row[_NAME] = properties[label_key]  # the property uMap shows as the title
        row[_DESCRIPTION] = umap_text(properties.get(_DESCRIPTION))
        row[FOLDER_COLUMN] = folder_suggestion(layer)
        self.layer_of.append(layer)
        geometry, broken = _shape(feature.get("geometry"))
        if broken:
            self.broken[len(self.rows)] = Message("geometria w pliku uMap jest uszkodzona")
        self.rows.append(row)
        self.geometries.append(geometry)

    def why_empty(self, name: str) -> str:
        reasons: list[str] = []
        if not self.names:
            reasons.append(Message("nie ma w nim żadnej warstwy danych"))
        if self.empty:
            reasons.append(Message("puste warstwy: {layers}", layers=quoted(self.empty)))
        for layer, url in self.remote:
            reasons.append(
                Message(
                    "warstwa „{layer}” pokazuje dane pobierane z adresu {url} — nie ma ich w "
                    "pliku; pobierz je stamtąd (np. jako GeoJSON) i zaimportuj ten plik",
                    layer=layer,
                    url=url,
                )
            )
        return Message(
            "plik {file} nie zawiera żadnych obiektów do importu: {reasons}",
            file=name,
            reasons=joined("; ", reasons),
        )

    def notes(self) -> list[str]:
        counts = Counter(self.layer_of)
        listed = counted(counts)
        notes: list[str] = [
            Message(
                "warstwy uMap: {listed} — nazwa warstwy jest w kolumnie „{column}” "
                "i podpowiada kategorię; możesz zmienić jej przypisanie",
                listed=listed,
                column=FOLDER_COLUMN,
            )
        ]
        if self.empty:
            notes.append(Message("puste warstwy pominięto: {layers}", layers=quoted(self.empty)))
        for layer, url in self.remote:
            notes.append(
                Message(
                    "warstwa „{layer}” ma dane pod adresem {url} — nie ma ich w pliku",
                    layer=layer,
                    url=url,
                )
            )
        shapes = sum(g is not None and g.geom_type != "Point" for g in self.geometries)
        if shapes:
            notes.append(
                Message(
                    "linie lub obszary w pliku: {count} — jako zasoby (punkty) każdy stanie się "
                    "punktem wewnątrz swojego kształtu, z uwagą przy wierszu",
                    count=shapes,
                )
            )
        unnamed = sum(not str(r.get(_NAME) or "").strip() for r in self.rows)
        if unnamed:
            notes.append(
                Message(
                    "obiektów bez nazwy: {count} — uMap pokazuje je bez tytułu; bez nazwy nie "
                    "zostaną zapisane (przypisz nazwę albo inną kolumnę do pola „Nazwa”)",
                    count=unnamed,
                )
            )
        return notes


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SourceReadError(
            Message(
                "nie można odczytać pliku {file}: to nie jest poprawny plik uMap "
                "(uszkodzony lub niepełny JSON)",
                file=path.name,
            )
        ) from None
    if not isinstance(data, dict) or not (data.get("type") == "umap" or "layers" in data):
        raise SourceReadError(
            Message(
                "plik {file} nie jest eksportem uMap (brak „layers”); "
                "w uMap wybierz „Eksportuj pełne dane mapy” albo zapisz warstwę jako GeoJSON",
                file=path.name,
            )
        )
    return data


def read_umap_file(path: Path, layer: str | None = None) -> SourceTable:
    """Read every feature of every data layer of a ``.umap`` file (or only of ``layer``).

    Raises
    ------
    SourceReadError when the file is not a uMap export, has no such layer, or
    has no features at all (the message says why).
    """
    data = _load(path)
    properties = data.get("properties")
    found = _Layers(_options(properties) if isinstance(properties, dict) else {})
    if isinstance(properties, dict) and not found.label_key:
        found.label_key = properties.get("labelKey")
    for number, item in enumerate(data.get("layers") or [], start=1):
        found.add(number, item)
    if layer is not None:
        names = [n for n in found.names if fold(n) == fold(layer)]
        if not names:
            listed = quoted(found.names) or Message("brak")
            raise SourceReadError(
                Message(
                    "w pliku {file} nie ma warstwy „{layer}” (są: {names})",
                    file=path.name,
                    layer=layer,
                    names=listed,
                )
            )
        keep = [i for i, name in enumerate(found.layer_of) if name == names[0]]
        found.rows = [found.rows[i] for i in keep]
        found.geometries = [found.geometries[i] for i in keep]
        found.layer_of = [found.layer_of[i] for i in keep]
        found.broken = {keep.index(i): m for i, m in found.broken.items() if i in keep}
    if not found.rows:
        raise SourceReadError(found.why_empty(path.name))
    keys = list(dict.fromkeys([_NAME, _DESCRIPTION, *(k for r in found.rows for k in r)]))
    if is_own_export(found.rows):  # its description was written from the fields it carries
        keys.remove(_DESCRIPTION)
    keys.remove(FOLDER_COLUMN)
    keys.append(FOLDER_COLUMN)
    rows = [[r.get(k) if r.get(k) != "" else None for k in keys] for r in found.rows]
    numbers = list(range(2, 2 + len(rows)))
    map_name = properties.get("name") if isinstance(properties, dict) else None
    table = build_table(
        path,
        "umap",
        unique_headers(keys),
        rows,
        numbers,
        layer_name=layer or (str(map_name) if map_name else None),
        notes=found.notes(),
    )
    geometry = gpd.GeoSeries(found.geometries, index=numbers, crs="EPSG:4326")
    table.geometry = geometry.loc[table.frame.index]
    table.geometry_notes = {numbers[i]: m for i, m in found.broken.items()}
    return table
