"""The map page in Chromium, offline: what is drawn, filters, pan/zoom, a city without borders."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mapping.filters import RecordFilter, count_label
from mapping.schema import LAYERS, RESOURCES
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import (
    MAP_IFRAME,
    TIMEOUT_MS,
    choose,
    drawn_features,
    expected_drawn,
    map_frame,
    script_run,
    wait_for_drawn,
    wait_for_idle,
)

pytestmark = pytest.mark.browser

CITY = "Gdańsk"
NO_BOUNDARIES = "Częstochowa"
SEARCH = "biblioteka"
CATEGORY = "administracja"
RES, NEEDS = LAYERS["resources"].label, LAYERS["needs"].label


def open_map(page, server) -> dict[str, int]:
    """Open the app (the map is its first page); return what it draws once drawn."""
    expected = expected_drawn(server.store_path, CITY)
    page.goto(server.url)
    wait_for_drawn(page, expected)
    wait_for_idle(page)
    return expected


def assert_offline_and_clean(page) -> None:
    """Nothing but map tiles left the machine and the console stayed clean."""
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []


def test_map_draws_the_store_offline_and_filters_follow_the_sidebar(page, server) -> None:
    store = GeoPackageStore(server.store_path)
    resources = store.read_layer("resources", city=CITY)
    needs = store.read_layer("needs", city=CITY)
    expected = open_map(page, server)
    # The bundled Gdańsk data: every resource and sample need has a location.
    assert expected[RES] == len(resources) > 0
    assert expected[NEEDS] == len(needs) > 0

    # Leaflet lives in the component iframe, loaded from the app's own static files.
    frame = map_frame(page)
    leaflet = frame.evaluate(
        """() => ({
          version: window.L && window.L.version,
          files: performance.getEntriesByType("resource").map((e) => e.name)
            .filter((name) => /leaflet/i.test(name)),
        })"""
    )
    assert leaflet["version"].startswith("1.")
    assert leaflet["files"], "Leaflet was not loaded from a file"
    assert all(f.startswith(f"{server.url}/app/static/vendor/") for f in leaflet["files"])
    assert page.evaluate("() => typeof window.L") == "undefined"
    heading = f"{CITY}: {count_label('resources', len(resources), len(resources))}"
    expect(page.get_by_text(heading)).to_be_visible()
    assert page.traffic.tiles, "the base map asked for no tiles"

    # The map's own panel searches resources and needs exactly as apply_filter does.
    by_text = expected_drawn(server.store_path, CITY, RecordFilter(text=SEARCH))
    assert 0 < by_text[RES] < expected[RES]
    search = frame.locator(".mapa-panel-search input")
    search.fill(SEARCH)
    wait_for_drawn(page, by_text)

    # So does a category (with the search cleared): "none", then the one category.
    search.fill("")
    wait_for_drawn(page, expected)
    by_category = expected_drawn(server.store_path, CITY, RecordFilter(categories=(CATEGORY,)))
    assert 0 < by_category[RES] < expected[RES]
    frame.get_by_role("button", name="żadne", exact=True).click()
    label = RESOURCES.field("category").choice_label(CATEGORY)
    frame.locator(".mapa-panel-check", has_text=label).locator("input").check()
    wait_for_drawn(page, by_category)

    assert_offline_and_clean(page)


def test_a_filter_change_reruns_nothing_and_keeps_the_map(page, server) -> None:
    expected = open_map(page, server)
    frame = map_frame(page)
    frame.evaluate("() => { window.__sameMap = true; }")
    reruns = page.traffic.reruns
    label = RESOURCES.field("category").choice_label(CATEGORY)
    frame.locator(".mapa-panel-check", has_text=label).locator("input").uncheck()
    by_category = expected_drawn(server.store_path, CITY, RecordFilter(categories=(CATEGORY,)))
    assert by_category[RES] > 0
    wait_for_drawn(page, {k: expected[k] - by_category[k] for k in (RES, NEEDS)})
    # Filtered in the browser: the same map in the same iframe, no script run asked for.
    assert frame.evaluate("() => window.__sameMap") is True
    assert page.traffic.reruns == reruns
    assert_offline_and_clean(page)


def test_panning_and_zooming_stay_in_the_browser(page, server) -> None:
    open_map(page, server)
    frame = map_frame(page)
    # st_folium sends a value (and so reruns the script) only when the data it
    # returns changes; with returned_objects=[] there is nothing to return.
    state = frame.evaluate(
        "() => ({returned: __GLOBAL_DATA__.returned_objects, sent: __GLOBAL_DATA__.previous_data})"
    )
    assert state == {"returned": [], "sent": {}}
    reruns = page.traffic.reruns
    assert reruns >= 1  # opening the page ran the script
    frame.evaluate("() => { window.__sameMap = true; }")
    before = frame.evaluate("() => ({zoom: map_div.getZoom(), x: map_div.getCenter().lng})")

    # Drag, the + button and the wheel, as a user would; each step waits
    # for the map to settle (Leaflet ignores a zoom asked for mid-animation).
    settled = "(z) => map_div.getZoom() > z && !map_div._animatingZoom"
    box = page.locator(MAP_IFRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 160, y + 60, steps=8)
    page.mouse.up()
    frame.wait_for_function("(x) => map_div.getCenter().lng < x", arg=before["x"])
    frame.locator(".leaflet-control-zoom-in").click()
    frame.wait_for_function(settled, arg=before["zoom"])
    zoomed = frame.evaluate("() => map_div.getZoom()")
    page.mouse.move(x, y)
    page.mouse.wheel(0, -120)
    frame.wait_for_function(settled, arg=zoomed)

    # The same map in the same iframe, and the page asked for no rerun.
    assert frame.evaluate("() => window.__sameMap") is True
    assert page.traffic.reruns == reruns
    expect(page.locator("[data-testid='stApp']")).to_have_attribute(
        "data-test-script-state", "notRunning"
    )
    # A barrier: one deliberate change is exactly one rerun.  st_folium reports
    # map moves 250 ms after they end, long before this rerun has redrawn the
    # map, so a rerun caused by the moves would show in the count.
    with script_run(page):
        choose(page, "Rodzaj zasobu", "instytucja")
    wait_for_drawn(
        page, expected_drawn(server.store_path, CITY, RecordFilter(kinds=("instytucja",)))
    )
    assert page.traffic.reruns == reruns + 1
    assert_offline_and_clean(page)


def test_city_without_boundaries_shows_the_note_and_its_points(page, server) -> None:
    open_map(page, server)
    expected = expected_drawn(server.store_path, NO_BOUNDARIES)
    store = GeoPackageStore(server.store_path)
    areas = store.read_layer("areas", city=NO_BOUNDARIES)
    # The premise: districts are listed but none has a polygon yet.
    districts = areas[areas["kind"] == "dzielnica"]
    assert len(districts) > 0
    assert districts.geometry.isna().all() or districts.geometry.is_empty.all()
    assert expected[RES] > 0

    choose(page, "Miasto", NO_BOUNDARIES)
    note = page.get_by_text("Wczytasz je jednym krokiem: strona „Import”", exact=False)
    expect(note).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_drawn(page, expected)
    assert drawn_features(page)[RES] == expected[RES]
    assert_offline_and_clean(page)


def test_large_layers_come_from_a_data_file_the_browser_can_keep(page, server) -> None:
    """Gdańsk's districts are too large to travel inside the map's script
    (``mapping.webmap.served_data``): the iframe loads them from static/mapdata."""
    open_map(page, server)
    frame = map_frame(page)
    loaded = frame.evaluate(
        """() => performance.getEntriesByType("resource").map((e) => e.name)
             .filter((n) => n.includes("/app/static/mapdata/"))"""
    )
    keys = frame.evaluate("() => Object.keys(window.MAPA_DATA || {})")
    assert loaded and keys
    assert {url.rsplit("/", 1)[1].removesuffix(".js") for url in loaded} == set(keys)
    assert_offline_and_clean(page)
