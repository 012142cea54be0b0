"""Classes of a district indicator for the choropleth, and Polish number labels.

Few districts and few distinct values are the normal case (a city has 6–35
districts), so classification degrades gracefully: no values → no classes;
at most ``k`` distinct values → one class per value; otherwise Fisher–Jenks
natural breaks (deterministic, unlike mapclassify's k-means NaturalBreaks) or
quantiles (``mapping.webmap.breaks``).  Empty classes are dropped, so the
legend never lists a range no district falls in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from mapping.webmap.breaks import fisher_jenks, quantiles
from mapping.webmap.styles import choropleth_colors

__all__ = ["Classification", "Scheme", "classify", "format_number"]

Scheme = Literal["fisher_jenks", "quantiles"]
_MAX_CLASSES = 5
_NBSP = "\u00a0"


@dataclass(frozen=True)
class Classification:
    """The classes of one indicator.

    Attributes
    ----------
    classes : class index per input row (``-1``: no value), indexed like the input
    colors : one colour per class, light to dark
    labels : one Polish range label per class ("1 200–3 400")
    counts : number of rows in each class
    missing : number of rows without a value
    """

    classes: pd.Series
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    missing: int


def classify(
    values: pd.Series, k: int = 5, scheme: Scheme = "fisher_jenks", *, percent: bool = False
) -> Classification:
    """Classify numeric ``values`` into at most ``k`` classes (``k`` from 1 to 5).

    ``percent`` formats labels of shares (0–1) as percentages.

    Raises
    ------
    ValueError
        for ``k`` outside 1–5 or an unknown ``scheme``.
    """
    if not 1 <= k <= _MAX_CLASSES:
        raise ValueError(f"k: oczekiwano od 1 do {_MAX_CLASSES} klas, otrzymano {k}")
    if scheme not in ("fisher_jenks", "quantiles"):
        raise ValueError(f"Nieznany schemat {scheme!r}; dostępne: fisher_jenks, quantiles")
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    numbers = numbers.where(np.isfinite(numbers))
    valid = numbers.dropna()
    classes = pd.Series(-1, index=values.index, dtype=int)
    if valid.empty:
        return Classification(classes, (), (), (), len(values))
    distinct = np.unique(valid.to_numpy())
    if len(distinct) <= k:
        raw = np.searchsorted(distinct, valid.to_numpy())
    elif scheme == "fisher_jenks":
        raw = fisher_jenks(valid.to_numpy(), k)
    else:
        raw = quantiles(valid.to_numpy(), k)
    # Renumber so that only non-empty classes remain, in ascending order.
    used = np.unique(raw)
    dense = np.searchsorted(used, raw)
    classes.loc[valid.index] = dense
    decimals = _decimals(valid.to_numpy(), percent)
    labels, counts = [], []
    for index in range(len(used)):
        members = valid.to_numpy()[dense == index]
        low, high = members.min(), members.max()
        low_text = format_number(low, decimals, percent=percent)
        high_text = format_number(high, decimals, percent=percent)
        labels.append(low_text if low_text == high_text else f"{low_text}–{high_text}")
        counts.append(len(members))
    return Classification(
        classes=classes,
        colors=choropleth_colors(len(used)),
        labels=tuple(labels),
        counts=tuple(counts),
        missing=int(numbers.isna().sum()),
    )


def format_number(value: float, decimals: int = 0, *, percent: bool = False) -> str:
    """A number in Polish notation: "12 345", "3,5", with ``percent`` "35%"."""
    if percent:
        value = value * 100
    text = f"{value:,.{decimals}f}".replace(",", _NBSP).replace(".", ",")
    return f"{text}%" if percent else text


def _decimals(values: np.ndarray, percent: bool) -> int:
    scaled = values * 100 if percent else values
    if np.all(np.equal(np.mod(scaled, 1), 0)):
        return 0
    span = float(np.max(np.abs(scaled)))
    if span >= 100:
        return 0
    return 1 if span >= 10 else 2
