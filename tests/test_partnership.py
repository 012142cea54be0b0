"""Partnerships: composition by partner type, links to members, partnerships of a district."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from mapping.errors import MapError
from mapping.partnership import (
    composition,
    composition_sentence,
    find_partnership,
    members_table,
    partnership_links,
    partnerships_in_district,
)
from tests.factories import resource_values


def _partner(store, name, kind="instytucja", subtype=None, district="Stogi", at=(18.70, 54.36)):
    values = resource_values(name=name, kind=kind, subtype=subtype, district=district)
    values["geometry"] = Point(*at) if at else None
    return store.create("resources", values, author="test")["id"]


def _partnership(store, members, **overrides):
    values = {"name": "Partnerstwo lokalne Stogi", "city": "Gdańsk", "districts": "Stogi"}
    values.update(overrides)
    return store.create("partnerships", {**values, "members": members}, author="test")


def test_twelve_partners_read_as_six_institutions_and_six_ngos(store):
    ids = [_partner(store, f"Instytucja {i}") for i in range(6)]
    ids += [
        _partner(store, f"Stowarzyszenie {i}", "organizacja", "stowarzyszenie") for i in range(6)
    ]
    partnership = _partnership(store, ids)
    counts = composition(partnership, store.read_layer("resources"))
    assert counts == {"instytucja": 6, "organizacja": 6}
    assert (
        composition_sentence(counts) == "12 partnerów: 6 instytucji i 6 organizacji pozarządowych"
    )


def test_informal_groups_are_told_apart_by_their_subtype(store):
    ids = [
        _partner(store, "Szkoła"),
        _partner(store, "Fundacja", "organizacja", "fundacja"),
        _partner(store, "Mamy ze Stogów", "organizacja", "Grupa nieformalna"),
        _partner(store, "Pani Ala", "osoba"),
    ]
    counts = composition(_partnership(store, ids), store.read_layer("resources"))
    assert composition_sentence(counts) == (
        "4 partnerów: 1 instytucja, 1 organizacja pozarządowa, 1 grupa nieformalna i 1 osoba"
    )


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        ({"instytucja": 1}, "1 partner: 1 instytucja"),
        (
            {"instytucja": 2, "organizacja": 3},
            "5 partnerów: 2 instytucje i 3 organizacje pozarządowe",
        ),
        ({"instytucja": 22}, "22 partnerów: 22 instytucje"),
        ({}, "Brak partnerów na liście członków."),
    ],
)
def test_composition_sentence_uses_polish_plural_forms(counts, sentence):
    assert composition_sentence(counts) == sentence


def test_members_missing_from_the_map_are_not_counted(store):
    partnership = _partnership(store, [_partner(store, "Szkoła"), "nie-ma-takiego"])
    assert composition(partnership, store.read_layer("resources")) == {"instytucja": 1}


def test_members_table_lists_institutions_first_then_by_name(store):
    ids = [
        _partner(store, "Żak", "organizacja", "stowarzyszenie"),
        _partner(store, "Szkoła"),
        _partner(store, "Biblioteka"),
    ]
    table = members_table(_partnership(store, ids), store.read_layer("resources"))
    assert list(table["Nazwa"]) == ["Biblioteka", "Szkoła", "Żak"]
    assert list(table["Rodzaj partnera"]) == ["instytucja", "instytucja", "organizacja pozarządowa"]


def test_links_start_at_the_coordinator_and_skip_unlocated_members(store):
    ids = [
        _partner(store, "Dom Sąsiedzki", at=(18.70, 54.36)),
        _partner(store, "Szkoła", at=(18.71, 54.36)),
        _partner(store, "Parafia", at=(18.70, 54.37)),
        _partner(store, "Bez adresu", at=None),
    ]
    _partnership(store, ids, coordinator="dom sąsiedzki")
    links = partnership_links(store.read_layer("partnerships"), store.read_layer("resources"))
    assert sorted(links["member"]) == ["Parafia", "Szkoła"]
    assert set(links["anchor"]) == {"koordynator"}
    assert links.crs == "EPSG:4326"
    for line in links.geometry:
        assert line.geom_type == "LineString"
        assert line.coords[0] == pytest.approx((18.70, 54.36))


def test_links_start_at_the_members_centre_without_a_coordinator(store):
    ids = [_partner(store, "A", at=(18.70, 54.36)), _partner(store, "B", at=(18.72, 54.36))]
    _partnership(store, ids)
    links = partnership_links(store.read_layer("partnerships"), store.read_layer("resources"))
    assert list(links["anchor"]) == ["środek", "środek"]
    starts = {tuple(round(c, 3) for c in line.coords[0]) for line in links.geometry}
    assert starts == {(18.71, 54.36)}


def test_partnerships_of_a_district_by_name_or_by_members(store):
    here = _partner(store, "Szkoła na Stogach", district="Stogi")
    elsewhere = _partner(store, "Klub w Oliwie", district="Oliwa")
    _partnership(store, [elsewhere], name="Stogi", districts="STOGI; Przeróbka")
    _partnership(store, [here], name="Sąsiedzi", districts="Przeróbka")
    _partnership(store, [elsewhere], name="Oliwa", districts="Oliwa")
    partnerships = store.read_layer("partnerships")
    assert list(partnerships_in_district(partnerships, "Stogi")["name"]) == ["Stogi"]
    with_members = partnerships_in_district(partnerships, "stogi", store.read_layer("resources"))
    assert list(with_members["name"]) == ["Stogi", "Sąsiedzi"]


def test_find_partnership_by_name_and_a_polish_error_listing_names(store):
    record = _partnership(store, [])
    partnerships = store.read_layer("partnerships")
    assert find_partnership(partnerships, "partnerstwo lokalne stogi")["id"] == record["id"]
    with pytest.raises(MapError, match="nie ma partnerstwa „Oliwa”; dostępne: Partnerstwo"):
        find_partnership(partnerships, "Oliwa")


def test_actions_timeline_is_in_date_order_with_partnership_names(store):
    from mapping.partnership import actions_timeline

    p = store.create("partnerships", {"name": "Partnerstwo Stogi", "city": "Gdańsk"}, author="A")
    for name, day, people in [("Festyn", "2025-06-01", 60), ("Warsztaty", "2025-03-10", 12)]:
        store.create(
            "actions",
            {"name": name, "date": day, "city": "Gdańsk", "participants": people,
             "partnership": [p["id"]]},
            author="A",
        )  # fmt: skip
    table = actions_timeline(store.read_layer("actions"), store.read_layer("partnerships"))
    assert list(table["Działanie"]) == ["Warsztaty", "Festyn"]
    assert list(table["Uczestnicy"]) == [12, 60]
    assert set(table["Partnerstwo"]) == {"Partnerstwo Stogi"}


def test_szczecinek_seed_partnership_lists_its_mops_without_a_line_to_draw(store):
    from mapping.seed import load_seed

    load_seed(store)
    partnerships = store.read_layer("partnerships", city="Szczecinek")
    resources = store.read_layer("resources", city="Szczecinek")
    partnership = find_partnership(partnerships, "partnerstwo lokalne wspolnie")
    assert composition(partnership, resources) == {"instytucja": 1}
    (name,) = members_table(partnership, resources)["Nazwa"]
    assert name == "Miejski Ośrodek Pomocy Społecznej w Szczecinku (MOPS)"
    # No address could be placed offline: a member without a location gets no line.
    assert partnership_links(partnerships, resources).empty
