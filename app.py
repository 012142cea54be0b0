"""Mapa zasobów i potrzeb — page config, navigation and the shared sidebar. No logic here."""

import streamlit as st

from mapping import ui

st.set_page_config(page_title=ui.tr("Mapa zasobów i potrzeb"), page_icon="🗺️", layout="wide")
ui.leave_pages_folder_mode()  # a fresh server's first run: once more, as every later run

# The sidebar (sign-in in team mode) decides which of these pages this person gets.
pages = ui.allowed_pages(
    {
        "mapa": st.Page("pages/mapa.py", title=ui.tr("Mapa"), icon=":material/map:", default=True),
        "spotkanie": st.Page(
            "pages/spotkanie.py", title=ui.tr("Spotkanie (rzutnik)"), icon=":material/co_present:"
        ),
        "partnerstwa": st.Page(
            "pages/partnerstwa.py",
            title=ui.tr("Partnerstwa i sprawozdanie"),
            icon=":material/handshake:",
        ),
        "edycja": st.Page(
            "pages/edycja.py", title=ui.tr("Aktualizacja"), icon=":material/edit_location_alt:"
        ),
        "import_danych": st.Page(
            "pages/import_danych.py", title=ui.tr("Import"), icon=":material/upload_file:"
        ),
        "eksport": st.Page("pages/eksport.py", title=ui.tr("Eksport"), icon=":material/download:"),
        "analiza": st.Page(
            "pages/analiza.py", title=ui.tr("Analiza"), icon=":material/query_stats:"
        ),
        "dane": st.Page("pages/dane.py", title=ui.tr("Dane"), icon=":material/table:"),
    }
)
ui.run_page(st.navigation(pages))  # a busy or damaged map: a message, not a traceback
