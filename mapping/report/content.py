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
"added" by the team, so they do not count as added.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.analysis.matching import name_key
from mapping.errors import MapError
from mapping.export.about import OSM_ATTRIBUTION, SAMPLE_NOTE, format_day
from mapping.frames import decode_list
from mapping.meeting import MEETING_FORMS
from mapping.partnership import (
    composition,
    composition_sentence,
    find_partnership,
    members_table,
    partnership_districts,
)
from mapping.plural import Forms, with_count
from mapping.polish import polish_sort_key
from mapping.report.picture import render_report_map
from mapping.schema import NEEDS, SAMPLE_SOURCE
from mapping.seed import SEED_AUTHOR
from mapping.store import Store

__all__ = [
    "ACTION_FORMS",
    "NEED_FORMS",
    "PARTICIPANT_FORMS",
    "RESOURCE_FORMS",
    "PartnershipPart",
    "ReportContent",
    "Table",
    "report_content",
]

ACTION_FORMS = Forms("działanie", "działania", "działań")
NEED_FORMS = Forms("potrzeba", "potrzeby", "potrzeb")
RESOURCE_FORMS = Forms("zasób", "zasoby", "zasobów")
#: "uczestnik" is masculine-personal: "2 uczestników", like "5 uczestników".
PARTICIPANT_FORMS = Forms("uczestnik", "uczestników", "uczestników")
_NO_VALUE = "—"


@dataclass(frozen=True)
class Table:
    """A table ready to print: headers, rows of text and an optional totals row."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    footer: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class PartnershipPart:
    """One partnership in the report: who it is and who is in it."""

    name: str
    districts: tuple[str, ...]
    coordinator: str
    signed_on: str
    composition: dict[str, int]
    sentence: str
    members: Table

    def facts(self) -> list[tuple[str, str]]:
        """(label, value) lines known about the partnership (blank ones left out)."""
        facts = [
            ("Obszar działania", ", ".join(self.districts)),
            ("Koordynator", self.coordinator),
            ("Data podpisania", self.signed_on),
        ]
        return [(label, value) for label, value in facts if value]


@dataclass(frozen=True)
class ReportContent:
    """Everything an annual report shows (see the module note for what counts).

    Counts are plain numbers for tests and pages; tables are text for the
    HTML and DOCX writers; ``map_png`` is None when nothing has a location.
    """

    city: str
    year: int
    title: str
    subtitle: str
    generated_on: date
    partnerships: tuple[PartnershipPart, ...]
    meetings: Table
    meetings_count: int
    meeting_participants: int
    actions: Table
    actions_count: int
    action_participants: int
    needs: Table
    needs_count: int
    needs_by_status: dict[str, int]
    resources_added: int
    resources_verified: int
    plans: str
    plans_meeting: str
    map_png: bytes | None
    map_note: str
    notes: tuple[str, ...] = field(default=())

    def key_numbers(self) -> list[tuple[str, str]]:
        """(label, value) lines of the summary, in Polish, with the right plural forms."""
        return [
            (
                "Spotkania partnerstwa",
                f"{with_count(self.meetings_count, MEETING_FORMS)}, łącznie "
                f"{with_count(self.meeting_participants, PARTICIPANT_FORMS)}",
            ),
            (
                "Działania",
                f"{with_count(self.actions_count, ACTION_FORMS)}, łącznie "
                f"{with_count(self.action_participants, PARTICIPANT_FORMS)}",
            ),
            ("Potrzeby zgłoszone w roku", with_count(self.needs_count, NEED_FORMS)),
            ("Zasoby dodane do mapy", with_count(self.resources_added, RESOURCE_FORMS)),
            ("Zasoby zweryfikowane", with_count(self.resources_verified, RESOURCE_FORMS)),
        ]

    def status_table(self) -> Table:
        """Needs of the year by their current status, with the total."""
        rows = tuple((label, str(n)) for label, n in self.needs_by_status.items())
        return Table(("Status", "Liczba potrzeb"), rows, ("Razem", str(self.needs_count)))


@dataclass(frozen=True)
class _Frames:
    partnerships: pd.DataFrame
    meetings: pd.DataFrame
    actions: gpd.GeoDataFrame
    needs: gpd.GeoDataFrame
    resources: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame

    @classmethod
    def load(cls, store: Store, city: str) -> _Frames:
        return cls(
            *(
                store.read_layer(name, city=city)
                for name in ("partnerships", "meetings", "actions", "needs", "resources", "areas")
            )
        )


@dataclass(frozen=True)
class _Scope:
    """The partnerships reported on and, for one partnership, where it works."""

    partnerships: pd.DataFrame
    single: bool
    districts: tuple[str, ...]
    member_ids: frozenset[str]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _day(value: Any) -> str:
    """An ISO date as Poles write it (``14.10.2025``); blank when missing."""
    text = _text(value)[:10]
    try:
        return format_day(date.fromisoformat(text))
    except ValueError:
        return text


def _number(value: Any) -> int | None:
    if value is None or pd.isna(value):
        return None
    return int(value)


def _years(values: pd.Series) -> pd.Series:
    text = values.map(lambda v: _text(v)[:10] or None)
    return pd.to_datetime(text, errors="coerce", format="ISO8601").dt.year


def _in_year(frame: pd.DataFrame, column: str, year: int) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame[(_years(frame[column]) == year).to_numpy()]


def _refers(frame: pd.DataFrame, column: str, ids: Iterable[str]) -> pd.Series:
    wanted = set(ids)
    return frame[column].map(lambda refs: bool(wanted & set(decode_list(refs)))).astype(bool)


def _in_districts(frame: pd.DataFrame, districts: Iterable[str]) -> pd.Series:
    keys = set(name_key(pd.Series(list(districts), dtype=object)).dropna())
    return name_key(frame["district"]).isin(keys)


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


def _partnership_part(partnership: pd.Series, resources: pd.DataFrame) -> PartnershipPart:
    counts = composition(partnership, resources)
    table = members_table(partnership, resources)
    return PartnershipPart(
        name=_text(partnership["name"]),
        districts=tuple(partnership_districts(partnership)),
        coordinator=_text(partnership["coordinator"]),
        signed_on=_day(partnership["signed_on"]),
        composition=counts,
        sentence=composition_sentence(counts),
        members=Table(tuple(table.columns), tuple(tuple(r) for r in table.to_numpy())),
    )


def _participants_cell(value: Any) -> str:
    number = _number(value)
    return _NO_VALUE if number is None else str(number)


def _total(values: pd.Series) -> int:
    return int(sum(n for n in map(_number, values) if n is not None))


def _by_date(frame: pd.DataFrame, title: str) -> pd.DataFrame:
    order = sorted(
        frame.index,
        key=lambda i: (_text(frame.at[i, "date"]), polish_sort_key(_text(frame.at[i, title]))),
    )
    return frame.loc[order]


def _meetings_table(meetings: pd.DataFrame) -> Table:
    rows = tuple(
        (
            _day(m["date"]),
            _text(m["title"]),
            _text(m["place"]),
            _participants_cell(m["participants"]),
        )
        for _, m in _by_date(meetings, "title").iterrows()
    )
    total = ("Razem", "", "", str(_total(meetings["participants"])))
    return Table(("Data", "Temat spotkania", "Miejsce", "Uczestnicy"), rows, total)


def _actions_table(actions: pd.DataFrame, names: dict[str, str]) -> Table:
    rows = []
    for _, action in _by_date(actions, "name").iterrows():
        partners = ", ".join(names.get(i, i) for i in decode_list(action["partners"]))
        place = ", ".join(p for p in (_text(action["place"]), _text(action["district"])) if p)
        rows.append(
            (
                _day(action["date"]),
                _text(action["name"]),
                place,
                partners,
                _participants_cell(action["participants"]),
            )
        )
    total = ("Razem", "", "", "", str(_total(actions["participants"])))
    return Table(("Data", "Działanie", "Miejsce", "Partnerzy", "Uczestnicy"), tuple(rows), total)


def _needs_table(needs: pd.DataFrame) -> Table:
    status, category = NEEDS.field("status"), NEEDS.field("category")
    rows = tuple(
        (
            _day(n["reported_on"] or n["created_at"]),
            _text(n["title"]),
            _text(n["district"]),
            category.choice_label(_text(n["category"])),
            status.choice_label(_text(n["status"])),
        )
        for _, n in needs.sort_values("reported_on", na_position="last").iterrows()
    )
    return Table(("Zgłoszono", "Potrzeba", "Dzielnica", "Kategoria", "Status"), rows)


def _needs_of_year(needs: pd.DataFrame, year: int) -> pd.DataFrame:
    if needs.empty:
        return needs
    reported = needs["reported_on"].where(needs["reported_on"].notna(), needs["created_at"])
    return needs[(_years(reported) == year).to_numpy()]


def _status_counts(needs: pd.DataFrame) -> dict[str, int]:
    counts = needs["status"].value_counts()
    return {c.label: int(counts.get(c.code, 0)) for c in NEEDS.field("status").choices}


def _resources_added(store: Store, city: str, year: int, ids: set[str] | None) -> int:
    """Resources whose creation in ``year`` is in the history (start data left out)."""
    log = store.history("resources")
    log = log[(log["action"] == "create") & (log["author"] != SEED_AUTHOR)]
    log = log[log["at"].astype(str).str[:4] == str(year)]
    added = 0
    for _, entry in log.iterrows():
        after = json.loads(entry["after"])
        in_scope = ids is None or entry["record_id"] in ids
        added += int(after.get("city") == city and in_scope)
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
    with_plans = meetings[meetings["plans"].map(_text).astype(bool).to_numpy()]
    if with_plans.empty:
        return "", ""
    last = _by_date(with_plans, "title").iloc[-1]
    return _text(last["plans"]), f"{_day(last['date'])} — {_text(last['title'])}"


def _has_samples(*frames: pd.DataFrame) -> bool:
    return any(not f.empty and bool((f["source"] == SAMPLE_SOURCE).any()) for f in frames)


def _check_city(store: Store, city: str) -> None:
    cities = store.cities()
    if city not in cities:
        known = ", ".join(cities) or "brak"
        raise MapError(f"nie ma miasta „{city}” na mapie; dostępne: {known}", field="miasto")


def report_content(
    store: Store,
    *,
    city: str,
    year: int,
    partnership: str | None = None,
    today: date | None = None,
) -> ReportContent:
    """Gather the annual report of ``city`` (or of one partnership) for ``year``.

    Parameters
    ----------
    store : the map
    city : the city, as stored
    year : the calendar year reported on
    partnership : a partnership's name or id; None reports every partnership
    today : the date printed as the day of preparation (default: today)

    Raises
    ------
    MapError
        When the city or the partnership is not on the map.
    """
    _check_city(store, city)
    every = _Frames.load(store, city)
    scope = _scope(every, partnership)
    frames = _scoped(every, scope)
    meetings = _in_year(frames.meetings, "date", year)
    actions = _in_year(frames.actions, "date", year)
    needs = _needs_of_year(frames.needs, year)
    names = dict(zip(every.resources["id"], every.resources["name"].map(_text), strict=True))
    plans, plans_meeting = _plans(meetings)
    highlight = list(scope.districts) or [
        d for _, p in scope.partnerships.iterrows() for d in partnership_districts(p)
    ]
    picture = render_report_map(every.areas, highlight=highlight, actions=actions, needs=needs)
    single = scope.partnerships.iloc[0]["name"] if scope.single else None
    notes = [SAMPLE_NOTE] if _has_samples(meetings, actions, needs, frames.resources) else []
    return ReportContent(
        city=city,
        year=year,
        title=f"Sprawozdanie z działań za rok {year}",
        subtitle=f"{single} — {city}" if single else f"{city} — wszystkie partnerstwa",
        generated_on=today or date.today(),
        partnerships=tuple(
            _partnership_part(p, every.resources) for _, p in scope.partnerships.iterrows()
        ),
        meetings=_meetings_table(meetings),
        meetings_count=len(meetings),
        meeting_participants=_total(meetings["participants"]),
        actions=_actions_table(actions, names),
        actions_count=len(actions),
        action_participants=_total(actions["participants"]),
        needs=_needs_table(needs),
        needs_count=len(needs),
        needs_by_status=_status_counts(needs),
        resources_added=_resources_added(
            store, city, year, _scope_resource_ids(store, city, scope)
        ),
        resources_verified=len(_in_year(frames.resources, "last_verified", year)),
        plans=plans,
        plans_meeting=plans_meeting,
        map_png=picture,
        map_note=OSM_ATTRIBUTION if picture else "Brak mapy: obszary i wpisy nie mają położenia.",
        notes=tuple(notes),
    )
