"""The app's caches: one build per data version for all sessions; edits show; paged tables."""

from __future__ import annotations

import gc
import weakref

import pytest
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest

import mapping.ui.analysis as ui_analysis
import mapping.ui.maps as ui_maps
from mapping.ui.paging import PAGE_SIZE
from tests import navigation

APP = str(navigation.APP)


@pytest.fixture
def app(seeded_store, monkeypatch) -> AppTest:
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    return AppTest.from_file(APP, default_timeout=90)


def _texts(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def _counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_the_map_is_built_once_for_every_session_and_rerun(app, seeded_store, monkeypatch):
    builds = _counting(monkeypatch, ui_maps, "city_map")
    first = app.run()
    assert not first.exception
    first.run()  # a rerun of the same session
    second = AppTest.from_file(APP, default_timeout=90).run()  # another visitor
    assert not second.exception
    assert len(builds) == 1
    assert "pokazano 85 z 85 zasobów" in _texts(second)


def test_an_edit_shows_on_the_next_run_of_every_session(app, seeded_store):
    at = app.run()
    assert "pokazano 85 z 85 zasobów" in _texts(at)
    seeded_store.create(
        "resources",
        {"name": "Klub Seniora „Zorza”", "kind": "organizacja", "category": "aktywnosc",
         "city": "Gdańsk", "status": "aktywny", "geometry": Point(18.6, 54.35)},
        author="test",
    )  # fmt: skip
    at.run()
    assert "pokazano 86 z 86 zasobów" in _texts(at)


#: The Analiza tab that matches needs with resources (the only one that runs it).
MATCHING_TAB = "🔗 Potrzeby i zasoby"


def test_matching_runs_only_in_its_tab(app, monkeypatch):
    matched = _counting(monkeypatch, ui_analysis, "match_needs")
    at = app.run()
    at.switch_page("pages/analiza.py").run()  # opens on the indicators
    assert not at.exception
    assert matched == []
    at.session_state["analysis_tab"] = MATCHING_TAB
    at.run()
    assert len(matched) == 1


def test_analysis_is_computed_once_per_data_version(app, seeded_store, monkeypatch):
    matched = _counting(monkeypatch, ui_analysis, "match_needs")
    app.session_state["analysis_tab"] = MATCHING_TAB
    at = app.run()
    at.switch_page("pages/analiza.py").run()
    assert not at.exception
    other = AppTest.from_file(APP, default_timeout=90)
    other.session_state["analysis_tab"] = MATCHING_TAB
    other.run().switch_page("pages/analiza.py").run()
    assert len(matched) == 1
    record = seeded_store.read_layer("needs", city="Gdańsk").iloc[0]
    seeded_store.update(
        "needs", record["id"], {"title": "Nowy tytuł"}, expected_version=int(record["version"]),
        author="test",
    )  # fmt: skip
    other.run()
    assert len(matched) == 2


def test_long_tables_are_sent_a_page_at_a_time():
    n = PAGE_SIZE * 2 + 5
    at = AppTest.from_function(_paged_screen, kwargs={"n": n}).run()
    assert len(at.dataframe) == 1
    assert len(at.dataframe[0].value) == PAGE_SIZE
    assert f"z {n}" in at.caption[0].value
    at.number_input(key="t_page").set_value(3).run()
    shown = at.dataframe[0].value
    assert list(shown["Nazwa"]) == [f"wpis {i}" for i in range(PAGE_SIZE * 2, n)]


def _paged_screen(n: int) -> None:
    import pandas as pd

    from mapping.ui.paging import paged_dataframe

    paged_dataframe(pd.DataFrame({"Nazwa": [f"wpis {i}" for i in range(n)]}), key="t")


def test_an_edit_lets_go_of_the_older_versions_map(app, seeded_store, monkeypatch):
    maps: list[weakref.ref] = []
    original = ui_maps.city_map

    def kept(*args, **kwargs):
        built = original(*args, **kwargs)
        maps.append(weakref.ref(built.map))
        return built

    monkeypatch.setattr(ui_maps, "city_map", kept)
    at = app.run()
    record = seeded_store.read_layer("resources", city="Gdańsk").iloc[0]
    seeded_store.update(
        "resources", record["id"], {"name": "Nowa nazwa"}, expected_version=int(record["version"]),
        author="test",
    )  # fmt: skip
    at.run()
    gc.collect()
    assert len(maps) == 2
    assert maps[0]() is None  # the map of the old version is gone from every cache
    assert maps[1]() is not None
