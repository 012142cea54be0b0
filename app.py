"""Mapa zasobów i potrzeb — page config, navigation and the shared sidebar. No logic here."""

import streamlit as st

from mapping import ui

st.set_page_config(page_title="Mapa zasobów i potrzeb", page_icon="🗺️", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/mapa.py", title="Mapa", icon="🗺️", default=True),
        st.Page("pages/dane.py", title="Dane", icon="📋"),
    ]
)
ui.sidebar()
navigation.run()
