"""Planning the rows of a resources or needs file, step by step.

The order matters: coordinates first (they may reject a row or fix its
axes), then addresses for rows without coordinates, then districts (they
need the location), then values and validation, then duplicates (only
among valid rows).  Each step works on the whole file at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mapping.areas import area_key
from mapping.errors import ValidationError
from mapping.importing.completion import context_names, salvage_values
from mapping.importing.coordinates import (
    POLAND_BOUNDS,
    Placement,
    declared_crs,
    parse_coordinate,
    parse_wkt,
    place_geometries,
    split_pair,
)
from mapping.importing.districts import CityContext
from mapping.importing.duplicates import Candidate, find_duplicates
from mapping.importing.geocoding import AddressIndex, Geocoder
from mapping.importing.identity import match_records
from mapping.importing.notes import (
    LOCATION_LABEL,
    Note,
    error_message,
    field_label,
    notes_from_error,
)
from mapping.importing.preview import Decision, Located, PlannedRow, RowStatus
from mapping.importing.source import SourceTable, cell_text, is_blank_cell
from mapping.importing.targets import (
    ADDRESS,
    COORDINATES,
    LAT,
    LON,
    WKT,
    import_schema,
    store_layer,
    target_label,
)
from mapping.importing.values import Prepared, collect_values, prepare_values
from mapping.language import Message
from mapping.schema import Layer
from mapping.store import Store
from mapping.store.records import clean_records_apart
from mapping.validation import clean_record

__all__ = ["RowsOutcome", "plan_rows"]


@dataclass
class RowsOutcome:
    """Planned rows plus what is said about the whole file."""

    rows: list[PlannedRow]
    notes: list[str] = field(default_factory=list)
    crs: str | None = None
    known_ids: frozenset[str] = frozenset()


@dataclass
class _Work:
    """Per-row state shared by the steps (lists aligned with the file's rows)."""

    table: SourceTable
    layer: str
    context: CityContext
    raws: list[dict[str, Any]]
    numbers: list[int]
    geoms: list[BaseGeometry | None] = field(default_factory=list)
    located: list[Located | None] = field(default_factory=list)
    problems: list[list[Note]] = field(default_factory=list)
    warnings: list[list[Note]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.raws)
        self.geoms = [None] * n
        self.located = [None] * n
        self.problems = [[] for _ in range(n)]
        self.warnings = [[] for _ in range(n)]


# -- coordinates --------------------------------------------------------------------


def _column_point(raw: dict[str, Any], layer: str) -> tuple[float, float] | None:
    """(x, y) from lat/lon or one "współrzędne" cell; ValueError naming the problem."""
    if COORDINATES in raw and not (LAT in raw or LON in raw):
        pair = split_pair(raw[COORDINATES])
        if pair is None:
            return None
        first, second, x_first = pair
        a, b = parse_coordinate(first), parse_coordinate(second)
        if a is None or b is None:  # split_pair's parts are numbers, never blank
            return None
        return (a, b) if x_first else (b, a)
    lat, lon = raw.get(LAT), raw.get(LON)
    if lat is None and lon is None:
        return None
    y = _labelled(parse_coordinate, lat, target_label(layer, LAT))
    x = _labelled(parse_coordinate, lon, target_label(layer, LON))
    if x is None or y is None:
        missing = target_label(layer, LAT if y is None else LON)
        raise _CoordinateError(missing, Message("brak drugiej współrzędnej"))
    return x, y


class _CoordinateError(ValueError):
    def __init__(self, label: str, message: str):
        self.label = label
        super().__init__(message)


def _labelled(parse: Callable[[Any], float | None], value: Any, label: str) -> float | None:
    try:
        return parse(value)
    except ValueError as exc:
        raise _CoordinateError(label, error_message(exc)) from None


def _source_geometries(work: _Work) -> list[BaseGeometry | None]:
    geoms: list[BaseGeometry | None] = [None] * len(work.raws)
    gis = work.table.geometry
    if gis is not None:
        valid = shapely.is_valid(gis.values)  # one call for the whole file, not one per row
        for i, geom in enumerate(gis.values):
            if geom is not None and not geom.is_empty:
                geoms[i] = geom if valid[i] else _repaired(work, i, geom)
        _reader_geometry_notes(work)
    placed: list[int] = []
    coordinates: list[tuple[float, float]] = []
    for i, raw in enumerate(work.raws):
        if geoms[i] is not None:
            continue
        if not is_blank_cell(raw.get(WKT)):  # a shape, as the app's own CSV/XLSX writes it
            geoms[i] = _wkt_geometry(work, i, raw[WKT])
            continue
        try:
            xy = _column_point(raw, work.layer)
        except _CoordinateError as exc:
            work.problems[i].append(Note(work.numbers[i], exc.label, error_message(exc)))
            continue
        except ValueError as exc:
            work.problems[i].append(
                Note(work.numbers[i], target_label(work.layer, COORDINATES), error_message(exc))
            )
            continue
        if xy is not None:
            placed.append(i)
            coordinates.append(xy)
    if placed:  # the points made at once, not one by one
        points = shapely.points(np.array(coordinates, dtype=float)).tolist()
        for i, point in zip(placed, points, strict=True):
            geoms[i] = point
    return geoms


def _wkt_geometry(work: _Work, i: int, value: Any) -> BaseGeometry | None:
    try:
        geom = parse_wkt(value)
    except ValueError as exc:
        label = target_label(work.layer, WKT)
        work.problems[i].append(Note(work.numbers[i], label, error_message(exc)))
        return None
    if geom is not None and not geom.is_valid:
        return _repaired(work, i, geom)
    return geom


def _repaired(work: _Work, i: int, geom: BaseGeometry) -> BaseGeometry | None:
    """A self-crossing polygon from a GIS file, repaired (``make_valid``) and said so."""
    repaired = shapely.make_valid(geom)
    number = work.numbers[i]
    if repaired.is_empty:
        message = Message("geometria nieprawidłowa i pusta")
        work.problems[i].append(Note(number, LOCATION_LABEL, message))
        return None
    message = Message("geometria nieprawidłowa (np. przecinające się krawędzie) — naprawiono")
    work.warnings[i].append(Note(number, LOCATION_LABEL, message))
    return repaired


def _reader_geometry_notes(work: _Work) -> None:
    """What the reader found wrong with a feature's geometry, on its row."""
    position = {number: i for i, number in enumerate(work.numbers)}
    for number, message in work.table.geometry_notes.items():
        i = position.get(number)
        if i is None:
            continue
        repaired = work.table.geometry is not None and work.table.geometry.get(number) is not None
        target = work.warnings if repaired else work.problems
        target[i].append(Note(number, LOCATION_LABEL, message))


def _fall_back_to_addresses(work: _Work) -> None:
    """A wrong location is dropped, not the row, when the row's address can place it."""
    for i, problems in enumerate(work.problems):
        if not problems or not cell_text(work.raws[i].get(ADDRESS)):
            continue
        for note in problems:
            message = Message(
                "{message} — pominięto współrzędne, lokalizacja z adresu", message=note.message
            )
            work.warnings[i].append(Note(note.row, note.field, message))
        work.problems[i] = []
        work.geoms[i], work.located[i] = None, None


def _locate_from_file(work: _Work, crs: str | None) -> str | None:
    declared, note = declared_crs(work.table.geometry)
    if note:
        work.notes.append(note)
    placement: Placement = place_geometries(
        _source_geometries(work),
        work.numbers,
        crs=crs or declared,
        outline=work.context.outline,
        city=work.context.city,
    )
    for i, geom in enumerate(placement.geometries):
        if geom is not None:
            work.geoms[i] = geom
            work.located[i] = Located.FILE
    for i, problem in placement.rejected.items():
        work.problems[i].append(problem)
    for i, notes in placement.warnings.items():
        work.warnings[i].extend(notes)
    work.notes.extend(placement.file_notes)
    _fall_back_to_addresses(work)
    return placement.crs


# -- addresses ----------------------------------------------------------------------


def _in_poland(geom: BaseGeometry) -> bool:
    x0, y0, x1, y1 = POLAND_BOUNDS
    point = geom.representative_point()
    return x0 <= point.x <= x1 and y0 <= point.y <= y1


def _geocode(work: _Work, store: Store, geocoder: Geocoder | None) -> None:
    """Rows without a location but with an address: place them at a known address."""
    wanted = [
        i
        for i, raw in enumerate(work.raws)
        if work.geoms[i] is None and not work.problems[i] and cell_text(raw.get(ADDRESS))
    ]
    if not wanted:
        return
    index = AddressIndex.from_store(store, work.context.city)
    for i, raw in enumerate(work.raws):  # the file's own located rows help too
        if work.located[i] == Located.FILE and cell_text(raw.get(ADDRESS)):
            index.add(cell_text(raw[ADDRESS]), work.geoms[i])
    for i in wanted:
        address = cell_text(work.raws[i][ADDRESS])
        found = index.lookup(address)
        if found is not None:
            work.geoms[i], work.located[i] = found[0], Located.ADDRESS
            message = Message(
                "lokalizację ustalono ze znanego już adresu „{address}”", address=found[1]
            )
            work.warnings[i].append(Note(work.numbers[i], LOCATION_LABEL, message))
        elif geocoder is not None:
            point = geocoder(address, work.context.city)
            if point is not None and not point.is_empty and _in_poland(point):
                work.geoms[i], work.located[i] = point, Located.SERVICE
                message = Message(
                    "lokalizację ustalono z adresu przez usługę geokodowania — sprawdź"
                )
                work.warnings[i].append(Note(work.numbers[i], LOCATION_LABEL, message))


#: Geometry types as the preview names them.
_SHAPE_NAMES = {
    "Polygon": Message("obszar (wielokąt)"),
    "MultiPolygon": Message("obszar (wielokąt)"),
    "LineString": Message("linię"),
    "MultiLineString": Message("linię"),
    "MultiPoint": Message("kilka punktów"),
    "GeometryCollection": Message("zbiór kształtów"),
}


def _as_points(work: _Work) -> None:
    """Resources are points: an area from a GIS file is represented by a point inside it."""
    if import_schema(work.layer).geometry != "POINT":
        return
    for i, geom in enumerate(work.geoms):
        if geom is None or geom.geom_type == "Point":
            continue
        if geom.geom_type == "MultiPoint" and len(geom.geoms) == 1:
            work.geoms[i] = geom.geoms[0]
            continue
        work.geoms[i] = geom.representative_point()
        shape = _SHAPE_NAMES.get(geom.geom_type, geom.geom_type)
        message = Message("{shape} zamieniono na punkt wewnątrz (zasoby są punktami)", shape=shape)
        work.warnings[i].append(Note(work.numbers[i], LOCATION_LABEL, message))


# -- districts ----------------------------------------------------------------------


def _district(work: _Work, i: int, assigned: str | None, label: str) -> str | None:
    given = cell_text(work.raws[i].get("district"))
    context = work.context
    if assigned:
        if given and area_key(given) != area_key(assigned):
            message = Message(
                "w pliku „{given}”, a punkt leży w dzielnicy {district} — przyjęto {district}",
                given=given,
                district=assigned,
            )
            work.warnings[i].append(Note(work.numbers[i], label, message))
        return assigned
    if not given:
        return None
    official = context.official_name(given)
    if official:
        return official
    if context.district_names:
        message = Message(
            "nieznana dzielnica „{given}” — nie ma jej wśród dzielnic miasta {city}",
            given=given,
            city=context.city,
        )
        work.warnings[i].append(Note(work.numbers[i], label, message))
    return given


def _districts(work: _Work) -> list[str | None]:
    assigned = work.context.assign(work.geoms)
    label = field_label(import_schema(work.layer).field("district"))
    return [_district(work, i, assigned[i], label) for i in range(len(work.raws))]


# -- validation and duplicates -------------------------------------------------------


def _validate(
    work: _Work, prepared: list[Prepared], districts: list[str | None]
) -> list[PlannedRow]:
    schema = import_schema(work.layer)
    planned = []
    every = [
        {**prep.values, "district": districts[i], "geometry": work.geoms[i]}
        for i, prep in enumerate(prepared)
    ]
    # All rows at once, each distinct value once; a row with a problem again on its own.
    cleaned = clean_records_apart(schema, every)
    for i, prep in enumerate(prepared):
        number = work.numbers[i]
        values = every[i]
        row = PlannedRow(
            number,
            cell_text(work.raws[i].get(schema.title_field)),
            warnings=[Note(number, label, msg) for label, msg in prep.warnings] + work.warnings[i],
            located=work.located[i],
            defaulted=frozenset(prep.defaulted),
        )
        problems = list(work.problems[i])
        try:
            clean = cleaned[i]
            row.values = (
                clean
                if clean is not None
                else _clean_keeping_row(schema, values, work.raws[i], row)
            )
        except ValidationError as exc:
            problems += [_with_hint(n, prep.hints) for n in notes_from_error(exc, number)]
        if prep.incomplete and not problems:
            row.to_complete = tuple(prep.incomplete)
        if problems:
            row.status, row.decision = RowStatus.REJECTED, Decision.SKIP
            row.problems, row.values = problems, {}
        elif row.located is None:
            row.warnings.append(Note(number, LOCATION_LABEL, _UNLOCATED))
        planned.append(row)
    return planned


def _clean_keeping_row(
    schema: Layer, values: dict[str, Any], raw: dict[str, Any], row: PlannedRow
) -> dict[str, Any]:
    """``clean_record``, leaving out optional values it refuses (see ``completion``)."""
    number = row.row
    try:
        return clean_record(schema, values, row=number)
    except ValidationError as exc:
        kept = salvage_values(schema, values, [p.field for p in exc.problems], raw)
        if kept is None:
            raise
    cleaned = clean_record(schema, kept.values, row=number)
    row.warnings += [Note(number, label, message) for label, message in kept.warnings]
    return cleaned


_UNLOCATED = Message("bez lokalizacji — wpis zostanie dodany bez punktu na mapie")


def _with_hint(note: Note, hints: dict[str, str]) -> Note:
    hint = hints.get(note.field or "")
    if not hint:
        return note
    return Note(note.row, note.field, Message("{message}; {hint}", message=note.message, hint=hint))


def _mark_duplicates(work: _Work, planned: list[PlannedRow], frame: pd.DataFrame) -> frozenset[str]:
    """Mark possible duplicates among rows not matched by id; return the ids compared against.

    The commit compares again with entries added after these (``commit``).
    """
    schema = import_schema(work.layer)
    known = frozenset(str(i) for i in frame["id"]) if "id" in frame else frozenset()
    valid = [k for k, r in enumerate(planned) if r.status == RowStatus.ACCEPTED]
    if not valid:
        return known
    existing = frame.to_dict("records")
    candidates = [
        Candidate(
            str(planned[k].values.get(schema.title_field) or ""),
            cell_text(planned[k].values.get("address") or work.raws[k].get(ADDRESS)) or None,
            planned[k].values.get("geometry"),
        )
        for k in valid
    ]
    # No whole-row signatures: find_duplicates does not look at them (same name and
    # address, or name and place, find a repeated row).
    matches = find_duplicates(
        candidates,
        existing,
        title_field=schema.title_field,
        rows=[planned[k].row for k in valid],
        city=work.context.city,
    )
    for position, match in matches.items():
        row = planned[valid[position]]
        row.status, row.decision, row.duplicate = RowStatus.DUPLICATE, Decision.SKIP, match
    return known


def plan_rows(
    table: SourceTable,
    mapping: dict[str, str | None],
    layer: str,
    context: CityContext,
    store: Store,
    *,
    crs: str | None = None,
    geocoder: Geocoder | None = None,
    defaults: Mapping[str, str] | None = None,
) -> RowsOutcome:
    """Plan every row of a resources or needs file (see the module docstring).

    ``defaults`` are the user's per-file classification codes (``completion``).
    """
    raws = collect_values(table.frame, mapping, layer)
    work = _Work(table, layer, context, raws, table.row_numbers)
    used_crs = _locate_from_file(work, crs)
    _geocode(work, store, geocoder)
    _as_points(work)
    districts = _districts(work)
    prepared = prepare_values(
        raws,
        layer,
        city=context.city,
        source_name=table.path.name,
        defaults=defaults,
        context=context_names(table),
    )
    planned = _validate(work, prepared, districts)
    records = store.read_layer(store_layer(layer), city=context.city, include_archived=True)
    work.notes += match_records(planned, raws, records, layer, mapping)
    known = _mark_duplicates(work, planned, records[records["archived_at"].isna()])
    return RowsOutcome(planned, work.notes, used_crs, known)
