"""Two imports of one file at the same time store each row once (issue 13.5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mapping.importing import commit_import, plan_import
from mapping.store import GeoPackageStore

CITY = "Częstochowa"
ROWS = 300


def _partner_list(path: Path, rows: int = ROWS) -> Path:
    lines = ["Nazwa;Rodzaj;Kategoria;Szer.;Dł."]
    lines += [
        f"Klub nr {i};organizacja;aktywnosc;{50.70 + i * 0.0005:.5f};{19.05 + (i % 7) * 0.01:.5f}"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


#: Generous: two fresh interpreters import geopandas on a machine shared with others.
_WAIT_S = 300
_ROOT = Path(__file__).resolve().parents[1]


def test_two_parallel_imports_of_one_file_store_each_row_once(tmp_path: Path) -> None:
    db = tmp_path / "mapa.gpkg"
    GeoPackageStore(db)
    csv = _partner_list(tmp_path / "partnerzy.csv")
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.import_worker", str(db), str(csv), who],
            cwd=_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("Ala", "Ola")
    ]
    try:
        # Both plans see the empty map before either commits.
        said = [w.stdout.readline().strip() for w in workers]
        if said != ["planned", "planned"]:
            pytest.fail(f"planning failed: {[w.communicate(timeout=_WAIT_S)[1] for w in workers]}")
        outputs = [w.communicate("go\n", timeout=_WAIT_S) for w in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outputs]
    created = sorted(int(out.split()[-1]) for out, _ in outputs)
    assert created == [0, ROWS]
    stored = GeoPackageStore(db).read_layer("resources")
    assert len(stored) == ROWS
    assert stored["name"].is_unique


def test_a_plan_committed_after_the_same_file_was_imported_writes_nothing(
    tmp_path: Path,
) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    csv = _partner_list(tmp_path / "partnerzy.csv", rows=20)
    first = plan_import(csv, "resources", CITY, store)
    second = plan_import(csv, "resources", CITY, store)
    assert len(commit_import(first, store, "Ala").created) == 20
    result = commit_import(second, store, "Ola")
    assert (result.created, result.batch_id) == ([], None)
    assert len(result.added_meanwhile) == 20 and result.skipped == 20
    assert len(store.read_layer("resources")) == 20
    assert "w międzyczasie" in second.row(2).warnings[-1].message
