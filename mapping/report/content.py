"""What an annual report says: every number gathered from the store for one year.

Nothing here is typed by hand: counts, totals and tables come from the
records, so the report and the map never disagree.  Which records belong to
the report:

* without a partnership — every partnership, meeting, action, need and
  resource of the city;
* with a partnership — its meetings and actions (those referring to it);
  needs raised at its meetings or lying in its districts; resources in its
  districts or among its members.

A year is the calendar year of a record's date: ``date`` of meetings and
actions, ``reported_on`` of needs (the day it was entered when not given),
the history entry for resources added to the map, ``last_verified`` for
resources verified.  Records loaded from the bundled start data are not
"added" by the team, so they do not count as added, and neither do records
of a batch that was undone later (an import taken back): undoing archives
what the batch created, so it leaves the layers too.

The report is written for whoever receives it (the city, a funder), not
about the app: sections are those of a partnership's yearly report — who we
are, aims, meetings, actions, effects, needs, plans — and say nothing of
"the map" or of how the numbers were gathered.

The report is written in Polish or, asked for (``lang="en"``), in English:
its own words — titles, sentences, headers, the schema's labels — while the
records' names and descriptions stay as written.

The parts themselves (tables, partnerships, actions, ``ReportContent``) are
in ``mapping.report.parts``, how one value prints in ``mapping.report.cells``;
they are importable from here too.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd

from mapping.areas import area_key, area_keys
from mapping.errors import MapError
from mapping.export.about import SAMPLE_NOTE
from mapping.export.request import EXPORT_AUDIENCES
from mapping.export.selection import PERSON_KIND, audience_records
from mapping.frames import decode_list
from mapping.language import DEFAULT_LANGUAGE, count, say, the_label, writing, written_in
from mapping.meeting import is_open_meeting
from mapping.partnership import find_partnership, partnership_districts
from mapping.plural import Forms
from mapping.report.cells import as_day, as_text, total
from mapping.report.parts import (
    NO_MEMBERS,
    PARTICIPANT_FORMS,
    ActionEntry,
    PartnershipPart,
    ReportContent,
    Table,
    action_entries,
    actions_table,
    by_date,
    meetings_table,
    needs_table,
    partnership_part,
    printable,
)
from mapping.report.picture import render_report_map
from mapping.schema import (
    ACTIONS,
    DATE_MONTH_ONLY,
    DATE_YEAR_ONLY,
    MEETINGS,
    NEEDS,
    RESOURCES,
    SAMPLE_SOURCE,
    TO_COMPLETE,
    Audience,
)
from mapping.seed import SEED_AUTHOR
from mapping.store import Store
from mapping.store.records import undone_batches
from mapping.text import sort_key
from mapping.webmap.tiles import OSM_CREDIT

# The parts are re-exported: writers and callers import them from here.
__all__ = [
    "NO_MEMBERS",
    "PARTICIPANT_FORMS",
    "ActionEntry",
    "PartnershipPart",
    "ReportContent",
    "Table",
    "printable",
    "report_content",
]

#: "raz" after numbers: "1 raz", "4 razy", "5 razy".
TIMES_FORMS = Forms("raz", "razy", "razy")


@dataclass(frozen=True)
class _Frames:
    partnerships: pd.DataFrame
    meetings: pd.DataFrame
    actions: gpd.GeoDataFrame
    needs: gpd.GeoDataFrame
    resources: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame

    @classmethod
    def load(cls, store: Store, city: str, audience: Audience) -> _Frames:
        """The city's records ``audience`` may see (the rule of every export)."""
        names = ("partnerships", "meetings", "actions", "needs", "resources", "areas")
        frames = audience_records({n: store.read_layer(n, city=city) for n in names}, audience)
        return cls(*(frames[n] for n in names))


@dataclass(frozen=True)
class _Scope:
    """The partnerships reported on and, for one partnership, where it works."""

    partnerships: pd.DataFrame
    single: bool
    districts: tuple[str, ...]
    member_ids: frozenset[str]


def _years(values: pd.Series) -> pd.Series:
    text = values.map(lambda v: as_text(v)[:10] or None)
    return pd.to_datetime(text, errors="coerce", format="ISO8601").dt.year


def _in_year(frame: pd.DataFrame, column: str, year: int) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame[(_years(frame[column]) == year).to_numpy()]


def _refers(frame: pd.DataFrame, column: str, ids: Iterable[str]) -> pd.Series:
    wanted = set(ids)
    return frame[column].map(lambda refs: bool(wanted & set(decode_list(refs)))).astype(bool)


def _in_districts(frame: pd.DataFrame, districts: Iterable[str]) -> pd.Series:
    keys = {area_key(d) for d in districts} - {""}
    return area_keys(frame["district"]).isin(keys)


def _scope(frames: _Frames, partnership: str | None) -> _Scope:
    if partnership is None:
        return _Scope(frames.partnerships, False, (), frozenset())
    chosen = find_partnership(frames.partnerships, partnership)
    return _Scope(
        frames.partnerships[frames.partnerships["id"] == chosen["id"]],
        True,
        tuple(partnership_districts(chosen)),
        frozenset(decode_list(chosen["members"])),
    )


def _scoped(frames: _Frames, scope: _Scope) -> _Frames:
    """The city's records narrowed to one partnership (see the module note)."""
    if not scope.single:
        return frames
    ids = set(scope.partnerships["id"])
    meetings = frames.meetings[_refers(frames.meetings, "partnership", ids).to_numpy()]
    needs = frames.needs[
        (
            _refers(frames.needs, "meeting", meetings["id"])
            | _in_districts(frames.needs, scope.districts)
        ).to_numpy()
    ]
    resources = frames.resources[
        (
            frames.resources["id"].isin(scope.member_ids)
            | _in_districts(frames.resources, scope.districts)
        ).to_numpy()
    ]
    return _Frames(
        partnerships=scope.partnerships,
        meetings=meetings,
        actions=frames.actions[_refers(frames.actions, "partnership", ids).to_numpy()],
        needs=needs,
        resources=resources,
        areas=frames.areas,
    )


def _held(meetings: pd.DataFrame) -> pd.DataFrame:
    """Meetings that took place: one still running on the projector is not reported yet."""
    if meetings.empty:
        return meetings
    running = [is_open_meeting(row) for row in meetings.to_dict("records")]
    return meetings[[not r for r in running]]


def _needs_of_year(needs: pd.DataFrame, year: int) -> pd.DataFrame:
    if needs.empty:
        return needs
    reported = needs["reported_on"].where(needs["reported_on"].notna(), needs["created_at"])
    return needs[(_years(reported) == year).to_numpy()]


def _status_counts(needs: pd.DataFrame) -> dict[str, int]:
    counts = needs["status"].value_counts()
    return {
        the_label(c): int(counts.get(c.code, 0))
        for c in NEEDS.field("status").choices
        if c.code != TO_COMPLETE or counts.get(c.code, 0)  # shown only when some wait
    }


def _resources_added(
    store: Store, city: str, year: int, ids: set[str] | None, audience: Audience
) -> int:
    """Resources whose creation in ``year`` is in the history (start data left out;
    people too, for the public)."""
    log = store.history("resources")
    # Undoing a batch writes its note on the rows it takes back: a batch that added
    # resources is undone in the resources' own history (not the whole map's, rebuilt).
    undone = undone_batches(log)
    log = log[(log["action"] == "create") & (log["author"] != SEED_AUTHOR)]
    log = log[~log["batch_id"].isin(undone)]
    log = log[log["at"].astype(str).str[:4] == str(year)]
    added = 0
    for _, entry in log.iterrows():
        after = json.loads(entry["after"])
        in_scope = ids is None or entry["record_id"] in ids
        hidden = audience == Audience.PUBLIC and after.get("kind") == PERSON_KIND
        added += int(after.get("city") == city and in_scope and not hidden)
    return added


def _scope_resource_ids(store: Store, city: str, scope: _Scope) -> set[str] | None:
    """Ids of every resource of the partnership's area, archived ones included."""
    if not scope.single:
        return None
    every = store.read_layer("resources", city=city, include_archived=True)
    inside = every["id"].isin(scope.member_ids) | _in_districts(every, scope.districts)
    return set(every.loc[inside.to_numpy(), "id"])


def _plans(meetings: pd.DataFrame) -> tuple[str, str]:
    """Plans from the year's last meeting that recorded any, and that meeting."""
    with_plans = meetings[meetings["plans"].map(as_text).astype(bool).to_numpy()]
    if with_plans.empty:
        return "", ""
    last = by_date(with_plans, "title").iloc[-1]
    return as_text(last["plans"]), f"{as_day(last['date'])} — {as_text(last['title'])}"


def _has_samples(*frames: pd.DataFrame) -> bool:
    return any(not f.empty and bool((f["source"] == SAMPLE_SOURCE).any()) for f in frames)


def _titles(needs: pd.DataFrame, limit: int = 8) -> str:
    titles = sorted((as_text(t) for t in needs["title"]), key=sort_key)
    shown = ", ".join(titles[:limit])
    if len(titles) <= limit:
        return shown
    return say("{shown} i {n} innych", shown=shown, n=len(titles) - limit)


def _answered(needs: pd.DataFrame, actions: pd.DataFrame) -> pd.DataFrame:
    ids = {i for refs in actions["needs"] for i in decode_list(refs)}
    return needs[needs["id"].isin(ids).to_numpy()]


def _aims(needs: pd.DataFrame, actions: pd.DataFrame) -> tuple[str, ...]:
    """What the partnership works for, from the residents' needs it answers or works on.

    Empty when the year recorded none: the report then has no aims section
    rather than an invented one.
    """
    lines = []
    answered = _answered(needs, actions)
    if not answered.empty:
        lines.append(say("Odpowiedź na potrzeby mieszkańców: {titles}.", titles=_titles(answered)))
    rest = needs[~needs["id"].isin(answered["id"]).to_numpy()]
    working = rest[(rest["status"] == "w_realizacji").to_numpy()]
    if not working.empty:
        lines.append(say("Sprawy w toku: {titles}.", titles=_titles(working)))
    waiting = rest[(rest["status"] == "zgloszona").to_numpy()]
    if not waiting.empty:
        lines.append(
            say(
                "Zgłoszone potrzeby, na które szukamy odpowiedzi: {titles}.",
                titles=_titles(waiting),
            )
        )
    return tuple(lines)


def _effects(
    single: bool,
    meetings: pd.DataFrame,
    actions: pd.DataFrame,
    needs: pd.DataFrame,
    resources: tuple[int, int],
) -> tuple[str, ...]:
    """The year's results in sentences: people reached, needs answered and met, resources."""
    lines = []
    if not meetings.empty:
        who = (
            "Partnerstwo spotkało się {times}."
            if single
            else "Partnerstwa spotkały się łącznie {times}."
        )
        lines.append(say(who, times=count(len(meetings), TIMES_FORMS)))
    if not actions.empty:
        lines.append(
            say(
                "Działania: {actions}, łącznie {people}.",
                actions=count(len(actions), ACTIONS.count_forms),
                people=count(total(actions["participants"]), PARTICIPANT_FORMS),
            )
        )
    answered = _answered(needs, actions)
    if not answered.empty:
        lines.append(
            say(
                "Działania odpowiadały na {needs} zgłoszone przez mieszkańców.",
                needs=count(len(answered), NEEDS.count_forms),
            )
        )
    met = int((needs["status"] == "zaspokojona").sum()) if not needs.empty else 0
    if met:
        lines.append(
            say("Zaspokojone potrzeby zgłoszone w roku: {met} z {all}.", met=met, all=len(needs))
        )
    added, verified = resources
    if added or verified:
        lines.append(
            say(
                "Nowo rozpoznane zasoby okolicy: {added}; "
                "zasoby z potwierdzoną ofertą: {verified}.",
                added=count(added, RESOURCES.count_forms),
                verified=count(verified, RESOURCES.count_forms),
            )
        )
    return tuple(lines)


def _base_source(source: str) -> str:
    """A source without its note on the date's precision (the dates already show it)."""
    for mark in (DATE_MONTH_ONLY, DATE_YEAR_ONLY):
        source = source.split(f"; {mark}")[0]
    return source.strip()


def _source_notes(*frames: pd.DataFrame) -> list[str]:
    """Where the year's records come from, when they were taken from a document."""
    sources = {
        _base_source(as_text(v))
        for f in frames
        if not f.empty
        for v in f["source"]
        if as_text(v) and as_text(v) != SAMPLE_SOURCE
    }
    if not sources:
        return []
    return [say("Źródła danych: {sources}.", sources="; ".join(sorted(sources, key=sort_key)))]


#: What a boundary's ``source`` says → the credit its licence asks for on the map.
_BOUNDARY_CREDITS = (
    ("OpenStreetMap", OSM_CREDIT),
    ("Państwowy Rejestr Granic", "granice: Państwowy Rejestr Granic (GUGiK)"),
)


def _map_credit(areas: pd.DataFrame) -> str:
    """The attribution of the located areas' sources ("© OpenStreetMap contributors…")."""
    located = areas[areas.geometry.notna().to_numpy()] if "geometry" in areas else areas
    sources = " ".join(as_text(v) for v in located["source"]) if not located.empty else ""
    return "; ".join(say(credit) for marker, credit in _BOUNDARY_CREDITS if marker in sources)


def _check_city(store: Store, city: str) -> None:
    cities = store.cities()
    if city not in cities:
        known = ", ".join(cities) or "brak"
        raise MapError(f"nie ma miasta „{city}” na mapie; dostępne: {known}", field="miasto")


def report_content(  # noqa: PLR0913 - the one entry point; all but the store are keywords
    store: Store,
    *,
    city: str,
    year: int,
    partnership: str | None = None,
    today: date | None = None,
    audience: Audience = Audience.PUBLIC,
    organisation: str | None = None,
    logo: bytes | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> ReportContent:
    """Gather the annual report of ``city`` (or of one partnership) for ``year``.

    Parameters
    ----------
    store : the map
    city : the city, as stored
    year : the calendar year reported on
    partnership : a partnership's name or id; None reports every partnership
    today : the date printed as the day of preparation (default: today)
    audience : who the file is for, as for every export: the public (default;
        the file that goes to the city) gets no people and no team plans; the
        team gets its plans; private fields are never used
    organisation : the sender on the letterhead (default: the partnership
        reported on, none for a whole city)
    logo : the organisation's logo (PNG or JPEG bytes) for the letterhead
    lang : the report's language, "pl" (default) or "en": its own words; the
        records' texts stay as written

    Raises
    ------
    MapError
        When the city or the partnership is not on the map, or for an
        audience that no file may be made for.
    """
    if audience not in EXPORT_AUDIENCES:
        allowed = ", ".join(a.value for a in EXPORT_AUDIENCES)
        raise MapError(f"sprawozdanie dla „{audience}” niedostępne; dozwolone: {allowed}")
    _check_city(store, city)
    # The report's own words in ``lang``; the records' texts stay as written.
    with writing(lang):
        every = _Frames.load(store, city, audience)
        scope = _scope(every, partnership)
        frames = _scoped(every, scope)
        meetings = _held(_in_year(frames.meetings, "date", year))
        actions = _in_year(frames.actions, "date", year)
        needs = _needs_of_year(frames.needs, year)
        names = dict(zip(every.resources["id"], every.resources["name"].map(as_text), strict=True))
        team_plans = audience.can_view(MEETINGS.field("plans").visibility)
        plans, plans_meeting = _plans(meetings) if team_plans else ("", "")
        highlight = list(scope.districts) or [
            d for _, p in scope.partnerships.iterrows() for d in partnership_districts(p)
        ]
        credit = _map_credit(every.areas)
        picture = render_report_map(
            every.areas, highlight=highlight, actions=actions, needs=needs, credit=credit
        )
        single = scope.partnerships.iloc[0]["name"] if scope.single else None
        notes = (
            [say(SAMPLE_NOTE)] if _has_samples(meetings, actions, needs, frames.resources) else []
        )
        notes += _source_notes(scope.partnerships, meetings, actions)
        resources_added = _resources_added(
            store, city, year, _scope_resource_ids(store, city, scope), audience
        )
        resources_verified = len(_in_year(frames.resources, "last_verified", year))
        return ReportContent(
            city=city,
            year=year,
            title=say("Sprawozdanie z działalności za rok {year}", year=year),
            subtitle=f"{single} — {city}"
            if single
            else say("{city} — wszystkie partnerstwa", city=city),
            generated_on=today or date.today(),
            partnerships=tuple(
                partnership_part(p, every.resources) for _, p in scope.partnerships.iterrows()
            ),
            meetings=meetings_table(meetings),
            meetings_count=len(meetings),
            meeting_participants=total(meetings["participants"]),
            actions=actions_table(actions, names),
            actions_count=len(actions),
            action_participants=total(actions["participants"]),
            needs=needs_table(needs),
            needs_count=len(needs),
            needs_by_status=_status_counts(needs),
            resources_added=resources_added,
            resources_verified=resources_verified,
            plans=plans,
            plans_meeting=plans_meeting,
            map_png=picture,
            map_note=credit if picture else "",
            notes=tuple(notes),
            audience=audience,
            organisation=as_text(single) if organisation is None else organisation.strip(),
            logo=logo,
            aims=_aims(frames.needs, actions),
            effects=_effects(
                scope.single, meetings, actions, needs, (resources_added, resources_verified)
            ),
            action_entries=action_entries(actions, names),
            lang=written_in(),
        )
