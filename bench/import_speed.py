"""How long importing a 10,000-row CSV takes (plan, then commit), with a per-step profile.

    .venv/bin/python bench/import_speed.py [--rows 10000] [--profile]

Not a test: timings depend on the machine.  The goal is "seconds": planning
and committing are each expected to stay well under ten seconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

# The repository root on the path, so the script runs without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shapely.geometry import box

from mapping.importing import commit_import, plan_import
from mapping.store import GeoPackageStore

CITY = "Częstochowa"
#: (name, type, category) — types the import reads the kind from.
KINDS = [
    ("Filia Biblioteki Publicznej", "biblioteka", ""),
    ("Fundacja Razem", "fundacja", "aktywnosc"),
    ("Szkoła Podstawowa", "szkoła", ""),
    ("Stowarzyszenie Sąsiedzkie", "stowarzyszenie", "Aktywność obywatelska i integracja"),
    ("Parafia św. Józefa", "parafia", ""),
    ("Rejonowy Zespół MOPS", "MOPS", ""),
]


def _write_csv(path: Path, rows: int) -> None:
    rng = random.Random(1)
    lines = ["Nazwa;Typ;Kategoria;Adres;Szer.;Dł.;Dla kogo;Telefon;E-mail"]
    for i in range(rows):
        name, kind, category = rng.choice(KINDS)
        lat = f"{rng.uniform(50.74, 50.87):.6f}".replace(".", ",")
        lon = f"{rng.uniform(19.00, 19.25):.6f}".replace(".", ",")
        lines.append(
            f"{name} nr {i};{kind};{category};ul. Długa {i};{lat};{lon};"
            f"dzieci, seniorzy;34 123 {i % 100:02d} 00;kontakt{i}@example.pl"
        )
    path.write_bytes("\r\n".join(lines).encode("cp1250"))


def _city(store: GeoPackageStore) -> None:
    with store.batch("bench") as b:
        outline = box(18.98, 50.72, 19.27, 50.89)
        b.create("areas", {"name": CITY, "kind": "miasto", "city": CITY, "geometry": outline})
        for k in range(20):
            cell = box(19.0 + k * 0.0125, 50.72, 19.0 + (k + 1) * 0.0125, 50.89)
            b.create(
                "areas", {"name": f"D{k}", "kind": "dzielnica", "city": CITY, "geometry": cell}
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print the top functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv_path = folder / "partnerzy.csv"
        _write_csv(csv_path, args.rows)
        store = GeoPackageStore(folder / "mapa.gpkg")
        _city(store)
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        start = time.perf_counter()
        plan = plan_import(csv_path, "resources", CITY, store)
        planned = time.perf_counter()
        result = commit_import(plan, store, "bench")
        done = time.perf_counter()
        if profiler:
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    print(f"rows: {args.rows}, accepted: {len(plan.accepted)}, created: {len(result.created)}")
    print(f"plan:   {planned - start:6.2f} s")
    print(f"commit: {done - planned:6.2f} s")
    print(f"total:  {done - start:6.2f} s")


if __name__ == "__main__":
    main()
