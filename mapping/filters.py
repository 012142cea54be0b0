"""Filtering record frames by what a meeting is discussing."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from mapping.language import Message, count
from mapping.schema import EVERYONE, LAYERS, RECORD_GENITIVE_FORMS, Layer
from mapping.text import fold

__all__ = ["RecordFilter", "apply_filter", "count_label", "status_options"]


@dataclass(frozen=True)
class RecordFilter:
    """What to keep; an empty selection keeps everything."""

    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    text: str = ""
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _in(frame: pd.DataFrame, column: str, wanted: tuple[str, ...]) -> pd.Series:
    if not wanted or column not in frame.columns:
        return pd.Series(True, index=frame.index)
    return frame[column].isin(wanted)


def _any_group(frame: pd.DataFrame, wanted: tuple[str, ...]) -> pd.Series:
    if not wanted or "target_groups" not in frame.columns:
        return pd.Series(True, index=frame.index)
    # "Everyone" serves every group, so it matches any wanted group.
    accepted = set(wanted) | {EVERYONE}
    return frame["target_groups"].map(lambda groups: bool(accepted & set(groups or [])))


def _text(layer: Layer, frame: pd.DataFrame, text: str) -> pd.Series:
    needle = fold(text)
    if not needle:
        return pd.Series(True, index=frame.index)
    columns = [c for c in layer.search_fields if c in frame.columns]
    haystack = frame[columns].fillna("").astype(str).agg(" ".join, axis=1).map(fold)
    return haystack.str.contains(needle, regex=False)


def _status_codes(layer: Layer) -> tuple[str, ...]:
    return layer.field("status").codes if "status" in layer.field_names else ()


def status_options(*layers: Layer) -> dict[str, str]:
    """Status code → label over several layers (for one status filter on the map)."""
    return {
        code: layer.field("status").choice_label(code)
        for layer in layers
        for code in _status_codes(layer)
    }


def apply_filter(layer: Layer, frame: pd.DataFrame, flt: RecordFilter) -> pd.DataFrame:
    """Rows of ``frame`` that pass every part of ``flt`` (name/address search is
    case- and diacritic-insensitive)."""
    if frame.empty:
        return frame
    # Resources and needs have different statuses; each layer keeps only its own.
    statuses = tuple(s for s in flt.statuses if s in _status_codes(layer))
    keep = (
        _in(frame, "kind", flt.kinds)
        & _in(frame, "category", flt.categories)
        & _in(frame, "status", statuses)
        & _in(frame, "district", flt.districts)
        & _any_group(frame, flt.target_groups)
        & _text(layer, frame, flt.text)
    )
    return frame[keep.to_numpy()]


def count_label(layer_name: str, shown: int, total: int) -> str:
    """ "pokazano 37 z 85 zasobów" with the right Polish noun form."""
    # Nouns after "z <liczba>" are in the genitive: "z 1 zasobu", "z 2 zasobów".
    layer = LAYERS.get(layer_name)
    forms = layer.genitive_forms if layer else RECORD_GENITIVE_FORMS
    return Message("pokazano {shown} z {records}", shown=shown, records=count(total, forms))
