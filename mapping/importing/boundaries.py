"""Planning a district-boundaries file: polygons matched to the city's districts.

A city's districts may exist in the map as names only (Częstochowa's 20
districts have no polygons in any open source we ship).  A boundaries file —
GeoJSON, GeoPackage, a zipped Shapefile or KML from the city office — is matched
by name (leniently, see ``mapping.areas.area_key``) and each match updates the
district's geometry as a new version with history.  Names the city does not
have are rejected and reported; a city with no districts at all gets them
created.  Several polygons with one name (a district in parts) are joined.
A table (CSV, XLSX) gives its boundaries in a WKT column, as the app's own
export writes them; a boundary the district already has changes nothing.

Names are reported both ways (``unmatched_names``): the file's names the city
has no district for, and the city's districts still without a boundary once
the file is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from mapping.areas import area_key
from mapping.errors import ValidationError
from mapping.importing.coordinates import declared_crs, parse_wkt, place_geometries
from mapping.importing.districts import CityContext
from mapping.importing.identity import same_place
from mapping.importing.notes import (
    LOCATION_LABEL,
    Note,
    error_message,
    field_label,
    notes_from_error,
    quoted,
)
from mapping.importing.preview import Decision, Located, PlannedRow, RowStatus
from mapping.importing.rows import RowsOutcome
from mapping.importing.source import SourceReadError, SourceTable, cell_text
from mapping.importing.targets import WKT, target_label
from mapping.language import Message
from mapping.schema import AREAS, AreaKind
from mapping.text import polish_sorted
from mapping.validation import clean_record

__all__ = ["UnmatchedNames", "plan_boundaries", "unmatched_names"]

_NAME = field_label(AREAS.field("name"))


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """The polygon parts of a geometry (lines and points dropped), valid; None if none."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    parts = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return shapely.MultiPolygon([merged]) if merged.geom_type == "Polygon" else merged


def _new_district(context: CityContext, name: str, teryt: str, geom: BaseGeometry) -> dict:
    values = {
        "name": name,
        "kind": AreaKind.DISTRICT.value,
        "city": context.city,
        "teryt": teryt or None,
    }
    return clean_record(AREAS, {**values, "geometry": geom})


def _plan_one(
    context: CityContext,
    records: dict[str, dict],
    number: int,
    name: str,
    teryt: str,
    geom: BaseGeometry | None,
) -> PlannedRow:
    row = PlannedRow(number, name)
    problem = None
    if not name:
        problem = Note(number, _NAME, Message("brak nazwy dzielnicy"))
    elif geom is None:
        problem = Note(number, LOCATION_LABEL, Message("brak granicy (wielokąta) dzielnicy"))
    elif records and area_key(name) not in records:
        known = ", ".join(sorted(r["name"] for r in records.values()))
        message = Message(
            "miasto {city} nie ma dzielnicy „{name}” (są: {known})",
            city=context.city,
            name=name,
            known=known,
        )
        problem = Note(number, _NAME, message)
    if problem is not None:
        row.status, row.decision, row.problems = RowStatus.REJECTED, Decision.SKIP, [problem]
        return row
    row.located = Located.FILE
    if not records:  # a city without districts: the file creates them
        try:
            row.values = _new_district(context, name, teryt, geom)
        except ValidationError as exc:
            row.status, row.decision = RowStatus.REJECTED, Decision.SKIP
            row.problems = notes_from_error(exc, number)
        return row
    record = records[area_key(name)]
    row.target_id, row.target_version = str(record["id"]), int(record["version"])
    row.values = {"geometry": geom}
    row.decision = Decision.MERGE
    if record.get("geometry") is not None:
        message = Message(
            "dzielnica {district} ma już granicę — zostanie zastąpiona", district=record["name"]
        )
        row.warnings.append(Note(number, LOCATION_LABEL, message))
    if record["name"] != name:
        message = Message(
            "„{name}” dopasowano do dzielnicy {district}", name=name, district=record["name"]
        )
        row.warnings.append(Note(number, _NAME, message))
    row.title = record["name"]
    return row


def _join_repeats(rows: list[PlannedRow]) -> None:
    """Several polygons of one district: the first row takes the union, the others skip."""
    first: dict[str, PlannedRow] = {}
    for row in rows:
        if row.status == RowStatus.REJECTED:
            continue
        key = area_key(row.title)
        if key not in first:
            first[key] = row
            continue
        keeper = first[key]
        joined = shapely.union_all([keeper.values["geometry"], row.values["geometry"]])
        keeper.values["geometry"] = _polygonal(joined)
        row.status, row.decision = RowStatus.DUPLICATE, Decision.SKIP
        message = Message("kolejna część dzielnicy — dołączona do wiersza {row}", row=keeper.row)
        row.warnings.append(Note(row.row, LOCATION_LABEL, message))


def _wkt_boundaries(
    table: SourceTable, mapping: dict[str, str | None]
) -> tuple[list[BaseGeometry | None], dict[int, Note]]:
    """Boundaries written as WKT in a table (the app's own CSV/XLSX), with unreadable ones."""
    column = next((h for h, t in mapping.items() if t == WKT), None)
    if column is None:
        raise SourceReadError(
            Message(
                "plik {file} nie zawiera granic — użyj GeoJSON, GeoPackage, "
                "Shapefile (.zip), KML albo tabeli z kolumną „geometria (WKT)”",
                file=table.path.name,
            )
        )
    geoms: list[BaseGeometry | None] = []
    broken: dict[int, Note] = {}
    for i, (number, value) in enumerate(table.frame[column].items()):
        try:
            geoms.append(parse_wkt(value))
        except ValueError as exc:
            geoms.append(None)
            broken[i] = Note(int(number), target_label("districts", WKT), error_message(exc))
    return geoms, broken


def _mark_unchanged(rows: list[PlannedRow], records: dict[str, dict]) -> None:
    """A boundary the district already has is "bez zmian": no new version."""
    for row in rows:
        if row.target_id is None or row.status != RowStatus.ACCEPTED:
            continue
        record = records[area_key(row.title)]
        if same_place(row.values.get("geometry"), record.get("geometry")):
            row.status, row.decision, row.warnings = RowStatus.UNCHANGED, Decision.SKIP, []


@dataclass(frozen=True)
class UnmatchedNames:
    """Names that did not meet: in the file but not in the map, and the reverse."""

    not_in_map: list[str]
    without_boundary: list[str]

    def notes(self) -> list[str]:
        """The file notes the import page shows (none when everything matched)."""
        notes: list[str] = []
        if self.not_in_map:
            names = quoted(self.not_in_map)
            notes.append(
                Message(
                    "nazwy z pliku, których nie ma wśród dzielnic miasta ({count}): "
                    "{names} — te wiersze zostaną pominięte; popraw nazwy w pliku",
                    count=len(self.not_in_map),
                    names=names,
                )
            )
        if self.without_boundary:
            notes.append(
                Message(
                    "dzielnice miasta, które po tym imporcie nadal nie będą miały granicy "
                    "({count}): {names}",
                    count=len(self.without_boundary),
                    names=", ".join(self.without_boundary),
                )
            )
        return notes


def unmatched_names(rows: list[PlannedRow], records: dict[str, dict]) -> UnmatchedNames:
    """Which names of the planned ``rows`` and the city's district ``records`` did not meet.

    ``records`` are the city's districts by ``area_key`` (``CityContext.district_records``);
    a city without districts gets them from the file, so nothing is unmatched.
    """
    if not records:
        return UnmatchedNames([], [])
    matched = {area_key(r.title) for r in rows if r.status != RowStatus.REJECTED and r.values}
    not_in_map = {
        r.title
        for r in rows
        if r.status == RowStatus.REJECTED and r.title and area_key(r.title) not in records
    }
    without = [
        str(record["name"])
        for key, record in records.items()
        if key not in matched and record.get("geometry") is None
    ]
    return UnmatchedNames(polish_sorted(not_in_map), polish_sorted(without))


def plan_boundaries(
    table: SourceTable,
    mapping: dict[str, str | None],
    context: CityContext,
    *,
    crs: str | None = None,
) -> RowsOutcome:
    """Plan a boundaries file (see the module docstring)."""
    broken: dict[int, Note] = {}
    if table.geometry is None:
        geoms, broken = _wkt_boundaries(table, mapping)
        declared, note = None, None
    else:
        geoms = list(table.geometry.values)
        declared, note = declared_crs(table.geometry)
    placement = place_geometries(
        geoms,
        table.row_numbers,
        crs=crs or declared,
        outline=context.outline,
        city=context.city,
    )
    name_column = next((h for h, t in mapping.items() if t == "name"), None)
    teryt_column = next((h for h, t in mapping.items() if t == "teryt"), None)
    records = context.district_records()
    rows = []
    for i, (number, cells) in enumerate(table.frame.iterrows()):
        name = cell_text(cells[name_column]) if name_column else ""
        teryt = cell_text(cells[teryt_column]) if teryt_column else ""
        problem = broken.get(i) or placement.rejected.get(i)
        if problem is not None:
            row = PlannedRow(int(number), name, status=RowStatus.REJECTED, decision=Decision.SKIP)
            row.problems = [problem]
        else:
            geom = _polygonal(placement.geometries[i])
            row = _plan_one(context, records, int(number), name, teryt, geom)
            row.warnings.extend(placement.warnings.get(i, []))
        rows.append(row)
    _join_repeats(rows)
    _mark_unchanged(rows, records)
    unmatched = unmatched_names(rows, records).notes()
    notes = [*([note] if note else []), *placement.file_notes, *unmatched]
    return RowsOutcome(rows, notes, placement.crs)
