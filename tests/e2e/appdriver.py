"""Driving the app in Chromium: Streamlit widgets, the map inside st_folium's iframe.

Every wait polls for an outcome (a text, a count, a state of the app); none
sleeps for a fixed time.  The Streamlit frontend takes a few seconds to
hydrate on a 2-core machine, hence the generous default timeout.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from mapping.filters import RecordFilter, apply_filter
from mapping.schema import LAYERS
from mapping.store import GeoPackageStore
from tests.navigation import page_title

__all__ = [
    "MAP_IFRAME",
    "NAME_FIELD",
    "TIMEOUT_MS",
    "choose",
    "drawn_features",
    "expected_drawn",
    "field",
    "go_to",
    "map_frame",
    "script_run",
    "sign_in",
    "wait_for_drawn",
    "wait_for_idle",
]

TIMEOUT_MS = 60_000
#: streamlit-folium's component iframe (one per map on the screen).
MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"

# Counted in the page rather than in a frame handle: a rerun that changes the
# map replaces the iframe (st_folium keys the component by its script), so the
# count always looks at whichever iframe is there now.  null while there is
# not exactly one map or it has not drawn yet.  Our record layers carry
# ``mapaConfig`` (mapping/webmap/layers.py); their items with a ``feature`` are
# the drawn records (district labels are plain markers without one).
_DRAWN_JS = """
(selector) => {
  const frames = document.querySelectorAll(selector);
  if (frames.length !== 1) { return null; }
  const win = frames[0].contentWindow;
  const map = win && win.map_div;
  if (!win || !win.L || !map || !(map instanceof win.L.Map)) { return null; }
  const counts = {};
  let layers = 0;
  map.eachLayer((layer) => {
    const cfg = layer.mapaConfig;
    if (!cfg) { return; }
    layers += 1;
    let n = 0;
    layer.eachLayer((item) => { if (item.feature && map.hasLayer(item)) { n += 1; } });
    counts[cfg.label] = (counts[cfg.label] || 0) + n;
  });
  return layers ? counts : null;
}
"""


def drawn_features(page: Any) -> dict[str, int] | None:
    """Records drawn on the map now, by layer label ("Zasoby", "Potrzeby", "Obszary")."""
    return page.evaluate(_DRAWN_JS, MAP_IFRAME)


def wait_for_drawn(page: Any, expected: dict[str, int], *, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the map draws exactly ``expected`` (labels not listed are not checked)."""
    check = f"""
    (selector) => {{
      const counts = ({_DRAWN_JS})(selector);
      const expected = {json.dumps(expected)};
      return counts !== null && Object.keys(expected).every((k) => counts[k] === expected[k]);
    }}
    """
    try:
        page.wait_for_function(check, arg=MAP_IFRAME, timeout=timeout)
    except PlaywrightTimeoutError as exc:  # say what the map drew instead
        raise AssertionError(f"map draws {drawn_features(page)}, expected {expected}") from exc


def map_frame(page: Any) -> Any:
    """The (single) map iframe's Frame, once its Leaflet map exists."""
    # ``map_div`` first names the map's <div> (a window global by its id), and
    # only becomes the Leaflet map once the map's script has run.
    page.wait_for_function(
        "(s) => { const f = document.querySelectorAll(s);"
        " const w = f.length === 1 && f[0].contentWindow;"
        " return !!(w && w.L && w.map_div instanceof w.L.Map); }",
        arg=MAP_IFRAME,
        timeout=TIMEOUT_MS,
    )
    return page.locator(MAP_IFRAME).element_handle().content_frame()


@contextmanager
def script_run(page: Any) -> Iterator[None]:
    """Wait, when the block ends, until the script run it caused has finished.

    Listens on Streamlit's websocket for ``script_finished`` (a run cut short
    by ``st.rerun`` does not count: the run after it does), so an assertion
    made after the block sees the new screen, not the old one.
    """

    def finished(payload: str | bytes) -> bool:
        data = payload if isinstance(payload, bytes) else payload.encode()
        msg = ForwardMsg.FromString(data)
        return (
            msg.WhichOneof("type") == "script_finished"
            and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        )

    if page.traffic.socket is None:
        raise AssertionError("the page has not connected to Streamlit yet")
    with page.traffic.socket.expect_event("framereceived", predicate=finished, timeout=TIMEOUT_MS):
        yield


def wait_for_idle(page: Any) -> None:
    """Wait until the app is connected and no script runs."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']"
        "[data-test-connection-state='CONNECTED']",
        timeout=TIMEOUT_MS,
    )


#: The sidebar's "your name" field (mapping/ui/shell.py ``sidebar``).
NAME_FIELD = "Twoje imię (zapisywane w historii zmian)"


def sign_in(page: Any, server: Any, author: str) -> None:
    """Open the app and type ``author`` in the sidebar, as every user does first."""
    page.goto(server.url)
    name = page.get_by_label(NAME_FIELD)
    expect(name).to_be_visible(timeout=TIMEOUT_MS)
    with script_run(page):
        name.fill(author)
        name.press("Enter")


def go_to(page: Any, path: str) -> None:
    """Open the app's page ``path`` ("pages/edycja.py") from the navigation menu."""
    page.get_by_role("link", name=page_title(path), exact=True).click()


def field(page: Any, label: str) -> Any:
    """The visible form field labelled ``label``.

    While a run replaces a form (another record opened), Streamlit can keep
    the old, hidden copy in the page until a run completes; the user sees one.
    """
    return page.get_by_label(label, exact=True).filter(visible=True)


def choose(page: Any, label: str, option: str, *, scope: Any = None) -> None:
    """Pick ``option`` in the Streamlit selectbox or multiselect labelled ``label``.

    Both are react-aria comboboxes whose list is virtualised (only the
    options in view exist in the DOM), so the option is typed first.
    """
    scope = scope if scope is not None else page
    box = scope.get_by_role("combobox", name=label, exact=True).filter(visible=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    if box.get_attribute("aria-expanded") == "true":  # a multiselect stays open
        box.press("Escape")


def expected_drawn(store_path: Path, city: str, flt: RecordFilter | None = None) -> dict[str, int]:
    """What the map page should draw for ``city``: located records passing ``flt``,
    by layer label, computed from the store as the app does."""
    store = GeoPackageStore(store_path)
    flt = flt or RecordFilter()
    counts = {}
    for name in ("resources", "needs"):
        shown = apply_filter(LAYERS[name], store.read_layer(name, city=city), flt)
        counts[LAYERS[name].label] = _located(shown)
    counts[LAYERS["areas"].label] = _located(store.read_layer("areas", city=city))
    return counts


def _located(frame: gpd.GeoDataFrame) -> int:
    geoms = frame.geometry.to_numpy()
    return int((~(shapely.is_missing(geoms) | shapely.is_empty(geoms))).sum())
