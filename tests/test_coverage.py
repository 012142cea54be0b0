"""Coverage ("zasięg") checked against circles of known area in the Testowo layout."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from mapping.analysis import coverage, uncovered
from tests.analysis_fixtures import CITY, area, city_areas, frame, resource

CIRCLE_500_KM2 = math.pi * 0.5**2  # 0.785 km²
CENTRUM_KM2 = 4.0


def _one_library() -> gpd.GeoDataFrame:
    """One library for seniors in the very centre of Centrum."""
    return frame("resources", [resource("lib", (1000, 1000), target_groups=["seniorzy"])])


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    return frame("areas", city_areas())


def test_buffer_area_is_pi_r_squared(areas: gpd.GeoDataFrame) -> None:
    got = coverage(_one_library(), areas, distances=(500, 1000))
    assert list(got.index) == [500, 1000]
    assert got.crs == "EPSG:4326"
    assert got.loc[500, "area_km2"] == pytest.approx(CIRCLE_500_KM2, rel=0.01)
    assert got.loc[1000, "area_km2"] == pytest.approx(math.pi, rel=0.01)
    assert got.loc[500, "resources"] == 1
    # The city's polygon is the two 2 km squares: 8 km².
    assert got.loc[500, "covered_share"] == pytest.approx(CIRCLE_500_KM2 / 8, rel=0.01)
    # The geometry is for drawing, in degrees; measured in metres it is the same circle.
    assert got.geometry.to_crs(2180).area.loc[500] / 1e6 == pytest.approx(CIRCLE_500_KM2, rel=0.01)


def test_coverage_is_clipped_to_the_areas(areas: gpd.GeoDataFrame) -> None:
    corner = frame("resources", [resource("c", (1950, 1950))])  # 50 m from two edges
    got = coverage(corner, areas, distances=(500,))
    # Only the quarter circle inside the city, plus two thin slivers.
    assert got.loc[500, "area_km2"] < CIRCLE_500_KM2 / 2


def test_uncovered_share_and_residents_estimate(areas: gpd.GeoDataFrame) -> None:
    got = uncovered(areas, coverage(_one_library(), areas), 500)
    centrum = got.loc["Centrum"]
    expected_share = 1 - CIRCLE_500_KM2 / CENTRUM_KM2  # 0.804
    assert centrum["area_km2"] == pytest.approx(CENTRUM_KM2, rel=1e-6)
    assert centrum["uncovered_share"] == pytest.approx(expected_share, rel=0.01)
    assert centrum["uncovered_km2"] == pytest.approx(CENTRUM_KM2 - CIRCLE_500_KM2, rel=0.01)
    assert centrum["residents_outside_est"] == pytest.approx(4000 * expected_share, rel=0.01)
    # The uncovered part is the square with a hole, drawn in degrees.
    assert got.crs == "EPSG:4326"
    assert len(got.geometry.loc["Centrum"].interiors) == 1
    assert got.loc["Zachód", "uncovered_share"] == pytest.approx(1.0)
    assert got.loc["Zachód", "residents_outside_est"] == 0.0  # known: nobody lives there
    assert got.loc["Rewitalizacja", "uncovered_share"] == pytest.approx(
        1 - CIRCLE_500_KM2 / 1.0, rel=0.01
    )
    assert np.isnan(got.loc["Rewitalizacja", "residents_outside_est"])  # population unknown


def test_district_without_polygon_gives_nan_not_a_crash(areas: gpd.GeoDataFrame) -> None:
    got = uncovered(areas, coverage(_one_library(), areas), 1000)
    row = got.loc["Bez granic"]
    assert np.isnan(row["uncovered_share"])
    assert np.isnan(row["residents_outside_est"])
    assert row["population"] == 1000
    assert got.geometry.loc["Bez granic"] is None


def test_filters_by_category_and_target_group(areas: gpd.GeoDataFrame) -> None:
    resources = frame(
        "resources",
        [
            resource("seniors", (500, 500), target_groups=["seniorzy"]),
            resource("everyone", (1500, 500), target_groups=["wszyscy"]),
            resource("children", (500, 1500), target_groups=["dzieci"]),
            resource("sport", (1500, 1500), category="sport", target_groups=["seniorzy"]),
            resource("closed", (1000, 1000), status="nieaktywny"),
            resource("archived", (1000, 1000), archived_at="2025-01-01T00:00:00"),
            resource("unlocated", None),
        ],
    )
    got = coverage(
        resources, areas, categories=["kultura"], target_groups=["seniorzy"], distances=(100,)
    )
    assert got.loc[100, "resources"] == 2  # seniors + everyone
    assert got.loc[100, "resources_unlocated"] == 1
    assert got.loc[100, "area_km2"] == pytest.approx(2 * math.pi * 0.1**2, rel=0.01)
    everything = coverage(resources, areas, distances=(100,))
    assert everything.loc[100, "resources"] == 4  # the closed and archived never count


def test_same_result_for_input_in_metres(areas: gpd.GeoDataFrame) -> None:
    resources = _one_library()
    in_degrees = uncovered(areas, coverage(resources, areas), 500)
    metric_cov = coverage(resources.to_crs(2180), areas.to_crs(2180))
    in_metres = uncovered(areas.to_crs(2180), metric_cov, 500)
    pd.testing.assert_frame_equal(
        in_degrees.drop(columns="geometry"), in_metres.drop(columns="geometry"), rtol=1e-6
    )
    assert metric_cov.crs == "EPSG:4326"


def test_other_crs_is_reprojected_and_missing_crs_raises(areas: gpd.GeoDataFrame) -> None:
    in_utm = coverage(_one_library().to_crs(32634), areas.to_crs(32634), distances=(500,))
    assert in_utm.loc[500, "area_km2"] == pytest.approx(CIRCLE_500_KM2, rel=0.01)
    with pytest.raises(ValueError, match="CRS"):
        coverage(_one_library().set_crs(None, allow_override=True), areas)


def test_empty_city() -> None:
    no_areas = frame("areas", [])
    got = coverage(frame("resources", []), no_areas)
    assert list(got.index) == [500, 1000]
    assert (got["area_km2"] == 0).all()
    assert got.geometry.is_empty.all()
    assert got["covered_share"].isna().all()
    assert uncovered(no_areas, got, 500).empty


def test_no_resources_leaves_every_area_uncovered(areas: gpd.GeoDataFrame) -> None:
    got = uncovered(areas, coverage(frame("resources", []), areas), 500)
    assert got.loc["Centrum", "uncovered_share"] == pytest.approx(1.0)
    assert got.loc[CITY, "residents_outside_est"] == pytest.approx(6000)


def test_bad_arguments_name_expected_values(areas: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="kultura"):
        coverage(_one_library(), areas, categories=["biblioteki"])
    with pytest.raises(ValueError, match="seniorzy"):
        coverage(_one_library(), areas, target_groups=["emeryci"])
    with pytest.raises(ValueError, match="> 0"):
        coverage(_one_library(), areas, distances=(0,))
    with pytest.raises(ValueError, match=r"\[500, 1000\]"):
        uncovered(areas, coverage(_one_library(), areas), 750)


def test_archived_area_left_out() -> None:
    areas = frame("areas", [*city_areas(), area("Stara", (0, 0, 100, 100))])
    areas.loc[areas["name"] == "Stara", "archived_at"] = "2024-01-01T00:00:00"
    assert "Stara" not in uncovered(areas, coverage(_one_library(), areas), 500).index
