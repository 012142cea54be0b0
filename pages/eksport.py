"""Eksport — the map for partners, websites and notice boards; data for QGIS and Excel.

Public exports never contain personal data: every format goes through the same
privacy step (``mapping.export.export_frames``).
"""

import streamlit as st

from mapping import ui
from mapping.export import EXPORT_AUDIENCES, FORMATS, ExportRequest, export
from mapping.export.request import AUDIENCE_LABELS
from mapping.filters import district_options
from mapping.schema import LAYERS

ctx = ui.context()
st.title(f"Eksport — {ctx.city}")
areas = ui.load_layer("areas", ctx.city)
cols = st.columns(3)
fmt = cols[0].selectbox(
    "Format", list(FORMATS), format_func=lambda f: FORMATS[f].label, key="exp_fmt"
)
audience = cols[1].radio(
    "Dla kogo", EXPORT_AUDIENCES, format_func=AUDIENCE_LABELS.get, key="exp_audience",
    help="Publiczny: tylko pola publiczne, bez osób. Zespół: także pola zespołu. "
    "Dane prywatne nie są eksportowane nigdy.",
)  # fmt: skip
district = cols[2].selectbox(
    "Obszar", [None, *district_options(areas)], format_func=lambda d: d or "całe miasto",
    key="exp_district",
)  # fmt: skip
spec = FORMATS[fmt]
layers = st.multiselect(
    "Warstwy", list(LAYERS), default=list(spec.default_layers),
    format_func=lambda n: LAYERS[n].label, key=f"exp_layers_{fmt}",
)  # fmt: skip
paper, orientation, tiles, style = "A4", "portrait", "light", "standard"
if fmt == "html":
    tiles = st.radio(
        "Podkład", ["light", "osm", "none"], horizontal=True, key="exp_tiles",
        format_func={"light": "jasny (CARTO)", "osm": "OpenStreetMap", "none": "bez podkładu"}.get,
        help="Bez internetu mapa pokazuje granice dzielnic na jasnym tle.",
    )  # fmt: skip
    style = st.radio(
        "Styl", ["standard", "projector"], horizontal=True, key="exp_style",
        format_func={"standard": "zwykły", "projector": "na rzutnik (duży tekst)"}.get,
    )  # fmt: skip
if spec.printed:
    paper = st.radio("Papier", ["A4", "A3"], horizontal=True, key="exp_paper")
    orientation = st.radio(
        "Orientacja", ["portrait", "landscape"], horizontal=True, key="exp_orient",
        format_func={"portrait": "pionowa", "landscape": "pozioma"}.get,
    )  # fmt: skip
if st.button("Przygotuj plik", type="primary", disabled=not layers):
    request = ExportRequest(
        ctx.city, district=district, audience=audience, layers=tuple(layers),
        paper=paper, orientation=orientation, tiles=tiles, style=style,
    )  # fmt: skip
    with st.spinner("Przygotowuję plik…"):
        st.session_state["exp_file"] = ui.run_action(lambda: export(ui.get_store(), fmt, request))
made = st.session_state.get("exp_file")
if made is not None:
    st.download_button(
        f"⬇️ Pobierz {made.filename}", made.data, file_name=made.filename, mime=made.mime,
        type="primary",
    )  # fmt: skip
    st.caption(f"Rozmiar: {len(made.data) / 1024:.0f} KB")
