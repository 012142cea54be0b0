"""The very first visitor of a freshly started server: what they choose stays chosen.

Streamlit runs a fresh server's first script run through its old "pages
directory" runner (our ``pages/`` folder sits next to ``app.py``), with other
widget ids than every later run; a sidebar choice made then was lost on the
next run.  ``ui.leave_pages_folder_mode`` reruns that first run the modern way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.appdriver import (
    TIMEOUT_MS,
    choose,
    expected_drawn,
    go_to,
    script_run,
    wait_for_drawn,
    wait_for_idle,
)
from tests.e2e.conftest import Server, app_env, init_store, running_app

pytestmark = pytest.mark.browser

OTHER_CITY = "Częstochowa"


@pytest.fixture(params=["streamlit-run", "make-run"])
def fresh_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """A server nobody has visited yet (the test is its very first visit), started
    by hand with ``streamlit run app.py`` and as ``make run`` starts it."""
    store_path = tmp_path / "mapa.gpkg"
    env = app_env(store_path)
    init_store(store_path, env)
    launcher = request.param == "make-run"
    with running_app(store_path, env, tmp_path / "streamlit.log", launcher=launcher) as running:
        yield running


@pytest.mark.parametrize("path", ["/", "/dane"], ids=["start-page", "bookmarked-page"])
def test_first_visitor_of_a_fresh_server_keeps_the_city_chosen_in_the_sidebar(
    page, fresh_server: Server, path: str
) -> None:
    page.goto(fresh_server.url + path)
    wait_for_idle(page)
    sidebar = page.get_by_test_id("stSidebar")
    with script_run(page):
        choose(page, "Miasto", OTHER_CITY, scope=sidebar)
    with script_run(page):
        go_to(page, "pages/eksport.py")
    with script_run(page):
        go_to(page, "pages/mapa.py")
    city = sidebar.get_by_role("combobox", name="Miasto", exact=True)
    expect(city).to_have_value(OTHER_CITY, timeout=TIMEOUT_MS)
    expect(page.get_by_text(f"{OTHER_CITY}: pokazano", exact=False)).to_be_visible()
    wait_for_drawn(page, expected_drawn(fresh_server.store_path, OTHER_CITY))  # the map itself
