"""The import page in Chromium: a partner list without categories keeps every row.

Uploads a real cp1250 file, sees the rows waiting "do uzupełnienia", picks a
default category for the file, saves, and re-uploads the same file: nothing
is written twice and no undo is offered for an import that wrote nothing.
The uploaded copy is gone from the temporary folder after the import.  The
app's own workbook, one name corrected, updates that one record.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from mapping.export import ExportRequest, export
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import TIMEOUT_MS, choose, go_to, script_run, sign_in

pytestmark = pytest.mark.browser

CITY = "Gdańsk"
ROWS = [
    "Nazwa;Rodzaj;Adres;Telefon",
    "Koło Przyjaciół Oruni;organizacja;ul. Gościnna 1;tel. nieczynny",
    "Ekipa z Podwórka Oruni;organizacja;;",
    "Miejski Ośrodek Pomocy Rodzinie — Orunia;instytucja;ul. Nowiny 2;58 123 45 67",
]


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _upload(page, path: Path) -> None:
    with script_run(page):
        page.locator("input[type='file']").set_input_files(str(path))
    expect(_metric(page, "Do zapisania")).to_be_visible(timeout=TIMEOUT_MS)


def _open_import_page(page, server) -> None:
    """Sign in as every user does first, then open "Import" from the menu."""
    sign_in(page, server, "Ala z importu")
    with script_run(page):
        go_to(page, "pages/import_danych.py")


def test_partner_list_without_categories_is_imported_whole_and_once(
    page, server, tmp_path: Path
) -> None:
    path = tmp_path / f"partnerzy-{uuid.uuid4().hex[:8]}.csv"
    path.write_bytes("\r\n".join(ROWS).encode("cp1250"))
    before = len(GeoPackageStore(server.store_path).read_layer("resources", city=CITY))
    _open_import_page(page, server)
    _upload(page, path)
    expect(_metric(page, "Odrzucone wiersze")).to_have_text("0")
    expect(_metric(page, "Do uzupełnienia")).to_have_text("2")
    expect(page.get_by_text("Kategoria").first).to_be_visible()
    with script_run(page):
        choose(page, "Domyślnie: kategoria", "Aktywność obywatelska i integracja")
    expect(_metric(page, "Do uzupełnienia")).to_have_text("0", timeout=TIMEOUT_MS)
    expect(_metric(page, "Do zapisania")).to_have_text("3")
    with script_run(page):
        page.get_by_role("button", name="Zapisz import").click()
    expect(page.get_by_text("Zapisano: 3 nowych")).to_be_visible(timeout=TIMEOUT_MS)
    stored = GeoPackageStore(server.store_path).read_layer("resources", city=CITY)
    assert len(stored) == before + 3
    leftovers = list(Path(tempfile.gettempdir()).glob(f"mapa-import-*/{path.name}"))
    assert leftovers == []

    # The same file again, as a user does it: remove it from the page, upload it anew.
    with script_run(page):
        page.get_by_test_id("stFileChipDeleteBtn").first.click()
    again = tmp_path / "ponownie" / path.name  # the browser skips a file it has just sent
    again.parent.mkdir()
    again.write_bytes(path.read_bytes())
    _upload(page, again)  # every row is a duplicate now
    with script_run(page):
        page.get_by_role("button", name="Zapisz import").click()
    expect(page.get_by_text("Nic nie zapisano")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_role("button", name="Cofnij cały import")).to_have_count(0)
    assert len(GeoPackageStore(server.store_path).read_layer("resources", city=CITY)) == before + 3


def test_own_workbook_with_one_correction_updates_that_record_only(
    page, server, tmp_path: Path
) -> None:
    """The app's own XLSX back: its sheet is found, one record changes, the rest "bez zmian"."""
    store = GeoPackageStore(server.store_path)
    path = tmp_path / f"eksport-{uuid.uuid4().hex[:8]}.xlsx"
    path.write_bytes(export(store, "xlsx", ExportRequest(CITY)).data)
    book = openpyxl.load_workbook(path)
    sheet = book["Zasoby"]
    headers = [c.value for c in sheet[1]]  # names first, the record's id last
    record_id = sheet.cell(2, headers.index("id") + 1).value
    sheet.cell(2, headers.index("Nazwa") + 1, "Nazwa poprawiona w Excelu")
    book.save(path)
    rows = sheet.max_row - 1
    before = store.get("resources", record_id)

    _open_import_page(page, server)
    _upload(page, path)
    expect(page.get_by_text("Arkusz pliku do wczytania")).to_be_visible()
    expect(page.get_by_text("Zasoby").first).to_be_visible()
    expect(_metric(page, "Zmiany wpisów")).to_have_text("1")
    expect(_metric(page, "Bez zmian")).to_have_text(str(rows - 1))
    expect(_metric(page, "Konflikty wersji")).to_have_text("0")
    with script_run(page):
        page.get_by_role("button", name="Zapisz import").click()
    expect(page.get_by_text("Zapisano: 0 nowych, 1 zmienionych")).to_be_visible(timeout=TIMEOUT_MS)
    after = GeoPackageStore(server.store_path).get("resources", record_id)
    assert after["name"] == "Nazwa poprawiona w Excelu"
    assert after["version"] == before["version"] + 1
