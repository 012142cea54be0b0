"""Benchmark: resources per gmina for all of Poland, vectorised vs a naive loop.

All 2,477 gminas (PRG, simplified) and 200,000 SYNTHETIC resource points:
60% spread uniformly over the country, 40% clustered around urban gminas.
Population is SYNTHETIC too (area x 122 residents/km², the national mean
density), so the per-1000 rates only show the machinery, not Poland.

ours      ``mapping.analysis.count_points_in_areas`` (one STRtree query, each
          gmina prepared once) + ``rate_per_1000``; best of 3 runs.
sjoin     the competent user's one-liner: ``geopandas.sjoin(points, gminas,
          predicate="within")`` counted per gmina; best of 3 runs (the
          comparison that matters: ours must be no slower).
baseline  the naive loop, context only: for each gmina, ``polygon.contains`` over all
          points.  Timed on a random subset of gminas and extrapolated
          linearly to all 2,477 (stated in the output), to keep the run short;
          its counts on the subset are checked against ours.

Run from the repository root: ``.venv/bin/python -m bench.national_indicators [--subset 200]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis import count_points_in_areas, rate_per_1000
from mapping.frames import METRIC_CRS
from mapping.schema import CATEGORIES

GMINY = Path(__file__).resolve().parents[2] / "shared/data/raw/poland/gminy_prg_simplified.geojson"
N_POINTS = 200_000
URBAN_SHARE = 0.4
URBAN_SPREAD_M = 3000.0
DENSITY_PER_KM2 = 122.0  # Poland's mean density: the synthetic population's only input
SEED = 2477

T = TypeVar("T")


def load_gminas(path: Path) -> gpd.GeoDataFrame:
    """Gminas in EPSG:4326 with a clearly synthetic population."""
    gminas = gpd.read_file(path)[["JPT_KOD_JE", "JPT_NAZWA_", "commune_type", "geometry"]]
    area_km2 = gminas.to_crs(METRIC_CRS).area / 1e6
    gminas["population_synthetic"] = (area_km2 * DENSITY_PER_KM2).round()
    return gminas.set_index("JPT_KOD_JE")


def synthetic_points(
    gminas: gpd.GeoDataFrame, n: int, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """``n`` points inside Poland (EPSG:4326), with a random category each."""
    metric = gminas.to_crs(METRIC_CRS)
    country = shapely.union_all(metric.geometry.to_numpy())
    shapely.prepare(country)
    minx, miny, maxx, maxy = country.bounds
    n_urban = int(n * URBAN_SHARE)
    towns = metric[metric["commune_type"] == "miejska"].geometry.centroid
    picked = towns.iloc[rng.integers(0, len(towns), n_urban)]
    urban = np.column_stack([picked.x, picked.y]) + rng.normal(0, URBAN_SPREAD_M, (n_urban, 2))
    uniform = np.empty((0, 2))
    while len(uniform) < n - n_urban:  # rejection sampling over the bounding box
        xy = rng.uniform((minx, miny), (maxx, maxy), (n, 2))
        uniform = np.vstack([uniform, xy[shapely.contains_xy(country, xy[:, 0], xy[:, 1])]])
    xy = np.vstack([urban, uniform[: n - n_urban]])
    codes = [c.code for c in CATEGORIES]
    return gpd.GeoDataFrame(
        {"category": rng.choice(codes, len(xy))},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1], crs=METRIC_CRS),
    ).to_crs("EPSG:4326")


def ours(points: gpd.GeoDataFrame, gminas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Counts and per-1000 rates per gmina with the library's vectorised join."""
    counts = count_points_in_areas(points, gminas)["count"]
    return pd.DataFrame(
        {
            "resources": counts,
            "per_1000_synthetic": rate_per_1000(counts, gminas["population_synthetic"]),
        }
    )


def sjoin_peer(points: gpd.GeoDataFrame, gminas: gpd.GeoDataFrame) -> pd.DataFrame:
    """What a competent user writes: ``geopandas.sjoin`` one-liner, counted and rated."""
    right = gminas[["geometry"]].reset_index(drop=True)  # index_right: the gmina's position
    joined = gpd.sjoin(points[["geometry"]], right, predicate="within")
    counts = pd.Series(
        np.bincount(joined["index_right"], minlength=len(gminas)), index=gminas.index
    )
    return pd.DataFrame(
        {
            "resources": counts,
            "per_1000_synthetic": rate_per_1000(counts, gminas["population_synthetic"]),
        }
    )


def to_metric_arrays(
    points: gpd.GeoDataFrame, gminas: gpd.GeoDataFrame
) -> tuple[np.ndarray, gpd.GeoSeries]:
    """The baseline's one-off preparation: both layers in EPSG:2180."""
    return points.to_crs(METRIC_CRS).geometry.to_numpy(), gminas.to_crs(METRIC_CRS).geometry


def baseline(points: np.ndarray, polygons: gpd.GeoSeries) -> pd.Series:
    """The naive loop: every gmina tests every point."""
    return pd.Series(
        [int(shapely.contains(polygon, points).sum()) for polygon in polygons],
        index=polygons.index,
    )


def _best_of(runs: int, fn: Callable[..., T], *args: object) -> tuple[float, T]:
    """The shortest wall time of ``runs`` calls, and the last result."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    """Run both, print results and the summary line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=200, help="gminas timed in the baseline")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)

    gminas = load_gminas(GMINY)
    points = synthetic_points(gminas, N_POINTS, rng)
    print(f"gminy: {len(gminas)}, punkty (syntetyczne): {len(points)}")

    ours_s, result = _best_of(3, ours, points, gminas)
    by_s, by_category = _best_of(
        3, lambda p, g: count_points_in_areas(p, g, by="category"), points, gminas
    )
    sjoin_s, peer = _best_of(3, sjoin_peer, points, gminas)
    differ = int((peer["resources"] != result["resources"]).sum())
    print(f"geopandas.sjoin: {sjoin_s:.3f} s; gminy z inną liczbą niż nasza: {differ}")
    counted = int(result["resources"].sum())
    print(
        f"ours: {ours_s:.3f} s; z podziałem na kategorie: {by_s:.3f} s (najlepsze z 3 przebiegów)"
    )
    print(f"  policzone w gminach: {counted}, poza wszystkimi gminami: {len(points) - counted}")
    assert int(by_category.to_numpy().sum()) == counted

    prep_s, (metric_points, metric_gminas) = _best_of(1, to_metric_arrays, points, gminas)
    pick = rng.choice(len(gminas), min(args.subset, len(gminas)), replace=False)
    loop_s, naive = _best_of(1, baseline, metric_points, metric_gminas.iloc[pick])
    # The reprojection is done once; only the loop grows with the gminas.
    baseline_s = prep_s + loop_s * len(gminas) / len(pick)
    mismatched = int((naive != result.loc[naive.index, "resources"]).sum())
    print(
        f"baseline: pętla po {len(pick)} losowych gminach {loop_s:.2f} s, "
        f"ekstrapolowana liniowo do {len(gminas)} gmin + reprojekcja {prep_s:.2f} s "
        f"= {baseline_s:.1f} s (szacunek); rozbieżne liczby w próbce: {mismatched}"
    )

    table = gminas[["JPT_NAZWA_", "population_synthetic"]].join(result)
    print("\nNajwięcej zasobów na 1000 mieszkańców (ludność SYNTETYCZNA):")
    print(table.sort_values("per_1000_synthetic", ascending=False).head(10).to_string())
    print(
        f"\ngminas={len(gminas)} resources={len(points)} ours_s={ours_s:.2f} "
        f"sjoin_s={sjoin_s:.2f} sjoin_ratio={sjoin_s / ours_s:.2f} "
        f"baseline_s={baseline_s:.1f} ratio={baseline_s / ours_s:.0f}"
    )


if __name__ == "__main__":
    main()
