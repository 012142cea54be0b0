"""The analysis screen's helpers: labelled tables, change since a day, confirmed matches."""

from __future__ import annotations

import pandas as pd

from mapping.analysis.indicators import INDICATOR_LABELS
from mapping.diagnosis import (
    candidates_table,
    confirm_match,
    gaps_table,
    idle_table,
    indicator_change,
    labelled,
)
from tests.factories import need_values, resource_values


def test_labelled_uses_polish_headers_units_and_percent():
    table = pd.DataFrame(
        {"resources": [3], "verified_share": [0.256], "population": [1000]}, index=["Stogi"]
    )
    shown = labelled(table, INDICATOR_LABELS)
    assert list(shown.columns) == [
        "Liczba mieszkańców [osób]",
        "Aktywne zasoby",
        "Udział zasobów zweryfikowanych w terminie [%]",
    ]
    assert shown.loc["Stogi", "Udział zasobów zweryfikowanych w terminie [%]"] == 25.6


def test_indicator_change_counts_then_now_and_difference():
    now = pd.DataFrame(
        {"resources": [5, 2], "needs_open": [1, 0], "needs_unmatched": [1, 0], "stale": [0, 1]},
        index=["Stogi", "Oliwa"],
    )
    then = pd.DataFrame(
        {"resources": [3], "needs_open": [2], "needs_unmatched": [2], "stale": [0]},
        index=["Stogi"],
    )
    change = indicator_change(now, then, INDICATOR_LABELS)
    assert change.loc["Stogi", "Aktywne zasoby: zmiana"] == 2
    assert change.loc["Oliwa", "Aktywne zasoby: wtedy"] == 0
    assert change.loc["Stogi", "Otwarte potrzeby: zmiana"] == -1


def test_confirming_a_match_links_the_resource_once(store):
    need = store.create("needs", need_values(), author="Ala")
    resource = store.create("resources", resource_values(), author="Ala")
    confirm_match(store, need["id"], resource["id"], author="Ola")
    linked = confirm_match(store, need["id"], resource["id"], author="Ola")
    assert linked["linked_resources"] == [resource["id"]]
    assert store.get("needs", need["id"])["author"] == "Ola"


def test_candidates_table_names_need_and_resource(store):
    need = store.create("needs", need_values(title="Sala na spotkania"), author="A")
    resource = store.create("resources", resource_values(name="Biblioteka"), author="A")
    matches = pd.DataFrame(
        {"need_id": [need["id"]], "resource_id": [resource["id"]], "rank": [1], "reason": ["x"]}
    )
    table = candidates_table(store.read_layer("needs"), store.read_layer("resources"), matches)
    assert table.loc[0, "Potrzeba"] == "Sala na spotkania" and table.loc[0, "Zasób"] == "Biblioteka"


def test_labelled_does_not_repeat_a_unit_the_label_says():
    table = pd.DataFrame({"resources_per_1000": [0.5]}, index=["Stogi"])
    assert list(labelled(table, INDICATOR_LABELS).columns) == ["Zasoby na 1000 mieszkańców"]


def test_gaps_and_idle_tables_are_in_polish_order():
    holes = pd.DataFrame(
        {"title": ["Świetlica", "Brzeźno: plac", "Brętowo: klub"], "district": None, "reason": ""}
    )
    assert list(gaps_table(holes)["Potrzeba"]) == ["Brętowo: klub", "Brzeźno: plac", "Świetlica"]
    idle = pd.DataFrame({"name": ["Łaźnia", "Lapidarium"], "district": None, "reason": ""})
    assert list(idle_table(idle)["Zasób"]) == ["Lapidarium", "Łaźnia"]
