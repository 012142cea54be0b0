"""The import report: what a file gave, as JSON for the CLI's ``--report`` and the page.

The shape (keys beyond the first five are additions)::

    {"accepted": 12,                      # rows written (or to be written in a dry run)
     "rejected": [{"row": 5, "field": "Nazwa", "message": "pole jest wymagane"}],
     "rejected_rows": [5],                # one entry per row (a row may have many problems)
     "incomplete": 2, "incomplete_rows": [8, 11],  # stored "do uzupełnienia"
     "duplicates": [{"row": 7, "name": "…", "decision": "skip",
                     "duplicate_of": {"id": "…", "row": null, "name": "…",
                                      "distance_m": 12.5, "reason": "…"}}],
     "updates": [{"row": 4, "id": "…", "name": "…", "changes": ["name"],  # matched by id
                  "description": "Nazwa: „Stara” → „Nowa”"}],
     "unchanged": 80,                     # matched by id, "bez zmian" (nothing written)
     "conflicts": [{"row": 6, "id": "…", "name": "…", "message": "…"}],  # changed meanwhile
     "geocoded": 3,                       # of the accepted, placed by their address
     "unlocated": 2,                      # of the accepted, without a location
     "unlocated_rows": [9, 14],
     "warnings": [{"row": 3, "field": "lokalizacja", "message": "…"}],
     "skipped_empty": 1, "batch_id": "…", "created": 11, "updated": 1, "skipped": 1,
     "file": "partnerzy.csv", "layer": "resources", "city": "Częstochowa",
     "dry_run": false, "mapping": {...}, "details": {...}}
"""

from __future__ import annotations

from typing import Any

from mapping.importing.commit import ImportResult
from mapping.importing.preview import ImportPlan, Located, describe_changes

__all__ = ["build_report"]


def build_report(plan: ImportPlan, result: ImportResult | None = None) -> dict[str, Any]:
    """The report of ``plan``; of what was written when ``result`` is given, else a dry run."""
    writing = plan.to_write
    report: dict[str, Any] = {
        "accepted": len(writing),
        "rejected": [note.as_dict() for row in plan.rejected for note in row.problems],
        "rejected_rows": [row.row for row in plan.rejected],
        "incomplete": len(plan.incomplete),
        "incomplete_rows": [row.row for row in plan.incomplete],
        "duplicates": [
            {
                "row": row.row,
                "name": row.title,
                "decision": row.decision.value,
                "duplicate_of": row.duplicate.as_dict() if row.duplicate else None,
            }
            for row in plan.duplicates
        ],
        "updates": [
            {
                "row": row.row,
                "id": row.target_id,
                "name": row.title,
                "changes": list(row.changes or {}),
                "description": describe_changes(plan.layer, row.changes, row.before),
            }
            for row in plan.updates
        ],
        "unchanged": len(plan.unchanged),
        "conflicts": [
            {"row": row.row, "id": row.target_id, "name": row.title, "message": note.message}
            for row in plan.conflicts
            for note in row.problems
        ],
        "geocoded": sum(1 for r in writing if r.located in (Located.ADDRESS, Located.SERVICE)),
        "unlocated": sum(1 for r in writing if r.located is None),
        "unlocated_rows": [r.row for r in writing if r.located is None],
        "warnings": [
            *({"row": None, "field": None, "message": note} for note in plan.notes),
            *(note.as_dict() for row in plan.rows for note in row.warnings),
        ],
        "skipped_empty": plan.skipped_empty,
        "file": plan.path.name,
        "layer": plan.layer,
        "city": plan.city,
        "dry_run": result is None,
        "mapping": plan.mapping,
        "mapping_origin": plan.mapping_origin,
        "details": plan.details,
    }
    if result is not None:
        report.update(
            batch_id=result.batch_id,
            created=len(result.created),
            updated=len(result.updated),
            skipped=result.skipped,
            added_meanwhile=result.added_meanwhile,
        )
    return report
