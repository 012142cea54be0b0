"""A layer read once and brought up to date by the records changed since (issue 14).

The app keeps every layer it shows in a cache shared by all sessions.  After
one edit, reading 50,000 records again to change one costs the first visitor
most of a second; the GeoPackage's history says which records changed since
a data version (``fid`` of its rows grows in commit order: SQLite has one
writer at a time), so only those are read again and put in their places.

A ``LayerRead`` remembers where each row sits in the file (``fids``) and the
history entry it was read at (``mark``): a file replaced meanwhile (a backup
put back, another map copied over it) has another entry at that number, and
is read whole.  ``patched`` gives exactly the frame a whole read would give
(``tests/test_store_refresh.py`` compares them after every kind of change) or
None when it cannot be sure, and the layer is then read whole.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.schema import FieldType, Layer

__all__ = ["MAX_PATCHED", "LayerRead", "filled_counts", "history_mark", "patched"]

#: More changed records than this: the layer is read whole (as fast by then).
MAX_PATCHED = 2000


@dataclass(frozen=True)
class LayerRead:
    """A whole layer (archived records included) as read at a data version.

    Attributes
    ----------
    layer, city : what was read (``city`` None: every city)
    frame : the records, in file order (do not modify: it is shared)
    fids : each row's place in the file, or None when the store keeps no places
    version : the store's data version it holds (at least)
    mark : the history entry numbered ``version`` (see ``history_mark``)
    filled : how many rows have a value, by column (see ``filled_counts``)
    """

    layer: str
    city: str | None
    frame: gpd.GeoDataFrame
    fids: np.ndarray | None
    version: int
    mark: str
    filled: Mapping[str, int] = field(default_factory=dict)


def filled_counts(frame: gpd.GeoDataFrame) -> dict[str, int]:
    """Rows with a value in each column but the geometry: whether a column has any
    value at all decides the type a whole read gives it (see ``patched``)."""
    plain = [c for c in frame.columns if c != frame.geometry.name]
    return {c: int(n) for c, n in frame[plain].notna().sum().items()}


def history_mark(entry: tuple[object, ...] | None) -> str:
    """The history entry a data version names, as text ("" for an empty history)."""
    return "" if entry is None else "|".join("" if v is None else str(v) for v in entry)


def patched(
    read: LayerRead,
    schema: Layer,
    changed: Collection[str],
    fresh: gpd.GeoDataFrame,
    fresh_fids: np.ndarray,
) -> LayerRead | None:
    """``read`` with the records ``changed`` replaced by ``fresh`` (their rows now),
    at its ``version`` and ``mark`` still (the caller sets the new ones).

    A changed record absent from ``fresh`` was deleted (or left the city); one
    only in ``fresh`` is new.  Rows keep their file order.  None when the result
    could differ from a whole read in its column types: pandas infers a
    column's type from its values, so a patch that gives a blank column its
    first value, or takes its last one away, is not a whole read's frame.
    """
    if read.fids is None or not read.filled:
        return None
    old = read.frame
    gone = np.flatnonzero(old["id"].isin(list(changed)).to_numpy())
    if len(fresh):
        fresh = _typed_like(fresh, old)
        if list(fresh.columns) != list(old.columns) or any(
            fresh[c].dtype != old[c].dtype for c in old.columns
        ):
            return None
    filled = _filled_after(read, old.iloc[gone], fresh)
    if filled is None or not _whole_numbers_kept(
        filled, old, schema, len(old) - len(gone) + len(fresh)
    ):
        return None
    keep = np.ones(len(old), dtype=bool)
    keep[gone] = False
    rows = np.concatenate([np.flatnonzero(keep), len(old) + np.arange(len(fresh))])
    fids = np.concatenate([read.fids[keep], fresh_fids[: len(fresh)]])
    if not len(fids):  # nothing left: a whole read says which empty frame
        return None
    order = np.argsort(fids, kind="stable")
    both = pd.concat([old, fresh], ignore_index=True) if len(fresh) else old
    frame = both.take(rows[order]).reset_index(drop=True)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs != old.crs:
        return None
    return replace(read, frame=frame, fids=fids[order], filled=filled)


def _filled_after(
    read: LayerRead, removed: pd.DataFrame, fresh: pd.DataFrame
) -> dict[str, int] | None:
    """The value counts after the patch; None if a column gains its first value or
    loses its last one."""
    after = {}
    for column, before in read.filled.items():
        now = before - int(removed[column].notna().sum())
        if len(fresh):
            now += int(fresh[column].notna().sum())
        if (now == 0) != (before == 0):
            return None
        after[column] = now
    return after


def _whole_numbers_kept(
    filled: Mapping[str, int], old: pd.DataFrame, schema: Layer, rows: int
) -> bool:
    """Whole numbers with a blank among them read as floats, without one as integers."""
    whole = [f.name for f in schema.fields if f.type == FieldType.INTEGER]
    return not any(old[n].dtype.kind == "f" and filled.get(n) == rows for n in whole)


def _typed_like(fresh: gpd.GeoDataFrame, old: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``fresh`` with its blank columns in ``old``'s types: a few rows read on their own
    give a column without a value the type of nothing (objects holding None)."""
    blank = [
        name
        for name in fresh.columns
        if name != fresh.geometry.name
        and fresh[name].dtype != old[name].dtype
        and fresh[name].isna().all()
    ]
    if not blank:
        return fresh
    return fresh.astype({name: old[name].dtype for name in blank})
