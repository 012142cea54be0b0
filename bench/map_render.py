"""Benchmark: ``build_map`` against a naive folium map, side by side.

Usage::

    .venv/bin/python bench/map_render.py [--sizes 1000,10000,50000,200000]

For each N, synthetic resources are spread over Gdańsk's bounding box and
drawn twice:

* ours: ``mapping.webmap.build.build_map(..., assets="inline", tiles="none")``;
* baseline: the naive way, one ``folium.Marker`` with an HTML ``folium.Popup``
  per record (made offline with the same vendored Leaflet, so both pages load
  from disk).

Measured: Python build time (building the map and rendering the HTML string),
HTML size, and in headless Chromium (file:// page, every other request
aborted): time until usable — all features (or clusters) present and one
frame painted — and one zoom step (``setZoom(z + 1, {animate: false})``, until
``zoomend`` plus two frames; Leaflet's animated zoom adds a fixed 0.25 s CSS
transition on top, so the animation is left out to measure the work).

The baseline is built only up to ``--baseline-max`` points (default 50,000:
above that it takes minutes and gigabytes) and opened in the browser only up
to ``--baseline-browser-max`` (default 10,000: 50,000 DOM markers take long
enough to dominate the run); larger N are compared with the baseline's time
per point scaled linearly, which flatters the baseline (its cost grows at
least linearly).  The last lines are one summary per N::

    N=50000 build_ratio=24.1 html_ratio=12.3 ready_s=1.21 zoom_s=0.08
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

# The repository root on the path, so the script runs without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mapping.frames import WGS84, column_names
from mapping.schema import AREAS, RESOURCES
from mapping.webmap.assets import make_offline
from mapping.webmap.build import build_map
from tests.chromium import launch

BBOX = (18.43, 54.27, 18.95, 54.45)  # lon/lat of Gdańsk

# Runs in every page before its own scripts: once the DOM is parsed (all map
# scripts have run), poll each frame until the map holds every feature, then
# stamp the time after one more frame, so the canvas has been painted.
_READY_PROBE = """
window.__bench = { ready: null, count: 0 };
window.__benchMap = function () {
  if (!window.L) { return null; }
  for (var k in window) {
    if (k.indexOf("map_") === 0 && window[k] instanceof L.Map) { return window[k]; }
  }
  return null;
};
window.__benchCount = function (map) {
  var shown = 0, clustered = 0;
  map.eachLayer(function (l) {
    if (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup) {
      clustered += l.getLayers().length;
    } else if (l.feature || (l instanceof L.Marker && !(l.options.icon instanceof L.DivIcon))) {
      shown += 1;
    }
  });
  return Math.max(shown, clustered);
};
window.__benchPoll = function () {
  requestAnimationFrame(function () {
    var map = __benchMap();
    var n = map ? __benchCount(map) : 0;
    window.__bench.count = n;
    if (map && n >= window.__benchExpected) {
      requestAnimationFrame(function () { window.__bench.ready = performance.now(); });
    } else {
      setTimeout(__benchPoll, 10);
    }
  });
};
document.addEventListener("DOMContentLoaded", __benchPoll);
"""

_ZOOM_STEP = """
() => new Promise((resolve) => {
  var map = __benchMap();
  var t0 = performance.now();
  map.once("zoomend", function () {
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { resolve(performance.now() - t0); });
    });
  });
  map.setZoom(map.getZoom() + 1, { animate: false });
})
"""


@dataclass
class Result:
    """Measurements of one map."""

    build_s: float
    html_bytes: int
    ready_s: float | None = None
    zoom_s: float | None = None


def synthetic_resources(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` plausible resources at random points in Gdańsk's bounding box."""
    rng = np.random.default_rng(seed)
    kinds = RESOURCES.field("kind").codes
    categories = RESOURCES.field("category").codes
    groups = RESOURCES.field("target_groups").codes
    data: dict[str, object] = {name: [None] * n for name in column_names(RESOURCES)}
    data["id"] = [f"r{i:06d}" for i in range(n)]
    data["name"] = [f"Zasób {i} — {categories[i % len(categories)]}" for i in range(n)]
    data["kind"] = rng.choice(kinds, n).tolist()
    data["category"] = rng.choice(categories, n).tolist()
    data["target_groups"] = [[groups[i % len(groups)]] for i in range(n)]
    data["city"] = ["Gdańsk"] * n
    data["address"] = [f"ul. Przykładowa {i % 300 + 1}" for i in range(n)]
    data["status"] = ["aktywny"] * n
    data["contact_person"] = ["Jan Kowalski"] * n  # private: must not be shipped
    days = rng.integers(0, 900, n)
    data["last_verified"] = (
        (pd.Timestamp("2026-11-01") - pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    ).tolist()
    data["source"] = ["przykład"] * n
    points = gpd.points_from_xy(
        rng.uniform(BBOX[0], BBOX[2], n), rng.uniform(BBOX[1], BBOX[3], n), crs=WGS84
    )
    return gpd.GeoDataFrame(data, geometry=points, crs=WGS84)


def empty_areas() -> gpd.GeoDataFrame:
    """An ``areas`` frame with no rows (the benchmark measures points)."""
    frame = pd.DataFrame({name: pd.Series(dtype=object) for name in column_names(AREAS)})
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)


def build_ours(frame: gpd.GeoDataFrame) -> str:
    """Our map as one self-contained HTML string."""
    m = build_map(
        empty_areas(), {"resources": frame}, assets="inline", tiles="none", title="Benchmark"
    )
    return m.get_root().render()


def build_naive(frame: gpd.GeoDataFrame) -> str:
    """The naive map: one folium.Marker with an HTML popup per record.

    The popup shows what ours shows (labels of choices, freshness, the
    "przykład" badge), so both pages carry the same information.
    """
    m = folium.Map(location=[54.36, 18.65], zoom_start=11, tiles=None)
    fields = {name: RESOURCES.field(name) for name in ("kind", "category", "status")}
    groups = RESOURCES.field("target_groups")
    for row in frame.itertuples():
        cells = [
            ("Rodzaj", fields["kind"].choice_label(row.kind)),
            ("Kategoria", fields["category"].choice_label(row.category)),
            ("Dla kogo", ", ".join(groups.choice_label(g) for g in row.target_groups)),
            ("Miasto", row.city),
            ("Adres", row.address),
            ("Status", fields["status"].choice_label(row.status)),
        ]
        table = "".join(
            f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in cells
        )
        popup = (
            f"<b>{html.escape(row.name)}</b> <span class='badge'>przykład</span>"
            f"<table>{table}</table><div>zweryfikowano: {html.escape(row.last_verified)}</div>"
        )
        folium.Marker(
            [row.geometry.y, row.geometry.x], popup=folium.Popup(popup, max_width=300)
        ).add_to(m)
    make_offline(m, "inline")
    return m.get_root().render()


def timed(build: Callable[[gpd.GeoDataFrame], str], frame: gpd.GeoDataFrame) -> tuple[str, float]:
    """The HTML built by ``build`` and the seconds it took."""
    start = time.perf_counter()
    text = build(frame)
    return text, time.perf_counter() - start


@contextmanager
def opened_offline(
    browser: object, path: Path, expected: int, probe: str
) -> Iterator[tuple[object, float]]:
    """Open ``path`` with every non-file request aborted; yield the page once ``probe``
    (a ready-probe script like ``_READY_PROBE``) reports all ``expected`` features,
    with the seconds that took."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    blocked: list[str] = []

    def route(request_route: object) -> None:
        url = request_route.request.url  # type: ignore[attr-defined]
        if url.startswith(("file:", "data:")):
            request_route.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            request_route.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.add_init_script(f"window.__benchExpected = {expected};\n{probe}")
    try:
        page.goto(path.as_uri(), wait_until="domcontentloaded", timeout=600_000)
        page.wait_for_function("window.__bench.ready !== null", timeout=600_000, polling=50)
        yield page, page.evaluate("window.__bench.ready") / 1000
    finally:
        page.close()
        if blocked:
            print(f"  UWAGA: strona próbowała pobrać {len(blocked)} adresów, np. {blocked[0]}")


def measure_browser(browser: object, path: Path, expected: int) -> tuple[float, float]:
    """Seconds until usable and seconds for one zoom step, for the page at ``path``."""
    with opened_offline(browser, path, expected, _READY_PROBE) as (page, ready_s):
        zoom_s = page.evaluate(_ZOOM_STEP) / 1000  # type: ignore[attr-defined]
    return ready_s, zoom_s


def run(
    sizes: list[int], baseline_max: int, baseline_browser_max: int, repeat: int, out: Path
) -> None:
    """Measure every size and print the comparison (our timings: median of ``repeat``)."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    summary: list[str] = []
    per_point_naive: tuple[float, float] | None = None
    with sync_playwright() as p:
        browser = launch(p)
        for n in sizes:
            frame = synthetic_resources(n)
            builds = [timed(build_ours, frame) for _ in range(repeat)]
            ours_html = builds[-1][0]
            ours = Result(median(b for _, b in builds), len(ours_html.encode("utf-8")))
            ours_path = out / f"ours_{n}.html"
            ours_path.write_text(ours_html, encoding="utf-8")
            del builds, ours_html
            runs = [measure_browser(browser, ours_path, n) for _ in range(repeat)]
            ours.ready_s = median(r for r, _ in runs)
            ours.zoom_s = median(z for _, z in runs)
            naive: Result | None = None
            if n <= baseline_max:
                naive_html, naive_build = timed(build_naive, frame)
                naive = Result(naive_build, len(naive_html.encode("utf-8")))
                per_point_naive = (naive_build / n, naive.html_bytes / n)
                if n <= baseline_browser_max:
                    naive_path = out / f"naive_{n}.html"
                    naive_path.write_text(naive_html, encoding="utf-8")
                    naive.ready_s, naive.zoom_s = measure_browser(browser, naive_path, n)
                del naive_html
            summary.append(_report(n, ours, naive, per_point_naive))
        browser.close()
    print()
    print("\n".join(summary))


def _report(
    n: int, ours: Result, naive: Result | None, per_point: tuple[float, float] | None
) -> str:
    print(f"\nN={n}")
    print(
        f"  nasza mapa: budowa {ours.build_s:.3f} s, HTML {ours.html_bytes / 1e6:.2f} MB, "
        f"gotowa po {ours.ready_s:.2f} s, krok zoomu {ours.zoom_s:.3f} s"
    )
    if naive is not None:
        browser = (
            f", gotowa po {naive.ready_s:.2f} s, krok zoomu {naive.zoom_s:.3f} s"
            if naive.ready_s is not None
            else " (przeglądarka pominięta)"
        )
        print(
            f"  naiwna:     budowa {naive.build_s:.3f} s, "
            f"HTML {naive.html_bytes / 1e6:.2f} MB{browser}"
        )
        build_naive_s, html_naive = naive.build_s, naive.html_bytes
        note = ""
    elif per_point is not None:
        build_naive_s, html_naive = per_point[0] * n, per_point[1] * n
        print(
            f"  naiwna:     pominięta; szacunek liniowy z mniejszego N: budowa "
            f"{build_naive_s:.1f} s, HTML {html_naive / 1e6:.1f} MB"
        )
        note = " baseline=extrapolated"
    else:
        return (
            f"N={n} build_ratio=n/a html_ratio=n/a "
            f"ready_s={ours.ready_s:.2f} zoom_s={ours.zoom_s:.2f}"
        )
    build_ratio = build_naive_s / ours.build_s
    html_ratio = html_naive / ours.html_bytes
    print(f"  stosunek (naiwna / nasza): budowa ×{build_ratio:.1f}, HTML ×{html_ratio:.1f}")
    return (
        f"N={n} build_ratio={build_ratio:.1f} html_ratio={html_ratio:.1f} "
        f"ready_s={ours.ready_s:.2f} zoom_s={ours.zoom_s:.2f}{note}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000,200000")
    parser.add_argument("--baseline-max", type=int, default=50_000)
    parser.add_argument("--baseline-browser-max", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours to take the median of")
    parser.add_argument("--out", type=Path, default=None, help="keep the HTML files here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.out is not None:
        run(sizes, args.baseline_max, args.baseline_browser_max, args.repeat, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="map_render_") as tmp:
        run(sizes, args.baseline_max, args.baseline_browser_max, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
