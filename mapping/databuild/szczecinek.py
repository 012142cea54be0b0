"""Szczecinek: the partnership of the field report this project grows from.

Partnerstwo Lokalne „Wspólnie” in Szczecinek, coordinated by the animator of
the city's social-welfare centre (MOPS), as the field report describes its
year 2015: 6 institutions and 6 NGOs, 4 working meetings, a neighbourhood
picnic in September (about 60 people) and a workshop for 12 residents on
15 October at the Biblioteka Miejska on ul. Jeziorna.

Only what the report says is written.  Its facts reach this project as a
transcription that gives the composition as counts and names only the MOPS
and the library, so the other members are not invented: the partnership's
description gives the composition and the member list holds the MOPS.  No
address in the report has a house number or coordinates, so both resources
stay without a location.  Where the report gives only the month or the year,
the record carries the first day of that period and says so in its source
(``DATE_MONTH_ONLY``, ``DATE_YEAR_ONLY``), so reports print "wrzesień 2015"
or "2015", not a day nobody knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mapping.databuild.gminas import city_outline
from mapping.databuild.records import Record, new_record
from mapping.schema import (
    ACTIONS,
    DATE_MONTH_ONLY,
    DATE_YEAR_ONLY,
    EVERYONE,
    MEETINGS,
    PARTNERSHIPS,
    RESOURCES,
)

__all__ = ["CITY", "SOURCE", "TERYT", "SzczecinekData", "build_szczecinek"]

CITY = "Szczecinek"
TERYT = "3215011"
YEAR = 2015
SOURCE = f"raport z terenu (Partnerstwo Lokalne „Wspólnie” w Szczecinku, {YEAR})"
#: How the source field marks a date the report gives only to the month or year.
_MONTH_ONLY = f"{SOURCE}; {DATE_MONTH_ONLY} (zapisano 1. dzień miesiąca)"
_YEAR_ONLY = f"{SOURCE}; {DATE_YEAR_ONLY} (zapisano 1 stycznia)"

PARTNERSHIP_ID = "szczecinek-pship-wspolnie"
MOPS_ID = "szczecinek-res-mops"
LIBRARY_ID = "szczecinek-res-biblioteka"
LIBRARY_PLACE = "Biblioteka Miejska, ul. Jeziorna"
#: The composition as the report gives it (counts by kind of partner).
COMPOSITION = {"instytucja": 6, "organizacja": 6}
MEETINGS_HELD = 4

_NO_LOCATION = (
    "Bez lokalizacji: raport nie podaje numeru budynku ani współrzędnych — "
    "miejsce można wskazać na mapie w „Aktualizacji”."
)


@dataclass(frozen=True)
class SzczecinekData:
    """What the Szczecinek part of the build produces, keyed like ``LAYERS``."""

    areas: list[Record]
    resources: list[Record]
    partnerships: list[Record]
    meetings: list[Record]
    actions: list[Record]


def _outline(raw: Path) -> Record:
    return city_outline(
        raw,
        TERYT,
        CITY,
        "szczecinek-area-miasto",
        "Liczby mieszkańców i podziału na osiedla źródła nie podają.",
    )


def _resources() -> list[Record]:
    mops = new_record(
        RESOURCES,
        MOPS_ID,
        name="Miejski Ośrodek Pomocy Społecznej w Szczecinku (MOPS)",
        kind="instytucja",
        subtype="ośrodek pomocy społecznej",
        category="pomoc_spoleczna",
        target_groups=[EVERYONE],
        offer="Animator MOPS koordynuje Partnerstwo Lokalne „Wspólnie”.",
        city=CITY,
        status="aktywny",
        source=SOURCE,
        notes=_NO_LOCATION,
    )
    library = new_record(
        RESOURCES,
        LIBRARY_ID,
        name="Biblioteka Miejska w Szczecinku",
        kind="instytucja",
        subtype="biblioteka",
        category="kultura",
        target_groups=[EVERYONE],
        offer=f"Miejsce warsztatów partnerstwa dla mieszkańców (15.10.{YEAR}).",
        city=CITY,
        address="ul. Jeziorna, Szczecinek",
        status="aktywny",
        source=SOURCE,
        notes=_NO_LOCATION,
    )
    return [mops, library]


def _partnership() -> Record:
    return new_record(
        PARTNERSHIPS,
        PARTNERSHIP_ID,
        name="Partnerstwo Lokalne „Wspólnie”",
        city=CITY,
        coordinator="animator MOPS w Szczecinku",
        members=[MOPS_ID],
        description=(
            "Partnerstwo lokalne w Szczecinku koordynowane przez animatora Miejskiego "
            "Ośrodka Pomocy Społecznej (MOPS). Tworzy je 6 instytucji i 6 organizacji "
            "pozarządowych."
        ),
        source=SOURCE,
        notes=(
            "Raport z terenu podaje skład liczbowo (6 instytucji, 6 organizacji "
            "pozarządowych); na liście członków jest MOPS, pozostałych członków można "
            "dopisać w „Aktualizacji” (pole „Członkowie”). Data podpisania nie jest "
            "podana w raporcie."
        ),
    )


def _meetings() -> list[Record]:
    return [
        new_record(
            MEETINGS,
            f"szczecinek-meet-{YEAR}-{n}",
            title=f"Spotkanie robocze partnerstwa ({n} z {MEETINGS_HELD} w {YEAR} r.)",
            date=f"{YEAR}-01-01",
            city=CITY,
            partnership=[PARTNERSHIP_ID],
            source=_YEAR_ONLY,
            notes="Raport podaje liczbę spotkań w roku, bez ich dat, tematów i uczestników.",
        )
        for n in range(1, MEETINGS_HELD + 1)
    ]


def _actions() -> list[Record]:
    picnic = new_record(
        ACTIONS,
        f"szczecinek-act-{YEAR}-piknik",
        name="Piknik sąsiedzki",
        date=f"{YEAR}-09-01",
        city=CITY,
        partnership=[PARTNERSHIP_ID],
        participants=60,
        target_groups=[EVERYONE],
        description=(
            f"Wrześniowy piknik sąsiedzki przygotowany przez partnerstwo; przyszło "
            f"około 60 osób (wrzesień {YEAR}, dzień nie jest podany w raporcie)."
        ),
        source=_MONTH_ONLY,
    )
    workshop = new_record(
        ACTIONS,
        f"szczecinek-act-{YEAR}-warsztaty",
        name="Warsztaty dla mieszkańców",
        date=f"{YEAR}-10-15",
        city=CITY,
        place=LIBRARY_PLACE,
        partnership=[PARTNERSHIP_ID],
        participants=12,
        target_groups=[EVERYONE],
        description=(
            "Warsztaty partnerstwa dla 12 mieszkańców w Bibliotece Miejskiej "
            f"przy ul. Jeziornej (15 października {YEAR})."
        ),
        source=SOURCE,
    )
    return [picnic, workshop]


def build_szczecinek(raw: Path) -> SzczecinekData:
    """Szczecinek's outline, the partnership, its members, meetings and actions."""
    return SzczecinekData(
        areas=[_outline(raw)],
        resources=_resources(),
        partnerships=[_partnership()],
        meetings=_meetings(),
        actions=_actions(),
    )
