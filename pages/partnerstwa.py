"""Partnerstwa — who works together where, and the year's report built from the store."""

from datetime import date

import streamlit as st

from mapping import ui
from mapping.partnership import (
    actions_timeline,
    composition,
    composition_sentence,
    members_table,
)
from mapping.report import FORMATS, render_report, report_content

ctx = ui.context()
st.title(f"Partnerstwa — {ctx.city}")
partnerships = ui.load_layer("partnerships", ctx.city)
resources = ui.load_layer("resources", ctx.city)

if partnerships.empty:
    st.info("Brak partnerstw w tym mieście — dodaj je na stronie „Aktualizacja”.")
for row in partnerships.to_dict("records"):
    counts = composition(row, resources)
    with st.expander(f"**{ui.md(row['name'])}** — {composition_sentence(counts)}"):
        districts, signed = ui.md(row.get("districts") or "—"), row.get("signed_on") or "—"
        st.write(f"Dzielnice: {districts} · podpisane: {signed}")
        st.write(f"Koordynator: {ui.md(row.get('coordinator') or '—')}")
        st.dataframe(members_table(row, resources), hide_index=True, width="stretch")

st.subheader("Działania — oś czasu")
timeline = actions_timeline(ui.load_layer("actions", ctx.city), partnerships)
if timeline.empty:
    st.caption("Brak działań — dodaj je na stronie „Aktualizacja” (warstwa Działania).")
else:
    st.bar_chart(timeline, x="Data", y="Uczestnicy", height=220)
    st.dataframe(timeline, hide_index=True, width="stretch")

st.divider()
st.subheader("Sprawozdanie roczne")
st.caption("Wszystkie liczby pochodzą z mapy — nic nie trzeba przepisywać ręcznie.")
cols = st.columns(3)
year = cols[0].number_input("Rok", 2000, 2100, date.today().year, key="rep_year")
names = [None, *partnerships["name"]]
chosen = cols[1].selectbox("Partnerstwo", names, format_func=lambda n: n or "wszystkie w mieście")
fmt = cols[2].radio("Format", list(FORMATS), format_func={".html": "HTML (do druku)", ".docx": "Word (DOCX)"}.get, horizontal=True)  # fmt: skip  # noqa: E501
if st.button("Przygotuj sprawozdanie", type="primary"):
    content = ui.run_action(
        lambda: report_content(ui.get_store(), city=ctx.city, year=int(year), partnership=chosen)
    )
    if content is not None:
        st.session_state["report"] = (
            f"sprawozdanie-{ctx.city}-{year}{fmt}",
            render_report(content, fmt),
            FORMATS[fmt][1],
        )
made = st.session_state.get("report")
if made:
    st.download_button(
        f"⬇️ Pobierz {made[0]}", made[1], file_name=made[0], mime=made[2], type="primary"
    )
