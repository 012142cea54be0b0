"""Meeting mode: a partnership meeting's record, needs captured live, and the agenda.

A meeting goes through three steps, each one store write:

1. ``start_meeting`` creates the meetings record (title, date, place);
2. ``capture_need`` saves each need residents raise — three fields typed on
   the spot ("what", "for whom", "where") — at once, linked to the meeting,
   so nothing is lost if the laptop dies mid-meeting;
3. ``close_meeting`` adds participants, decisions, tasks and plans, checking
   nobody changed the record meanwhile.

``SLIDES`` is the agenda the map walks through on the projector.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from mapping.analysis.indicators import assign_district
from mapping.errors import MapError
from mapping.frames import WGS84, decode_list
from mapping.plural import Forms
from mapping.schema import NEEDS
from mapping.store import Store
from mapping.validation import fold

__all__ = [
    "CATEGORY_KEYWORDS",
    "DEFAULT_CATEGORY",
    "MEETING_FORMS",
    "SLIDES",
    "Slide",
    "capture_need",
    "close_meeting",
    "guess_category",
    "needs_of_meeting",
    "slide_title",
    "start_meeting",
]

MEETING_FORMS = Forms("spotkanie", "spotkania", "spotkań")
DEFAULT_CATEGORY = "inne"

#: Word beginnings (lower case, without diacritics) that suggest a need's
#: category.  A guess only: the need is saved at once and the team corrects
#: the category later, so a short table beats a clever classifier.
CATEGORY_KEYWORDS: dict[str, tuple[str, ...]] = {
    "miejsce_spotkan": ("senior", "swietlic", "sala", "sali", "sale", "klub", "spotkan"),
    "sport": ("boisk", "sport", "silown", "basen", "rower", "pilk", "trening", "plac zabaw"),
    "edukacja": ("zajec", "zajecia", "korepetycj", "lekcj", "szkol", "przedszkol", "nauk", "kurs"),
    "kultura": ("bibliotek", "kultur", "koncert", "teatr", "kino", "ksiazk"),
    "zdrowie": ("lekarz", "zdrow", "przychodn", "rehabilit", "psycholog"),
    "zielen": ("park", "zielen", "skwer", "drzew", "ogrod", "lawk", "trawnik"),
    "pomoc_spoleczna": ("pomoc", "samotn", "ubog", "bezdomn", "zywnosc"),
    "aktywnosc": ("sasiedz", "integrac", "wolontar", "festyn", "piknik"),
    "bezpieczenstwo": ("bezpiecz", "oswietl", "monitoring", "przejsci"),
    "praca": ("praca", "pracy", "zatrudn", "bezrobo", "staz"),
    "mieszkalnictwo": ("mieszkan", "podwor", "klatk", "chodnik", "remont"),
    "administracja": ("urzad", "urzed"),
    "dziedzictwo": ("histori", "zabyt", "pamiec", "pamiat"),
    "religia": ("parafi", "kosciol"),
}
_PLACE_KINDS = ("dzielnica", "obszar_roboczy")
_TITLE_MAX = NEEDS.field("title").max_length


@dataclass(frozen=True)
class Slide:
    """One step of the meeting agenda.

    Parameters
    ----------
    key : stable ASCII name (for pages and URLs)
    title : Polish title shown on the projector
    layers : layers the map shows on this slide
    prompt : one line for the facilitator: what to ask the room
    """

    key: str
    title: str
    layers: tuple[str, ...]
    prompt: str


#: The agenda of a partnership meeting: from the whole picture to who does what.
SLIDES: tuple[Slide, ...] = (
    Slide(
        "overview",
        "Przegląd",
        ("areas", "resources", "needs", "actions"),
        "Co wiemy o naszej okolicy?",
    ),
    Slide("resources", "Zasoby", ("areas", "resources"), "Co już mamy i kto to prowadzi?"),
    Slide("needs", "Potrzeby", ("areas", "needs"), "Czego brakuje mieszkańcom i komu?"),
    Slide(
        "gaps",
        "Luki",
        ("areas", "needs", "resources"),
        "Które potrzeby nie mają jeszcze odpowiedzi w okolicy?",
    ),
    Slide(
        "partners",
        "Partnerzy",
        ("areas", "partnerships", "resources"),
        "Kto z partnerów może się tym zająć?",
    ),
)


def slide_title(slide: Slide, district: str | None = None) -> str:
    """The slide's title with the area discussed: ``"Zasoby — Stogi"``."""
    place = (district or "").strip()
    return f"{slide.title} — {place}" if place else slide.title


def guess_category(text: str) -> str:
    """The category whose keywords ``text`` hits most (``"inne"`` when none).

    Ties go to the category listed first in ``CATEGORY_KEYWORDS``.
    """
    folded = fold(text)
    words = re.findall(r"\w+", folded)
    best, best_hits = DEFAULT_CATEGORY, 0
    for category, keywords in CATEGORY_KEYWORDS.items():
        hits = sum(
            (key in folded) if " " in key else any(w.startswith(key) for w in words)
            for key in keywords
        )
        if hits > best_hits:
            best, best_hits = category, hits
    return best


def start_meeting(
    store: Store,
    *,
    city: str,
    partnership_id: str | None,
    title: str,
    date: dt.date | str,
    place: str = "",
    author: str,
) -> dict[str, Any]:
    """Create the record of a meeting that starts now; return it (with ``id``, ``version``)."""
    values = {
        "title": title,
        "date": date.isoformat() if isinstance(date, dt.date) else date,
        "city": city,
        "place": place,
        "partnership": [partnership_id] if partnership_id else [],
    }
    return store.create("meetings", values, author=author)


def _district_by_name(store: Store, city: str, name: str) -> str:
    """The city's spelling of a district or working area named ``name``.

    A city without district records (not loaded yet) takes the name as typed.
    """
    if not name.strip():
        raise MapError("wskaż miejsce na mapie albo wpisz dzielnicę", field="gdzie")
    areas = store.read_layer("areas", city=city)
    places = areas[areas["kind"].isin(_PLACE_KINDS)]
    if places.empty:
        return name.strip()
    for known in places["name"]:
        if fold(str(known)) == fold(name):
            return str(known)
    raise MapError(f"nie ma dzielnicy „{name}” w mieście {city}", field="gdzie")


def _district_by_point(store: Store, city: str, shape: BaseGeometry) -> str | None:
    areas = store.read_layer("areas", city=city)
    if areas.empty:
        return None
    found = assign_district(gpd.GeoDataFrame(geometry=[shape], crs=WGS84), areas).iloc[0]
    return found or None


def _title_and_description(what: str) -> tuple[str, str | None]:
    """A short title for lists; the full words go to the description when cut."""
    text = " ".join(what.split())
    if len(text) <= _TITLE_MAX:
        return text, None
    return text[: _TITLE_MAX - 1].rsplit(" ", 1)[0] + "…", text


def capture_need(
    store: Store,
    meeting: Mapping[str, Any],
    *,
    what: str,
    for_whom: Iterable[str],
    where: BaseGeometry | str,
    category: str | None = None,
    author: str,
) -> dict[str, Any]:
    """Save a need raised at ``meeting`` at once ("Dodaj potrzebę"); return the record.

    Parameters
    ----------
    meeting : the meetings record (from ``start_meeting`` or ``store.get``)
    what : the need in the residents' words (the title)
    for_whom : target group codes (``schema.TARGET_GROUPS``)
    where : a point clicked (or a shape drawn) on the map — its district is
        looked up in the city's areas — or the name of a district
    category : a ``schema.CATEGORIES`` code; guessed from ``what`` when None
    author : who is typing

    Raises
    ------
    MapError
        When ``what`` is empty or ``where`` names no district of the city.
    """
    if not what.strip():
        raise MapError("wpisz, czego brakuje", field="co")
    city = meeting["city"]
    if isinstance(where, BaseGeometry):
        geometry, district = where, _district_by_point(store, city, where)
    else:
        geometry, district = None, _district_by_name(store, city, where)
    title, description = _title_and_description(what)
    values = {
        "title": title,
        "description": description,
        "category": category or guess_category(what),
        "target_groups": [for_whom] if isinstance(for_whom, str) else list(for_whom),
        "city": city,
        "district": district,
        "reported_by": "spotkanie",
        "reported_on": meeting["date"],
        "status": "zgloszona",
        "meeting": [meeting["id"]],
        "geometry": geometry,
    }
    return store.create("needs", values, author=author)


def close_meeting(
    store: Store,
    meeting: Mapping[str, Any],
    *,
    participants: int | None,
    decisions: str,
    tasks: str,
    plans: str,
    author: str,
) -> dict[str, Any]:
    """Record how the meeting ended; ``ConflictError`` if someone changed it meanwhile."""
    values = {
        "participants": participants,
        "decisions": decisions,
        "tasks": tasks,
        "plans": plans,
    }
    return store.update(
        "meetings", meeting["id"], values, expected_version=meeting["version"], author=author
    )


def needs_of_meeting(store: Store, meeting_id: str) -> pd.DataFrame:
    """The needs raised at a meeting, in the order they were captured."""
    needs = store.read_layer("needs")
    linked = needs["meeting"].map(lambda ids: meeting_id in decode_list(ids))
    return needs[linked.to_numpy(dtype=bool)]
