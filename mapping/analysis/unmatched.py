"""Which open needs have no candidate resource, computed once per content.

The map shades districts by ``needs_unmatched`` over all records, whatever
the filters show, so every filter combination asks the same question of the
same frames.  ``unmatched_needs`` answers it without scoring (only "is there
any candidate?") and remembers the answer by a fingerprint of exactly the
columns matching reads, so a filter change, another session or the meeting
mode on the same data reuse it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis.matching import (
    candidates,
    check_frame,
    gap_mask,
    is_active_resource,
    is_open_need,
)

__all__ = ["clear_cache", "unmatched_needs"]

# What decides a need's candidates: any other column may change freely.
_NEED_INPUTS = (
    "id",
    "category",
    "target_groups",
    "city",
    "district",
    "status",
    "archived_at",
    "linked_resources",
)
_RESOURCE_INPUTS = ("category", "target_groups", "city", "district", "status", "archived_at")
_CACHE_SIZE = 16  # one entry is a boolean per need: small

_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
_lock = threading.Lock()


def _fingerprint(frame: gpd.GeoDataFrame, columns: tuple[str, ...]) -> str:
    """A digest of ``columns`` (those present), the geometry and the CRS, in row order."""
    digest = hashlib.blake2b(digest_size=20)
    present = [c for c in columns if c in frame.columns]
    digest.update(repr((present, len(frame), str(frame.crs))).encode())
    for column in present:
        values = frame[column]
        if values.dtype == object:  # lists, dates, None: hashed by their repr
            values = pd.Series([repr(v) for v in values.to_numpy()], dtype=object)
        hashed = pd.util.hash_pandas_object(values, index=False, categorize=False)
        digest.update(hashed.to_numpy().tobytes())
    wkb = shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object))
    digest.update(np.array([len(w) if w else 0 for w in wkb], dtype=np.int64).tobytes())
    digest.update(b"".join(w for w in wkb if w))
    return digest.hexdigest()


def _compute(
    needs: gpd.GeoDataFrame, resources: gpd.GeoDataFrame, max_distance_m: float
) -> np.ndarray:
    is_open = is_open_need(needs).to_numpy(dtype=bool)
    open_needs = needs[is_open]
    active = resources[is_active_resource(resources)]
    matched: set = set()
    if len(open_needs) and len(active):
        found = candidates(open_needs, active, max_distance_m)
        matched = set(open_needs["id"].to_numpy()[np.unique(found.need)])
    out = np.zeros(len(needs), dtype=bool)
    out[is_open] = gap_mask(open_needs, matched)
    return out


def unmatched_needs(
    needs: gpd.GeoDataFrame, resources: gpd.GeoDataFrame, *, max_distance_m: float = 1500.0
) -> pd.Series:
    """Whether each need is a gap: open, no candidate resource, nothing linked.

    The same needs as ``gaps(needs, match_needs(needs, resources))`` lists,
    without scoring the candidates; cached by the content of the columns
    matching reads (``today`` and freshness change scores, never candidacy).

    Returns
    -------
    Series
        Booleans indexed like ``needs``.
    """
    check_frame(needs, "needs", _NEED_INPUTS[:-1])  # linked_resources is optional
    check_frame(resources, "resources", _RESOURCE_INPUTS)
    key = (
        _fingerprint(needs, _NEED_INPUTS),
        _fingerprint(resources, _RESOURCE_INPUTS),
        float(max_distance_m),
    )
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
    if hit is None:
        hit = _compute(needs, resources, max_distance_m)
        with _lock:
            _cache[key] = hit
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return pd.Series(hit.copy(), index=needs.index, dtype=bool)


def clear_cache() -> None:
    """Forget every remembered answer (for tests and benchmarks)."""
    with _lock:
        _cache.clear()
