"""Candidate pairs of needs and resources, found by joins instead of loops.

``match_needs`` asks which active resources could answer each open need.  The
answer is a few joins over coded columns, never a Python loop over pairs:

* categories are integer codes and a small table says which resource codes
  answer which need codes (the same one, or ``schema.RELATED_CATEGORIES``);
* place: one spatial index (STRtree) per resource category, queried "within
  ``max_distance_m``" only by the needs that category can answer, or — when
  either side has no location — a merge on (district, category) codes;
* target groups: a boolean membership matrix per side (one column per group),
  so "groups in common" is an elementwise AND of two rows.

Everything works on positions (row numbers) in the frames it is given, in the
metric CRS the caller has already projected to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from mapping.areas import area_key
from mapping.frames import decode_list
from mapping.schema import EVERYONE, RELATED_CATEGORIES, TARGET_GROUPS

__all__ = ["Candidates", "GroupCodes", "find_candidates"]

_RELATED_PAIRS = frozenset(
    (need, resource) for need, related in RELATED_CATEGORIES.items() for resource in related
)
_GROUP_ORDER = {g.code: i for i, g in enumerate(TARGET_GROUPS)}
# ``None == None`` counts as the same category (as a plain comparison says);
# a NaN matches nothing.  factorize would fold both into "missing".
_NONE = object()


def _group_lists(column: pd.Series) -> list[list[str]]:
    """``decode_list`` of every value; lists of strings are taken as they are (the same)."""
    values = column.to_numpy(dtype=object)
    lists = [v if isinstance(v, list) else decode_list(v) for v in values]
    if all(isinstance(g, str) for g in {g for groups in lists for g in groups}):
        return lists
    return [decode_list(v) for v in values]  # a list holding non-strings: str() them


@dataclass(frozen=True)
class GroupCodes:
    """Target groups as bit sets: bit ``i`` of word ``i // 64`` is ``codes[i]``."""

    codes: tuple[str, ...]
    bits: np.ndarray  # (records, words) uint64

    @classmethod
    def of(cls, *columns: pd.Series) -> list[GroupCodes]:
        """One bit set per record of each column, over the groups of all of them."""
        decoded = [_group_lists(column) for column in columns]
        seen = {g for lists in decoded for groups in lists for g in groups}
        # Unknown codes after the schema's, as "sorted by schema order" puts them.
        codes = tuple(sorted(seen, key=lambda g: (_GROUP_ORDER.get(g, len(_GROUP_ORDER)), g)))
        index = {g: i for i, g in enumerate(codes)}
        words = max(1, -(-len(codes) // 64))
        out = []
        for lists in decoded:
            bits = np.zeros((len(lists), words), dtype=np.uint64)
            rows = np.repeat(np.arange(len(lists)), [len(groups) for groups in lists])
            cols = np.array([index[g] for groups in lists for g in groups], dtype=np.int64)
            np.bitwise_or.at(
                bits, (rows, cols // 64), np.uint64(1) << (cols % 64).astype(np.uint64)
            )
            out.append(cls(codes, bits))
        return out

    def has(self, code: str) -> np.ndarray:
        """Whether each record names ``code``."""
        if code not in self.codes:
            return np.zeros(len(self.bits), dtype=bool)
        i = self.codes.index(code)
        return (self.bits[:, i // 64] >> np.uint64(i % 64)) & np.uint64(1) == 1

    def names(self, row: np.ndarray) -> tuple[str, ...]:
        """The codes set in one row of ``bits``, in ``codes`` order."""
        return tuple(code for i, code in enumerate(self.codes) if int(row[i // 64]) >> (i % 64) & 1)


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs, one entry per pair in every array.

    ``need`` and ``res`` are positions; ``distance_m`` is NaN for pairs placed
    by district; ``same_category`` False means a related category;
    ``specific`` True means the resource serves one of the need's own groups
    (``groups[group_key]`` lists them in schema order), False a general fit
    (``groups[group_key]`` is ``(EVERYONE,)`` when that is why, else empty).
    """

    need: np.ndarray
    res: np.ndarray
    distance_m: np.ndarray
    same_category: np.ndarray
    specific: np.ndarray
    group_key: np.ndarray
    groups: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.need)


def _category_codes(need_cat: pd.Series, res_cat: pd.Series) -> tuple[np.ndarray, ...]:
    """Integer codes of both sides (-1: NaN) and the fit table [need code, res code].

    The table holds 2 for the same category, 1 for a related one, 0 otherwise.
    """
    both = np.concatenate([need_cat.to_numpy(dtype=object), res_cat.to_numpy(dtype=object)])
    values = [_NONE if v is None else v for v in both]
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    labels = list(uniques)
    fit = np.zeros((len(labels), len(labels)), dtype=np.int8)
    for i, n in enumerate(labels):
        for j, r in enumerate(labels):
            fit[i, j] = 2 if i == j else int((n, r) in _RELATED_PAIRS)
    return codes[: len(need_cat)], codes[len(need_cat) :], fit


def _place_codes(need_values: pd.Series, res_values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``area_key`` codes of both sides (-1: blank), computed once per distinct value."""
    values = pd.Series(
        np.concatenate([need_values.to_numpy(dtype=object), res_values.to_numpy(dtype=object)]),
        dtype=object,
    )
    codes, uniques = pd.factorize(values)
    keys = pd.Series([area_key(u) for u in uniques], dtype=object)
    key_codes, _ = pd.factorize(keys)  # names with the same key share a code
    mapped = np.where(codes >= 0, key_codes[np.maximum(codes, 0)] if len(keys) else -1, -1)
    return mapped[: len(need_values)], mapped[len(need_values) :]


def _near_pairs(
    need_geom: np.ndarray,
    res_geom: np.ndarray,
    need_cat: np.ndarray,
    res_cat: np.ndarray,
    fit: np.ndarray,
    max_m: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(need, res) of pairs of fitting categories within ``max_m``."""
    need_located, res_located = _located(need_geom), _located(res_geom)
    needs_out, res_out = [], []
    for code in np.unique(res_cat[res_located & (res_cat >= 0)]):
        res_pos = np.flatnonzero(res_located & (res_cat == code))
        asking = need_located & (need_cat >= 0)
        asking[asking] = fit[need_cat[asking], code] > 0
        need_pos = np.flatnonzero(asking)
        if not len(need_pos):
            continue
        found_need, found_res = shapely.STRtree(res_geom[res_pos]).query(
            need_geom[need_pos], predicate="dwithin", distance=max_m
        )
        needs_out.append(need_pos[found_need])
        res_out.append(res_pos[found_res])
    if not needs_out:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(needs_out), np.concatenate(res_out)


def _district_pairs(
    need: pd.DataFrame, res: pd.DataFrame, fit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(need, res) in the same district with fitting categories, where a distance is unknown.

    ``need``/``res`` hold ``pos``, ``district``, ``city``, ``category`` codes and ``located``.
    """
    need_fit, res_fit = np.nonzero(fit)
    allowed = pd.DataFrame({"category": need_fit, "res_category": res_fit})
    need = need[(need["district"] >= 0) & (need["category"] >= 0)].merge(allowed, on="category")
    res = res[(res["district"] >= 0) & (res["category"] >= 0)]
    parts = []
    # Only when a distance cannot be measured does the district stand in for it.
    for need_part, res_part in (
        (need[~need["located"]], res),
        (need[need["located"]], res[~res["located"]]),
    ):
        pairs = need_part.merge(
            res_part,
            left_on=["district", "res_category"],
            right_on=["district", "category"],
            suffixes=("_n", "_r"),
        )
        parts.append(pairs[["pos_n", "pos_r", "city_n", "city_r"]])
    pairs = pd.concat(parts, ignore_index=True)
    city_n, city_r = pairs["city_n"].to_numpy(), pairs["city_r"].to_numpy()
    same_city = (city_n < 0) | (city_r < 0) | (city_n == city_r)
    return (
        pairs["pos_n"].to_numpy(dtype=np.int64)[same_city],
        pairs["pos_r"].to_numpy(dtype=np.int64)[same_city],
    )


def _distinct_rows(named: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A key per row of ``named`` (bit words) and the distinct rows (few of them)."""
    if named.shape[1] == 1:  # one word per row: hash integers, not rows
        key, uniques = pd.factorize(named[:, 0])
        return key.astype(np.int64), np.asarray(uniques, dtype=np.uint64)[:, None]
    rows, key = np.unique(named, axis=0, return_inverse=True)
    return np.asarray(key, dtype=np.int64).reshape(-1), rows


def _located(geoms: np.ndarray) -> np.ndarray:
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def _side(frame: pd.DataFrame, located: np.ndarray, codes: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({"pos": np.arange(len(frame)), "located": located, **codes})


def find_candidates(
    needs: pd.DataFrame,
    need_geom: np.ndarray,
    resources: pd.DataFrame,
    res_geom: np.ndarray,
    max_m: float,
) -> Candidates:
    """Pairs (need, resource) whose category, place and target groups fit.

    Parameters
    ----------
    needs, resources : open needs and active resources (``category``,
        ``target_groups``, ``district``, ``city`` columns)
    need_geom, res_geom : their geometries in the metric CRS, as arrays
    max_m : the farthest a candidate may be, in metres
    """
    need_cat, res_cat, fit = _category_codes(needs["category"], resources["category"])
    need_district, res_district = _place_codes(needs["district"], resources["district"])
    need_city, res_city = _place_codes(needs["city"], resources["city"])
    near_need, near_res = _near_pairs(need_geom, res_geom, need_cat, res_cat, fit, max_m)
    codes = {"district": need_district, "city": need_city, "category": need_cat}
    far_need, far_res = _district_pairs(
        _side(needs, _located(need_geom), codes),
        _side(
            resources,
            _located(res_geom),
            {"district": res_district, "city": res_city, "category": res_cat},
        ),
        fit,
    )
    need_idx = np.concatenate([near_need, far_need]).astype(np.int64)
    res_idx = np.concatenate([near_res, far_res]).astype(np.int64)

    need_groups, res_groups = GroupCodes.of(needs["target_groups"], resources["target_groups"])
    general = (~need_groups.bits.any(axis=1) | need_groups.has(EVERYONE))[need_idx]
    common = need_groups.bits[need_idx] & res_groups.bits[res_idx]
    has_common = common.any(axis=1)
    for_everyone = res_groups.has(EVERYONE)[res_idx]
    keep = general | has_common | for_everyone
    specific = (~general & has_common)[keep]
    # What a reason names: the groups in common, "everyone", or nothing.  Rows
    # naming "everyone" name no common group, so a flag tells them apart.
    everyone = (~general & ~has_common & for_everyone)[keep]
    row_key, rows = _distinct_rows(np.where(specific[:, None], common[keep], np.uint64(0)))
    group_key, flagged = pd.factorize(row_key * 2 + everyone)
    groups = tuple(
        (EVERYONE,) if k % 2 else need_groups.names(rows[k // 2])
        for k in np.asarray(flagged).tolist()
    )
    # Distances only of the pairs kept (the near ones come first).
    kept_need, kept_res = need_idx[keep], res_idx[keep]
    distance = np.full(len(kept_need), np.nan)
    near = np.flatnonzero(keep) < len(near_need)
    distance[near] = shapely.distance(need_geom[kept_need[near]], res_geom[kept_res[near]])
    return Candidates(
        need=kept_need,
        res=kept_res,
        distance_m=distance,
        same_category=(fit[need_cat[need_idx], res_cat[res_idx]] == 2)[keep],
        specific=specific,
        group_key=group_key.astype(np.int64),
        groups=groups,
    )
