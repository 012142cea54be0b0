"""Mapa zasobów i potrzeb — page config, navigation and the shared sidebar. No logic here."""

import streamlit as st

from mapping import ui

st.set_page_config(page_title="Mapa zasobów i potrzeb", page_icon="🗺️", layout="wide")
ui.leave_pages_folder_mode()  # a fresh server's first run: once more, as every later run

# The sidebar (sign-in in team mode) decides which of these pages this person gets.
pages = ui.allowed_pages(
    {
        "mapa": st.Page("pages/mapa.py", title="Mapa", icon=":material/map:", default=True),
        "spotkanie": st.Page(
            "pages/spotkanie.py", title="Spotkanie (rzutnik)", icon=":material/co_present:"
        ),
        "partnerstwa": st.Page(
            "pages/partnerstwa.py", title="Partnerstwa i sprawozdanie", icon=":material/handshake:"
        ),
        "edycja": st.Page(
            "pages/edycja.py", title="Aktualizacja", icon=":material/edit_location_alt:"
        ),
        "import_danych": st.Page(
            "pages/import_danych.py", title="Import", icon=":material/upload_file:"
        ),
        "eksport": st.Page("pages/eksport.py", title="Eksport", icon=":material/download:"),
        "analiza": st.Page("pages/analiza.py", title="Analiza", icon=":material/query_stats:"),
        "dane": st.Page("pages/dane.py", title="Dane", icon=":material/table:"),
    }
)
ui.run_page(st.navigation(pages))  # a busy or damaged map: a message, not a traceback
