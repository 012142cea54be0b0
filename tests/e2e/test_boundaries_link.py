"""A city without district boundaries: the map's link opens the import on them (one step)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.appdriver import TIMEOUT_MS, choose, script_run, wait_for_idle

pytestmark = pytest.mark.browser


def test_map_link_opens_the_import_of_district_boundaries(page, server) -> None:
    page.goto(server.url)
    wait_for_idle(page)
    with script_run(page):
        choose(page, "Miasto", "Częstochowa")
    page.get_by_role("link", name="Wczytaj granice dzielnic").click()
    expect(page.get_by_role("radio", name="Granice dzielnic")).to_be_checked(timeout=TIMEOUT_MS)
    expect(page.get_by_text("nadal zostaną bez granicy", exact=False)).to_be_visible()
    # The choice is the user's again: the address no longer forces it.
    assert "warstwa=" not in page.url
