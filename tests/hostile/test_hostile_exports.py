"""Print (PNG, PDF), interactive HTML, CSV and the report survive every hostile string."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from mapping.errors import MapError
from mapping.export import ExportRequest, export
from mapping.report import render_report, report_content
from mapping.schema import RESOURCES
from mapping.store import GeoPackageStore
from mapping.validation import clean_record
from tests.factories import resource_values
from tests.hostile.fixtures import HOSTILE_CITIES, fill_hostile
from tests.hostile.strings import CONTROL, HOSTILE, LONG

DAY = date(2025, 12, 1)


@pytest.fixture(scope="module", params=HOSTILE_CITIES)
def hostile_store(request: pytest.FixtureRequest, tmp_path_factory) -> tuple[GeoPackageStore, str]:
    path: Path = tmp_path_factory.mktemp("hostile") / "mapa.gpkg"
    store = GeoPackageStore(path)
    fill_hostile(store, request.param)
    return store, store.cities()[0]


def test_the_corpus_has_every_class_of_attack():
    assert len(set(HOSTILE)) >= 40


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_print_export_draws_hostile_text_as_text(hostile_store, fmt):
    store, city = hostile_store
    data = export(store, fmt, ExportRequest(city, as_of=DAY, dpi=72)).data
    assert data.startswith(b"\x89PNG" if fmt == "png" else b"%PDF")


def test_interactive_map_survives_hostile_text(hostile_store):
    store, city = hostile_store
    page = export(store, "html", ExportRequest(city, as_of=DAY, tiles="none")).data.decode()
    assert "<script>alert(1)</script>" not in page
    assert "<img src=http://203.0.113.1" not in page


def test_csv_export_holds_no_control_bytes(hostile_store):
    store, city = hostile_store
    data = export(store, "csv", ExportRequest(city, as_of=DAY, layers=("resources",))).data
    if data.startswith(b"PK"):  # several layers come zipped
        data = b"".join(
            zipfile.ZipFile(io.BytesIO(data)).read(n)
            for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
        )
    text = data.decode("utf-8-sig")
    controls = {ch for ch in text if ord(ch) < 32 and ch not in "\t\n\r"}
    assert not controls


@pytest.mark.parametrize("fmt", [".html", ".docx"])
def test_report_survives_hostile_text(hostile_store, fmt):
    store, city = hostile_store
    content = report_content(store, city=city, year=2025, today=DAY)
    data = render_report(content, fmt)
    if fmt == ".docx":
        document = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
        assert "Linia 1" in document and "\x0b" not in document
    else:
        assert "<script>alert(1)</script>" not in data.decode()


@pytest.mark.parametrize("text", CONTROL[:5])
def test_validation_stores_no_control_characters(text):
    cleaned = clean_record(RESOURCES, resource_values(name=text, offer=text))
    for value in (cleaned["name"], cleaned["offer"]):
        assert not {ch for ch in value if ord(ch) < 32 and ch not in "\t\n"}


def test_word_line_break_becomes_a_newline():
    cleaned = clean_record(RESOURCES, resource_values(name="Linia 1\x0bLinia 2"))
    assert cleaned["name"] == "Linia 1\nLinia 2"


def test_text_longer_than_the_field_is_refused_in_polish():
    with pytest.raises(MapError) as caught:
        clean_record(RESOURCES, resource_values(name=LONG))
    assert "za długi" in str(caught.value.problems[0].describe())
