"""Polish alphabetical order (ą after a, ł after l, ś after s, ź and ż after z…)."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["POLISH_ALPHABET", "polish_sort_key", "polish_sorted"]

POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_RANK = {ch: i for i, ch in enumerate(POLISH_ALPHABET)}
# 'q', 'v', 'x' appear in foreign names; they sit in their Latin places.
_RANK.update({"q": _RANK["p"] + 0.5, "v": _RANK["u"] + 0.5, "x": _RANK["w"] + 0.5})


def _rank(ch: str) -> float:
    if ch in _RANK:
        return _RANK[ch]
    # Spaces, digits and punctuation before letters ("Przymorze Małe" before
    # "Przymorzec"); other letters (é, ü) after the Polish alphabet.
    return ord(ch) - 1000 if not ch.isalpha() else 100 + ord(ch)


def polish_sort_key(text: str) -> tuple:
    """Sort key giving Polish dictionary order, case-insensitive, ties by case."""
    lowered = text.lower()
    primary = tuple(_rank(ch) for ch in lowered)
    return (primary, text)


def polish_sorted(items: Iterable[str]) -> list[str]:
    """Strings sorted in Polish order."""
    return sorted(items, key=polish_sort_key)
