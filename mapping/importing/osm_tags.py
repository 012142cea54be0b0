"""What OpenStreetMap tags say a place is, in the schema's vocabulary.

One declared table: an OSM tag (``amenity=library``) → the resource's kind,
category, Polish type and target groups, as codes of ``mapping.schema``
(checked when this module is imported, so a typo fails at once, not in an
import).  The same table says what the Overpass query asks for
(``mapping.importing.overpass``), so what is fetched is what can be read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mapping.schema import EVERYONE, RESOURCES, TARGET_GROUPS

__all__ = [
    "ACCESSIBILITY",
    "FOR_GROUPS",
    "OSM_CREDIT",
    "SOCIAL_FACILITY_TYPES",
    "TAG_RULES",
    "TagRule",
    "classify",
    "query_filters",
]

#: The credit OpenStreetMap's licence (ODbL) asks for, recorded on every record.
OSM_CREDIT = "© OpenStreetMap contributors (ODbL)"


@dataclass(frozen=True)
class TagRule:
    """One OSM tag and what it makes of a place.

    ``value`` None matches any value of ``key`` (``club=*``); ``groups`` are
    target-group codes the tag implies (a kindergarten is for children).
    """

    key: str
    value: str | None
    kind: str
    category: str
    subtype: str
    groups: tuple[str, ...] = ()


def _rules(*rows: tuple) -> tuple[TagRule, ...]:
    return tuple(TagRule(*row) for row in rows)


_YOUNG = ("dzieci", "mlodziez")

#: In priority order: the first rule a place's tags match wins, so specific
#: tags (``club=sport``) come before their catch-all (``club=*``).
TAG_RULES: tuple[TagRule, ...] = _rules(
    ("amenity", "library", "instytucja", "kultura", "biblioteka"),
    ("amenity", "public_bookcase", "miejsce", "kultura", "biblioteczka sąsiedzka"),
    ("amenity", "arts_centre", "instytucja", "kultura", "centrum kultury"),
    ("amenity", "theatre", "instytucja", "kultura", "teatr"),
    ("amenity", "cinema", "instytucja", "kultura", "kino"),
    ("amenity", "community_centre", "miejsce", "miejsce_spotkan", "dom sąsiedzki / świetlica"),
    ("amenity", "social_centre", "organizacja", "aktywnosc", "centrum społeczne"),
    ("amenity", "social_facility", "instytucja", "pomoc_spoleczna", "placówka pomocy społecznej"),
    ("amenity", "food_sharing", "miejsce", "pomoc_spoleczna", "jadłodzielnia"),
    ("amenity", "youth_centre", "instytucja", "aktywnosc", "klub młodzieżowy", ("mlodziez",)),
    ("amenity", "kindergarten", "instytucja", "edukacja", "przedszkole", ("dzieci",)),
    ("amenity", "childcare", "instytucja", "edukacja", "żłobek / opieka nad dziećmi", ("dzieci",)),
    ("amenity", "school", "instytucja", "edukacja", "szkoła", _YOUNG),
    ("amenity", "college", "instytucja", "edukacja", "szkoła policealna", ("mlodziez", "dorosli")),
    ("amenity", "university", "instytucja", "edukacja", "uczelnia", ("mlodziez", "dorosli")),
    ("amenity", "place_of_worship", "instytucja", "religia", "miejsce kultu religijnego"),
    ("amenity", "townhall", "instytucja", "administracja", "urząd"),
    ("amenity", "police", "instytucja", "bezpieczenstwo", "policja"),
    ("amenity", "fire_station", "instytucja", "bezpieczenstwo", "straż pożarna"),
    ("amenity", "clinic", "instytucja", "zdrowie", "przychodnia"),
    ("amenity", "hospital", "instytucja", "zdrowie", "szpital"),
    ("amenity", "doctors", "instytucja", "zdrowie", "gabinet lekarski"),
    ("leisure", "playground", "miejsce", "zielen", "plac zabaw", ("dzieci",)),
    ("leisure", "park", "miejsce", "zielen", "park"),
    ("leisure", "garden", "miejsce", "zielen", "ogród"),
    ("leisure", "dog_park", "miejsce", "zielen", "wybieg dla psów"),
    ("leisure", "sports_centre", "instytucja", "sport", "ośrodek sportu"),
    ("leisure", "sports_hall", "miejsce", "sport", "hala sportowa"),
    ("leisure", "stadium", "miejsce", "sport", "stadion"),
    ("leisure", "swimming_pool", "miejsce", "sport", "basen"),
    ("leisure", "pitch", "miejsce", "sport", "boisko"),
    ("leisure", "fitness_station", "miejsce", "sport", "siłownia plenerowa"),
    ("tourism", "museum", "instytucja", "kultura", "muzeum"),
    ("tourism", "gallery", "instytucja", "kultura", "galeria"),
    ("office", "ngo", "organizacja", "aktywnosc", "organizacja pozarządowa"),
    ("office", "association", "organizacja", "aktywnosc", "stowarzyszenie"),
    ("office", "foundation", "organizacja", "aktywnosc", "fundacja"),
    ("office", "employment_agency", "instytucja", "praca", "urząd pracy"),
    ("office", "government", "instytucja", "administracja", "urząd"),
    ("office", "religion", "instytucja", "religia", "kancelaria parafialna"),
    ("club", "sport", "organizacja", "sport", "klub sportowy"),
    ("club", None, "organizacja", "aktywnosc", "klub"),
    ("healthcare", None, "instytucja", "zdrowie", "placówka ochrony zdrowia"),
    ("historic", "memorial", "miejsce", "dziedzictwo", "miejsce pamięci"),
    ("historic", "monument", "miejsce", "dziedzictwo", "pomnik"),
)

#: ``social_facility=*`` → the Polish type of a social-care place.
SOCIAL_FACILITY_TYPES: dict[str, str] = {
    "nursing_home": "dom pomocy społecznej",
    "assisted_living": "mieszkanie wspomagane",
    "group_home": "mieszkanie chronione",
    "food_bank": "bank żywności",
    "soup_kitchen": "jadłodajnia",
    "shelter": "noclegownia / schronisko",
    "outreach": "punkt wsparcia",
    "day_care": "dzienny dom pomocy",
    "ambulatory_care": "dzienny dom pomocy",
}

#: ``social_facility:for=*`` (and ``community_centre:for``) → target-group codes.
FOR_GROUPS: dict[str, tuple[str, ...]] = {
    "senior": ("seniorzy",),
    "child": ("dzieci",),
    "orphan": ("dzieci",),
    "juvenile": ("mlodziez",),
    "youth": ("mlodziez",),
    "disabled": ("niepelnosprawni",),
    "mental_health": ("niepelnosprawni",),
    "family": ("rodziny",),
    "all": (EVERYONE,),
}

#: ``wheelchair=*`` → the accessibility text of the record.
ACCESSIBILITY: dict[str, str] = {
    "yes": "dostępne dla osób na wózkach",
    "designated": "przystosowane dla osób na wózkach",
    "limited": "częściowo dostępne dla osób na wózkach",
    "no": "niedostępne dla osób na wózkach",
}


def classify(tags: Mapping[str, str]) -> TagRule | None:
    """The first rule of ``TAG_RULES`` the tags match, or None."""
    for rule in TAG_RULES:
        value = tags.get(rule.key)
        if value is not None and (rule.value is None or value == rule.value):
            return rule
    return None


def query_filters() -> list[tuple[str, tuple[str, ...] | None]]:
    """(key, values) the Overpass query asks for; None = any value of the key."""
    wanted: dict[str, list[str] | None] = {}
    for rule in TAG_RULES:
        if rule.key in wanted and wanted[rule.key] is None:
            continue
        if rule.value is None:
            wanted[rule.key] = None
        else:
            values = wanted.setdefault(rule.key, [])
            if values is not None and rule.value not in values:
                values.append(rule.value)
    return [(k, None if v is None else tuple(v)) for k, v in wanted.items()]


def _check_vocabulary() -> None:
    """Every code above is a code of the schema (a typo fails when the module loads)."""
    kinds = set(RESOURCES.field("kind").codes)
    categories = set(RESOURCES.field("category").codes)
    groups = {c.code for c in TARGET_GROUPS}
    for rule in TAG_RULES:
        if rule.kind not in kinds or rule.category not in categories:
            raise ValueError(f"osm_tags: {rule.key}={rule.value}: nieznany rodzaj lub kategoria")
        if not set(rule.groups) <= groups:
            raise ValueError(f"osm_tags: {rule.key}={rule.value}: nieznana grupa docelowa")
    for found in FOR_GROUPS.values():
        if not set(found) <= groups:
            raise ValueError(f"osm_tags: nieznana grupa docelowa {found}")


_check_vocabulary()
