"""Round trips: a row carrying the id of a record updates that record.

Every data export writes each record's ``id`` and ``version``.  When such a
file comes back (corrected in Excel or QGIS), its rows are matched to records
by id before any duplicate rule is tried:

- a row saying what its record says is "bez zmian": nothing is written, no
  new version;
- a row that changes its record updates it, field by field, and only the
  fields the file carries and the row really changes (a blank the import
  filled in, a column the file lacks, a value written differently but meaning
  the same, change nothing);
- a row whose record changed in the map since the file's version is a
  conflict: the row is not applied, and says which record and versions;
- an id this city's map does not have (another map's export, a file's own
  numbering) is no error: the row is a new record, looked at by the
  duplicate rules like any other.

A location changes only when the file gives one (coordinates, WKT, a GIS
geometry) that lies elsewhere than the record's; a district only when the
file names another one or the location moved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from mapping.areas import area_key
from mapping.frames import has_location, is_list_field
from mapping.importing.completion import TO_COMPLETE_NOTE
from mapping.importing.notes import Note
from mapping.importing.preview import Decision, Located, PlannedRow, RowStatus
from mapping.importing.source import cell_text, is_blank_cell
from mapping.importing.targets import (
    ADDRESS,
    HOUSE_NUMBER,
    RECORD_ID,
    RECORD_VERSION,
    STREET,
    import_schema,
    target_label,
)
from mapping.language import Message
from mapping.schema import TO_COMPLETE

__all__ = [
    "GEOMETRY_TOLERANCE",
    "conflict_note",
    "is_own_export",
    "match_records",
    "row_changes",
    "same_place",
    "same_value",
]

#: How far (degrees, ≈10 cm) a location may move before it counts as a change:
#: exports round coordinates to 7 decimals.
GEOMETRY_TOLERANCE = 1e-6


#: How the app's own exports name a record's version ("wersja" in KML's displayName).
_VERSION_NAMES = ("version", "wersja", "Wersja")


def is_own_export(rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether every row carries an id and a version: a file of the app's own export.

    Such a KML or uMap file's "description" is the popup text the export
    wrote from the very fields it also carries, so readers leave it out.
    """
    listed = list(rows)
    return bool(listed) and all(
        row.get("id") and any(row.get(n) not in (None, "") for n in _VERSION_NAMES)
        for row in listed
    )


def _normal(value: Any) -> Any:
    """A value as compared: blanks are None, lists sets, dates ISO, 3.0 is 3."""
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = frozenset(cell_text(v) for v in value if not is_blank_cell(v))
        return items or None
    if value is None or value is pd.NA or is_blank_cell(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return cell_text(value)


def same_value(a: Any, b: Any) -> bool:
    """Whether two field values say the same (blank = blank, order of a list ignored)."""
    return bool(_normal(a) == _normal(b))


def same_place(a: BaseGeometry | None, b: BaseGeometry | None) -> bool:
    """Whether two locations are one (within ``GEOMETRY_TOLERANCE``, rings in any order)."""
    located_a, located_b = has_location([a, b])
    if not (located_a and located_b):
        return bool(located_a == located_b)
    assert a is not None and b is not None
    if a.geom_type.removeprefix("Multi") != b.geom_type.removeprefix("Multi"):
        return False
    return bool(shapely.hausdorff_distance(a, b) <= GEOMETRY_TOLERANCE)


def _file_fields(mapping: Mapping[str, str | None]) -> set[str]:
    """Fields whose values the file's columns give (address also from street + number)."""
    given = {t for t in mapping.values() if t}
    if given & {STREET, HOUSE_NUMBER}:
        given.add(ADDRESS)
    return given


def _notes_change(row: PlannedRow, raw: Any, current: Any, from_file: bool) -> str | None:
    """The notes after the row: the file's when it has the column, else lines added.

    "Do uzupełnienia" lines the import wrote are left out (the record has its
    classification); the same line written in the file stays.
    """
    have = "" if is_blank_cell(current) else str(current)
    written = set(cell_text(raw).splitlines())
    lines = [
        line
        for line in cell_text(row.values.get("notes")).splitlines()
        if line in written or not line.startswith(TO_COMPLETE_NOTE)
    ]
    if from_file:
        new = "\n".join(lines)
    else:  # only what the import kept aside (a refused value): added below the team's
        new = "\n".join([have, *(x for x in lines if x not in have.splitlines())]).strip("\n")
    return None if same_value(new, have) else new


def row_changes(
    row: PlannedRow,
    raw: Mapping[str, Any],
    current: Mapping[str, Any],
    layer: str,
    mapping: Mapping[str, str | None],
) -> dict[str, Any]:
    """The changes ``row`` (matched by id) makes to the record ``current``.

    Parameters
    ----------
    row : the planned row (cleaned values, what was filled in, where its location came from)
    raw : the row's cells by target, as in the file (for the district as written)
    current : the record as stored now
    layer : ``resources`` or ``needs``
    mapping : the column mapping (which fields the file carries)
    """
    schema = import_schema(layer)
    carried = _file_fields(mapping)
    changes: dict[str, Any] = {}
    for f in schema.fields:
        if f.name not in carried or f.name in row.defaulted or f.name in ("notes", "district"):
            continue
        value = row.values.get(f.name)
        if f.name == "status" and value == TO_COMPLETE:
            continue  # the record says what it is: the row lacking it changes nothing
        if not same_value(value, current.get(f.name)):
            changes[f.name] = [] if value is None and is_list_field(f.type) else value
    if "notes" in schema.field_names:
        notes = _notes_change(row, raw.get("notes"), current.get("notes"), "notes" in carried)
        if notes is not None:
            changes["notes"] = notes
    geometry = row.values.get("geometry")
    moved = (
        row.located == Located.FILE
        and geometry is not None
        and not same_place(geometry, current.get("geometry"))
    )
    if moved:
        changes["geometry"] = geometry
    district = row.values.get("district")
    written = cell_text(raw.get("district"))
    named_other = "district" in carried and area_key(written) != area_key(
        cell_text(current.get("district"))
    )
    if (moved or named_other) and not same_value(district, current.get("district")):
        changes["district"] = district
    return changes


def conflict_note(
    row: PlannedRow, record: Mapping[str, Any], layer: str, file_version: int | None
) -> Note:
    """Why a row matched by id is not applied: its record changed since the file's version."""
    title = cell_text(record.get(import_schema(layer).title_field))
    if not is_blank_cell(record.get("archived_at")):
        message = Message(
            "wpis „{title}” (id {id}) jest w archiwum — wiersza nie zastosowano; przywróć wpis "
            "na stronie „Aktualizacja” albo usuń identyfikator z wiersza, by dodać go jako nowy",
            title=title,
            id=record["id"],
        )
    else:
        message = Message(
            "wpis „{title}” (id {id}) zmieniono w mapie po eksporcie (w pliku wersja "
            "{file_version}, w mapie {version}) — wiersza nie zastosowano, by nie cofnąć "
            "tamtej zmiany; wyeksportuj dane ponownie i nanieś poprawkę jeszcze raz",
            title=title,
            id=record["id"],
            file_version=file_version,
            version=int(record["version"]),
        )
    return Note(row.row, target_label(layer, RECORD_VERSION), message)


def _file_version(row: PlannedRow, raw: Mapping[str, Any], layer: str) -> int | None:
    value = raw.get(RECORD_VERSION)
    if is_blank_cell(value):
        return None
    try:
        number = float(cell_text(value).replace(",", "."))
    except ValueError:
        number = math.nan
    if not number.is_integer() or number < 1:
        label = target_label(layer, RECORD_VERSION)
        message = Message(
            "„{value}” nie jest numerem wersji — zmiany bez sprawdzenia wersji",
            value=cell_text(value),
        )
        row.warnings.append(Note(row.row, label, message))
        return None
    return int(number)


def _match_one(
    row: PlannedRow,
    raw: Mapping[str, Any],
    record: Mapping[str, Any],
    layer: str,
    mapping: Mapping[str, str | None],
) -> None:
    row.target_id, row.target_version = str(record["id"]), int(record["version"])
    row.to_complete = ()  # the record has its kind and category
    row.duplicate = None
    changes = row_changes(row, raw, record, layer, mapping)
    file_version = _file_version(row, raw, layer)
    archived = not is_blank_cell(record.get("archived_at"))
    if not changes and not archived:
        row.status, row.decision = RowStatus.UNCHANGED, Decision.SKIP
        return
    changed_since = file_version is not None and file_version != row.target_version
    if archived or changed_since:
        row.status, row.decision = RowStatus.CONFLICT, Decision.SKIP
        row.problems = [conflict_note(row, record, layer, file_version)]
        return
    row.status, row.decision, row.changes = RowStatus.UPDATE, Decision.MERGE, changes
    row.before = {name: record.get(name) for name in changes}


def match_records(
    rows: Sequence[PlannedRow],
    raws: Sequence[Mapping[str, Any]],
    records: pd.DataFrame,
    layer: str,
    mapping: Mapping[str, str | None],
) -> list[str]:
    """Match rows carrying a record's id to it (see the module docstring); return file notes.

    Parameters
    ----------
    rows : the planned rows, validated (rejected rows are left alone)
    raws : each row's cells by target
    records : the city's records of the layer, archived included
    layer : ``resources`` or ``needs``
    mapping : the column mapping
    """
    if RECORD_ID not in mapping.values() or records.empty:
        return []
    by_id = {str(r["id"]): r for r in records.to_dict("records")}
    claimed: dict[str, int] = {}
    unknown = 0
    for row, raw in zip(rows, raws, strict=True):
        record_id = cell_text(raw.get(RECORD_ID))
        if not record_id or row.status == RowStatus.REJECTED:
            continue
        record = by_id.get(record_id)
        if record is None:
            unknown += 1
            continue
        if record_id in claimed:
            message = Message(
                "identyfikator „{id}” ma już wiersz {row} — ten wiersz potraktowano jako nowy wpis",
                id=record_id,
                row=claimed[record_id],
            )
            row.warnings.append(Note(row.row, target_label(layer, RECORD_ID), message))
            continue
        claimed[record_id] = row.row
        _match_one(row, raw, record, layer, mapping)
    if not unknown:
        return []
    return [
        Message(
            "wierszy z identyfikatorem, którego nie ma wśród wpisów tego miasta: {count} — "
            "zostaną dodane jako nowe wpisy (po sprawdzeniu duplikatów)",
            count=unknown,
        )
    ]
