"""Staleness means something: never verified apart from verified long ago, new records fresh."""

from __future__ import annotations

from datetime import date

import pandas as pd

from mapping.editing import new_record_defaults, stale_records
from mapping.freshness import NEVER, OLD, Freshness, freshness, freshness_states
from mapping.schema import NEEDS, RESOURCES
from tests.factories import resource_values

TODAY = date(2026, 11, 23)


def _frame(*dates: str | None) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(dates))], "last_verified": dates})


def test_never_verified_is_counted_apart_from_verified_long_ago():
    frame = _frame("2026-10-01", "2019-05-05", None, "nie wiem", "2025-11-23")
    assert list(freshness_states(frame, today=TODAY)) == [None, OLD, NEVER, NEVER, None]
    assert freshness(frame, today=TODAY) == Freshness(fresh=2, old=1, never=2)


def test_summary_names_both_kinds_with_polish_plurals():
    text = Freshness(fresh=0, old=2, never=5).describe(RESOURCES.count_forms)
    assert text == ("ponad 12 miesięcy od weryfikacji: 2 zasoby; bez weryfikacji: 5 zasobów")
    assert Freshness(fresh=22, old=0, never=0).describe(RESOURCES.count_forms) == (
        "zweryfikowane w ciągu 12 miesięcy: 22 zasoby"
    )


def test_summary_names_a_chosen_age_in_days():
    text = Freshness(fresh=1, old=3, never=0, max_age_days=90).describe(RESOURCES.count_forms)
    assert text == "ponad 90 dni od weryfikacji: 3 zasoby"


def test_a_layer_without_verification_dates_has_nothing_to_verify():
    assert freshness(pd.DataFrame({"id": ["n1"]})) == Freshness(fresh=1, old=0, never=0)


def test_a_record_created_in_the_app_is_not_stale(store):
    values = {**resource_values(last_verified=None), **new_record_defaults(RESOURCES, "Gdańsk")}
    store.create("resources", values, author="Ala")
    frame = store.read_layer("resources")
    assert freshness(frame).to_check == 0
    assert stale_records(RESOURCES, frame).empty


def test_needs_start_without_a_verification_date():
    assert "last_verified" not in new_record_defaults(NEEDS, "Gdańsk")


def test_stale_list_shows_dashes_not_none_for_missing_dates(store):
    store.create("resources", resource_values(name="Nigdy", last_verified=None), author="A")
    store.create("resources", resource_values(name="Stary", last_verified="2019-01-01"), author="A")
    stale = stale_records(RESOURCES, store.read_layer("resources"), today=TODAY)
    assert list(stale["state"]) == [NEVER, OLD]
    assert list(stale["last_verified"]) == ["—", "2019-01-01"]
    assert "None" not in stale.astype(str).to_numpy().ravel().tolist()
