"""Polish plural forms of nouns after numbers ("1 spotkanie, 2 spotkania, 5 spotkań").

Polish picks one of three forms by the number:

* ``one``  — exactly 1 ("1 spotkanie");
* ``few``  — the last digit is 2, 3 or 4, except 12–14 ("2, 3, 4, 22, 104 spotkania");
* ``many`` — everything else, 0 included ("0, 5, 11, 12, 25 spotkań").

Masculine-personal nouns take the genitive for both ``few`` and ``many``
("2 partnerów", "5 partnerów"), so their ``few`` and ``many`` are the same
word; the caller gives the forms and this module only chooses.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["Forms", "plural_form", "with_count"]


class Forms(NamedTuple):
    """The three forms of a noun (or noun phrase) after a number."""

    one: str
    few: str
    many: str


def plural_form(number: int, forms: Forms) -> str:
    """The form of ``forms`` that goes after ``number``.

    Examples
    --------
    >>> plural_form(22, Forms("spotkanie", "spotkania", "spotkań"))
    'spotkania'
    """
    n = abs(int(number))
    if n == 1:
        return forms.one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms.few
    return forms.many


def with_count(number: int, forms: Forms) -> str:
    """The number followed by the right form: ``"5 spotkań"``."""
    return f"{int(number)} {plural_form(number, forms)}"
