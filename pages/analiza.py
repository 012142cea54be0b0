"""Analiza — where needs meet resources: indicators, coverage ("zasięg"), matching and gaps."""

from datetime import date, timedelta

import streamlit as st

from mapping import diagnosis, ui
from mapping.analysis.charts import indicator_chart
from mapping.analysis.coverage import COVERAGE_LABELS, UNCOVERED_LABELS
from mapping.analysis.indicators import INDICATOR_LABELS
from mapping.analysis.summary import (
    DISTANCE_LABEL,
    change_labels,
    change_line,
    choice_codes,
    shown_table,
)
from mapping.areas import district_names
from mapping.language import writing
from mapping.schema import RESOURCES
from mapping.ui.area_tables import area_table

ctx = ui.context()
today = date.today()
areas = ui.load_layer("areas", ctx.city)
st.title(ui.tr("Analiza — {city}", city=ui.md(ctx.city)))
tab_ind, tab_cov, tab_match = st.tabs(
    [
        ui.tr("📊 Wskaźniki dzielnic"),
        ui.tr("🚶 Zasięg (białe plamy)"),
        ui.tr("🔗 Potrzeby i zasoby"),
    ],
    key="analysis_tab",
    on_change="rerun",
)

# Only the open tab is computed (on_change="rerun" reruns on a switch): each holds
# a whole analysis of the city — the change since a day reads the history, the
# coverage buffers every place, matching scores the candidate pairs.
if tab_ind.open:
    with tab_ind:
        table = ui.indicators_for(ctx.city, ctx.audience, today)
        rows = area_table(table, areas, INDICATOR_LABELS)
        chosen = st.selectbox(
            ui.tr("Wykres"),
            list(INDICATOR_LABELS),
            index=3,
            format_func=lambda c: ui.tr(INDICATOR_LABELS[c][0]),
            placeholder=ui.tr(ui.CHOOSE),
        )
        with writing(ui.language()):  # the chart's titles in the page's language
            chart = indicator_chart(rows, chosen, *INDICATOR_LABELS[chosen])
        st.altair_chart(chart, width="stretch")
        since = st.date_input(
            ui.tr("Co się zmieniło od dnia (stan na dzień z historii zmian)"),
            value=today - timedelta(days=365),
            max_value=today,
            format="DD.MM.YYYY",
        )
        then = ui.indicators_as_of(ctx.city, since)
        change = diagnosis.indicator_change(table, then, INDICATOR_LABELS)
        area_table(change, areas, change_labels(change), line=change_line)

if tab_cov.open:
    with tab_cov:
        cols = st.columns(4)
        categories = cols[0].multiselect(
            ui.tr("Kategorie miejsc"),
            choice_codes(RESOURCES.field("category")),
            default=["miejsce_spotkan", "kultura"],
            format_func=lambda c: ui.choice_of(RESOURCES.field("category"), c),
            placeholder=ui.tr(ui.CHOOSE),
        )
        groups = cols[1].multiselect(
            ui.label_of(RESOURCES.field("target_groups")),
            choice_codes(RESOURCES.field("target_groups")),
            default=["seniorzy"],
            format_func=lambda c: ui.choice_of(RESOURCES.field("target_groups"), c),
            placeholder=ui.tr(ui.CHOOSE),
        )
        distance = cols[2].radio(
            ui.tr("Odległość (w linii prostej)"), [500, 1000], format_func=lambda d: f"{d} m"
        )
        focus = cols[3].selectbox(
            ui.tr("Pokaż na mapie"),
            [None, *district_names(areas)],
            format_func=lambda d: ui.tr("całe miasto") if d is None else d,
            key="coverage_focus",
            placeholder=ui.tr(ui.CHOOSE),
        )
        reach = ui.coverage_for(
            ctx.city,
            ctx.audience,
            categories=categories,
            groups=groups,
            distance=distance,
            focus=focus,
        )
        with writing(ui.language()):  # the headers in the page's language
            covered = shown_table(reach.covered, COVERAGE_LABELS, index_label=DISTANCE_LABEL)
        st.dataframe(covered)
        st.markdown(
            ui.tr(
                "**Poza zasięgiem {distance} m** (liczba mieszkańców to szacunek)",
                distance=distance,
            )
        )
        area_table(reach.outside, areas, UNCOVERED_LABELS)
        # Drawn only in the open tab: a map fitted while its tab is hidden has no size
        # and Leaflet opens it at its closest zoom (a 100 m scale), not on the city.
        ui.show_map(reach.map, height=560, key="coverage_map")

if tab_match.open:
    with tab_match:
        matching = ui.matching_for(ctx.city, ctx.audience, today)
        st.markdown(
            ui.tr(
                "**Luki — otwarte potrzeby bez zasobu, który mógłby je zaspokoić: {count}**",
                count=len(matching.gaps),
            )
        )
        ui.paged_dataframe(
            ui.translated_columns(matching.gaps), key="gaps", hide_index=True, width="stretch"
        )
        st.markdown(
            ui.tr("**Kandydaci do zaspokojenia potrzeb** — zaznacz wiersz i potwierdź dopasowanie")
        )
        candidates = ui.translated_columns(matching.candidates, keep=("need_id", "resource_id"))
        picked, start = ui.paged_dataframe(
            candidates,
            key="candidates",
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            column_config={"need_id": None, "resource_id": None},
        )
        rows_picked = [start + row for row in picked.selection.rows] if picked else []
        confirm = st.button(
            ui.tr("🔗 Potwierdź dopasowanie"), disabled=not (rows_picked and ctx.author)
        )
        if confirm and ui.run_action(
            lambda: diagnosis.confirm_match(
                ui.get_store(),
                candidates.iloc[rows_picked[0]]["need_id"],
                candidates.iloc[rows_picked[0]]["resource_id"],
                author=ctx.author,
            ),
            success=ui.tr("Powiązano potrzebę z zasobem."),
        ):
            st.rerun()
        st.markdown(
            ui.tr(
                "**Zasoby bez odpowiadającej potrzeby i dawno niezweryfikowane: {count}**",
                count=len(matching.idle),
            )
        )
        ui.paged_dataframe(
            ui.translated_columns(matching.idle), key="idle", hide_index=True, width="stretch"
        )
