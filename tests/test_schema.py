"""The schema declaration and the validation derived from it."""

from __future__ import annotations

import pytest

from mapping.errors import MapError, ValidationError
from mapping.plural import plural_form, with_count
from mapping.schema import (
    ACTIONS,
    ACTIVE_RESOURCE_STATUSES,
    AREAS,
    CATEGORIES,
    EVERYONE,
    LAYERS,
    NEEDS,
    OPEN_NEED_STATUSES,
    RELATED_CATEGORIES,
    RESOURCES,
    TARGET_GROUPS,
    AreaKind,
    Audience,
    FieldType,
    Visibility,
    get_layer,
    is_active_status,
    is_open_status,
)
from mapping.text import fold
from mapping.validation import clean_record
from tests.factories import resource_values


def test_every_layer_named_by_its_key_and_fields_unique():
    for name, layer in LAYERS.items():
        assert layer.name == name
        assert len(set(layer.field_names)) == len(layer.field_names), name
        assert layer.title_field in layer.field_names


def test_choice_fields_declare_choices_and_refs_their_layer():
    for layer in LAYERS.values():
        for f in layer.fields:
            if f.type in (FieldType.CHOICE, FieldType.MULTICHOICE):
                assert f.choices, f"{layer.name}.{f.name}"
            if f.type == FieldType.REFS:
                assert f.ref_layer in LAYERS, f"{layer.name}.{f.name}"


def test_needs_and_resources_share_one_taxonomy():
    assert RESOURCES.field("category").choices == NEEDS.field("category").choices == CATEGORIES
    codes = {c.code for c in CATEGORIES}
    for key, related in RELATED_CATEGORIES.items():
        assert key in codes
        assert set(related) <= codes


def test_personal_data_is_never_public_by_default():
    personal = {"contact_person", "skills", "availability", "reporter_contact", "phone", "email"}
    for layer in LAYERS.values():
        for f in layer.fields:
            if f.name in personal:
                assert f.visibility != Visibility.PUBLIC, f"{layer.name}.{f.name}"


def test_audiences_see_what_the_rule_says():
    assert Audience.PUBLIC.can_view(Visibility.PUBLIC)
    assert not Audience.PUBLIC.can_view(Visibility.TEAM)
    assert not Audience.TEAM.can_view(Visibility.PRIVATE)
    assert Audience.EDITOR.can_view(Visibility.PRIVATE)
    public = {f.name for f in RESOURCES.visible_fields(Audience.PUBLIC)}
    assert "name" in public and "phone" not in public and "contact_person" not in public


def test_unknown_layer_is_a_clear_error():
    with pytest.raises(ValueError, match="dostępne"):
        get_layer("zasoby")


def test_good_record_is_normalised():
    cleaned = clean_record(
        RESOURCES,
        resource_values(
            kind="Instytucja",
            category="Kultura i biblioteki",
            target_groups="Seniorzy; dzieci, seniorzy",
            last_verified="25.06.2020",
            website="www.example.pl",
            name="  Klub Żak  ",
        ),
    )
    assert cleaned["kind"] == "instytucja"
    assert cleaned["category"] == "kultura"
    assert cleaned["target_groups"] == ["seniorzy", "dzieci"]
    assert cleaned["last_verified"] == "2020-06-25"
    assert cleaned["website"] == "https://www.example.pl"
    assert cleaned["name"] == "Klub Żak"
    assert cleaned["phone"] is None and cleaned["partnerships"] == []


def test_bad_record_lists_every_problem_with_row_and_polish_field_label():
    values = resource_values(name="", category="kosmos", email="nie-mail", website="javascript:x")
    with pytest.raises(ValidationError) as info:
        clean_record(RESOURCES, values, row=7)
    problems = {p.field: p for p in info.value.problems}
    assert set(problems) == {"Nazwa", "Kategoria", "E-mail kontaktowy", "Strona www"}
    assert all(p.row == 7 for p in problems.values())
    assert "wymagane" in problems["Nazwa"].message
    assert "dozwolone" in problems["Kategoria"].message
    assert "wiersz 7, pole „Nazwa”: pole jest wymagane" in str(info.value)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("population", "12 345", 12345),
        ("area_km2", "2,5", 2.5),
        ("population", 7.0, 7),
    ],
)
def test_numbers_accept_polish_spreadsheet_forms(field, value, expected):
    values = {"name": "Stogi", "kind": "dzielnica", "city": "Gdańsk", field: value}
    assert clean_record(get_layer("areas"), values)[field] == expected


@pytest.mark.parametrize(("field", "value"), [("population", "-3"), ("population", "2,5")])
def test_bad_numbers_are_rejected(field, value):
    values = {"name": "Stogi", "kind": "dzielnica", "city": "Gdańsk", field: value}
    with pytest.raises(MapError, match="Liczba mieszkańców"):
        clean_record(get_layer("areas"), values)


def test_partial_validation_checks_only_given_fields():
    assert clean_record(RESOURCES, {"name": "Nowa"}, partial=True) == {"name": "Nowa"}


def test_fold_ignores_case_and_polish_letters():
    assert fold("ŁÓDŹ Święta") == "lodz swieta"


# --- the vocabulary's meaning ---------------------------------------------------


def test_open_and_active_statuses_are_declared_status_choices():
    assert set(OPEN_NEED_STATUSES) <= set(NEEDS.field("status").codes)
    assert set(ACTIVE_RESOURCE_STATUSES) <= set(RESOURCES.field("status").codes)
    assert is_open_status("w_realizacji") and not is_open_status("zaspokojona")
    assert is_active_status("aktywny") and not is_active_status("archiwalny")


@pytest.mark.parametrize("layer", list(LAYERS.values()), ids=list(LAYERS))
def test_default_status_is_one_of_the_layers_status_choices(layer):
    if "status" in layer.field_names:
        assert layer.default_status in layer.field("status").codes
    else:
        assert layer.default_status is None


@pytest.mark.parametrize("layer", list(LAYERS.values()), ids=list(LAYERS))
def test_every_search_field_exists_in_its_layer(layer):
    assert layer.title_field in layer.search_fields
    for name in layer.search_fields:
        assert layer.field(name).type in (FieldType.TEXT, FieldType.LONGTEXT)


def test_area_kinds_and_everyone_are_declared_choices():
    assert set(AREAS.field("kind").codes) == {k.value for k in AreaKind}
    for layer in (RESOURCES, NEEDS, ACTIONS):
        assert EVERYONE in layer.field("target_groups").codes


def test_accusative_forms_read_in_a_sentence():
    groups = {g.code: g.label_accusative for g in TARGET_GROUPS}
    assert groups["seniorzy"] == "seniorów"
    assert groups[EVERYONE] == "wszystkich"
    assert groups["dzieci"] == "dzieci"  # the same as the label


@pytest.mark.parametrize("layer", list(LAYERS.values()), ids=list(LAYERS))
def test_every_layer_counts_in_polish(layer):
    assert with_count(1, layer.count_forms) == f"1 {layer.count_forms.one}"
    assert plural_form(5, layer.genitive_forms) == layer.genitive_forms.many


def test_every_audience_has_a_label_and_a_version_name():
    for audience in Audience:
        assert audience.label and audience.version_label.startswith("wersja")
