"""Meeting mode: the projector page's chrome, its clickable map, starting, resuming and closing.

The meeting being run lives in the store from the moment it starts; this
browser only remembers *which* one, in the page's address
(``?spotkanie=<id>``) and in its session, so a reload, another browser or a
restart after a crash finds it again (``meeting_room``).  The map of a slide
fills the screen under one bar of controls; the capture form and the
meeting's menu open from that bar (``st.popover``) over the map.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import streamlit as st
from shapely.geometry.base import BaseGeometry
from streamlit_folium import st_folium

from mapping.areas import find_area
from mapping.errors import NotFoundError
from mapping.export.selection import audience_records
from mapping.frames import has_location
from mapping.meeting import (
    SLIDES,
    capture_need,
    close_meeting,
    describe_place,
    district_at,
    is_open_meeting,
    needs_of_meeting,
    open_meetings,
    slide_title,
    start_meeting,
)
from mapping.schema import NEEDS, AreaKind, Audience
from mapping.ui.i18n import choice_of, language, tr
from mapping.ui.maps import fresh_map, picked_geometry
from mapping.ui.shell import AUTHOR_KEY, Context, _store_at, get_store, run_action
from mapping.ui.text import CHOOSE, escape, md
from mapping.webmap.assets import RawElement, figure_of, static_text
from mapping.webmap.citymap import CityMap
from mapping.webmap.meeting import meeting_map, pending_place
from mapping.webmap.tiles import LIGHT_FIRST, TILES, TileChoice

__all__ = [
    "Room",
    "capture_popover",
    "district_area",
    "meeting_map_for",
    "meeting_room",
    "projector_mode",
    "room_menu",
    "show_clickable_map",
    "slide_buttons",
    "slide_heading",
    "slide_number",
    "start_screen",
]

#: The page's projector styles and the projector map's (static/mapa/).
_PROJECTOR_CSS = "mapa/projector.css"
_PROJECTOR_MAP_CSS = "mapa/projector-map.css"

#: The page address remembers the meeting (or the presentation) and the slide.
_MEETING_PARAM, _PRESENT_PARAM, _SLIDE_PARAM = "spotkanie", "pokaz", "slajd"
#: The in-page "who runs the meeting" field (fills the sidebar's name too).
_AUTHOR_PROMPT = "meet_author_prompt"
#: The point clicked on the map and not used by a need yet.
_CLICK = "meet_click"
#: Bumped when the click or a saved need changes what "Gdzie?" should offer first.
_WHERE_GEN = "meet_where_gen"
_WHERE_CLICK, _WHERE_NONE = "__punkt__", "__bez_miejsca__"


@dataclass(frozen=True)
class Room:
    """What the projector shows: a city's map, with the open meeting or without one.

    ``meeting`` is None in a presentation ("Pokaż mapę"): slides only, nothing
    stored.  ``author`` is who runs the meeting ("" when not given yet).
    """

    city: str
    meeting: dict[str, Any] | None
    author: str


def projector_mode() -> None:
    """Hide the app's chrome and enlarge text for a projector (this page only)."""
    st.html(_style(_PROJECTOR_CSS))


def _style(path: str) -> str:
    """A ``<style>`` element holding ``static/<path>`` (read once per process)."""
    return f"<style>\n{static_text(path)}</style>"


# --- which meeting ---------------------------------------------------------------


def _remember(meeting_id: str | None, *, present: bool = False) -> None:
    """Keep the meeting (or the presentation) in the session and in the page address."""
    st.session_state["meeting_id"] = meeting_id
    st.session_state["meet_present"] = present
    for name in (_MEETING_PARAM, _PRESENT_PARAM):
        st.query_params.pop(name, None)
    if meeting_id:
        st.query_params[_MEETING_PARAM] = meeting_id
    elif present:
        st.query_params[_PRESENT_PARAM] = "1"


def _leave() -> None:
    _remember(None)
    st.query_params.pop(_SLIDE_PARAM, None)
    st.session_state["slide"] = 0
    st.session_state.pop(_CLICK, None)
    st.session_state.pop("meet_saved", None)


def _author(ctx: Context) -> str:
    """Who runs the meeting: the login or the sidebar's name, else the in-page field."""
    return ctx.author or str(st.session_state.get(_AUTHOR_PROMPT) or "").strip()


def meeting_room(ctx: Context) -> Room | None:
    """The meeting this browser is running (resumed from the address), a
    presentation, or None: the start screen is due."""
    wanted = st.query_params.get(_MEETING_PARAM) or st.session_state.get("meeting_id")
    if wanted:
        try:
            record = get_store().get("meetings", wanted)
        except NotFoundError:
            record = None
        if record is not None and is_open_meeting(record):
            _remember(record["id"])
            # The meeting's city, whatever the (hidden) sidebar says after a reload.
            return Room(record["city"], record, _author(ctx))
        _remember(None)
    if st.query_params.get(_PRESENT_PARAM) or st.session_state.get("meet_present"):
        _remember(None, present=True)
        return Room(ctx.city, None, _author(ctx))
    return None


def _take_author() -> None:
    """The in-page name field fills the sidebar's, which every page reads."""
    st.session_state[AUTHOR_KEY] = str(st.session_state.get(_AUTHOR_PROMPT) or "").strip()


def _author_prompt(ctx: Context, suggested: str = "") -> None:
    """Ask who runs the meeting, unless the login or the sidebar already says."""
    if ctx.author:
        return
    if _AUTHOR_PROMPT not in st.session_state and suggested:
        st.session_state[_AUTHOR_PROMPT] = suggested
    st.text_input(
        tr("Kto prowadzi spotkanie? (zapisywane w historii zmian)"),
        key=_AUTHOR_PROMPT,
        placeholder=tr("np. Anna z MOPS"),
        on_change=_take_author,
    )


# --- the start screen --------------------------------------------------------------


def start_screen(ctx: Context) -> None:
    """Resume an open meeting, start one, or just show the map (nothing stored)."""
    store = get_store()
    if closed := st.session_state.pop("meet_closed", None):
        st.success(
            tr("Spotkanie „{title}” zakończone i zapisane.", title=md(closed)),
            icon=":material/check_circle:",
        )
    if st.button(tr("Pokaż mapę (bez zapisu spotkania)"), icon=":material/slideshow:"):
        _remember(None, present=True)
        st.rerun()
    _author_prompt(ctx)
    running = open_meetings(store, ctx.city)
    if not running.empty:
        st.markdown(tr("### Trwające spotkania"))
        partnerships = store.read_layer("partnerships", city=ctx.city)
        names = dict(zip(partnerships["id"], partnerships["name"], strict=True))
        for row in running.to_dict("records"):
            needs = len(needs_of_meeting(store, row["id"]))
            about = [_polish_date(row["date"]), *(names.get(i, i) for i in row["partnership"])]
            if isinstance(row.get("place"), str) and row["place"].strip():
                about.append(row["place"])
            st.markdown(
                tr(
                    "**{title}** · {about} · zapisane potrzeby: {needs}",
                    title=md(row["title"]),
                    about=md(" · ".join(about)),
                    needs=needs,
                )
            )
            if st.button(tr("Wróć do spotkania"), key=f"resume_{row['id']}", type="primary"):
                _remember(row["id"])
                st.rerun()
    st.markdown(tr("### Nowe spotkanie"))
    _start_form(ctx)


def _polish_date(value: Any) -> str:
    text = str(value or "")
    parts = text.split("-")
    return ".".join(reversed(parts)) if len(parts) == 3 else text


def _start_form(ctx: Context) -> None:
    store = get_store()
    partnerships = store.read_layer("partnerships", city=ctx.city)
    options = {row.id: row.name for row in partnerships.itertuples()}
    with st.form("start_meeting"):
        partnership = st.selectbox(
            tr("Partnerstwo"),
            [None, *options],
            format_func=lambda i: options.get(i, "—"),
            placeholder=tr(CHOOSE),
        )
        title = st.text_input(tr("Temat"), value=tr("Spotkanie robocze partnerstwa"))
        day = st.date_input(tr("Data"), value=date.today(), format="DD.MM.YYYY")
        place = st.text_input(tr("Miejsce"), placeholder=tr("np. Filia biblioteki, ul. …"))
        submitted = st.form_submit_button(tr("Rozpocznij spotkanie"), type="primary")
    if not submitted:
        return
    author = _author(ctx)
    if not author:
        st.error(tr("Wpisz powyżej, kto prowadzi spotkanie — to imię trafia do historii zmian."))
        return
    record = run_action(
        lambda: start_meeting(
            store, city=ctx.city, partnership_id=partnership, title=title, date=day,
            place=place, author=author,
        )
    )  # fmt: skip
    if record:
        _remember(record["id"])
        st.session_state["slide"] = 0
        st.rerun()


# --- the slide bar -------------------------------------------------------------------


def slide_number() -> int:
    """The slide shown (0-based), kept in the session and the page address."""
    if "slide" not in st.session_state:
        try:
            st.session_state["slide"] = int(st.query_params.get(_SLIDE_PARAM, 1)) - 1
        except ValueError:
            st.session_state["slide"] = 0
    number = min(max(int(st.session_state["slide"]), 0), len(SLIDES) - 1)
    st.session_state["slide"] = number
    st.query_params[_SLIDE_PARAM] = str(number + 1)
    return number


def _go(step: int) -> None:
    st.session_state["slide"] = st.session_state.get("slide", 0) + step


def slide_buttons(number: int) -> None:
    """◀ Wstecz / Dalej ▶, also on PageUp / PageDown (a presenter's remote)."""
    st.button(
        tr("◀ Wstecz"), shortcut="PageUp", disabled=number == 0, on_click=_go, args=(-1,),
        key="meet_back",
    )  # fmt: skip
    st.button(
        tr("Dalej ▶"), shortcut="PageDown", disabled=number == len(SLIDES) - 1, on_click=_go,
        args=(1,), key="meet_next",
    )  # fmt: skip


def slide_heading(number: int, focus: str | None) -> None:
    """The slide's number and title, and the question to ask the room."""
    slide = SLIDES[number]
    title = slide_title(dataclasses.replace(slide, title=tr(slide.title)), focus)
    st.markdown(
        f"<h1 class='slide-title'>{number + 1}/{len(SLIDES)} · {escape(title)}</h1>"
        f"<p class='slide-prompt'>{escape(tr(slide.prompt))}</p>",
        unsafe_allow_html=True,
    )


# --- capturing needs ---------------------------------------------------------------------


def _new_click(map_key: str) -> None:
    """Note a point just clicked on the map (st_folium's value, read before it is drawn).

    A click inside a district is a click on the districts layer, not on the
    map: read both, as the location picker does.
    """
    result = st.session_state.get(map_key) or {}
    seen_key = f"{map_key}_seen"
    clicked = picked_geometry(result, st.session_state.get(seen_key) or {}, points=True)
    st.session_state[seen_key] = result
    if clicked is not None:
        st.session_state[_CLICK] = clicked
        st.session_state[_WHERE_GEN] = st.session_state.get(_WHERE_GEN, 0) + 1


def _click_label(areas: gpd.GeoDataFrame) -> str:
    clicked = st.session_state.get(_CLICK)
    if clicked is None:
        return tr("punkt na mapie — najpierw kliknij mapę")
    district = district_at(areas, clicked)
    if district:
        return tr("punkt kliknięty na mapie ({district})", district=district)
    return tr("punkt kliknięty na mapie")


def capture_popover(
    room: Room, areas: gpd.GeoDataFrame, districts: list[str], *, focus: str | None, map_key: str
) -> None:
    """The "Dodaj potrzebę" form: what, for whom, and where (this need's own place)."""
    _new_click(map_key)
    groups = NEEDS.field("target_groups")
    clicked = st.session_state.get(_CLICK)
    options = [_WHERE_CLICK, _WHERE_NONE, *districts]
    first = _WHERE_CLICK if clicked is not None else (focus or _WHERE_NONE)
    labels = {_WHERE_CLICK: _click_label(areas), _WHERE_NONE: tr("bez miejsca")}
    with st.popover(tr("Dodaj potrzebę"), icon=":material/add_location_alt:", key="meet_capture"):
        started_by = (room.meeting or {}).get("author") or ""
        _author_prompt(_context_of(room), suggested=str(started_by))
        with st.form("capture", clear_on_submit=True, border=False):
            what = st.text_input(tr("Co?"), placeholder=tr("np. miejsce spotkań dla seniorów"))
            for_whom = st.pills(
                tr("Dla kogo?"),
                groups.codes,
                selection_mode="multi",
                format_func=lambda c: choice_of(groups, c),
            )
            where_choice = st.selectbox(
                tr("Gdzie?"),
                options,
                index=options.index(first),
                format_func=lambda o: labels.get(o, o),
                key=f"meet_where_{st.session_state.get(_WHERE_GEN, 0)}",
                placeholder=tr(CHOOSE),
            )
            submitted = st.form_submit_button(
                tr("Zapisz potrzebę"), icon=":material/save:", type="primary"
            )
        if submitted:
            _save_need(room, areas, what, for_whom or [], where_choice)
        if saved := st.session_state.get("meet_saved"):
            st.success(
                tr("Zapisano „{title}” — {where}.", title=md(saved[0]), where=md(saved[1])),
                icon=":material/check_circle:",
            )


def _context_of(room: Room) -> Context:
    return Context(city=room.city, author=room.author, audience=Audience.PUBLIC)


def _save_need(
    room: Room, areas: gpd.GeoDataFrame, what: str, for_whom: list[str], choice: str
) -> None:
    author = room.author or str(st.session_state.get(_AUTHOR_PROMPT) or "").strip()
    if not author:
        st.error(tr("Wpisz powyżej, kto prowadzi spotkanie — to imię trafia do historii zmian."))
        return
    clicked = st.session_state.get(_CLICK)
    if choice == _WHERE_CLICK and clicked is None:
        st.error(tr("Kliknij mapę, aby wskazać punkt, albo wybierz dzielnicę lub „bez miejsca”."))
        return
    where: BaseGeometry | str | None
    if choice == _WHERE_CLICK:
        where = clicked
    elif choice == _WHERE_NONE:
        where = None
    else:
        where = district_area(areas, choice)
    meeting = room.meeting or {}
    saved = run_action(
        lambda: capture_need(
            get_store(), meeting, what=what, for_whom=for_whom, where=where, author=author
        )
    )
    if saved:
        # The point went to this need: the next one gets its own place.
        if choice == _WHERE_CLICK:
            st.session_state.pop(_CLICK, None)
        st.session_state[_WHERE_GEN] = st.session_state.get(_WHERE_GEN, 0) + 1
        # Kept for the next run: the rerun that draws the need would erase a message.
        st.session_state["meet_saved"] = (saved["title"], describe_place(saved))
        st.rerun()


def district_area(areas: gpd.GeoDataFrame, name: str) -> BaseGeometry | str:
    """Where a need said to be "in <district>" goes: the district's outline, so it
    is drawn on the map (and its district found from it), or just the name when
    the city's boundaries are not loaded."""
    found = find_area(areas, name, (AreaKind.DISTRICT,))
    if found is None or not has_location([found["geometry"]])[0]:
        return name
    return found["geometry"]


# --- the meeting's menu ---------------------------------------------------------------


def room_menu(room: Room) -> None:
    """The meeting's needs so far, the base map, closing the meeting, leaving."""
    store = get_store()
    raised = needs_of_meeting(store, room.meeting["id"]) if room.meeting else None
    label = tr("Potrzeby: {count}", count=len(raised)) if raised is not None else tr("Pokaz")
    with st.popover(label, icon=":material/menu:", key="meet_menu"):
        if room.meeting is not None and raised is not None:
            st.markdown(
                f"**{md(room.meeting['title'])}** · {md(_polish_date(room.meeting['date']))}"
            )
            st.markdown(tr("**Potrzeby z tego spotkania: {count}**", count=len(raised)))
            for need in raised.to_dict("records"):
                st.markdown(f"- {md(need['title'])} — *{md(describe_place(need))}*")
        else:
            st.markdown(tr("Pokaz mapy: nic nie jest zapisywane."))
        st.radio(
            tr("Podkład"),
            LIGHT_FIRST,
            key="meet_tiles",
            horizontal=True,
            format_func=lambda t: tr(TILES[t].short_label),
        )
        if room.meeting is not None:
            with st.expander(tr("Zakończ spotkanie")):
                _close_form(room)
        if st.button(tr("Wyjdź z trybu spotkania"), icon=":material/close:", key="meet_exit"):
            _leave()
            st.switch_page("pages/mapa.py")


def _close_form(room: Room) -> None:
    """The meeting record: participants, decisions and task owners, plans; closing saves it."""
    current = room.meeting or {}
    with st.form("close_meeting"):
        participants = st.number_input(tr("Liczba uczestników"), min_value=1, step=1, value=None)
        decisions = st.text_area(tr("Ustalenia"))
        tasks = st.text_area(
            tr("Zadania i osoby odpowiedzialne"), placeholder=tr("kto — co — do kiedy")
        )
        plans = st.text_area(tr("Plany na kolejne spotkanie"))
        closed = st.form_submit_button(tr("Zakończ i zapisz spotkanie"), type="primary")
    if not closed:
        return
    author = room.author or str(st.session_state.get(_AUTHOR_PROMPT) or "").strip()
    if not author:
        st.error(tr("Wpisz w „Dodaj potrzebę”, kto prowadzi spotkanie."))
        return
    done = run_action(
        lambda: close_meeting(
            get_store(), current, participants=participants, decisions=decisions, tasks=tasks,
            plans=plans, author=author,
        )
    )  # fmt: skip
    if done is not None:
        _leave()
        st.session_state["meet_closed"] = current["title"]
        st.rerun()


# --- the map ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_meeting_map(
    location: str,
    version: int,
    city: str,
    slide_key: str,
    focus: str | None,
    tiles: TileChoice,
    lang: str,
) -> CityMap:
    store = _store_at(location)
    names = ("resources", "needs", "actions", "partnerships")
    # The projector faces the room: the public's rule (no people), as in exports.
    records = audience_records(
        {name: store.read_layer(name, city=city) for name in names}, Audience.PUBLIC
    )
    slide = next(s for s in SLIDES if s.key == slide_key)
    built = meeting_map(
        slide, store.read_layer("areas", city=city), records, focus=focus, tiles=tiles, lang=lang
    )
    # An inline style in the map's header: streamlit-folium keeps those (and
    # the file is small, not worth a request of its own).
    figure_of(built.map).header.add_child(
        RawElement(_style(_PROJECTOR_MAP_CSS)), name="projector_legend"
    )
    return built


def meeting_map_for(city: str, slide_key: str, *, focus: str | None, tiles: TileChoice) -> CityMap:
    """The slide's projector map in this run's language, rebuilt only when the data or the
    choices change."""
    store = get_store()
    with st.spinner(tr("Rysuję mapę…")):
        return _cached_meeting_map(
            store.location, store.data_version(), city, slide_key, focus, tiles, language()
        )


def show_clickable_map(built: CityMap, *, key: str) -> None:
    """Show the slide's map, filling the screen under the bar (``projector.css``).

    Clicks come back to the page (``capture_popover`` reads them on the next
    run, to place a need) and the point waiting for its need is drawn; pan
    and zoom stay in the browser.
    """
    st_folium(
        fresh_map(built.map),
        key=key,
        height=600,  # overridden: the map takes the rest of the screen
        use_container_width=True,
        returned_objects=_CLICK_RETURNS,
        feature_group_to_add=pending_place(st.session_state.get(_CLICK), language()),
    )


_CLICK_RETURNS = ["last_clicked", "last_object_clicked", "last_object_clicked_count"]
