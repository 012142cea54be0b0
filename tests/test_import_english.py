"""The import page in English: a file with rejected rows and warnings, said in English.

The notes, the preview's cells and the file's description are the domain's
``Message``s: in English none of their Polish may show, and none may lack an
entry; in Polish they read as they always did.  AppTest cannot upload, so
the uploader hands the page a file as Streamlit would.
"""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from mapping.importing import build_report
from mapping.language import catalogue, forget_misses, misses
from tests.factories import Upload
from tests.test_i18n import DOMAIN, _calls, _missing, _texts

APP = str(Path(__file__).resolve().parents[1] / "app.py")
REPO = Path(__file__).resolve().parents[1]


def _partners(seeded_store) -> bytes:
    """A partner list with every kind of trouble, in Windows-1250 with ";"."""
    known = seeded_store.read_layer("resources", city="Gdańsk").iloc[0]
    point = known.geometry.representative_point()
    lines = [
        "Nazwa;Rodzaj;Kategoria;Dzielnica;Miasto;Telefon;Szerokość;Długość",
        ";organizacja;kultura;;;;54.35;18.65",  # no name: rejected
        "Klub Seniora Pod Lipą;;;;Gdańsk;;54.38;18.60",  # kind and category to complete
        "Punkt Porad;organizacja;kultura;Nieznane Osiedle;Sopot;tel. nieczynny;;",
        "Daleki Punkt;organizacja;kultura;;;;40.0;-3.7",  # outside Poland: rejected
        "Zamieniony Punkt;organizacja;kultura;;;;18.62;54.36",  # axes swapped
        "Zły Punkt;organizacja;kultura;;;;abc;18.6",  # not a coordinate: rejected
        f"{known['name']};organizacja;kultura;;;;{point.y:.6f};{point.x:.6f}",  # on the map
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1250")


def _dropped(monkeypatch, seeded_store, file: Upload) -> Upload:
    # The page's uploader returns the file, as it does once a file is dropped on it.
    monkeypatch.setattr(st, "file_uploader", lambda *args, **kwargs: file)
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    monkeypatch.delenv("MAPA_TEAM", raising=False)
    return file


@pytest.fixture
def upload(seeded_store, monkeypatch) -> Upload:
    file = Upload("partnerzy.csv", "partnerzy-1", _partners(seeded_store))
    return _dropped(monkeypatch, seeded_store, file)


def _run(lang: str, city: str = "Gdańsk", **state: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    at.session_state["city"] = city
    at.session_state["author"] = "Ala"
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/import_danych.py").run()
    assert not at.exception, at.exception
    return at


def _preview(at: AppTest) -> pd.DataFrame:
    """The preview table (the other table on the page is the column mapping)."""
    return next(d.value for d in at.dataframe if len(d.value.columns) > 2)


def _import_sentences() -> set[str]:
    """The fixed Polish words of the import's messages (three words or more)."""
    templates = {
        call.args[0].value
        for path in DOMAIN
        if path.is_relative_to(REPO / "mapping/importing")
        for call in _calls(path, "Message")
        if call.args and isinstance(call.args[0], ast.Constant)
    }
    parts = {
        literal.strip(" ;:,—()„”")
        for text in templates
        if catalogue()[text] != text
        for literal, *_ in string.Formatter().parse(text)
        if literal
    }
    return {p for p in parts if len(p.split()) >= 3}


def _plain(text: str) -> str:
    """Shown text without the markdown escapes ``md`` puts before punctuation."""
    return text.replace("\\", "")


def _everything_shown(at: AppTest) -> list[str]:
    """Every text and table cell (the preview, the column mapping) the page shows."""
    cells = [str(v) for d in at.dataframe for v in d.value.to_numpy().ravel().tolist()]
    headers = [str(c) for d in at.dataframe for c in d.value.columns]
    return [*map(_plain, _texts(at)), *cells, *headers]


def test_the_import_preview_says_its_notes_in_english(upload, seeded_store):
    forget_misses()
    at = _run("en")
    assert not misses(), _missing(misses())
    shown = _everything_shown(at)
    polish = {s for s in _import_sentences() if any(s in text for text in shown)}
    assert not polish, "Polish import messages on the English page:\n" + "\n".join(sorted(polish))
    info = _plain(" ".join(i.value for i in at.info))
    assert 'Read: CSV, encoding Windows-1250, separator ";", coordinates: WGS84' in info
    warnings = _plain(" ".join(w.value for w in at.warning))
    assert "rows without a recognised kind or category: 1" in warnings
    mapping = next(d.value for d in at.dataframe if len(d.value.columns) == 2)
    assert {"Name", "Contact phone", "Latitude (Y)"} <= set(mapping["etykieta"])
    # The mapping, applied as shown in English, goes back to the same fields.
    used = dict(at.session_state["imp_plan"].mapping)
    next(b for b in at.button if b.label == "Apply the matching").click().run()
    assert not at.exception, at.exception
    assert at.session_state["imp_map"] == used
    preview = _preview(at).set_index("row")
    assert set(preview["status"]) <= {
        "accepted",
        "rejected",
        "possible duplicate",
        "accepted (to be completed)",
    }
    assert preview.loc[2, "status"] == "rejected"
    assert "field is required" in preview.loc[2, "problems"]
    assert "lies outside Poland" in preview.loc[5, "problems"]
    assert '"abc" is not a coordinate' in preview.loc[7, "problems"]
    assert preview.loc[3, "status"] == "accepted (to be completed)"
    assert preview.loc[4, "location"] == "no location"
    assert "kept in the team's notes" in preview.loc[4, "notes"]
    assert "swapped" in preview.loc[6, "notes"]
    assert preview.loc[8, "decision"] == "skip"
    assert "the same name" in preview.loc[8, "duplicate"]
    assert any("a possible duplicate" in t for t in _texts(at))
    next(b for b in at.button if b.label == "💾 Save the import").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Saved: 3 new") for s in at.success)
    assert not misses(), _missing(misses())
    # The report and the team's notes are data: they stay Polish whatever the page's language.
    report = json.dumps(build_report(at.session_state["imp_plan"]), ensure_ascii=False)
    assert "pole jest wymagane" in report and "the field is required" not in report
    saved = seeded_store.read_layer("resources", city="Gdańsk").set_index("name")
    assert "Telefon kontaktowy (z importu): tel. nieczynny" in saved.loc["Punkt Porad", "notes"]


def test_the_import_preview_in_polish_reads_as_before(upload):
    forget_misses()
    at = _run("pl")
    preview = _preview(at).set_index("wiersz")
    assert preview.loc[2, "stan"] == "odrzucony"
    assert preview.loc[2, "problemy"] == "Nazwa: pole jest wymagane"
    assert preview.loc[3, "stan"] == "przyjęty (do uzupełnienia)"
    assert preview.loc[4, "lokalizacja"] == "bez lokalizacji"
    assert preview.loc[8, "decyzja"] == "pomiń"
    info = _plain(" ".join(i.value for i in at.info))
    assert "Odczytano: CSV, kodowanie Windows-1250, separator „;”" in info
    warnings = _plain(" ".join(w.value for w in at.warning))
    assert "wierszy bez rozpoznanego rodzaju lub kategorii: 1 — zostaną zapisane" in warnings
    assert not misses()


def test_a_file_that_cannot_be_read_is_refused_in_english(seeded_store, monkeypatch):
    pdf = Upload("partnerzy.csv", "pdf-1", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    _dropped(monkeypatch, seeded_store, pdf)
    forget_misses()
    at = _run("en")
    errors = [_plain(e.value) for e in at.error]
    assert errors == [
        "partnerzy.csv is not a CSV text file: it is a PDF document, not a table — "
        "export the table to CSV or XLSX"
    ]
    assert not misses(), _missing(misses())


def _district_layer() -> bytes:
    """Częstochowa's Raków and a name the city does not have, as GeoJSON."""

    def square(name: str, x: float, y: float) -> dict:
        ring = [[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]
        return {
            "type": "Feature",
            "properties": {"nazwa": name},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    features = [square("Raków", 19.15, 50.78), square("Sopot Dolny", 19.10, 50.80)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_district_boundaries_report_unmatched_names_in_english(seeded_store, monkeypatch):
    layer = Upload("dzielnice.geojson", "dzielnice-1", _district_layer())
    _dropped(monkeypatch, seeded_store, layer)
    forget_misses()
    at = _run("en", "Częstochowa", imp_layer="districts")
    assert not misses(), _missing(misses())
    warnings = _plain(" ".join(w.value for w in at.warning))
    assert 'not among the city\'s districts (1): "Sopot Dolny" — these rows will be skipped' in (
        warnings
    )
    assert "districts that will still have no boundary after this import (19)" in warnings
    preview = _preview(at).set_index("row")
    assert preview.loc[3, "status"] == "rejected"
    assert 'Częstochowa has no district "Sopot Dolny"' in preview.loc[3, "problems"]
    assert preview.loc[2, "decision"] == "merge"
    shown = _everything_shown(at)
    polish = {s for s in _import_sentences() if any(s in text for text in shown)}
    assert not polish, "Polish import messages on the English page:\n" + "\n".join(sorted(polish))


def test_a_change_names_its_field_and_choices_in_either_language():
    from shapely.geometry import Point

    from mapping.importing.preview import describe_changes
    from mapping.language import translate
    from mapping.schema import RESOURCES

    changes = {"kind": "organizacja", "name": "Nowa", "target_groups": ["seniorzy"]}
    before = {"kind": "instytucja", "name": "Stara", "target_groups": []}
    said = describe_changes("resources", {**changes, "geometry": Point(18.6, 54.3)}, before)
    kind, groups = RESOURCES.field("kind"), RESOURCES.field("target_groups")
    old, new = (kind.choice_label(c) for c in ("instytucja", "organizacja"))
    assert said == (
        f"Rodzaj: „{old}” → „{new}”; Nazwa: „Stara” → „Nowa”; "
        f"Dla kogo: (puste) → „{groups.choice_label('seniorzy')}”; lokalizacja: nowa"
    )
    english = {c.code: c.label_en for f in (kind, groups) for c in f.choices}
    assert translate(said, "en") == (
        f'{kind.label_en}: "{english["instytucja"]}" → "{english["organizacja"]}"; '
        f'Name: "Stara" → "Nowa"; {groups.label_en}: (empty) → "{english["seniorzy"]}"; '
        "location: new"
    )
