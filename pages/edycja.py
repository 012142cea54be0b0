"""Aktualizacja — add, edit, verify, archive and restore entries; nothing is ever lost."""

import streamlit as st

from mapping import editing, permissions, ui
from mapping.freshness import freshness
from mapping.importing.completion import incomplete_records
from mapping.schema import LAYERS, Audience

EDITABLE = ["resources", "needs", "actions", "partnerships", "meetings", "areas"]

ctx = ui.context()
editable = [name for name in EDITABLE if permissions.can_edit(ctx.role, name)]
# Editing shows what the role may see, whatever the sidebar's "who is watching" preview says.
sees = permissions.audience_for(ctx.role)
st.title(ui.tr("Aktualizacja mapy — {city}", city=ui.md(ctx.city)))
layer = LAYERS[
    st.segmented_control(
        ui.tr("Warstwa"),
        editable,
        format_func=lambda name: ui.label_of(LAYERS[name]),
        default=editable[0],
        key="edit_layer",
    )
    or editable[0]
]
editor = ui.RecordEditor(layer, ctx)  # carries out what was asked for on the last run
editor.ask_for_author()
editor.show_notice()
tab_edit, tab_stale, tab_unlocated, tab_history, tab_incomplete = st.tabs(
    [
        ui.tr("✏️ Dodaj / edytuj"),
        ui.tr("⏳ Do weryfikacji"),
        ui.tr("📍 Bez lokalizacji"),
        ui.tr("🕓 Historia"),
        ui.tr("🧩 Do uzupełnienia"),
    ]
)

with tab_edit:
    record = editor.choose_record()
    col_form, col_map = st.columns([3, 2])
    with col_map:
        editor.location_picker()
    with col_form:
        editor.form()
    editor.conflict_panel()
    editor.record_actions()

with tab_stale:
    max_age = st.number_input(ui.tr("Nieweryfikowane dłużej niż (dni)"), 30, 3650, 365, step=30)
    active = editor.active_records()
    stale = editing.stale_records(layer, active, max_age_days=max_age)
    counts = freshness(active, max_age_days=max_age)
    st.caption(ui.tr("{counts} — najstarsze na górze", counts=counts.describe(layer.count_forms)))
    picked = st.dataframe(
        ui.translated_columns(stale.rename(columns=editing.STALE_COLUMNS), keep=("id",)),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        column_config={"id": None},
    )
    editor.verify_button(list(stale.iloc[picked.selection.rows]["id"]) if picked else [])

with tab_unlocated:
    missing = editing.unlocated_records(layer, editor.active_records())
    if missing.empty:
        st.success(ui.tr("Wszystkie wpisy mają lokalizację."))
    else:
        st.caption(
            ui.tr(
                "{count} bez lokalizacji — wybierz wpis i kliknij mapę.",
                count=ui.count_of(len(missing), layer),
            )
        )
        target = st.selectbox(
            ui.tr("Wpis bez lokalizacji"),
            list(missing["id"]),
            format_func=editing.record_choices(layer, missing).get,
            placeholder=ui.tr(ui.CHOOSE),
        )
        row = missing.set_index("id").loc[target]
        st.write(ui.tr("Adres: {address}", address=ui.md(row.get("address") or "—")))
        editor.place_unlocated(target, int(row["version"]))

with tab_history:
    if record is None:
        st.info(ui.tr("Wybierz wpis na karcie „Dodaj / edytuj”, aby zobaczyć jego historię."))
    elif sees != Audience.EDITOR:  # the history holds every field, private included
        st.info(ui.tr("Historię zmian wpisu widzą animatorzy i administratorzy."))
    else:
        history = editing.history_table(ui.get_store(), layer, record["id"])
        st.dataframe(ui.translated_columns(history), hide_index=True, width="stretch")
        editor.restore_button(
            int(
                st.selectbox(
                    ui.tr("Wersja do przywrócenia"),
                    list(history["wersja"]),
                    placeholder=ui.tr(ui.CHOOSE),
                )
            )
        )

with tab_incomplete:
    incomplete = incomplete_records(layer, editor.records)
    if incomplete.empty:
        st.success(ui.tr("Żaden wpis nie czeka na uzupełnienie."))
    else:
        st.caption(
            ui.tr(
                "{count} z importu bez rozpoznanego rodzaju lub kategorii "
                "(status „do uzupełnienia”). Otwórz wpis, popraw pola i zmień status.",
                count=ui.count_of(len(incomplete), layer),
            )
        )
        labels = {
            "name": ui.tr("nazwa"),
            "title": ui.tr("nazwa"),
            "kind": ui.tr("rodzaj"),
            "category": ui.tr("kategoria"),
        }
        st.dataframe(
            incomplete.rename(columns={**labels, "notes": ui.tr("uwagi")}),
            hide_index=True,
            width="stretch",
            column_config={"id": None},
        )
        to_open = st.selectbox(
            ui.tr("Wpis do uzupełnienia"),
            list(incomplete["id"]),
            format_func=editing.record_choices(layer, incomplete).get,
            key=f"incomplete_pick_{layer.name}",
            placeholder=ui.tr(ui.CHOOSE),
        )
        editor.open_button(ui.tr("✏️ Otwórz na karcie „Dodaj / edytuj”"), to_open)
