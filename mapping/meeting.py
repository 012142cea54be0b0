"""Meeting mode: a partnership meeting's record, needs captured live, and the agenda.

A meeting goes through three steps, each one store write:

1. ``start_meeting`` creates the meetings record (title, date, place) the
   moment it starts, marked ``source = MEETING_MODE_SOURCE``: from then on it
   is *open* (``is_open_meeting``) and any browser finds it again
   (``open_meetings``) — after a reload, on another laptop, after a crash;
   a partnership has at most one open meeting;
2. ``capture_need`` saves each need residents raise — three fields typed on
   the spot ("what", "for whom", "where") — at once, linked to the meeting,
   so nothing is lost if the laptop dies mid-meeting; each need has its own
   place: a point, a district, or none ("bez miejsca"), see ``describe_place``;
3. ``close_meeting`` adds participants, decisions, tasks and plans, checking
   nobody changed the record meanwhile; a meeting with its participants
   recorded is closed.

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
from mapping.areas import PLACE_KINDS, find_area, of_kind
from mapping.errors import MapError
from mapping.frames import WGS84, decode_list, has_location
from mapping.language import say
from mapping.schema import MEETING_MODE_SOURCE, NEEDS, PARTNERSHIPS
from mapping.store import Store
from mapping.text import fold

__all__ = [
    "CATEGORY_KEYWORDS",
    "DEFAULT_CATEGORY",
    "SLIDES",
    "Slide",
    "capture_need",
    "close_meeting",
    "describe_place",
    "district_at",
    "guess_need_category",
    "is_open_meeting",
    "needs_of_meeting",
    "open_meetings",
    "slide_title",
    "start_meeting",
]

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
    title = say(slide.title)  # in the language being written (the slide's map)
    return f"{title} — {place}" if place else title


def guess_need_category(text: str) -> str:
    """The category whose keywords ``text`` hits most (``"inne"`` when none).

    Ties go to the category listed first in ``CATEGORY_KEYWORDS``.  Residents
    name what is missing ("plac zabaw", "ławki"), not institutions, so this is
    not the import's ``mapping.importing.vocabulary.guess_category``, which
    reads names of places and organisations ("Filia Biblioteki").
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


def is_open_meeting(record: Mapping[str, Any]) -> bool:
    """Whether a meetings record is a meeting still being run.

    Started on the projector page (``source`` is ``MEETING_MODE_SOURCE``) and
    not closed yet: closing records the number of participants.  Meetings
    entered or imported afterwards, as minutes, are never open.
    """
    participants = record.get("participants")
    not_closed = participants is None or bool(pd.isna(participants))
    return record.get("source") == MEETING_MODE_SOURCE and not_closed


def open_meetings(store: Store, city: str) -> pd.DataFrame:
    """The city's open meetings (see ``is_open_meeting``), the latest started first."""
    meetings = store.read_layer("meetings", city=city)
    if meetings.empty:
        return meetings
    is_open = [is_open_meeting(row) for row in meetings.to_dict("records")]
    return meetings[is_open].iloc[::-1]


def _partnership_key(record: Mapping[str, Any]) -> str:
    """The partnership a meeting belongs to ("" for none): one open meeting per key."""
    ids = decode_list(record.get("partnership"))
    return ids[0] if ids else ""


def _partnership_name(store: Store, partnership_id: str) -> str:
    frame = store.read_layer("partnerships", include_archived=True)
    found = frame.loc[frame["id"] == partnership_id, PARTNERSHIPS.title_field]
    return str(found.iloc[0]) if len(found) else partnership_id


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
    """Create the record of a meeting that starts now; return it (with ``id``, ``version``).

    Raises
    ------
    MapError
        When the partnership (or, without one, the city) already has an open
        meeting: it is to be resumed or closed, not started twice.
    """
    values = {
        "title": title,
        "date": date.isoformat() if isinstance(date, dt.date) else date,
        "city": city,
        "place": place,
        "partnership": [partnership_id] if partnership_id else [],
        "source": MEETING_MODE_SOURCE,
    }
    # The check runs while the batch holds the city's meetings key, so two
    # laptops starting the same partnership's meeting at once cannot both succeed.
    with store.batch(author) as batch:
        batch.serialise(f"open meeting: {city}")
        key = partnership_id or ""
        for running in open_meetings(store, city).to_dict("records"):
            if _partnership_key(running) != key:
                continue
            whose = (
                f"Partnerstwo „{_partnership_name(store, key)}” ma"
                if key
                else f"Miasto {city} ma (bez partnerstwa)"
            )
            raise MapError(
                f"{whose} już trwające spotkanie „{running['title']}” z dnia "
                f"{running['date']} — wróć do niego albo je zakończ",
                field="partnerstwo",
            )
        return batch.create("meetings", values)


def _district_by_name(store: Store, city: str, name: str) -> str:
    """The city's spelling of a district or working area named ``name``.

    A city without district records (not loaded yet) takes the name as typed.
    """
    if not name.strip():
        raise MapError("wskaż miejsce na mapie albo wpisz dzielnicę", field="gdzie")
    places = of_kind(store.read_layer("areas", city=city), *PLACE_KINDS)
    if places.empty:
        return name.strip()
    found = find_area(places, name)
    if found is not None:
        return str(found["name"])
    raise MapError(f"nie ma dzielnicy „{name}” w mieście {city}", field="gdzie")


def district_at(areas: gpd.GeoDataFrame, shape: BaseGeometry) -> str | None:
    """The district ``shape`` (a clicked point) lies in, or None (outside, or no boundaries)."""
    if areas.empty:
        return None
    found = assign_district(gpd.GeoDataFrame(geometry=[shape], crs=WGS84), areas).iloc[0]
    return str(found) if isinstance(found, str) and found else None


def _district_by_point(store: Store, city: str, shape: BaseGeometry) -> str | None:
    return district_at(store.read_layer("areas", city=city), shape)


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
    where: BaseGeometry | str | None,
    category: str | None = None,
    author: str,
) -> dict[str, Any]:
    """Save a need raised at ``meeting`` at once ("Dodaj potrzebę"); return the record.

    Parameters
    ----------
    meeting : the meetings record (from ``start_meeting`` or ``store.get``)
    what : the need in the residents' words (the title)
    for_whom : target group codes (``schema.TARGET_GROUPS``)
    where : where this need is, given for this need alone: a point clicked
        (or a shape, e.g. a district's outline) — its district is looked up
        in the city's areas —, the name of a district (no location: the
        city has no boundaries to draw it by), or None for no place at all
        ("bez miejsca")
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
    elif where is None:
        geometry, district = None, None
    else:
        geometry, district = None, _district_by_name(store, city, where)
    title, description = _title_and_description(what)
    values = {
        "title": title,
        "description": description,
        "category": category or guess_need_category(what),
        "target_groups": [for_whom] if isinstance(for_whom, str) else list(for_whom),
        "city": city,
        "district": district,
        "reported_by": "spotkanie",
        "reported_on": meeting["date"],
        "status": NEEDS.default_status,
        "meeting": [meeting["id"]],
        "geometry": geometry,
    }
    return store.create("needs", values, author=author)


def describe_place(need: Mapping[str, Any]) -> str:
    """Where a captured need is, in words that say whether it is on the map.

    ``"punkt na mapie (Stogi)"``, ``"dzielnica Stogi (na mapie cała dzielnica)"``,
    ``"dzielnica Raków — bez lokalizacji na mapie: …"`` or ``"bez miejsca — …"``.
    """
    geometry = need.get("geometry")
    district = need.get("district")
    district = str(district) if isinstance(district, str) and district.strip() else None
    if isinstance(geometry, BaseGeometry) and has_location([geometry])[0]:
        if geometry.geom_type == "Point":
            return f"punkt na mapie ({district})" if district else "punkt na mapie"
        return f"dzielnica {district} (na mapie cała dzielnica)" if district else "obszar na mapie"
    if district:
        return (
            f"dzielnica {district} — bez lokalizacji na mapie: granice dzielnic tego miasta "
            "nie są wczytane; potrzeba jest na liście spotkania"
        )
    return "bez miejsca — nie ma jej na mapie, jest na liście spotkania"


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
    """Record how the meeting ended, which closes it; ``ConflictError`` if someone
    changed it meanwhile, ``MapError`` without the number of participants."""
    if participants is None or participants < 1:
        raise MapError("podaj liczbę uczestników spotkania (co najmniej 1)", field="uczestnicy")
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
