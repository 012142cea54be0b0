"""One rule for what the public sees: exports, the report, the app's map, tables and projector."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.errors import MapError
from mapping.export import export_frames
from mapping.export.selection import audience_records
from mapping.meeting import SLIDES
from mapping.report import render_report, report_content
from mapping.schema import LAYERS, Audience
from tests.export_fixtures import CITY, PERSON_NAME, PRIVATE, TEAM, fill_store

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def filled(store, monkeypatch):
    fill_store(store)
    monkeypatch.setenv("MAPA_DB", str(store.path))
    return store


def _report_text(store, fmt: str, audience: Audience) -> str:
    content = report_content(
        store, city=CITY, year=2025, today=date(2025, 12, 31), audience=audience
    )
    data = render_report(content, fmt)
    if fmt == ".docx":
        return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    return data.decode()


@pytest.mark.parametrize("fmt", [".html", ".docx"])
def test_public_report_has_no_people_no_team_plans_no_private_fields(filled, fmt):
    text = _report_text(filled, fmt, Audience.PUBLIC)
    assert "Spotkanie partnerstwa" in text  # the meeting is reported …
    for withheld in (PERSON_NAME, TEAM, PRIVATE):  # … without its plans, people or secrets
        assert withheld not in text
    assert "Wersja publiczna" in text


@pytest.mark.parametrize("fmt", [".html", ".docx"])
def test_team_report_keeps_its_plans_and_never_private_fields(filled, fmt):
    text = _report_text(filled, fmt, Audience.TEAM)
    assert TEAM in text and PERSON_NAME in text
    assert PRIVATE not in text


def test_report_is_public_by_default(filled):
    content = report_content(filled, city=CITY, year=2025)
    assert content.audience == Audience.PUBLIC
    assert not content.shows_plans


def test_report_for_editors_is_refused(filled):
    with pytest.raises(MapError, match="dozwolone"):
        report_content(filled, city=CITY, year=2025, audience=Audience.EDITOR)


def test_app_public_records_are_the_public_export_records(filled):
    frames = {name: filled.read_layer(name, city=CITY) for name in LAYERS}
    shown = audience_records(frames, Audience.PUBLIC)
    exported = export_frames(filled, CITY, audience=Audience.PUBLIC)
    for name in LAYERS:
        assert list(shown[name]["id"]) == list(exported[name]["id"]), name


def test_public_map_in_the_app_shows_no_people(filled):
    from mapping.ui.maps import city_map_for

    for audience, expected in ((Audience.PUBLIC, False), (Audience.EDITOR, True)):
        built = city_map_for(CITY, layers=("resources", "needs"), audience=audience, tiles="none")
        assert (PERSON_NAME in built.map.get_root().render()) is expected


def test_projector_map_shows_no_people(filled):
    from mapping.ui.meeting import meeting_map_for

    for slide in SLIDES:
        built = meeting_map_for(CITY, slide.key, focus=None, tiles="none")
        assert PERSON_NAME not in built.map.get_root().render(), slide.key


@pytest.mark.parametrize(("audience", "shown"), [("public", False), ("team", True)])
def test_data_page_shows_people_only_to_the_team(filled, audience, shown):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["city"] = CITY
    at.session_state["audience"] = audience
    at.run()
    at.switch_page("pages/dane.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert (PERSON_NAME in set(table.iloc[:, 0])) is shown
