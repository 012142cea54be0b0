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

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from mapping.schema import FieldType, Layer

__all__ = ["MAX_PATCHED", "LayerRead", "history_mark", "patched"]

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
    """

    layer: str
    city: str | None
    frame: gpd.GeoDataFrame
    fids: np.ndarray | None
    version: int
    mark: str


def history_mark(entry: tuple[object, ...] | None) -> str:
    """The history entry a data version names, as text ("" for an empty history)."""
    return "" if entry is None else "|".join("" if v is None else str(v) for v in entry)


def patched(
    read: LayerRead,
    schema: Layer,
    changed: Collection[str],
    fresh: gpd.GeoDataFrame,
    fresh_fids: np.ndarray,
) -> tuple[gpd.GeoDataFrame, np.ndarray] | None:
    """``read`` with the records ``changed`` replaced by ``fresh`` (their rows now).

    A changed record absent from ``fresh`` was deleted (or left the city); one
    only in ``fresh`` is new.  Rows keep their file order.  None when the result
    could differ from a whole read in its column types (a type pandas infers
    from the values, which the few fresh rows may change).
    """
    if read.fids is None:
        return None
    old = read.frame
    keep = ~old["id"].isin(list(changed)).to_numpy()
    parts = [old[keep]] + ([_typed_like(fresh, old)] if len(fresh) else [])
    fids = np.concatenate([read.fids[keep], fresh_fids if len(fresh) else fresh_fids[:0]])
    if not len(fids):  # nothing left: a whole read says which empty frame
        return None
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    order = np.argsort(fids, kind="stable")
    frame = frame.iloc[order].reset_index(drop=True)
    if not isinstance(frame, gpd.GeoDataFrame) or not _same_types(frame, old, schema):
        return None
    return frame, fids[order]


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


def _same_types(frame: gpd.GeoDataFrame, old: gpd.GeoDataFrame, schema: Layer) -> bool:
    """Whether each column keeps its type, and it is the one a whole read would give."""
    if list(frame.columns) != list(old.columns) or frame.crs != old.crs:
        return False
    if any(frame[name].dtype != old[name].dtype for name in frame.columns):
        return False
    # A column with no value at all reads as objects holding None, with one as
    # its values' type (text as pandas' strings): a patch that fills the first
    # blank column, or empties the last value, is not a whole read's frame.
    plain = [name for name in frame.columns if name != frame.geometry.name]
    if any(frame[name].isna().all() != old[name].isna().all() for name in plain):
        return False
    # Whole numbers with a blank among them read as floats, without one as integers.
    whole = [f.name for f in schema.fields if f.type == FieldType.INTEGER]
    return not any(frame[name].dtype.kind == "f" and not frame[name].isna().any() for name in whole)
