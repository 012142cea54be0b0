"""Indicators per area, checked by hand against the Testowo layout (analysis_fixtures)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from mapping.analysis import (
    INDICATOR_LABELS,
    assign_district,
    count_points_in_areas,
    counts_by,
    district_indicators,
    is_active_resource,
    rate_per_1000,
)
from mapping.errors import MapError
from mapping.schema import RESOURCES
from mapping.webmap.citymap import indicator_table
from tests.analysis_fixtures import CITY, STALE, TODAY, area, city_areas, frame, need, resource


def _resources() -> gpd.GeoDataFrame:
    return frame(
        "resources",
        [
            resource("r1", (1000, 1000)),  # Centrum, inside Rewitalizacja, fresh
            resource("r2", (1350, 1000), category="sport", last_verified=STALE),
            resource("r3", (1500, 1200), status="nieaktywny"),  # not counted
            resource("r4", (1000, 1200), archived_at="2025-02-01T10:00:00"),  # not counted
            # Częstochowa style: no location, placed by the district column.
            resource("r5", None, district="Bez granic", category="sport", kind="organizacja"),
            resource("r6", (-1000, 1000), last_verified=None),  # Zachód, never verified
            # The column wins over the location: counted in Bez granic, not Centrum.
            resource("r7", (1800, 1800), district="Bez granic"),
        ],
    )


def _needs() -> gpd.GeoDataFrame:
    return frame(
        "needs",
        [
            need("n1", (1000, 1350)),  # r1 is 350 m away
            need("n2", (1000, 1000), category="zdrowie"),  # nothing answers health
            need("n3", (1000, 1000), status="zaspokojona"),  # met, not open
            need("n4", (1000, 1000), archived_at="2025-03-01T00:00:00"),
            need("n5", None, district="Bez granic", category="sport", status="w_realizacji"),
        ],
    )


@pytest.fixture
def indicators() -> pd.DataFrame:
    areas = frame("areas", city_areas())
    return district_indicators(areas, _resources(), _needs(), today=TODAY)


def test_assign_district_by_location() -> None:
    points = frame(
        "resources",
        [
            resource("in-centrum", (1000, 1000)),  # also in Rewitalizacja and the city
            resource("in-zachod", (-500, 100)),
            resource("outside", (5000, 5000)),
            resource("nowhere", None),
        ],
    )
    got = assign_district(points, frame("areas", city_areas()))
    assert got.index.equals(points.index)
    assert got.tolist() == ["Centrum", "Zachód", None, None]


def test_assign_district_places_an_area_by_a_point_inside_it() -> None:
    needs = frame("needs", [need("n", box(100, 100, 600, 600))])
    assert assign_district(needs, frame("areas", city_areas())).tolist() == ["Centrum"]


def test_columns_are_labelled(indicators: pd.DataFrame) -> None:
    assert list(indicators.columns) == list(INDICATOR_LABELS)
    assert list(indicators.index) == ["Centrum", "Zachód", "Bez granic", "Rewitalizacja", CITY]


def test_counts_and_rates_per_1000(indicators: pd.DataFrame) -> None:
    centrum = indicators.loc["Centrum"]
    assert centrum["resources"] == 2  # r1, r2
    assert centrum["resources_per_1000"] == pytest.approx(2 / 4000 * 1000)
    assert centrum["needs_open"] == 2  # n1, n2
    assert centrum["needs_open_per_1000"] == pytest.approx(0.5)
    assert centrum["needs_unmatched"] == 1  # n2
    assert centrum["verified_share"] == pytest.approx(0.5)
    assert centrum["stale"] == 1  # r2
    assert centrum["area_km2"] == pytest.approx(4.0, rel=1e-6)


def test_district_without_polygon_counts_by_district_column(indicators: pd.DataFrame) -> None:
    row = indicators.loc["Bez granic"]
    assert row["resources"] == 2  # r5 (no location) and r7 (column wins)
    assert row["resources_per_1000"] == pytest.approx(2.0)
    assert row["needs_open"] == 1
    assert row["needs_unmatched"] == 0  # n5 matched with r5 by district
    assert row["area_km2"] == pytest.approx(3.5)  # declared, no polygon to measure


def test_zero_population_gives_nan_not_inf(indicators: pd.DataFrame) -> None:
    zachod = indicators.loc["Zachód"]
    assert zachod["resources"] == 1
    assert np.isnan(zachod["resources_per_1000"])
    assert np.isnan(indicators.loc["Rewitalizacja", "resources_per_1000"])  # population unknown
    assert not np.isinf(indicators.select_dtypes("number").to_numpy()).any()
    assert zachod["verified_share"] == 0.0
    assert zachod["stale"] == 1  # never verified counts as stale


def test_working_area_and_city_count_independently(indicators: pd.DataFrame) -> None:
    assert indicators.loc["Rewitalizacja", "resources"] == 2  # r1, r2 lie inside
    assert indicators.loc["Rewitalizacja", "area_km2"] == pytest.approx(1.0, rel=1e-6)
    city = indicators.loc[CITY]
    assert city["resources"] == 5  # r1, r2, r5, r6, r7 by the city column
    assert city["resources_per_1000"] == pytest.approx(5 / 6000 * 1000)
    assert city["needs_open"] == 3


def test_archived_and_inactive_records_excluded(indicators: pd.DataFrame) -> None:
    assert indicators["resources"].sum() == 2 + 1 + 2 + 2 + 5
    areas = frame("areas", [*city_areas(), area("Stara", (0, 0, 10, 10))])
    areas.loc[areas["name"] == "Stara", "archived_at"] = "2024-01-01T00:00:00"
    got = district_indicators(areas, _resources(), _needs(), today=TODAY)
    assert "Stara" not in got.index


def test_same_result_for_frames_in_metres() -> None:
    areas = frame("areas", city_areas())
    in_degrees = district_indicators(areas, _resources(), _needs(), today=TODAY)
    in_metres = district_indicators(
        areas.to_crs(2180), _resources().to_crs(2180), _needs().to_crs(2180), today=TODAY
    )
    pd.testing.assert_frame_equal(in_degrees, in_metres)


def test_frame_without_crs_raises() -> None:
    areas = frame("areas", city_areas()).set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="EPSG:4326 lub EPSG:2180"):
        district_indicators(areas, _resources(), _needs(), today=TODAY)
    with pytest.raises(ValueError, match="CRS"):
        assign_district(_resources().set_crs(None, allow_override=True), frame("areas", []))


def test_empty_city() -> None:
    empty = district_indicators(
        frame("areas", []), frame("resources", []), frame("needs", []), today=TODAY
    )
    assert empty.empty
    assert list(empty.columns) == list(INDICATOR_LABELS)
    no_records = district_indicators(
        frame("areas", city_areas()), frame("resources", []), frame("needs", []), today=TODAY
    )
    assert (no_records["resources"] == 0).all()
    assert no_records["verified_share"].isna().all()
    assert no_records.loc["Centrum", "resources_per_1000"] == 0.0


def test_repeated_area_names_are_a_user_error() -> None:
    areas = frame("areas", [*city_areas(), area("Centrum", (0, 0, 10, 10), city="Inne")])
    with pytest.raises(MapError, match="powtarzają się: Centrum"):
        district_indicators(areas, _resources(), _needs(), today=TODAY)


def test_same_district_name_in_another_city_does_not_count() -> None:
    elsewhere = frame("resources", [resource("x", None, district="Centrum", city="Inne")])
    got = district_indicators(
        frame("areas", city_areas()), elsewhere, frame("needs", []), today=TODAY
    )
    assert got["resources"].sum() == 0


def test_counts_by_kind_keeps_zero_codes_and_areas() -> None:
    resources = _resources()
    got = counts_by(resources[is_active_resource(resources)], frame("areas", city_areas()), "kind")
    assert list(got.columns) == list(RESOURCES.field("kind").codes)
    assert list(got.index) == ["Centrum", "Zachód", "Bez granic", "Rewitalizacja", CITY]
    assert got.loc["Bez granic", "organizacja"] == 1
    assert got.loc["Bez granic", "instytucja"] == 1
    assert got.loc["Centrum"].sum() == 2
    assert (got["osoba"] == 0).all()


def test_counts_by_list_column_counts_each_group() -> None:
    resources = frame(
        "resources",
        [resource("a", (100, 100), target_groups=["dzieci", "seniorzy"]), resource("b", None)],
    )
    got = counts_by(resources, frame("areas", city_areas()), "target_groups")
    assert got.loc["Centrum", "dzieci"] == 1
    assert got.loc["Centrum", "seniorzy"] == 1
    assert got.loc["Centrum", "wszyscy"] == 0
    assert got.loc[CITY, "wszyscy"] == 1  # b has no location but names the city


def test_count_points_in_areas_is_indexed_like_areas() -> None:
    areas = frame("areas", city_areas()).set_index("name")
    points = frame(
        "resources",
        [
            resource("a", (100, 100)),
            resource("b", (200, 100), category="sport"),
            resource("c", None),
        ],
    )
    got = count_points_in_areas(points, areas)
    assert got["count"].to_dict() == {
        "Centrum": 2,
        "Zachód": 0,
        "Bez granic": 0,
        "Rewitalizacja": 0,
        CITY: 2,
    }
    by_category = count_points_in_areas(points, areas, by="category", codes=["kultura", "zdrowie"])
    assert list(by_category.columns) == ["kultura", "zdrowie", "sport"]
    assert by_category.loc["Centrum"].tolist() == [1, 0, 1]


def test_rate_per_1000() -> None:
    got = rate_per_1000(pd.Series([3, 3, 3, 0]), pd.Series([1500, 0, None, 10]))
    assert got[0] == 2.0
    assert math.isnan(got[1])
    assert math.isnan(got[2])
    assert got[3] == 0.0


def test_indicator_table_under_the_map_reads_in_polish_notation() -> None:
    areas = gpd.GeoDataFrame(
        {
            "name": ["Wrzeszcz", "Oliwa"],
            "kind": ["dzielnica", "dzielnica"],
            "population": [47_412, 18_000],
            "resources_per_1000": [3.14159, float("nan")],
            "verified_share": [0.4, None],
        },
        geometry=[None, None],
        crs="EPSG:4326",
    )
    table = indicator_table(areas)
    assert table.index.name == "Dzielnica"
    assert table.loc["Wrzeszcz"].tolist() == ["47\u00a0412", "3,14", "40%"]
    assert table.loc["Oliwa"].tolist() == ["18\u00a0000", "—", "—"]
    assert list(table.columns) == [
        "Liczba mieszkańców",
        "Zasoby na 1000 mieszkańców",
        "Udział zasobów zweryfikowanych w terminie",
    ]
