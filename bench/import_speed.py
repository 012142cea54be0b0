"""The store at scale, each step beside what a competent user would pick instead.

    .venv/bin/python bench/import_speed.py [--rows 50000] [--profile insert|import|as_of]

Measured side by side in one run, on the same data:

- store insert of N records (one batch) vs ``pyogrio.write_dataframe`` of the same frame;
- import of an N-row CSV (cp1250, ``;``, plan then commit) vs the pandas peer:
  ``read_csv`` + ``points_from_xy`` + district join by ``geopandas.sjoin`` + pyogrio write;
- "stan na dzień" (``read_layer_as_of``) vs a plain ``read_layer`` of a layer with history
  (updates, archives and edits made outside the app), medians of 3;
- the file after ``--edits`` edits of the N records (updates through the store API in
  batches of 100 as people make them, some outside the app by SQL) vs a plain
  ``pyogrio.write_dataframe`` GeoPackage of the same final layer.

Not a test: timings depend on the machine; read the ratios.  Targets: insert and
import ≤ 3× their peers, "stan na dzień" ≤ 1.5× a plain read, the file with its
history ≤ 3× the plain one.  The last line sums up:
``store N=… insert_ratio=… import_ratio=… as_of_ratio=… history_ratio=…``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sqlite3
import statistics
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


def _plain_frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Records as a competent user would write them with pyogrio (lists joined)."""
    return gpd.GeoDataFrame(
        pd.DataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in records]).assign(
            target_groups=lambda f: f["target_groups"].map(
                lambda v: ";".join(v) if isinstance(v, list) else v
            )
        ),
        geometry=[r["geometry"] for r in records],
        crs="EPSG:4326",
    )


def _insert(folder: Path, rows: int, profile: str | None) -> tuple[float, float, GeoPackageStore]:
    records = _records(rows)
    store = GeoPackageStore(folder / "insert.gpkg")

    def write() -> None:
        with store.batch("bench") as b:
            b.create_many("resources", records)

    took, _ = _timed("insert", profile, write)
    frame = _plain_frame(records)
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
    """Medians of 3 (both reads take a fraction of a second: one run is mostly noise)."""
    _with_history(store, rows)
    store.read_layer("resources")  # warm the file cache for both
    plain_runs, as_of_runs = [], []
    for _ in range(3):
        start = time.perf_counter()
        plain = store.read_layer("resources")
        plain_runs.append(time.perf_counter() - start)
        took, past = _timed(
            "as_of", profile, lambda: store.read_layer_as_of("resources", date.today())
        )
        as_of_runs.append(took)
        assert len(past) == len(plain), (len(past), len(plain))
    return statistics.median(as_of_runs), statistics.median(plain_runs)


#: Edits people make to a record: (field, values to pick from).
_EDITS = [
    ("status", ["aktywny", "nieaktywny", "archiwalny"]),
    ("phone", ["58 123 45 67", "34 300 00 00", None]),
    ("address", ["ul. Krótka 1", "ul. Nowa 5", "pl. Wolności 2"]),
    ("notes", ["zadzwonić po wakacjach", "nowa osoba kontaktowa", None]),
    ("target_groups", [["dzieci"], ["seniorzy", "młodzież"], ["dzieci", "seniorzy"]]),
]


def _one_edit(b: Any, rng: random.Random, record_id: str, version: int) -> int:
    """One edit as people make it: a field or two, now and then a moved point or an archive;
    returns the new version."""
    roll = rng.random()
    if roll < 0.02:
        if b.current_record("resources", record_id)["archived_at"]:
            return int(b.unarchive("resources", record_id, expected_version=version)["version"])
        return int(b.archive("resources", record_id, expected_version=version)["version"])
    fields = rng.sample(_EDITS, rng.choice([1, 1, 2]))
    values: dict[str, Any] = {name: rng.choice(choices) for name, choices in fields}
    if roll > 0.9:
        values["geometry"] = Point(rng.uniform(19.00, 19.25), rng.uniform(50.74, 50.87))
    return int(b.update("resources", record_id, values, expected_version=version)["version"])


def _edit_many(store: GeoPackageStore, edits: int) -> None:
    """``edits`` edits of random records: 95 % through the store in batches of 100,
    5 % by SQL outside the app."""
    rng = random.Random(3)
    frame = store.read_layer("resources", include_archived=True)
    versions = dict(zip(frame["id"], frame["version"].astype(int), strict=True))
    ids = list(versions)
    outside = edits // 20
    done = 0
    while done < edits - outside:
        with store.batch(rng.choice(["ala", "ola", "koordynatorka"])) as b:
            for _ in range(min(100, edits - outside - done)):
                record_id = rng.choice(ids)
                versions[record_id] = _one_edit(b, rng, record_id, versions[record_id])
                done += 1
    conn = sqlite3.connect(store.path)
    add_spatial_functions(conn)  # as GDAL defines them for the layer's spatial index
    with conn:  # edits made outside the app (QGIS, a script), versioned by the file's triggers
        for n in range(0, outside, 500):
            conn.execute(
                "UPDATE resources SET notes = ? WHERE fid IN "
                "(SELECT fid FROM resources ORDER BY random() LIMIT ?)",
                (f"sprawdzone w QGIS {n}", min(500, outside - n)),
            )
    conn.close()


def _history_size(folder: Path, rows: int, edits: int, profile: str | None) -> tuple[int, int]:
    """Bytes of the store file after ``edits`` edits, and of a plain GeoPackage of its layer."""
    store = GeoPackageStore(folder / "history.gpkg")
    with store.batch("bench") as b:
        b.create_many("resources", _records(rows))
    _timed("history", profile, lambda: _edit_many(store, edits))
    final = store.read_layer("resources", include_archived=True)
    plain = folder / "plain_history.gpkg"
    pyogrio.write_dataframe(_plain_frame(final.to_dict("records")), plain, layer="resources")
    return store.path.stat().st_size, plain.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--edits", type=int, default=100_000, help="edits for the file size")
    parser.add_argument(
        "--profile", choices=["insert", "import", "as_of", "history"], help="top functions"
    )
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
        file_b, plain_b = _history_size(folder, args.rows, args.edits, args.profile)
        print(f"after {args.edits} edits: file {file_b / 1e6:6.1f} MB, "
              f"plain GeoPackage {plain_b / 1e6:6.1f} MB")  # fmt: skip
    print(
        f"store N={args.rows} insert_ratio={insert_s / pyogrio_s:.2f} "
        f"import_ratio={import_s / pandas_s:.2f} as_of_ratio={as_of_s / read_s:.2f} "
        f"history_ratio={file_b / plain_b:.2f}"
    )


if __name__ == "__main__":
    main()
