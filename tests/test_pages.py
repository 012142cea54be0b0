"""Page smoke tests: every page runs on the bundled data without an exception."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import navigation

APP = str(navigation.APP)
#: Every page of the app, as app.py lists them.
PAGES = list(navigation.app_pages())


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


@pytest.mark.parametrize("city", ["Gdańsk", "Częstochowa", "Szczecinek"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_for_every_city(app, page, city):
    at = _start(app, city=city)
    at.switch_page(page).run()
    assert not at.exception, f"{page} ({city}): {at.exception}"


def test_map_page_counts_follow_the_sidebar_filter(app):
    at = app.run()
    assert "pokazano 85 z 85 zasobów" in _texts(at)
    at.multiselect(key="map_kinds").set_value(["organizacja"]).run()
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
    next(t for t in at.text_input if t.label == "Temat").set_value("Spotkanie w Stogach")
    next(b for b in at.button if b.label == "Rozpocznij spotkanie").click()
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


def test_meeting_mode_without_a_name_asks_for_it_on_the_page(app, seeded_store):
    # The sidebar is hidden on the projector: the name is asked where it is needed.
    at = _start(app)
    at.switch_page("pages/spotkanie.py").run()
    assert not any("panelu bocznym" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Rozpocznij spotkanie").click()
    at.run()
    assert any("kto prowadzi spotkanie" in e.value for e in at.error)
    assert (
        seeded_store.read_layer("meetings", city="Gdańsk")["source"].eq("tryb spotkania").sum() == 0
    )
    next(t for t in at.text_input if t.label.startswith("Kto prowadzi")).set_value("Ola").run()
    next(b for b in at.button if b.label == "Rozpocznij spotkanie").click()
    at.run()
    assert not at.exception
    started = seeded_store.read_layer("meetings", city="Gdańsk")
    assert started[started["source"] == "tryb spotkania"]["author"].tolist() == ["Ola"]


def test_closing_a_meeting_asks_for_participants_then_closes_it(app, seeded_store):
    from mapping.meeting import open_meetings

    at = _start(app, author="Ala")
    at.switch_page("pages/spotkanie.py").run()
    next(b for b in at.button if b.label == "Rozpocznij spotkanie").click()
    at.run()
    close = next(b for b in at.button if b.label == "Zakończ i zapisz spotkanie")
    close.click()
    at.run()
    assert any("liczbę uczestników" in e.value for e in at.error)
    assert len(open_meetings(seeded_store, "Gdańsk")) == 1
    next(n for n in at.number_input if n.label == "Liczba uczestników").set_value(11)
    next(t for t in at.text_area if t.label == "Ustalenia").set_value("Szukamy sali.")
    next(b for b in at.button if b.label == "Zakończ i zapisz spotkanie").click()
    at.run()
    assert not at.exception
    assert open_meetings(seeded_store, "Gdańsk").empty
    closed = seeded_store.read_layer("meetings", city="Gdańsk")
    closed = closed[closed["source"] == "tryb spotkania"].iloc[0]
    assert (closed["participants"], closed["decisions"]) == (11, "Szukamy sali.")
    assert any("zakończone i zapisane" in m.value for m in at.success)


def test_present_shows_the_map_without_a_meeting_record(app, seeded_store):
    before = len(seeded_store.read_layer("meetings"))
    at = _start(app)
    at.switch_page("pages/spotkanie.py").run()
    next(b for b in at.button if b.label.startswith("Pokaż mapę")).click()
    at.run()
    assert not at.exception
    assert any("1/5 · Przegląd" in m.value for m in at.markdown)
    assert not any(t.label == "Co?" for t in at.text_input)  # nothing to capture
    assert len(seeded_store.read_layer("meetings")) == before


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
    # Removing the backslashes (and the invisible joiner that unlinks "http") gives
    # back exactly what the user typed.
    assert escaped.replace("\\", "").replace("\u2060", "") == hostile


def _analysis(app: AppTest, **state: str) -> AppTest:
    at = _start(app, city="Gdańsk", **state)
    at.switch_page("pages/analiza.py").run()
    assert not at.exception, at.exception
    return at


def _area_tables(at: AppTest) -> list:
    return [d.value for d in at.dataframe if d.value.index.name == "Obszar"]


def test_analysis_tables_list_districts_in_polish_order_without_the_city(app):
    tables = _area_tables(_analysis(app))  # indicators, change since a day
    tables += _area_tables(_analysis(app, analysis_tab=ANALYSIS_TABS[1]))  # outside the reach
    assert len(tables) == 3
    for table in tables:
        names = list(table.index)
        assert "Gdańsk" not in names
        assert names.index("Brętowo") < names.index("Brzeźno")
        assert names.index("Śródmieście") < names.index("Ujeścisko-Łostowice")


def test_analysis_shows_the_city_total_as_one_line(app):
    text = _texts(_analysis(app))
    assert "**Całe miasto (Gdańsk):** Liczba mieszkańców" in text


#: The Analiza tabs; each runs only when open.
ANALYSIS_TABS = ("📊 Wskaźniki dzielnic", "🚶 Zasięg (białe plamy)", "🔗 Potrzeby i zasoby")


def test_analysis_headers_are_polish_with_the_unit_said_once(app):
    # One AppTest runs each tab in turn: take each tab's tables as it is shown.
    per_tab = [[d.value for d in _analysis(app, analysis_tab=t).dataframe] for t in ANALYSIS_TABS]
    frames = [frame for tab in per_tab for frame in tab]
    headers = [str(c) for frame in frames for c in frame.columns]
    headers += [str(frame.index.name) for frame in frames if frame.index.name]
    shown = set(headers) - {"need_id", "resource_id"}  # hidden by column_config
    assert not {"name", "distance_m"} & shown
    assert "Odległość [m]" in headers
    assert "Zasoby na 1000 mieszkańców" in headers  # not "… [na 1000 mieszkańców]"
    assert not [h for h in headers if h.count("mieszkańców") > 1]
    indicators = next(f for f in per_tab[0] if f.index.name == "Obszar")
    assert indicators.loc["Brętowo", "Powierzchnia [km²]"].count(",") == 1  # decimal comma


def test_analysis_chart_bars_are_districts_in_polish_order(app):
    import json

    charts = _analysis(app).get("vega_lite_chart")
    assert len(charts) == 1
    spec = json.loads(charts[0].proto.spec)
    order = spec["layer"][0]["encoding"]["y"]["sort"]
    assert "Gdańsk" not in order
    assert order.index("Brętowo") < order.index("Brzeźno")
    assert "'.', ','" in spec["layer"][0]["encoding"]["x"]["axis"]["labelExpr"]


def test_analysis_coverage_map_is_drawn_only_in_its_open_tab(app):
    # A map fitted in a hidden tab has no size: it opened at a 100 m scale.
    assert len(_analysis(app).get("component_instance")) == 0
    at = _analysis(app, analysis_tab="🚶 Zasięg (białe plamy)", coverage_focus="Brzeźno")
    assert len(at.get("component_instance")) == 1


def test_city_without_district_polygons_links_to_the_boundaries_import(app):
    at = _start(app, city="Częstochowa")
    links = [link.proto for link in at.get("page_link")]
    assert any(link.label == "Wczytaj granice dzielnic" for link in links), links
    assert "Granice dzielnic” → plik GeoJSON, GeoPackage, Shapefile (ZIP) lub KML" in _texts(at)


def test_import_page_opened_from_the_map_link_offers_district_boundaries(app):
    at = _start(app, city="Częstochowa")
    at.query_params["warstwa"] = "districts"
    at.switch_page("pages/import_danych.py").run()
    assert not at.exception, at.exception
    assert at.radio(key="imp_layer").value == "districts"
    assert "nadal zostaną bez granicy" in _texts(at)
