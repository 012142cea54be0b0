"""Which column of a file goes into which field: guessing, parsing, checking.

Headers are compared after folding (case and Polish diacritics ignored) and
with punctuation as spaces, so "Dł. geogr.", "dl geogr" and "DŁ GEOGR" are
the same header.  A guess is scored: the field's own name and label and the
usual Polish/English headers score high, loose "contains" patterns low; each
field takes the best-scoring column and each column at most one field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from mapping.errors import MapError
from mapping.importing.targets import import_schema, targets
from mapping.language import Message, translate
from mapping.schema import FieldType
from mapping.text import match_key

__all__ = [
    "check_mapping",
    "guess_mapping",
    "header_key",
    "parse_mapping_spec",
    "title_target",
]

ColumnMapping = dict[str, str | None]
#: The field a mapping error is an error of.
_MAPPING = Message("przypisanie kolumn")


def _split_words(table: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Headers are listed as "a | b | c" to keep the tables short."""
    return {target: tuple(w.strip() for w in text.split("|")) for target, text in table.items()}


_IDS, _STRONG, _SECOND, _FIELD, _WEAK, _LOOSE = 3.5, 3.0, 2.75, 2.5, 1.0, 0.5

#: Usual headers per target, written as ``header_key`` gives them.
_SYNONYMS = _split_words(
    {
        "name": (
            "nazwa | name | nazwa organizacji | nazwa instytucji | nazwa podmiotu"
            " | nazwa placowki | nazwa partnera | partner | podmiot | organizacja | instytucja"
            " | nazwa zasobu | zasob | nazwa miejsca | nazwa dzielnicy | jpt nazwa"
            " | nazwa osiedla"
        ),
        "title": (
            "potrzeba | nazwa | tytul | temat | name | title | need | nazwa potrzeby | problem"
        ),
        "kind": "rodzaj | kind | rodzaj podmiotu | rodzaj zasobu | forma prawna | typ podmiotu",
        "subtype": "podtyp | subtype | typ placowki | rodzaj placowki",
        "category": (
            "kategoria | category | dziedzina | obszar dzialania | branza | sfera"
            " | kategoria potrzeby | warstwa mapy"  # the folder of a KML or uMap layer
        ),
        "target_groups": (
            "grupa docelowa | grupy docelowe | adresaci | adresat | dla kogo | target group"
            " | target groups | odbiorcy | beneficjenci"
        ),
        "offer": (
            "oferta | opis | opis oferty | zakres dzialalnosci | dzialalnosc | co oferuje"
            " | offer | description | uslugi | czym sie zajmuje"
        ),
        "description": "opis | description | opis potrzeby | szczegoly | uzasadnienie",
        "city": "miasto | miejscowosc | city | gmina | town",
        "address": (
            "adres | address | adres placowki | adres siedziby | siedziba | ulica i numer"
            " | adres pocztowy"
        ),
        "street": "ulica | street | ul",
        "house_number": (
            "numer | nr | numer domu | nr domu | numer budynku | nr budynku | house number | number"
        ),
        "district": "dzielnica | district | osiedle | dzielnica miasta | rejon",
        "opening_hours": (
            "godziny otwarcia | godziny | godziny pracy | opening hours | czynne"
            " | godziny dzialania | hours | kiedy czynne"
        ),
        "accessibility": (
            "dostepnosc | accessibility | dostepnosc architektoniczna | udogodnienia"
            " | dostepnosc dla osob z niepelnosprawnosciami"
        ),
        "website": (
            "www | strona | strona www | strona internetowa | website | url | adres www"
            " | witryna | web | facebook"
        ),
        "phone": (
            "telefon | tel | phone | nr telefonu | numer telefonu | telefon kontaktowy"
            " | tel kontaktowy | tel kom | komorka"
        ),
        "email": "e mail | email | mail | adres e mail | adres email | e mail kontaktowy",
        "contact_person": (
            "osoba kontaktowa | osoba do kontaktu | contact person | imie i nazwisko"
            " | kontakt osoba"
        ),
        "skills": "umiejetnosci | skills | kompetencje",
        "availability": "dostepnosc czasowa | availability | kiedy dostepny",
        "status": "status | stan",
        "last_verified": (
            "data weryfikacji | zweryfikowano | ostatnia weryfikacja | weryfikacja"
            " | data aktualizacji | aktualizacja | last verified | sprawdzono | data sprawdzenia"
        ),
        "source": "zrodlo | source | zrodlo danych | source url",
        "notes": "uwagi | notes | note | komentarz | notatki",
        "reported_by": "kto zglosil | zglaszajacy | zrodlo zgloszenia | reported by",
        "reporter_contact": "kontakt do zglaszajacego | kontakt zglaszajacego",
        "reported_on": "data zgloszenia | data | zgloszono | reported on",
        "priority": "priorytet | priority | pilnosc | waznosc",
        "teryt": "teryt | kod teryt | jpt kod je | kod",
        "lat": (
            "szer | szerokosc | szerokosc geograficzna | szer geogr | lat | latitude | y | wsp y"
            " | wspolrzedna y | n | lat wgs84"
        ),
        "lon": (
            "dl | dlugosc | dlugosc geograficzna | dl geogr | lon | lng | long | longitude | x"
            " | wsp x | wspolrzedna x | e | lon wgs84"
        ),
        "id": "id | identyfikator | id wpisu | identyfikator wpisu | record id",
        "version": "wersja | version | wersja wpisu",
        "wkt": (
            "geometria wkt | wkt | geometry | geom | the geom | geometria | wkt geom | ksztalt"
            " | geometria wpisu"
        ),
        "coordinates": (
            "wspolrzedne | wspolrzedne gps | gps | coordinates | coords | lokalizacja"
            " | polozenie | lat lon | lat lng | wspolrzedne geograficzne"
        ),
    }
)

#: "Typ" is the kind when no column says "Rodzaj" (then it is the finer type,
#: the ``subtype`` field whose label it is).
_SECOND_SYNONYMS = _split_words({"kind": "typ | type"})

#: Headers that name a field only if no better column does.
_WEAK_SYNONYMS = _split_words(
    {
        "subtype": "type | rodzaj dzialalnosci",
        "name": "dzielnica | district",  # in a boundaries file the district *is* the name
        "reporter_contact": "kontakt",
        "contact_person": "kontakt | osoba",
    }
)

#: Loose patterns, tried in this order; a header takes only the first that matches.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("email", r"\be ?mail\b"),
    ("website", r"\bwww\b|strona|http|facebook|witryn"),
    ("phone", r"\btel\b|telefon|phone|komork"),
    ("contact_person", r"osob\w* (do )?kontakt|kontakt\w* osob"),
    ("opening_hours", r"godzin"),
    ("target_groups", r"grup\w* docelow|adresac|dla kogo|odbiorc"),
    ("last_verified", r"weryfik|aktualiz"),
    ("coordinates", r"wspolrzedne|\bgps\b|coordinat"),
    ("lat", r"^szer|latitude|\blat\b"),
    ("lon", r"^dl\b|^dlug|longitude|\blon\b|\blng\b"),
    ("street", r"^ulica\b|^ul\b"),
    ("house_number", r"^(nr|numer)\b"),
    ("address", r"adres"),
    ("district", r"dzielnic|osiedl"),
    ("accessibility", r"niepelnospr|dostepnosc"),
    ("title", r"^nazwa|potrzeb|tytul|temat"),
    ("name", r"^nazwa|\bname\b"),
    ("name", r"dzielnic|osiedl"),  # a boundaries file names its districts so
    ("description", r"opis"),
    ("offer", r"ofert|opis|dzialalno|uslug"),
    ("category", r"kategori|dziedzin|obszar"),
    ("kind", r"rodzaj|forma prawna"),
    ("city", r"miasto|miejscowo"),
    ("status", r"status"),
    ("notes", r"uwag|komentarz"),
    ("source", r"zrodl"),
    ("priority", r"priorytet"),
)


def header_key(header: str) -> str:
    """A header folded for comparison: ``mapping.text.match_key`` ("E-mail:" → "e mail")."""
    return match_key(header)


def _candidates(key: str, options: Mapping[str, str]) -> list[tuple[float, str]]:
    found: list[tuple[float, str]] = []
    for target, label in options.items():
        # The English label too: a partner's sheet, or our own export made in English.
        if key in (header_key(target), header_key(label), header_key(translate(label, "en"))):
            found.append((_FIELD, target))
        if key in _SYNONYMS.get(target, ()):
            found.append((_STRONG, target))
        if key in _SECOND_SYNONYMS.get(target, ()):
            found.append((_SECOND, target))
        if key in _WEAK_SYNONYMS.get(target, ()):
            found.append((_WEAK, target))
    for target, pattern in _PATTERNS:
        if target in options and re.search(pattern, key):
            found.append((_LOOSE, target))
            break
    return found


def guess_mapping(headers: Sequence[str], layer: str) -> ColumnMapping:
    """Guess the field of every column; None for columns that fit no field.

    Parameters
    ----------
    headers : the file's column headers
    layer : ``resources``, ``needs`` or ``districts``

    Returns
    -------
    dict header → target (a field name or a helper such as ``lat``) or None,
    in header order.
    """
    options = targets(layer)
    # Our XLSX shows references by name and keeps their ids in "<label> (id)":
    # the ids column wins the field, the names column is left out.
    ids_columns = {
        header_key(f.ids_label): f.name
        for f in import_schema(layer).fields
        if f.type == FieldType.REFS and f.name in options
    }
    scored = []
    for position, header in enumerate(headers):
        key = header_key(header)
        if key in ids_columns:
            scored.append((-_IDS, position, ids_columns[key]))
        for score, target in _candidates(key, options):
            scored.append((-score, position, target))
    mapping: ColumnMapping = dict.fromkeys(headers)
    taken: set[str] = set()
    for _, position, target in sorted(scored):
        header = headers[position]
        if mapping[header] is None and target not in taken:
            mapping[header] = target
            taken.add(target)
    return mapping


def _resolve_target(text: str, options: Mapping[str, str]) -> str | None:
    key = header_key(text)
    if key in ("", "pomin", "brak", "none", "skip"):
        return None
    for target, label in options.items():
        # The English label too: a partner's sheet, or our own export made in English.
        if key in (header_key(target), header_key(label), header_key(translate(label, "en"))):
            return target
    raise MapError(
        Message(
            "nieznane pole „{text}”; dostępne: {allowed}", text=text, allowed=", ".join(options)
        ),
        field=_MAPPING,
    )


def parse_mapping_spec(spec: str, headers: Sequence[str], layer: str) -> ColumnMapping:
    """Parse ``"kolumna=pole,kolumna2=pole2"`` (the CLI's ``--mapping``).

    Columns are matched ignoring case and diacritics; a field is given by its
    name or Polish label; ``kolumna=`` or ``kolumna=-`` leaves a column out.
    """
    options = targets(layer)
    by_key = {header_key(h): h for h in headers}
    result: ColumnMapping = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        column, sep, target = part.partition("=")
        if not sep:
            raise MapError(Message("„{part}” — oczekiwano kolumna=pole", part=part), field=_MAPPING)
        header = by_key.get(header_key(column))
        if header is None:
            raise MapError(
                Message(
                    "w pliku nie ma kolumny „{column}”; są: {headers}",
                    column=column.strip(),
                    headers=", ".join(headers),
                ),
                field=_MAPPING,
            )
        result[header] = _resolve_target(target.strip().strip("-"), options)
    return result


def check_mapping(
    mapping: Mapping[str, str | None], headers: Iterable[str], layer: str
) -> ColumnMapping:
    """Keep the entries for the file's headers; raise MapError on an unknown field."""
    options = targets(layer)
    present = set(headers)
    checked: ColumnMapping = {}
    for header, target in mapping.items():
        if header not in present:
            continue
        if target is not None and target not in options:
            raise MapError(
                Message(
                    "kolumna „{header}”: nieznane pole „{target}”", header=header, target=target
                ),
                field=_MAPPING,
            )
        checked[header] = target
    return checked


def title_target(layer: str) -> str:
    """The field that names a record of ``layer`` ("name", or "title" for needs)."""
    return import_schema(layer).title_field
