"""Page smoke tests: every page runs on the bundled data without an exception."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = [
    "pages/mapa.py",
    "pages/spotkanie.py",
    "pages/partnerstwa.py",
    "pages/edycja.py",
    "pages/import_danych.py",
    "pages/eksport.py",
    "pages/analiza.py",
    "pages/dane.py",
]


@pytest.fixture
def app(seeded_store, monkeypatch) -> AppTest:
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    return AppTest.from_file(APP, default_timeout=90)


def _start(app: AppTest, **sidebar: str) -> AppTest:
    """Run the app with sidebar values preset.

    AppTest does not keep the entrypoint's widgets in its element tree after a
    rerun under st.navigation, so sidebar values go in through session state;
    the browser tests click the real sidebar.
    """
    for key, value in sidebar.items():
        app.session_state[key] = value
    return app.run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [t.value for t in at.title]
    return "\n".join(map(str, parts))


@pytest.mark.parametrize("city", ["Gdańsk", "Częstochowa"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_for_both_cities(app, page, city):
    at = _start(app, city=city)
    at.switch_page(page).run()
    assert not at.exception, f"{page} ({city}): {at.exception}"


def test_map_page_counts_follow_the_text_filter(app):
    at = app.run()
    assert "pokazano 85 z 85 zasobów" in _texts(at)
    at.text_input(key="map_text").set_value("filia").run()
    text = _texts(at)
    assert "z 85 zasobów" in text and "pokazano 85 z 85" not in text


def test_city_without_district_polygons_says_boundaries_can_be_imported(app):
    at = _start(app, city="Częstochowa")
    assert "Granice dzielnic tego miasta nie są jeszcze wczytane" in _texts(at)


def test_edit_page_asks_for_the_author_before_saving(app):
    at = app.run()
    at.switch_page("pages/edycja.py").run()
    assert any("Wpisz swoje imię" in w.value for w in at.warning)


def test_edit_page_adds_a_resource_with_the_author_in_history(app, seeded_store):
    at = _start(app, author="Ala z MOPS")
    at.switch_page("pages/edycja.py").run()
    prefix = "form_resources___nowy___0"
    at.text_input(key=f"{prefix}_name").set_value("Klub Seniora „Zorza”")
    at.selectbox(key=f"{prefix}_kind").set_value("organizacja")
    at.selectbox(key=f"{prefix}_category").set_value("aktywnosc")
    at.button[0].click()  # the form's submit button
    at.run()
    assert not at.exception
    frame = seeded_store.read_layer("resources", city="Gdańsk")
    added = frame[frame["name"] == "Klub Seniora „Zorza”"]
    assert len(added) == 1 and added.iloc[0]["author"] == "Ala z MOPS"


def test_edit_page_shows_validation_errors_beside_fields(app, seeded_store):
    at = _start(app, author="Ala")
    at.switch_page("pages/edycja.py").run()
    at.button[0].click()
    at.run()
    messages = [e.value for e in at.error]
    assert any("pole jest wymagane" in m for m in messages)
    assert len(seeded_store.read_layer("resources", city="Gdańsk")) == 85


def test_meeting_mode_starts_a_meeting_and_captures_a_need(app, seeded_store):
    at = _start(app, author="Ala")
    at.switch_page("pages/spotkanie.py").run()
    at.text_input[0].set_value("Spotkanie w Stogach")
    at.button[0].click()
    at.run()
    assert not at.exception
    meetings = seeded_store.read_layer("meetings", city="Gdańsk")
    started = meetings[meetings["title"] == "Spotkanie w Stogach"]
    assert len(started) == 1 and started.iloc[0]["author"] == "Ala"
    assert any("Przegląd" in m.value for m in at.markdown)
    what = next(t for t in at.text_input if t.label == "Co?")
    what.set_value("Brak ławek przy placu zabaw")
    next(s for s in at.selectbox if s.label == "Gdzie?").set_value("Stogi")
    next(b for b in at.button if "Zapisz potrzebę" in b.label).click()
    at.run()
    assert not at.exception
    needs = seeded_store.read_layer("needs", city="Gdańsk")
    captured = needs[needs["title"] == "Brak ławek przy placu zabaw"]
    assert len(captured) == 1
    assert captured.iloc[0]["district"] == "Stogi"
    assert captured.iloc[0]["meeting"] == [started.iloc[0]["id"]]


@pytest.mark.parametrize("fmt", ["html", "csv"])
def test_export_page_prepares_a_public_file_without_personal_data(app, seeded_store, fmt):
    seeded_store.create(
        "resources",
        {"name": "Pani Ala — liderka", "kind": "osoba", "category": "aktywnosc",
         "city": "Gdańsk", "status": "aktywny", "contact_person": "PRYWATNE-5c1e",
         "phone": "600 100 200"},
        author="Ala",
    )  # fmt: skip
    at = _start(app)
    at.switch_page("pages/eksport.py").run()
    at.selectbox(key="exp_fmt").set_value(fmt).run()
    next(b for b in at.button if b.label == "Przygotuj plik").click()
    at.run()
    assert not at.exception
    made = at.session_state["exp_file"]
    assert made.filename.endswith(".html" if fmt == "html" else ".zip")
    contents = [made.data]
    if made.filename.endswith(".zip"):  # compressed: search each member's text
        with zipfile.ZipFile(io.BytesIO(made.data)) as archive:
            contents = [archive.read(name) for name in archive.namelist()]
    assert any(b"Gda" in c for c in contents)
    assert all(b"PRYWATNE-5c1e" not in c and b"liderka" not in c for c in contents)


def test_a_page_run_before_the_app_draws_its_own_sidebar(seeded_store, monkeypatch):
    # After a server restart a bookmarked URL (/edycja) may run the page alone.
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    page = Path(APP).parent / "pages" / "mapa.py"
    at = AppTest.from_file(str(page), default_timeout=90).run()
    assert not at.exception
    assert at.selectbox(key="city").value == "Gdańsk"
    assert "pokazano 85 z 85 zasobów" in _texts(at)


def test_markdown_in_user_text_is_shown_literally():
    from mapping.ui import md

    hostile = "![x](http://zly.example/a.png) **pogrubione** [link](javascript:alert(1))"
    escaped = md(hostile)
    for token in ("![", "](", "**", "[link]"):
        assert token not in escaped
    # Removing the backslashes gives back exactly what the user typed.
    assert escaped.replace("\\", "") == hostile
