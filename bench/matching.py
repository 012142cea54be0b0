"""Benchmark: ``match_needs`` as joins vs the per-pair Python scoring it replaced.

SYNTHETIC data shaped like the profile in issue 14: a city of 26 km x 26 km
(EPSG:2180) cut into 36 districts, 50,000 resources and 5,000 needs with the
schema's categories, target groups ("wszyscy" among them) and statuses; some
records without a location (placed only by district), some needs drawn as
areas, some resources archived or inactive.  About 2.1 M need-resource pairs
lie within 1500 m or share a district (2.49 M in the profiled Gdańsk store).

new   ``mapping.analysis.match_needs`` (spatial index per category, group
      joins, vectorised scores and reasons); best of 3 runs.
old   ``tests/matching_reference.match_needs_reference``, the implementation
      before issue 14, run once on all needs (20-50 s here), printed as
      ``old_s`` and checked to give identical rows.  For a quick run,
      ``--old-sample N`` times it on a random sample of N needs
      and on 5 needs (its fixed cost: keys and trees over all resources);
      fixed + per-need cost is extrapolated to all needs, printed as
      ``old_s_est``.  The estimate is low: on this machine the full old run
      took 50 s where the estimate said 33 s.  Its rows are checked against
      the new ones for the same needs (identical, not approximately equal).

Run from the repository root: ``.venv/bin/python -m bench.matching [--needs 5000]``
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis import match_needs
from mapping.frames import METRIC_CRS
from mapping.schema import CATEGORIES, NEED_STATUSES, RESOURCE_STATUSES, TARGET_GROUPS
from tests.matching_reference import match_needs_reference

CITY = "Syntetyczne"
SIDE_M = 26_000.0
DISTRICTS_PER_SIDE = 6
ORIGIN = (460_000.0, 720_000.0)  # around Gdańsk in EPSG:2180
TODAY = date(2025, 6, 1)
SEED = 14
FEW_NEEDS = 5

T = TypeVar("T")


def _district_of(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    cell = SIDE_M / DISTRICTS_PER_SIDE
    col = np.clip(((x - ORIGIN[0]) // cell).astype(int), 0, DISTRICTS_PER_SIDE - 1)
    row = np.clip(((y - ORIGIN[1]) // cell).astype(int), 0, DISTRICTS_PER_SIDE - 1)
    return np.array([f"Dzielnica {r}-{c}" for r, c in zip(row, col, strict=True)], dtype=object)


def _groups(rng: np.random.Generator, n: int, everyone_share: float) -> list[list[str]]:
    codes = [g.code for g in TARGET_GROUPS if g.code != "wszyscy"]
    out: list[list[str]] = []
    for _ in range(n):
        if rng.random() < everyone_share:
            out.append(["wszyscy"])
        else:
            k = int(rng.integers(0, 3))
            out.append(sorted(rng.choice(codes, size=k, replace=False).tolist()))
    return out


def _records(
    rng: np.random.Generator, n: int, *, unlocated: float
) -> tuple[dict[str, object], np.ndarray]:
    x = ORIGIN[0] + rng.random(n) * SIDE_M
    y = ORIGIN[1] + rng.random(n) * SIDE_M
    points = shapely.points(x, y)
    district = _district_of(x, y)
    missing = rng.random(n) < unlocated
    points[missing] = None
    district[rng.random(n) < 0.05] = None  # no district: placed by location only
    fields = {
        "category": rng.choice([c.code for c in CATEGORIES], size=n),
        "city": np.full(n, CITY, dtype=object),
        "district": district,
        "archived_at": np.where(rng.random(n) < 0.02, "2024-01-01", None),
    }
    return fields, points


def _shares(first: float, statuses: tuple[Any, ...] | list[Any]) -> list[float]:
    """``first`` for the first status (the usual one), the rest shared by the others."""
    rest = len(statuses) - 1
    return [first] + [(1 - first) / rest] * rest if rest else [1.0]


def synthetic(n_needs: int, n_resources: int, seed: int = SEED) -> tuple[gpd.GeoDataFrame, ...]:
    """(needs, resources) record frames in EPSG:2180, SYNTHETIC."""
    rng = np.random.default_rng(seed)
    res_fields, res_geom = _records(rng, n_resources, unlocated=0.03)
    days = rng.integers(0, 6 * 365, size=n_resources)
    verified = pd.Timestamp(TODAY) - pd.to_timedelta(days, unit="D")
    last_verified = np.where(rng.random(n_resources) < 0.1, None, verified.strftime("%Y-%m-%d"))
    resources = gpd.GeoDataFrame(
        {
            "id": [f"r{i:06d}" for i in range(n_resources)],
            **res_fields,
            "target_groups": _groups(rng, n_resources, everyone_share=0.3),
            "status": rng.choice(
                [s.code for s in RESOURCE_STATUSES],
                size=n_resources,
                p=_shares(0.9, RESOURCE_STATUSES),
            ),
            "last_verified": last_verified,
        },
        geometry=res_geom,
        crs=METRIC_CRS,
    )
    need_fields, need_geom = _records(rng, n_needs, unlocated=0.08)
    areas = rng.random(n_needs) < 0.05
    need_geom[areas] = shapely.buffer(need_geom[areas], 250.0, quad_segs=4)
    need_ids = [f"n{i:05d}" for i in range(n_needs)]
    linked = [
        [f"r{int(rng.integers(0, n_resources)):06d}"] if rng.random() < 0.05 else []
        for _ in need_ids
    ]
    needs = gpd.GeoDataFrame(
        {
            "id": need_ids,
            **need_fields,
            "target_groups": _groups(rng, n_needs, everyone_share=0.15),
            "status": rng.choice(
                [s.code for s in NEED_STATUSES], size=n_needs, p=_shares(0.6, NEED_STATUSES)
            ),
            "linked_resources": linked,
        },
        geometry=need_geom,
        crs=METRIC_CRS,
    )
    return needs, resources


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> None:
    """Print ``matching needs=… resources=… new_s=… old_s[_est]=… ratio=…``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=5000)
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument(
        "--old-sample", type=int, default=0, help="time old on this many needs (0: on all)"
    )
    args = parser.parse_args()
    needs, resources = synthetic(args.needs, args.resources)

    runs = [_timed(lambda: match_needs(needs, resources, today=TODAY)) for _ in range(3)]
    new_s = min(t for t, _ in runs)
    new = runs[0][1]

    if not 0 < args.old_sample < len(needs):
        old_s, old = _timed(lambda: match_needs_reference(needs, resources, today=TODAY))
        pd.testing.assert_frame_equal(old, new, check_exact=True)
        label, note = "old_s", ""
    else:
        # The old cost is a fixed part (keys, trees over all resources) plus a
        # part per need (its pairs): the fixed part is timed on a few needs, the
        # per-need part on the sample, each best of 2, and extrapolated.
        pick = np.random.default_rng(SEED).choice(len(needs), args.old_sample, replace=False)
        sample = needs.iloc[np.sort(pick)]
        few = sample.iloc[:FEW_NEEDS]
        fixed = min(
            _timed(lambda: match_needs_reference(few, resources, today=TODAY))[0] for _ in range(2)
        )
        runs = [
            _timed(lambda: match_needs_reference(sample, resources, today=TODAY)) for _ in range(2)
        ]
        took, old = min(runs, key=lambda r: r[0])
        expected = new[new["need_id"].isin(set(sample["id"]))].reset_index(drop=True)
        pd.testing.assert_frame_equal(old, expected, check_exact=True)
        per_need = max(took - fixed, 0.0) / (len(sample) - len(few))
        old_s = fixed + per_need * (len(needs) - len(few))
        label = "old_s_est"
        note = (
            f" (old timed on {len(few)} needs: {fixed:.2f} s and on {len(sample)}: {took:.2f} s, "
            "extrapolated to all needs)"
        )
    print(f"  candidates={len(new)}; old and new give identical rows{note}")
    print(
        f"matching needs={len(needs)} resources={len(resources)} new_s={new_s:.3f} "
        f"{label}={old_s:.2f} ratio={old_s / new_s:.1f}"
    )


if __name__ == "__main__":
    main()
