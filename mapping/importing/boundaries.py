"""Planning a district-boundaries file: polygons matched to the city's districts.

A city's districts may exist in the map as names only (Częstochowa's 20
districts have no polygons in any open source we ship).  A boundaries file —
GeoJSON, GeoPackage or a zipped Shapefile from the city office — is matched
by name (leniently, see ``district_key``) and each match updates the
district's geometry as a new version with history.  Names the city does not
have are rejected and reported; a city with no districts at all gets them
created.  Several polygons with one name (a district in parts) are joined.
"""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry

from mapping.errors import ValidationError
from mapping.importing.coordinates import declared_crs, place_geometries
from mapping.importing.districts import CityContext, district_key
from mapping.importing.notes import LOCATION_LABEL, Note, notes_from_error
from mapping.importing.preview import Decision, Located, PlannedRow, RowStatus
from mapping.importing.rows import RowsOutcome
from mapping.importing.source import SourceReadError, SourceTable, cell_text
from mapping.schema import AREAS
from mapping.validation import clean_record

__all__ = ["plan_boundaries"]

_NAME = AREAS.field("name").label


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
    values = {"name": name, "kind": "dzielnica", "city": context.city, "teryt": teryt or None}
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
        problem = Note(number, _NAME, "brak nazwy dzielnicy")
    elif geom is None:
        problem = Note(number, LOCATION_LABEL, "brak granicy (wielokąta) dzielnicy")
    elif records and district_key(name) not in records:
        known = ", ".join(sorted(r["name"] for r in records.values()))
        problem = Note(
            number, _NAME, f"miasto {context.city} nie ma dzielnicy „{name}” (są: {known})"
        )
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
    record = records[district_key(name)]
    row.target_id, row.target_version = str(record["id"]), int(record["version"])
    row.values = {"geometry": geom}
    row.decision = Decision.MERGE
    if record.get("geometry") is not None:
        message = f"dzielnica {record['name']} ma już granicę — zostanie zastąpiona"
        row.warnings.append(Note(number, LOCATION_LABEL, message))
    if record["name"] != name:
        row.warnings.append(
            Note(number, _NAME, f"„{name}” dopasowano do dzielnicy {record['name']}")
        )
    row.title = record["name"]
    return row


def _join_repeats(rows: list[PlannedRow]) -> None:
    """Several polygons of one district: the first row takes the union, the others skip."""
    first: dict[str, PlannedRow] = {}
    for row in rows:
        if row.status == RowStatus.REJECTED:
            continue
        key = district_key(row.title)
        if key not in first:
            first[key] = row
            continue
        keeper = first[key]
        joined = shapely.union_all([keeper.values["geometry"], row.values["geometry"]])
        keeper.values["geometry"] = _polygonal(joined)
        row.status, row.decision = RowStatus.DUPLICATE, Decision.SKIP
        message = f"kolejna część dzielnicy — dołączona do wiersza {keeper.row}"
        row.warnings.append(Note(row.row, LOCATION_LABEL, message))


def plan_boundaries(
    table: SourceTable,
    mapping: dict[str, str | None],
    context: CityContext,
    *,
    crs: str | None = None,
) -> RowsOutcome:
    """Plan a boundaries file (see the module docstring)."""
    if table.geometry is None:
        raise SourceReadError(
            f"plik {table.path.name} nie zawiera granic — "
            "użyj GeoJSON, GeoPackage lub Shapefile (.zip)"
        )
    declared, note = declared_crs(table.geometry)
    placement = place_geometries(
        list(table.geometry.values),
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
        if i in placement.rejected:
            row = PlannedRow(int(number), name, status=RowStatus.REJECTED, decision=Decision.SKIP)
            row.problems = [placement.rejected[i]]
        else:
            geom = _polygonal(placement.geometries[i])
            row = _plan_one(context, records, int(number), name, teryt, geom)
            row.warnings.extend(placement.warnings.get(i, []))
        rows.append(row)
    _join_repeats(rows)
    return RowsOutcome(rows, [*([note] if note else []), *placement.file_notes], placement.crs)
