"""The parts of an annual report: tables, partnerships, actions, and the whole they make.

``ReportContent`` holds every part; the functions below make the parts from
the records of the year (already chosen by ``mapping.report.content``).
Writers (``html``, ``docx``) read these dataclasses only.

Texts are said in the language being written (``mapping.language.writing``,
set by ``report_content`` and by the writers from ``ReportContent.lang``);
the records' own texts stay as written.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

import pandas as pd

from mapping.frames import decode_list
from mapping.language import DEFAULT_LANGUAGE, count, say, the_label, writing
from mapping.partnership import (
    composition,
    composition_sentence,
    members_table,
    partnership_districts,
)
from mapping.plural import Forms
from mapping.report.cells import NO_VALUE, as_day, as_text, as_when, participants_cell, total_cell
from mapping.schema import ACTIONS, MEETINGS, NEEDS, RESOURCES, Audience, Field
from mapping.text import sort_key
from mapping.validation import clean_text

__all__ = [
    "NO_MEMBERS",
    "PARTICIPANT_FORMS",
    "ActionEntry",
    "PartnershipPart",
    "ReportContent",
    "Table",
    "action_entries",
    "actions_table",
    "by_date",
    "choice_text",
    "meetings_table",
    "needs_table",
    "partnership_part",
    "printable",
]

#: "uczestnik" is masculine-personal: "2 uczestników", like "5 uczestników".
PARTICIPANT_FORMS = Forms("uczestnik", "uczestników", "uczestników")
#: The one line a partnership without a member list gets (no empty table beside it).
NO_MEMBERS = "Lista członków partnerstwa nie została jeszcze uzupełniona."


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
    #: The partnership's own description ("who we are"), as recorded.
    description: str = ""

    def facts(self) -> list[tuple[str, str]]:
        """(label, value) lines known about the partnership (blank ones left out)."""
        facts = [
            ("Obszar działania", ", ".join(self.districts)),
            ("Koordynator", self.coordinator),
            ("Data podpisania", self.signed_on),
        ]
        return [(say(label), value) for label, value in facts if value]


@dataclass(frozen=True)
class ActionEntry:
    """One action as the report describes it: when, where, with whom, for how many, what."""

    day: str
    name: str
    place: str
    partners: str
    participants: str
    groups: str
    description: str

    def facts(self) -> list[tuple[str, str]]:
        """(label, value) lines known about the action (blank ones left out)."""
        facts = [
            ("Miejsce", self.place),
            ("Partnerzy", self.partners),
            ("Uczestnicy", self.participants if self.participants != NO_VALUE else ""),
            ("Dla kogo", self.groups),
        ]
        return [(say(label), value) for label, value in facts if value]


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
    #: Who the file is for; the public version has no people and no team plans.
    audience: Audience = Audience.PUBLIC
    #: The sender on the letterhead (the partnership or its organisation) and its logo.
    organisation: str = ""
    logo: bytes | None = None
    #: What the partnership works for, effects of the year, actions described.
    aims: tuple[str, ...] = field(default=())
    effects: tuple[str, ...] = field(default=())
    action_entries: tuple[ActionEntry, ...] = field(default=())
    #: The language the report is written in ("pl" or "en"): its own words, not the records'.
    lang: str = DEFAULT_LANGUAGE

    @property
    def shows_plans(self) -> bool:
        """Whether the plans section belongs in this version (team only)."""
        return self.audience.can_view(MEETINGS.field("plans").visibility)

    @property
    def audience_note(self) -> str:
        """One line saying which version this is."""
        with writing(self.lang):
            if self.audience == Audience.PUBLIC:
                return say(
                    "Wersja publiczna: bez osób prywatnych i bez wewnętrznych planów zespołu."
                )
            return say("Wersja dla zespołu partnerstwa: zawiera plany ze spotkań; nie publikować.")

    def key_numbers(self) -> list[tuple[str, str]]:
        """(label, value) lines of the summary, with the right plural forms.

        A total of participants is given only when some record counted them:
        "łącznie 0 uczestników" for meetings nobody counted would be untrue.
        """
        with writing(self.lang):
            return self._key_numbers()

    def _key_numbers(self) -> list[tuple[str, str]]:
        def counted(records: str, people: int, known: bool) -> str:
            if not known:
                return say(records)
            return say(
                "{records}, łącznie {people}",
                records=records,
                people=count(people, PARTICIPANT_FORMS),
            )

        lines = [
            (
                "Spotkania partnerstwa",
                counted(
                    count(self.meetings_count, MEETINGS.count_forms),
                    self.meeting_participants,
                    self.meetings.footer is None or self.meetings.footer[-1] != NO_VALUE,
                ),
            ),
            (
                "Działania",
                counted(
                    count(self.actions_count, ACTIONS.count_forms),
                    self.action_participants,
                    self.actions.footer is None or self.actions.footer[-1] != NO_VALUE,
                ),
            ),
            ("Potrzeby zgłoszone w roku", say(count(self.needs_count, NEEDS.count_forms))),
            (
                "Nowo rozpoznane zasoby",
                say(count(self.resources_added, RESOURCES.count_forms)),
            ),
            (
                "Zasoby z potwierdzoną ofertą",
                say(count(self.resources_verified, RESOURCES.count_forms)),
            ),
        ]
        return [(say(label), value) for label, value in lines]

    def status_table(self) -> Table:
        """Needs of the year by their current status, with the total."""
        rows = tuple((label, str(n)) for label, n in self.needs_by_status.items())
        with writing(self.lang):
            headers = (say("Status"), say("Liczba potrzeb"))
            return Table(headers, rows, (say("Razem"), str(self.needs_count)))


def _headers(*names: str) -> tuple[str, ...]:
    """Column headers in the language being written."""
    return tuple(say(name) for name in names)


def choice_text(field: Field, code: str) -> str:
    """The label of a choice ``code`` of ``field`` in the language being written (else the code)."""
    choice = next((c for c in field.choices if c.code == code), None)
    return code if choice is None else the_label(choice)


def _printable_value(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, Enum):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_printable_value(v) for v in value)
    if isinstance(value, dict):
        return {_printable_value(k): _printable_value(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return printable(value)
    return value


def printable(content: Any) -> Any:
    """A report dataclass with control characters removed from every text in it.

    Validation keeps them out of the store; a file written before that rule
    may still hold a NUL or Word's U+000B, which the DOCX writer cannot store.
    """
    changes = {
        f.name: _printable_value(getattr(content, f.name)) for f in dataclasses.fields(content)
    }
    return dataclasses.replace(content, **changes)


def partnership_part(partnership: pd.Series, resources: pd.DataFrame) -> PartnershipPart:
    """The partnership as the report presents it: facts, composition, members."""
    counts = composition(partnership, resources)
    table = members_table(partnership, resources)
    table["Rodzaj partnera"] = table["Rodzaj partnera"].map(say)  # a member type's label
    return PartnershipPart(
        name=as_text(partnership["name"]),
        districts=tuple(partnership_districts(partnership)),
        coordinator=as_text(partnership["coordinator"]),
        signed_on=as_day(partnership["signed_on"]),
        composition=counts,
        sentence=say(composition_sentence(counts) if counts else NO_MEMBERS),
        members=Table(_headers(*table.columns), tuple(tuple(r) for r in table.to_numpy())),
        description=as_text(partnership["description"]),
    )


def by_date(frame: pd.DataFrame, title: str) -> pd.DataFrame:
    """Records by date, then by their ``title`` column (as Polish sorts)."""
    order = sorted(
        frame.index,
        key=lambda i: (as_text(frame.at[i, "date"]), sort_key(as_text(frame.at[i, title]))),
    )
    return frame.loc[order]


def meetings_table(meetings: pd.DataFrame) -> Table:
    """The year's meetings by date, with the total of participants."""
    rows = tuple(
        (
            as_when(m),
            as_text(m["title"]),
            as_text(m["place"]),
            participants_cell(m["participants"]),
        )
        for _, m in by_date(meetings, "title").iterrows()
    )
    total = (say("Razem"), "", "", total_cell(meetings["participants"]))
    return Table(_headers("Data", "Temat spotkania", "Miejsce", "Uczestnicy"), rows, total)


def actions_table(actions: pd.DataFrame, names: dict[str, str]) -> Table:
    """The year's actions by date, partners by name (``names``: id → name), with the total."""
    rows = []
    for _, action in by_date(actions, "name").iterrows():
        partners = ", ".join(names.get(i, i) for i in decode_list(action["partners"]))
        place = ", ".join(p for p in (as_text(action["place"]), as_text(action["district"])) if p)
        rows.append(
            (
                as_when(action),
                as_text(action["name"]),
                place,
                partners,
                participants_cell(action["participants"]),
            )
        )
    total = (say("Razem"), "", "", "", total_cell(actions["participants"]))
    headers = _headers("Data", "Działanie", "Miejsce", "Partnerzy", "Uczestnicy")
    return Table(headers, tuple(rows), total)


def action_entries(actions: pd.DataFrame, names: dict[str, str]) -> tuple[ActionEntry, ...]:
    """Each action described, by date (``names``: resource id → name)."""
    groups = ACTIONS.field("target_groups")
    entries = []
    for _, action in by_date(actions, "name").iterrows():
        place = ", ".join(p for p in (as_text(action["place"]), as_text(action["district"])) if p)
        entries.append(
            ActionEntry(
                day=as_when(action),
                name=as_text(action["name"]),
                place=place,
                partners=", ".join(names.get(i, i) for i in decode_list(action["partners"])),
                participants=participants_cell(action["participants"]),
                groups=", ".join(
                    choice_text(groups, g) for g in decode_list(action["target_groups"])
                ),
                description=as_text(action["description"]),
            )
        )
    return tuple(entries)


def needs_table(needs: pd.DataFrame) -> Table:
    """The year's needs by the day they were reported."""
    status, category = NEEDS.field("status"), NEEDS.field("category")
    rows = tuple(
        (
            as_day(n["reported_on"] or n["created_at"]),
            as_text(n["title"]),
            as_text(n["district"]),
            choice_text(category, as_text(n["category"])),
            choice_text(status, as_text(n["status"])),
        )
        for _, n in needs.sort_values("reported_on", na_position="last").iterrows()
    )
    return Table(_headers("Zgłoszono", "Potrzeba", "Dzielnica", "Kategoria", "Status"), rows)
