"""Decoding the letter codes of the Gdańsk municipal widget data (2020-06-25).

The widget describes its columns only briefly, so some meanings are inferred
from how the codes are used; every table here is also printed into
``data/SOURCES.md`` so that the decisions stay visible.
"""

from __future__ import annotations

import re

from mapping.databuild.records import DataBuildError
from mapping.schema import TARGET_GROUPS

__all__ = [
    "ACCESSIBILITY_CODES",
    "AUDIENCE_CODES",
    "CLOSED_AUDIENCE",
    "NAME_FIXES",
    "SUBTYPE_BY_NAME",
    "TYP_SUBTYPES",
    "decode_accessibility",
    "decode_audience",
    "fix_name",
    "venue_subtype",
]

#: ADRESAT: who a venue is for → TARGET_GROUPS codes.
AUDIENCE_CODES = {"d": "dzieci", "m": "mlodziez", "do": "dorosli", "s": "seniorzy"}

#: An ADRESAT value that is not an audience: the venue was closed.
CLOSED_AUDIENCE = "zamknięty"

#: NIEPELNOSPR letters.  ``w`` and ``t`` are spelled out in the data itself
#: ("w - winda", "t-toaleta"), ``s`` too ("s- platforma"); ``p`` is inferred
#: from "lokal na parterze - nie wymaga podjazdów" and "p w sali".
ACCESSIBILITY_CODES = {
    "p": "podjazd dla wózków",
    "w": "winda",
    "t": "toaleta dla osób z niepełnosprawnościami",
    "s": "platforma dla wózków",
}

#: Venue type from the name, checked in this order (the first match wins);
#: the name says more than TYP, whose letters are used loosely.
SUBTYPE_BY_NAME = (
    ("biblioteka", "biblioteka"),
    ("filharmonia", "filharmonia"),
    ("opera", "opera"),
    ("teatr", "teatr"),
    ("galeria", "galeria"),
    ("muzeum", "muzeum"),
    ("centrum sztuki", "centrum sztuki współczesnej"),
    ("chór", "zespół muzyczny"),
    ("cappella", "zespół muzyczny"),
    ("klub", "klub"),
    ("archipelag kultury", "dom kultury"),
    ("centrum kultury", "dom kultury"),
)

#: TYP, used when the name does not tell: b = biblioteka, d = dom kultury;
#: m appears at museums, galleries and theatres, i at other cultural bodies.
TYP_SUBTYPES = {
    "b": "biblioteka",
    "d": "dom kultury",
    "m": "muzeum",
    "i": "instytucja kultury",
}

#: Broken characters and cut-off names in the source, fixed by hand.
NAME_FIXES = {
    "Partyzantsw": "Partyzantów",
    "Budynek Głowny, Prezydent Miasta Gdańska": "Budynek Główny, Prezydent Miasta Gdańska",
    "Wydział Programnw Rozwojowych, Wydział Rozwoju Spo": (
        "Wydział Programów Rozwojowych, Wydział Rozwoju Społecznego"
    ),
    "Wydziaw Bezpieczeństwa i Zarządzania Kryzysowego": (
        "Wydział Bezpieczeństwa i Zarządzania Kryzysowego"
    ),
    "Muz.Poczty Polskiej": "Muzeum Poczty Polskiej",
}

_CODE_TOKEN = re.compile(r"^(?P<code>[pwts])(?:\s*-\s*|\s+|$)(?P<rest>.*)$")
_TOKEN_SPLIT = re.compile(r"\s*[,;]\s*")


def fix_name(text: str) -> str:
    """Repair known broken names; turn doubled quotes into Polish quotes."""
    text = NAME_FIXES.get(text, text)
    return re.sub(r'"+([^"]+?)"+', r"„\1”", text)


def decode_audience(text: str | None) -> list[str]:
    """ADRESAT ("d, m, do, s", "d; m; do; s") → target-group codes in schema order.

    Raises DataBuildError on an unknown letter so that new codes are noticed.
    """
    tokens = {t for t in _TOKEN_SPLIT.split(text or "") if t}
    unknown = tokens - set(AUDIENCE_CODES)
    if unknown:
        raise DataBuildError(f"Nieznany kod adresata {sorted(unknown)} w wartości {text!r}")
    codes = {AUDIENCE_CODES[t] for t in tokens}
    return [c.code for c in TARGET_GROUPS if c.code in codes]


def decode_accessibility(text: str | None) -> str | None:
    """NIEPELNOSPR → Polish text: letters are spelled out, free text kept as is.

    ``"p,w,t"`` → ``"podjazd dla wózków, winda, toaleta dla osób z
    niepełnosprawnościami"``; ``"w - 2 kondygnacje, …"`` → ``"winda
    (2 kondygnacje), …"``; ``"niedostępny"`` stays.
    """
    if not text:
        return None
    parts = []
    for token in _TOKEN_SPLIT.split(text.strip()):
        match = _CODE_TOKEN.match(token)
        if not match:
            if token:
                parts.append(token)
            continue
        label = ACCESSIBILITY_CODES[match["code"]]
        rest = match["rest"].strip()
        # "w - winda" merely repeats the code's meaning; "p w sali" adds to it.
        parts.append(f"{label} ({rest})" if rest and rest.lower() not in label else label)
    return ", ".join(parts) or None


def venue_subtype(name: str, short_name: str | None, typ: str | None, rodzaj: str | None) -> str:
    """The venue type (``subtype``) from its name, else its TYP letter."""
    lowered = name.lower()
    for keyword, subtype in SUBTYPE_BY_NAME:
        if keyword in lowered:
            return subtype
    # The "… GAK" venues are branches of Gdański Archipelag Kultury, a network
    # of neighbourhood culture houses ("PlamaGAK" has no space before GAK).
    if "GAK" in name:
        return "dom kultury"
    # MHMG = Muzeum Historyczne Miasta Gdańska (now Muzeum Gdańska).
    if short_name == "MHMG":
        return "muzeum"
    if typ in TYP_SUBTYPES:
        return TYP_SUBTYPES[typ]
    # One entry has no TYP and names its kind in RODZAJ ("galeria").
    if rodzaj and len(rodzaj) > 1:
        return rodzaj
    return "instytucja kultury"
