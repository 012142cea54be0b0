"""Meeting mode on a 1920×1080 projector: readable type, PageUp/PageDown, needs captured live."""

from __future__ import annotations

import pytest
import shapely
from playwright.sync_api import expect
from shapely.geometry import Point

from mapping.filters import district_options
from mapping.frames import decode_list
from mapping.meeting import SLIDES
from mapping.schema import LAYERS, TARGET_GROUPS
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import (
    MAP_IFRAME,
    TIMEOUT_MS,
    choose,
    drawn_features,
    map_frame,
    script_run,
    wait_for_drawn,
    wait_for_idle,
)

pytestmark = pytest.mark.browser

CITY = "Gdańsk"
AUTHOR = "Zofia (moderatorka)"
#: Projector text must read from the back of a room: nothing under 24 px.
MIN_PX = 24
NEEDS = LAYERS["needs"].label

# Font sizes (px) of every shown element under ``root`` that holds text of its
# own, an input or a button; small print (legend notes) is skipped.
_FONT_SIZES_JS = """
(root) => [...root.querySelectorAll("*")]
  .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
    || el.matches("input, button"))
  .filter((el) => el.getClientRects().length > 0 && !el.closest(".mapa-legend-note"))
  .map((el) => [
    (el.innerText || el.value || el.getAttribute("aria-label") || el.tagName).trim().slice(0, 40),
    parseFloat(getComputedStyle(el).fontSize),
  ])
"""


@pytest.fixture
def viewport() -> dict[str, int]:
    """A projector's full-HD screen."""
    return {"width": 1920, "height": 1080}


def start_meeting(page, server) -> None:
    """Sign in the sidebar, open meeting mode and start a meeting (first slide shown)."""
    page.goto(server.url)
    name = page.get_by_label("Twoje imię (zapisywane w historii zmian)")
    expect(name).to_be_visible(timeout=TIMEOUT_MS)
    with script_run(page):
        name.fill(AUTHOR)
        name.press("Enter")
    page.get_by_role("link", name="Spotkanie (rzutnik)").click()
    page.get_by_role("button", name="Rozpocznij spotkanie").click(timeout=TIMEOUT_MS)
    expect(slide_title(page)).to_be_visible(timeout=TIMEOUT_MS)
    map_frame(page)
    wait_for_idle(page)


def slide_title(page):
    return page.locator("h1.slide-title")


def too_small(sizes: list[list]) -> list[list]:
    return [entry for entry in sizes if entry[1] < MIN_PX]


def test_slides_are_readable_and_the_remote_keys_switch_them(page, server) -> None:
    start_meeting(page, server)
    title = slide_title(page)
    expect(title).to_have_text(f"1/{len(SLIDES)} · {SLIDES[0].title}")
    assert title.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)") >= MIN_PX

    # The legend inside the map's iframe (open on a map this tall).
    frame = map_frame(page)
    legend = frame.locator(".mapa-legend")
    expect(legend).to_be_visible()
    assert legend.evaluate("(el) => el.open") is True
    legend_sizes = legend.evaluate(_FONT_SIZES_JS)
    assert len(legend_sizes) > 5
    assert too_small(legend_sizes) == []

    # The capture form: labels, the text box, the choices and the button.
    form = page.locator("[data-testid='stForm']").filter(has_text="Co?")
    form_sizes = form.evaluate(_FONT_SIZES_JS)
    texts = " ".join(s[0] for s in form_sizes)
    for expected in ("Co?", "Dla kogo?", "Gdzie?", "Zapisz potrzebę", TARGET_GROUPS[0].label):
        assert expected in texts
    assert too_small(form_sizes) == []

    # A presenter remote sends PageDown / PageUp.
    title.click()  # focus on the page, not in a text box
    page.keyboard.press("PageDown")
    expect(title).to_have_text(f"2/{len(SLIDES)} · {SLIDES[1].title}", timeout=TIMEOUT_MS)
    assert SLIDES[1].title == "Zasoby"
    page.keyboard.press("PageUp")
    expect(title).to_have_text(f"1/{len(SLIDES)} · {SLIDES[0].title}", timeout=TIMEOUT_MS)
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []


def inner_point(district: shapely.Geometry) -> Point:
    """A point deep inside a district, so a click there cannot land in a neighbour."""
    parts = getattr(district, "geoms", [district])
    return shapely.ops.polylabel(max(parts, key=lambda p: p.area), tolerance=1e-5)


def capture(page, what: str, group: str, where: str | None = None) -> None:
    """Fill "Dodaj potrzebę" (``where``: a district; None keeps the clicked point) and save."""
    form = page.locator("[data-testid='stForm']").filter(has_text="Co?")
    form.get_by_label("Co?").fill(what)
    form.get_by_role("button", name=group, exact=True).click()
    if where is not None:
        choose(page, "Gdzie?", where, scope=form)
    with script_run(page):
        form.get_by_role("button", name="Zapisz potrzebę").click()
    expect(page.get_by_text("Zapisano — potrzeba jest już na mapie.")).to_be_visible()


def test_needs_captured_live_are_stored_with_the_meeting_and_drawn(page, server) -> None:
    store = GeoPackageStore(server.store_path)
    meetings_before = set(store.read_layer("meetings")["id"])
    areas = store.read_layer("areas", city=CITY)
    names = district_options(areas)
    named = names[len(names) // 2]
    districts = areas[areas["kind"] == "dzielnica"]
    clicked_in = districts.loc[districts.geometry.to_crs(2180).area.idxmax()]
    spot = inner_point(clicked_in.geometry)
    assert named != clicked_in["name"]

    start_meeting(page, server)
    wait_for_drawn(page, {})  # the first slide's map has drawn
    before = drawn_features(page)[NEEDS]

    # "Gdzie?" = a district.
    by_district = "Świetlica dla młodzieży otwarta wieczorami"
    capture(page, by_district, TARGET_GROUPS[1].label, where=named)
    expect(page.get_by_text("Potrzeby z tego spotkania: 1")).to_be_visible()
    wait_for_drawn(page, {NEEDS: before + 1})

    # "Gdzie?" = the point clicked on the map (inside a district).
    frame = map_frame(page)
    frame.evaluate(
        "([y, x]) => { map_div.setView([y, x], 16, {animate: false}); }", [spot.y, spot.x]
    )
    at = frame.evaluate("([y, x]) => map_div.latLngToContainerPoint([y, x])", [spot.y, spot.x])
    box = page.locator(MAP_IFRAME).bounding_box()
    with script_run(page):
        page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    by_click = "Ławki i cień przy placu zabaw"
    capture(page, by_click, TARGET_GROUPS[4].label)
    expect(page.get_by_text("Potrzeby z tego spotkania: 2")).to_be_visible()
    wait_for_drawn(page, {NEEDS: before + 2})

    needs = store.read_layer("needs", city=CITY).set_index("title")
    assert {by_district, by_click} <= set(needs.index)
    for title, district, group in (
        (by_district, named, TARGET_GROUPS[1]),
        (by_click, clicked_in["name"], TARGET_GROUPS[4]),
    ):
        need = needs.loc[title]
        (meeting_id,) = decode_list(need["meeting"])
        assert meeting_id not in meetings_before  # the meeting started in this test
        assert store.get("meetings", meeting_id)["city"] == CITY
        assert need["district"] == district
        assert decode_list(need["target_groups"]) == [group.code]
        assert need["reported_by"] == "spotkanie"
    assert needs.loc[by_click].geometry.distance(spot) < 1e-4
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []
