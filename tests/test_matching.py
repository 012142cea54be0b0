"""Matching needs with resources: order, reasons, gaps and idle resources."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import box

from mapping.analysis import gaps, idle_resources, link_resource, match_needs
from mapping.analysis.matching import MATCH_COLUMNS
from mapping.language import forget_misses, misses, writing
from tests.analysis_fixtures import STALE, TODAY, frame, need, resource

SENIORS_NEED = (1000, 1000)
STALE_DATE = date.fromisoformat(STALE)


def _candidates() -> gpd.GeoDataFrame:
    """Resources around a need of seniors for culture at (1000, 1000)."""
    return frame(
        "resources",
        [
            resource("far", (1000, 3000), target_groups=["seniorzy"]),  # 2 km: too far
            resource("everyone", (1100, 1000)),  # 100 m, for everyone
            resource("seniors", (1350, 1000), target_groups=["seniorzy", "dzieci"]),  # 350 m
            resource("children", (1050, 1000), target_groups=["dzieci"]),  # wrong group
            resource("school", (1000, 1050), category="edukacja", target_groups=["seniorzy"]),
            resource("closed", (1000, 1010), status="nieaktywny", target_groups=["seniorzy"]),
            resource("health", (1000, 1020), category="zdrowie", target_groups=["seniorzy"]),
            resource("club", None, district="Centrum", target_groups=["seniorzy"]),
        ],
    )


def _seniors_need(**fields: object) -> gpd.GeoDataFrame:
    return frame(
        "needs",
        [need("n1", SENIORS_NEED, target_groups=["seniorzy"], district="Centrum", **fields)],
    )


def test_ranking_order_and_reasons() -> None:
    got = match_needs(_seniors_need(), _candidates(), today=TODAY)
    assert list(got.columns) == list(MATCH_COLUMNS)
    assert got["resource_id"].tolist() == ["seniors", "club", "everyone", "school"]
    assert got["rank"].tolist() == [1, 2, 3, 4]
    assert got["score"].is_monotonic_decreasing
    assert got["reason"].tolist() == [
        "ta sama kategoria, 350 m, obsługuje seniorów",
        "ta sama kategoria, ta sama dzielnica, obsługuje seniorów",
        "ta sama kategoria, 100 m, dla wszystkich",
        "kategoria pokrewna (Edukacja i opieka nad dziećmi), 50 m, obsługuje seniorów",
    ]
    assert got["distance_m"].tolist()[0] == pytest.approx(350, abs=0.5)
    assert got["distance_m"].isna().tolist() == [False, True, False, False]
    # 65 (same category) + 25 (seniors) + 8 * (1 - 350/1500) + 2 (fresh)
    assert got["score"].iloc[0] == pytest.approx(98.1, abs=0.05)


def test_reasons_written_in_english() -> None:
    forget_misses()
    two_groups = frame(
        "needs",
        [need("n1", SENIORS_NEED, target_groups=["seniorzy", "dzieci"], district="Centrum")],
    )
    with writing("en"):
        got = match_needs(_seniors_need(), _candidates(), today=TODAY)
        both = match_needs(two_groups, _candidates(), today=TODAY)
    assert got["reason"].tolist() == [
        "the same category, 350 m, serves seniors",
        "the same category, the same district, serves seniors",
        "the same category, 100 m, for everyone",
        "a related category (Education and childcare), 50 m, serves seniors",
    ]
    assert "the same category, 350 m, serves children and seniors" in both["reason"].tolist()
    assert not misses()


def test_gaps_and_idle_resources_say_why_in_english() -> None:
    forget_misses()
    needs = frame(
        "needs", [need("nowhere", None), need("health", SENIORS_NEED, category="zdrowie")]
    )
    resources = frame(
        "resources",
        [
            resource("stale", (5000, 5000), last_verified=STALE),
            resource("never", (5000, 5000), last_verified=None),
        ],
    )
    with writing("en"):
        matches = match_needs(needs, resources, today=TODAY)
        holes = gaps(needs, matches)
        idle = idle_resources(resources, matches, today=TODAY)
    assert holes["reason"].tolist() == [
        "no location and no district — fill them in to look for resources",
        "no active resource of this or a related category nearby or in the same district",
    ]
    assert idle["reason"].tolist() == [
        "matches no open need; last verified 2020-01-01",
        "matches no open need; no verification date",
    ]
    assert not misses()


def test_related_category_by_district_reason() -> None:
    needs = frame("needs", [need("room", None, category="miejsce_spotkan", district="Centrum")])
    resources = frame("resources", [resource("lib", (5, 5), district="centrum")])
    got = match_needs(needs, resources, today=TODAY)
    assert got["reason"].tolist() == [
        "kategoria pokrewna (Kultura i biblioteki), ta sama dzielnica"
    ]


def test_same_district_in_another_city_is_not_a_match() -> None:
    needs = frame("needs", [need("n", None, district="Centrum")])
    resources = frame("resources", [resource("r", None, district="Centrum", city="Inne")])
    assert match_needs(needs, resources, today=TODAY).empty


def test_need_drawn_as_an_area_measures_to_its_edge() -> None:
    needs = frame("needs", [need("park", box(0, 0, 500, 500))])
    resources = frame("resources", [resource("inside", (250, 250)), resource("east", (800, 250))])
    got = match_needs(needs, resources, today=TODAY).set_index("resource_id")
    assert got.loc["inside", "distance_m"] == 0
    assert got.loc["inside", "reason"] == "ta sama kategoria, w obszarze potrzeby"
    assert got.loc["east", "distance_m"] == pytest.approx(300, abs=0.5)


def test_freshness_breaks_ties_and_is_explained() -> None:
    resources = frame(
        "resources",
        [
            resource("old", (1100, 1000), last_verified=STALE),
            resource("never", (900, 1000), last_verified=None),
            resource("fresh", (1000, 1100)),
        ],
    )
    got = match_needs(frame("needs", [need("n", SENIORS_NEED)]), resources, today=TODAY)
    assert got["resource_id"].iloc[0] == "fresh"
    reasons = dict(zip(got["resource_id"], got["reason"], strict=True))
    assert reasons["old"].endswith("ostatnia weryfikacja 2020-01-01")
    assert reasons["never"].endswith("brak daty weryfikacji")


def test_only_open_needs_and_max_distance() -> None:
    needs = frame(
        "needs",
        [
            need("met", SENIORS_NEED, status="zaspokojona"),
            need("archived", SENIORS_NEED, archived_at="2025-01-01T00:00:00"),
            need("open", SENIORS_NEED),
        ],
    )
    resources = frame("resources", [resource("r", (1000, 2400))])  # 1.4 km
    assert match_needs(needs, resources, today=TODAY)["need_id"].tolist() == ["open"]
    assert match_needs(needs, resources, today=TODAY, max_distance_m=1000).empty
    with pytest.raises(ValueError, match="max_distance_m"):
        match_needs(needs, resources, today=TODAY, max_distance_m=0)


def test_linked_flag() -> None:
    got = match_needs(_seniors_need(linked_resources=["club"]), _candidates(), today=TODAY)
    assert got.set_index("resource_id")["linked"].to_dict() == {
        "seniors": False,
        "club": True,
        "everyone": False,
        "school": False,
    }


def test_same_result_for_frames_in_metres() -> None:
    in_degrees = match_needs(_seniors_need(), _candidates(), today=TODAY)
    in_metres = match_needs(_seniors_need().to_crs(2180), _candidates().to_crs(2180), today=TODAY)
    assert in_metres["resource_id"].tolist() == in_degrees["resource_id"].tolist()
    assert in_metres["distance_m"].tolist() == pytest.approx(
        in_degrees["distance_m"].tolist(), abs=0.1, nan_ok=True
    )


def test_frame_without_crs_raises() -> None:
    with pytest.raises(ValueError, match="CRS"):
        match_needs(_seniors_need().set_crs(None, allow_override=True), _candidates(), today=TODAY)


def test_empty_city() -> None:
    got = match_needs(frame("needs", []), frame("resources", []), today=TODAY)
    assert got.empty
    assert list(got.columns) == list(MATCH_COLUMNS)
    assert gaps(frame("needs", []), got).empty
    assert idle_resources(frame("resources", []), got, today=TODAY).empty


def test_gaps() -> None:
    needs = frame(
        "needs",
        [
            need("answered", SENIORS_NEED),
            need("health", SENIORS_NEED, category="zdrowie"),
            need("nowhere", None),
            need("linked", None, category="dziedzictwo", linked_resources=["x"]),
            need("met", SENIORS_NEED, category="zdrowie", status="zaspokojona"),
        ],
    )
    resources = frame("resources", [resource("lib", (1000, 1100))])
    got = gaps(needs, match_needs(needs, resources, today=TODAY))
    assert got["id"].tolist() == ["health", "nowhere"]
    assert got.index.tolist() == [1, 2]  # indexed like the needs
    assert got.loc[2, "reason"].startswith("brak lokalizacji i dzielnicy")
    assert got.loc[1, "reason"].startswith("brak aktywnego zasobu")


def test_idle_resources() -> None:
    resources = frame(
        "resources",
        [
            resource("matched-stale", (1000, 1100), last_verified=STALE),
            resource("idle-stale", (5000, 5000), last_verified=STALE),
            resource("idle-never", (5000, 5000), last_verified=None),
            resource("idle-fresh", (5000, 5000)),
            resource("closed", (5000, 5000), status="nieaktywny", last_verified=STALE),
        ],
    )
    needs = frame("needs", [need("n", SENIORS_NEED)])
    got = idle_resources(resources, match_needs(needs, resources, today=TODAY), today=TODAY)
    assert got["id"].tolist() == ["idle-stale", "idle-never"]
    assert got.loc[1, "days_since_verified"] == (TODAY - STALE_DATE).days
    assert got.loc[1, "reason"].endswith("ostatnia weryfikacja 2020-01-01")
    assert got.loc[2, "reason"].endswith("brak daty weryfikacji")


def test_link_resource_adds_once_and_leaves_input_alone() -> None:
    record = {"id": "n1", "title": "Sala", "linked_resources": ["a"]}
    linked = link_resource(record, "b")
    assert linked["linked_resources"] == ["a", "b"]
    assert record["linked_resources"] == ["a"]
    assert link_resource(linked, "a")["linked_resources"] == ["a", "b"]
    assert link_resource({"linked_resources": "a; b"}, "b")["linked_resources"] == ["a", "b"]
    assert link_resource({"id": "n2"}, "c")["linked_resources"] == ["c"]
    with pytest.raises(ValueError, match="resource_id"):
        link_resource(record, " ")
