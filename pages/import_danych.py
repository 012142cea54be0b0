"""Import — partner lists from Excel/CSV and GIS files, with a preview before anything is stored."""

import json

import streamlit as st

from mapping import ui
from mapping.importing import (
    IMPORT_LAYERS,
    SUPPORTED_SUFFIXES,
    build_report,
    commit_import,
    plan_import,
    targets,
)
from mapping.importing.preview import DECISION_LABELS, Decision

LAYER_LABELS = {"resources": "Zasoby", "needs": "Potrzeby", "districts": "Granice dzielnic"}

ctx = ui.context()
store = ui.get_store()
st.title(f"Import danych — {ctx.city}")
st.caption(
    "CSV (UTF-8 lub Windows-1250, „;” lub „,”), XLSX, GeoJSON, GeoPackage, Shapefile (ZIP). "
    "Najpierw zobaczysz podgląd — nic nie zostanie zapisane bez Twojej decyzji."
)
layer = st.radio(
    "Co importujesz", IMPORT_LAYERS, format_func=LAYER_LABELS.get, horizontal=True, key="imp_layer"
)
upload = st.file_uploader("Plik", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], key="imp_file")
crs = st.selectbox(
    "Układ współrzędnych",
    [None, "EPSG:4326", "EPSG:2180", "EPSG:2176", "EPSG:2177", "EPSG:2178", "EPSG:2179"],
    format_func=lambda c: "rozpoznaj automatycznie" if c is None else c,
    key="imp_crs",
)

if upload is not None:
    path = ui.saved_upload(upload)
    plan_key = (upload.file_id, layer, ctx.city, crs, json.dumps(st.session_state.get("imp_map")))
    if st.session_state.get("imp_plan_key") != plan_key:
        with st.spinner("Czytam plik i sprawdzam wiersze…"):
            plan = ui.run_action(
                lambda: plan_import(
                    path, layer, ctx.city, store, st.session_state.get("imp_map"), crs
                )
            )
        st.session_state["imp_plan"], st.session_state["imp_plan_key"] = plan, plan_key
        st.session_state.pop("imp_result", None)
    plan = st.session_state.get("imp_plan")
    if plan is not None:
        st.info(f"Odczytano: {plan.describe_source()}")
        for note in plan.notes:
            st.warning(note)
        with st.expander("Dopasowanie kolumn — sprawdź i popraw", expanded=True):
            options = targets(layer)
            edited = st.data_editor(
                plan.mapping_table()[["kolumna", "pole"]],
                column_config={
                    "kolumna": st.column_config.TextColumn("Kolumna w pliku", disabled=True),
                    "pole": st.column_config.SelectboxColumn(
                        "Pole mapy", options=["", *options], help="puste = pomiń kolumnę"
                    ),
                },
                hide_index=True,
                key=f"imp_editor_{plan_key[0]}",
            )
            if st.button("Zastosuj dopasowanie"):
                st.session_state["imp_map"] = {
                    row.kolumna: (row.pole or None) for row in edited.itertuples()
                }
                st.rerun()
        report = build_report(plan)
        cols = st.columns(4)
        cols[0].metric("Do zapisania", report["accepted"])
        cols[1].metric("Odrzucone", len(report["rejected"]))
        cols[2].metric("Możliwe duplikaty", len(report["duplicates"]))
        cols[3].metric("Bez lokalizacji", report["unlocated"])
        preview = plan.preview()
        st.dataframe(preview, hide_index=True, width="stretch")
        choosable = [r for r in plan.rows if len(r.allowed_decisions) > 1 and r.duplicate]
        for row in choosable:
            choice = st.segmented_control(
                f"Wiersz {row.row}: „{ui.md(row.title)}” — możliwy duplikat",
                row.allowed_decisions,
                format_func=DECISION_LABELS.get,
                default=row.decision,
                key=f"imp_decision_{plan_key[0]}_{row.row}",
            )
            plan.decide(row.row, choice or Decision.SKIP)
        if not ctx.author:
            st.warning("Wpisz swoje imię w panelu bocznym, aby zapisać import.")
        if st.button("💾 Zapisz import", type="primary", disabled=not ctx.author):
            bar = st.progress(0.0, text="Zapisuję…")
            result = ui.run_action(
                lambda: commit_import(
                    plan,
                    store,
                    ctx.author,
                    progress=lambda n, total: bar.progress(n / max(total, 1)),
                )
            )
            if result is not None:
                st.session_state["imp_result"] = result
        result = st.session_state.get("imp_result")
        if result is not None:
            st.success(
                f"Zapisano: {len(result.created)} nowych, {len(result.updated)} zmienionych, "
                f"{result.skipped} pominiętych. Numer importu: {result.batch_id}"
            )
            st.download_button(
                "Pobierz raport (JSON)",
                json.dumps(build_report(plan, result), ensure_ascii=False, indent=2),
                file_name="raport-importu.json",
                mime="application/json",
            )
            if st.button("↩️ Cofnij cały import", disabled=not ctx.author) and ui.run_action(
                lambda: store.undo_batch(result.batch_id, author=ctx.author),
                success="Import cofnięty.",
            ):
                st.session_state.pop("imp_result")
