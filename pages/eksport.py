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
st.title(ui.tr("Eksport — {city}", city=ui.md(ctx.city)))
areas = ui.load_layer("areas", ctx.city)
cols = st.columns(3)
fmt = cols[0].selectbox(
    ui.tr("Format"),
    list(FORMATS),
    format_func=lambda f: ui.tr(FORMATS[f].label),
    key="exp_fmt",
    placeholder=ui.tr(ui.CHOOSE),
)
audience = cols[1].radio(
    ui.tr("Dla kogo"),
    [a for a in EXPORT_AUDIENCES if permissions.can_export(ctx.role, a)],
    format_func=lambda a: ui.tr(a.version_label),
    key="exp_audience",
    help=ui.tr(
        "Publiczny: tylko pola publiczne, bez osób. Zespół: także pola zespołu. "
        "Dane prywatne nie są eksportowane nigdy."
    ),
)
district = cols[2].selectbox(
    ui.tr("Obszar"),
    [None, *district_names(areas)],
    format_func=lambda d: d or ui.tr("całe miasto"),
    key="exp_district",
    placeholder=ui.tr(ui.CHOOSE),
)
spec = FORMATS[fmt]
layers = st.multiselect(
    ui.tr("Warstwy"),
    list(LAYERS),
    default=list(spec.default_layers),
    format_func=lambda n: ui.label_of(LAYERS[n]),
    key=f"exp_layers_{fmt}",
    placeholder=ui.tr(ui.CHOOSE),
)
options = {}  # what this format asks; ExportRequest's defaults for the rest
if fmt == "html":
    options["tiles"] = st.radio(
        ui.tr("Podkład"),
        MAP_TILES,
        format_func=lambda t: ui.tr(tile_label(t)),
        horizontal=True,
        key="exp_tiles",
        help=ui.tr("Bez internetu mapa pokazuje granice dzielnic na jasnym tle."),
    )
    options["style"] = st.radio(
        ui.tr("Styl"),
        list(STYLES),
        format_func=lambda s: ui.tr(STYLES[s].label),
        horizontal=True,
        key="exp_style",
    )
if spec.printed:
    options["paper"] = st.radio(ui.tr("Papier"), list(PAPERS), horizontal=True, key="exp_paper")
    options["orientation"] = st.radio(
        ui.tr("Orientacja"),
        list(ORIENTATIONS),
        format_func=lambda o: ui.tr(ORIENTATIONS[o]),
        horizontal=True,
        key="exp_orient",
    )
if st.button(ui.tr("Przygotuj plik"), type="primary", disabled=not layers):
    request = ExportRequest(
        ctx.city,
        district=district,
        audience=audience,
        layers=tuple(layers),
        lang=ui.language(),
        **options,
    )
    with st.spinner(ui.tr("Przygotowuję plik…")):
        st.session_state["exp_file"] = ui.run_action(
            lambda: export(ui.cached_store(), fmt, request)
        )
made = st.session_state.get("exp_file")
if made is not None:
    st.download_button(
        ui.tr("⬇️ Pobierz {name}", name=ui.md(made.filename)),
        made.data,
        file_name=made.filename,
        mime=made.mime,
        type="primary",
    )
    st.caption(ui.tr("Rozmiar: {size:.0f} KB", size=len(made.data) / 1024))

st.divider()
ui.backup_panel(ctx)
