"""Peak memory and time of reading and planning a large GeoJSON (issue 13.8).

    .venv/bin/python bench/import_memory.py [--features 300000] [--step read|plan|both]

Each step runs in a fresh Python process so its peak resident memory
(``ru_maxrss``) is its own.  Not a test: figures depend on the machine.
The file is written once into a temporary folder and removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CITY = "Częstochowa"


def _write_geojson(path: Path, features: int) -> None:
    """Streamed out feature by feature: the generator itself stays small."""
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for i in range(features):
            lon, lat = rng.uniform(19.00, 19.25), rng.uniform(50.74, 50.87)
            feature = {
                "type": "Feature",
                "properties": {"name": f"Punkt {i}", "kind": "miejsce", "category": "zielen"},
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            }
            out.write(("," if i else "") + json.dumps(feature) + "\n")
        out.write("]}\n")


def _child(step: str, path: str, db: str) -> None:
    from mapping.importing import plan_import, read_source
    from mapping.store import GeoPackageStore

    start = time.perf_counter()
    if step == "read":
        table = read_source(path)
        count = len(table.frame)
    else:
        plan = plan_import(path, "resources", CITY, GeoPackageStore(db))
        count = len(plan.to_write)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"step": step, "rows": count, "seconds": round(seconds, 1), "peak_mb": round(peak_mb)}
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--features", type=int, default=300_000)
    parser.add_argument("--step", choices=["read", "plan", "both"], default="both")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        path, db = Path(folder) / "punkty.geojson", Path(folder) / "mapa.gpkg"
        _write_geojson(path, args.features)
        size_mb = path.stat().st_size / 2**20
        print(f"plik: {args.features} obiektów, {size_mb:.0f} MB")
        steps = ["read", "plan"] if args.step == "both" else [args.step]
        for step in steps:
            command = [sys.executable, __file__, "--child", step, str(path), str(db)]
            subprocess.run(command, check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
