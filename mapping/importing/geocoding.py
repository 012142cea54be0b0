"""Finding a place for an address — offline, from addresses the map already knows.

The map's resources with an address and a point are a small, trusted
gazetteer of the city: the MOPS branch, the library, the parish.  A new row
with the same address is put at the same point.  Addresses are compared
after normalising the ways people write them: "ul." or nothing, "al." or
"Aleja", case, diacritics, a postcode and the city's name at the end,
"20/22" vs "20", "ks. Stanisława Staszica" vs "Staszica".

Online geocoding (e.g. Nominatim) is deliberately not built in: it would
need a network service and its usage policy.  ``plan_import`` takes an
optional ``geocoder`` function (``Geocoder``) for that; it is off by default.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from mapping.store import Store
from mapping.text import fold

__all__ = ["AddressIndex", "Geocoder", "geocode_offline", "normalise_address"]

#: An online geocoder hook: (address, city) → a WGS84 point or None.
Geocoder = Callable[[str, str], BaseGeometry | None]

_DROP = {"ul", "ulica", "ulicy", "nr", "numer"}
_CANONICAL = {
    "al": "al", "aleja": "al", "aleje": "al", "alei": "al", "alej": "al",
    "pl": "pl", "plac": "pl", "placu": "pl",
    "os": "os", "osiedle": "os", "osiedla": "os",
    "sw": "sw", "sw.": "sw", "swietego": "sw", "swietej": "sw", "swiety": "sw", "swieta": "sw",
    "ks": "ks", "ksiedza": "ks", "gen": "gen", "generala": "gen",
}  # fmt: skip
_APARTMENT = {"m", "lok", "lokal", "mieszk", "mieszkanie", "kl", "klatka"}


_POSTCODE = re.compile(r"\b\d{2}-\d{3}\b")
_NOT_ADDRESS = re.compile(r"[^0-9a-z/]+")


@lru_cache(maxsize=64)
def _city_name(city: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(fold(city))}\b")


def normalise_address(address: str, city: str | None = None) -> str:
    """An address reduced to comparable words: ``"al niepodleglosci 20/22"``."""
    text = fold(str(address))
    text = _POSTCODE.sub(" ", text)  # postcode
    if city:
        text = _city_name(city).sub(" ", text)
    text = _NOT_ADDRESS.sub(" ", text)
    words: list[str] = []
    for word in text.split():
        if word in _APARTMENT and words and words[-1][0].isdigit():
            break  # "12 m. 5": the flat is not part of the building's address
        if word in _DROP:
            continue
        words.append(_CANONICAL.get(word, word))
    return " ".join(words)


def _split(key: str) -> tuple[str, str]:
    """(street, house number): the number is the last word starting with a digit
    ("3 maja 5" → "3 maja", "5")."""
    words = key.split()
    for i in range(len(words) - 1, 0, -1):
        if words[i][0].isdigit():
            return " ".join(words[:i]), words[i]
    return key, ""


def _leading_number(number: str) -> str:
    match = re.match(r"\d+", number)
    return match.group(0) if match else number


@dataclass
class _Known:
    point: BaseGeometry
    address: str


class AddressIndex:
    """Known addresses of one city, looked up leniently (see module docstring)."""

    def __init__(self, city: str):
        self.city = city
        self._exact: dict[str, _Known] = {}
        self._street: dict[tuple[str, str], _Known] = {}
        self._surname: dict[tuple[str, str], list[_Known]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._exact)

    def add(self, address: str, point: BaseGeometry) -> None:
        """Remember that ``address`` is at ``point`` (the first one given wins)."""
        key = normalise_address(address, self.city)
        if not key or point is None or point.is_empty:
            return
        known = _Known(
            point if point.geom_type == "Point" else point.representative_point(), address
        )
        self._exact.setdefault(key, known)
        street, number = _split(key)
        if number:
            self._street.setdefault((street, _leading_number(number)), known)
            self._surname[(street.split()[-1], _leading_number(number))].append(known)

    def lookup(self, address: str) -> tuple[BaseGeometry, str] | None:
        """The point of ``address`` and the known address it matched, or None."""
        key = normalise_address(address, self.city)
        if not key:
            return None
        found = self._exact.get(key)
        street, number = _split(key)
        if found is None and number:
            found = self._street.get((street, _leading_number(number)))
        if found is None and number and street:
            # "Staszica 10" for "ks. Stanisława Staszica 10" — only when one street fits.
            same = self._surname.get((street.split()[-1], _leading_number(number)), [])
            if len({normalise_address(k.address, self.city) for k in same}) == 1:
                found = same[0]
        return (found.point, found.address) if found else None

    @classmethod
    def from_store(cls, store: Store, city: str) -> AddressIndex:
        """Addresses of the city's resources that have a point."""
        index = cls(city)
        frame = store.read_layer("resources", city=city)
        located = frame[frame["address"].notna() & frame.geometry.notna()]
        for address, point in zip(located["address"], located.geometry, strict=True):
            index.add(str(address), point)
        return index


def geocode_offline(address: str, city: str, store: Store) -> Point | None:
    """The point of ``address`` in ``city`` if the map already knows that address.

    Builds the index each call; for many addresses use ``AddressIndex.from_store``.
    """
    found = AddressIndex.from_store(store, city).lookup(address)
    return Point(found[0].x, found[0].y) if found else None
