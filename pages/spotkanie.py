"""Spotkanie — the map on a projector: agenda slides, live capture of needs, the meeting record."""

import streamlit as st

from mapping import meeting, ui
from mapping.filters import district_options
from mapping.schema import TARGET_GROUPS

ctx = ui.context()
store = ui.get_store()
ui.projector_mode()
areas = ui.load_layer("areas", ctx.city)
districts = district_options(areas)

current = ui.current_meeting(ctx.city)
if current is None:
    st.title(f"Spotkanie partnerstwa — {ctx.city}")
    ui.start_meeting_form(ctx, districts)
    st.stop()

slide_no = st.session_state.setdefault("slide", 0)
slide = meeting.SLIDES[slide_no]
top = st.columns([1, 6, 1, 3])
if top[0].button("◀ Wstecz", shortcut="PageUp", disabled=slide_no == 0, width="stretch"):
    st.session_state["slide"] = slide_no - 1
    st.rerun()
focus = top[3].selectbox(
    "Dzielnica", [None, *districts], format_func=lambda d: d or "całe miasto", key="meet_focus",
    label_visibility="collapsed",
)  # fmt: skip
top[1].markdown(
    f"<h1 class='slide-title'>{slide_no + 1}/{len(meeting.SLIDES)} · "
    f"{ui.escape(meeting.slide_title(slide, focus))}</h1>",
    unsafe_allow_html=True,
)
if top[2].button(
    "Dalej ▶", shortcut="PageDown", disabled=slide_no == len(meeting.SLIDES) - 1, width="stretch"
):
    st.session_state["slide"] = slide_no + 1
    st.rerun()
st.caption(f"{slide.prompt} · klawisze PageUp / PageDown (pilot) przełączają slajdy")

col_map, col_side = st.columns([3, 1])
with col_map:
    tiles = st.session_state.get("meet_tiles", "light")
    built = ui.meeting_map_for(ctx.city, slide.key, focus=focus, tiles=tiles)
    clicked = ui.show_clickable_map(built, height=760, key=f"meet_map_{slide.key}")
with col_side:
    st.markdown("### Dodaj potrzebę")
    with st.form("capture", clear_on_submit=True, border=False):
        what = st.text_input("Co?", placeholder="np. miejsce spotkań dla seniorów")
        for_whom = st.pills(
            "Dla kogo?", [g.code for g in TARGET_GROUPS], selection_mode="multi",
            format_func=lambda c: next(g.label for g in TARGET_GROUPS if g.code == c),
        )  # fmt: skip
        where_name = st.selectbox(
            "Gdzie?", [None, *districts], index=districts.index(focus) + 1 if focus else 0,
            format_func=lambda d: "punkt kliknięty na mapie" if d is None else d,
        )  # fmt: skip
        if st.form_submit_button("➕ Zapisz potrzebę", type="primary", width="stretch"):
            # No district and no click: "" makes capture_need ask for a place.
            where = ui.district_area(areas, where_name) if where_name else clicked or ""
            saved = ui.run_action(
                lambda: meeting.capture_need(
                    store, current, what=what, for_whom=for_whom or [], where=where,
                    author=ctx.author,
                ),
            )  # fmt: skip
            if saved:
                # Kept for the next run: the rerun that draws the need would erase a message.
                st.session_state["meet_saved"] = saved["title"]
                st.rerun()
    if last := st.session_state.get("meet_saved"):
        st.success(f"Zapisano — potrzeba jest już na mapie.  \n„{ui.md(last)}”", icon="✅")
    raised = meeting.needs_of_meeting(store, current["id"])
    st.markdown(f"**Potrzeby z tego spotkania: {len(raised)}**")
    for title in raised["title"]:
        st.markdown(f"- {ui.md(title)}")
    st.radio("Podkład", ["light", "osm", "none"], key="meet_tiles", horizontal=True,
             format_func={"light": "jasny", "osm": "OSM", "none": "brak"}.get)  # fmt: skip
    with st.expander("Zakończ spotkanie"):
        ui.close_meeting_form(current, author=ctx.author)
    st.page_link("pages/mapa.py", label="Wyjdź z trybu spotkania", icon=":material/close:")
