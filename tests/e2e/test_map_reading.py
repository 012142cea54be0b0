"""A map that reads at a glance (issue 17), in Chromium: a small legend, labels
that never overlap, a search hit zoomed to with its popup open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mapping.filters import RecordFilter
from mapping.schema import LAYERS
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import TIMEOUT_MS, expected_drawn, map_frame, wait_for_drawn, wait_for_idle

pytestmark = pytest.mark.browser

CITY = "Gdańsk"
RES, NEEDS = LAYERS["resources"].label, LAYERS["needs"].label
#: Where screenshots go when MAPA_SCREENSHOTS names a folder (to look at them).
SHOTS = os.environ.get("MAPA_SCREENSHOTS")
VIEWPORTS = [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
#: Gdańsk's western districts, which the legend used to cover.
WEST = ("Matarnia", "Kokoszki", "Brętowo")

# The legend's and the map's boxes, and every shown label's box (container px).
_LAYOUT_JS = """
() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, w: r.width, h: r.height}; };
  const legend = document.querySelector(".mapa-legend");
  const labels = [...document.querySelectorAll(".mapa-label span")]
    .filter((s) => s.getClientRects().length > 0
      && getComputedStyle(s.parentElement).visibility !== "hidden")
    .map((s) => ({text: s.textContent, ...box(s)}));
  return {map: box(map_div.getContainer()), legend: box(legend), labels: labels,
    zoom: map_div.getZoom(), open: legend.open};
}
"""
# Where a district's label point is on the screen (container px), by name.
_LABEL_POINTS_JS = """
(names) => {
  const found = {};
  map_div.eachLayer((layer) => {
    if (!layer.feature || !layer.getBounds) { return; }
    const p = layer.feature.properties;
    if (names.includes(p.name) && p._label) {
      const pt = map_div.latLngToContainerPoint(p._label);
      found[p.name] = {x: pt.x, y: pt.y};
    }
  });
  return found;
}
"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def _inside(p: dict, b: dict) -> bool:
    return b["x"] <= p["x"] <= b["x"] + b["w"] and b["y"] <= p["y"] <= b["y"] + b["h"]


def open_map(page, server) -> object:
    """Open the map page, wait until it is drawn and its labels are placed."""
    page.goto(server.url)
    wait_for_drawn(page, expected_drawn(server.store_path, CITY))
    wait_for_idle(page)
    frame = map_frame(page)
    frame.wait_for_function("() => map_div.mapaLabelsPlaced > 0", timeout=TIMEOUT_MS)
    return frame


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["1280x720", "1920x1080"])
def test_legend_is_small_and_labels_never_overlap(page, server, viewport) -> None:
    frame = open_map(page, server)
    page.locator("iframe[title='streamlit_folium.st_folium']").scroll_into_view_if_needed()
    _shot(page, f"map-{viewport['width']}")
    layout = frame.evaluate(_LAYOUT_JS)
    m, legend = layout["map"], layout["legend"]
    share = legend["w"] * legend["h"] / (m["w"] * m["h"])
    print(f"{viewport}: legend share {share:.3f}, open {layout['open']}, zoom {layout['zoom']}")
    assert share <= 0.15, f"the legend covers {share:.0%} of the map"
    # The colour key (the shading classes) shows without scrolling inside the legend.
    key = frame.evaluate(
        """() => { const k = document.querySelector(".mapa-legend-key");
          const l = document.querySelector(".mapa-legend");
          if (!k || !l.open) { return null; }
          const a = k.getBoundingClientRect(), b = l.getBoundingClientRect();
          return a.height > 0 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1; }"""
    )
    assert key is not False, "the colour key is cut off"
    # Never over the city's western districts.
    points = frame.evaluate(_LABEL_POINTS_JS, list(WEST))
    assert set(points) == set(WEST)
    assert not [n for n, p in points.items() if _inside(p, legend)]

    labels = layout["labels"]
    overlapping = [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if _overlap(a, b)
    ]
    print(f"{viewport}: {len(labels)} labels shown: {[lab['text'] for lab in labels]}")
    assert overlapping == []
    assert len(labels) >= 8


def test_legend_folds_to_a_tab_and_stays_folded(page, server) -> None:
    frame = open_map(page, server)
    legend = frame.locator(".mapa-legend")
    if not legend.evaluate("(el) => el.open"):
        frame.locator(".mapa-legend > summary").click()
    frame.wait_for_function("() => document.querySelector('.mapa-legend').open")
    frame.locator(".mapa-legend > summary").click()
    frame.wait_for_function("() => !document.querySelector('.mapa-legend').open")
    folded = frame.evaluate(_LAYOUT_JS)
    assert folded["legend"]["h"] < 40
    assert frame.locator(".mapa-legend > summary").inner_text().strip() == "Legenda"
    # Remembered: the next opening of the page keeps it folded.
    frame = open_map(page, server)
    assert frame.evaluate("() => document.querySelector('.mapa-legend').open") is False


def test_a_single_search_hit_is_zoomed_to_with_its_popup_open(page, server) -> None:
    resources = GeoPackageStore(server.store_path).read_layer("resources", city=CITY)
    placed = resources[resources.geometry.notna()]
    frame = open_map(page, server)
    before = frame.evaluate("() => map_div.getZoom()")
    # A name that only one resource has.
    name = next(
        n
        for n in placed["name"]
        if expected_drawn(server.store_path, CITY, RecordFilter(text=n))[RES] == 1
    )
    frame.locator(".mapa-panel-search input").fill(name)
    wait_for_drawn(page, {RES: 1})
    popup = frame.locator(".leaflet-popup-content .mapa-popup-title")
    popup.wait_for(timeout=TIMEOUT_MS)
    assert popup.inner_text().startswith(name)
    frame.wait_for_function("(z) => map_div.getZoom() > z", arg=before, timeout=TIMEOUT_MS)

    # A few hits are listed; picking one zooms to it and opens its popup.
    def hits(text: str) -> int:
        drawn = expected_drawn(server.store_path, CITY, RecordFilter(text=text))
        return drawn[RES] + drawn[NEEDS]

    # A search a few records pass (the first two words of some name).
    query = next(
        q
        for q in dict.fromkeys(" ".join(n.split()[:2]) for n in placed["name"])
        if 2 <= hits(q) <= 8
    )
    frame.locator(".mapa-panel-search input").fill(query)
    hits = frame.locator(".mapa-panel-hits button")
    hits.first.wait_for(timeout=TIMEOUT_MS)
    picked = hits.nth(1).inner_text()
    hits.nth(1).click()
    frame.wait_for_function(
        "(t) => { const p = document.querySelector('.leaflet-popup-content .mapa-popup-title');"
        " return p && p.textContent.startsWith(t); }",
        arg=picked,
        timeout=TIMEOUT_MS,
    )
    assert page.traffic.console_errors == []
