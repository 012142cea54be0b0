"""Spotkanie — the map on a projector: agenda slides, live capture of needs, the meeting record."""

import streamlit as st

from mapping import meeting, ui
from mapping.areas import district_names
from mapping.webmap.tiles import LIGHT_FIRST

ctx = ui.context()
ui.projector_mode()

# The open meeting (resumed from the page address after a reload), a presentation, or neither.
room = ui.meeting_room(ctx)
if room is None:
    st.title(ui.tr("Spotkanie partnerstwa — {city}", city=ui.md(ctx.city)))
    ui.start_screen(ctx)
    st.stop()

areas = ui.load_layer("areas", room.city)
districts = district_names(areas)
slide_no = ui.slide_number()
slide = meeting.SLIDES[slide_no]
map_key = f"meet_map_{slide.key}"

# One bar of controls; the map takes the rest of the screen.
with st.container(key="meet_bar", horizontal=True, vertical_alignment="center", gap="small"):
    ui.slide_buttons(slide_no)
    ui.slide_heading(slide_no, st.session_state.get("meet_focus"))
    focus = st.selectbox(
        ui.tr("Dzielnica"),
        [None, *districts],
        format_func=lambda d: d or ui.tr("całe miasto"),
        key="meet_focus",
        label_visibility="collapsed",
        width=300,
        placeholder=ui.tr(ui.CHOOSE),
    )
    if room.meeting is not None:
        ui.capture_popover(room, areas, districts, focus=focus, map_key=map_key)
    ui.room_menu(room)

with st.container(key="meet_map"):
    tiles = st.session_state.get("meet_tiles", LIGHT_FIRST[0])
    built = ui.meeting_map_for(room.city, slide.key, focus=focus, tiles=tiles)
    ui.show_clickable_map(built, key=map_key)
