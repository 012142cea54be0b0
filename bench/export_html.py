"""Benchmark: the interactive HTML export against its size budget and a 1 s target.

Usage::

    .venv/bin/python bench/export_html.py [--sizes 1000,10000,50000] [--repeat 3] [--out DIR]

For each N, a temporary store gets Gdańsk's districts (from ``data/seed``)
and N synthetic resources spread over the city (``bench/map_render.py``'s
``synthetic_resources``: sample records with a private contact person, which
must not reach the file).  Then ``export(store, "html", ...)`` runs as the
command line runs it, public audience, no tiles.

Measured: export time (privacy step, indicators, map and page), file size
against the budget of the issue — 400 KB plus 120 bytes per drawn feature
(the public file leaves out the synthetic resources of kind "osoba") —
and in headless Chromium (the file opened from disk, every other request
aborted): time until usable (every feature on the map or counted in a
cluster, and one frame painted), then the in-page filter: unticking one
category, and a name search (from the input event until the counts are
redrawn, 0.12 s of it the pause the panel waits for the typing to stop).
Not a test: timings depend on the machine.  The last lines are one summary
per N::

    N=10000 size_kb=1190 budget_ratio=0.74 ready_s=0.41 ready_ratio=0.41 filter_s=0.09 ...
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import median

import geopandas as gpd

# The repository root and this folder on the path, so the script runs without
# installing anything and can reuse map_render's synthetic data.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from map_render import opened_offline, synthetic_resources

from mapping.export import ExportRequest, export, export_frames
from mapping.frames import has_location
from mapping.schema import AREAS, RESOURCES, SYSTEM_FIELDS
from mapping.store import REPO_ROOT, GeoPackageStore
from tests.chromium import launch

CITY = "Gdańsk"
DAY = date(2026, 11, 1)
PRIVATE_SENTINEL = "Jan Kowalski"  # synthetic_resources' contact person (private)
TARGET_S = 1.0
_SYSTEM = {f.name for f in SYSTEM_FIELDS}

# Runs before the page's scripts: once the DOM is parsed, poll each frame
# until the map holds every feature, then stamp the time after one more frame.
_READY_PROBE = """
window.__bench = { ready: null };
window.__benchMap = function () {
  return window.L ? Object.values(window).find(function (v) { return v instanceof L.Map; }) : null;
};
// Features on the map, a clustered layer's (MAPA.ClusterLayer) counted as
// the points its bubbles and lone markers stand for.
window.__benchCount = function (map) {
  var clustered = [], n = 0;
  map.eachLayer(function (l) {
    if (l.mapa && l.drawn) { clustered.push(l); n += l.drawn.total; }
  });
  map.eachLayer(function (l) {
    if (l.feature && !clustered.some(function (c) { return c.records.hasLayer(l); })) { n++; }
  });
  return n;
};
window.__benchPoll = function () {
  requestAnimationFrame(function () {
    var map = __benchMap();
    if (map && __benchCount(map) >= window.__benchExpected) {
      requestAnimationFrame(function () { window.__bench.ready = performance.now(); });
    } else {
      setTimeout(__benchPoll, 10);
    }
  });
};
document.addEventListener("DOMContentLoaded", __benchPoll);
"""

# Untick the first category; the panel filters synchronously, then two frames.
_UNTICK = """
() => new Promise((resolve) => {
  var box = document.querySelector(".mapa-panel-check input");
  var t0 = performance.now();
  box.click();
  requestAnimationFrame(function () {
    requestAnimationFrame(function () { resolve(performance.now() - t0); });
  });
})
"""

# Type a query: the panel waits 0.12 s after the last input event, filters and
# marks its counts with the query; then two frames.
_SEARCH = """
(query) => new Promise((resolve) => {
  var input = document.querySelector(".mapa-panel-search input");
  var counts = document.querySelector(".mapa-panel-counts");
  var t0 = performance.now();
  input.value = query;
  input.dispatchEvent(new Event("input"));
  (function wait() {
    if (counts.dataset.query !== query) { setTimeout(wait, 2); return; }
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { resolve(performance.now() - t0); });
    });
  })();
})
"""


@dataclass
class Result:
    """Measurements of one export."""

    n: int
    features: int
    export_s: float
    size: int
    ready_s: float = 0.0
    filter_s: float = 0.0
    search_s: float = 0.0
    shown_after_search: str = ""

    @property
    def budget(self) -> int:
        """400 KB plus 120 bytes per drawn feature."""
        return 400 * 1024 + 120 * self.features


def fill_store(store: GeoPackageStore, n: int) -> None:
    """Gdańsk's districts and ``n`` synthetic resources."""
    areas = gpd.read_file(REPO_ROOT / "data" / "seed" / "areas.geojson")
    areas = areas[areas["city"] == CITY]
    fields = set(AREAS.field_names)
    resources = synthetic_resources(n)
    columns = [c for c in resources.columns if c not in _SYSTEM and c in RESOURCES.field_names]
    with store.batch("bench") as batch:
        for row in areas.to_dict("records"):
            batch.create("areas", {k: v for k, v in row.items() if k in fields or k == "geometry"})
        for values in resources[[*columns, "geometry"]].to_dict("records"):
            batch.create("resources", {k: v for k, v in values.items() if v is not None})


def drawn_features(store: GeoPackageStore) -> int:
    """Features the public file draws: placed areas and resources (people are left out)."""
    frames = export_frames(store, CITY)
    return sum(int(has_location(frames[name].geometry).sum()) for name in ("areas", "resources"))


def measure_browser(browser: object, path: Path, expected: int) -> tuple[float, float, float, str]:
    """Seconds until usable, to untick a category and to search; the counts after it."""
    with opened_offline(browser, path, expected, _READY_PROBE) as (page, ready_s):
        page.wait_for_selector(".mapa-panel-check input")  # type: ignore[attr-defined]
        filter_s = page.evaluate(_UNTICK) / 1000  # type: ignore[attr-defined]
        search_s = page.evaluate(_SEARCH, "zasób 12") / 1000  # type: ignore[attr-defined]
        shown = page.locator(".mapa-panel-counts li").first.inner_text()  # type: ignore[attr-defined]
    return ready_s, filter_s, search_s, shown


def run(sizes: list[int], repeat: int, out: Path) -> None:
    """Measure every size and print the comparison (median of ``repeat`` runs)."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    request = ExportRequest(CITY, as_of=DAY, tiles="none")
    summary: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        for n in sizes:
            start = time.perf_counter()
            store_path = out / f"mapa_{n}.gpkg"
            store_path.unlink(missing_ok=True)  # a kept --out folder: start afresh
            store = GeoPackageStore(store_path)
            fill_store(store, n)
            features = drawn_features(store)
            print(f"\nN={n}: magazyn gotowy po {time.perf_counter() - start:.1f} s")
            timings, made = [], None
            for _ in range(repeat):
                start = time.perf_counter()
                made = export(store, "html", request)
                timings.append(time.perf_counter() - start)
            assert made is not None
            if PRIVATE_SENTINEL.encode() in made.data:
                print("  BŁĄD: dane prywatne w pliku!")
            path = out / f"mapa_{n}.html"
            path.write_bytes(made.data)
            result = Result(n, features, median(timings), len(made.data))
            runs = [measure_browser(browser, path, result.features) for _ in range(repeat)]
            result.ready_s = median(r[0] for r in runs)
            result.filter_s = median(r[1] for r in runs)
            result.search_s = median(r[2] for r in runs)
            result.shown_after_search = runs[-1][3]
            summary.append(_report(result))
        browser.close()
    print()
    print("\n".join(summary))


def _report(r: Result) -> str:
    print(
        f"  eksport {r.export_s:.2f} s; plik {r.size / 1024:.0f} KB z budżetu "
        f"{r.budget / 1024:.0f} KB ({r.features} obiektów: 400 KB + 120 B na obiekt)"
    )
    print(
        f"  Chromium: gotowa po {r.ready_s:.2f} s (cel {TARGET_S:.0f} s), odznaczenie kategorii "
        f"{r.filter_s:.3f} s, wyszukiwanie {r.search_s:.3f} s → {r.shown_after_search}"
    )
    return (
        f"N={r.n} size_kb={r.size / 1024:.0f} budget_ratio={r.size / r.budget:.2f} "
        f"ready_s={r.ready_s:.2f} ready_ratio={r.ready_s / TARGET_S:.2f} "
        f"filter_s={r.filter_s:.3f} search_s={r.search_s:.3f} export_s={r.export_s:.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--out", type=Path, default=None, help="keep the stores and files here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.out is not None:
        run(sizes, args.repeat, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="export_html_") as tmp:
        run(sizes, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
