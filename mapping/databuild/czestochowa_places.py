"""Częstochowa's resources: community places from OpenStreetMap and the
named social-infrastructure places of the municipal pages.

Of the OpenStreetMap points only parishes and other religious sites, parks,
museums and historic sites are community resources; shops, restaurants,
hotels and attractions are left out.  The social places have addresses but
no coordinates: they are kept without geometry, to be located later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely

from mapping.databuild.geojson import GRID
from mapping.databuild.raw import clean_text, read_csv, read_frame
from mapping.databuild.records import DataBuildError, Record, new_record
from mapping.schema import EVERYONE, RESOURCES

__all__ = [
    "CITY",
    "EXCLUDED_OSM_IDS",
    "OSM_CLASSES",
    "SOCIAL_CATEGORIES",
    "PoiClass",
    "SocialCategory",
    "build_places",
]

CITY = "Częstochowa"
POIS_FILE = "czestochowa/pois_osm.geojson"
SOCIAL_FILE = "czestochowa/social_points.csv"


@dataclass(frozen=True)
class PoiClass:
    """How an OpenStreetMap category becomes a resource."""

    label: str
    kind: str
    category: str
    subtypes: tuple[tuple[str, str], ...]  # (word in the name, subtype); first match wins
    default_subtype: str


OSM_CLASSES = {
    "religious_site": PoiClass(
        "miejsca kultu religijnego",
        "instytucja",
        "religia",
        (
            ("katedra", "katedra"),
            ("sanktuarium", "sanktuarium"),
            ("cerkiew", "cerkiew"),
            ("kościół", "kościół"),
            ("kaplica", "kaplica"),  # before "parafia": "kaplica parafialna"
            ("parafia", "parafia"),
            ("klasztor", "klasztor"),
            ("plebania", "plebania"),
        ),
        "obiekt sakralny",
    ),
    "park": PoiClass(
        "parki i skwery",
        "miejsce",
        "zielen",
        (("park", "park"), ("skwer", "skwer"), ("plac", "plac"), ("promenada", "promenada")),
        "teren zieleni",
    ),
    "museum": PoiClass("muzea", "instytucja", "kultura", (("galeria", "galeria"),), "muzeum"),
    "historic_site": PoiClass(
        "miejsca historyczne",
        "miejsce",
        "dziedzictwo",
        (
            ("ławeczka", "ławeczka pomnikowa"),
            ("pomnik", "pomnik"),
            ("statua", "pomnik"),
            ("posąg", "pomnik"),
            ("kapliczka", "kapliczka"),
            ("schron", "schron bojowy"),
            ("zamek", "ruiny"),
            ("ruina", "ruiny"),
            ("grób", "miejsce pamięci"),
            ("groby", "miejsce pamięci"),
            ("getto", "miejsce pamięci"),
        ),
        "miejsce historyczne",
    ),
}

#: Points of the kept categories that are not community resources.
EXCLUDED_OSM_IDS = {
    432045412: "wysepka ronda oznaczona jako park",
    432045458: "wysepka ronda oznaczona jako park",
    9105158893: "tablica o dofinansowaniu z programu regionalnego",
}
#: Stations of the Way of the Cross at Jasna Góra, named only "I" … "XIV".
_ROMAN_NUMERAL = re.compile(r"^[IVXL]+$")


@dataclass(frozen=True)
class SocialCategory:
    """How a category of the social-places table becomes a resource."""

    kind: str
    subtype: str
    category: str
    target_groups: tuple[str, ...]
    status: str = "aktywny"


SOCIAL_CATEGORIES = {
    "social assistance (MOPS branch)": SocialCategory(
        "instytucja", "MOPS – rejonowy zespół pomocy społecznej", "pomoc_spoleczna", (EVERYONE,)
    ),
    "social assistance (MOPS service point)": SocialCategory(
        "instytucja", "MOPS – punkt obsługi", "pomoc_spoleczna", ("rodziny",)
    ),
    "support centre, children with disabilities (MOPS unit)": SocialCategory(
        "instytucja",
        "ośrodek wsparcia (MOPS)",
        "pomoc_spoleczna",
        ("dzieci", "rodziny", "niepelnosprawni"),
    ),
    "support centre, intellectual disability (NGO)": SocialCategory(
        "organizacja",
        "ośrodek wsparcia (organizacja pozarządowa)",
        "pomoc_spoleczna",
        ("niepelnosprawni",),
    ),
    "senior day centre (NGO)": SocialCategory(
        "organizacja", "dzienny dom dla seniorów", "pomoc_spoleczna", ("seniorzy",)
    ),
    "day support centre (MOPS)": SocialCategory(
        "instytucja", "środowiskowy dom samopomocy (MOPS)", "pomoc_spoleczna", ("niepelnosprawni",)
    ),
    "Dzielnicowy Ośrodek Społeczności Lokalnej": SocialCategory(
        "instytucja", "Dzielnicowy Ośrodek Społeczności Lokalnej (DOSL)", "aktywnosc", (EVERYONE,)
    ),
    "Organizowanie Społeczności Lokalnej (OSL)": SocialCategory(
        "organizacja", "punkt organizowania społeczności lokalnej (OSL)", "aktywnosc", (EVERYONE,)
    ),
    "OSL origin site (from Oct 2012), not a facility": SocialCategory(
        "miejsce", "miejsce historyczne OSL", "aktywnosc", (), status="archiwalny"
    ),
    "county family-support centre": SocialCategory(
        "instytucja", "PCPR (powiat częstochowski)", "pomoc_spoleczna", ("rodziny",)
    ),
    "public library branch": SocialCategory("instytucja", "biblioteka", "kultura", (EVERYONE,)),
}

#: English words in the table's names and addresses, in Polish.
TEXT_FIXES = {
    "Środowiskowy Dom Samopomocy typu D (autism spectrum / multiple disabilities)": (
        "Środowiskowy Dom Samopomocy typu D (spektrum autyzmu, niepełnosprawności sprzężone)"
    ),
    "First OSL site in Częstochowa ('czerwone bloki', Stary Raków)": (
        "Pierwsze miejsce OSL w Częstochowie („czerwone bloki”, Stary Raków)"
    ),
    "Powiatowe Centrum Pomocy Rodzinie (powiat częstochowski – county, not city)": (
        "Powiatowe Centrum Pomocy Rodzinie (powiat częstochowski – powiat ziemski, nie miasto)"
    ),
    "dzielnica Wyczerpy (street not given)": "dzielnica Wyczerpy (ulica nieznana), Częstochowa",
}

#: The table's notes, in Polish (an unlisted note is kept as it is).
NOTE_TRANSLATIONS = {
    "article says MOPS points at ul. Nowowiejskiego 26 and al. Niepodległości 20/22": (
        "Artykuł podaje punkty MOPS przy ul. Nowowiejskiego 26 i al. Niepodległości 20/22."
    ),
    "name-address pairing inferred from list order on the page (3 names then 3 addresses; "
    "operators 'odpowiednio' Amazonki, Caritas, TPD)": (
        "Przypisanie adresu do nazwy wywnioskowane z kolejności na liście (3 nazwy, potem "
        "3 adresy; prowadzący „odpowiednio”: Amazonki, Caritas, TPD) — do sprawdzenia."
    ),
    "pairing inferred from list order": (
        "Przypisanie adresu do nazwy wywnioskowane z kolejności na liście — do sprawdzenia."
    ),
    "announced opening 1.12.2021": "Otwarcie zapowiedziane na 1.12.2021.",
    "status 2019-03; project 'Częstochowa silna dzielnicami' 2018-2021": (
        "Stan na marzec 2019; projekt „Częstochowa silna dzielnicami” 2018–2021."
    ),
    "status 2019-03": "Stan na marzec 2019.",
    "also https://adullam.pl/osl/": "Zob. też https://adullam.pl/osl/.",
    "historical": "Miejsce historyczne: tu od października 2012 r. zaczęło się OSL; nie placówka.",
    "serves the rural county, located in the city": "Obsługuje powiat ziemski; siedziba w mieście.",
    "from BO 2020 project title 'Nowy wygląd Biblioteki przy ul. Gombrowicza 15'; "
    "branch number not stated": (
        "Z tytułu projektu BO 2020 „Nowy wygląd Biblioteki przy ul. Gombrowicza 15”; "
        "numer filii nieznany."
    ),
    "street address missing": "Źródło nie podaje ulicy.",
}

#: Source links replaced: an author page naming an employee, and a personal
#: fork of a public data set, cited by the data set instead.
SOURCE_FIXES = {
    "https://mops.czestochowa.pl/mops2/author/dargiel_o/": "https://mops.czestochowa.pl/",
    "https://github.com/smart94423/pabutools/blob/HEAD/tests/PaBuLib/All_100/"
    "poland_czestochowa_2020_.pb": "PaBuLib (pabulib.org), plik poland_czestochowa_2020_.pb",
}

#: Names in the table that point to a district without spelling it in full.
DISTRICT_ALIASES = {"dzielnica Wyczerpy": "Wyczerpy-Aniołów"}

_PHONE_NOTE = re.compile(r"^tel\.\s*(?P<phone>[\d() ]+?)\s*\((?P<year>\d{4})\)$")


def _subtype(name: str, poi_class: PoiClass) -> str:
    lowered = name.lower()
    for word, subtype in poi_class.subtypes:
        if word in lowered:
            return subtype
    return poi_class.default_subtype


def _osm_address(row: pd.Series) -> str | None:
    street = clean_text(row["street"])
    if street is None:
        return None
    number = clean_text(row["housenumber"])
    postcode = clean_text(row["postcode"])
    place = f"{postcode} {CITY}" if postcode else CITY
    return f"{street} {number}, {place}" if number else f"{street}, {place}"


def _is_resource(row: pd.Series) -> bool:
    return (
        row["category"] in OSM_CLASSES
        and int(row["osm_id"]) not in EXCLUDED_OSM_IDS
        and not _ROMAN_NUMERAL.match(str(row["name"]).strip())
    )


def _osm_place(row: pd.Series, point: shapely.Point) -> Record:
    poi_class = OSM_CLASSES[row["category"]]
    name = clean_text(row["name"]) or ""
    wikidata = clean_text(row["wikidata"])
    notes = f"OpenStreetMap, osm_id {int(row['osm_id'])}"
    return new_record(
        RESOURCES,
        f"czest-res-osm-{int(row['osm_id'])}",
        point,
        name=name,
        kind=poi_class.kind,
        subtype=_subtype(name, poi_class),
        category=poi_class.category,
        city=CITY,
        address=_osm_address(row),
        website=clean_text(row["website"]),
        status="nieaktywny" if "(nieczynny)" in name else "aktywny",
        source="OpenStreetMap",
        notes=f"{notes}; Wikidata {wikidata}." if wikidata else f"{notes}.",
    )


def _osm_places(raw: Path) -> list[Record]:
    frame = read_frame(raw / POIS_FILE)
    kept = frame[frame.apply(_is_resource, axis=1)]
    points = shapely.set_precision(kept.geometry.to_numpy(), GRID)
    return [_osm_place(row, p) for (_, row), p in zip(kept.iterrows(), points, strict=True)]


def _district_in(text: str, districts: Sequence[str]) -> str | None:
    names = {**{d: d for d in districts}, **DISTRICT_ALIASES}
    # Longest first, so that a longer name is not taken for a shorter one.
    for written in sorted(names, key=len, reverse=True):
        if re.search(rf"(?<!\w){re.escape(written)}(?!\w)", text):
            return names[written]
    return None


def _phone_and_note(note: str) -> tuple[str | None, str | None]:
    """Split "tel. (34) 370 94 04 (2020)" into the phone and a dated remark."""
    match = _PHONE_NOTE.match(note)
    if match:
        return match["phone"], f"Telefon według stanu z {match['year']} r."
    return None, NOTE_TRANSLATIONS.get(note, note) or None


def _social_place(number: int, row: dict[str, str], districts: Sequence[str]) -> Record:
    category = SOCIAL_CATEGORIES.get(row["category"])
    if category is None:
        raise DataBuildError(
            f"Nieznana kategoria miejsca „{row['category']}”; znane: {', '.join(SOCIAL_CATEGORIES)}"
        )
    name = TEXT_FIXES.get(row["name"], row["name"])
    address = TEXT_FIXES.get(row["address"], row["address"])
    phone, remark = _phone_and_note(row["note"])
    notes = ["Lokalizacja do ustalenia: źródło podaje tylko adres.", remark]
    return new_record(
        RESOURCES,
        f"czest-res-social-{number:02d}",
        name=name,
        kind=category.kind,
        subtype=category.subtype,
        category=category.category,
        target_groups=list(category.target_groups),
        city=CITY,
        address=address,
        district=_district_in(f"{name} {address}", districts),
        phone=phone,
        status=category.status,
        source=SOURCE_FIXES.get(row["source_url"], row["source_url"]),
        notes=" ".join(n for n in notes if n),
    )


def build_places(raw: Path, districts: Sequence[str]) -> list[Record]:
    """Resources of Częstochowa: OpenStreetMap places, then the social places."""
    social = read_csv(raw / SOCIAL_FILE)
    return _osm_places(raw) + [
        _social_place(i, row, districts) for i, row in enumerate(social, start=1)
    ]
