"""Mapa zasobów i potrzeb — page config, navigation and the shared sidebar. No logic here."""

import streamlit as st

from mapping import ui

st.set_page_config(page_title="Mapa zasobów i potrzeb", page_icon="🗺️", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/mapa.py", title="Mapa", icon=":material/map:", default=True),
        st.Page("pages/spotkanie.py", title="Spotkanie (rzutnik)", icon=":material/co_present:"),
        st.Page(
            "pages/partnerstwa.py", title="Partnerstwa i sprawozdanie", icon=":material/handshake:"
        ),
        st.Page("pages/edycja.py", title="Aktualizacja", icon=":material/edit_location_alt:"),
        st.Page("pages/import_danych.py", title="Import", icon=":material/upload_file:"),
        st.Page("pages/eksport.py", title="Eksport", icon=":material/download:"),
        st.Page("pages/analiza.py", title="Analiza", icon=":material/query_stats:"),
        st.Page("pages/dane.py", title="Dane", icon=":material/table:"),
    ]
)
ui.sidebar()
navigation.run()
