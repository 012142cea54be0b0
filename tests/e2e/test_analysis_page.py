"""The analysis page in Chromium: the coverage map framed on the city or district;
Polish numbers on the chart."""

from __future__ import annotations

import re

import pytest

from tests.e2e.appdriver import MAP_IFRAME, TIMEOUT_MS, choose, go_to, script_run, wait_for_idle

pytestmark = pytest.mark.browser

#: The whole of Gdańsk fits the map at zoom 10–12; zoom 16 (a 100 m scale bar)
#: is what a map fitted while its tab was hidden (no size) opened at.
CITY_ZOOMS = range(10, 13)


def _open_coverage(page, server) -> None:
    page.goto(server.url)
    wait_for_idle(page)
    go_to(page, "pages/analiza.py")
    wait_for_idle(page)
    page.get_by_role("tab", name="Zasięg", exact=False).click()


def _map_zoom(page) -> int:
    """The coverage map's zoom once its Leaflet map has a size and a view."""
    page.wait_for_function(
        "(s) => { const f = document.querySelector(s);"
        " const m = f && f.contentWindow && f.contentWindow.map_div;"
        " return !!m && typeof m.getSize === 'function' && m.getSize().x > 0"
        " && Number.isFinite(m.getZoom()); }",
        arg=MAP_IFRAME,
        timeout=TIMEOUT_MS,
    )
    frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    return int(frame.evaluate("() => map_div.getZoom()"))


def test_coverage_map_opens_on_the_whole_city(page, server) -> None:
    _open_coverage(page, server)
    assert _map_zoom(page) in CITY_ZOOMS


def test_coverage_map_frames_the_chosen_district(page, server) -> None:
    _open_coverage(page, server)
    city_zoom = _map_zoom(page)
    with script_run(page):
        choose(page, "Pokaż na mapie", "Brzeźno")
    page.wait_for_function(
        "([s, z]) => { const f = document.querySelector(s);"
        " const m = f && f.contentWindow && f.contentWindow.map_div;"
        " return !!m && typeof m.getSize === 'function' && m.getSize().x > 0"
        " && m.getZoom() > z; }",
        arg=[MAP_IFRAME, city_zoom],
        timeout=TIMEOUT_MS,
    )
    assert _map_zoom(page) <= 16


def test_indicator_chart_axis_has_decimal_commas(page, server) -> None:
    page.goto(server.url)
    wait_for_idle(page)
    go_to(page, "pages/analiza.py")
    wait_for_idle(page)
    axis = page.locator("[data-testid='stVegaLiteChart'] svg .role-axis-label text")
    axis.first.wait_for(timeout=TIMEOUT_MS)
    # The value axis only: district names ("Orunia-Św. Wojciech-Lipce") have points.
    numbers = [t for t in axis.all_text_contents() if re.fullmatch(r"[\d\s\u00a0.,−-]+", t)]
    assert any("," in t for t in numbers), numbers
    assert not any("." in t for t in numbers), numbers
