"""The joins of ``match_needs`` give what the per-pair loop gave (issue 14).

``tests/matching_reference.py`` keeps the implementation before the joins; on
a hand-made city of edge cases and on random cities of a few hundred records
both must return identical frames: the same pairs, scores, distances, Polish
reasons, ``linked`` flags and order, compared exactly.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from mapping.analysis import match_needs
from mapping.analysis.matching import _distance_codes, format_distance
from mapping.frames import METRIC_CRS
from mapping.schema import CATEGORIES, TARGET_GROUPS
from tests.analysis_fixtures import CITY, STALE, TODAY, frame, need, resource
from tests.matching_reference import match_needs_reference


def _edge_needs() -> gpd.GeoDataFrame:
    return frame(
        "needs",
        [
            need("seniors", (1000, 1000), target_groups=["seniorzy"], district="Centrum"),
            need("unplaced", None, district="Centrum", target_groups=["dzieci", "seniorzy"]),
            need("nowhere", None),  # no location, no district: no candidate
            need("drawn", box(400, 400, 900, 900), category="miejsce_spotkan"),
            need("for-all", (1500, 1500), target_groups=["wszyscy"]),
            need("no-groups", (200, 1800), district="centrum"),  # spelled differently
            need("linked", (1000, 1000), linked_resources=["everyone", "gone"]),
            need("met", (1000, 1000), status="zaspokojona"),
            need("archived", (1000, 1000), archived_at="2025-01-01"),
            need("unknown-group", (1100, 1000), target_groups=["sasiedzi", "seniorzy"]),
            need("other-city", None, district="Centrum", city="Innowo"),
            need("sport", (1800, 200), category="sport", target_groups=["mlodziez"]),
            need("groups-as-text", (900, 950), target_groups="seniorzy; dzieci"),
        ],
    )


def _edge_resources() -> gpd.GeoDataFrame:
    return frame(
        "resources",
        [
            resource("everyone", (1100, 1000)),
            resource("seniors", (1350, 1000), target_groups=["seniorzy", "dzieci"]),
            resource("tie-b", (1000, 1300), target_groups=["seniorzy"]),
            resource("tie-a", (1300, 1000), target_groups=["seniorzy"]),  # same score as tie-b
            resource("children", (1050, 1000), target_groups=["dzieci"]),
            resource("school", (600, 600), category="edukacja", target_groups=["seniorzy"]),
            resource("inside", (500, 500), category="kultura", target_groups=[]),
            resource("closed", (1000, 1010), status="nieaktywny"),
            resource("archived", (1000, 1020), archived_at="2024-05-05"),
            resource("stale", (1000, 2000), last_verified=STALE),
            resource("never", (2000, 1000), last_verified=None, target_groups=["seniorzy"]),
            resource("club", None, district="Centrum", target_groups=["seniorzy"]),
            resource("lost", None),  # no location, no district
            resource("km", (1000, 2195)),  # 1195 m from (1000, 1000): "1,2 km"
            resource("almost-km", (1000, 1996)),  # 996 m: "1,0 km", not "1000 m"
            resource("neighbours", (1150, 1000), target_groups=["sasiedzi"]),
            resource("green", (1700, 300), category="zielen", target_groups=["mlodziez"]),
            resource("text-groups", (950, 950), target_groups="dzieci; seniorzy"),
        ],
    )


@pytest.mark.parametrize(
    "options",
    [{}, {"max_distance_m": 1000.0}, {"stale_days": 30}, {"max_distance_m": 50_000.0}],
    ids=["default", "1000-m", "30-days", "50-km"],
)
def test_joins_match_the_loop_on_edge_cases(options: dict) -> None:
    needs, resources = _edge_needs(), _edge_resources()
    old = match_needs_reference(needs, resources, today=TODAY, **options)
    new = match_needs(needs, resources, today=TODAY, **options)
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_edge_fixture_covers_every_kind_of_reason() -> None:
    """Guards the test above: the fixture reaches each branch of the rules."""
    got = match_needs(_edge_needs(), _edge_resources(), today=TODAY)
    reasons = " | ".join(got["reason"])
    for phrase in (
        "ta sama dzielnica",
        "w obszarze potrzeby",
        "kategoria pokrewna",
        "dla wszystkich",
        "obsługuje seniorów",
        "1,2 km",
        "1,0 km",
        "ostatnia weryfikacja 2020-01-01",
        "brak daty weryfikacji",
    ):
        assert phrase in reasons, phrase
    assert got["linked"].any()
    assert not {"met", "archived", "nowhere", "other-city"} & set(got["need_id"])
    assert not {"closed", "archived", "lost"} & set(got["resource_id"])
    ties = got[(got["need_id"] == "seniors") & got["resource_id"].str.startswith("tie")]
    assert ties["resource_id"].tolist() == ["tie-a", "tie-b"]
    assert ties["score"].nunique() == 1


def _random_city(seed: int, n_needs: int, n_resources: int) -> tuple[gpd.GeoDataFrame, ...]:
    """A 4 km city in metres with ties (a 50 m grid), holes and every status."""
    rng = np.random.default_rng(seed)
    categories = [c.code for c in CATEGORIES][:8]  # few: many same and related pairs
    groups = [g.code for g in TARGET_GROUPS] + ["sasiedzi"]  # one code outside the schema
    districts = ["Centrum", "centrum", "Dzielnica Północ", "Południe", None]

    def layer(n: int, prefix: str, statuses: list[str]) -> dict:
        x, y = rng.integers(0, 80, n) * 50.0, rng.integers(0, 80, n) * 50.0
        geometry = shapely.points(x, y).astype(object)
        geometry[rng.random(n) < 0.1] = None
        return {
            "id": [f"{prefix}{i:03d}" for i in rng.permutation(n)],
            "category": rng.choice(categories, n),
            "target_groups": [
                sorted(rng.choice(groups, int(rng.integers(0, 3)), replace=False).tolist())
                for _ in range(n)
            ],
            "city": rng.choice([CITY, CITY, CITY, "Innowo", None], n),
            "district": rng.choice(np.array(districts, dtype=object), n),
            "status": rng.choice(statuses, n, p=[0.8, 0.1, 0.1]),
            "archived_at": np.where(rng.random(n) < 0.05, "2025-01-01", None),
            "geometry": geometry,
        }

    need_data = layer(n_needs, "n", ["zgloszona", "w_realizacji", "zaspokojona"])
    drawn = rng.random(n_needs) < 0.1
    need_data["geometry"][drawn] = [
        box(x, y, x + 300, y + 200) for x, y in rng.integers(0, 3700, (int(drawn.sum()), 2))
    ]
    need_data["linked_resources"] = [
        [f"r{int(i):03d}" for i in rng.integers(0, n_resources, 30)] if rng.random() < 0.3 else []
        for _ in range(n_needs)
    ]
    res_data = layer(n_resources, "r", ["aktywny", "nieaktywny", "archiwalny"])
    days = rng.integers(0, 3 * 365, n_resources)
    res_data["last_verified"] = [
        None if d % 7 == 0 else str((pd.Timestamp(TODAY) - pd.Timedelta(days=int(d))).date())
        for d in days
    ]
    return (
        gpd.GeoDataFrame(need_data, geometry="geometry", crs=METRIC_CRS),
        gpd.GeoDataFrame(res_data, geometry="geometry", crs=METRIC_CRS),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_joins_match_the_loop_on_random_cities(seed: int) -> None:
    needs, resources = _random_city(seed, n_needs=150, n_resources=300)
    old = match_needs_reference(needs, resources, today=TODAY, max_distance_m=800.0)
    new = match_needs(needs, resources, today=TODAY, max_distance_m=800.0)
    assert len(old) > 300  # a real workout, not two empty frames
    assert old["distance_m"].isna().any() and old["linked"].any()
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_joins_match_the_loop_in_degrees() -> None:
    """The same random city in EPSG:4326: reprojection happens once, the same way."""
    needs, resources = _random_city(4, n_needs=100, n_resources=200)
    needs, resources = needs.to_crs("EPSG:4326"), resources.to_crs("EPSG:4326")
    old = match_needs_reference(needs, resources, today=TODAY)
    new = match_needs(needs, resources, today=TODAY)
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_distance_texts_round_like_format_distance() -> None:
    """Half-way distances (5 m, 995 m, 1050 m) round as Python does, not as numpy does."""
    rng = np.random.default_rng(0)
    halves = np.array([0.0, 5.0, 15.0, 25.0, 994.9999, 995.0, 1005.0, 1050.0, 1150.0, 1250.0])
    metres = np.concatenate([halves, rng.random(5000) * 60_000, rng.integers(0, 3000, 2000) / 2])
    codes, texts = _distance_codes(metres)
    assert [texts[c] for c in codes] == [format_distance(m) for m in metres]
