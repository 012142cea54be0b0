"""The areas layer as the rest of the app asks about it: districts, a typed name, drawing order.

One rule compares area names everywhere (``area_key``): case, Polish
diacritics, spacing and punctuation do not matter, nor a leading "Dzielnica" /
"Osiedle", nor "Św." for "Święty".  "Wrzeszcz Górny", "wrzeszcz gorny" and
" WRZESZCZ  GÓRNY " are one district; so are "Orunia - Św. Wojciech - Lipce"
and "Orunia-Święty Wojciech-Lipce".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from mapping.schema import AreaKind
from mapping.text import match_key, polish_sorted

__all__ = [
    "KIND_ORDER",
    "PLACE_KINDS",
    "area_key",
    "area_keys",
    "district_names",
    "districts",
    "find_area",
    "is_kind",
    "of_kind",
]

#: Drawing order of area kinds: the city underneath, working areas on top.
KIND_ORDER: dict[str, int] = {kind.value: rank for rank, kind in enumerate(AreaKind)}
#: The kinds a place inside a city can be ("in which district?"): not the city itself.
PLACE_KINDS: tuple[AreaKind, ...] = (AreaKind.DISTRICT, AreaKind.WORKING_AREA)

_PREFIX = re.compile(r"^(dzielnica|osiedle|os) ")
_SAINT = re.compile(r"\b(sw|swiet\w*)\b")


@lru_cache(maxsize=65536)
def _area_key(key: str) -> str:
    return _SAINT.sub("sw", _PREFIX.sub("", key))


def area_key(name: Any) -> str:
    """An area name reduced for comparison (see the module docstring); "" when blank."""
    return _area_key(match_key(name))


def area_keys(values: pd.Series) -> pd.Series:
    """``area_key`` of each value, indexed like ``values`` (None for blanks)."""
    # A column repeats a few names many times: each distinct value is keyed once.
    # Walked as a NumPy object array: iterating a pyarrow-backed column costs
    # far more than keying its values.
    seen: dict[Any, str | None] = {}
    keys = [
        seen[v] if v in seen else seen.setdefault(v, area_key(v) or None)
        for v in values.to_numpy(dtype=object)
    ]
    return pd.Series(keys, index=values.index, dtype=object)


def is_kind(areas: pd.DataFrame, *kinds: AreaKind) -> np.ndarray:
    """Whether each area is of one of ``kinds`` (all False without a ``kind`` column)."""
    if "kind" not in areas.columns:
        return np.zeros(len(areas), dtype=bool)
    return areas["kind"].isin([k.value for k in kinds]).to_numpy(dtype=bool)


def of_kind(areas: pd.DataFrame, *kinds: AreaKind) -> pd.DataFrame:
    """The areas of the given kinds (none when there is no ``kind`` column)."""
    return areas[is_kind(areas, *kinds)]


def districts(areas: pd.DataFrame) -> pd.DataFrame:
    """The districts among ``areas`` (kind ``AreaKind.DISTRICT``)."""
    return of_kind(areas, AreaKind.DISTRICT)


def district_names(areas: pd.DataFrame) -> list[str]:
    """Names of the districts in Polish order."""
    if areas.empty:
        return []
    return polish_sorted(districts(areas)["name"].dropna())


def find_area(
    areas: pd.DataFrame, name: str | None, kinds: Iterable[AreaKind] | None = None
) -> pd.Series | None:
    """The first area (of ``kinds``; any kind when None) named ``name`` by ``area_key``, or None."""
    wanted = area_key(name)
    if not wanted or areas.empty:
        return None
    candidates = areas if kinds is None else of_kind(areas, *kinds)
    found = candidates[(area_keys(candidates["name"]) == wanted).to_numpy()]
    return found.iloc[0] if len(found) else None
