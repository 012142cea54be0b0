"""Backend-neutral pieces of a store: geometry checks, change detection, history snapshots.

Every backend keeps the same record form (``mapping.frames``) and the same
history snapshot: the whole record as JSON with the geometry as WKT, so a map
copied between backends (``mapping.store.copy``) keeps a history either can read.
History rows keep whole snapshots only where the record's row is gone (a
deletion) or where an older version wrote them; the others keep what changed
(``mapping.store.deltas``), and ``history()`` shows whole snapshots again.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mapping.errors import ConflictError, MapError, ValidationError
from mapping.frames import decode_list, is_list_field
from mapping.language import Message
from mapping.schema import Field, Layer
from mapping.store.gpkg_binary import decode_geometry
from mapping.validation import already_clean, clean_value, missing_location

__all__ = [
    "HISTORY_FIELDS",
    "UNDO_NOTE_PREFIX",
    "CleanRecord",
    "clean_columns",
    "clean_records",
    "clean_records_apart",
    "conflict_error",
    "fit_geometries",
    "fit_geometry",
    "from_snapshot",
    "same_state",
    "snapshot",
    "snapshot_record",
    "snapshots",
    "undone_batches",
]

#: The columns of ``history`` in every backend, in order.
HISTORY_FIELDS = ("fid", "layer", "record_id", "version", "action", "author", "at", "batch_id",
                  "note", "before", "after")  # fmt: skip
#: How ``undo_batch`` notes its own batch: the prefix, then the undone batch's id.
UNDO_NOTE_PREFIX = "cofnięcie "


def undone_batches(history: pd.DataFrame) -> set[str]:
    """Ids of the batches a later ``undo_batch`` took back (from a ``history`` frame)."""
    notes = history["note"].dropna().astype(str)
    undos = notes[notes.str.startswith(UNDO_NOTE_PREFIX)]
    return {note.removeprefix(UNDO_NOTE_PREFIX).strip() for note in undos}


def _geometry_to_wkt(geom: BaseGeometry | None) -> str | None:
    return None if geom is None or geom.is_empty else shapely.to_wkt(geom, rounding_precision=7)


def snapshot(record: Mapping[str, Any]) -> str:
    """JSON of a whole record for the history table (geometry as WKT)."""
    return _dumped(record, _geometry_to_wkt(record.get("geometry")))


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def snapshots(records: Sequence[Mapping[str, Any]]) -> list[str]:
    """``snapshot`` of each record, the geometries turned into WKT at once."""
    geoms = np.array([r.get("geometry") for r in records], dtype=object)
    wkts = shapely.to_wkt(geoms, rounding_precision=7)
    wkts[shapely.is_empty(geoms)] = None  # as ``snapshot``: no geometry, not "POINT EMPTY"
    return [_dumped(r, w) for r, w in zip(records, wkts, strict=True)]


def _dumped(record: Mapping[str, Any], wkt: str | None) -> str:
    data = {k: v for k, v in record.items() if k != "geometry"}
    data["geometry"] = wkt
    return _ENCODER.encode(data)


def from_snapshot(text: str) -> dict[str, Any]:
    """A record from its history snapshot (geometry back to shapely)."""
    data = json.loads(text)
    wkt = data.pop("geometry", None)
    blob = data.pop("geometry_gpkg", None)  # written by a GeoPackage trigger
    if blob:
        data["geometry"] = decode_geometry(bytes.fromhex(blob))
    else:
        data["geometry"] = shapely.from_wkt(wkt) if wkt else None
    return data


def snapshot_record(layer: Layer, text: str) -> dict[str, Any]:
    """A snapshot as a record of ``layer``: lists as lists, every field present.

    Snapshots written by a database trigger or by an older version may hold a
    list field as stored text (and a GeoPackage trigger the geometry as the
    hex of its blob); this puts them in the record form.
    """
    record = from_snapshot(text)
    for f in layer.fields:
        value = record.get(f.name)
        record[f.name] = decode_list(value) if is_list_field(f.type) else value
    return record


def clean_records(layer: Layer, many: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``clean_record`` of each of ``many``, each distinct value of a field validated once.

    Imports repeat values (kinds, categories, cities, target groups) on every
    row; the first record with a problem raises its ``ValidationError``, as a
    loop of ``clean_record`` would.
    """
    columns = clean_columns(layer, many)
    names = list(columns)
    cleaned_all = [
        dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)
    ]
    if not names:
        cleaned_all = [{} for _ in many]
    for cleaned, values in zip(cleaned_all, many, strict=True):
        if "geometry" in values:
            cleaned["geometry"] = values["geometry"]
    return cleaned_all


def clean_columns(layer: Layer, many: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """``clean_records`` column by column: each declared field's clean values, in order.

    What a bulk write needs (it writes columns); the geometries are left to
    ``fit_geometries``, a missing one of a layer that requires it is a problem.
    """
    columns, problems = _cleaned(layer, many)
    if problems:
        raise ValidationError(problems[min(problems)])
    return columns


def clean_records_apart(
    layer: Layer, many: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any] | None]:
    """``clean_records`` that goes on past problems: None for each record that has one.

    For an import's plan, which reports each refused row on its own (with
    ``clean_record``, row by row, for those few).
    """
    columns, problems = _cleaned(layer, many)
    names = list(columns)
    listed = [name for name, f in zip(names, layer.fields, strict=True) if is_list_field(f.type)]
    cleaned_all: list[dict[str, Any] | None] = []
    for n, (values, row) in enumerate(zip(many, zip(*columns.values(), strict=True), strict=True)):
        if n in problems:
            cleaned_all.append(None)
            continue
        cleaned = dict(zip(names, row, strict=True))
        if "geometry" in values:
            cleaned["geometry"] = values["geometry"]
        cleaned_all.append(CleanRecord(layer, cleaned, listed))
    return cleaned_all


class CleanRecord(dict[str, Any]):
    """A record as ``clean_records_apart`` cleaned it for a layer.

    Cleaning is idempotent: cleaning these values again gives them back.  So a
    bulk write of the same layer (an import's commit, after its plan) takes
    them as they are, as long as they are still exactly these — compared with
    a copy kept aside; a record changed since is cleaned as any other is.
    """

    __slots__ = ("_as_cleaned", "_layer")

    def __init__(self, layer: Layer, values: dict[str, Any], listed: Sequence[str] = ()) -> None:
        super().__init__(values)
        self._layer = layer
        kept = dict(values)
        for name in listed:  # a list changed in place must not change the copy too
            if type(kept.get(name)) is list:
                kept[name] = list(kept[name])
        self._as_cleaned = kept

    def cleaned_for(self, layer: Layer) -> bool:
        """Whether this holds exactly what cleaning for ``layer`` gave."""
        return self._layer is layer and dict.__eq__(self, self._as_cleaned) is True


def _cleaned(
    layer: Layer, many: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, list[Any]], dict[int, list[MapError]]]:
    """Clean columns, and the problems of each record that has any."""
    problems: dict[int, list[MapError]] = {}
    raw = _raw_columns(layer.field_names, many)
    if many and all(type(v) is CleanRecord and v.cleaned_for(layer) for v in many):
        # Cleaned already (an import's rows, planned): the values as they are, lists copied.
        columns = {f.name: [list(v) for v in raw[f.name]] if is_list_field(f.type)
                   else raw[f.name] for f in layer.fields}  # fmt: skip
    else:
        columns = {f.name: _clean_column(f, raw[f.name], problems) for f in layer.fields}
    if layer.geometry_required:
        for n, values in enumerate(many):
            if values.get("geometry") is None:
                problems.setdefault(n, []).append(missing_location())
    return columns, problems


def _raw_columns(names: Sequence[str], many: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """The values of each of ``names`` in ``many`` (None where absent), column by column."""
    keys = {frozenset(values) for values in many}
    if len(keys) != 1:
        return {name: [values.get(name) for values in many] for name in names}
    # Every record has the same keys (an import's case): taken row by row in C, then turned.
    (present,) = keys
    given = [name for name in names if name in present]
    columns: dict[str, list[Any]] = {name: [None] * len(many) for name in names}
    if len(given) == 1:
        columns[given[0]] = [values[given[0]] for values in many]
    elif given:
        rows = map(operator.itemgetter(*given), many)
        columns.update(zip(given, map(list, zip(*rows, strict=True)), strict=True))
    return columns


def _clean_column(f: Field, raw: list[Any], problems: dict[int, list[MapError]]) -> list[Any]:
    """``clean_value`` of field ``f`` of each value; problems collected per position."""
    kinds = set(map(type, raw))
    if kinds <= {str, type(None)}:  # an import's case: each distinct text once, by value
        return _clean_by_key(f, raw, problems, texts=True)
    if kinds <= {list, type(None)} and all(type(x) is str for v in raw if v for x in v):
        keys = [None if v is None else tuple(v) for v in raw]
        return _clean_by_key(f, keys, problems, texts=False)
    return _clean_each(f, raw, problems)


def _clean_by_key(
    f: Field, keys: list[Any], problems: dict[int, list[MapError]], *, texts: bool
) -> list[Any]:
    """``_clean_column`` of texts (or lists of texts as tuples): each distinct key once."""
    cleaned: dict[Any, Any] = {}
    failed: dict[Any, MapError] = {}
    distinct = list(dict.fromkeys(keys))
    if texts:
        present = [key for key in distinct if key is not None]
        if already_clean(f, present):  # names, addresses: each its own, all clean
            if len(present) == len(distinct):  # and none missing: the column as it is
                return list(keys)
            cleaned = dict(zip(present, present, strict=True))
            distinct = [None]
    for key in distinct:
        try:
            cleaned[key] = clean_value(f, list(key) if type(key) is tuple else key)
        except MapError as exc:
            failed[key] = exc
    if failed:
        for position, key in enumerate(keys):
            if key in failed:
                problems.setdefault(position, []).append(failed[key])
    hits = list(map(cleaned.get, keys))
    if any(type(hit) is list for hit in cleaned.values()):
        return [list(hit) if type(hit) is list else hit for hit in hits]  # one list per record
    return hits


def _clean_each(f: Field, raw: list[Any], problems: dict[int, list[MapError]]) -> list[Any]:
    """``clean_value`` of each value of a column of mixed types, each distinct one once."""
    # Texts are looked up by value; other values by type and value, as True == 1
    # but only 1 is a valid number.  A value that is not hashable is validated each time.
    texts: dict[str, Any] = {}
    others: dict[tuple[type, Any], Any] = {}
    column = []
    for position, value in enumerate(raw):
        if type(value) is str:
            hit = texts.get(value, texts)
            cache: dict[Any, Any] | None = texts
            key: Any = value
        else:
            key = (type(value), tuple(value) if isinstance(value, list) else value)
            cache = others
            try:
                hit = others.get(key, texts)
            except TypeError:
                hit, cache = texts, None
        if hit is texts:  # not seen yet
            try:
                hit = clean_value(f, value)
            except MapError as exc:
                problems.setdefault(position, []).append(exc)
                hit = None
            else:
                if cache is not None:
                    cache[key] = hit
        column.append(list(hit) if type(hit) is list else hit)
    return column


def fit_geometries(layer: Layer, geoms: Sequence[Any]) -> list[BaseGeometry | None]:
    """``fit_geometry`` of each; points in range are checked all at once (an import's case)."""
    if layer.geometry == "POINT" and geoms and all(type(g) is shapely.Point for g in geoms):
        array = np.array(geoms, dtype=object)
        xy = shapely.get_coordinates(array)
        inside = (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)
        if len(xy) == len(geoms) and inside.all():  # no empty point, none out of range
            return list(geoms)
    return [fit_geometry(layer, g) for g in geoms]


def fit_geometry(layer: Layer, geom: Any) -> BaseGeometry | None:
    """Check a geometry fits the layer's column (promoting Polygon to MultiPolygon)."""
    if geom is None or (isinstance(geom, float) and pd.isna(geom)):
        return None
    if not isinstance(geom, BaseGeometry):
        raise MapError("niepoprawna geometria", field="lokalizacja")
    if geom.is_empty:
        return None
    if layer.geometry is None:
        raise MapError(f"warstwa „{layer.label}” nie ma lokalizacji", field="lokalizacja")
    if layer.geometry == "MULTIPOLYGON" and geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    expected = {"POINT": ("Point",), "MULTIPOLYGON": ("MultiPolygon",)}.get(layer.geometry)
    if expected and geom.geom_type not in expected:
        raise MapError(
            f"oczekiwano geometrii {layer.geometry}, jest {geom.geom_type}", field="lokalizacja"
        )
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise MapError(
            "współrzędne poza zakresem WGS84 (czy to nie PUWG 1992?)", field="lokalizacja"
        )
    return geom


def same_state(layer: Layer, before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether two states of a record hold the same values (system fields aside)."""
    for name in [*layer.field_names, "archived_at"]:
        if before.get(name) != after.get(name):
            return False
    g1, g2 = before.get("geometry"), after.get("geometry")
    if g1 is None or g2 is None:
        return g1 is g2
    return g1.equals_exact(g2, 1e-9)


def conflict_error(layer: Layer, current: dict[str, Any], expected: int) -> ConflictError:
    """The message for a save made from ``expected`` when ``current`` is newer."""
    return ConflictError(
        Message(
            "Wpis „{title}” został w międzyczasie zmieniony przez: {author} ({at}, wersja "
            "{version}; edytowano wersję {expected}). "
            "Nic nie zostało nadpisane — porównaj obie wersje i zapisz ponownie.",
            title=current.get(layer.title_field) or current["id"],
            author=current["author"],
            at=current["updated_at"],
            version=current["version"],
            expected=expected,
        ),
        current=current,
        expected_version=expected,
    )
