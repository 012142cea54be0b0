"""Eksport — the map for partners, websites and notice boards; data for QGIS and Excel.

Public exports never contain personal data: every format goes through the same
privacy step (``mapping.export.export_frames``).
"""

import streamlit as st

from mapping import permissions, ui
from mapping.areas import district_names
from mapping.export import EXPORT_AUDIENCES, FORMATS, ExportRequest, export
from mapping.export.request import MAP_TILES, ORIENTATIONS, PAPERS
from mapping.schema import LAYERS
from mapping.webmap.styles import STYLES
from mapping.webmap.tiles import tile_label

ctx = ui.context()
st.title(f"Eksport — {ui.md(ctx.city)}")
areas = ui.load_layer("areas", ctx.city)
cols = st.columns(3)
fmt = cols[0].selectbox(
    "Format",
    list(FORMATS),
    format_func=lambda f: FORMATS[f].label,
    key="exp_fmt",
    placeholder=ui.CHOOSE,
)
audience = cols[1].radio(
    "Dla kogo",
    [a for a in EXPORT_AUDIENCES if permissions.can_export(ctx.role, a)],
    format_func=lambda a: a.version_label,
    key="exp_audience",
    help="Publiczny: tylko pola publiczne, bez osób. Zespół: także pola zespołu. "
    "Dane prywatne nie są eksportowane nigdy.",
)
district = cols[2].selectbox(
    "Obszar",
    [None, *district_names(areas)],
    format_func=lambda d: d or "całe miasto",
    key="exp_district",
    placeholder=ui.CHOOSE,
)
spec = FORMATS[fmt]
layers = st.multiselect(
    "Warstwy",
    list(LAYERS),
    default=list(spec.default_layers),
    format_func=lambda n: LAYERS[n].label,
    key=f"exp_layers_{fmt}",
    placeholder=ui.CHOOSE,
)
options = {}  # what this format asks; ExportRequest's defaults for the rest
if fmt == "html":
    options["tiles"] = st.radio(
        "Podkład",
        MAP_TILES,
        format_func=tile_label,
        horizontal=True,
        key="exp_tiles",
        help="Bez internetu mapa pokazuje granice dzielnic na jasnym tle.",
    )
    options["style"] = st.radio(
        "Styl",
        list(STYLES),
        format_func=lambda s: STYLES[s].label,
        horizontal=True,
        key="exp_style",
    )
if spec.printed:
    options["paper"] = st.radio("Papier", list(PAPERS), horizontal=True, key="exp_paper")
    options["orientation"] = st.radio(
        "Orientacja",
        list(ORIENTATIONS),
        format_func=ORIENTATIONS.get,
        horizontal=True,
        key="exp_orient",
    )
if st.button("Przygotuj plik", type="primary", disabled=not layers):
    request = ExportRequest(
        ctx.city, district=district, audience=audience, layers=tuple(layers), **options
    )
    with st.spinner("Przygotowuję plik…"):
        st.session_state["exp_file"] = ui.run_action(
            lambda: export(ui.cached_store(), fmt, request)
        )
made = st.session_state.get("exp_file")
if made is not None:
    st.download_button(
        f"⬇️ Pobierz {ui.md(made.filename)}",
        made.data,
        file_name=made.filename,
        mime=made.mime,
        type="primary",
    )
    st.caption(f"Rozmiar: {len(made.data) / 1024:.0f} KB")

st.divider()
ui.backup_panel(ctx)
