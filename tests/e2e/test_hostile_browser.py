"""Every page in Chromium over a map full of hostile text: nothing leaves the machine.

The city is named ``![x](http://203.0.113.1/a.png) <b>`` and every public text
field of every layer holds one of the hostile strings (``tests/hostile``):
markdown images, links, HTML, scripts.  A page that rendered any of them as
markup would ask the browser to fetch it; the test's router lets only the
app itself and map tiles through and records everything else.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mapping.store import GeoPackageStore
from tests.e2e.appdriver import TIMEOUT_MS, wait_for_idle
from tests.e2e.conftest import Server, app_env, running_app
from tests.e2e.test_polish_texts import PAGES, POLISH_STYLES_APPLIED
from tests.hostile.fixtures import HOSTILE_CITIES, fill_hostile

pytestmark = pytest.mark.browser

CITY = HOSTILE_CITIES[1]  # a markdown image of a remote address, and a tag


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("hostile")
    store_path = tmp / "mapa.gpkg"
    fill_hostile(GeoPackageStore(store_path), CITY)
    with running_app(store_path, app_env(store_path), tmp / "streamlit.log") as running:
        yield running


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "mapa")
def test_no_page_fetches_anything_a_hostile_text_names(page, hostile_server, path):
    page.goto(f"{hostile_server.url}/{path}")
    page.wait_for_selector("[data-testid='stMain']", timeout=TIMEOUT_MS)
    wait_for_idle(page)
    page.wait_for_function(POLISH_STYLES_APPLIED, timeout=TIMEOUT_MS)
    shown = page.locator("[data-testid='stException']")
    assert shown.count() == 0, shown.all_inner_texts()  # the traceback, to find its cause
    assert page.traffic.blocked == []
    # No markup made of the city's name: no image of its address anywhere.
    assert page.locator("img[src*='203.0.113.1']").count() == 0
