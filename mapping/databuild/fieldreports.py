"""Facts from the field reports on OSL work in Gdańsk and Częstochowa.

The reports are narrative, not files: the facts are transcribed here once,
with the district names checked against the areas built from the sources.
Dates the reports do not give (when a partnership was signed, when OSL work
began on Stare Miasto) stay empty rather than guessed.
"""

from __future__ import annotations

from collections.abc import Collection

from mapping.databuild import gdansk
from mapping.databuild.czestochowa_places import CITY as CZESTOCHOWA
from mapping.databuild.records import DataBuildError, Record, new_record, slugify
from mapping.frames import LIST_SEPARATOR
from mapping.schema import PARTNERSHIPS

__all__ = [
    "CZESTOCHOWA_PARTNERSHIPS",
    "CZESTOCHOWA_SOURCE",
    "GDANSK_PARTNERSHIPS",
    "GDANSK_SOURCE",
    "OSL_SINCE",
    "build_partnerships",
]

GDANSK_SOURCE = "raport z terenu (sieć partnerstw lokalnych w Gdańsku)"
CZESTOCHOWA_SOURCE = "raport z terenu (organizowanie społeczności lokalnej w Częstochowie)"

#: Gdańsk's local partnerships: neighbourhood → official districts containing it.
GDANSK_PARTNERSHIPS: dict[str, tuple[str, ...]] = {
    "Stogi": ("Stogi",),
    "Dolne Miasto": ("Śródmieście",),
    "Śródmieście": ("Śródmieście",),
    "Orunia": ("Orunia-Św. Wojciech-Lipce",),
    "Ujeścisko": ("Ujeścisko-Łostowice",),
    "Morena": ("Piecki-Migowo",),
    "Wrzeszcz": ("Wrzeszcz Dolny", "Wrzeszcz Górny"),
    "Oliwa": ("Oliwa",),
    "Nowy Port": ("Nowy Port",),
    "Przymorze": ("Przymorze Małe", "Przymorze Wielkie"),
}

_GDANSK_ABOUT = "Jedno z partnerstw gdańskiej sieci partnerstw lokalnych."
_CZESTOCHOWA_ABOUT = (
    "Partnerstwo podpisane w dzielnicy objętej organizowaniem społeczności lokalnej (OSL)."
)

#: Częstochowa districts where a local partnership was signed.
CZESTOCHOWA_PARTNERSHIPS = ("Ostatni Grosz", "Trzech Wieszczów")

_EXTENDED_2016 = (
    "Praca metodą OSL od 2016 r. (rozszerzenie działań z Rakowa i Starego Miasta "
    "na Stradom, Trzech Wieszczów, Zawodzie-Dąbie i Ostatni Grosz)."
)

#: Częstochowa: the year OSL work began in a district, and the fact as reported.
OSL_SINCE: dict[str, tuple[int | None, str]] = {
    "Raków": (2012, "Praca metodą OSL od 2012 r. — od Rakowa zaczęło się OSL w Częstochowie."),
    "Stare Miasto": (
        None,
        "Praca metodą OSL rozpoczęta po Rakowie (od 2012 r.), a przed rozszerzeniem "
        "w 2016 r.; raport nie podaje roku, dlatego pole „od roku” jest puste.",
    ),
    "Stradom": (2016, _EXTENDED_2016),
    "Trzech Wieszczów": (2016, _EXTENDED_2016),
    "Zawodzie-Dąbie": (2016, _EXTENDED_2016),
    "Ostatni Grosz": (2016, _EXTENDED_2016),
}


def _check_names(names: Collection[str], known: Collection[str], city: str) -> None:
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise DataBuildError(
            f"Raport z terenu wymienia nieznane dzielnice miasta {city}: {unknown}"
        )


def _partnership(
    prefix: str, place: str, city: str, districts: tuple[str, ...], source: str, about: str
) -> Record:
    word = "dzielnica" if len(districts) == 1 else "dzielnice"
    in_district = "" if districts == (place,) else f" ({word}: {', '.join(districts)})"
    return new_record(
        PARTNERSHIPS,
        f"{prefix}-pship-{slugify(place)}",
        name=f"Partnerstwo lokalne {place}",
        city=city,
        districts=LIST_SEPARATOR.join(districts),
        description=f"Obszar działania: {place}{in_district}. {about}",
        source=source,
        notes="Data podpisania nie jest podana w raporcie z terenu.",
    )


def build_partnerships(
    gdansk_districts: Collection[str], czestochowa_districts: Collection[str]
) -> list[Record]:
    """Partnership records of both cities; raise DataBuildError on an unknown district."""
    _check_names(
        [d for ds in GDANSK_PARTNERSHIPS.values() for d in ds], gdansk_districts, gdansk.CITY
    )
    _check_names([*CZESTOCHOWA_PARTNERSHIPS, *OSL_SINCE], czestochowa_districts, CZESTOCHOWA)
    records = [
        _partnership("gdansk", place, gdansk.CITY, districts, GDANSK_SOURCE, _GDANSK_ABOUT)
        for place, districts in GDANSK_PARTNERSHIPS.items()
    ]
    records += [
        _partnership("czest", place, CZESTOCHOWA, (place,), CZESTOCHOWA_SOURCE, _CZESTOCHOWA_ABOUT)
        for place in CZESTOCHOWA_PARTNERSHIPS
    ]
    return records
