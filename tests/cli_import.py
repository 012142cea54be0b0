"""One command-line import of a file of resources into Gdańsk, as a user types it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mapping.__main__ import main
from mapping.store import Store

__all__ = ["import_resources"]


def import_resources(path: Path, store: Store, tmp_path: Path) -> tuple[int, dict[str, Any]]:
    """``python -m mapping import PATH --layer resources --city gdansk``; exit code and report."""
    report = tmp_path / "raport.json"
    code = main(
        [
            "import",
            str(path),
            "--layer",
            "resources",
            "--city",
            "gdansk",
            "--db",
            str(store.location),
            "--report",
            str(report),
        ]
    )
    return code, json.loads(report.read_text(encoding="utf-8"))
