"""The analysis as shown: the city total apart, Polish order, headers and numbers."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from mapping.analysis.charts import indicator_chart
from mapping.analysis.indicators import INDICATOR_LABELS
from mapping.analysis.summary import (
    change_labels,
    change_line,
    choice_codes,
    header,
    shown_table,
    split_city,
    summary_line,
)
from mapping.language import forget_misses, misses, writing
from mapping.schema import RESOURCES
from mapping.text import sort_key

AREAS = gpd.GeoDataFrame(
    {
        "name": ["Gdańsk", "Brzeźno", "Brętowo", "Śródmieście", "Stogi"],
        "kind": ["miasto", "dzielnica", "dzielnica", "dzielnica", "dzielnica"],
    },
    geometry=[None] * 5,
)
TABLE = pd.DataFrame(
    {
        "population": [470_000.0, 12_000.0, 6_000.0, 25_000.0, 12_500.0],
        "area_km2": [262.2, 3.05, 5.4, 5.7, 12.1],
        "resources_per_1000": [0.18, 0.25, 0.5, 1.2, 0.0],
        "verified_share": [0.5, 1.0, 0.256, None, 0.0],
    },
    index=pd.Index(["Gdańsk", "Brzeźno", "Brętowo", "Śródmieście", "Stogi"], name="name"),
)


def test_the_city_row_is_apart_and_districts_are_in_polish_order():
    rows = split_city(TABLE, AREAS)
    assert list(rows.areas.index) == ["Brętowo", "Brzeźno", "Stogi", "Śródmieście"]
    assert rows.city is not None and rows.city.name == "Gdańsk"
    assert split_city(TABLE.drop(index="Gdańsk"), AREAS).city is None


def test_a_unit_is_said_once_in_the_header():
    assert header("Powierzchnia", "km²") == "Powierzchnia [km²]"
    assert header("Aktywne zasoby", "liczba") == "Aktywne zasoby"
    assert header("Zasoby na 1000 mieszkańców", "na 1000 mieszkańców") == (
        "Zasoby na 1000 mieszkańców"
    )
    assert header("Udział", "udział") == "Udział [%]"


def test_shown_table_writes_polish_numbers_without_units_in_cells():
    shown = shown_table(split_city(TABLE, AREAS).areas, INDICATOR_LABELS)
    assert shown.index.name == "Obszar"
    assert list(shown.columns) == [
        "Liczba mieszkańców [osób]",
        "Powierzchnia [km²]",
        "Zasoby na 1000 mieszkańców",
        "Udział zasobów zweryfikowanych w terminie [%]",
    ]
    assert shown.loc["Stogi", "Liczba mieszkańców [osób]"] == "12\u00a0500"
    assert shown.loc["Brzeźno", "Powierzchnia [km²]"] == "3,05"
    assert shown.loc["Brętowo", "Udział zasobów zweryfikowanych w terminie [%]"] == "25,6"
    assert shown.loc["Śródmieście", "Udział zasobów zweryfikowanych w terminie [%]"] == "—"


def test_city_summary_line_gives_label_value_and_unit():
    line = summary_line(split_city(TABLE, AREAS).city, INDICATOR_LABELS)
    assert line.startswith("Liczba mieszkańców: 470\u00a0000 osób · Powierzchnia: 262,2 km²")
    assert "Udział zasobów zweryfikowanych w terminie: 50,0%" in line


def test_change_line_says_then_now_and_the_difference():
    row = pd.Series(
        {"Aktywne zasoby: wtedy": 80, "Aktywne zasoby: teraz": 85, "Aktywne zasoby: zmiana": 5},
        name="Gdańsk",
    )
    assert change_line(row) == "Aktywne zasoby: 80 → 85 (+5)"


def test_choices_are_offered_in_polish_order_of_their_labels():
    field = RESOURCES.field("category")
    labels = [field.choice_label(c) for c in choice_codes(field)]
    assert labels == sorted(labels, key=sort_key)


def test_indicator_chart_draws_districts_only_in_polish_order():
    areas = split_city(TABLE, AREAS).areas
    spec = indicator_chart(areas, "verified_share", *INDICATOR_LABELS["verified_share"]).to_dict()
    y = spec["layer"][0]["encoding"]["y"]
    assert y["sort"] == ["Brętowo", "Brzeźno", "Stogi"]  # Śródmieście has no value
    values = next(iter(spec["datasets"].values()))
    assert [v["tekst"] for v in values] == ["25,6", "100,0", "0,0"]


def test_written_in_english_the_headers_lines_and_titles_are_english_the_numbers_polish():
    forget_misses()
    city = split_city(TABLE, AREAS)
    change = pd.Series(
        {"Aktywne zasoby: wtedy": 80, "Aktywne zasoby: teraz": 85, "Aktywne zasoby: zmiana": 5},
        name="Gdańsk",
    )
    with writing("en"):
        shown = shown_table(city.areas, INDICATOR_LABELS)
        line = summary_line(city.city, INDICATOR_LABELS)
        changed = change_line(change)
        change_headers = [header(*v) for v in change_labels(change.to_frame().T).values()]
        spec = indicator_chart(city.areas, "area_km2", *INDICATOR_LABELS["area_km2"]).to_dict()
    assert shown.index.name == "Area"
    assert list(shown.columns) == [
        "Population [people]",
        "Area [km²]",
        "Resources per 1000 residents",
        "Share of resources verified on time [%]",
    ]
    assert shown.loc["Stogi", "Population [people]"] == "12\u00a0500"  # Polish numbers
    assert line.startswith("Population: 470\u00a0000 people · Area: 262,2 km²")
    assert "Share of resources verified on time: 50,0%" in line
    assert changed == "Active resources: 80 → 85 (+5)"
    assert change_headers == [
        "Active resources: then",
        "Active resources: now",
        "Active resources: change",
    ]
    assert spec["layer"][0]["encoding"]["x"]["title"] == "Area [km²]"
    assert spec["layer"][0]["encoding"]["y"]["title"] == "Area"
    assert not misses()


def test_outside_writing_the_change_headers_stay_polish():
    change = pd.DataFrame({"Aktywne zasoby: wtedy": [80], "Aktywne zasoby: zmiana": [5]})
    assert [header(*v) for v in change_labels(change).values()] == list(change.columns)
