"""Dane — every layer of the city as a table, in Polish order."""

import streamlit as st

from mapping import ui
from mapping.schema import LAYERS
from mapping.tables import display_table

ctx = ui.context()
st.title(f"Dane — {ctx.city}")
layer = LAYERS[
    st.segmented_control(
        "Warstwa",
        list(LAYERS),
        format_func=lambda name: LAYERS[name].label,
        default="resources",
        key="dane_layer",
    )
    or "resources"
]
show_archived = st.toggle("Pokaż także zarchiwizowane", key="dane_archived")
frame = ui.load_layer(layer.name, ctx.city, include_archived=show_archived)
st.caption(f"{len(frame)} wpisów · widoczne pola dla: {ui.AUDIENCE_LABELS[ctx.audience]}")
st.dataframe(display_table(layer, frame, ctx.audience), hide_index=True, width="stretch")
