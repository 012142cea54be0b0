"""``commit_import``: write a planned import as one undoable transaction.

All rows the decisions keep are written in one ``store.batch``: if any write
fails (a conflict, a value the store refuses, a crash), nothing is stored.
The batch id is the import's number in the history; ``store.undo_batch``
undoes the whole import as one step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mapping.errors import MapError
from mapping.frames import is_list_field
from mapping.importing.memory import save_mapping
from mapping.importing.preview import Decision, ImportPlan, Located, PlannedRow
from mapping.importing.source import is_blank_cell
from mapping.importing.targets import import_schema, store_layer
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
    """

    batch_id: str | None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: int = 0
    rejected: int = 0


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
        value = row.values.get(f.name)
        if f.name in row.defaulted or is_blank_cell(value) or value == []:
            continue
        if is_list_field(f.type):
            value = list(dict.fromkeys([*(current.get(f.name) or []), *value]))
        if value != current.get(f.name):
            changes[f.name] = value
    geometry = row.values.get("geometry")
    if geometry is not None and (row.located == Located.FILE or current.get("geometry") is None):
        changes["geometry"] = geometry
    return changes


class _Writer:
    """Writes rows into one batch, keeping merged records' latest versions."""

    def __init__(self, batch: Batch, plan: ImportPlan, result: ImportResult):
        self.batch = batch
        self.plan = plan
        self.layer = store_layer(plan.layer)
        self.result = result
        self.current: dict[str, dict[str, Any]] = {}

    def write(self, row: PlannedRow) -> None:
        if row.target_id is not None:  # a district boundary
            record = self.batch.update(
                self.layer, row.target_id, row.values, expected_version=row.target_version or 0
            )
            self.result.updated.append(str(record["id"]))
        elif row.decision == Decision.MERGE and row.duplicate and row.duplicate.record_id:
            self._merge(row)
        else:
            record = self.batch.create(self.layer, row.values)
            self.result.created.append(str(record["id"]))

    def _merge(self, row: PlannedRow) -> None:
        match = row.duplicate
        assert match is not None and match.record_id is not None and match.record is not None
        # Two rows may merge into one entry: the second builds on the first's result.
        current = self.current.get(match.record_id) or dict(match.record)
        changes = merged_values(row, current, self.plan.layer)
        if not changes:
            return
        record = self.batch.update(
            self.layer, match.record_id, changes, expected_version=int(current["version"])
        )
        self.current[match.record_id] = record
        self.result.updated.append(match.record_id)


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
        raise MapError("ten import został już zapisany — wczytaj plik ponownie")
    if decisions:
        plan.decide_all(decisions)
    rows = plan.to_write
    result = ImportResult(
        None,
        skipped=sum(1 for r in plan.rows if not r.writes) - len(plan.rejected),
        rejected=len(plan.rejected),
    )
    if rows:
        schema = import_schema(plan.layer)
        note = (
            f"import z pliku {plan.path.name} ({schema.label}, {plan.city}, wierszy: {len(rows)})"
        )
        step = max(1, len(rows) // 100)
        with store.batch(author, note=note) as batch:
            writer = _Writer(batch, plan, result)
            for done, row in enumerate(rows, start=1):
                writer.write(row)
                if progress is not None and (done % step == 0 or done == len(rows)):
                    progress(done, len(rows))
            result.batch_id = batch.batch_id
        if not (result.created or result.updated):
            result.batch_id = None  # merges that changed nothing leave no history
    plan.committed, plan.batch_id = True, result.batch_id
    if remember_mapping:
        save_mapping(plan.source_key, plan.mapping, store)
    return result
