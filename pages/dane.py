"""Dane — every layer of the city as a table, in Polish order."""

import streamlit as st

from mapping import ui
from mapping.plural import with_count
from mapping.schema import LAYERS
from mapping.tables import display_table

ctx = ui.context()
st.title(f"Dane — {ui.md(ctx.city)}")
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
rows = ui.data_rows_for(layer.name, ctx.city, ctx.audience, archived=show_archived)
st.caption(f"{with_count(len(rows), layer.count_forms)} · widoczne pola dla: {ctx.audience.label}")
ui.paged_dataframe(
    rows,
    key=f"dane_{layer.name}",
    shown_as=lambda page: display_table(layer, page, ctx.audience),
    hide_index=True,
    width="stretch",
)
ui.table_downloads(ctx, layer.name)  # the table's own download is off
