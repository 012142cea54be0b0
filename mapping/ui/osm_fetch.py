"""The import page's “Pobierz z OpenStreetMap” block: a district, a button, a download.

A download stands in for an uploaded file (it has the uploader's ``file_id``,
``name`` and ``getvalue``), so the page previews and saves it exactly as an
upload.  Nothing is sent anywhere until the button is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from mapping.areas import districts
from mapping.frames import has_location
from mapping.importing.osm_tags import OSM_CREDIT
from mapping.importing.overpass import fetch_district
from mapping.store import Store
from mapping.text import polish_sorted
from mapping.ui.i18n import tr
from mapping.ui.shell import run_action
from mapping.ui.text import CHOOSE, md

__all__ = ["OsmFile", "osm_download"]

_KEY = "imp_osm_file"


@dataclass(frozen=True)
class OsmFile:
    """A district's OpenStreetMap places, shaped like Streamlit's uploaded file."""

    file_id: str
    name: str
    content: bytes
    district: str
    places: int

    def getvalue(self) -> bytes:
        """The Overpass JSON, as an upload's bytes."""
        return self.content


def _districts_with_boundaries(store: Store, city: str) -> list[str]:
    found = districts(store.read_layer("areas", city=city))
    shaped = found[has_location(found.geometry).to_numpy()] if len(found) else found
    return polish_sorted(shaped["name"].dropna()) if len(shaped) else []


def osm_download(store: Store, city: str) -> OsmFile | None:
    """Draw the block; return the district's places fetched on request, if any."""
    kept: OsmFile | None = st.session_state.get(_KEY)
    with st.expander(
        tr("🌍 Pobierz z OpenStreetMap (wymaga internetu)"), expanded=kept is not None
    ):
        names = _districts_with_boundaries(store, city)
        if not names:
            st.caption(
                tr(
                    "Miasto {city} nie ma na mapie granic dzielnic — zaimportuj je, "
                    "aby pobierać miejsca z OpenStreetMap dla dzielnicy.",
                    city=md(city),
                )
            )
            return kept
        district = st.selectbox(
            tr("Dzielnica"), names, key="imp_osm_district", placeholder=tr(CHOOSE)
        )
        st.caption(
            tr(
                "Biblioteki, domy sąsiedzkie, szkoły, kluby, boiska, parafie… z serwera "
                "Overpass. Dane: {credit} — źródło zapisze się przy każdym wpisie.",
                credit=OSM_CREDIT,
            )
        )
        left, right = st.columns(2)
        if left.button(tr("Pobierz miejsca dzielnicy"), key="imp_osm_fetch"):
            with st.spinner(
                tr("Pytam OpenStreetMap o dzielnicę {district}…", district=md(district))
            ):
                download = run_action(lambda: fetch_district(store, city, district))
            if download is not None:
                stamp = datetime.now().strftime("%Y%m%d%H%M%S")
                kept = OsmFile(
                    f"osm-{download.district}-{stamp}",
                    download.name,
                    download.content,
                    download.district,
                    download.places,
                )
                st.session_state[_KEY] = kept
        if kept is not None:
            st.success(
                tr(
                    "Pobrano z OpenStreetMap: {district}, miejsc: {places}.",
                    district=md(kept.district),
                    places=kept.places,
                )
            )
            if right.button(tr("Zamiast tego wczytaj plik"), key="imp_osm_forget"):
                st.session_state.pop(_KEY, None)
                st.rerun()
    return kept
