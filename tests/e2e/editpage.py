"""Driving "Aktualizacja" in Chromium as a user does: open it, place a record by a click, save.

Shared by the edit page tests and the stress test.  Every wait is on an
outcome (a text, a field's value, the map drawn); none sleeps.
"""

from __future__ import annotations

import re
from typing import Any

import geopandas as gpd
import shapely
from playwright.sync_api import expect
from shapely.geometry import Point, Polygon

from mapping.schema import RESOURCES
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import (
    MAP_IFRAME,
    TIMEOUT_MS,
    choose,
    field,
    go_to,
    map_frame,
    script_run,
    sign_in,
    wait_for_idle,
)

__all__ = [
    "AUTHOR",
    "CITY",
    "NAME_LABEL",
    "add_resource_by_click",
    "assert_saved_in",
    "click_map_at",
    "districts",
    "inner_point",
    "open_edit_page",
    "start_new_record",
]

CITY = "Gdańsk"
AUTHOR = "Ewa z Rady Dzielnicy"
KIND, CATEGORY = "organizacja", "sport"
NAME_LABEL = "Nazwa *"
_LOCATION_SHOWN = re.compile(r"^Lokalizacja: 54\.\d{5}, 18\.\d{5}")


def open_edit_page(page: Any, server: Any, *, author: str = AUTHOR) -> None:
    """Open the app, sign the changes with ``author``, go to "Aktualizacja"."""
    sign_in(page, server, author)
    go_to(page, "pages/edycja.py")
    expect(page.get_by_role("heading", name=f"Aktualizacja mapy — {CITY}")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    map_frame(page)  # the picker's map has drawn
    wait_for_idle(page)


def districts(store: GeoPackageStore, count: int) -> gpd.GeoDataFrame:
    """The ``count`` largest districts of the city (largest first)."""
    areas = store.read_layer("areas", city=CITY)
    found = areas[areas["kind"] == "dzielnica"]
    order = found.geometry.to_crs(2180).area.sort_values(ascending=False).index
    return found.loc[order[:count]]


def inner_point(district: shapely.Geometry) -> Point:
    """A point deep inside a district (far from its edges), so a click near it
    cannot land in a neighbour."""
    parts = getattr(district, "geoms", [district])
    largest: Polygon = max(parts, key=lambda p: p.area)
    return shapely.ops.polylabel(largest, tolerance=1e-5)


def click_map_at(page: Any, target: Point) -> None:
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


def add_resource_by_click(page: Any, name: str, target: Point, district: str) -> None:
    """Fill the new-record form, place it by a click, press "Dodaj wpis" at once.

    No waiting for the app to be idle between the click and the submit: a
    user does not wait either, so a re-drawn map may still be reporting.
    Returns once the screen says the record was added and shows it open.
    """
    name_field = field(page, NAME_LABEL)
    expect(name_field).to_have_value("", timeout=TIMEOUT_MS)
    name_field.fill(name)
    choose(page, "Rodzaj *", RESOURCES.field("kind").choice_label(KIND))
    choose(page, "Kategoria *", RESOURCES.field("category").choice_label(CATEGORY))
    click_map_at(page, target)
    # The click comes back to Python and is shown under the map.
    expect(page.get_by_text(_LOCATION_SHOWN)).to_be_visible(timeout=TIMEOUT_MS)
    expect(field(page, NAME_LABEL)).to_have_value(name)  # the form kept its values
    page.get_by_role("button", name="Dodaj wpis").filter(visible=True).click()
    notice = page.get_by_text(f"Dodano: „{name}” — jest na mapie, dzielnica {district}")
    expect(notice).to_be_visible(timeout=TIMEOUT_MS)
    expect(field(page, "Wpis")).to_have_value(f"{name} — {district}")


def start_new_record(page: Any) -> None:
    """Open an empty form ("➕ nowy wpis") after a record was saved.

    Returns once the screen has settled: the message about the saved record is
    gone, so nothing above the map shifts it under the next click (a click
    measured before the shift landed tens of metres off).
    """
    # The user looks at the saved record before choosing the next.  Under full
    # load, "nowy wpis" chosen while the save's run was still drawing the
    # picker (whose identity follows the record shown) once showed in the
    # browser while the screen kept the saved record (about 1 record in 20
    # on a loaded CI machine; not reproduced in two instrumented runs): an
    # open question noted in issue 11's closing note.  What is tested here is
    # the click-then-save, which does not wait.
    wait_for_idle(page)
    with script_run(page):
        choose(page, "Wpis", "➕ nowy wpis")
    expect(field(page, NAME_LABEL)).to_have_value("", timeout=TIMEOUT_MS)
    expect(page.get_by_text("Dodano: „").filter(visible=True)).to_have_count(0, timeout=TIMEOUT_MS)
    map_frame(page)


def assert_saved_in(store: GeoPackageStore, name: str, target: Point, district: str) -> None:
    """The record ``name`` is in the store once, where it was clicked, in ``district``."""
    saved = store.read_layer("resources", city=CITY)
    saved = saved[saved["name"] == name]
    assert len(saved) == 1, f"{name!r} saved {len(saved)} times"
    row = saved.iloc[0]
    assert (row["kind"], row["category"], row["city"]) == (KIND, CATEGORY, CITY)
    # Where it was clicked (a pixel at zoom 16 is about 2 m), in the district
    # the geometry lies in.
    assert row.geometry.geom_type == "Point", f"{name!r} saved as {row.geometry}"
    off = row.geometry.distance(target)
    assert off < 1e-4, f"{name!r} saved at {row.geometry}, {off:.6f}° from the click {target}"
    assert row["district"] == district, f"{name!r} saved in {row['district']}, not {district}"
    assert store.history("resources", row["id"])["author"].tolist() == [AUTHOR]
