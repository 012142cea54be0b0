"""Mapa — districts shaded by an indicator, resources and needs, filters in the sidebar."""

import streamlit as st

from mapping import ui
from mapping.citymap import indicator_table
from mapping.mapview import count_stale

ctx = ui.context()
areas = ui.load_layer("areas", ctx.city)
view = ui.map_sidebar(areas)

built = ui.city_map_for(
    ctx.city,
    layers=("resources", "needs"),
    flt=view.filter,
    indicator=view.indicator,
    audience=ctx.audience,
    focus=view.focus,
    tiles=view.tiles,
    title=f"Mapa zasobów i potrzeb — {view.focus or ctx.city}",
)
stale = count_stale(ui.load_layer("resources", ctx.city))
st.markdown(f"#### {ui.md(view.focus or ctx.city)}: " + " · ".join(built.counts.values()))
st.caption(
    f"⏳ {stale} zasobów niezweryfikowanych od ponad 12 miesięcy (na mapie przerywany obrys) — "
    "lista na stronie „Aktualizacja”, karta „Do weryfikacji”."
)
if not built.has_polygons:
    st.info(
        "Granice dzielnic tego miasta nie są jeszcze wczytane — mapa pokazuje punkty, "
        "a dzielnice są na listach. Granice można zaimportować na stronie „Import”."
    )
ui.show_map(built)
with st.expander("Wskaźniki dzielnic"):
    st.dataframe(indicator_table(built.areas), width="stretch")
