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
from mapping.importing.completion import classification_fields
from mapping.importing.coordinates import KNOWN_CRS, crs_label
from mapping.importing.parts import source_parts
from mapping.importing.preview import DECISION_LABELS, SKIP_LABEL, Decision, mapping_from_labels
from mapping.importing.targets import IMPORT_LAYER_LABELS, store_layer
from mapping.ui.i18n import said, translated_cells
from mapping.ui.osm_fetch import osm_download

ctx = ui.context()
store = ui.get_store()
st.title(ui.tr("Import danych — {city}", city=ui.md(ctx.city)))
st.caption(
    ui.tr(
        "CSV (UTF-8 lub Windows-1250, „;” lub „,”), XLSX, GeoJSON, GeoPackage, Shapefile (ZIP), "
        "KML/KMZ (Google My Maps), uMap (.umap), dane OpenStreetMap (Overpass). "
        "Najpierw zobaczysz podgląd — nic nie zostanie zapisane bez Twojej decyzji. "
        "Plik z eksportu tej mapy (z kolumnami id i wersja) poprawia istniejące wpisy."
    )
)
# -- District boundaries in one step (issue 17): the map's link opens the page on them.
if st.query_params.get("warstwa") == "districts":
    st.session_state["imp_layer"] = "districts"
    del st.query_params["warstwa"]  # once: the choice stays the user's
# -- end district boundaries
layer = st.radio(
    ui.tr("Co importujesz"),
    IMPORT_LAYERS,
    format_func=lambda name: ui.tr(IMPORT_LAYER_LABELS[name]),
    horizontal=True,
    key="imp_layer",
)
if layer == "districts":  # -- district boundaries (issue 17)
    st.caption(
        ui.tr(
            "Granice dzielnic: GeoJSON, GeoPackage, Shapefile (ZIP) lub KML z kolumną nazwy "
            "dzielnicy. Nazwy dopasujemy do dzielnic miasta; podgląd wypisze nazwy z pliku, "
            "których miasto nie ma, i dzielnice, które nadal zostaną bez granicy."
        )
    )
upload = st.file_uploader(
    ui.tr("Plik"), type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES], key="imp_file"
)
# -- OpenStreetMap (issue 15): a district's places, fetched only on request, stand in
# for the uploaded file and go through the same preview.
upload = osm_download(store, ctx.city) or upload
# -- end OpenStreetMap
crs = st.selectbox(
    ui.tr("Układ współrzędnych"),
    [None, *KNOWN_CRS],
    format_func=lambda c: ui.tr("rozpoznaj automatycznie") if c is None else ui.tr(crs_label(c)),
    key="imp_crs",
    placeholder=ui.tr(ui.CHOOSE),
)
defaults: dict[str, str | None] = {}
classifications = classification_fields(layer)
if classifications:
    st.caption(ui.tr("Dla wierszy bez rodzaju lub kategorii, których nie da się odgadnąć z nazwy:"))
    for col, f in zip(st.columns(len(classifications)), classifications, strict=True):
        defaults[f.name] = col.selectbox(
            ui.tr("Domyślnie: {field}", field=ui.label_of(f).lower()),
            [None, *f.codes],
            format_func=lambda c, f=f: (
                ui.tr("oznacz „do uzupełnienia”") if c is None else ui.choice_of(f, c)
            ),
            key=f"imp_default_{layer}_{f.name}",
            placeholder=ui.tr(ui.CHOOSE),
        )

if upload is None:
    ui.discard_upload()  # the file was taken off the page: its copy goes too
else:
    done = st.session_state.get("imp_done") == upload.file_id
    path = None if done else ui.saved_upload(upload)
    # After the import the file is gone: the part stays the one it was read from.
    part = (st.session_state.get("imp_plan_key") or [None])[-1] if done else None
    parts = source_parts(path, store_layer(layer)) if path is not None else None
    if parts is not None and parts.choosable:
        part = st.selectbox(
            ui.tr("{kind} pliku do wczytania", kind=ui.tr(parts.kind).capitalize()),
            parts.options,
            format_func=lambda name: said(parts.label(name)),
            index=parts.options.index(parts.default) if parts.default in parts.options else 0,
            help=ui.tr(
                "Domyślnie ten nazwany jak importowana warstwa (np. „Zasoby”), inaczej pierwszy."
            ),
            key=f"imp_part_{upload.file_id}_{layer}",
            placeholder=ui.tr(ui.CHOOSE),
        )
    plan_key = (
        upload.file_id,
        layer,
        ctx.city,
        crs,
        json.dumps(st.session_state.get("imp_map")),
        json.dumps(defaults),
        part,
    )
    if path is not None and st.session_state.get("imp_plan_key") != plan_key:
        with st.spinner(ui.tr("Czytam plik i sprawdzam wiersze…")):
            plan = ui.run_action(
                lambda: plan_import(
                    path,
                    layer,
                    ctx.city,
                    store,
                    st.session_state.get("imp_map"),
                    crs,
                    part=part,
                    defaults=defaults,
                )
            )
        st.session_state["imp_plan"], st.session_state["imp_plan_key"] = plan, plan_key
        st.session_state.pop("imp_result", None)
    elif done and st.session_state.get("imp_plan_key") != plan_key:
        st.info(
            ui.tr("Ten plik został już zaimportowany. Aby zmienić ustawienia, wczytaj go ponownie.")
        )
    plan = st.session_state.get("imp_plan")
    if plan is not None:
        st.info(ui.tr("Odczytano: {source}", source=ui.md(ui.tr(plan.describe_source()))))
        for note in plan.notes:
            st.warning(ui.md(ui.tr(note)))
        with st.expander(ui.tr("Dopasowanie kolumn — sprawdź i popraw"), expanded=True):
            # Fields shown in the reader's language; the choice goes back by its Polish label.
            polish = {said(label): label for label in targets(layer).values()}
            edited = st.data_editor(
                translated_cells(plan.mapping_table()[["kolumna", "etykieta"]]),
                column_config={
                    "kolumna": st.column_config.TextColumn(ui.tr("Kolumna w pliku"), disabled=True),
                    "etykieta": st.column_config.SelectboxColumn(
                        ui.tr("Pole mapy"),
                        options=[SKIP_LABEL, *polish],
                        help=ui.tr("„(pomiń)” = kolumna nie trafi na mapę"),
                    ),
                },
                hide_index=True,
                key=f"imp_editor_{plan_key[0]}_{ui.language()}",
            )
            if st.button(ui.tr("Zastosuj dopasowanie")):
                chosen = {
                    row.kolumna: polish.get(row.etykieta, row.etykieta)
                    for row in edited.itertuples()
                }
                st.session_state["imp_map"] = mapping_from_labels(layer, chosen)
                st.rerun()
        report = build_report(plan)
        cols = st.columns(5)
        cols[0].metric(ui.tr("Do zapisania"), report["accepted"])
        cols[1].metric(ui.tr("Odrzucone wiersze"), len(report["rejected_rows"]))
        cols[2].metric(ui.tr("Możliwe duplikaty"), len(report["duplicates"]))
        cols[3].metric(ui.tr("Bez lokalizacji"), report["unlocated"])
        cols[4].metric(ui.tr("Do uzupełnienia"), report["incomplete"])
        if plan.updates or plan.unchanged or plan.conflicts:
            st.caption(ui.tr("Wiersze z identyfikatorem wpisu tej mapy (plik z eksportu):"))
            cols = st.columns(5)
            cols[0].metric(ui.tr("Zmiany wpisów"), len(report["updates"]))
            cols[1].metric(ui.tr("Bez zmian"), report["unchanged"])
            cols[2].metric(ui.tr("Konflikty wersji"), len(report["conflicts"]))
        for conflict in report["conflicts"][:20]:
            st.error(
                ui.tr(
                    "Wiersz {row}: {message}",
                    row=conflict["row"],
                    message=ui.md(ui.tr(conflict["message"])),
                )
            )
        preview = translated_cells(ui.translated_columns(plan.preview()))
        st.dataframe(preview, hide_index=True, width="stretch")
        choosable = [r for r in plan.rows if len(r.allowed_decisions) > 1 and r.duplicate]
        for row in choosable:
            choice = st.segmented_control(
                ui.tr(
                    "Wiersz {row}: „{title}” — możliwy duplikat",
                    row=row.row,
                    title=ui.md(row.title),
                ),
                row.allowed_decisions,
                format_func=lambda d: ui.tr(DECISION_LABELS[d]),
                default=row.decision,
                key=f"imp_decision_{plan_key[0]}_{row.row}",
            )
            plan.decide(row.row, choice or Decision.SKIP)
        if not ctx.author:
            st.warning(ui.tr("Wpisz swoje imię w panelu bocznym, aby zapisać import."))
        if st.button(ui.tr("💾 Zapisz import"), type="primary", disabled=not ctx.author):
            bar = st.progress(0.0, text=ui.tr("Zapisuję…"))
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
                st.session_state["imp_done"] = upload.file_id
                ui.discard_upload()  # the plan holds everything; the file goes
        result = st.session_state.get("imp_result")
        if result is not None and result.batch_id is None:
            st.info(
                ui.tr(
                    "Nic nie zapisano: wszystkie wiersze pominięto ({skipped}), np. bo są już "
                    "na mapie; bez zmian: {unchanged}, konflikty wersji: {conflicts}. "
                    "Nie ma czego cofać.",
                    skipped=result.skipped,
                    unchanged=result.unchanged,
                    conflicts=len(result.conflicts),
                )
            )
        elif result is not None:
            st.success(
                ui.tr(
                    "Zapisano: {created} nowych, {updated} zmienionych, {skipped} pominiętych, "
                    "bez zmian {unchanged}, konflikty wersji {conflicts}, do uzupełnienia "
                    "{incomplete}. Numer importu: {batch}",
                    created=len(result.created),
                    updated=len(result.updated),
                    skipped=result.skipped,
                    unchanged=result.unchanged,
                    conflicts=len(result.conflicts),
                    incomplete=len(result.incomplete),
                    batch=result.batch_id,
                )
            )
            if result.warning:
                st.warning(ui.md(ui.tr(result.warning)))
            st.download_button(
                ui.tr("Pobierz raport (JSON)"),
                json.dumps(build_report(plan, result), ensure_ascii=False, indent=2),
                file_name="raport-importu.json",
                mime="application/json",
            )
            if st.button(ui.tr("↩️ Cofnij cały import"), disabled=not ctx.author) and ui.run_action(
                lambda: store.undo_batch(result.batch_id, author=ctx.author),
                success=ui.tr("Import cofnięty."),
            ):
                st.session_state.pop("imp_result")
