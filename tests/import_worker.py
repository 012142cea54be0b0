"""A separate process that plans an import, waits for "go" on stdin, then commits.

Used by ``tests/test_import_parallel.py``: two of these plan the same file
against an empty map, and only then both commit.

    python -m tests.import_worker DB CSV AUTHOR
"""

from __future__ import annotations

import sys

from mapping.importing import commit_import, plan_import
from mapping.store import GeoPackageStore

CITY = "Częstochowa"


def main(db: str, csv: str, author: str) -> None:
    """Plan, say "planned", wait for a line on stdin, commit, print how many were created."""
    store = GeoPackageStore(db)
    plan = plan_import(csv, "resources", CITY, store)
    print("planned", flush=True)
    sys.stdin.readline()
    result = commit_import(plan, store, author, remember_mapping=False)
    print(f"created {len(result.created)}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
