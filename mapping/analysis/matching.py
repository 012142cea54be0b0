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

The candidates are found by joins over coded columns and a spatial index
(``mapping.analysis.candidates``), then scored and explained with numpy; no
Python loop runs per pair.  The reasons are said in the language being written
(``mapping.language.writing``; Polish by default): their few distinct parts
are translated, then joined per pair.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping import freshness
from mapping.analysis.candidates import Candidates, find_candidates
from mapping.frames import METRIC_CRS, decode_list, has_location, texts_in
from mapping.language import named, say, the_label
from mapping.schema import (
    ACTIVE_RESOURCE_STATUSES,
    CATEGORIES,
    EVERYONE,
    OPEN_NEED_STATUSES,
    TARGET_GROUPS,
)
from mapping.text import is_blank

__all__ = [
    "MATCH_COLUMNS",
    "candidates",
    "check_frame",
    "format_distance",
    "gap_mask",
    "gaps",
    "idle_resources",
    "is_active_resource",
    "is_open_need",
    "is_verified",
    "link_resource",
    "match_needs",
    "serves_groups",
    "to_metric",
]

#: Columns of ``match_needs`` results, in order.
MATCH_COLUMNS = ("need_id", "resource_id", "rank", "score", "distance_m", "reason", "linked")

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

_CATEGORIES = {c.code: c for c in CATEGORIES}
# Reasons read "obsługuje seniorów": the accusative of the group labels (in English, the label).
_GROUP_NAMES = {g.code: named(g.label_accusative, g.label_en) for g in TARGET_GROUPS}

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


def _blank(values: pd.Series) -> pd.Series:
    """``is_blank``, asked only of values that are not plainly None/NaN or plain strings."""
    if isinstance(values.dtype, pd.StringDtype):
        return (values.isna() | values.str.strip().eq("")).astype(bool)
    if values.dtype != object:
        return is_blank(values)
    items = values.to_numpy()
    missing = np.fromiter(
        (v is None or (isinstance(v, float) and math.isnan(v)) for v in items), bool, len(items)
    )
    blank = missing.copy()
    rest = ~missing
    if rest.any():
        blank[rest] = is_blank(values[rest]).to_numpy()
    return pd.Series(blank, index=values.index, dtype=bool)


def _not_archived(frame: pd.DataFrame) -> pd.Series:
    return _blank(frame["archived_at"])


def is_active_resource(resources: pd.DataFrame) -> pd.Series:
    """Whether each resource is active (``schema.ACTIVE_RESOURCE_STATUSES``) and not archived."""
    return resources["status"].isin(ACTIVE_RESOURCE_STATUSES) & _not_archived(resources)


def is_open_need(needs: pd.DataFrame) -> pd.Series:
    """Whether each need is open (``schema.OPEN_NEED_STATUSES``) and not archived."""
    return needs["status"].isin(OPEN_NEED_STATUSES) & _not_archived(needs)


def is_verified(resources: pd.DataFrame, *, today: date, stale_days: int = 365) -> pd.Series:
    """Whether each resource was verified within ``stale_days`` before ``today``.

    The rule is ``mapping.freshness.is_verified``'s: a resource never verified
    (or with an unreadable date) is not verified.
    """
    return freshness.is_verified(resources, today=today, max_age_days=stale_days)


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


def _join_polish(items: Sequence[str]) -> str:
    """ "a, b i c" (in English "a, b and c")."""
    if len(items) <= 1:
        return "".join(items)
    return say("{first} i {last}", first=", ".join(items[:-1]), last=items[-1])


def _near_half(values: np.ndarray) -> np.ndarray:
    """Where numpy's rounding of ``values`` could differ from Python's exact one."""
    return np.abs(values - np.floor(values) - 0.5) < 1e-6


def _distance_codes(metres: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """``format_distance`` of each finite distance as (code per distance, texts).

    Formatted once per distinct 10 m (below 1 km) or 100 m: Python rounds the
    exact binary value, and numpy's ``rint`` agrees except within a hair of a
    half, where ``format_distance`` itself is asked.
    """
    tens = metres / 10
    exact = _near_half(tens) | _near_half(metres / 1000 * 10)
    rounded = np.rint(tens) * 10
    # Keys: metres (>= 0) below 1 km, -(tenths of km + 1) above, 2**40 + i asked.
    keys = np.where(rounded < 1000, rounded, -(np.rint(metres / 1000 * 10) + 1)).astype(np.int64)
    asked = [format_distance(m) for m in metres[exact].tolist()]
    keys[exact] = (1 << 40) + np.arange(len(asked))

    def text(key: int) -> str:
        if key >= 1 << 40:
            return asked[key - (1 << 40)]
        if key >= 0:
            return f"{key} m"
        tenths = -key - 1
        return f"{tenths // 10},{tenths % 10} km"

    codes, uniques = pd.factorize(keys)
    return codes, [text(k) for k in np.asarray(uniques).tolist()]


def _group_text(groups: tuple[str, ...]) -> str:
    if groups == (EVERYONE,):
        return say(", dla wszystkich")
    if groups:
        names = [say(_GROUP_NAMES[g]) if g in _GROUP_NAMES else g for g in groups]
        return say(", obsługuje {groups}", groups=_join_polish(names))
    return ""


def _category_label(code: str) -> str:
    return the_label(_CATEGORIES[code]) if code in _CATEGORIES else code


def _strings(
    values: Sequence[str] | np.ndarray, take: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    """``values[take]`` as a string array: its ``+`` is one vectorised concatenation."""
    return pd.array(np.asarray(values, dtype=object), dtype="str").take(take)


def _reasons(
    found: Candidates, res_category: np.ndarray, need_is_area: np.ndarray, stale_text: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    """The reason of every pair: category, place, groups, freshness."""
    res_code, res_codes = pd.factorize(pd.Series(res_category, dtype=object))
    category = [
        say("ta sama kategoria"),
        *(say("kategoria pokrewna ({category})", category=_category_label(c)) for c in res_codes),
    ]
    distance = found.distance_m
    by_district = np.isnan(distance)
    in_area = ~by_district & (distance == 0) & need_is_area[found.need]
    measured = ~by_district & ~in_area
    distance_code, distance_text = _distance_codes(distance[measured])
    place_text = [say("ta sama dzielnica"), say("w obszarze potrzeby"), *distance_text]
    place_code = np.where(in_area, 1, 0)
    place_code[measured] = distance_code + 2
    return (
        _strings(category, np.where(found.same_category, 0, res_code[found.res] + 1))
        + ", "
        + _strings(place_text, place_code)
        + _strings([_group_text(g) for g in found.groups], found.group_key)
        + _strings(stale_text, found.res)
    )


def _stale_texts(fresh: np.ndarray, verified_on: pd.Series) -> np.ndarray:
    """Per resource: "" when fresh, else when it was last verified (with its comma)."""
    day = verified_on.dt.strftime("%Y-%m-%d").to_numpy(dtype=object, na_value="")
    never = verified_on.isna().to_numpy()
    text = np.where(never, say(", brak daty weryfikacji"), say(", ostatnia weryfikacja ") + day)
    return np.where(fresh, "", text)


def _linked(found: Candidates, open_needs: pd.DataFrame, res_ids: np.ndarray) -> np.ndarray:
    """Whether each pair is already confirmed in the need's ``linked_resources``.

    Only pairs of needs with links are looked at: a few, whatever the size.
    """
    out = np.zeros(len(found), dtype=bool)
    if "linked_resources" not in open_needs or not len(found):
        return out
    lists = [decode_list(v) for v in open_needs["linked_resources"].to_numpy(dtype=object)]
    confirmed = {(need, rid) for need, rids in enumerate(lists) for rid in rids}
    with_links = np.array([bool(rids) for rids in lists], dtype=bool)
    pick = np.flatnonzero(with_links[found.need])
    out[pick] = [
        pair in confirmed
        for pair in zip(found.need[pick].tolist(), res_ids[found.res[pick]].tolist(), strict=True)
    ]
    return out


def _taken(column: pd.Series, positions: np.ndarray) -> Any:
    """``column`` at ``positions``: string arrays directly, others as numpy values."""
    if isinstance(column.dtype, pd.StringDtype):
        return column.array.take(positions)
    return column.to_numpy()[positions]


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


def _check_distance(max_distance_m: float) -> None:
    if not max_distance_m > 0:
        raise ValueError(
            f"max_distance_m: oczekiwano liczby metrów > 0, otrzymano {max_distance_m}"
        )


def candidates(
    open_needs: gpd.GeoDataFrame, active: gpd.GeoDataFrame, max_distance_m: float
) -> Candidates:
    """The candidate pairs (positions) of open needs and active resources, unscored."""
    _check_distance(max_distance_m)
    return _candidates(open_needs, active, max_distance_m)


def _candidates(
    open_needs: gpd.GeoDataFrame, active: gpd.GeoDataFrame, max_distance_m: float
) -> Candidates:
    return find_candidates(
        open_needs,
        to_metric(open_needs.geometry).to_numpy(),
        active,
        to_metric(active.geometry).to_numpy(),
        max_distance_m,
    )


def _score(found: Candidates, fresh: np.ndarray, max_distance_m: float) -> np.ndarray:
    """Points of each pair: category, target group, closeness, freshness."""
    distance = found.distance_m
    closeness = np.where(
        np.isnan(distance),
        _POINTS_SAME_DISTRICT,
        _POINTS_DISTANCE * (1 - np.nan_to_num(distance) / max_distance_m),
    )
    return (
        np.where(found.same_category, _POINTS_CATEGORY["same"], _POINTS_CATEGORY["related"])
        + np.where(found.specific, _POINTS_GROUP["specific"], _POINTS_GROUP["general"])
        + closeness
        + np.where(fresh[found.res], _POINTS_FRESH, 0.0)
    )


def _order(
    found: Candidates, score: np.ndarray, distance: np.ndarray, id_rank: np.ndarray
) -> np.ndarray:
    """Need, best score, nearest (by district last), then resource id.

    Scores and distances are rounded to 0.1, so ten times them are exact
    integers; when the four fit in one int64 a single stable sort does it.
    """
    tenths_score = np.rint(score * 10).astype(np.int64)
    by_district = np.isnan(distance)
    tenths_m = np.rint(np.nan_to_num(distance) * 10).astype(np.int64)
    tenths_m[by_district] = tenths_m.max(initial=0) + 1
    worse = tenths_score.max(initial=0) - tenths_score
    parts = [found.need, worse, tenths_m, id_rank]
    widths = [max(int(p.max(initial=0)).bit_length(), 1) for p in parts]
    if sum(widths) > 62:
        return np.lexsort((found.res, id_rank, tenths_m, worse, found.need))
    key = np.zeros(len(score), dtype=np.int64)
    for part, width in zip(parts, widths, strict=True):
        key = (key << width) | part
    return np.argsort(key, kind="stable")


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
        district), ``reason`` (in the language being written) and ``linked``
        (already confirmed in the need's ``linked_resources``).  Ordered by
        need as in ``needs``, then rank.
    """
    check_frame(needs, "needs", _NEED_COLUMNS)
    check_frame(resources, "resources", _RESOURCE_COLUMNS)
    _check_distance(max_distance_m)
    open_needs = needs[is_open_need(needs)]
    active = resources[is_active_resource(resources)]
    if open_needs.empty or active.empty:
        return _empty_matches()
    found = _candidates(open_needs, active, max_distance_m)
    if not len(found):
        return _empty_matches()

    verified_on = freshness.verified_on(active)
    fresh = is_verified(active, today=today, stale_days=stale_days).to_numpy(dtype=bool)
    score = np.round(_score(found, fresh, max_distance_m), 1)
    distance = np.round(found.distance_m, 1)
    res_ids = active["id"].to_numpy()
    need_is_area = ~open_needs.geometry.geom_type.isin(["Point", "MultiPoint"]).to_numpy()
    reasons = _reasons(
        found,
        active["category"].to_numpy(),
        need_is_area,
        _stale_texts(fresh, verified_on),
    )
    id_rank, _ = pd.factorize(pd.Series(res_ids, dtype=object), sort=True)
    order = _order(found, score, distance, id_rank[found.res])
    need_sorted = found.need[order]
    position = np.arange(len(order))
    starts = np.r_[True, need_sorted[1:] != need_sorted[:-1]]
    rank = position - np.maximum.accumulate(np.where(starts, position, 0)) + 1
    return pd.DataFrame(
        {
            "need_id": _taken(open_needs["id"], need_sorted),
            "resource_id": _taken(active["id"], found.res[order]),
            "rank": rank.astype("int64"),
            "score": score[order],
            "distance_m": distance[order],
            "reason": reasons[order],
            "linked": _linked(found, open_needs, res_ids)[order],
        }
    )


def gap_mask(open_needs: pd.DataFrame, matched_ids: set[Any]) -> np.ndarray:
    """Which of ``open_needs`` are gaps: no candidate (``matched_ids``) and nothing linked."""
    linked = (
        open_needs["linked_resources"].map(lambda v: bool(decode_list(v))).to_numpy(dtype=bool)
        if "linked_resources" in open_needs
        else np.zeros(len(open_needs), dtype=bool)
    )
    return ~texts_in(open_needs["id"], matched_ids) & ~linked


def gaps(needs: gpd.GeoDataFrame, matches: pd.DataFrame) -> gpd.GeoDataFrame:
    """Open needs with no candidate resource ("luki"), indexed like ``needs``.

    A need already linked to a resource is not a gap, even if that resource
    is not a candidate by the rules: someone confirmed it answers the need.
    Adds a ``reason`` column saying why nothing was found (in the language
    being written).
    """
    check_frame(needs, "needs", _NEED_COLUMNS)
    open_needs = needs[is_open_need(needs)]
    out = open_needs[gap_mask(open_needs, set(matches["need_id"]))].copy()
    unplaced = ~has_location(out.geometry) & is_blank(out["district"])
    out["reason"] = np.where(
        unplaced,
        say("brak lokalizacji i dzielnicy — uzupełnij je, aby wyszukać zasoby"),
        say(
            "brak aktywnego zasobu tej lub pokrewnej kategorii w pobliżu ani w tej samej dzielnicy"
        ),
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
    ``days_since_verified`` (NaN: never verified) and a ``reason`` (in the
    language being written).
    """
    check_frame(resources, "resources", _RESOURCE_COLUMNS)
    active = is_active_resource(resources)
    stale = ~is_verified(resources, today=today, stale_days=stale_days)
    unmatched = ~texts_in(resources["id"], set(matches["resource_id"]))
    out = resources[active & stale & unmatched].copy()
    verified_on = freshness.verified_on(out)
    out["days_since_verified"] = (pd.Timestamp(today) - verified_on).dt.days.astype(float)
    unmatched_text, never = (
        say("nie pasuje do żadnej otwartej potrzeby; "),
        say("brak daty weryfikacji"),
    )
    verified = say("ostatnia weryfikacja {day}")  # the template, filled per row
    out["reason"] = [
        unmatched_text + (never if pd.isna(v) else verified.format(day=f"{v:%Y-%m-%d}"))
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
