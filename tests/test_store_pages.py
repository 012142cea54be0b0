"""The app on a team map: pages run on PostGIS and a save lands there with its author."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.store import open_store
from mapping.store.copy import copy_map

APP = str(Path(__file__).resolve().parents[1] / "app.py")
pytestmark = pytest.mark.postgis


@pytest.fixture
def server_map(seeded_store, postgis_location: str, monkeypatch) -> str:
    """The bundled data copied to a fresh PostGIS schema, the app pointed at it."""
    copy_map(seeded_store.location, postgis_location)
    monkeypatch.setenv("MAPA_DB", postgis_location)
    return postgis_location


@pytest.mark.parametrize("page", ["pages/mapa.py", "pages/dane.py", "pages/eksport.py"])
def test_pages_run_on_a_server_map(server_map, page):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["city"] = "Gdańsk"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, f"{page}: {at.exception}"


def test_a_resource_added_in_the_app_is_on_the_server_with_its_author(server_map):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["author"] = "Ala z MOPS"
    at.run()
    at.switch_page("pages/edycja.py").run()
    prefix = "form_resources___nowy___0"
    at.text_input(key=f"{prefix}_name").set_value("Klub Seniora „Zorza”")
    at.selectbox(key=f"{prefix}_kind").set_value("organizacja")
    at.selectbox(key=f"{prefix}_category").set_value("aktywnosc")
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    frame = open_store(server_map).read_layer("resources", city="Gdańsk")
    added = frame[frame["name"] == "Klub Seniora „Zorza”"]
    assert len(added) == 1 and added.iloc[0]["author"] == "Ala z MOPS"
    assert added.iloc[0]["version"] == 1


def test_an_edit_made_in_qgis_meanwhile_opens_the_conflict_panel(server_map):
    import psycopg

    record = open_store(server_map).read_layer("resources", city="Gdańsk").iloc[0]
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["author"] = "Ala"
    at.session_state["_edit_open_resources"] = record["id"]  # the editor's open record
    at.run()
    at.switch_page("pages/edycja.py").run()
    with psycopg.connect(server_map, autocommit=True, application_name="QGIS") as qgis:
        qgis.execute("UPDATE resources SET name = 'Z QGIS' WHERE id = %s", (record["id"],))
    prefix = f"form_resources_{record['id']}_{record['version']}"
    at.text_input(key=f"{prefix}_name").set_value("Z aplikacji")
    next(b for b in at.button if b.label == "Zapisz zmiany").click()
    at.run()
    assert not at.exception
    assert any("Ktoś zapisał nowszą wersję" in e.value and "QGIS" in e.value for e in at.error)
    assert open_store(server_map).get("resources", record["id"])["name"] == "Z QGIS"
