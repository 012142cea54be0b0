"""Dane — every layer of the city as a table, in Polish order."""

import streamlit as st

from mapping import ui
from mapping.schema import LAYERS
from mapping.tables import display_table

ctx = ui.context()
st.title(ui.tr("Dane — {city}", city=ui.md(ctx.city)))
layer = LAYERS[
    st.segmented_control(
        ui.tr("Warstwa"),
        list(LAYERS),
        format_func=lambda name: ui.label_of(LAYERS[name]),
        default="resources",
        key="dane_layer",
    )
    or "resources"
]
show_archived = st.toggle(ui.tr("Pokaż także zarchiwizowane"), key="dane_archived")
rows = ui.data_rows_for(layer.name, ctx.city, ctx.audience, archived=show_archived)
st.caption(
    ui.tr(
        "{count} · widoczne pola dla: {who}",
        count=ui.count_of(len(rows), layer),
        who=ui.tr(ctx.audience.label),
    )
)
ui.paged_dataframe(
    rows,
    key=f"dane_{layer.name}",
    shown_as=lambda page: ui.labelled_columns(display_table(layer, page, ctx.audience), layer),
    hide_index=True,
    width="stretch",
)
ui.table_downloads(ctx, layer.name)  # the table's own download is off
