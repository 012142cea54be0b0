"""Partnerstwa — who works together where, and the year's report built from the store."""

from datetime import date

import streamlit as st

from mapping import permissions, ui
from mapping.export import EXPORT_AUDIENCES
from mapping.partnership import (
    actions_timeline,
    composition,
    composition_sentence,
    members_table,
)
from mapping.report import FORMAT_LABELS, FORMATS, render_report, report_content

ctx = ui.context()
st.title(ui.tr("Partnerstwa — {city}", city=ui.md(ctx.city)))
partnerships = ui.load_layer("partnerships", ctx.city, audience=ctx.audience)
resources = ui.load_layer("resources", ctx.city, audience=ctx.audience)

if partnerships.empty:
    st.info(ui.tr("Brak partnerstw w tym mieście — dodaj je na stronie „Aktualizacja”."))
elif without_members := [
    r["name"] for r in partnerships.to_dict("records") if not composition(r, resources)
]:
    st.info(
        ui.tr(
            "Bez listy członków: {names}. Członków dodasz na stronie „Aktualizacja”: warstwa "
            "Partnerstwa → wpis partnerstwa → pole „Członkowie” (wybierz zasoby z listy; "
            "brakującą organizację najpierw dodaj jako zasób).",
            names=ui.md(", ".join(without_members)),
        )
    )
for row in partnerships.to_dict("records"):
    counts = composition(row, resources)
    with st.expander(f"**{ui.md(row['name'])}** — {ui.tr(composition_sentence(counts))}"):
        signed = row.get("signed_on") or "—"
        st.write(
            ui.tr(
                "Dzielnice: {districts} · podpisane: {signed}",
                districts=ui.md(row.get("districts") or "—"),
                signed=ui.md(signed),
            )
        )
        st.write(ui.tr("Koordynator: {who}", who=ui.md(row.get("coordinator") or "—")))
        members = ui.translated_columns(members_table(row, resources))
        st.dataframe(members, hide_index=True, width="stretch")

st.subheader(ui.tr("Działania — oś czasu"))
timeline = actions_timeline(ui.load_layer("actions", ctx.city), partnerships)
if timeline.empty:
    st.caption(ui.tr("Brak działań — dodaj je na stronie „Aktualizacja” (warstwa Działania)."))
else:
    timeline = ui.translated_columns(timeline)
    st.bar_chart(timeline, x=ui.tr("Data"), y=ui.tr("Uczestnicy"), height=220)
    st.dataframe(timeline, hide_index=True, width="stretch")

st.divider()
st.subheader(ui.tr("Sprawozdanie roczne"))
st.caption(ui.tr("Gotowe do wysłania: liczby z mapy, nagłówek organizacji, numery stron."))
cols = st.columns(4)
year = cols[0].number_input(ui.tr("Rok"), 2000, 2100, date.today().year, key="rep_year")
names = [None, *partnerships["name"]]
chosen = cols[1].selectbox(
    ui.tr("Partnerstwo"),
    names,
    format_func=lambda n: n or ui.tr("wszystkie w mieście"),
    placeholder=ui.tr(ui.CHOOSE),
)
fmt = cols[2].radio(
    ui.tr("Format"), list(FORMATS), format_func=lambda f: ui.tr(FORMAT_LABELS[f]), horizontal=True
)
audience = cols[3].radio(
    ui.tr("Dla kogo"),
    [a for a in EXPORT_AUDIENCES if permissions.can_export(ctx.role, a)],
    format_func=lambda a: ui.tr(a.version_label),
    key="rep_audience",
    help=ui.tr("Publiczne (do miasta): bez osób prywatnych i bez planów zespołu."),
)
with st.expander(ui.tr("Nagłówek i własny szablon Word (opcjonalnie)")):
    organisation = st.text_input(
        ui.tr("Nadawca w nagłówku"), value=chosen or "", help=ui.tr("Domyślnie nazwa partnerstwa.")
    )
    logo = st.file_uploader(ui.tr("Logo organizacji (PNG lub JPEG)"), type=["png", "jpg", "jpeg"])
    template = st.file_uploader(
        ui.tr("Własny szablon (.docx)"),
        type=["docx"],
        help=ui.tr(
            "Dokument z papierem firmowym i polami {{ … }} — lista pól w README; "
            "{{p tresc}} wstawia całą treść sprawozdania. Tylko dla formatu Word."
        ),
    )
if st.button(ui.tr("Przygotuj sprawozdanie"), type="primary"):
    content = ui.run_action(
        lambda: report_content(
            ui.get_store(),
            city=ctx.city,
            year=int(year),
            partnership=chosen,
            audience=audience,
            organisation=organisation or None,
            logo=logo.getvalue() if logo else None,
            lang=ui.language(),
        )
    )
    if content is not None:
        data = ui.run_action(
            lambda: render_report(content, fmt, template.getvalue() if template else None)
        )
        if data is not None:
            st.session_state["report"] = (
                f"{ui.tr('sprawozdanie')}-{ctx.city}-{year}{fmt}",
                data,
                FORMATS[fmt][1],
            )
made = st.session_state.get("report")
if made:
    st.download_button(
        ui.tr("⬇️ Pobierz {name}", name=ui.md(made[0])),
        made[1],
        file_name=made[0],
        mime=made[2],
        type="primary",
    )
