"""Filtering what the map shows, and the count under it."""

from __future__ import annotations

from mapping.areas import district_names
from mapping.filters import RecordFilter, apply_filter, count_label
from mapping.frames import records_to_frame
from mapping.schema import AREAS, RESOURCES
from tests.factories import resource_values


def _frame():
    rows = [
        resource_values(id="a", name="Biblioteka Stogi", district="Stogi",
                        target_groups=["dzieci"]),
        resource_values(
            id="b", name="Klub Żak", kind="organizacja", category="sport", district="Oliwa",
            address="al. Grunwaldzka 195", target_groups=["wszyscy"],
        ),
        resource_values(id="c", name="Świetlica", kind="miejsce", category="miejsce_spotkan",
                        district="Stogi", target_groups=["seniorzy"], status="nieaktywny"),
    ]  # fmt: skip
    return records_to_frame(RESOURCES, rows)


def test_empty_filter_keeps_everything():
    assert list(apply_filter(RESOURCES, _frame(), RecordFilter())["id"]) == ["a", "b", "c"]


def test_filters_combine():
    frame = _frame()
    assert list(apply_filter(RESOURCES, frame, RecordFilter(districts=("Stogi",)))["id"]) == [
        "a",
        "c",
    ]
    flt = RecordFilter(districts=("Stogi",), kinds=("miejsce",))
    assert list(apply_filter(RESOURCES, frame, flt)["id"]) == ["c"]
    assert list(apply_filter(RESOURCES, frame, RecordFilter(statuses=("aktywny",)))["id"]) == [
        "a",
        "b",
    ]


def test_target_group_filter_counts_everyone_resources_as_serving_the_group():
    flt = RecordFilter(target_groups=("seniorzy",))
    assert list(apply_filter(RESOURCES, _frame(), flt)["id"]) == ["b", "c"]


def test_text_search_ignores_case_and_diacritics_and_searches_addresses():
    frame = _frame()
    assert list(apply_filter(RESOURCES, frame, RecordFilter(text="swietlica"))["id"]) == ["c"]
    assert list(apply_filter(RESOURCES, frame, RecordFilter(text="GRUNWALDZKA"))["id"]) == ["b"]
    assert apply_filter(RESOURCES, frame, RecordFilter(text="nie ma takiego")).empty


def test_count_label_uses_polish_genitive_forms():
    assert count_label("resources", 37, 85) == "pokazano 37 z 85 zasobów"
    assert count_label("resources", 1, 1) == "pokazano 1 z 1 zasobu"
    assert count_label("needs", 2, 22) == "pokazano 2 z 22 potrzeb"


def test_district_names_are_in_polish_order():
    areas = records_to_frame(
        AREAS,
        [
            {"name": n, "kind": "dzielnica", "city": "Gdańsk"}
            for n in ["Żabianka", "Zaspa", "Śródmieście", "Stogi"]
        ]
        + [{"name": "Gdańsk", "kind": "miasto", "city": "Gdańsk"}],
    )
    assert district_names(areas) == ["Stogi", "Śródmieście", "Zaspa", "Żabianka"]


def test_status_filter_applies_to_the_layers_that_have_that_status():
    from mapping.schema import NEEDS
    from tests.factories import need_values

    needs = records_to_frame(
        NEEDS, [need_values(id="n1"), need_values(id="n2", status="zaspokojona")]
    )
    flt = RecordFilter(statuses=("aktywny", "zgloszona"))
    assert list(apply_filter(RESOURCES, _frame(), flt)["id"]) == ["a", "b"]
    assert list(apply_filter(NEEDS, needs, flt)["id"]) == ["n1"]
    only_resources = RecordFilter(statuses=("nieaktywny",))
    assert list(apply_filter(NEEDS, needs, only_resources)["id"]) == ["n1", "n2"]


def test_status_options_cover_resources_and_needs():
    from mapping.filters import status_options
    from mapping.schema import NEEDS

    options = status_options(RESOURCES, NEEDS)
    assert options["aktywny"] == "aktywny" and options["w_realizacji"] == "w realizacji"
