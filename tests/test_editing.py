"""Keeping the map current: verification, staleness, history views, tables."""

from __future__ import annotations

from datetime import date

from mapping.editing import (
    history_table,
    record_choices,
    stale_records,
    unlocated_records,
    verify_record,
)
from mapping.schema import RESOURCES, Audience
from mapping.tables import display_table
from tests.factories import resource_values

TODAY = date(2026, 11, 23)


def test_verify_sets_last_verified_today_as_a_new_version(store):
    record = store.create("resources", resource_values(last_verified="2020-01-01"), author="Ala")
    verified = verify_record(store, "resources", record, author="Ola", today=TODAY)
    assert verified["last_verified"] == "2026-11-23" and verified["version"] == 2


def test_stale_list_is_worst_first_with_never_verified_on_top(store):
    for name, verified in [
        ("Świeży", "2026-10-01"),
        ("Stary", "2024-01-01"),
        ("Bardzo stary", "2019-05-05"),
        ("Nigdy", None),
    ]:
        store.create("resources", resource_values(name=name, last_verified=verified), author="A")
    stale = stale_records(RESOURCES, store.read_layer("resources"), today=TODAY)
    assert list(stale["title"]) == ["Nigdy", "Bardzo stary", "Stary"]
    assert stale.loc[1, "days"] == (TODAY - date(2019, 5, 5)).days
    recent = stale_records(RESOURCES, store.read_layer("resources"), today=TODAY, max_age_days=30)
    assert list(recent["title"]) == ["Nigdy", "Bardzo stary", "Stary", "Świeży"]


def test_unlocated_records_are_listed(store):
    store.create("resources", resource_values(name="Bez adresu", geometry=None), author="A")
    store.create("resources", resource_values(name="Na mapie"), author="A")
    assert list(unlocated_records(RESOURCES, store.read_layer("resources"))["name"]) == [
        "Bez adresu"
    ]


def test_history_table_names_changed_fields_in_polish(store):
    record = store.create("resources", resource_values(), author="Ala")
    store.update("resources", record["id"], {"category": "sport"}, expected_version=1, author="Ola")
    table = history_table(store, RESOURCES, record["id"])
    assert list(table["kto"]) == ["Ola", "Ala"]
    assert table.loc[0, "zmiany"] == "Kategoria: Kultura i biblioteki → Sport i rekreacja"
    assert table.loc[1, "co"] == "utworzenie"


def test_record_choices_are_in_polish_order(store):
    for name in ["Żak", "Zatoka", "Łaźnia", "Lipa"]:
        store.create("resources", resource_values(name=name, district="Stogi"), author="A")
    labels = list(record_choices(RESOURCES, store.read_layer("resources")).values())
    assert labels == ["Lipa — Stogi", "Łaźnia — Stogi", "Zatoka — Stogi", "Żak — Stogi"]


def test_display_table_hides_fields_the_audience_may_not_see(store):
    store.create(
        "resources",
        resource_values(phone="58 123 45 67", contact_person="Jan Kowalski"),
        author="A",
    )
    frame = store.read_layer("resources")
    public = display_table(RESOURCES, frame, Audience.PUBLIC)
    team = display_table(RESOURCES, frame, Audience.TEAM)
    assert "Telefon kontaktowy" not in public.columns and "Osoba kontaktowa" not in public.columns
    assert team.loc[0, "Telefon kontaktowy"] == "58 123 45 67"
    assert "Osoba kontaktowa" not in team.columns
    assert public.loc[0, "Dla kogo"] == "dzieci, seniorzy"
