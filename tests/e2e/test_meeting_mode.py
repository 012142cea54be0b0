"""Meeting mode on real projectors: the layout of every slide, a meeting that survives a
reload, needs captured live in their own places, readable type, PageUp/PageDown."""

from __future__ import annotations

import re

import pytest
import shapely
from playwright.sync_api import expect
from shapely.geometry import Point

from mapping.frames import decode_list
from mapping.meeting import SLIDES, open_meetings
from mapping.schema import LAYERS, TARGET_GROUPS
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import (
    MAP_IFRAME,
    TIMEOUT_MS,
    choose,
    drawn_features,
    go_to,
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
AUTHOR_FIELD = "Kto prowadzi spotkanie? (zapisywane w historii zmian)"

#: Projectors: 4:3 and 16:9 at their native size, and 4:3 / 16:9 pages zoomed to 150 %
#: (a zoomed page is a smaller page in CSS pixels: 1024×768 at 150 % is 683×512).
PROJECTORS = {
    "4:3 1024×768": {"width": 1024, "height": 768},
    "16:9 1280×720": {"width": 1280, "height": 720},
    "full HD 1920×1080": {"width": 1920, "height": 1080},
    "4:3 1024×768 at 150 %": {"width": 683, "height": 512},
    "16:9 1280×720 at 150 %": {"width": 853, "height": 480},
}
#: Each layout run starts its own meeting: one open meeting per partnership.
PARTNERSHIPS = (
    "Partnerstwo lokalne Dolne Miasto",
    "Partnerstwo lokalne Morena",
    "Partnerstwo lokalne Nowy Port",
    "Partnerstwo lokalne Oliwa",
    "Partnerstwo lokalne Orunia",
)

# Font sizes (px) of every shown element under ``root`` that holds text of its
# own, an input or a button; small print (legend notes) and icons (a ligature
# font's glyph names, "save") are skipped.
_FONT_SIZES_JS = """
(root) => [...root.querySelectorAll("*")]
  .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
    || el.matches("input, button"))
  .filter((el) => el.getClientRects().length > 0 && !el.closest(".mapa-legend-note")
    && !el.closest("[data-testid='stIconMaterial']"))
  .map((el) => [
    (el.innerText || el.value || el.getAttribute("aria-label") || el.tagName).trim().slice(0, 40),
    parseFloat(getComputedStyle(el).fontSize),
  ])
"""

# The rectangles of one slide: the page, the map's iframe, the legend inside it
# (in the iframe's coordinates), the layer control's state and the bar's buttons
# (their box, font size, and whether the label fits or is cut with "…").
_LAYOUT_JS = """
(selector) => {
  const frame = document.querySelector(selector);
  const doc = frame.contentDocument;
  const rect = (el) => { const r = el.getBoundingClientRect();
    return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const buttons = [...document.querySelectorAll(".st-key-meet_bar button")]
    .filter((b) => b.getClientRects().length > 0 && b.innerText.trim())
    .map((b) => {
      const label = b.querySelector("p") || b;
      return {label: label.innerText.trim(), box: rect(b),
              font: parseFloat(getComputedStyle(label).fontSize),
              fits: label.scrollWidth <= label.clientWidth + 1};
    });
  return {
    view: {w: innerWidth, h: innerHeight},
    scroll: {w: document.scrollingElement.scrollWidth, h: document.scrollingElement.scrollHeight},
    map: rect(frame),
    legend: rect(doc.querySelector(".mapa-legend")),
    legendOpen: doc.querySelector(".mapa-legend").open,
    layersOpen: doc.querySelector(".leaflet-control-layers")
      .classList.contains("leaflet-control-layers-expanded"),
    buttons,
  };
}
"""


@pytest.fixture
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    """A projector's full-HD screen, unless a test asks for another (indirect parameter)."""
    return getattr(request, "param", PROJECTORS["full HD 1920×1080"])


def slide_title(page):
    return page.locator("h1.slide-title")


def start_meeting(page, server, partnership: str, city: str = CITY) -> None:
    """Open meeting mode in ``city``, say who runs it (on the page) and start
    ``partnership``'s meeting."""
    if city == CITY:
        page.goto(f"{server.url}/spotkanie")
    else:  # the city is chosen in the sidebar, which the projector page hides
        page.goto(server.url)
        box = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Miasto")
        box.click()
        box.fill(city)
        with script_run(page):
            page.get_by_role("option", name=city, exact=True).click()
        go_to(page, "pages/spotkanie.py")
    name = page.get_by_label(AUTHOR_FIELD)
    expect(name).to_be_visible(timeout=TIMEOUT_MS)
    with script_run(page):
        name.fill(AUTHOR)
        name.press("Enter")
    wait_for_idle(page)
    choose(page, "Partnerstwo", partnership)
    page.get_by_role("button", name="Rozpocznij spotkanie").click()
    expect(slide_title(page)).to_have_text(
        f"1/{len(SLIDES)} · {SLIDES[0].title}", timeout=TIMEOUT_MS
    )
    wait_for_slide_map(page)


def wait_for_slide_map(page):
    """The shown slide's map, once drawn with its legend."""
    wait_for_idle(page)
    frame = map_frame(page)
    frame.wait_for_selector(".mapa-legend", state="attached", timeout=TIMEOUT_MS)
    frame.wait_for_selector(".leaflet-control-layers", state="attached", timeout=TIMEOUT_MS)
    return frame


def next_slide(page, number: int) -> None:
    """Go to slide ``number`` (1-based) with the bar's "Dalej ▶"."""
    page.get_by_role("button", name=re.compile(r"^Dalej")).click()
    expect(slide_title(page)).to_have_text(
        f"{number}/{len(SLIDES)} · {SLIDES[number - 1].title}", timeout=TIMEOUT_MS
    )
    wait_for_slide_map(page)


def open_popover(page, name: str):
    """Open the bar's popover whose button reads ``name`` (a pattern); return its button."""
    button = page.get_by_test_id("stPopoverButton").filter(has_text=re.compile(name))
    if button.get_attribute("aria-expanded") != "true":
        button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    return button


def close_popovers(page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator("[data-testid='stPopoverButton'][aria-expanded='true']")).to_have_count(0)


def layout_problems(layout: dict) -> list[str]:
    """What breaks the projector's rules on the slide measured as ``layout``."""
    view, m, lg = layout["view"], layout["map"], layout["legend"]
    screen = view["w"] * view["h"]
    problems = []
    if m["w"] * m["h"] < 0.70 * screen:
        problems.append(f"map covers {m['w'] * m['h'] / screen:.0%} of the screen")
    if (
        m["x"] < 0
        or m["y"] < 0
        or m["x"] + m["w"] > view["w"] + 1
        or m["y"] + m["h"] > view["h"] + 1
    ):
        problems.append(f"map {m} outside the viewport {view}")
    if layout["scroll"]["h"] > view["h"] + 1 or layout["scroll"]["w"] > view["w"] + 1:
        problems.append(f"the page scrolls: {layout['scroll']}")
    if lg["w"] * lg["h"] > 0.15 * m["w"] * m["h"]:
        problems.append(f"legend covers {lg['w'] * lg['h'] / (m['w'] * m['h']):.0%} of the map")
    if (
        lg["x"] < 0
        or lg["y"] < 0
        or lg["x"] + lg["w"] > m["w"] + 1
        or lg["y"] + lg["h"] > m["h"] + 1
    ):
        problems.append(f"legend {lg} outside the map {m['w']}×{m['h']}")
    if layout["layersOpen"]:
        problems.append("the layer control is open")
    for b in layout["buttons"]:
        box = b["box"]
        if not b["fits"]:
            problems.append(f"button {b['label']!r} is cut short")
        if b["font"] < MIN_PX:
            problems.append(f"button {b['label']!r} at {b['font']} px")
        if box["x"] < 0 or box["y"] < 0 or box["x"] + box["w"] > view["w"] + 1:
            problems.append(f"button {b['label']!r} outside the viewport")
    return problems


@pytest.mark.parametrize(
    ("viewport", "partnership"),
    [(size, p) for size, p in zip(PROJECTORS.values(), PARTNERSHIPS, strict=True)],
    ids=list(PROJECTORS),
    indirect=["viewport"],
)
def test_every_slide_fits_the_projector(page, server, viewport, partnership) -> None:
    start_meeting(page, server, partnership)
    labels = [b["label"] for b in page.evaluate(_LAYOUT_JS, MAP_IFRAME)["buttons"]]
    for label in ("◀ Wstecz", "Dalej ▶", "Dodaj potrzebę"):
        assert label in labels

    # Open the legend on the first slide (it starts folded on a short map): the
    # open legend is measured on every slide, as it stays open from one to the next.
    summary = map_frame(page).locator(".mapa-legend summary")
    if not map_frame(page).locator(".mapa-legend").evaluate("(el) => el.open"):
        summary.click()
    for number in range(1, len(SLIDES) + 1):
        if number > 1:
            next_slide(page, number)
        layout = page.evaluate(_LAYOUT_JS, MAP_IFRAME)
        assert layout["legendOpen"], f"slide {number}: the legend folded by itself"
        assert layout_problems(layout) == [], f"slide {number}"

    # Folded, it stays folded on the next slide too.
    map_frame(page).locator(".mapa-legend summary").click()
    page.get_by_role("button", name=re.compile(r"Wstecz")).click()
    expect(slide_title(page)).to_have_text(
        f"{len(SLIDES) - 1}/{len(SLIDES)} · {SLIDES[-2].title}", timeout=TIMEOUT_MS
    )
    wait_for_slide_map(page)
    layout = page.evaluate(_LAYOUT_JS, MAP_IFRAME)
    assert not layout["legendOpen"]
    assert layout_problems(layout) == []
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []


def test_slides_are_readable_and_the_remote_keys_switch_them(page, server) -> None:
    start_meeting(page, server, "Partnerstwo lokalne Przymorze")
    title = slide_title(page)
    assert title.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)") >= MIN_PX

    legend = map_frame(page).locator(".mapa-legend")
    expect(legend).to_be_visible()
    if not legend.evaluate("(el) => el.open"):
        legend.locator("summary").click()
    legend_sizes = legend.evaluate(_FONT_SIZES_JS)
    assert len(legend_sizes) > 5
    assert [s for s in legend_sizes if s[1] < MIN_PX] == []

    # The capture form: labels, the text box, the choices and the button.
    open_popover(page, "Dodaj potrzebę")
    form = page.locator("[data-testid='stForm']").filter(has_text="Co?").filter(visible=True)
    expect(form.get_by_role("button", name=TARGET_GROUPS[0].label, exact=True)).to_be_visible()
    wait_for_idle(page)
    form_sizes = form.evaluate(_FONT_SIZES_JS)
    texts = " ".join(s[0] for s in form_sizes)
    for expected in ("Co?", "Dla kogo?", "Gdzie?", "Zapisz potrzebę", TARGET_GROUPS[0].label):
        assert expected in texts
    assert [s for s in form_sizes if s[1] < MIN_PX] == []
    close_popovers(page)

    # A presenter remote sends PageDown / PageUp.
    title.click()  # focus on the page, not in a text box
    page.keyboard.press("PageDown")
    expect(title).to_have_text(f"2/{len(SLIDES)} · {SLIDES[1].title}", timeout=TIMEOUT_MS)
    page.keyboard.press("PageUp")
    expect(title).to_have_text(f"1/{len(SLIDES)} · {SLIDES[0].title}", timeout=TIMEOUT_MS)
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []


def inner_point(district: shapely.Geometry) -> Point:
    """A point deep inside a district, so a click there cannot land in a neighbour."""
    parts = getattr(district, "geoms", [district])
    return shapely.ops.polylabel(max(parts, key=lambda p: p.area), tolerance=1e-5)


def click_map_at(page, spot: Point) -> None:
    """Click the map at ``spot`` (zoomed in there first), as the facilitator does."""
    close_popovers(page)
    frame = map_frame(page)
    # ``map_div`` names the map's <div> until the map's script makes it the Leaflet map.
    frame.wait_for_function("() => window.L && window.map_div instanceof L.Map")
    frame.evaluate(
        "([y, x]) => { map_div.setView([y, x], 16, {animate: false}); }", [spot.y, spot.x]
    )
    at = frame.evaluate("([y, x]) => map_div.latLngToContainerPoint([y, x])", [spot.y, spot.x])
    box = page.locator(MAP_IFRAME).bounding_box()
    with script_run(page):
        page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])
    # A click places a need: no district popup opens over the map, the point is marked.
    assert map_frame(page).locator(".leaflet-popup").count() == 0
    wait_for_pending_marks(page, 1)


_PENDING_JS = """
(n) => (window.feature_group || []).filter((g) => map_div.hasLayer(g))
  .reduce((count, g) => count + g.getLayers().length, 0) === n
"""


def wait_for_pending_marks(page, count: int) -> None:
    """Wait until the map marks ``count`` points waiting for their need."""
    map_frame(page).wait_for_function(_PENDING_JS, arg=count, timeout=TIMEOUT_MS)


def capture(page, what: str, group: str, where: str | None = None) -> None:
    """Fill "Dodaj potrzebę" (``where``: an option of "Gdzie?", None keeps the one offered)."""
    open_popover(page, "Dodaj potrzebę")
    # While a run redraws the popover, Streamlit may keep the old, hidden form for a moment.
    wait_for_idle(page)
    form = page.locator("[data-testid='stForm']").filter(has_text="Co?").filter(visible=True)
    if where is not None:
        choose(page, "Gdzie?", where, scope=form)
    form.get_by_label("Co?").fill(what)
    form.get_by_role("button", name=group, exact=True).click()
    expect(form.get_by_label("Co?")).to_have_value(what)
    with script_run(page):
        form.get_by_role("button", name="Zapisz potrzebę").click()
    expect(page.get_by_text(f"Zapisano „{what}”")).to_be_visible(timeout=TIMEOUT_MS)


def test_needs_captured_in_a_row_each_land_in_their_own_place(page, server) -> None:
    store = GeoPackageStore(server.store_path)
    areas = store.read_layer("areas", city=CITY)
    districts = areas[areas["kind"] == "dzielnica"].set_index("name")
    first_in, then_in = "Oliwa", "Stogi"
    first_spot, then_spot = (inner_point(districts.loc[n, "geometry"]) for n in (first_in, then_in))

    start_meeting(page, server, "Partnerstwo lokalne Stogi")
    wait_for_drawn(page, {})
    before = drawn_features(page)[NEEDS]

    click_map_at(page, first_spot)
    capture(page, "Ławki i cień przy placu zabaw", TARGET_GROUPS[4].label)
    expect(page.get_by_text(f"punkt na mapie ({first_in})")).to_be_visible()
    wait_for_pending_marks(page, 0)  # the point went to that need
    # The next need does not reuse that click: without one it has no place, and says so.
    capture(page, "Korepetycje dla licealistów", TARGET_GROUPS[1].label)
    expect(page.get_by_text("bez miejsca — nie ma jej na mapie")).to_be_visible()
    click_map_at(page, then_spot)
    capture(page, "Świetlica otwarta wieczorami", TARGET_GROUPS[1].label)
    # A district chosen from the list.
    capture(page, "Oświetlenie przejścia", TARGET_GROUPS[6].label, where="Przeróbka")
    close_popovers(page)
    wait_for_drawn(page, {NEEDS: before + 3})

    needs = store.read_layer("needs", city=CITY).set_index("title")
    (meeting_id,) = decode_list(needs.loc["Ławki i cień przy placu zabaw", "meeting"])
    assert store.get("meetings", meeting_id)["author"] == AUTHOR
    placed = {
        "Ławki i cień przy placu zabaw": (first_in, first_spot),
        "Korepetycje dla licealistów": (None, None),
        "Świetlica otwarta wieczorami": (then_in, then_spot),
        "Oświetlenie przejścia": ("Przeróbka", None),
    }
    for title, (district, spot) in placed.items():
        need = needs.loc[title]
        assert decode_list(need["meeting"]) == [meeting_id]
        stored = need["district"] if isinstance(need["district"], str) else None
        assert stored == district, title
        if spot is not None:
            assert need.geometry.distance(spot) < 1e-4, title
    assert needs.loc["Korepetycje dla licealistów"].geometry is None
    assert needs.loc["Oświetlenie przejścia"].geometry.geom_type in ("Polygon", "MultiPolygon")
    assert page.traffic.blocked == []
    assert page.traffic.console_errors == []


PARTNERSHIP_ID = "gdansk-pship-srodmiescie"


def running_meetings(store: GeoPackageStore, partnership_id: str) -> list[str]:
    """Ids of the partnership's open meetings in the store."""
    running = open_meetings(store, CITY)
    return [
        i for i, p in zip(running["id"], running["partnership"], strict=True) if partnership_id in p
    ]


def test_a_reload_mid_meeting_finds_the_same_meeting_with_its_needs(page, server, browser) -> None:
    store = GeoPackageStore(server.store_path)
    partnership = "Partnerstwo lokalne Śródmieście"
    start_meeting(page, server, partnership)
    next_slide(page, 2)
    capture(page, "Klub dla seniorów", TARGET_GROUPS[3].label, where="Śródmieście")
    (meeting_id,) = running_meetings(store, PARTNERSHIP_ID)

    page.reload()
    # The same meeting, on the same slide, with the need captured before.
    expect(slide_title(page)).to_have_text(
        f"2/{len(SLIDES)} · {SLIDES[1].title}", timeout=TIMEOUT_MS
    )
    wait_for_slide_map(page)
    open_popover(page, r"Potrzeby: 1(?!\d)")
    expect(page.get_by_text("Klub dla seniorów")).to_be_visible()
    close_popovers(page)
    assert meeting_id in page.url

    # Another browser (or the laptop after a crash) is offered the running meeting.
    other = browser.new_context(viewport={"width": 1280, "height": 720}, locale="pl-PL")
    try:
        tab = other.new_page()
        tab.goto(f"{server.url}/spotkanie")
        resume = tab.get_by_role("button", name="Wróć do spotkania")
        expect(resume.first).to_be_visible(timeout=TIMEOUT_MS)
        # Starting the same partnership again is refused, not duplicated.
        tab.get_by_label(AUTHOR_FIELD).fill("Ola")
        tab.get_by_label(AUTHOR_FIELD).press("Enter")
        # The name's rerun redraws the form higher up (the prompt is gone): choose after it.
        expect(tab.get_by_label(AUTHOR_FIELD)).to_be_hidden(timeout=TIMEOUT_MS)
        wait_for_idle(tab)
        choose(tab, "Partnerstwo", partnership)
        tab.get_by_role("button", name="Rozpocznij spotkanie").click()
        expect(tab.get_by_text("ma już trwające spotkanie")).to_be_visible(timeout=TIMEOUT_MS)
    finally:
        other.close()
    still_open = open_meetings(store, CITY)
    assert list(still_open["id"]).count(meeting_id) == 1
    assert (
        sum(bool(p) and p[0] == "gdansk-pship-srodmiescie" for p in still_open["partnership"]) == 1
    )


def test_a_district_need_in_a_city_without_district_boundaries_says_it_is_off_the_map(
    page, server
) -> None:
    store = GeoPackageStore(server.store_path)
    start_meeting(page, server, "Partnerstwo lokalne Ostatni Grosz", city="Częstochowa")
    capture(page, "Świetlica dla dzieci na Rakowie", TARGET_GROUPS[0].label, where="Raków")
    expect(page.get_by_text("dzielnica Raków — bez lokalizacji na mapie")).to_be_visible()
    need = store.read_layer("needs", city="Częstochowa").set_index("title")
    need = need.loc["Świetlica dla dzieci na Rakowie"]
    assert need["district"] == "Raków"
    assert need.geometry is None
    open_popover(page, r"Potrzeby: 1(?!\d)")
    expect(page.get_by_text("Świetlica dla dzieci na Rakowie")).to_be_visible()
    assert page.traffic.console_errors == []
