"""The edit page in Chromium: a resource placed by a click survives a reload; conflicts show."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mapping.editing import record_choices
from mapping.schema import RESOURCES
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import (
    NAME_FIELD,
    TIMEOUT_MS,
    choose,
    field,
    go_to,
    script_run,
    wait_for_idle,
)
from tests.e2e.editpage import (
    CITY,
    NAME_LABEL,
    add_resource_by_click,
    assert_saved_in,
    districts,
    inner_point,
    open_edit_page,
)

pytestmark = pytest.mark.browser


def test_new_resource_placed_by_a_click_is_saved_with_its_district(page, server) -> None:
    store = GeoPackageStore(server.store_path)
    district = districts(store, 1).iloc[0]
    target = inner_point(district.geometry)
    name = "Klub Sąsiedzki „Pod Lipą” (test e2e)"

    open_edit_page(page, server)
    add_resource_by_click(page, name, target, district["name"])
    assert_saved_in(store, name, target, district["name"])

    # A reload is a new session: the record comes from the store.
    page.reload()
    picker = page.get_by_role("combobox", name="Wpis")
    expect(picker).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_idle(page)
    picker.click()
    picker.fill(name)
    label = f"{name} — {district['name']}"
    expect(page.get_by_role("option", name=label, exact=True)).to_be_visible()
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []


def test_conflicting_save_shows_both_versions_and_overwrites_nothing(page, server) -> None:
    store = GeoPackageStore(server.store_path)
    resources = store.read_layer("resources", city=CITY)
    record = store.get("resources", resources.iloc[0]["id"])
    label = record_choices(RESOURCES, resources)[record["id"]]
    theirs, mine = "ul. Długa 1 (zmiana z biura)", "ul. Krótka 2 (zmiana ze spotkania)"

    open_edit_page(page, server)
    with script_run(page):
        choose(page, "Wpis", label)
    expect(field(page, NAME_LABEL)).to_have_value(record["name"], timeout=TIMEOUT_MS)
    field(page, "Adres").fill(mine)
    # Meanwhile someone else saves the same record.
    store.update(
        "resources",
        record["id"],
        {"address": theirs},
        expected_version=record["version"],
        author="Marek z biura",
    )
    page.get_by_role("button", name="Zapisz zmiany").click()

    panel = page.get_by_text("Ktoś zapisał nowszą wersję tego wpisu (Marek z biura")
    expect(panel).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text("Nic nie zostało nadpisane.", exact=False)).to_be_visible()
    table = page.locator("[data-testid='stDataFrame']").filter(has_text="Twoja wersja")
    expect(table).to_contain_text("W bazie (nowsza)")
    expect(table).to_contain_text(theirs)
    expect(table).to_contain_text(mine)
    expect(page.get_by_role("button", name="Zapisz moją wersję mimo to")).to_be_visible()

    now = store.get("resources", record["id"])
    assert now["address"] == theirs
    assert now["version"] == record["version"] + 1

    # Keeping the stored version shows it in the form; still nothing written.
    with script_run(page):
        page.get_by_role("button", name="Zostaw wersję z bazy").click()
    expect(field(page, "Adres")).to_have_value(theirs, timeout=TIMEOUT_MS)
    expect(panel).to_have_count(0)
    assert store.get("resources", record["id"])["version"] == now["version"]
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []


def test_a_name_typed_on_the_edit_page_signs_the_changes(page, server) -> None:
    page.goto(server.url)
    go_to(page, "pages/edycja.py")
    prompt = page.get_by_label("Twoje imię (do historii zmian)")
    expect(prompt).to_be_visible(timeout=TIMEOUT_MS)
    with script_run(page):
        prompt.fill("Ola z MOPS")
        prompt.press("Enter")
    # The sidebar, which every page reads, now holds it; the request is gone.
    expect(page.get_by_label(NAME_FIELD)).to_have_value("Ola z MOPS", timeout=TIMEOUT_MS)
    expect(prompt).to_have_count(0)
    assert page.traffic.console_errors == []
