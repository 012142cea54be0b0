"""Aktualizacja — add, edit, verify, archive and restore entries; nothing is ever lost."""

from datetime import date

import streamlit as st

from mapping import editing, ui
from mapping.schema import LAYERS

NEW = "__nowy__"
EDITABLE = ["resources", "needs", "actions", "partnerships", "meetings", "areas"]

ctx = ui.context()
store = ui.get_store()
st.title(f"Aktualizacja mapy — {ctx.city}")
if not ctx.author:
    st.warning("Wpisz swoje imię w panelu bocznym — każda zmiana zapisuje, kto ją wprowadził.")

layer = LAYERS[
    st.segmented_control(
        "Warstwa",
        EDITABLE,
        format_func=lambda name: LAYERS[name].label,
        default="resources",
        key="edit_layer",
    )
    or "resources"
]
frame = ui.load_layer(layer.name, ctx.city, include_archived=True)
areas = ui.load_layer("areas", ctx.city)
tab_edit, tab_stale, tab_unlocated, tab_history = st.tabs(
    ["✏️ Dodaj / edytuj", "⏳ Do weryfikacji", "📍 Bez lokalizacji", "🕓 Historia"]
)

with tab_edit:
    choices = editing.record_choices(layer, frame)
    ui.apply_pending_selection(f"edit_pick_{layer.name}")
    selected = st.selectbox(
        "Wpis",
        [NEW, *choices],
        format_func=lambda i: "➕ nowy wpis" if i == NEW else choices[i],
        key=f"edit_pick_{layer.name}",
    )
    record = None if selected == NEW else ui.opened_record(layer, selected)
    form_key = f"form_{layer.name}_{selected}_{record['version'] if record else 0}"
    errors = st.session_state.get(f"{form_key}_errors", {})
    if record and record["archived_at"]:
        st.info("Ten wpis jest w archiwum — nie widać go na mapie. Możesz go przywrócić.")
    col_form, col_map = st.columns([3, 2])
    geometry = record["geometry"] if record else None
    if layer.geometry:
        with col_map:
            st.markdown("**Lokalizacja** — kliknij mapę")
            geometry = ui.location_picker(
                areas,
                geometry,
                key=f"pick_{form_key}",
                points=layer.geometry != "MULTIPOLYGON",
                draw_areas=layer.geometry != "POINT",
            )
    with col_form:
        refs = {
            f.ref_layer: editing.record_choices(
                LAYERS[f.ref_layer], ui.load_layer(f.ref_layer, ctx.city)
            )
            for f in layer.fields
            if f.ref_layer
        }
        values = ui.record_form(
            layer,
            record or editing.new_record_defaults(layer, ctx.city),
            key=form_key,
            ref_options=refs,
            errors=errors,
            submit_label="Zapisz zmiany" if record else "Dodaj wpis",
        )
    if values is not None and ctx.author:
        if layer.geometry:
            values = editing.with_district(layer, {**values, "geometry": geometry}, areas)
        saved = ui.save_record(layer, record, values, author=ctx.author, key=form_key)
        if saved is not None:
            ui.select_after_rerun(f"edit_pick_{layer.name}", saved["id"])
            ui.forget_location(f"pick_{form_key}")
            st.toast("Zapisano.", icon="✅")
            st.rerun()
    ui.conflict_panel(layer, record["id"] if record else None, author=ctx.author)
    if record:
        ui.record_actions(layer, record, author=ctx.author)

with tab_stale:
    max_age = st.number_input("Nieweryfikowane dłużej niż (dni)", 30, 3650, 365, step=30)
    stale = editing.stale_records(layer, frame[frame["archived_at"].isna()], max_age_days=max_age)
    st.caption(f"{len(stale)} wpisów do weryfikacji (najstarsze na górze)")
    picked = st.dataframe(
        stale.rename(columns=editing.STALE_COLUMNS),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        column_config={"id": None},
    )
    rows = picked.selection.rows if picked else []
    if st.button(
        f"✅ Potwierdzam aktualność zaznaczonych ({len(rows)})", disabled=not (rows and ctx.author)
    ):
        ids = list(stale.iloc[rows]["id"])
        if ui.run_action(
            lambda: editing.verify_many(
                store, layer.name, ids, author=ctx.author, today=date.today()
            )
        ):
            st.rerun()

with tab_unlocated:
    missing = editing.unlocated_records(layer, frame[frame["archived_at"].isna()])
    if missing.empty:
        st.success("Wszystkie wpisy mają lokalizację.")
    else:
        st.caption(f"{len(missing)} wpisów bez lokalizacji — wybierz wpis i kliknij mapę.")
        target = st.selectbox("Wpis bez lokalizacji", list(missing["id"]),
                              format_func=editing.record_choices(layer, missing).get)  # fmt: skip
        row = missing.set_index("id").loc[target]
        st.write(f"Adres: {ui.md(row.get('address') or '—')}")
        point = ui.location_picker(areas, None, key=f"unlocated_{target}")
        if st.button("📍 Zapisz lokalizację", disabled=not (point and ctx.author)):
            located = editing.with_district(layer, {"geometry": point}, areas)
            saved = ui.run_action(
                lambda: store.update(
                    layer.name, target, located, expected_version=int(row["version"]),
                    author=ctx.author,
                )
            )  # fmt: skip
            if saved:
                ui.forget_location(f"unlocated_{target}")
                st.rerun()

with tab_history:
    if selected == NEW:
        st.info("Wybierz wpis na karcie „Dodaj / edytuj”, aby zobaczyć jego historię.")
    else:
        history = editing.history_table(store, layer, selected)
        st.dataframe(history, hide_index=True, width="stretch")
        version = st.selectbox("Wersja do przywrócenia", list(history["wersja"]))
        if st.button(f"Przywróć wersję {version}", disabled=not ctx.author):
            ui.run_action(
                lambda: store.restore(layer.name, selected, int(version), author=ctx.author)
            ) and st.rerun()
