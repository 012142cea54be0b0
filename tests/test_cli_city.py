"""Every command accepts a city however it is typed (issue 11.5)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mapping.__main__ import main, resolve_city
from mapping.errors import MapError
from mapping.store import GeoPackageStore
from tests.factories import resource_values


@pytest.fixture
def two_cities(tmp_path: Path) -> Path:
    db = tmp_path / "mapa.gpkg"
    store = GeoPackageStore(db)
    with store.batch("test") as batch:
        for city in ("Gdańsk", "Częstochowa"):
            batch.create("areas", {"name": city, "kind": "miasto", "city": city})
            batch.create("resources", resource_values(city=city, name=f"Biblioteka {city}"))
    return db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("gdansk", "Gdańsk"),
        ("GDAŃSK", "Gdańsk"),
        (" gdańsk ", "Gdańsk"),
        ("Częstochowa", "Częstochowa"),
        ("czestochowa", "Częstochowa"),
        ("CZESTOCHOWA", "Częstochowa"),
    ],
)
def test_city_is_matched_ignoring_case_and_polish_letters(
    two_cities: Path, typed: str, stored: str
) -> None:
    assert resolve_city(GeoPackageStore(two_cities), typed) == stored


def test_unknown_city_lists_the_known_ones(two_cities: Path) -> None:
    with pytest.raises(MapError, match=r"dostępne: .*Gdańsk"):
        resolve_city(GeoPackageStore(two_cities), "Gdynia")
    assert resolve_city(GeoPackageStore(two_cities), "Gdynia", new_allowed=True) == "Gdynia"


def test_export_report_and_import_accept_gdansk(two_cities: Path, tmp_path: Path) -> None:
    db = str(two_cities)
    out = tmp_path / "mapa.zip"
    assert main(["export", "geojson", "--city", "gdansk", "--db", db, "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as archive:
        assert "Biblioteka Gdańsk" in archive.read("resources.geojson").decode("utf-8")
    report = tmp_path / "sprawozdanie.html"
    args = ["report", "--city", "gdansk", "--year", "2025", "--db", db, "-o", str(report)]
    assert main(args) == 0
    assert "Gdańsk" in report.read_text(encoding="utf-8")
    csv = tmp_path / "lista.csv"
    csv.write_text("Nazwa;Rodzaj;Kategoria\nKlub;organizacja;sport\n", encoding="utf-8")
    args = ["import", str(csv), "--layer", "resources", "--city", "GDAŃSK", "--db", db]
    assert main([*args, "--author", "Ala"]) == 0
    cities = GeoPackageStore(two_cities).read_layer("resources", city="Gdańsk")
    assert "Klub" in set(cities["name"])


def test_import_set_fills_kind_and_category(two_cities: Path, tmp_path: Path) -> None:
    csv = tmp_path / "lista.csv"
    csv.write_text("Nazwa\nKoło Przyjaciół\nEkipa z podwórka\n", encoding="utf-8")
    args = ["import", str(csv), "--layer", "resources", "--city", "czestochowa"]
    args += ["--db", str(two_cities), "--set", "kind=organizacja", "--set", "category=aktywnosc"]
    assert main(args) == 0
    stored = GeoPackageStore(two_cities).read_layer("resources", city="Częstochowa")
    added = stored[stored["name"].isin(["Koło Przyjaciół", "Ekipa z podwórka"])]
    assert set(added["kind"]) == {"organizacja"} and set(added["category"]) == {"aktywnosc"}
    assert set(added["status"]) == {"aktywny"}


def test_import_set_with_unknown_value_is_a_polish_error(
    two_cities: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    csv = tmp_path / "lista.csv"
    csv.write_text("Nazwa\nKlub\n", encoding="utf-8")
    args = ["import", str(csv), "--layer", "resources", "--city", "gdansk"]
    assert main([*args, "--db", str(two_cities), "--set", "category=kosmos"]) == 2
    assert "nieznana wartość „kosmos”" in capsys.readouterr().err
