"""Finding an area by a typed name: one comparison rule for every screen and export."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import box

from mapping.areas import KIND_ORDER, area_key, area_keys, district_names, districts, find_area
from mapping.frames import records_to_frame
from mapping.schema import AREAS, AreaKind


def _areas():
    rows = [
        {"name": "Gdańsk", "kind": AreaKind.CITY, "city": "Gdańsk", "geometry": box(0, 0, 9, 9)},
        {"name": "Wrzeszcz Górny", "kind": AreaKind.DISTRICT, "city": "Gdańsk",
         "geometry": box(0, 0, 1, 1)},
        {"name": "Orunia-Św. Wojciech-Lipce", "kind": AreaKind.DISTRICT, "city": "Gdańsk"},
        {"name": "Dolne Miasto", "kind": AreaKind.WORKING_AREA, "city": "Gdańsk"},
    ]  # fmt: skip
    return records_to_frame(AREAS, rows)


@pytest.mark.parametrize("typed", ["Wrzeszcz Górny", "wrzeszcz gorny", " WRZESZCZ  GÓRNY "])
def test_find_area_ignores_case_diacritics_and_spacing(typed):
    found = find_area(_areas(), typed)
    assert found is not None
    assert found["name"] == "Wrzeszcz Górny"


@pytest.mark.parametrize(
    "typed",
    [
        "Orunia - Święty Wojciech - Lipce",
        "orunia-sw. wojciech-lipce",
        "Dzielnica Orunia-Św. Wojciech-Lipce",
    ],
)
def test_find_area_reads_saint_dashes_and_a_district_prefix_as_lists_write_them(typed):
    found = find_area(_areas(), typed)
    assert found is not None
    assert found["name"] == "Orunia-Św. Wojciech-Lipce"


def test_find_area_limited_to_kinds_skips_other_kinds():
    areas = _areas()
    assert find_area(areas, "dolne miasto")["kind"] == AreaKind.WORKING_AREA
    assert find_area(areas, "dolne miasto", (AreaKind.DISTRICT,)) is None
    assert find_area(areas, "gdansk", (AreaKind.DISTRICT, AreaKind.WORKING_AREA)) is None


@pytest.mark.parametrize("typed", [None, "", "   ", "Stogi"])
def test_find_area_gives_none_for_blank_or_unknown_names(typed):
    assert find_area(_areas(), typed) is None


def test_blank_names_have_no_key_so_two_blanks_never_match():
    assert area_key(None) == area_key(float("nan")) == area_key(" - ") == ""
    keys = area_keys(pd.Series(["Oliwa", None, "  ", "OLIWA"]))
    assert keys.tolist() == ["oliwa", None, None, "oliwa"]


def test_districts_are_only_the_district_kind_in_polish_order():
    areas = _areas()
    assert set(districts(areas)["name"]) == {"Wrzeszcz Górny", "Orunia-Św. Wojciech-Lipce"}
    assert district_names(areas) == ["Orunia-Św. Wojciech-Lipce", "Wrzeszcz Górny"]


def test_every_area_kind_has_a_drawing_place_city_under_districts_under_working_areas():
    assert set(KIND_ORDER) == {k.value for k in AreaKind}
    assert (
        KIND_ORDER[AreaKind.CITY]
        < KIND_ORDER[AreaKind.DISTRICT]
        < KIND_ORDER[AreaKind.WORKING_AREA]
    )
