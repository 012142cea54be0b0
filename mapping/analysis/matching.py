"""Matching open needs with resources that could answer them.

This module also holds the rules the other analysis modules build on, so that
coverage, indicators and matching agree on them: which resources are active,
which needs are open, whom a resource serves, when it counts as verified, and
the CRS rule (distances and areas in EPSG:2180, never in degrees).

A candidate resource for an open need is an active, non-archived resource

* of the same category (strongest) or of a related one
  (``schema.RELATED_CATEGORIES[need category]``),
* serving the need's target group: the groups overlap, the resource is for
  "wszyscy", or the need names no group (or "wszyscy"),
* within ``max_distance_m`` in a straight line (to the need's area when the
  need is an area), or — when either of them has no location — in the same
  district (the ``district`` column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.frames import decode_list
from mapping.schema import CATEGORIES, RELATED_CATEGORIES, TARGET_GROUPS

__all__ = [
    "EVERYONE",
    "MATCH_COLUMNS",
    "METRIC_CRS",
    "OPEN_NEED_STATUSES",
    "check_frame",
    "format_distance",
    "gaps",
    "has_location",
    "idle_resources",
    "is_active_resource",
    "is_open_need",
    "is_verified",
    "link_resource",
    "match_needs",
    "name_key",
    "serves_groups",
    "to_metric",
]

#: PUWG 1992: the metric CRS every distance and area is computed in.
METRIC_CRS = "EPSG:2180"
#: Need statuses that still wait for an answer.
OPEN_NEED_STATUSES = ("zgloszona", "w_realizacji")
#: The target group meaning "everyone": such a resource serves every group.
EVERYONE = "wszyscy"
#: Columns of ``match_needs`` results, in order.
MATCH_COLUMNS = ("need_id", "resource_id", "rank", "score", "distance_m", "reason", "linked")

_ACTIVE = "aktywny"
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

# Score points.  They are chosen so that the order is lexicographic on the
# criteria that matter most: the weakest same-category candidate (65 + 14)
# beats the best related one (40 + 25 + 8 + 2), and a candidate serving the
# need's own group (25) beats any general one (14 + 8 + 2).  Distance and
# freshness then order candidates of equal fit.
_POINTS_CATEGORY = {"same": 65.0, "related": 40.0}
_POINTS_GROUP = {"specific": 25.0, "general": 14.0}
_POINTS_DISTANCE = 8.0  # at distance 0, falling linearly to 0 at max_distance_m
_POINTS_SAME_DISTRICT = _POINTS_DISTANCE / 2  # place known only as "the same district"
_POINTS_FRESH = 2.0

_RELATED_PAIRS = frozenset(
    (need, resource) for need, related in RELATED_CATEGORIES.items() for resource in related
)
_CATEGORY_LABELS = {c.code: c.label for c in CATEGORIES}
_GROUP_ORDER = {g.code: i for i, g in enumerate(TARGET_GROUPS)}
# Reasons read "obsługuje seniorów": the accusative of the group labels.
_GROUP_ACCUSATIVE = {
    "dzieci": "dzieci",
    "mlodziez": "młodzież",
    "dorosli": "dorosłych",
    "seniorzy": "seniorów",
    "rodziny": "rodziny",
    "niepelnosprawni": "osoby z niepełnosprawnościami",
    EVERYONE: "wszystkich",
}

Geo = TypeVar("Geo", gpd.GeoDataFrame, gpd.GeoSeries)


# --- shared rules ----------------------------------------------------------


def check_frame(frame: Any, name: str, columns: Iterable[str] = ()) -> None:
    """Raise ValueError unless ``frame`` is a GeoDataFrame with a CRS and ``columns``.

    Parameters
    ----------
    frame : the object to check
    name : how to call it in the message (the argument name)
    columns : columns it must have
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValueError(f"{name}: oczekiwano GeoDataFrame, otrzymano {type(frame).__name__}")
    if frame.crs is None:
        raise ValueError(
            f"{name}: ramka nie ma układu współrzędnych (CRS); "
            "oczekiwano EPSG:4326 lub EPSG:2180 (patrz mapping.frames)"
        )
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{name}: brak kolumn {missing}; oczekiwano ramki rekordów "
            "(mapping.frames.records_to_frame)"
        )


def to_metric(frame: Geo) -> Geo:
    """Return ``frame`` in EPSG:2180, reprojecting explicitly when needed.

    Raises ValueError for a frame without CRS: guessing the CRS of
    coordinates is how distances in degrees sneak in.
    """
    if frame.crs is None:
        raise ValueError(
            "ramka nie ma układu współrzędnych (CRS); oczekiwano EPSG:4326 lub EPSG:2180"
        )
    if frame.crs == METRIC_CRS:
        return frame
    return frame.to_crs(METRIC_CRS)


def has_location(geometry: gpd.GeoSeries) -> pd.Series:
    """Whether each record has a usable (present, non-empty) geometry."""
    return geometry.notna() & ~geometry.is_empty


def name_key(values: pd.Series) -> pd.Series:
    """Names normalised for comparison (case, spaces, spaces around hyphens).

    "Wrzeszcz  Górny" and "wrzeszcz górny" are the same district, and so are
    "Zawodzie - Dąbie" and "Zawodzie-Dąbie".  Blank values become None.
    """

    def one(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        text = re.sub(r"\s*-\s*", "-", re.sub(r"\s+", " ", str(value))).strip().casefold()
        return text or None

    return pd.Series([one(v) for v in values], index=values.index, dtype=object)


def _not_archived(frame: pd.DataFrame) -> pd.Series:
    return name_key(frame["archived_at"]).isna()


def is_active_resource(resources: pd.DataFrame) -> pd.Series:
    """Whether each resource is active ("aktywny") and not archived."""
    return (resources["status"] == _ACTIVE).fillna(False) & _not_archived(resources)


def is_open_need(needs: pd.DataFrame) -> pd.Series:
    """Whether each need is open ("zgłoszona" or "w realizacji") and not archived."""
    return needs["status"].isin(OPEN_NEED_STATUSES) & _not_archived(needs)


def _verified_on(resources: pd.DataFrame) -> pd.Series:
    # Dates are ISO strings in frames, but tolerate date objects from a store.
    text = resources["last_verified"].map(lambda v: None if pd.isna(v) else str(v))
    return pd.to_datetime(text, errors="coerce", format="ISO8601")


def is_verified(resources: pd.DataFrame, *, today: date, stale_days: int = 365) -> pd.Series:
    """Whether each resource was verified within ``stale_days`` before ``today``.

    A resource never verified (or with an unreadable date) is not verified.
    """
    if stale_days < 0:
        raise ValueError(f"stale_days: oczekiwano liczby dni >= 0, otrzymano {stale_days}")
    cutoff = pd.Timestamp(today) - pd.Timedelta(days=stale_days)
    return (_verified_on(resources) >= cutoff).fillna(False)


def serves_groups(resources: pd.DataFrame, target_groups: Iterable[str]) -> pd.Series:
    """Whether each resource serves any of ``target_groups``.

    A resource for "wszyscy" serves every group; a resource naming no group
    serves none in particular.
    """
    wanted = set(target_groups)
    return resources["target_groups"].map(
        lambda groups: bool(wanted & set(decode_list(groups))) or EVERYONE in decode_list(groups)
    )


def format_distance(metres: float) -> str:
    """A distance as Polish text: "350 m", "1,2 km" (rounded to 10 m / 100 m)."""
    if round(metres, -1) < 1000:  # 996 m reads "1,0 km", not "1000 m"
        return f"{round(metres, -1):.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


# --- matching --------------------------------------------------------------


def _place_keys(frame: pd.DataFrame, geometry: gpd.GeoSeries, position: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            position: np.arange(len(frame)),
            "district": name_key(frame["district"]).to_numpy(),
            "city": name_key(frame["city"]).to_numpy(),
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


def match_needs(
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


def gaps(needs: gpd.GeoDataFrame, matches: pd.DataFrame) -> gpd.GeoDataFrame:
    """Open needs with no candidate resource ("luki"), indexed like ``needs``.

    A need already linked to a resource is not a gap, even if that resource
    is not a candidate by the rules: someone confirmed it answers the need.
    Adds a Polish ``reason`` column saying why nothing was found.
    """
    check_frame(needs, "needs", _NEED_COLUMNS)
    open_needs = needs[is_open_need(needs)]
    linked = (
        open_needs["linked_resources"].map(lambda v: bool(decode_list(v)))
        if "linked_resources" in open_needs
        else pd.Series(False, index=open_needs.index)
    )
    out = open_needs[~open_needs["id"].isin(set(matches["need_id"])) & ~linked].copy()
    unplaced = ~has_location(out.geometry) & name_key(out["district"]).isna()
    out["reason"] = np.where(
        unplaced,
        "brak lokalizacji i dzielnicy — uzupełnij je, aby wyszukać zasoby",
        "brak aktywnego zasobu tej lub pokrewnej kategorii w pobliżu ani w tej samej dzielnicy",
    )
    return out


def idle_resources(
    resources: gpd.GeoDataFrame,
    matches: pd.DataFrame,
    *,
    today: date,
    stale_days: int = 365,
) -> gpd.GeoDataFrame:
    """Active resources matching no open need and not verified lately.

    Worth a call: they may have closed, changed their offer, or simply need
    to be told about the needs nearby.  Indexed like ``resources``; adds
    ``days_since_verified`` (NaN: never verified) and a Polish ``reason``.
    """
    check_frame(resources, "resources", _RESOURCE_COLUMNS)
    active = is_active_resource(resources)
    stale = ~is_verified(resources, today=today, stale_days=stale_days)
    unmatched = ~resources["id"].isin(set(matches["resource_id"]))
    out = resources[active & stale & unmatched].copy()
    verified_on = _verified_on(out)
    out["days_since_verified"] = (pd.Timestamp(today) - verified_on).dt.days.astype(float)
    out["reason"] = [
        "nie pasuje do żadnej otwartej potrzeby; "
        + ("brak daty weryfikacji" if pd.isna(v) else f"ostatnia weryfikacja {v:%Y-%m-%d}")
        for v in verified_on
    ]
    return out


def link_resource(need_record: Mapping[str, Any], resource_id: str) -> dict[str, Any]:
    """Return a copy of ``need_record`` with ``resource_id`` in ``linked_resources``.

    Pure: the caller saves the result through the store.  An id already
    linked is not added twice; the order of earlier links is kept.
    """
    rid = str(resource_id).strip() if resource_id is not None else ""
    if not rid:
        raise ValueError("resource_id: oczekiwano identyfikatora zasobu, otrzymano pusty")
    linked = decode_list(need_record.get("linked_resources"))
    record = dict(need_record)
    record["linked_resources"] = linked if rid in linked else [*linked, rid]
    return record
