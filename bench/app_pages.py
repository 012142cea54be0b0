"""Benchmark of the real app: `streamlit run` + Chromium over a large store (issue 14).

Usage::

    .venv/bin/python bench/app_pages.py [--n 50000] [--keep DIR]

A temporary store gets the bundled data (``python -m mapping init``) plus
``--n`` synthetic resources and ``--n / 10`` needs in Gdańsk, written through
the store API in one batch.  Then the real app (``python -m mapping.launch``,
what ``make run`` starts) on a free port over it (``MAPA_DB``) and headless
Debian Chromium (no host but localhost resolves, so nothing leaves the
machine and tiles stay blank; no request routed through Playwright, which
would turn the HTTP cache off) walks through the app as one visitor would:

* Mapa, first view on a fresh server (cold) and in a new session (warm: a new
  tab of the same browser, which keeps Streamlit's hashed bundles in its
  cache, as someone coming back to the app); beside it, as context, the same
  in a browser profile that never saw the app (``map_warm_new_profile_s``) and
  a new session opening the light Dane page in each (``boot_s`` in a new
  profile, ``boot_tab_s`` in a new tab): what any Streamlit page costs before
  our map;
* a category filter change, then the same change once more (warm);
* Mapa after one edit (a resource renamed through the store, as another
  user's save would; then a new visit to the map);
* Analiza, Dane (first visits after the edit: computed for the new data
  version), the HTML export button on Eksport, then Mapa, Analiza and Dane
  again in the same session (warm: cached for this version);
* server memory (``VmRSS`` of the streamlit process) after all pages, then
  after each of 5 more sessions on the map (flat means caches are shared).

A step's time runs from the action (page load, click) until the script run it
caused has finished (Streamlit's ``script_finished`` on the websocket) and,
on Mapa, until the Leaflet map in st_folium's iframe holds our layers and
two frames are painted (as for the peer's page).  Its
bytes are what the server sent over the websocket meanwhile.  In the same run
folium's ``FastMarkerCluster`` map of the same points is built and rendered
to HTML, the page opened in the same Chromium until its clusters hold every
point (``fmc_s``, from reading the layers on: what a competent user would
write instead; ``fmc_build_s`` is its Python part: read, build, HTML); the first view of
the map is compared against it.  Not a test: timings depend on the
machine.  The last line::

    app N=50000 map_cold_s=… map_warm_s=… filter_s=… filter_kb=… after_edit_s=… …
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median
from typing import Any

import folium
import geopandas as gpd
import numpy as np
from folium.plugins import FastMarkerCluster
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# The repository root and this folder on the path, so the script runs without installing.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from map_render import synthetic_resources

from mapping.frames import WGS84
from mapping.schema import NEEDS, RESOURCES, SYSTEM_FIELDS
from mapping.store import GeoPackageStore
from mapping.webmap.assets import make_offline
from tests.appserver import Server, app_env, running_app
from tests.chromium import launch

REPO = Path(__file__).resolve().parent.parent
CITY = "Gdańsk"
CATEGORY = "Kultura i biblioteki"  # the filter step shows only this category (its label)
TIMEOUT_MS = 300_000  # today's slowest pages take a minute; a broken one stops the run
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"
SESSIONS = 5
_SYSTEM = {f.name for f in SYSTEM_FIELDS}

# True once the (single) map iframe holds a Leaflet map with our datasets
# and is not the map a previous step saw (that one is stamped ``__benchSeen``).
_MAP_READY = """
(selector) => {
  const frames = document.querySelectorAll(selector);
  if (frames.length !== 1) { return false; }
  const win = frames[0].contentWindow;
  const map = win && win.map_div;
  if (!win || !win.L || !map || !(map instanceof win.L.Map) || win.__benchSeen) { return false; }
  // The runtime registers each dataset (areas, resources, needs) once drawn
  // or handed to its cluster group.
  if ((map.mapaLayers || []).length < 3) { return false; }
  win.__benchSeen = true;
  return true;
}
"""


# --- the store ---------------------------------------------------------------


def synthetic_needs(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` open needs at random points of Gdańsk (categories and groups of the schema)."""
    rng = np.random.default_rng(seed)
    categories = NEEDS.field("category").codes
    groups = NEEDS.field("target_groups").codes
    points = gpd.points_from_xy(
        rng.uniform(18.50, 18.75, n), rng.uniform(54.30, 54.42, n), crs=WGS84
    )
    return gpd.GeoDataFrame(
        {
            "title": [f"Potrzeba {i}" for i in range(n)],
            "category": rng.choice(categories, n).tolist(),
            "target_groups": [[groups[i % len(groups)]] for i in range(n)],
            "city": [CITY] * n,
            "status": rng.choice(["zgloszona", "w_realizacji"], n).tolist(),
            "reported_on": ["2026-05-01"] * n,
        },
        geometry=points,
        crs=WGS84,
    )


def _rows(frame: gpd.GeoDataFrame, names: list[str]) -> Iterator[dict[str, Any]]:
    columns = [c for c in frame.columns if c in names and c not in _SYSTEM]
    for values in frame[[*columns, "geometry"]].to_dict("records"):
        yield {k: v for k, v in values.items() if v is not None}


def build_store(path: Path, n: int) -> tuple[float, str]:
    """The bundled data plus ``n`` resources and ``n // 10`` needs; (seconds, an id to edit)."""
    subprocess.run(
        [sys.executable, "-m", "mapping", "init", "--db", str(path)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
    )
    resources = synthetic_resources(n)
    resources["city"] = CITY
    needs = synthetic_needs(n // 10)
    store = GeoPackageStore(path)
    start = time.perf_counter()
    first = ""
    with store.batch("bench", "bench/app_pages.py") as batch:
        for values in _rows(resources, RESOURCES.field_names):
            made = batch.create("resources", values)
            first = first or str(made["id"])
        for values in _rows(needs, NEEDS.field_names):
            batch.create("needs", values)
    return time.perf_counter() - start, first


# True once every FastMarkerCluster group on the page holds its markers.
_FMC_READY = """
(expected) => {
  if (!window.L || !L.MarkerClusterGroup) { return false; }
  let held = 0;
  for (const name of Object.keys(window)) {
    const value = window[name];
    if (value instanceof L.MarkerClusterGroup) { held += value.getLayers().length; }
  }
  return held >= expected;
}
"""
# FastMarkerCluster's default marker is an AwesomeMarkers icon, a library from a CDN;
# offline the peer draws Leaflet's own marker instead.
_FMC_MARKER = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"
_TWO_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def fast_marker_cluster_page(browser: Any, path: Path, folder: Path) -> tuple[float, float]:
    """Seconds for what a competent user would write instead of our map: (Python, end to end).

    The resources and needs read with ``geopandas.read_file(..., use_arrow=True)``,
    one folium ``FastMarkerCluster`` per layer, the page rendered (made offline
    with the same vendored Leaflet and markercluster) and opened in the same
    Chromium until every marker is in its cluster group and a frame is painted:
    the steps of our cold map view without Streamlit.  The first figure is the
    Python part alone (read, build, render).
    """
    where = f"city = '{CITY}' AND archived_at IS NULL"
    start = time.perf_counter()
    m = folium.Map(location=[54.37, 18.62], zoom_start=11, tiles=None)
    m.options.update(maxZoom=19)  # markercluster needs it; folium gives it to tiles only
    expected = 0
    for layer in ("resources", "needs"):
        frame = gpd.read_file(path, layer=layer, engine="pyogrio", use_arrow=True, where=where)
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        points = list(zip(frame.geometry.y, frame.geometry.x, strict=True))
        FastMarkerCluster(points, callback=_FMC_MARKER).add_to(m)
        expected += len(frame)
    make_offline(m, "inline")
    page_file = folder / "fast_marker_cluster.html"
    page_file.write_text(m.get_root().render(), encoding="utf-8")
    built = time.perf_counter() - start
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_function(_FMC_READY, arg=expected, polling="raf", timeout=TIMEOUT_MS)
        page.evaluate(_TWO_FRAMES)
        return built, time.perf_counter() - start
    finally:
        context.close()


# --- the server --------------------------------------------------------------


def rss_mb(process: subprocess.Popen[bytes]) -> tuple[float, float]:
    """(resident, peak resident) memory of the server in MB, from /proc."""
    status = Path(f"/proc/{process.pid}/status").read_text()
    kb = {
        line.split(":")[0]: int(line.split()[1])
        for line in status.splitlines()
        if line.startswith(("VmRSS", "VmHWM"))
    }
    return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024


@contextmanager
def app_server(store_path: Path, log: Path) -> Iterator[Server]:
    """The app as ``make run`` starts it (``python -m mapping.launch``) over
    ``store_path``; the first visit comes as soon as the server answers (it
    imports the domain's modules before it listens)."""
    with running_app(store_path, app_env(store_path), log, launcher=True) as server:
        yield server


# --- the browser -------------------------------------------------------------


@dataclass
class Session:
    """One browser tab on the app, with what its websocket carried."""

    page: Any
    received: int = 0
    finished: int = 0
    reruns: int = 0
    sockets: list[Any] = field(default_factory=list)


def _on_socket(session: Session) -> Callable[[Any], None]:
    def received(payload: str | bytes) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        session.received += len(data)
        msg = ForwardMsg.FromString(data)
        if (
            msg.WhichOneof("type") == "script_finished"
            and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        ):
            session.finished += 1

    def sent(payload: str | bytes) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        if BackMsg.FromString(data).WhichOneof("type") == "rerun_script":
            session.reruns += 1

    def handler(ws: Any) -> None:
        if ws.url.endswith("/_stcore/stream"):
            session.sockets.append(ws)
            ws.on("framereceived", received)
            ws.on("framesent", sent)

    return handler


def new_profile(browser: Any) -> Any:
    """A fresh browser profile (its own HTTP cache and cookies); offline by ``launch``."""
    return browser.new_context(viewport={"width": 1366, "height": 900}, locale="pl-PL")


@contextmanager
def new_session(browser: Any, profile: Any = None) -> Iterator[Session]:
    """A new tab, hence a new Streamlit session: in ``profile`` (a returning visitor's
    browser, with Streamlit's bundles in its cache) or in a fresh profile of its own."""
    context = profile or new_profile(browser)
    page = context.new_page()
    session = Session(page)
    page.on("websocket", _on_socket(session))
    try:
        yield session
    except Exception:
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "app_pages_failed.png"))
        raise
    finally:
        page.close()
        if profile is None:
            context.close()


@dataclass
class Step:
    """One measured step: seconds, kilobytes the server sent, seconds until its run ended.

    ``script_s`` is when the script run finished (the server's part); the rest
    of ``seconds`` is the browser drawing what it got (on Mapa: the map).
    """

    seconds: float
    kb: float
    script_s: float = 0.0


def measured(
    session: Session, action: Callable[[], None], *, map_shown: bool = False, rerun: bool = True
) -> Step:
    """Run ``action``; wait until its script run finished (and the map is drawn)."""
    page = session.page
    before_bytes, before_runs = session.received, session.finished
    start = time.perf_counter()
    action()
    script_s = 0.0
    if rerun:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while session.finished <= before_runs:
            if time.monotonic() > deadline:
                raise RuntimeError("the script run did not finish")
            page.wait_for_timeout(20)  # lets playwright deliver websocket events
        script_s = time.perf_counter() - start
    if map_shown:
        page.wait_for_function(_MAP_READY, arg=MAP_IFRAME, timeout=TIMEOUT_MS)
        _map_frame(session).evaluate(_TWO_FRAMES)  # painted, as the peer's page is
    kb = (session.received - before_bytes) / 1024
    return Step(time.perf_counter() - start, kb, script_s)


def open_map(session: Session, url: str) -> Step:
    """Load the app (Mapa is its first page) until the map is drawn."""
    return measured(session, lambda: session.page.goto(url), map_shown=True)


def open_page(session: Session, url: str, path: str) -> Step:
    """Load the app at page ``path`` in a new session until its run has finished."""
    return measured(session, lambda: session.page.goto(f"{url.rstrip('/')}/{path}"))


def go_to(session: Session, title: str) -> Step:
    """Click ``title`` in the navigation; wait for its run (and on Mapa for the map)."""
    page = session.page

    def click() -> None:
        page.get_by_role("link", name=title, exact=True).click()

    return measured(session, click, map_shown=title == "Mapa")


# Toggle the category's checkbox in the map's panel; the panel filters
# synchronously in the change handler, then two frames for the repaint.
_TOGGLE = """
(label) => new Promise((resolve) => {
  const box = Array.from(document.querySelectorAll(".mapa-panel-check"))
    .find((l) => l.textContent.includes(label));
  const t0 = performance.now();
  box.querySelector("input").click();
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
})
"""


def _map_frame(session: Session) -> Any:
    return session.page.locator(MAP_IFRAME).element_handle().content_frame()


def _has_panel(session: Session) -> bool:
    return bool(_map_frame(session).locator(".mapa-panel-check").count())


def _toggle_in_panel(session: Session) -> Step:
    before, reruns = session.received, session.reruns
    start = time.perf_counter()
    _map_frame(session).evaluate(_TOGGLE, CATEGORY)
    step = Step(time.perf_counter() - start, (session.received - before) / 1024)
    if session.reruns != reruns:
        print(f"  uwaga: zmiana filtra uruchomiła skrypt ({session.reruns - reruns}×)")
    return step


def change_filter(session: Session) -> Step:
    """Filter by ``CATEGORY``: in the map's own panel if it has one, else in the sidebar."""
    page = session.page
    if _has_panel(session):
        return _toggle_in_panel(session)

    def pick() -> None:
        combo = page.get_by_role("combobox", name="Kategoria", exact=True).filter(visible=True)
        combo.click()
        combo.fill(CATEGORY)
        page.get_by_role("option", name=CATEGORY, exact=True).click()
        if combo.get_attribute("aria-expanded") == "true":
            combo.press("Escape")

    return measured(session, pick, map_shown=True)


def clear_filter(session: Session) -> Step:
    """Undo ``change_filter``."""
    page = session.page
    if _has_panel(session):
        return _toggle_in_panel(session)

    def clear() -> None:
        page.get_by_role("button", name=f"Remove {CATEGORY}").first.click()

    return measured(session, clear, map_shown=True)


def export_html(session: Session) -> Step:
    """On Eksport: pick the HTML map and press "Przygotuj plik" until it can be downloaded."""
    page = session.page
    combo = page.get_by_role("combobox", name="Format", exact=True).filter(visible=True)
    label = "Mapa interaktywna (HTML)"
    measured(session, lambda: _choose(page, combo, label))
    button = page.get_by_role("button", name="Przygotuj plik")
    step = measured(session, button.click)
    page.get_by_role("button", name="Pobierz").first.wait_for(timeout=TIMEOUT_MS)
    return step


def _choose(page: Any, combo: Any, label: str) -> None:
    combo.click()
    combo.fill(label)
    page.get_by_role("option", name=label, exact=True).click()


# --- the run -----------------------------------------------------------------


def _sessions(browser: Any, profile: Any = None, count: int = 3) -> Iterator[Session]:
    """``count`` new sessions one after another (see ``new_session``)."""
    for _ in range(count):
        with new_session(browser, profile) as session:
            yield session


def _median_step(steps: Iterable[Step]) -> Step:
    done = list(steps)
    return Step(median(s.seconds for s in done), median(s.kb for s in done),
                median(s.script_s for s in done))  # fmt: skip


def run(n: int, folder: Path) -> str:
    """Measure every step over a store of ``n`` resources; return the summary line."""
    from playwright.sync_api import sync_playwright

    store_path = folder / "mapa.gpkg"
    insert_s, edited = build_store(store_path, n)
    print(f"N={n}: {n} zasobów i {n // 10} potrzeb zapisanych w {insert_s:.1f} s")
    steps: dict[str, Step] = {}
    rss: list[float] = []
    with app_server(store_path, folder / "streamlit.log") as server, sync_playwright() as p:
        browser = launch(p, local_only=True)
        peer = [fast_marker_cluster_page(browser, store_path, folder) for _ in range(3)]
        fmc_build_s, fmc_s = median(p[0] for p in peer), median(p[1] for p in peer)
        print(f"  folium FastMarkerCluster (odczyt, budowa, HTML): {fmc_build_s:.2f} s")
        print(f"  folium FastMarkerCluster (odczyt + budowa + przeglądarka): {fmc_s:.2f} s")
        # One visitor's browser: the first visit fills its cache; later visits are new
        # tabs in it (new Streamlit sessions), as someone coming back to the app.
        visitor = new_profile(browser)
        with new_session(browser, visitor) as first:
            steps["map_cold"] = open_map(first, server.url)
            steps["filter"] = change_filter(first)
            steps["filter_clear"] = clear_filter(first)
            steps["filter_warm"] = change_filter(first)
        steps["map_warm"] = _median_step(
            open_map(visit, server.url) for visit in _sessions(browser, visitor)
        )
        # Context: the same in a browser that never saw the app (Streamlit's bundles
        # downloaded and compiled again), and its floor: one light page (Dane).
        steps["map_warm_new_profile"] = _median_step(
            open_map(visit, server.url) for visit in _sessions(browser)
        )
        steps["boot"] = _median_step(
            open_page(visit, server.url, "dane") for visit in _sessions(browser)
        )
        steps["boot_tab"] = _median_step(
            open_page(visit, server.url, "dane") for visit in _sessions(browser, visitor)
        )
        store = GeoPackageStore(store_path)
        record = store.get("resources", edited)
        store.update(
            "resources",
            edited,
            {"name": f"{record['name']} (zmienione)"},
            expected_version=int(record["version"]),
            author="bench",
        )
        with new_session(browser, visitor) as visit:
            steps["after_edit"] = open_map(visit, server.url)
            steps["analiza"] = go_to(visit, "Analiza")
            steps["dane"] = go_to(visit, "Dane")
            go_to(visit, "Eksport")
            steps["export"] = export_html(visit)
            steps["map_again"] = go_to(visit, "Mapa")
            steps["analiza_warm"] = go_to(visit, "Analiza")
            steps["dane_warm"] = go_to(visit, "Dane")
        rss_all, peak = rss_mb(server.process)
        rss.append(rss_all)
        for _ in range(SESSIONS):
            with new_session(browser) as visit:
                open_map(visit, server.url)
                go_to(visit, "Analiza")
                go_to(visit, "Dane")
            rss.append(rss_mb(server.process)[0])
        peak = rss_mb(server.process)[1]
        browser.close()
    for name, step in steps.items():
        print(
            f"  {name:16} {step.seconds:7.2f} s  {step.kb:9.0f} KB"
            f"  (skrypt skończony po {step.script_s:.2f} s)"
        )
    print(
        f"  pamięć serwera: {rss_all:.0f} MB po wszystkich stronach; po kolejnych "
        f"{SESSIONS} sesjach: {', '.join(f'{r:.0f}' for r in rss[1:])} MB (szczyt {peak:.0f} MB)"
    )
    print(f"  mapa na zimno / FastMarkerCluster: {steps['map_cold'].seconds / fmc_s:.1f}×")
    print(
        f"warm N={n} map_nav_s={steps['map_again'].seconds:.2f} "
        f"map_nav_script_s={steps['map_again'].script_s:.2f} "
        f"analiza_warm_s={steps['analiza_warm'].seconds:.2f} "
        f"analiza_warm_kb={steps['analiza_warm'].kb:.0f} "
        f"dane_warm_s={steps['dane_warm'].seconds:.2f} dane_warm_kb={steps['dane_warm'].kb:.0f} "
        f"filter_warm_s={steps['filter_warm'].seconds:.2f} "
        f"rss_first_mb={rss[0]:.0f} rss_after_{SESSIONS}_sessions_mb={rss[-1]:.0f}"
    )
    return (
        f"app N={n} map_cold_s={steps['map_cold'].seconds:.2f} "
        f"map_warm_s={steps['map_warm'].seconds:.2f} filter_s={steps['filter'].seconds:.2f} "
        f"filter_kb={steps['filter'].kb:.0f} after_edit_s={steps['after_edit'].seconds:.2f} "
        f"analiza_s={steps['analiza'].seconds:.2f} analiza_kb={steps['analiza'].kb:.0f} "
        f"dane_s={steps['dane'].seconds:.2f} dane_kb={steps['dane'].kb:.0f} "
        f"export_s={steps['export'].seconds:.2f} rss_mb={max(rss):.0f} fmc_s={fmc_s:.2f} "
        f"fmc_build_s={fmc_build_s:.2f} boot_s={steps['boot'].seconds:.2f} "
        f"boot_tab_s={steps['boot_tab'].seconds:.2f} "
        f"map_warm_new_profile_s={steps['map_warm_new_profile'].seconds:.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run the benchmark."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50_000, help="synthetic resources (needs: n/10)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the store and log here")
    args = parser.parse_args(argv)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        print(run(args.n, args.keep))
        return
    with tempfile.TemporaryDirectory(prefix="app_pages_") as tmp:
        print(run(args.n, Path(tmp)))


if __name__ == "__main__":
    main()
