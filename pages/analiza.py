"""Analiza — where needs meet resources: indicators, coverage ("zasięg"), matching and gaps."""

from datetime import date, timedelta

import streamlit as st

from mapping import diagnosis, ui
from mapping.analysis.coverage import COVERAGE_LABELS, UNCOVERED_LABELS, coverage, uncovered
from mapping.analysis.indicators import INDICATOR_LABELS, district_indicators
from mapping.analysis.matching import gaps, idle_resources, match_needs
from mapping.citymap import city_map
from mapping.schema import RESOURCES

ctx = ui.context()
today = date.today()
areas = ui.load_layer("areas", ctx.city)
resources = ui.load_layer("resources", ctx.city)
needs = ui.load_layer("needs", ctx.city)
st.title(f"Analiza — {ctx.city}")
tab_ind, tab_cov, tab_match = st.tabs(
    ["📊 Wskaźniki dzielnic", "🚶 Zasięg (białe plamy)", "🔗 Potrzeby i zasoby"]
)

with tab_ind:
    table = district_indicators(areas, resources, needs, today=today)
    st.dataframe(diagnosis.labelled(table, INDICATOR_LABELS), width="stretch")
    chosen = st.selectbox(
        "Wykres", list(INDICATOR_LABELS), index=3, format_func=lambda c: INDICATOR_LABELS[c][0]
    )
    st.bar_chart(table[chosen].dropna(), horizontal=True, height=max(300, 22 * len(table)))
    since = st.date_input(
        "Co się zmieniło od dnia (stan na dzień z historii zmian)",
        value=today - timedelta(days=365),
        max_value=today,
        format="DD.MM.YYYY",
    )
    store = ui.get_store()
    then = district_indicators(
        areas,
        store.read_layer_as_of("resources", since, city=ctx.city),
        store.read_layer_as_of("needs", since, city=ctx.city),
        today=since,
    )
    st.dataframe(diagnosis.indicator_change(table, then, INDICATOR_LABELS), width="stretch")

with tab_cov:
    cols = st.columns(3)
    categories = cols[0].multiselect(
        "Kategorie miejsc",
        RESOURCES.field("category").codes,
        default=["miejsce_spotkan", "kultura"],
        format_func=RESOURCES.field("category").choice_label,
    )
    groups = cols[1].multiselect(
        "Dla kogo",
        RESOURCES.field("target_groups").codes,
        default=["seniorzy"],
        format_func=RESOURCES.field("target_groups").choice_label,
    )
    distance = cols[2].radio(
        "Odległość (w linii prostej)", [500, 1000], format_func=lambda d: f"{d} m"
    )
    covered = coverage(resources, areas, categories=categories, target_groups=groups)
    outside = uncovered(areas, covered, distance)
    st.dataframe(diagnosis.labelled(covered, COVERAGE_LABELS), width="stretch")
    st.markdown(f"**Poza zasięgiem {distance} m** (liczba mieszkańców to szacunek)")
    st.dataframe(diagnosis.labelled(outside, UNCOVERED_LABELS), width="stretch")
    built = city_map(
        areas, {"resources": resources}, indicator=None, audience=ctx.audience, tiles="light"
    )
    diagnosis.add_overlay(built.map, covered.loc[[distance]], name=f"W zasięgu {distance} m",
                          color="#009E73", tooltip=f"do {distance} m od wybranych miejsc")  # fmt: skip  # noqa: E501
    diagnosis.add_overlay(built.map, outside, name="Poza zasięgiem", color="#D55E00",
                          tooltip="poza zasięgiem")  # fmt: skip
    ui.show_map(built, height=560, key="coverage_map")

with tab_match:
    matches = match_needs(needs, resources, today=today)
    holes = gaps(needs, matches)
    st.markdown(f"**Luki — otwarte potrzeby bez zasobu, który mógłby je zaspokoić: {len(holes)}**")
    st.dataframe(
        holes[["title", "district", "reason"]].rename(
            columns={"title": "Potrzeba", "district": "Dzielnica", "reason": "Dlaczego"}
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**Kandydaci do zaspokojenia potrzeb** — zaznacz wiersz i potwierdź dopasowanie")
    candidates = diagnosis.candidates_table(needs, resources, matches)
    picked = st.dataframe(
        candidates,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        column_config={"need_id": None, "resource_id": None},
    )
    rows = picked.selection.rows if picked else []
    confirm = st.button("🔗 Potwierdź dopasowanie", disabled=not (rows and ctx.author))
    if confirm and ui.run_action(
        lambda: diagnosis.confirm_match(
            ui.get_store(), candidates.iloc[rows[0]]["need_id"],
            candidates.iloc[rows[0]]["resource_id"], author=ctx.author,
        ),
        success="Powiązano potrzebę z zasobem.",
    ):  # fmt: skip
        st.rerun()
    idle = idle_resources(resources, matches, today=today)
    st.markdown(f"**Zasoby bez odpowiadającej potrzeby i dawno niezweryfikowane: {len(idle)}**")
    st.dataframe(
        idle[["name", "district", "reason"]].rename(
            columns={"name": "Zasób", "district": "Dzielnica", "reason": "Uwagi"}
        ),
        hide_index=True,
        width="stretch",
    )
