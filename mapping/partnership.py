"""Partnerships: who is in them, how they are composed, and where they work.

A partnership's ``members`` are ids of resources; what kind of partner a
member is comes from the resource's ``kind`` (instytucja, organizacja, osoba…)
and, for informal groups, its ``subtype`` — the schema has no separate kind
for them, so an organisation whose type says "grupa nieformalna" counts as one.
Members whose resource is missing (archived, or from another city) are left
out of every count rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import geopandas as gpd
import pandas as pd
import shapely

from mapping.areas import area_key, area_keys
from mapping.errors import MapError
from mapping.frames import METRIC_CRS, WGS84, decode_list, has_location
from mapping.language import Message, count, joined
from mapping.plural import Forms
from mapping.text import fold, match_key, polish_sorted, sort_key

__all__ = [
    "LINK_COLUMNS",
    "MEMBER_TABLE_COLUMNS",
    "MEMBER_TYPES",
    "PARTNER_FORMS",
    "MemberType",
    "actions_timeline",
    "composition",
    "composition_sentence",
    "find_partnership",
    "member_type",
    "members",
    "members_table",
    "partnership_districts",
    "partnership_links",
    "partnerships_in_district",
]

Record: TypeAlias = Mapping[str, Any] | pd.Series


@dataclass(frozen=True)
class MemberType:
    """A kind of partner: a stable code, a table label and its forms after numbers."""

    code: str
    label: str
    forms: Forms


#: Kinds of partners in the order reports list them (institutions first, as
#: partnership agreements do).
MEMBER_TYPES: tuple[MemberType, ...] = (
    MemberType("instytucja", "instytucja", Forms("instytucja", "instytucje", "instytucji")),
    MemberType(
        "organizacja",
        "organizacja pozarządowa",
        Forms("organizacja pozarządowa", "organizacje pozarządowe", "organizacji pozarządowych"),
    ),
    MemberType(
        "grupa_nieformalna",
        "grupa nieformalna",
        Forms("grupa nieformalna", "grupy nieformalne", "grup nieformalnych"),
    ),
    MemberType("osoba", "osoba / lider", Forms("osoba", "osoby", "osób")),
    MemberType("miejsce", "miejsce", Forms("miejsce", "miejsca", "miejsc")),
    MemberType(
        "wydarzenie",
        "wydarzenie cykliczne",
        Forms("wydarzenie cykliczne", "wydarzenia cykliczne", "wydarzeń cyklicznych"),
    ),
    MemberType(
        "inne", "inny partner", Forms("inny partner", "innych partnerów", "innych partnerów")
    ),
)
_TYPES = {t.code: t for t in MEMBER_TYPES}
#: "partner" is masculine-personal: "2 partnerów", like "5 partnerów".
PARTNER_FORMS = Forms("partner", "partnerów", "partnerów")
MEMBER_TABLE_COLUMNS = ("Nazwa", "Rodzaj partnera", "Typ", "Dzielnica")
LINK_COLUMNS = (
    "partnership_id",
    "partnership",
    "member_id",
    "member",
    "member_type",
    "anchor",
)
_INFORMAL = "nieformaln"  # "grupa nieformalna", "nieformalna grupa sąsiedzka"…


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def member_type(kind: str | None, subtype: str | None = None) -> str:
    """The ``MEMBER_TYPES`` code of a resource of ``kind`` and ``subtype``."""
    if _INFORMAL in fold(_text(subtype)):
        return "grupa_nieformalna"
    return kind if kind in _TYPES else "inne"


def members(partnership: Record, resources: pd.DataFrame) -> pd.DataFrame:
    """The resources that are members of ``partnership``, in the order they were listed.

    Ids that name no row of ``resources`` are skipped (see the module note).
    """
    ids = list(dict.fromkeys(decode_list(partnership.get("members"))))
    found = resources[resources["id"].isin(ids)]
    order = {member_id: i for i, member_id in enumerate(ids)}
    return found.iloc[found["id"].map(order).argsort()]


def composition(partnership: Record, resources: pd.DataFrame) -> dict[str, int]:
    """How many members of each type, e.g. ``{"instytucja": 6, "organizacja": 6}``.

    Only types with members appear, in ``MEMBER_TYPES`` order.
    """
    found = members(partnership, resources)
    types = [member_type(k, s) for k, s in zip(found["kind"], found["subtype"], strict=True)]
    return {t.code: types.count(t.code) for t in MEMBER_TYPES if t.code in types}


def composition_sentence(counts: Mapping[str, int]) -> Message:
    """ "12 partnerów: 6 instytucji i 6 organizacji pozarządowych" (from ``composition``).

    A message: its English says "12 partners: 6 institutions and 6 NGOs".
    """
    total = sum(counts.values())
    if total == 0:
        return Message("Brak partnerów na liście członków.")
    parts = [count(counts[t.code], t.forms) for t in MEMBER_TYPES if counts.get(t.code)]
    listed = (
        parts[0]
        if len(parts) == 1
        else Message("{first} i {last}", first=joined(", ", parts[:-1]), last=parts[-1])
    )
    return Message("{total}: {listed}", total=count(total, PARTNER_FORMS), listed=listed)


def members_table(partnership: Record, resources: pd.DataFrame) -> pd.DataFrame:
    """Members as people read them: name, type, subtype, district; by type, then name."""
    found = members(partnership, resources)
    rows = []
    for _, row in found.iterrows():
        code = member_type(row["kind"], row["subtype"])
        rows.append((code, _text(row["name"]), _text(row["subtype"]), _text(row["district"])))
    order = [t.code for t in MEMBER_TYPES]
    rows.sort(key=lambda r: (order.index(r[0]), sort_key(r[1])))
    return pd.DataFrame(
        [(name, _TYPES[code].label, sub, district) for code, name, sub, district in rows],
        columns=list(MEMBER_TABLE_COLUMNS),
    )


def partnership_districts(partnership: Record) -> list[str]:
    """The districts a partnership works in (its ``districts`` text split on , and ;)."""
    parts = re.split(r"[;,]", _text(partnership.get("districts")))
    return [part.strip() for part in parts if part.strip()]


def find_partnership(partnerships: pd.DataFrame, name_or_id: str) -> pd.Series:
    """The partnership with this id or name (case and diacritics ignored).

    Raises
    ------
    MapError
        When none matches, listing the partnerships there are.
    """
    wanted = match_key(name_or_id)
    hits = partnerships[
        (partnerships["id"] == name_or_id) | (partnerships["name"].map(match_key) == wanted)
    ]
    if hits.empty:
        known = ", ".join(polish_sorted(partnerships["name"].dropna().astype(str))) or "brak"
        raise MapError(f"nie ma partnerstwa „{name_or_id}”; dostępne: {known}", field="partnerstwo")
    return hits.iloc[0]


def partnerships_in_district(
    partnerships: pd.DataFrame, district: str, resources: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Partnerships working in ``district``.

    A partnership works there when its ``districts`` name the district, or —
    when ``resources`` are given — when any of its members lies there (by the
    member's ``district``): a partnership from next door whose school sits in
    this district is a partner here too.
    """
    if partnerships.empty:
        return partnerships
    wanted = area_key(district)
    named = pd.Series(
        [
            wanted in {area_key(d) for d in partnership_districts(p)}
            for _, p in partnerships.iterrows()
        ],
        index=partnerships.index,
    )
    if resources is not None and not resources.empty:
        here = set(resources.loc[area_keys(resources["district"]) == wanted, "id"])
        named |= partnerships["members"].map(lambda ids: bool(here & set(decode_list(ids))))
    return partnerships[named.to_numpy()]


def _anchor(
    partnership: Record, located: gpd.GeoDataFrame
) -> tuple[shapely.Geometry, str, str | None]:
    """Where a partnership's links start (metric): its coordinator, else its members' centre.

    Returns the point, how it was chosen, and the id of the member it is (if any).
    """
    coordinator = match_key(partnership.get("coordinator"))
    if coordinator:
        for _, row in located.iterrows():
            if coordinator in (match_key(row["name"]), match_key(row["id"])):
                return row.geometry, "koordynator", row["id"]
    return shapely.MultiPoint(list(located.geometry)).centroid, "środek", None


def partnership_links(partnerships: pd.DataFrame, resources: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Lines from each partnership to each of its located members, for drawing on a map.

    A partnership's lines start at its coordinator when ``coordinator`` names
    (or is the id of) a located member, otherwise at the centre of its located
    members.  Members without a location get no line; a partnership with a
    single located member and no coordinator among them gets none either.

    Returns
    -------
    GeoDataFrame
        One LineString (EPSG:4326) per member, columns ``LINK_COLUMNS``
        (``anchor`` is "koordynator" or "środek").
    """
    metric = resources[has_location(resources.geometry).to_numpy()].to_crs(METRIC_CRS)
    rows, lines = [], []
    for _, partnership in partnerships.iterrows():
        located = members(partnership, metric)
        if located.empty:
            continue
        start, how, start_id = _anchor(partnership, located)
        for _, member in located.iterrows():
            if member["id"] == start_id or member.geometry.equals(start):
                continue  # the coordinator itself, or a lone member at the centre
            rows.append(
                (
                    partnership["id"],
                    partnership["name"],
                    member["id"],
                    member["name"],
                    member_type(member["kind"], member["subtype"]),
                    how,
                )
            )
            lines.append(shapely.LineString([start, member.geometry]))
    frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    links = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(lines, crs=METRIC_CRS))
    return links.to_crs(WGS84)


def actions_timeline(actions: pd.DataFrame, partnerships: pd.DataFrame) -> pd.DataFrame:
    """Actions in date order with their partnership's name, as people read them."""
    names = dict(zip(partnerships["id"], partnerships["name"], strict=False))
    rows = [
        {
            "Data": row["date"],
            "Działanie": row["name"],
            "Dzielnica": row.get("district") or "",
            "Uczestnicy": None if pd.isna(row.get("participants")) else int(row["participants"]),
            "Partnerstwo": ", ".join(names.get(p, p) for p in (row.get("partnership") or [])),
        }
        for row in actions.to_dict("records")
    ]
    table = pd.DataFrame(
        rows, columns=["Data", "Działanie", "Dzielnica", "Uczestnicy", "Partnerstwo"]
    )
    return table.sort_values("Data", kind="stable").reset_index(drop=True)
