"""From a row's cells to a record's values: combining columns, tidying, defaults.

What spreadsheets do that forms never do, and what is done about it here:

- several columns for one field ("ulica" + "numer"; two description columns)
  are combined; a merged "Adres" over two columns arrives already joined;
- required fields are missing: the city is the one being imported, the
  status is "aktywny" / "zgłoszona", the source names the file, the kind and
  category are read from the type and the name where the words are clear,
  else from the file's default or its sheet or layer name, else they are
  "inne" and the record is marked "do uzupełnienia" (see ``completion``);
- free text in choice fields ("fundacja" as the kind, "biblioteka" as the
  category, "dzieci i młodzież" as the target group) is turned into codes;
- phones as "tel. 34 123 45 67, 600 100 200", e-mails as "mailto:…", web
  addresses without "https://" are tidied before validation.

Nothing here rejects a row: validation (``clean_record``) does, with every
problem named, and only a row without a name stays rejected.  Values filled
in here rather than read from the file are listed in ``defaulted``, so that
merging into an existing entry never overwrites a real value with a default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mapping.importing.completion import FALLBACK, TO_COMPLETE_NOTE, with_note
from mapping.importing.notes import choice_label, field_label
from mapping.importing.source import cell_text, is_blank_cell
from mapping.importing.targets import ADDRESS, HOUSE_NUMBER, STREET, import_schema
from mapping.importing.vocabulary import (
    guess_category,
    guess_kind,
    guess_status,
    match_choice,
    parse_target_groups,
)
from mapping.language import Message
from mapping.schema import LAYERS, TO_COMPLETE, Field, FieldType, Layer
from mapping.text import fold

__all__ = ["Prepared", "collect_values", "prepare_values"]


def _combine(f: Field | None, parts: Sequence[Any]) -> Any:
    if len(parts) == 1:  # one column: its value as read (a GIS list stays a list)
        return parts[0]
    parts = [x for p in parts for x in (p if isinstance(p, list) else [p])]
    if f is not None and f.type == FieldType.LONGTEXT:
        return "\n".join(cell_text(p) for p in parts)
    if f is not None and f.type == FieldType.MULTICHOICE:
        return "; ".join(cell_text(p) for p in parts)
    return parts[0]


def _compose_address(values: dict[str, Any]) -> None:
    """ "ulica" + "numer" → the address; "Adres" without a number + "nr" → joined."""
    street = cell_text(values.pop(STREET, None))
    number = cell_text(values.pop(HOUSE_NUMBER, None))
    address = cell_text(values.get(ADDRESS))
    if street:
        values[ADDRESS] = address or f"{street} {number}".strip()
    elif address and number and not re.search(r"\d", address):
        values[ADDRESS] = f"{address} {number}"


def collect_values(
    frame: pd.DataFrame, mapping: Mapping[str, str | None], layer: str
) -> list[dict[str, Any]]:
    """The mapped values of every row: target → raw value (blanks left out)."""
    schema = import_schema(layer)
    fields = {f.name: f for f in schema.fields}
    by_target: dict[str, list[int]] = {}
    for position, header in enumerate(frame.columns):
        target = mapping.get(str(header))
        if target:
            by_target.setdefault(target, []).append(position)
    # Column by column: a field read from one column (most) takes its cells as they are.
    columns = {p: list(frame.iloc[:, p]) for ps in by_target.values() for p in ps}  # as itertuples
    blank = {p: [is_blank_cell(v) for v in column] for p, column in columns.items()}
    rows: list[dict[str, Any]] = [{} for _ in range(len(frame))]
    for target, positions in by_target.items():
        if len(positions) == 1:
            (p,) = positions
            for values, value, empty in zip(rows, columns[p], blank[p], strict=True):
                if not empty:
                    values[target] = value
            continue
        f = fields.get(target)
        for i, values in enumerate(rows):
            present = [columns[p][i] for p in positions if not blank[p][i]]
            if present:
                values[target] = _combine(f, present)
    if STREET in by_target or HOUSE_NUMBER in by_target:  # else there is nothing to compose
        for values in rows:
            _compose_address(values)
    return rows


@dataclass
class Prepared:
    """Values ready for ``clean_record``, with what was filled in or changed on the way.

    ``warnings`` are (field label, message); ``hints`` add a sentence to a
    validation problem of a field (label → text); ``defaulted`` names fields
    whose value did not come from the file; ``incomplete`` the labels of
    classifications nobody could tell (the record is then "do uzupełnienia").
    """

    values: dict[str, Any]
    warnings: list[tuple[str, str]] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)
    defaulted: set[str] = field(default_factory=set)
    incomplete: list[str] = field(default_factory=list)


_PHONE_PREFIX = re.compile(r"^\s*(tel(efon)?|kom(órka|orka)?|phone)\.?\s*:?\s*", re.I)
_PHONE_SEPARATOR = re.compile(r"\s*[,;]\s*")
_BARE_HOST = re.compile(r"^[\w.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)


def _tidy_phone(text: str) -> str:
    text = _PHONE_PREFIX.sub("", text)
    return " ".join(_PHONE_SEPARATOR.sub(" / ", text).split())


def _tidy_url(text: str) -> str:
    text = text.strip()
    if _BARE_HOST.match(text) and "@" not in text:
        return "https://" + text  # "mops.czestochowa.pl" as people write it
    return text


def _tidy_email(value: Any) -> str:
    return _MAILTO.sub("", cell_text(value)).replace(" ", "")


def _kept(value: Any) -> Any:
    return value


def _tidier(f: Field) -> Callable[[Any], Any]:
    """How a value of ``f`` is tidied (asked once per field, not once per cell)."""
    if f.type == FieldType.PHONE:
        return lambda value: _tidy_phone(cell_text(value))
    if f.type == FieldType.EMAIL:
        return _tidy_email
    if f.type == FieldType.URL:
        return lambda value: _tidy_url(cell_text(value))
    if f.type in (FieldType.TEXT, FieldType.LONGTEXT):
        return cell_text
    return _kept


def _labels(f: Field) -> str:
    return ", ".join(c.label for c in f.choices)


class _Preparer:
    """Fills one row's choices and defaults (one object per import, reused per row)."""

    def __init__(
        self,
        layer: str,
        city: str,
        source_name: str,
        defaults: Mapping[str, str] | None = None,
        context: Sequence[str] = (),
    ):
        self.layer = layer
        self.schema: Layer = import_schema(layer)
        self.city = city
        self.source_name = source_name
        self.fields = {f.name: f for f in self.schema.fields}
        self.tidiers = {name: _tidier(f) for name, f in self.fields.items()}
        self.defaults = dict(defaults or {})
        self.context = list(context)
        self._parsed_groups: dict[str, tuple[list[str], list[str]]] = {}

    def __call__(self, raw: Mapping[str, Any]) -> Prepared:
        tidy = self.tidiers
        values = {k: tidy[k](v) for k, v in raw.items() if k in tidy}
        prepared = Prepared(values)
        self._city(prepared)
        self._defaults(prepared)
        if "kind" in self.fields:
            self._kind(prepared)
        self._category(prepared)
        self._status(prepared)
        self._groups(prepared)
        self._mark_incomplete(prepared)
        return prepared

    def _mark_incomplete(self, p: Prepared) -> None:
        if not p.incomplete:
            return
        given = cell_text(p.values.get("status"))
        if given and "status" not in p.defaulted and given != TO_COMPLETE:
            with_note(p.values, f"Status w pliku: {self.fields['status'].choice_label(given)}")
        p.values["status"] = TO_COMPLETE
        p.defaulted.discard("status")  # merging must not hide that the entry is incomplete
        with_note(p.values, TO_COMPLETE_NOTE + ", ".join(p.incomplete))

    def _city(self, p: Prepared) -> None:
        given = cell_text(p.values.get("city"))
        if given and fold(given) != fold(self.city):
            label = field_label(self.fields["city"])
            message = Message(
                "w pliku „{given}” — przyjęto miasto importu {city}", given=given, city=self.city
            )
            p.warnings.append((label, message))
        p.values["city"] = self.city

    def _defaults(self, p: Prepared) -> None:
        if is_blank_cell(p.values.get("source")):
            p.values["source"] = f"import z pliku {self.source_name}"
            p.defaulted.add("source")

    def _texts(self, p: Prepared, *names: str) -> Iterator[str]:
        # One by one: a guess stops at the first text that tells it.
        return (cell_text(p.values.get(n)) for n in names if not is_blank_cell(p.values.get(n)))

    def _guess(
        self, p: Prepared, name: str, guess: Callable[[Iterable[str]], str | None], *sources: str
    ) -> str | None:
        """Fill choice ``name`` from words: its own text first, then ``sources``.

        Returns the text of the field the code was read from, if it was the field's own.
        """
        f = self.fields[name]
        given = cell_text(p.values.get(name))
        if given and match_choice(f, given):
            return None
        own = guess([given]) if given else None
        guessed = own or guess(self._texts(p, *sources))
        if guessed is None:
            self._fallback(p, f, given, guess)
            return None
        p.values[name] = guessed
        label = choice_label(f, guessed)
        if own:
            message = Message("„{given}” przyjęto jako „{choice}”", given=given, choice=label)
            p.warnings.append((field_label(f), message))
        elif given:
            message = Message(
                "nie rozpoznano „{given}” — z nazwy przyjęto „{choice}”", given=given, choice=label
            )
            p.warnings.append((field_label(f), message))
        else:
            p.defaulted.add(name)
        return given if own else None

    def _fallback(
        self, p: Prepared, f: Field, given: str, guess: Callable[[Iterable[str]], str | None]
    ) -> None:
        """No word of the row tells ``f``: the file's default, its sheet or layer name, "inne"."""
        if given:  # an unknown word is kept where the team sees it
            with_note(p.values, f"{f.label} w pliku: {given}")
        code = self.defaults.get(f.name)
        origin = Message("domyślną dla pliku")
        if code is None and (code := guess(self.context)) is not None:
            origin = Message("z nazwy arkusza lub warstwy")
        if code is None:
            code = FALLBACK
            p.incomplete.append(f.label)
            message = Message(
                "nie da się odgadnąć z nazwy ani typu — przyjęto „{choice}”, wpis oznaczony "
                "„do uzupełnienia” (wybierz domyślną wartość dla pliku, aby tego uniknąć)",
                choice=choice_label(f, code),
            )
            p.warnings.append((field_label(f), message))
        elif given:
            message = Message(
                "nie rozpoznano „{given}” — przyjęto {origin} „{choice}”",
                given=given,
                origin=origin,
                choice=choice_label(f, code),
            )
            p.warnings.append((field_label(f), message))
        p.values[f.name] = code
        p.defaulted.add(f.name)

    def _kind(self, p: Prepared) -> None:
        source = self._guess(p, "kind", guess_kind, "subtype", "name", "category")
        if source and is_blank_cell(p.values.get("subtype")):
            p.values["subtype"] = source  # "fundacja" stays visible as the type

    def _category(self, p: Prepared) -> None:
        if self.layer == "resources":
            self._guess(p, "category", guess_category, "subtype", "name", "offer")
        else:
            self._guess(p, "category", guess_category, "title", "description")

    def _status(self, p: Prepared) -> None:
        f = self.fields["status"]
        given = cell_text(p.values.get("status"))
        if not given:
            # The status of a record a spreadsheet does not give one.
            p.values["status"] = LAYERS[self.layer].default_status
            p.defaulted.add("status")
        elif (code := guess_status(given, f)) is not None:
            p.values["status"] = code
        else:  # an unknown status does not reject the row: the default, the word in the notes
            p.values["status"] = LAYERS[self.layer].default_status
            p.defaulted.add("status")
            with_note(p.values, f"{f.label} w pliku: {given}")
            label = choice_label(f, str(LAYERS[self.layer].default_status))
            message = Message(
                "nie rozpoznano „{given}” — przyjęto „{choice}”", given=given, choice=label
            )
            p.warnings.append((field_label(f), message))

    def _groups(self, p: Prepared) -> None:
        f = self.fields["target_groups"]
        given = p.values.get("target_groups")
        if is_blank_cell(given) or isinstance(given, list):
            return
        text = cell_text(given)
        parsed = self._parsed_groups.get(text)  # a file repeats a few group texts
        if parsed is None:
            parsed = self._parsed_groups[text] = parse_target_groups(text, f)
        codes, unknown = list(parsed[0]), parsed[1]
        p.values["target_groups"] = codes
        if unknown:
            message = Message("pominięto nieznane grupy: {groups}", groups=", ".join(unknown))
            p.warnings.append((field_label(f), message))


def prepare_values(
    rows: Sequence[Mapping[str, Any]],
    layer: str,
    *,
    city: str,
    source_name: str,
    defaults: Mapping[str, str] | None = None,
    context: Sequence[str] = (),
) -> list[Prepared]:
    """Prepare every row's values for validation (see the module docstring).

    ``defaults`` are the user's per-file classification codes (field → code);
    ``context`` the sheet, layer and file names that may name the rows' category.
    """
    preparer = _Preparer(layer, city, source_name, defaults, context)
    return [preparer(raw) for raw in rows]
