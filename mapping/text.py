"""Polish text as the app compares and orders it: folding, match keys, sort order.

Three meanings, three names:

* ``fold`` — lower case without diacritics ("Łąka" → "laka"), for lenient
  matching of choices and searching;
* ``match_key`` — a name reduced to its words ("Zespół Szkół  nr 5." →
  "zespol szkol nr 5"): two spellings of one name get one key;
* ``sort_key`` — Polish dictionary order (ą after a, ł after l, ś after s).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import pandas as pd

__all__ = [
    "POLISH_ALPHABET",
    "fold",
    "is_blank",
    "match_key",
    "polish_sorted",
    "sort_key",
]

POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_RANK: dict[str, float] = {ch: i for i, ch in enumerate(POLISH_ALPHABET)}
# 'q', 'v', 'x' appear in foreign names; they sit in their Latin places.
_RANK.update({"q": _RANK["p"] + 0.5, "v": _RANK["u"] + 0.5, "x": _RANK["w"] + 0.5})
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case text without diacritics, stripped, for lenient matching and search.

    ``ł`` has no Unicode decomposition, so it is mapped by hand.
    """
    text = text.strip().lower().replace("ł", "l")
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():  # no combining mark in it
        return decomposed
    return decomposed.translate(_WITHOUT_COMBINING)


class _CombiningDropped(dict[int, int | None]):
    """A ``str.translate`` table that drops combining marks, filled as characters come."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_WITHOUT_COMBINING = _CombiningDropped()


@lru_cache(maxsize=65536)
def _match_key(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


def match_key(name: Any) -> str:
    """A name reduced to its folded words: case, diacritics, spacing and punctuation aside.

    "Zawodzie - Dąbie", "zawodzie-dabie" and " ZAWODZIE  DĄBIE " share the key
    "zawodzie dabie".  None and NaN give "".
    """
    if name is None or (isinstance(name, float) and math.isnan(name)):
        return ""
    return _match_key(str(name))


def is_blank(values: pd.Series) -> pd.Series:
    """Whether each value is missing or only whitespace (indexed like ``values``)."""
    missing = values.isna()
    text = values.where(~missing, "").astype(str).str.strip()
    return (missing | (text == "")).astype(bool)


def _rank(ch: str) -> float:
    if ch in _RANK:
        return _RANK[ch]
    # Spaces, digits and punctuation before letters ("Przymorze Małe" before
    # "Przymorzec"); other letters (é, ü) after the Polish alphabet.
    return ord(ch) - 1000 if not ch.isalpha() else 100 + ord(ch)


def sort_key(text: str) -> tuple:
    """Sort key giving Polish dictionary order, case-insensitive, ties by case."""
    primary = tuple(_rank(ch) for ch in text.lower())
    return (primary, text)


def polish_sorted(items: Iterable[str]) -> list[str]:
    """Strings sorted in Polish order."""
    return sorted(items, key=sort_key)
