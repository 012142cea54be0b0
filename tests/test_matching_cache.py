"""Matching only for what is shown, once per content (issue 14).

``needs_unmatched`` is the one indicator that needs matching.  The map
computes it only when it shades by it, and ``unmatched_needs`` remembers the
answer by the content of the columns matching reads, so filter changes and
edits elsewhere in a record do not redo it.
"""

from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
import pytest

from mapping.analysis import gaps, match_needs, unmatched
from mapping.analysis.indicators import district_indicators
from mapping.analysis.unmatched import clear_cache, unmatched_needs
from mapping.filters import RecordFilter
from mapping.webmap.citymap import city_map
from tests.analysis_fixtures import TODAY, city_areas, frame, need, resource
from tests.test_matching_equivalence import _edge_needs, _edge_resources, _random_city


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times matching really ran (cache misses), from a cold cache."""
    clear_cache()
    calls: list[int] = []
    real = unmatched._compute

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(unmatched, "_compute", counted)
    yield calls
    clear_cache()


def _gap_ids(needs: gpd.GeoDataFrame, resources: gpd.GeoDataFrame, **options: float) -> set:
    return set(gaps(needs, match_needs(needs, resources, today=TODAY, **options))["id"])


@pytest.mark.parametrize("max_distance_m", [1500.0, 300.0])
def test_unmatched_needs_are_the_gaps_of_match_needs(
    computations: list[int], max_distance_m: float
) -> None:
    for needs, resources in [(_edge_needs(), _edge_resources()), _random_city(5, 120, 200)]:
        got = unmatched_needs(needs, resources, max_distance_m=max_distance_m)
        assert got.index.equals(needs.index)
        assert set(needs.loc[got, "id"]) == _gap_ids(
            needs, resources, max_distance_m=max_distance_m
        )


def test_same_content_is_matched_once(computations: list[int]) -> None:
    needs, resources = _edge_needs(), _edge_resources()
    first = unmatched_needs(needs, resources)
    # Fresh copies with other names and verification dates: still the same question.
    renamed = resources.assign(name="inna nazwa", last_verified="2000-01-01")
    again = unmatched_needs(needs.copy(), renamed)
    assert again.equals(first)
    assert len(computations) == 1


def test_a_change_matching_reads_is_matched_again(computations: list[int]) -> None:
    needs, resources = _edge_needs(), _edge_resources()
    before = unmatched_needs(needs, resources)
    closed = resources.assign(status="nieaktywny")  # nothing is a candidate any more
    after = unmatched_needs(needs, closed)
    assert len(computations) == 2
    assert after.sum() > before.sum()
    unmatched_needs(needs, resources, max_distance_m=100.0)
    assert len(computations) == 3


def _records() -> dict[str, gpd.GeoDataFrame]:
    return {
        "resources": frame(
            "resources",
            [resource("r1", (500, 500)), resource("r2", (1500, 1500), category="sport")],
        ),
        "needs": frame("needs", [need("n1", (600, 600)), need("n2", (-1500, 1500))]),
    }


def test_map_not_shaded_by_gaps_does_not_match(computations: list[int]) -> None:
    areas = frame("areas", city_areas())
    built = city_map(areas, _records(), indicator="resources_per_1000", today=TODAY)
    assert computations == []
    assert "needs_unmatched" not in built.areas.columns
    assert "resources_per_1000" in built.areas.columns


def test_map_shaded_by_gaps_matches_once_across_filters(computations: list[int]) -> None:
    areas, records = frame("areas", city_areas()), _records()
    maps = [
        city_map(areas, records, flt=flt, indicator="needs_unmatched", today=TODAY)
        for flt in (RecordFilter(), RecordFilter(categories=("sport",)), RecordFilter(text="n2"))
    ]
    assert len(computations) == 1
    for built in maps:
        shaded = built.areas.set_index("name")["needs_unmatched"]
        assert shaded["Zachód"] == 1  # n2: nothing within reach
        assert shaded["Centrum"] == 0  # n1: r1 is 141 m away


def test_indicators_left_out_are_not_computed(computations: list[int]) -> None:
    areas, records = frame("areas", city_areas()), _records()
    table = district_indicators(
        areas, records["resources"], records["needs"], today=TODAY, indicators=["needs_open"]
    )
    assert list(table.columns) == ["needs_open"]
    assert computations == []
    with pytest.raises(ValueError, match="nieznane"):
        district_indicators(
            areas, records["resources"], records["needs"], today=TODAY, indicators=["luki"]
        )
