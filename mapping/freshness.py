"""How current the map is: never verified apart from verified too long ago.

A record is *fresh* when ``last_verified`` is within ``max_age_days`` of
today, *old* when it was verified before that, and *never verified* when it
has no (readable) date.  The map, the "Do weryfikacji" list and the captions
all count with this one rule, so "stale" means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from mapping.language import Message, count, joined
from mapping.plural import Forms

__all__ = [
    "DEFAULT_STALE_DAYS",
    "FRESHNESS_FIELD",
    "NEVER",
    "OLD",
    "Freshness",
    "freshness",
    "freshness_states",
    "is_verified",
    "verified_on",
]

DEFAULT_STALE_DAYS = 365
FRESHNESS_FIELD = "last_verified"
#: The two states of a record that needs checking, as the "Do weryfikacji" list shows them.
NEVER = "nigdy niezweryfikowany"
OLD = "zweryfikowany ponad 12 miesięcy temu"

_RECORDS = Forms("wpis", "wpisy", "wpisów")


@dataclass(frozen=True)
class Freshness:
    """Counts of one layer's records by how long ago they were verified."""

    fresh: int
    old: int
    never: int
    max_age_days: int = DEFAULT_STALE_DAYS

    @property
    def to_check(self) -> int:
        """Records that need verifying: never verified or verified too long ago."""
        return self.old + self.never

    def describe(self, forms: Forms = _RECORDS) -> str:
        """Summary: "ponad 12 miesięcy od weryfikacji: 3 zasoby; bez weryfikacji: 2 zasoby".

        A label before each number keeps the grammar right for every noun and
        count.  A ``Message``: the pages say it in the reader's language.
        """
        age = (
            Message("12 miesięcy")
            if self.max_age_days == DEFAULT_STALE_DAYS
            else count(self.max_age_days, Forms("dzień", "dni", "dni"))
        )
        if not self.to_check:
            return Message(
                "zweryfikowane w ciągu {age}: {records}", age=age, records=count(self.fresh, forms)
            )
        parts = []
        if self.old:
            parts.append(
                Message(
                    "ponad {age} od weryfikacji: {records}", age=age, records=count(self.old, forms)
                )
            )
        if self.never:
            parts.append(Message("bez weryfikacji: {records}", records=count(self.never, forms)))
        return joined("; ", parts)


def verified_on(frame: pd.DataFrame) -> pd.Series:
    """``last_verified`` as timestamps (NaT when missing or unreadable)."""
    if FRESHNESS_FIELD not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    # Dates are ISO strings in frames, but tolerate date objects from a store.
    values = frame[FRESHNESS_FIELD]
    text = (
        values
        if isinstance(values.dtype, pd.StringDtype)
        else values.map(lambda v: None if pd.isna(v) else str(v))
    )
    return pd.to_datetime(text, errors="coerce", format="ISO8601")


def is_verified(
    frame: pd.DataFrame, *, today: date | None = None, max_age_days: int = DEFAULT_STALE_DAYS
) -> pd.Series:
    """Whether each record was verified within ``max_age_days`` before ``today``.

    A record never verified (or with an unreadable date) is not verified.
    """
    if max_age_days < 0:
        raise ValueError(f"stale_days: oczekiwano liczby dni >= 0, otrzymano {max_age_days}")
    cutoff = pd.Timestamp(today or date.today()) - pd.Timedelta(days=max_age_days)
    return (verified_on(frame) >= cutoff).fillna(False)


def freshness_states(
    frame: pd.DataFrame, *, today: date | None = None, max_age_days: int = DEFAULT_STALE_DAYS
) -> pd.Series:
    """Per record: ``NEVER``, ``OLD`` or None (fresh), indexed like ``frame``."""
    verified = verified_on(frame)
    fresh = is_verified(frame, today=today, max_age_days=max_age_days)
    states = pd.Series(None, index=frame.index, dtype=object)
    states[verified.isna()] = NEVER
    states[verified.notna() & ~fresh] = OLD
    return states.where(states.notna(), None)  # fresh stays None, not NaN


def freshness(
    frame: pd.DataFrame, *, today: date | None = None, max_age_days: int = DEFAULT_STALE_DAYS
) -> Freshness:
    """Count ``frame``'s records as fresh, old and never verified.

    A layer without ``last_verified`` (needs, areas) has only fresh records.
    """
    if FRESHNESS_FIELD not in frame.columns:
        return Freshness(fresh=len(frame), old=0, never=0, max_age_days=max_age_days)
    states = freshness_states(frame, today=today, max_age_days=max_age_days)
    old, never = int((states == OLD).sum()), int((states == NEVER).sum())
    return Freshness(len(frame) - old - never, old, never, max_age_days)
