"""Guessing, overriding and remembering which column goes into which field."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapping.errors import MapError
from mapping.importing import guess_mapping, load_mapping, parse_mapping_spec, save_mapping
from mapping.importing.memory import mappings_path, source_key
from mapping.store import GeoPackageStore


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nazwa", "name"),
        ("NAME", "name"),
        ("Adres", "address"),
        ("address", "address"),
        ("Kategoria", "category"),
        ("Rodzaj", "kind"),
        ("Szer.", "lat"),
        ("Szerokość geograficzna", "lat"),
        ("latitude", "lat"),
        ("Dł.", "lon"),
        ("DŁUGOŚĆ", "lon"),
        ("lng", "lon"),
        ("Dzielnica", "district"),
        ("Grupa docelowa", "target_groups"),
        ("Adresaci", "target_groups"),
        ("Dla kogo?", "target_groups"),
        ("Tel.", "phone"),
        ("Telefon kontaktowy", "phone"),
        ("E-mail", "email"),
        ("mail", "email"),
        ("WWW", "website"),
        ("Strona internetowa", "website"),
        ("Godziny otwarcia", "opening_hours"),
        ("Opis", "offer"),
        ("Oferta", "offer"),
        ("Osoba kontaktowa", "contact_person"),
        ("Status", "status"),
        ("Data weryfikacji", "last_verified"),
        ("Ostatnia weryfikacja", "last_verified"),
        ("opening_hours", "opening_hours"),
        ("Dostępność", "accessibility"),
        ("Współrzędne GPS", "coordinates"),
        ("Adres e-mail", "email"),
        ("Nazwa organizacji", "name"),
    ],
)
def test_common_headers(header: str, field: str) -> None:
    assert guess_mapping([header], "resources") == {header: field}


def test_typ_is_the_kind_unless_there_is_a_rodzaj_column() -> None:
    assert guess_mapping(["Nazwa", "Typ"], "resources")["Typ"] == "kind"
    both = guess_mapping(["Nazwa", "Typ", "Rodzaj"], "resources")
    assert (both["Rodzaj"], both["Typ"]) == ("kind", "subtype")


def test_each_field_once_and_unknown_columns_none() -> None:
    mapping = guess_mapping(["Nazwa", "Nazwa skrócona", "Lp.", "X", "Y"], "resources")
    assert mapping == {"Nazwa": "name", "Nazwa skrócona": None, "Lp.": None, "X": "lon", "Y": "lat"}


def test_street_and_number_and_needs_and_districts() -> None:
    assert guess_mapping(["ulica", "nr"], "resources") == {"ulica": "street", "nr": "house_number"}
    needs = guess_mapping(["Potrzeba", "Opis", "Adres", "Priorytet"], "needs")
    assert needs == {
        "Potrzeba": "title",
        "Opis": "description",
        "Adres": "address",
        "Priorytet": "priority",
    }
    assert guess_mapping(["JPT_NAZWA_", "JPT_KOD_JE"], "districts") == {
        "JPT_NAZWA_": "name",
        "JPT_KOD_JE": "teryt",
    }
    assert guess_mapping(["DZIELNICA"], "districts") == {"DZIELNICA": "name"}


def test_mapping_spec_accepts_names_labels_and_leaving_out() -> None:
    headers = ["Nazwa placówki", "Uwagi", "Kolumna X"]
    spec = "nazwa placowki=name, Uwagi=Oferta, kolumna x="
    assert parse_mapping_spec(spec, headers, "resources") == {
        "Nazwa placówki": "name",
        "Uwagi": "offer",
        "Kolumna X": None,
    }
    with pytest.raises(MapError, match="nie ma kolumny"):
        parse_mapping_spec("Brak=name", headers, "resources")
    with pytest.raises(MapError, match="nieznane pole"):
        parse_mapping_spec("Uwagi=cokolwiek", headers, "resources")


def test_mapping_memory_round_trip(store: GeoPackageStore) -> None:
    key = source_key(["Nazwa", "Adres"], "resources")
    assert key == source_key(["adres", "NAZWA"], "resources")  # order and case do not matter
    assert load_mapping(key, store) is None
    path = save_mapping(key, {"Nazwa": "name", "Adres": None}, store)
    assert path == mappings_path(store) == Path(store.location + ".mappings.json")
    assert load_mapping(key, store) == {"Nazwa": "name", "Adres": None}
    save_mapping(source_key(["x"], "needs"), {"x": "title"}, store)
    assert load_mapping(key, store) == {"Nazwa": "name", "Adres": None}


def test_damaged_memory_file_is_ignored(store: GeoPackageStore) -> None:
    Path(store.location + ".mappings.json").write_text("{nie json")
    assert load_mapping("resources:nazwa", store) is None
    save_mapping("resources:nazwa", {"Nazwa": "name"}, store)
    assert load_mapping("resources:nazwa", store) == {"Nazwa": "name"}


@pytest.mark.parametrize("layer", ["resources", "needs"])
def test_english_labels_map_back_to_their_fields(layer: str) -> None:
    # A sheet headed in English (a partner's, or one made from the English UI) imports too.
    from mapping.importing.targets import import_schema

    fields = import_schema(layer).fields
    mapping = guess_mapping([f.label_en for f in fields], layer)
    assert mapping == {f.label_en: f.name for f in fields}
