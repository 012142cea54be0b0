"""The import preview: every row of the file with what will happen to it.

``plan_import`` builds an ``ImportPlan``; the page shows ``plan.preview()``,
lets the user change decisions (``plan.decide``), and hands the plan to
``commit_import``.  Nothing is written to the map before that.

What the preview says (statuses, decisions, notes, the source's description)
is made of ``mapping.language.Message``s: Polish text, said by the page in
the reader's language; the file's own values stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from mapping.errors import MapError
from mapping.importing.duplicates import DuplicateMatch
from mapping.importing.notes import Note, choice_label, field_label
from mapping.importing.targets import import_schema, target_label, targets
from mapping.language import Message, joined, named
from mapping.schema import Field, FieldType
from mapping.tables import format_value

__all__ = [
    "DECISION_LABELS",
    "SKIP_LABEL",
    "Decision",
    "ImportPlan",
    "Located",
    "PlannedRow",
    "RowStatus",
    "describe_changes",
    "mapping_from_labels",
]


class RowStatus(StrEnum):
    """What the preview found about a row."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    #: The row carries the id of a record of the map (``identity``) and changes it.
    UPDATE = "update"
    #: The row carries the id of a record and says what the record says.
    UNCHANGED = "unchanged"
    #: The row carries the id of a record changed in the map since the file's version.
    CONFLICT = "conflict"


class Decision(StrEnum):
    """What to do with a row: add it, skip it, or merge it into the entry it duplicates."""

    ADD = "add"
    SKIP = "skip"
    MERGE = "merge"


DECISION_LABELS = {
    Decision.ADD: Message("dodaj"),
    Decision.SKIP: Message("pomiń"),
    Decision.MERGE: Message("scal"),
}
_STATUS_LABELS = {
    RowStatus.ACCEPTED: Message("przyjęty"),
    RowStatus.REJECTED: Message("odrzucony"),
    RowStatus.DUPLICATE: Message("możliwy duplikat"),
    RowStatus.UPDATE: Message("zmiana wpisu"),
    RowStatus.UNCHANGED: Message("bez zmian"),
    RowStatus.CONFLICT: Message("konflikt wersji"),
}


class Located(StrEnum):
    """Where a row's location came from."""

    FILE = "plik"  # coordinates or geometry in the file
    ADDRESS = "adres"  # an address the map already knows (offline)
    SERVICE = "usługa"  # the optional online geocoder hook


#: How the preview names where a location came from (the values stay the report's codes).
_LOCATED_LABELS = {
    Located.FILE: Message("plik"),
    Located.ADDRESS: Message("adres"),
    Located.SERVICE: Message("usługa"),
}


@dataclass
class PlannedRow:
    """One data row of the file.

    Attributes
    ----------
    row : spreadsheet row number
    title : the row's name as in the file (for the preview)
    values : the cleaned record values, geometry included (empty when rejected)
    status, decision : see ``RowStatus`` and ``Decision``
    problems : why the row is rejected (row, field label, Polish message)
    warnings : what was changed or doubtful, the row still accepted
    duplicate : the entry or earlier row it may duplicate
    located : where its location came from (None: no location)
    defaulted : fields filled by the import, not read from the file
    target_id, target_version : the existing record the row updates (a district
        boundary, or the record whose id the row carries) and its version now
    to_complete : labels of classifications nobody could tell: stored "do uzupełnienia"
    changes : for a row matched by id, the fields it changes (None otherwise)
    before : the record's values those changes replace
    """

    row: int
    title: str
    values: dict[str, Any] = field(default_factory=dict)
    status: RowStatus = RowStatus.ACCEPTED
    decision: Decision = Decision.ADD
    problems: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    duplicate: DuplicateMatch | None = None
    located: Located | None = None
    defaulted: frozenset[str] = frozenset()
    target_id: str | None = None
    target_version: int | None = None
    to_complete: tuple[str, ...] = ()
    changes: dict[str, Any] | None = None
    before: dict[str, Any] | None = None

    @property
    def allowed_decisions(self) -> tuple[Decision, ...]:
        """Decisions the user may pick for this row."""
        if self.status in (RowStatus.REJECTED, RowStatus.UNCHANGED, RowStatus.CONFLICT):
            return (Decision.SKIP,)
        if self.target_id is not None:  # a district boundary for an existing district
            return (Decision.MERGE, Decision.SKIP)
        if self.duplicate is not None and self.duplicate.record_id is not None:
            return (Decision.SKIP, Decision.MERGE, Decision.ADD)
        return (
            (Decision.ADD, Decision.SKIP)
            if self.duplicate is None
            else (Decision.SKIP, Decision.ADD)
        )

    @property
    def writes(self) -> bool:
        """Whether committing will write this row."""
        return self.status != RowStatus.REJECTED and self.decision != Decision.SKIP


@dataclass
class ImportPlan:
    """What importing a file would do; built by ``plan_import``.

    Attributes
    ----------
    path, layer, city : the file, the import layer and the city
    store_location : the store the plan was made against
    mapping : column header → target (field or helper) or None, as used
    mapping_origin : "podane" (given), "zapamiętane" (remembered) or "odgadnięte" (guessed)
    source_key : the key the mapping is remembered under
    rows : every non-empty data row, in file order
    skipped_empty : empty rows left out
    notes : remarks about the whole file (format, CRS, swapped axes…)
    details : how the file was read (format, encoding, delimiter, sheet, layer, crs)
    committed, batch_id : set by ``commit_import`` (a plan is written at most once)
    known_ids : the entries duplicates were looked for among; the commit looks
        again among entries added since (a parallel or repeated import)
    defaults : the per-file classification defaults used (field → code)
    """

    path: Path
    layer: str
    city: str
    store_location: str
    mapping: dict[str, str | None]
    mapping_origin: str
    source_key: str
    rows: list[PlannedRow]
    skipped_empty: int = 0
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    committed: bool = False
    batch_id: str | None = None
    known_ids: frozenset[str] = frozenset()
    defaults: dict[str, str] = field(default_factory=dict)
    _by_row: dict[int, PlannedRow] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_row = {r.row: r for r in self.rows}

    @property
    def accepted(self) -> list[PlannedRow]:
        """Rows that passed every check and duplicate nothing."""
        return [r for r in self.rows if r.status == RowStatus.ACCEPTED]

    @property
    def rejected(self) -> list[PlannedRow]:
        """Rows that will not be imported, each with its problems."""
        return [r for r in self.rows if r.status == RowStatus.REJECTED]

    @property
    def duplicates(self) -> list[PlannedRow]:
        """Valid rows that may duplicate an entry or an earlier row."""
        return [r for r in self.rows if r.status == RowStatus.DUPLICATE]

    @property
    def incomplete(self) -> list[PlannedRow]:
        """Rows that will be stored "do uzupełnienia" (a classification nobody could tell)."""
        return [r for r in self.rows if r.to_complete and r.writes]

    @property
    def updates(self) -> list[PlannedRow]:
        """Rows matched by id to a record they change."""
        return [r for r in self.rows if r.status == RowStatus.UPDATE]

    @property
    def unchanged(self) -> list[PlannedRow]:
        """Rows matched by id to a record they leave as it is ("bez zmian")."""
        return [r for r in self.rows if r.status == RowStatus.UNCHANGED]

    @property
    def conflicts(self) -> list[PlannedRow]:
        """Rows matched by id to a record changed in the map since the file was exported."""
        return [r for r in self.rows if r.status == RowStatus.CONFLICT]

    @property
    def to_write(self) -> list[PlannedRow]:
        """Rows the current decisions would write."""
        return [r for r in self.rows if r.writes]

    def row(self, number: int) -> PlannedRow:
        """The planned row with spreadsheet row ``number``."""
        try:
            return self._by_row[number]
        except KeyError:
            raise MapError(
                Message("w pliku nie ma wiersza {number}", number=number), row=number
            ) from None

    def decide(self, number: int, decision: Decision | str) -> None:
        """Set the decision for row ``number``; MapError if not allowed for it."""
        planned = self.row(number)
        try:
            chosen = Decision(decision)
        except ValueError:
            raise MapError(
                Message("nieznana decyzja „{decision}” (add, skip, merge)", decision=decision),
                row=number,
            ) from None
        if chosen not in planned.allowed_decisions:
            allowed = joined(", ", [DECISION_LABELS[d] for d in planned.allowed_decisions])
            raise MapError(
                Message("dla tego wiersza można wybrać: {allowed}", allowed=allowed), row=number
            )
        planned.decision = chosen

    def decide_all(self, decisions: Mapping[int, Decision | str]) -> None:
        """Apply many decisions (row number → decision)."""
        for number, decision in decisions.items():
            self.decide(int(number), decision)

    def decisions(self) -> dict[int, Decision]:
        """The current decision of every row."""
        return {r.row: r.decision for r in self.rows}

    def preview(self) -> pd.DataFrame:
        """One line per row for the page: number, name, status, decision, problems, notes.

        The headers are Polish (the page says them through ``tr``); the cells
        the import writes are ``Message``s (in object columns), the file's own
        (name) plain text.
        """
        lines = []
        for r in self.rows:
            status = _STATUS_LABELS[r.status]
            lines.append(
                {
                    "wiersz": r.row,
                    "nazwa": r.title,
                    "stan": Message("{status} (do uzupełnienia)", status=status)
                    if r.to_complete
                    else status,
                    "decyzja": DECISION_LABELS[r.decision],
                    "problemy": _said(r.problems),
                    "duplikat": _duplicate(r.duplicate),
                    "lokalizacja": _LOCATED_LABELS[r.located]
                    if r.located
                    else Message("bez lokalizacji"),
                    "uwagi": _said(r.warnings),
                    "zmiany": describe_changes(self.layer, r.changes, r.before),
                }
            )
        # Object columns: pandas' string dtype would turn the messages into plain text.
        frame = pd.DataFrame(lines, columns=_PREVIEW_COLUMNS, dtype=object)
        return frame.astype({"wiersz": "int64"})

    def describe_source(self) -> str:
        """How the file was read: "CSV, kodowanie Windows-1250, separator „;”" (a ``Message``)."""
        d = self.details
        fmt = str(d.get("format", "")).upper()
        parts: list[str] = [named(fmt, fmt)]  # "CSV", "XLSX": the same in either language
        if d.get("encoding"):
            parts.append(Message("kodowanie {encoding}", encoding=d["encoding"]))
        if d.get("delimiter") == "\t":
            parts.append(Message("separator tabulator"))
        elif d.get("delimiter"):
            parts.append(Message("separator „{delimiter}”", delimiter=d["delimiter"]))
        if d.get("sheet"):
            parts.append(Message("arkusz „{sheet}”", sheet=d["sheet"]))
        if d.get("layer"):
            parts.append(Message("warstwa „{layer}”", layer=d["layer"]))
        if d.get("crs_label"):
            parts.append(Message("współrzędne: {crs}", crs=d["crs_label"]))
        return joined(", ", parts)

    def mapping_table(self) -> pd.DataFrame:
        """Column → field code and its Polish label, for showing and confirming the mapping.

        People choose by the label ("etykieta"); ``mapping_from_labels`` turns
        their choice back into codes.
        """
        return pd.DataFrame(
            [
                {
                    "kolumna": header,
                    "pole": target or "",
                    "etykieta": target_label(self.layer, target) if target else SKIP_LABEL,
                }
                for header, target in self.mapping.items()
            ],
            columns=["kolumna", "pole", "etykieta"],
            dtype=object,  # the labels stay messages (pandas' string dtype would not keep them)
        )


def mapping_from_labels(layer: str, chosen: Mapping[str, str | None]) -> dict[str, str | None]:
    """Column → Polish label (as the page shows them) → column → field code.

    A blank or "(pomiń)" leaves the column out; a code is accepted as well.
    """
    by_label = {label: code for code, label in targets(layer).items()}
    result: dict[str, str | None] = {}
    for column, label in chosen.items():
        text = (label or "").strip()
        result[column] = None if text in ("", SKIP_LABEL) else by_label.get(text, text)
    return result


def describe_changes(
    layer: str, changes: Mapping[str, Any] | None, before: Mapping[str, Any] | None = None
) -> str:
    """What a row changes: "Nazwa: „Stara” → „Nowa”; lokalizacja: przesunięta" (a ``Message``)."""
    if not changes:
        return ""
    schema = import_schema(layer)
    parts: list[str] = []
    for name, value in changes.items():
        if name == "geometry":
            moved = before is not None and before.get("geometry") is not None
            parts.append(
                Message("lokalizacja: przesunięta") if moved else Message("lokalizacja: nowa")
            )
        elif before is None or name not in schema.field_names:
            parts.append(target_label(layer, name))
        else:
            f = schema.field(name)
            old, new = (_shown_value(f, v) for v in (before.get(name), value))
            parts.append(Message("{field}: {old} → {new}", field=field_label(f), old=old, new=new))
    return joined("; ", parts)


def _shown_value(f: Field, value: Any, limit: int = 60) -> str:
    """A value as a change names it; choices by their labels, in the reader's language."""
    text = format_value(f, value)
    if f.type == FieldType.CHOICE and isinstance(value, str) and value:
        codes = [value]
    elif f.type == FieldType.MULTICHOICE and isinstance(value, list | tuple) and value:
        codes = [str(v) for v in value]
    else:
        codes = []
    if not codes or len(text) > limit:  # a long list is cut as text
        return _shown(text, limit)
    return Message("„{text}”", text=joined(", ", [choice_label(f, c) for c in codes]))


def _shown(text: str, limit: int = 60) -> str:
    if not text:
        return Message("(puste)")
    text = " ".join(text.split())
    return Message("„{text}”", text=text if len(text) <= limit else text[: limit - 1] + "…")


def _said(notes: list[Note]) -> str:
    """A row's problems or warnings in one cell: "Nazwa: pole jest wymagane; …"."""
    return joined(
        "; ", [Message("{field}: {message}", field=n.field, message=n.message) for n in notes]
    )


def _duplicate(match: DuplicateMatch | None) -> str:
    """What a row may duplicate, and why: "wiersz 4 (ta sama nazwa i adres)"."""
    if match is None:
        return ""
    what = (
        Message("wiersz {row}", row=match.row)
        if match.row
        else Message("„{name}”", name=match.name)
    )
    return Message("{what} ({reason})", what=what, reason=match.reason)


#: What the mapping shows for a column that goes nowhere.
SKIP_LABEL = "(pomiń)"

_PREVIEW_COLUMNS = [
    "wiersz",
    "nazwa",
    "stan",
    "decyzja",
    "problemy",
    "duplikat",
    "lokalizacja",
    "uwagi",
    "zmiany",
]
