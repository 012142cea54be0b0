"""``commit_import``: write a planned import as one undoable transaction.

All rows the decisions keep are written in one ``store.batch``: if any write
fails (a conflict, a value the store refuses, a crash), nothing is stored.
The batch id is the import's number in the history; ``store.undo_batch``
undoes the whole import as one step.

Duplicates are looked for again inside that transaction, under the store's
write lock, among the entries added since planning: two imports of one file
started together (or a plan committed after the same file was imported)
store each row once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mapping.collector import collector_paused
from mapping.errors import MapError
from mapping.frames import is_list_field
from mapping.importing.completion import TO_COMPLETE_NOTE
from mapping.importing.duplicates import Candidate, find_duplicates
from mapping.importing.identity import conflict_note, same_place, same_value
from mapping.importing.memory import save_mapping
from mapping.importing.notes import Note, field_label
from mapping.importing.preview import Decision, ImportPlan, Located, PlannedRow, RowStatus
from mapping.importing.source import cell_text, is_blank_cell
from mapping.importing.targets import import_schema, store_layer
from mapping.language import Message
from mapping.schema import TO_COMPLETE
from mapping.store import Batch, Store

__all__ = ["ImportResult", "Progress", "commit_import", "merged_values"]

#: A progress callback: (rows written, rows to write).
Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import wrote.

    Attributes
    ----------
    batch_id : the history batch (for ``store.undo_batch``); None if nothing was written
    created, updated : ids of records created / updated (merges, district boundaries)
    skipped : valid rows left out by decision (duplicates by default)
    rejected : rows that could not be imported
    added_meanwhile : rows left out because an entry like them was stored
        after planning (a parallel or repeated import of the same file)
    incomplete : ids of records stored "do uzupełnienia"
    unchanged : rows matched by id, or merged, that change nothing ("bez zmian")
    conflicts : rows matched by id whose record changed in the map (not applied)
    warning : what went wrong after the import was stored (it stays stored), or None
    """

    batch_id: str | None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: int = 0
    rejected: int = 0
    added_meanwhile: list[int] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[int] = field(default_factory=list)
    warning: str | None = None


def merged_values(row: PlannedRow, current: Mapping[str, Any], layer: str) -> dict[str, Any]:
    """The changes merging ``row`` into the record ``current`` makes.

    The file's non-empty values replace the entry's; blanks in the file and
    values the import only filled in (defaults, guesses) change nothing;
    target groups are joined.  A location replaces the entry's only when it
    came from the file's coordinates, or the entry has none.
    """
    schema = import_schema(layer)
    changes: dict[str, Any] = {}
    for f in schema.fields:
        value: Any = row.values.get(f.name)  # a cell: any type, None when absent
        if f.name in row.defaulted or is_blank_cell(value) or value == []:
            continue
        if f.name == "status" and value == TO_COMPLETE and current.get("status"):
            continue  # the entry already says what it is: the row lacking it changes nothing
        if f.name == "notes":
            value = _joined_notes(current.get("notes"), str(value))
            if value == (current.get("notes") or ""):
                continue
        if is_list_field(f.type):
            value = list(dict.fromkeys([*(current.get(f.name) or []), *value]))
        if not same_value(value, current.get(f.name)):
            changes[f.name] = value
    geometry = row.values.get("geometry")
    placed = row.located == Located.FILE or current.get("geometry") is None
    if geometry is not None and placed and not same_place(geometry, current.get("geometry")):
        changes["geometry"] = geometry
    return changes


def _joined_notes(current: Any, incoming: str) -> str:
    """The team's notes are never replaced by a file's: new lines are added below.

    What the entry lacks is the row's matter, not the entry's: the entry it
    merges into has its kind and category, so "Do uzupełnienia" is left out.
    """
    have = "" if is_blank_cell(current) else str(current)
    lines = [
        line
        for line in incoming.splitlines()
        if line not in have.splitlines() and not line.startswith(TO_COMPLETE_NOTE)
    ]
    return "\n".join([have, *lines]).strip("\n")


class _Writer:
    """Writes rows into one batch, keeping merged records' latest versions."""

    def __init__(self, batch: Batch, plan: ImportPlan, result: ImportResult):
        self.batch = batch
        self.plan = plan
        self.layer = store_layer(plan.layer)
        self.result = result
        self.current: dict[str, dict[str, Any]] = {}
        #: New rows waiting to be created together (in file order, before any update).
        self.pending: list[PlannedRow] = []

    def write(self, row: PlannedRow) -> None:
        if self._creates(row):
            self.pending.append(row)
            return
        self.flush()
        if row.changes is not None and row.target_id is not None:  # matched by id
            self._update(row, row.target_id, row.changes)
        elif row.target_id is not None:  # a district boundary
            record = self.batch.update(
                self.layer, row.target_id, row.values, expected_version=row.target_version or 0
            )
            self.result.updated.append(str(record["id"]))
        else:
            self._merge(row)

    @staticmethod
    def _creates(row: PlannedRow) -> bool:
        merges = row.decision == Decision.MERGE and row.duplicate and row.duplicate.record_id
        return row.target_id is None and not merges

    def flush(self) -> None:
        """Create the waiting rows in one bulk write (validated first, then written)."""
        if not self.pending:
            return
        records = self.batch.create_many(self.layer, [row.values for row in self.pending])
        for row, record in zip(self.pending, records, strict=True):
            self.result.created.append(str(record["id"]))
            if row.to_complete:
                self.result.incomplete.append(str(record["id"]))
        self.pending = []

    def _update(self, row: PlannedRow, record_id: str, changes: Mapping[str, Any]) -> None:
        """Apply a row matched by id, unless its record changed after planning."""
        current = self.batch.current_record(self.layer, record_id)
        archived = not is_blank_cell(current.get("archived_at"))
        if int(current["version"]) != row.target_version or archived:
            # Under the write lock: someone saved this record since the preview.
            row.status, row.decision = RowStatus.CONFLICT, Decision.SKIP
            row.problems = [conflict_note(row, current, self.plan.layer, row.target_version)]
            self.result.conflicts.append(row.row)
            return
        self.batch.update(self.layer, record_id, changes, expected_version=row.target_version)
        self.result.updated.append(record_id)

    def _merge(self, row: PlannedRow) -> None:
        match = row.duplicate
        assert match is not None and match.record_id is not None and match.record is not None
        # Two rows may merge into one entry: the second builds on the first's result.
        current = self.current.get(match.record_id) or dict(match.record)
        changes = merged_values(row, current, self.plan.layer)
        if not changes:
            self.result.unchanged += 1  # the entry already says all the row says
            return
        record = self.batch.update(
            self.layer, match.record_id, changes, expected_version=int(current["version"])
        )
        self.current[match.record_id] = record
        self.result.updated.append(match.record_id)


def skip_added_meanwhile(plan: ImportPlan, store: Store) -> list[int]:
    """Rows to add that duplicate an entry stored after planning: skip them.

    Only entries the plan has not seen are compared, so a row the user chose
    to add despite a known look-alike is still added.  Returns the row numbers.
    """
    adding = [r for r in plan.to_write if r.decision == Decision.ADD and r.target_id is None]
    if not adding or plan.layer not in ("resources", "needs"):
        return []
    frame = store.read_layer(store_layer(plan.layer), city=plan.city)
    new = frame[~frame["id"].astype(str).isin(plan.known_ids)] if "id" in frame else frame
    if new.empty:
        return []
    title = import_schema(plan.layer).title_field
    candidates = [
        Candidate(
            str(r.values.get(title) or ""),
            cell_text(r.values.get("address")) or None,
            r.values.get("geometry"),
        )
        for r in adding
    ]
    matches = find_duplicates(
        candidates,
        new.to_dict("records"),
        title_field=title,
        rows=[r.row for r in adding],
        city=plan.city,
    )
    skipped = []
    for position, match in matches.items():
        if match.record_id is None:  # an earlier row of this same file: planning decided
            continue
        row = adding[position]
        row.status, row.decision, row.duplicate = RowStatus.DUPLICATE, Decision.SKIP, match
        message = Message("w międzyczasie zapisano taki wpis (równoległy import?) — pominięto")
        label = field_label(import_schema(plan.layer).field(title))
        row.warnings.append(Note(row.row, label, message))
        skipped.append(row.row)
    return skipped


@collector_paused()  # its rows are many (mapping.collector)
def commit_import(
    plan: ImportPlan,
    store: Store,
    author: str,
    decisions: Mapping[int, Decision | str] | None = None,
    *,
    progress: Progress | None = None,
    remember_mapping: bool = True,
) -> ImportResult:
    """Write the rows of ``plan`` that its decisions keep, as one transaction.

    Parameters
    ----------
    plan : from ``plan_import`` against the same store
    store : the map
    author : who imports (recorded in the history)
    decisions : row number → "add" / "skip" / "merge", over the plan's own
    progress : called with (rows written, rows to write) for a progress bar
    remember_mapping : remember the plan's column mapping for this source

    Raises
    ------
    MapError (e.g. ``ConflictError`` when a merged entry changed after
    planning); nothing is written then.
    """
    if plan.committed:
        # A page re-run or a double click must not import the same file twice.
        raise MapError(Message("ten import został już zapisany — wczytaj plik ponownie"))
    if decisions:
        plan.decide_all(decisions)
    rows = plan.to_write
    unapplied = len(plan.rejected) + len(plan.unchanged) + len(plan.conflicts)
    result = ImportResult(
        None,
        skipped=sum(1 for r in plan.rows if not r.writes) - unapplied,
        rejected=len(plan.rejected),
        unchanged=len(plan.unchanged),
        conflicts=[r.row for r in plan.conflicts],
    )
    if rows:
        schema = import_schema(plan.layer)
        note = (
            f"import z pliku {plan.path.name} ({schema.label}, {plan.city}, wierszy: {len(rows)})"
        )
        with store.batch(author, note=note) as batch:
            # Under the write lock: nobody can store a row of this file between here and COMMIT.
            result.added_meanwhile = skip_added_meanwhile(plan, store)
            result.skipped += len(result.added_meanwhile)
            rows = plan.to_write
            step = max(1, len(rows) // 100)
            writer = _Writer(batch, plan, result)
            for done, row in enumerate(rows, start=1):
                writer.write(row)
                if done % step == 0 or done == len(rows):
                    writer.flush()  # the bar shows rows written, not rows queued
                    if progress is not None:
                        progress(done, len(rows))
            result.batch_id = batch.batch_id
        if not (result.created or result.updated):
            result.batch_id = None  # merges that changed nothing leave no history
    plan.committed, plan.batch_id = True, result.batch_id
    if remember_mapping:
        try:
            save_mapping(plan.source_key, plan.mapping, store)
        except OSError as exc:  # the rows are stored: only the remembered columns are lost
            result.warning = Message(
                "Import zapisany, ale nie udało się zapamiętać dopasowania kolumn "
                "({reason}): przy następnym imporcie tego pliku sprawdź kolumny.",
                reason=exc.strerror or exc.__class__.__name__,
            )
    return result
