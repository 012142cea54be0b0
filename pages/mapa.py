"""Mapa — districts shaded by an indicator, resources and needs, filters in the sidebar."""

import streamlit as st

from mapping import ui
from mapping.freshness import freshness
from mapping.schema import RESOURCES
from mapping.webmap.citymap import indicator_table

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
    title=ui.tr("Mapa zasobów i potrzeb — {where}", where=view.focus or ctx.city),
)
stale = freshness(ui.load_layer("resources", ctx.city)).describe(RESOURCES.count_forms)
st.markdown(
    ui.tr(
        "#### {where}: {counts}",
        where=ui.md(view.focus or ctx.city),
        counts=ui.md(" · ".join(ui.tr(c) for c in built.counts.values())),
    )
)
st.caption(
    ui.tr(
        "⏳ {stale} (na mapie przerywany obrys) — "
        "lista na stronie „Aktualizacja”, karta „Do weryfikacji”.",
        stale=stale,
    )
)
if not built.has_polygons:
    st.info(
        ui.tr(
            "Granice dzielnic tego miasta nie są jeszcze wczytane — mapa pokazuje punkty, "
            "a dzielnice są na listach. Wczytasz je jednym krokiem: strona „Import” → "
            "„Co importujesz: Granice dzielnic” → plik GeoJSON, GeoPackage, Shapefile (ZIP) "
            "lub KML z nazwami dzielnic; podgląd wypisze nazwy, których nie udało się dopasować."
        )
    )
    st.page_link(
        "pages/import_danych.py",
        label=ui.tr("Wczytaj granice dzielnic"),
        icon="📥",
        query_params={"warstwa": "districts"},
    )
ui.show_map(built)
with st.expander(ui.tr("Wskaźniki dzielnic")):
    # A data grid, not st.table: st.table reads its cells as Markdown, and district
    # names come from imported files (an image in a name would be fetched).
    st.dataframe(ui.translated_columns(indicator_table(built.areas)), width="stretch")
