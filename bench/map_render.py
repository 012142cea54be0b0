"""Benchmark: ``build_map`` against folium's FastMarkerCluster and a minimal
Leaflet.markercluster page, in the same run.

Usage::

    .venv/bin/python bench/map_render.py [--sizes 1000,10000,50000,200000]

For each N, synthetic resources are spread over Gdańsk's bounding box and
drawn by:

* ours: ``mapping.webmap.build.build_map(..., assets="inline", tiles="none")``
  (clustered by supercluster from ``CLUSTER_MIN_POINTS`` points on);
* fmc: folium's ``FastMarkerCluster`` of the same points, what a competent
  folium user picks for many points, made offline with the same vendored
  Leaflet and Leaflet.markercluster; its callback makes Leaflet's default
  marker (folium's default callback needs Awesome Markers from a CDN);
* mc: a minimal hand-written Leaflet + Leaflet.markercluster page
  (``bench/markercluster_page.js``: default markers, one ``addLayers``);
* naive, as context only and up to ``--naive-max`` points (default 10,000):
  one ``folium.Marker`` with an HTML ``folium.Popup`` per record.

Measured: Python build time (building the map and rendering the HTML
string; for mc only writing the points as JSON), HTML size, and in headless
Chromium (file:// page, every other request aborted): time until usable —
every point on the map (alone or counted in a cluster) and one frame
painted — and one zoom step (``setZoom(z + 1, {animate: false})``, until
``zoomend`` plus two frames; Leaflet's animated zoom adds a fixed 0.25 s CSS
transition on top, so the animation is left out to measure the work).
Ratios are the peer's figure over ours (above 1: ours is faster, or
smaller).  Timings are medians of ``--repeat`` runs.  Not a test: timings
depend on the machine.  The last lines are one summary per N::

    N=50000 ready_s=0.61 fmc_ready_s=1.85 mc_ready_s=1.71 ready_ratio_fmc=3.0 ...
"""

from __future__ import annotations

import argparse
import html
import json
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
from folium.plugins import FastMarkerCluster

# The repository root on the path, so the script runs without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mapping.frames import WGS84, column_names
from mapping.schema import AREAS, RESOURCES
from mapping.webmap.assets import VENDOR_DIR, make_offline, static_text
from mapping.webmap.build import build_map
from tests.chromium import launch

BBOX = (18.43, 54.27, 18.95, 54.45)  # lon/lat of Gdańsk

# Runs in every page before its own scripts: once the DOM is parsed (all map
# scripts have run), poll each frame until the map holds every feature, then
# stamp the time after one more frame, so the canvas has been painted.
_READY_PROBE = """
window.__bench = { ready: null, count: 0, error: null };
window.addEventListener("error", function (e) { window.__bench.error = String(e.message); });
window.__benchMap = function () {
  if (!window.L) { return null; }
  for (var k in window) {
    if (k.indexOf("map_") === 0 && window[k] instanceof L.Map) { return window[k]; }
  }
  return null;
};
// Points on the map: markers and features drawn, or what clusters hold
// (a markercluster group's markers; our cluster layer, MAPA.ClusterLayer:
// the points its bubbles count and its lone markers).  A page has one kind.
window.__benchCount = function (map) {
  var shown = 0, clustered = 0;
  map.eachLayer(function (l) {
    if (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup) {
      clustered += l.getLayers().length;
    } else if (l.mapa && l.drawn) {
      clustered += l.drawn.total;
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


#: FastMarkerCluster's callback: Leaflet's default marker per point.
_FMC_CALLBACK = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"


def build_fmc(frame: gpd.GeoDataFrame) -> str:
    """folium's FastMarkerCluster of the points, offline, as one HTML string."""
    m = folium.Map(location=[54.36, 18.69], zoom_start=11, tiles=None)
    # Without tiles the map has no maxZoom, which markercluster needs; the
    # zoom range is ours (build_map), as for the minimal page.
    m.options.update(minZoom=8, maxZoom=19)
    points = list(zip(frame.geometry.y, frame.geometry.x, strict=True))
    FastMarkerCluster(points, callback=_FMC_CALLBACK).add_to(m)
    make_offline(m, "inline")
    return m.get_root().render()


def build_markercluster(frame: gpd.GeoDataFrame) -> str:
    """The minimal Leaflet + Leaflet.markercluster page (``bench/markercluster_page.js``).

    Leaflet and markercluster are inlined from ``static/vendor``, like ours;
    the marker images are read from there.
    """
    points = json.dumps(np.round(np.column_stack([frame.geometry.y, frame.geometry.x]), 6).tolist())
    styles = "".join(
        static_text(f"vendor/{path}")
        for path in (
            "leaflet/leaflet.css",
            "leaflet.markercluster/MarkerCluster.css",
            "leaflet.markercluster/MarkerCluster.Default.css",
        )
    )
    scripts = "".join(
        f"<script>{static_text(f'vendor/{path}')}</script>"
        for path in ("leaflet/leaflet.js", "leaflet.markercluster/leaflet.markercluster.js")
    )
    page = (Path(__file__).parent / "markercluster_page.js").read_text(encoding="utf-8")
    images = json.dumps((VENDOR_DIR / "leaflet" / "images").as_uri() + "/")
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<style>{styles} html, body, #map {{ height: 100%; margin: 0; }}</style>{scripts}"
        '</head><body><div id="map"></div>'
        f"<script>window.BENCH_IMAGES = {images}; window.BENCH_POINTS = {points};</script>"
        f"<script>{page}</script></body></html>"
    )


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
        page.wait_for_function(
            "window.__bench.ready !== null || Boolean(window.__bench.error)",
            timeout=600_000,
            polling=50,
        )
        error = page.evaluate("window.__bench.error")
        if error:
            raise RuntimeError(f"{path.name}: {error}")
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


def measure(
    browser: object,
    build: Callable[[gpd.GeoDataFrame], str],
    frame: gpd.GeoDataFrame,
    path: Path,
    repeat: int,
    *,
    open_page: bool = True,
) -> Result:
    """Build the page ``repeat`` times (and open it as often): the medians."""
    builds = [timed(build, frame) for _ in range(repeat)]
    text = builds[-1][0]
    result = Result(median(b for _, b in builds), len(text.encode("utf-8")))
    if not open_page:
        return result
    path.write_text(text, encoding="utf-8")
    del builds, text
    runs = [measure_browser(browser, path, len(frame)) for _ in range(repeat)]
    result.ready_s = median(r for r, _ in runs)
    result.zoom_s = median(z for _, z in runs)
    return result


def run(sizes: list[int], naive_max: int, repeat: int, out: Path) -> None:
    """Measure every size and print the comparison."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    summary: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        for n in sizes:
            frame = synthetic_resources(n)
            ours = measure(browser, build_ours, frame, out / f"ours_{n}.html", repeat)
            fmc = measure(browser, build_fmc, frame, out / f"fmc_{n}.html", repeat)
            mc = measure(browser, build_markercluster, frame, out / f"mc_{n}.html", repeat)
            naive = None
            if n <= naive_max:
                naive = measure(browser, build_naive, frame, out / f"naive_{n}.html", 1)
            summary.append(_report(n, ours, fmc, mc, naive))
        browser.close()
    print()
    print("\n".join(summary))


def _line(label: str, r: Result) -> str:
    return (
        f"  {label:<22} budowa {r.build_s:.3f} s, HTML {r.html_bytes / 1e6:.2f} MB, "
        f"gotowa po {r.ready_s:.2f} s, krok zoomu {r.zoom_s:.3f} s"
    )


def _report(n: int, ours: Result, fmc: Result, mc: Result, naive: Result | None) -> str:
    assert ours.ready_s and fmc.ready_s and mc.ready_s and ours.zoom_s and fmc.zoom_s
    print(f"\nN={n}")
    print(_line("nasza mapa:", ours))
    print(_line("FastMarkerCluster:", fmc))
    print(_line("Leaflet.markercluster:", mc))
    if naive is not None:
        print(_line("naiwna (kontekst):", naive))
    ready_fmc, ready_mc = fmc.ready_s / ours.ready_s, mc.ready_s / ours.ready_s
    build_ratio, html_ratio = fmc.build_s / ours.build_s, fmc.html_bytes / ours.html_bytes
    print(
        f"  stosunek (FastMarkerCluster / nasza): gotowa ×{ready_fmc:.1f}, "
        f"budowa ×{build_ratio:.1f}, HTML ×{html_ratio:.1f}; "
        f"(markercluster / nasza): gotowa ×{ready_mc:.1f}"
    )
    return (
        f"N={n} ready_s={ours.ready_s:.2f} fmc_ready_s={fmc.ready_s:.2f} "
        f"mc_ready_s={mc.ready_s:.2f} ready_ratio_fmc={ready_fmc:.1f} "
        f"ready_ratio_mc={ready_mc:.1f} build_ratio={build_ratio:.1f} "
        f"html_ratio={html_ratio:.1f} zoom_s={ours.zoom_s:.3f} fmc_zoom_s={fmc.zoom_s:.3f}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,50000,200000")
    parser.add_argument(
        "--naive-max",
        type=int,
        default=10_000,
        help="largest N the naive map (context only) is built and opened for",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs to take the median of")
    parser.add_argument("--out", type=Path, default=None, help="keep the HTML files here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.out is not None:
        run(sizes, args.naive_max, args.repeat, args.out)
        return
    with tempfile.TemporaryDirectory(prefix="map_render_") as tmp:
        run(sizes, args.naive_max, args.repeat, Path(tmp))


if __name__ == "__main__":
    main()
