"""Illustrative records: a few needs, one meeting and one action.

They show new users what a filled-in map looks like.  Every one has
``source = SAMPLE_SOURCE`` ("przykład") and says so in its title, so the app
can mark them and a team can delete them at once; none names a real person.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Point

from mapping.databuild import gdansk
from mapping.databuild.czestochowa_places import CITY as CZESTOCHOWA
from mapping.databuild.geojson import GRID
from mapping.databuild.raw import read_csv
from mapping.databuild.records import DataBuildError, Record, new_record
from mapping.schema import ACTIONS, EVERYONE, MEETINGS, NEEDS, SAMPLE_SOURCE, Layer

__all__ = ["SAMPLE_NOTE", "build_samples"]

SAMPLE_NOTE = (
    "Dane przykładowe: pokazują, jak wypełniać mapę, i nie opisują rzeczywistej "
    "sytuacji. Można je usunąć."
)
POINTS_FILE = "czestochowa/district_points.csv"

_GDANSK_NEEDS: tuple[dict[str, Any], ...] = (
    {
        "id": "gdansk-need-przyklad-stogi-seniorzy",
        "title": "Brak miejsca spotkań dla seniorów (przykład)",
        "description": (
            "Przykład: seniorzy mówią, że w ciągu dnia nie mają gdzie się spotykać. "
            "Do sprawdzenia sale w Domu Sztuki GAK i w filii biblioteki."
        ),
        "category": "miejsce_spotkan",
        "target_groups": ["seniorzy"],
        "district": "Stogi",
        "reported_by": "spotkanie",
        "reported_on": "2025-10-14",
        "priority": "wysoki",
        "status": "zgloszona",
        "linked_resources": ["gdansk-res-culture-14", "gdansk-res-culture-56"],
        "meeting": ["gdansk-meet-przyklad-stogi"],
    },
    {
        "id": "gdansk-need-przyklad-orunia-przejscie",
        "title": "Bezpieczne przejście do szkoły (przykład)",
        "description": "Przykład: rodzice zgłaszają niebezpieczne przejście w drodze do szkoły.",
        "category": "bezpieczenstwo",
        "target_groups": ["dzieci", "rodziny"],
        "district": "Orunia-Św. Wojciech-Lipce",
        "reported_by": "mieszkancy",
        "reported_on": "2025-09-22",
        "priority": "sredni",
        "status": "zgloszona",
    },
    {
        "id": "gdansk-need-przyklad-nowy-port-sprawy",
        "title": "Pomoc w sprawach urzędowych dla starszych mieszkańców (przykład)",
        "description": "Przykład: partnerzy widzą potrzebę dyżurów pomocy w wypełnianiu wniosków.",
        "category": "pomoc_spoleczna",
        "target_groups": ["seniorzy"],
        "district": "Nowy Port",
        "reported_by": "partner",
        "reported_on": "2025-11-05",
        "priority": "sredni",
        "status": "w_realizacji",
        "linked_resources": ["gdansk-res-culture-47"],
    },
    {
        "id": "gdansk-need-przyklad-przymorze-podworko",
        "title": "Zagospodarowanie podwórka między blokami (przykład)",
        "description": (
            "Przykład: z diagnozy wynika, że dzieci nie mają bezpiecznego miejsca do zabawy."
        ),
        "category": "zielen",
        "target_groups": ["dzieci", "rodziny"],
        "district": "Przymorze Wielkie",
        "reported_by": "diagnoza",
        "reported_on": "2025-06-30",
        "priority": "niski",
        "status": "zgloszona",
    },
)

_CZESTOCHOWA_NEEDS: tuple[dict[str, Any], ...] = (
    {
        "id": "czest-need-przyklad-rakow-mlodziez",
        "title": "Zajęcia popołudniowe dla młodzieży (przykład)",
        "description": "Przykład: młodzież z Rakowa prosi o zajęcia po szkole, blisko domu.",
        "category": "edukacja",
        "target_groups": ["mlodziez"],
        "district": "Raków",
        "reported_by": "mieszkancy",
        "reported_on": "2025-10-02",
        "priority": "wysoki",
        "status": "zgloszona",
        "linked_resources": ["czest-res-social-11"],
    },
    {
        "id": "czest-need-przyklad-ostatni-grosz-swietlica",
        "title": "Świetlica dla dzieci po lekcjach (przykład)",
        "description": "Przykład: partnerstwo szuka miejsca na świetlicę dla dzieci.",
        "category": "edukacja",
        "target_groups": ["dzieci"],
        "district": "Ostatni Grosz",
        "reported_by": "partner",
        "reported_on": "2025-09-15",
        "priority": "sredni",
        "status": "zgloszona",
    },
    {
        "id": "czest-need-przyklad-trzech-wieszczow-sala",
        "title": "Sala na spotkania partnerstwa (przykład)",
        "description": (
            "Przykład: partnerstwo lokalne potrzebuje stałej sali na comiesięczne spotkania."
        ),
        "category": "miejsce_spotkan",
        "target_groups": [EVERYONE],
        "district": "Trzech Wieszczów",
        "reported_by": "spotkanie",
        "reported_on": "2025-11-18",
        "priority": "sredni",
        "status": "w_realizacji",
    },
    {
        "id": "czest-need-przyklad-stare-miasto-seniorzy",
        "title": "Wsparcie sąsiedzkie dla samotnych seniorów (przykład)",
        "description": "Przykład: z diagnozy wynika, że wielu seniorów mieszka samotnie.",
        "category": "pomoc_spoleczna",
        "target_groups": ["seniorzy"],
        "district": "Stare Miasto",
        "reported_by": "diagnoza",
        "reported_on": "2025-05-20",
        "priority": "wysoki",
        "status": "zgloszona",
        "linked_resources": ["czest-res-social-12"],
    },
)


def _sample(layer: Layer, spec: Mapping[str, Any], city: str, geometry: Any) -> Record:
    values = {k: v for k, v in spec.items() if k != "id"}
    return new_record(
        layer,
        spec["id"],
        geometry,
        city=city,
        source=SAMPLE_SOURCE,
        notes=SAMPLE_NOTE,
        **values,
    )


def _inside(polygon: MultiPolygon) -> Point:
    return shapely.set_precision(polygon.point_on_surface(), GRID)


def _district_points(raw: Path) -> dict[str, Point]:
    """Częstochowa districts with a reference point that is not a stand-in (PROXY)."""
    return {
        r["name"]: Point(float(r["lon"]), float(r["lat"]))
        for r in read_csv(raw / POINTS_FILE)
        if r["lat"] and not r["note"].startswith("PROXY")
    }


def _needs(raw: Path, gdansk_districts: Mapping[str, MultiPolygon]) -> list[Record]:
    points = _district_points(raw)
    records = [
        _sample(NEEDS, s, gdansk.CITY, _inside(gdansk_districts[s["district"]]))
        for s in _GDANSK_NEEDS
    ]
    records += [
        _sample(NEEDS, s, CZESTOCHOWA, points.get(s["district"])) for s in _CZESTOCHOWA_NEEDS
    ]
    return records


def _meeting() -> Record:
    spec = {
        "id": "gdansk-meet-przyklad-stogi",
        "title": "Spotkanie partnerstwa lokalnego Stogi (przykład)",
        "date": "2025-10-14",
        "place": "Dom Sztuki GAK, Wilhelma Stryjewskiego 25",
        "partnership": ["gdansk-pship-stogi"],
        "participants": 14,
        "decisions": "Przykład: zebrać informacje o salach dostępnych dla seniorów na Stogach.",
        "tasks": (
            "Przykład: zespół partnerstwa sprawdza sale w Domu Sztuki GAK i w filii biblioteki."
        ),
        "plans": "Przykład: sąsiedzkie spotkanie mikołajkowe w grudniu.",
    }
    return _sample(MEETINGS, spec, gdansk.CITY, None)


def _action(venue: Point) -> Record:
    spec = {
        "id": "gdansk-act-przyklad-stogi-mikolajki",
        "name": "Sąsiedzkie spotkanie mikołajkowe na Stogach (przykład)",
        "date": "2025-12-06",
        "district": "Stogi",
        "place": "Dom Sztuki GAK, Wilhelma Stryjewskiego 25",
        "partnership": ["gdansk-pship-stogi"],
        "partners": ["gdansk-res-culture-14", "gdansk-res-culture-56"],
        "participants": 60,
        "target_groups": [EVERYONE],
        "needs": ["gdansk-need-przyklad-stogi-seniorzy"],
        "description": "Przykład: spotkanie sąsiedzkie przygotowane przez partnerstwo lokalne.",
    }
    return _sample(ACTIONS, spec, gdansk.CITY, venue)


def build_samples(
    raw: Path, gdansk_districts: Mapping[str, MultiPolygon], resources: list[Record]
) -> dict[str, list[Record]]:
    """Sample needs, meetings and actions, keyed by layer name."""
    by_id = {r["id"]: r for r in resources}
    venue = by_id.get("gdansk-res-culture-14")
    if venue is None:
        raise DataBuildError("Brak zasobu gdansk-res-culture-14 (Dom Sztuki GAK) dla przykładów")
    return {
        "needs": _needs(raw, gdansk_districts),
        "meetings": [_meeting()],
        "actions": [_action(venue["geometry"])],
    }
