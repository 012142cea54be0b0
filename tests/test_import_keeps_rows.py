"""Imports keep every row that has a name (issue 11.4).

Missing kinds and categories come from the row's words, the file's default,
the sheet or layer name, or the record is stored "do uzupełnienia"; a bad
optional value is a warning; counts match the rows.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from mapping.errors import MapError
from mapping.importing import build_report, commit_import, plan_import
from mapping.importing.completion import incomplete_records, parse_defaults
from mapping.importing.preview import SKIP_LABEL, mapping_from_labels
from mapping.schema import RESOURCES, TO_COMPLETE
from mapping.store import GeoPackageStore

CITY = "Częstochowa"

PARTNERS = [
    "Lp.;Nazwa;Rodzaj;Adres;Telefon",
    "1;Stowarzyszenie Razem;organizacja;ul. Jasnogórska 1;34 123 45 67",
    "2;Miejski Ośrodek Pomocy Społecznej;instytucja;ul. Pułaskiego 2;34 222 33 44",
    "3;Fundacja Nadzieja;organizacja;ul. Focha 3;tel. nieczynny",
    "4;Urząd Dzielnicy;instytucja;ul. Śląska 4;",
    "5;Koło Przyjaciół;organizacja;;",
    "6;Rada Osiedla Północ;instytucja;ul. Wielkoborska 6;",
]

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Mapa sąsiedztwa</name>
<Folder><name>Miejsca</name>
{}
</Folder></Document></kml>"""
PLACEMARK = (
    "<Placemark><name>{}</name><description>{}</description>"
    "<Point><coordinates>{},{},0</coordinates></Point></Placemark>"
)


def _cp1250(tmp_path: Path, lines: list[str], name: str = "partnerzy.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("cp1250"))
    return path


def test_cp1250_partner_list_without_category_imports_every_named_row(
    tmp_path: Path,
) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    plan = plan_import(_cp1250(tmp_path, PARTNERS), "resources", CITY, store)
    assert not plan.rejected
    assert len(plan.to_write) == 6
    mops = plan.row(3)
    assert mops.values["category"] == "pomoc_spoleczna" and not mops.to_complete
    koło = plan.row(6)  # "Koło Przyjaciół": an organisation of what? nobody can tell
    assert (koło.values["category"], koło.values["status"]) == ("inne", TO_COMPLETE)
    result = commit_import(plan, store, "Ala")
    assert len(result.created) == 6 and result.rejected == 0
    stored = store.read_layer("resources")
    assert len(stored) == 6
    listed = incomplete_records(RESOURCES, stored)
    assert "Koło Przyjaciół" in set(listed["name"])
    assert len(listed) == len(result.incomplete)


def test_bad_optional_value_is_a_warning_naming_row_and_field_kept_in_notes(
    tmp_path: Path,
) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    plan = plan_import(_cp1250(tmp_path, PARTNERS), "resources", CITY, store)
    row = plan.row(4)
    assert row.values["phone"] is None
    assert "tel. nieczynny" in row.values["notes"]
    warning = next(w for w in row.warnings if w.field == "Telefon kontaktowy")
    assert warning.row == 4 and "nieczynny" in warning.message


def test_per_file_default_fills_what_no_row_tells(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    path = _cp1250(tmp_path, PARTNERS)
    plan = plan_import(
        path, "resources", CITY, store, defaults={"category": "aktywność obywatelska i integracja"}
    )
    assert plan.row(6).values["category"] == "aktywnosc"
    assert not plan.incomplete
    assert plan.row(3).values["category"] == "pomoc_spoleczna"  # the row's own words first


def test_list_with_neither_kind_nor_category_keeps_every_row(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    lines = ["Nazwa;Adres", "Pani Basia;ul. Krótka 1", "Ekipa z podwórka;", "Biblioteka;ul. A 2"]
    plan = plan_import(_cp1250(tmp_path, lines), "resources", CITY, store)
    assert len(plan.to_write) == 3 and not plan.rejected
    assert {r.row for r in plan.incomplete} == {2, 3}
    report = build_report(plan)
    assert report["incomplete"] == 2


def test_sheet_name_tells_the_category(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Biblioteki"
    for values in (("Nazwa", "Adres"), ("Filia nr 5", "ul. Krótka 1"), ("Filia nr 7", "")):
        sheet.append(values)
    path = tmp_path / "lista.xlsx"
    workbook.save(path)
    plan = plan_import(path, "resources", CITY, store)
    assert [r.values["category"] for r in plan.rows] == ["kultura", "kultura"]
    assert [r.values["kind"] for r in plan.rows] == ["instytucja", "instytucja"]
    assert not plan.incomplete


def test_my_maps_kml_with_six_places_keeps_all_six(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    places = [
        ("Ławka pod lipą", "tu się spotykamy", 19.12, 50.81),
        ("Pan Józek", "naprawi rower", 19.13, 50.81),
        ("Świetlica", "", 19.14, 50.81),
        ("Sklepik", "", 19.15, 50.81),
        ("Boisko", "", 19.16, 50.81),
        ("Przystanek", "", 19.17, 50.81),
    ]
    body = "\n".join(PLACEMARK.format(*p) for p in places)
    path = tmp_path / "moja-mapa.kml"
    path.write_text(KML.format(body), encoding="utf-8")
    plan = plan_import(path, "resources", CITY, store)
    assert len(plan.to_write) == 6 and not plan.rejected
    result = commit_import(plan, store, "Ala")
    assert len(result.created) == 6


def test_counts_match_the_rows_not_the_problems(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    lines = ["Nazwa;Szer.;Dł.", ";50,8;19,1", ";abc;19,1", "Ok;50,8;19,1"]
    plan = plan_import(_cp1250(tmp_path, lines), "resources", CITY, store)
    report = build_report(plan)
    assert report["rejected_rows"] == [2, 3]
    assert len(report["rejected"]) > 2  # a row may have several problems
    assert report["accepted"] + len(report["rejected_rows"]) == len(plan.rows)


def test_cli_set_accepts_codes_and_labels_and_refuses_unknown() -> None:
    assert parse_defaults(["kind=organizacja", "Kategoria=Kultura i biblioteki"], "resources") == {
        "kind": "organizacja",
        "category": "kultura",
    }
    with pytest.raises(MapError, match="dozwolone"):
        parse_defaults(["category=kosmos"], "resources")
    with pytest.raises(MapError, match="pole=wartość"):
        parse_defaults(["category"], "resources")


def test_column_mapping_is_chosen_by_polish_labels(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    plan = plan_import(_cp1250(tmp_path, PARTNERS), "resources", CITY, store)
    labels = dict(
        zip(plan.mapping_table()["kolumna"], plan.mapping_table()["etykieta"], strict=True)
    )
    assert labels["Nazwa"] == "Nazwa" and labels["Adres"] == "Adres"
    assert "name" not in labels.values()
    back = mapping_from_labels("resources", {**labels, "Lp.": SKIP_LABEL})
    assert back["Nazwa"] == "name" and back["Telefon"] == "phone" and back["Lp."] is None


def test_merging_a_row_to_complete_keeps_the_entry_classified_and_its_notes(
    tmp_path: Path,
) -> None:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    existing = {
        "name": "Koło Przyjaciół",
        "kind": "organizacja",
        "category": "aktywnosc",
        "city": CITY,
        "address": "ul. Krótka 1",
        "status": "aktywny",
        "notes": "spotkania we wtorki",
    }
    record = store.create("resources", existing, author="Ala")
    lines = ["Nazwa;Adres;Telefon;Uwagi", "Koło Przyjaciół;ul. Krótka 1;34 123 45 67;nowy lider"]
    plan = plan_import(_cp1250(tmp_path, lines), "resources", CITY, store)
    row = plan.row(2)
    assert row.to_complete and row.duplicate is not None
    assert row.duplicate.record_id == record["id"]
    plan.decide(2, "merge")
    commit_import(plan, store, "Ola")
    merged = store.get("resources", record["id"])
    assert (merged["kind"], merged["category"], merged["status"]) == (
        "organizacja",
        "aktywnosc",
        "aktywny",
    )
    assert merged["phone"] == "34 123 45 67"
    assert merged["notes"].splitlines() == ["spotkania we wtorki", "nowy lider"]
