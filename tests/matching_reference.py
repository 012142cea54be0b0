"""The matching of ``match_needs`` as it was before the vectorised joins (issue 14).

Kept only so ``tests/test_matching_equivalence.py`` can check that the joins
give the same pairs, scores, reasons and order.  It scores every
need-resource pair near enough in Python (``_fits``), which is what made it
slow; do not use it outside the tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis.matching import MATCH_COLUMNS, check_frame, format_distance, to_metric
from mapping.areas import area_keys
from mapping.frames import decode_list, has_location
from mapping.schema import (
    ACTIVE_RESOURCE_STATUSES,
    CATEGORIES,
    EVERYONE,
    OPEN_NEED_STATUSES,
    RELATED_CATEGORIES,
    TARGET_GROUPS,
)
from mapping.text import is_blank

__all__ = ["match_needs_reference"]

_NEED_COLUMNS = ("id", "category", "target_groups", "city", "district", "status", "archived_at")
_RESOURCE_COLUMNS = (
    "id",
    "category",
    "target_groups",
    "city",
    "district",
    "status",
    "last_verified",
    "archived_at",
)
_POINTS_CATEGORY = {"same": 65.0, "related": 40.0}
_POINTS_GROUP = {"specific": 25.0, "general": 14.0}
_POINTS_DISTANCE = 8.0
_POINTS_SAME_DISTRICT = _POINTS_DISTANCE / 2
_POINTS_FRESH = 2.0
_RELATED_PAIRS = frozenset(
    (need, resource) for need, related in RELATED_CATEGORIES.items() for resource in related
)
_CATEGORY_LABELS = {c.code: c.label for c in CATEGORIES}
_GROUP_ORDER = {g.code: i for i, g in enumerate(TARGET_GROUPS)}
_GROUP_ACCUSATIVE = {g.code: g.label_accusative for g in TARGET_GROUPS}


# The rules as they were too (since sped up in matching.py), so the bench
# times today's code and the test pins the rules' results as well.
def _verified_on(resources: pd.DataFrame) -> pd.Series:
    text = resources["last_verified"].map(lambda v: None if pd.isna(v) else str(v))
    return pd.to_datetime(text, errors="coerce", format="ISO8601")


def is_verified(resources: pd.DataFrame, *, today: date, stale_days: int = 365) -> pd.Series:
    cutoff = pd.Timestamp(today) - pd.Timedelta(days=stale_days)
    return (_verified_on(resources) >= cutoff).fillna(False)


def is_active_resource(resources: pd.DataFrame) -> pd.Series:
    return resources["status"].isin(ACTIVE_RESOURCE_STATUSES) & is_blank(resources["archived_at"])


def is_open_need(needs: pd.DataFrame) -> pd.Series:
    return needs["status"].isin(OPEN_NEED_STATUSES) & is_blank(needs["archived_at"])


def _place_keys(frame: pd.DataFrame, geometry: gpd.GeoSeries, position: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            position: np.arange(len(frame)),
            "district": area_keys(frame["district"]).to_numpy(),
            "city": area_keys(frame["city"]).to_numpy(),
            "located": has_location(geometry).to_numpy(),
        }
    )


def _place_pairs(
    needs: gpd.GeoDataFrame, resources: gpd.GeoDataFrame, max_m: float
) -> pd.DataFrame:
    """Positions (need, res) close enough, with distance_m (NaN: same district)."""
    need_geom = to_metric(needs.geometry)
    res_geom = to_metric(resources.geometry)
    need_arr, res_arr = need_geom.to_numpy(), res_geom.to_numpy()
    # The tree skips missing and empty geometries on both sides.
    tree = shapely.STRtree(res_arr)
    need_idx, res_idx = tree.query(need_arr, predicate="dwithin", distance=max_m)
    near = pd.DataFrame(
        {
            "need": need_idx,
            "res": res_idx,
            "distance_m": shapely.distance(need_arr[need_idx], res_arr[res_idx]),
        }
    )
    need_keys = _place_keys(needs, need_geom, "need")
    res_keys = _place_keys(resources, res_geom, "res")
    same = need_keys.dropna(subset=["district"]).merge(
        res_keys.dropna(subset=["district"]), on="district", suffixes=("_n", "_r")
    )
    # Only when a distance cannot be measured does the district stand in for it.
    same = same[
        ~(same["located_n"] & same["located_r"])
        & (same["city_n"].isna() | same["city_r"].isna() | (same["city_n"] == same["city_r"]))
    ]
    same = same[["need", "res"]].assign(distance_m=np.nan)
    parts = [p for p in (near, same) if len(p)]
    if not parts:
        return near
    return pd.concat(parts, ignore_index=True)


def _group_fit(need_groups: list[str], res_groups: list[str]) -> tuple[str | None, list[str]]:
    """How a resource serves a need's groups: (fit, groups served in common)."""
    if not need_groups or EVERYONE in need_groups:
        return "general", []
    common = sorted(set(need_groups) & set(res_groups), key=lambda g: _GROUP_ORDER.get(g, 99))
    if common:
        return "specific", common
    if EVERYONE in res_groups:
        return "general", [EVERYONE]
    return None, []


def _join_polish(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " i " + items[-1]


def _reason(
    category: str,
    res_category: str,
    distance_m: float,
    need_is_area: bool,
    groups: list[str],
    verified_on: pd.Timestamp,
    fresh: bool,
) -> str:
    parts = [
        "ta sama kategoria"
        if category == "same"
        else f"kategoria pokrewna ({_CATEGORY_LABELS.get(res_category, res_category)})"
    ]
    if np.isnan(distance_m):
        parts.append("ta sama dzielnica")
    elif need_is_area and distance_m == 0:
        parts.append("w obszarze potrzeby")
    else:
        parts.append(format_distance(distance_m))
    if groups == [EVERYONE]:
        parts.append("dla wszystkich")
    elif groups:
        parts.append("obsługuje " + _join_polish([_GROUP_ACCUSATIVE.get(g, g) for g in groups]))
    if not fresh:
        parts.append(
            "brak daty weryfikacji"
            if pd.isna(verified_on)
            else f"ostatnia weryfikacja {verified_on:%Y-%m-%d}"
        )
    return ", ".join(parts)


def _empty_matches() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "need_id": pd.Series(dtype=object),
            "resource_id": pd.Series(dtype=object),
            "rank": pd.Series(dtype="int64"),
            "score": pd.Series(dtype=float),
            "distance_m": pd.Series(dtype=float),
            "reason": pd.Series(dtype=object),
            "linked": pd.Series(dtype=bool),
        }
    )


def _fits(pairs: pd.DataFrame, needs: pd.DataFrame, resources: pd.DataFrame) -> pd.DataFrame:
    """Keep pairs whose category and groups fit, with how they fit.

    Adds ``category`` ("same"/"related"), ``res_category``, ``group_fit``
    ("specific"/"general") and ``groups`` (the groups served in common).
    """
    need_pos, res_pos = pairs["need"].to_numpy(), pairs["res"].to_numpy()
    need_cat = needs["category"].to_numpy()[need_pos]
    res_cat = resources["category"].to_numpy()[res_pos]
    category = [
        "same" if n == r else ("related" if (n, r) in _RELATED_PAIRS else None)
        for n, r in zip(need_cat, res_cat, strict=True)
    ]
    need_groups = needs["target_groups"].to_numpy()[need_pos]
    res_groups = resources["target_groups"].to_numpy()[res_pos]
    fits = [
        _group_fit(decode_list(n), decode_list(r))
        for n, r in zip(need_groups, res_groups, strict=True)
    ]
    out = pairs.assign(
        category=category,
        group_fit=[f for f, _ in fits],
        groups=[g for _, g in fits],
        res_category=res_cat,
    )
    return out[out["category"].notna() & out["group_fit"].notna()]


def _score(pairs: pd.DataFrame, fresh: np.ndarray, max_distance_m: float) -> np.ndarray:
    """Points of each pair: category, target group, closeness, freshness."""
    distance = pairs["distance_m"].to_numpy()
    closeness = np.where(
        np.isnan(distance),
        _POINTS_SAME_DISTRICT,
        _POINTS_DISTANCE * (1 - np.nan_to_num(distance) / max_distance_m),
    )
    return (
        pairs["category"].map(_POINTS_CATEGORY).to_numpy()
        + pairs["group_fit"].map(_POINTS_GROUP).to_numpy()
        + closeness
        + np.where(fresh, _POINTS_FRESH, 0.0)
    )


def match_needs_reference(
    needs: gpd.GeoDataFrame,
    resources: gpd.GeoDataFrame,
    *,
    today: date,
    max_distance_m: float = 1500.0,
    stale_days: int = 365,
) -> pd.DataFrame:
    """Candidate resources for every open need, best first.

    Parameters
    ----------
    needs, resources : record frames (any CRS; distances are measured in EPSG:2180)
    today : the day freshness is judged against
    max_distance_m : the farthest a candidate may be, in metres in a straight line
    stale_days : a resource verified longer ago than this scores lower

    Returns
    -------
    DataFrame
        One row per (need, candidate): ``need_id``, ``resource_id``, ``rank``
        (1 = best for that need), ``score`` (0-100 points: category, target
        group, distance, freshness), ``distance_m`` (NaN when matched by
        district), ``reason`` (Polish) and ``linked`` (already confirmed in the
        need's ``linked_resources``).  Ordered by need as in ``needs``, then rank.
    """
    check_frame(needs, "needs", _NEED_COLUMNS)
    check_frame(resources, "resources", _RESOURCE_COLUMNS)
    if not max_distance_m > 0:
        raise ValueError(
            f"max_distance_m: oczekiwano liczby metrów > 0, otrzymano {max_distance_m}"
        )
    open_needs = needs[is_open_need(needs)]
    active = resources[is_active_resource(resources)]
    if open_needs.empty or active.empty:
        return _empty_matches()
    pairs = _fits(_place_pairs(open_needs, active, max_distance_m), open_needs, active)
    if pairs.empty:
        return _empty_matches()

    fresh = is_verified(active, today=today, stale_days=stale_days).to_numpy()[pairs["res"]]
    distance = pairs["distance_m"].to_numpy()
    score = _score(pairs, fresh, max_distance_m)
    need_is_area = ~open_needs.geometry.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
    verified_on = _verified_on(active).iloc[pairs["res"].to_numpy()].tolist()  # Timestamps
    need_ids = open_needs["id"].to_numpy()[pairs["need"]]
    res_ids = active["id"].to_numpy()[pairs["res"]]
    linked_lists = open_needs["linked_resources"] if "linked_resources" in open_needs else None
    result = pd.DataFrame(
        {
            "need_order": pairs["need"].to_numpy(),
            "need_id": need_ids,
            "resource_id": res_ids,
            "score": np.round(score, 1),
            "distance_m": np.round(distance, 1),
            "reason": [
                _reason(c, rc, d, need_is_area[n], g, v, f)
                for c, rc, d, n, g, v, f in zip(
                    pairs["category"],
                    pairs["res_category"],
                    distance,
                    pairs["need"],
                    pairs["groups"],
                    verified_on,
                    fresh,
                    strict=True,
                )
            ],
            "linked": [
                linked_lists is not None and r in decode_list(linked_lists.iloc[n])
                for n, r in zip(pairs["need"], res_ids, strict=True)
            ],
        }
    )
    result = result.sort_values(
        ["need_order", "score", "distance_m", "resource_id"],
        ascending=[True, False, True, True],
        na_position="last",
        kind="stable",
    )
    result["rank"] = result.groupby("need_order").cumcount() + 1
    return result[list(MATCH_COLUMNS)].reset_index(drop=True)
