"""The edit page in Chromium: a resource placed by a click survives a reload; conflicts show."""

from __future__ import annotations

import re

import pytest
import shapely
from playwright.sync_api import expect
from shapely.geometry import Point, Polygon

from mapping.editing import record_choices
from mapping.schema import RESOURCES
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import (
    MAP_IFRAME,
    TIMEOUT_MS,
    choose,
    map_frame,
    script_run,
    wait_for_idle,
)

pytestmark = pytest.mark.browser

CITY = "Gdańsk"
AUTHOR = "Ewa z Rady Dzielnicy"
KIND, CATEGORY = "organizacja", "sport"
NAME_LABEL = "Nazwa *"


def open_edit_page(page, server, *, author: str = AUTHOR) -> None:
    """Open the app, sign the changes with ``author``, go to "Aktualizacja"."""
    page.goto(server.url)
    name = page.get_by_label("Twoje imię (zapisywane w historii zmian)")
    expect(name).to_be_visible(timeout=TIMEOUT_MS)
    with script_run(page):
        name.fill(author)
        name.press("Enter")
    page.get_by_role("link", name="Aktualizacja").click()
    expect(page.get_by_role("heading", name=f"Aktualizacja mapy — {CITY}")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    map_frame(page)  # the picker's map has drawn
    wait_for_idle(page)


def inner_point(district: shapely.Geometry) -> Point:
    """A point deep inside a district (far from its edges), so a click near it
    cannot land in a neighbour."""
    parts = getattr(district, "geoms", [district])
    largest: Polygon = max(parts, key=lambda p: p.area)
    return shapely.ops.polylabel(largest, tolerance=1e-5)


def click_map_at(page, target: Point) -> None:
    """Centre the picker on ``target`` (panning reruns nothing) and click there."""
    frame = map_frame(page)
    frame.evaluate(
        "([lat, lng]) => { map_div.setView([lat, lng], 16, {animate: false}); }",
        [target.y, target.x],
    )
    spot = frame.evaluate(
        "([lat, lng]) => map_div.latLngToContainerPoint([lat, lng])", [target.y, target.x]
    )
    box = page.locator(MAP_IFRAME).bounding_box()
    page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])


def test_new_resource_placed_by_a_click_is_saved_with_its_district(page, server) -> None:
    store = GeoPackageStore(server.store_path)
    areas = store.read_layer("areas", city=CITY)
    districts = areas[areas["kind"] == "dzielnica"]
    district = districts.loc[districts.geometry.to_crs(2180).area.idxmax()]
    target = inner_point(district.geometry)
    name = "Klub Sąsiedzki „Pod Lipą” (test e2e)"
    kind_label = RESOURCES.field("kind").choice_label(KIND)
    category_label = RESOURCES.field("category").choice_label(CATEGORY)

    open_edit_page(page, server)
    page.get_by_label(NAME_LABEL).fill(name)
    choose(page, "Rodzaj *", kind_label)
    choose(page, "Kategoria *", category_label)
    click_map_at(page, target)
    # The click comes back to Python and is shown under the map.
    expect(page.get_by_text(re.compile(r"^Lokalizacja: 54\.\d{5}, 18\.\d{5}"))).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_label(NAME_LABEL)).to_have_value(name)  # the form kept its values
    # The re-drawn picker may still report its click; submit once the app is idle.
    wait_for_idle(page)
    page.get_by_role("button", name="Dodaj wpis").click()
    # Saved: the picker now shows the new record.
    label = f"{name} — {district['name']}"
    expect(page.get_by_role("combobox", name="Wpis")).to_have_value(label, timeout=TIMEOUT_MS)

    saved = store.read_layer("resources", city=CITY)
    saved = saved[saved["name"] == name]
    assert len(saved) == 1
    row = saved.iloc[0]
    assert (row["kind"], row["category"], row["city"]) == (KIND, CATEGORY, CITY)
    # Where it was clicked (a pixel at zoom 16 is about 2 m), in the district
    # the geometry lies in.
    assert row.geometry.geom_type == "Point"
    assert row.geometry.distance(target) < 1e-4
    assert row["district"] == district["name"]
    assert store.history("resources", row["id"])["author"].tolist() == [AUTHOR]

    # A reload is a new session: the record comes from the store.
    page.reload()
    picker = page.get_by_role("combobox", name="Wpis")
    expect(picker).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_idle(page)
    picker.click()
    picker.fill(name)
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
    expect(page.get_by_label(NAME_LABEL)).to_have_value(record["name"], timeout=TIMEOUT_MS)
    page.get_by_label("Adres").fill(mine)
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
    expect(page.get_by_label("Adres")).to_have_value(theirs, timeout=TIMEOUT_MS)
    expect(panel).to_have_count(0)
    assert store.get("resources", record["id"])["version"] == now["version"]
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []
