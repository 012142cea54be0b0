"""The store at scale, each step beside what a competent user would pick instead.

    .venv/bin/python bench/import_speed.py [--rows 50000] [--profile insert|import|as_of]

Measured side by side in one run, on the same data:

- store insert of N records (one batch) vs ``pyogrio.write_dataframe`` of the same frame;
- import of an N-row CSV (cp1250, ``;``, plan then commit) vs the pandas peer:
  ``read_csv`` + ``points_from_xy`` + district join by ``geopandas.sjoin`` + pyogrio write;
- "stan na dzień" (``read_layer_as_of``) vs a plain ``read_layer`` of a layer with history
  (updates, archives and edits made outside the app).

Not a test: timings depend on the machine; read the ratios.  Targets: insert and
import ≤ 3× their peers, "stan na dzień" ≤ 1.5× a plain read.  The last line sums up:
``store N=… insert_ratio=… import_ratio=… as_of_ratio=…``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

# The repository root on the path, so the script runs without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import Point, box

from mapping.importing import commit_import, plan_import
from mapping.store import GeoPackageStore
from mapping.store.gpkg_binary import add_spatial_functions

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


def _records(rows: int) -> list[dict[str, Any]]:
    rng = random.Random(2)
    records = []
    for i in range(rows):
        name, _, _ = rng.choice(KINDS)
        records.append(
            {
                "name": f"{name} nr {i}",
                "kind": "organizacja",
                "category": "edukacja",
                "target_groups": ["dzieci", "seniorzy"],
                "city": CITY,
                "address": f"ul. Długa {i}",
                "district": f"D{i % 20}",
                "phone": f"34 123 {i % 100:02d} 00",
                "email": f"kontakt{i}@example.pl",
                "status": "aktywny",
                "geometry": Point(rng.uniform(19.00, 19.25), rng.uniform(50.74, 50.87)),
            }
        )
    return records


def _timed(label: str, profile: str | None, run: Callable[[], Any]) -> tuple[float, Any]:
    profiler = cProfile.Profile() if profile == label else None
    if profiler:
        profiler.enable()
    start = time.perf_counter()
    value = run()
    took = time.perf_counter() - start
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return took, value


def _insert(folder: Path, rows: int, profile: str | None) -> tuple[float, float, GeoPackageStore]:
    records = _records(rows)
    store = GeoPackageStore(folder / "insert.gpkg")

    def write() -> None:
        with store.batch("bench") as b:
            b.create_many("resources", records)

    took, _ = _timed("insert", profile, write)
    frame = gpd.GeoDataFrame(
        pd.DataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in records]).assign(
            target_groups=lambda f: f["target_groups"].str.join(";")
        ),
        geometry=[r["geometry"] for r in records],
        crs="EPSG:4326",
    )
    start = time.perf_counter()
    pyogrio.write_dataframe(frame, folder / "peer.gpkg", layer="resources")
    peer = time.perf_counter() - start
    return took, peer, store


def _import(folder: Path, rows: int, profile: str | None) -> tuple[float, float, int]:
    csv_path = folder / "partnerzy.csv"
    _write_csv(csv_path, rows)
    store = GeoPackageStore(folder / "mapa.gpkg")
    _city(store)

    def run() -> int:
        plan = plan_import(csv_path, "resources", CITY, store)
        return len(commit_import(plan, store, "bench").created)

    took, created = _timed("import", profile, run)
    districts = store.read_layer("areas")
    districts = districts[districts["kind"] == "dzielnica"][["name", "geometry"]]
    start = time.perf_counter()
    frame = pd.read_csv(csv_path, sep=";", encoding="cp1250", decimal=",")
    points = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["Dł."], frame["Szer."]), crs="EPSG:4326"
    )
    joined = gpd.sjoin(points, districts, how="left", predicate="within")
    joined = joined.drop(columns="index_right").rename(columns={"name": "district"})
    pyogrio.write_dataframe(joined, folder / "peer_import.gpkg", layer="resources")
    peer = time.perf_counter() - start
    return took, peer, created


def _with_history(store: GeoPackageStore, rows: int) -> None:
    """Updates, archives and outside edits on a tenth of the records, some back-dated."""
    frame = store.read_layer("resources")
    ids = list(frame["id"])[: max(1, rows // 10)]
    with store.batch("bench") as b:
        for n, record_id in enumerate(ids):
            if n % 3 == 0:
                b.archive("resources", record_id, expected_version=1)
            else:
                b.update("resources", record_id, {"address": f"ul. Krótka {n}"}, expected_version=1)
    conn = sqlite3.connect(store.path)
    add_spatial_functions(conn)  # as GDAL defines them for the layer's spatial index
    with conn:  # an edit made outside the app, versioned by the file's triggers
        conn.execute(
            "UPDATE resources SET phone = '58 000 00 00' WHERE fid % 50 = 1 AND archived_at IS NULL"
        )
    conn.close()


def _as_of(store: GeoPackageStore, rows: int, profile: str | None) -> tuple[float, float]:
    _with_history(store, rows)
    store.read_layer("resources")  # warm the file cache for both
    start = time.perf_counter()
    plain = store.read_layer("resources")
    plain_s = time.perf_counter() - start
    took, past = _timed("as_of", profile, lambda: store.read_layer_as_of("resources", date.today()))
    assert len(past) == len(plain), (len(past), len(plain))
    return took, plain_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--profile", choices=["insert", "import", "as_of"], help="top functions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        insert_s, pyogrio_s, store = _insert(folder, args.rows, args.profile)
        print(f"insert {args.rows}: store {insert_s:6.2f} s, pyogrio write {pyogrio_s:6.2f} s")
        import_s, pandas_s, created = _import(folder, args.rows, args.profile)
        print(f"import {args.rows} CSV rows ({created} created): {import_s:6.2f} s, "
              f"pandas peer {pandas_s:6.2f} s")  # fmt: skip
        as_of_s, read_s = _as_of(store, args.rows, args.profile)
        print(f"stan na dzień: {as_of_s:6.2f} s, plain read {read_s:6.2f} s")
    print(
        f"store N={args.rows} insert_ratio={insert_s / pyogrio_s:.2f} "
        f"import_ratio={import_s / pandas_s:.2f} as_of_ratio={as_of_s / read_s:.2f}"
    )


if __name__ == "__main__":
    main()
