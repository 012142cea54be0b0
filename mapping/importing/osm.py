"""OpenStreetMap data (Overpass JSON, overpass-turbo GeoJSON) as rows for import.

OSM says what a place is in tags, not columns: ``amenity=library``,
``addr:street`` + ``addr:housenumber``, ``opening_hours``, ``wheelchair``.
Each element becomes a row whose columns are named as the schema's fields
("Nazwa", "Rodzaj", "Kategoria", "Adres", …), so the usual column guess maps
them; the kind, category, type and target groups come from the declared
table in ``osm_tags``.  Every row's "Źródło" credits OpenStreetMap (ODbL)
with the element's address (``https://www.openstreetmap.org/node/…``).

Read here: Overpass API JSON (``out center`` or ``out geom``), the GeoJSON
overpass-turbo exports (flat properties with ``@id``, or the older
``tags``/``id`` form) and GDAL/QuickOSM layers (``osm_id``, ``other_tags``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
import shapely.errors
import shapely.geometry
from shapely.geometry.base import BaseGeometry

from mapping.importing.osm_tags import (
    ACCESSIBILITY,
    FOR_GROUPS,
    OSM_CREDIT,
    SOCIAL_FACILITY_TYPES,
    classify,
)
from mapping.importing.source import SourceReadError, SourceTable, build_table
from mapping.language import Message
from mapping.schema import RESOURCES

__all__ = ["OSM_MARK", "osm_hours", "osm_values", "read_osm_file"]

#: How the first bytes of a JSON file show it comes from OpenStreetMap.
OSM_MARK = re.compile(
    rb'"@?id"\s*:\s*"(?:node|way|relation)/\d|from www\.openstreetmap\.org'
    rb'|"generator"\s*:\s*"Overpass|"osm3s"\s*:|"osm_id"\s*:'
)

_FIELDS = (
    "name",
    "kind",
    "subtype",
    "category",
    "target_groups",
    "offer",
    "address",
    "opening_hours",
    "accessibility",
    "website",
    "phone",
    "email",
    "source",
)
#: The columns are the fields' own labels, so the column guess maps them at once.
_HEADERS = [RESOURCES.field(n).label for n in _FIELDS]
_HEADERS[_FIELDS.index("offer")] = "Opis"  # a resource's offer, a need's description
_TAG_COLUMN = "Znacznik OSM"
_ID_COLUMN = "Identyfikator OSM"
_UNNAMED = "(bez nazwy w OpenStreetMap)"

_DAYS = {"Mo": "pn", "Tu": "wt", "We": "śr", "Th": "czw", "Fr": "pt", "Sa": "sob", "Su": "nd"}
_HOUR_WORDS = {"PH": "święta", "off": "nieczynne", "closed": "nieczynne", "24/7": "całą dobę"}
_HOUR_TOKEN = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off|closed)\b|24/7")


def osm_hours(text: str) -> str:
    """``opening_hours`` with Polish day names.

    "Mo-Fr 08:00-16:00; Sa off" → "pn-pt 08:00-16:00; sob nieczynne".
    """

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        return _DAYS.get(token) or _HOUR_WORDS.get(token, token)

    return _HOUR_TOKEN.sub(word, text.strip())


def _address(tags: Mapping[str, str]) -> str | None:
    street = tags.get("addr:street") or tags.get("addr:place")
    number = tags.get("addr:housenumber")
    if not street:
        return tags.get("addr:full")
    address = f"{street} {number}" if number else street
    town = tags.get("addr:city")
    postcode = tags.get("addr:postcode")
    if postcode or town:
        address += ", " + " ".join(p for p in (postcode, town) if p)
    return address


def _accessibility(tags: Mapping[str, str]) -> str | None:
    text = ACCESSIBILITY.get(tags.get("wheelchair", ""))
    extra = tags.get("wheelchair:description:pl") or tags.get("wheelchair:description")
    if text and extra:
        return f"{text} ({extra})"
    return text or extra


def _groups(tags: Mapping[str, str], implied: tuple[str, ...]) -> str | None:
    codes = list(implied)
    for key in ("social_facility:for", "community_centre:for"):
        for value in tags.get(key, "").split(";"):
            codes += [c for c in FOR_GROUPS.get(value.strip(), ()) if c not in codes]
    return "; ".join(codes) or None


def _first(tags: Mapping[str, str], *keys: str) -> str | None:
    return next((tags[k] for k in keys if tags.get(k)), None)


def osm_values(tags: Mapping[str, str], osm_id: str | None) -> dict[str, str | None]:
    """A place's tags as field values (names as in ``mapping.schema``)."""
    rule = classify(tags)
    subtype = rule.subtype if rule else None
    if rule and rule.key == "amenity" and rule.value == "social_facility":
        subtype = SOCIAL_FACILITY_TYPES.get(tags.get("social_facility", ""), subtype)
    name = _first(tags, "name:pl", "name", "official_name", "short_name")
    if not name and subtype:
        name = f"{subtype.capitalize()} {_UNNAMED}"
    hours = tags.get("opening_hours")
    link = f"https://www.openstreetmap.org/{osm_id}" if osm_id else None
    return {
        "name": name,
        "kind": rule.kind if rule else None,
        "subtype": subtype,
        "category": rule.category if rule else None,
        "target_groups": _groups(tags, rule.groups if rule else ()),
        "offer": _first(tags, "description:pl", "description"),
        "address": _address(tags),
        "opening_hours": osm_hours(hours) if hours else None,
        "accessibility": _accessibility(tags),
        "website": _first(tags, "website", "contact:website", "url", "contact:facebook"),
        "phone": _first(tags, "phone", "contact:phone", "contact:mobile"),
        "email": _first(tags, "email", "contact:email"),
        "source": f"{OSM_CREDIT}, {link}" if link else OSM_CREDIT,
    }


# -- the formats ----------------------------------------------------------------------

_Place = tuple[dict[str, str], str | None, BaseGeometry | None]
_OTHER_TAGS = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def _element_geometry(element: Mapping[str, Any]) -> BaseGeometry | None:
    """An Overpass element's place: a node's point, a way's centre or drawn shape."""
    if "lat" in element and "lon" in element:
        return shapely.Point(float(element["lon"]), float(element["lat"]))
    center = element.get("center")
    if isinstance(center, dict) and "lat" in center:
        return shapely.Point(float(center["lon"]), float(center["lat"]))
    points = [(float(p["lon"]), float(p["lat"])) for p in element.get("geometry") or [] if p]
    if len(points) > 3 and points[0] == points[-1]:  # a way drawn closed is an area
        return shapely.Polygon(points)
    if len(points) > 1:
        return shapely.LineString(points)
    bounds = element.get("bounds")
    if isinstance(bounds, dict) and "minlat" in bounds:
        box = shapely.box(bounds["minlon"], bounds["minlat"], bounds["maxlon"], bounds["maxlat"])
        return box.centroid
    return None


def _overpass_places(data: Mapping[str, Any]) -> Iterator[_Place]:
    for element in data.get("elements") or []:
        tags = element.get("tags") if isinstance(element, dict) else None
        if not tags:  # the nodes of a way, fetched only for its shape
            continue
        osm_id = f"{element.get('type')}/{element.get('id')}" if element.get("id") else None
        yield dict(tags), osm_id, _element_geometry(element)


def _feature_tags(properties: Mapping[str, Any], feature_id: Any) -> tuple[dict[str, str], Any]:
    if isinstance(properties.get("tags"), dict):  # osmtogeojson before version 3
        tags = dict(properties["tags"])
        kind, number = properties.get("type"), properties.get("id")
        return tags, (f"{kind}/{number}" if kind and number else feature_id)
    tags = {k: v for k, v in properties.items() if not k.startswith("@") and v is not None}
    osm_id = properties.get("@id") or feature_id
    if "other_tags" in tags:  # GDAL's OSM driver and QuickOSM: "k"=>"v","k2"=>"v2"
        tags.update(dict(_OTHER_TAGS.findall(str(tags.pop("other_tags")))))
    if "osm_id" in tags:
        osm_type = tags.pop("osm_type", None) or ("way" if "osm_way_id" in tags else "node")
        osm_id = f"{osm_type}/{tags.pop('osm_id')}"
    return {k: str(v) for k, v in tags.items()}, osm_id


def _geojson_places(data: Mapping[str, Any]) -> Iterator[_Place]:
    for feature in data.get("features") or []:
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties") or {}
        tags, osm_id = _feature_tags(properties, feature.get("id"))
        try:
            geometry = (
                shapely.geometry.shape(feature["geometry"]) if feature.get("geometry") else None
            )
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            geometry = None
        yield tags, (str(osm_id) if osm_id else None), geometry


def _notes(places: list[_Place], rows: list[dict[str, str | None]]) -> list[str]:
    notes: list[str] = [
        Message(
            "dane z OpenStreetMap: {count} obiektów; przy każdym wpisie zapisano źródło "
            "„{credit}” z adresem obiektu (licencja ODbL wymaga podania autorów)",
            count=len(places),
            credit=OSM_CREDIT,
        )
    ]
    unnamed = sum(1 for r in rows if _UNNAMED in (r["name"] or ""))
    if unnamed:
        notes.append(
            Message(
                "obiektów bez nazwy w OSM: {count} — nazwano je rodzajem miejsca "
                "z dopiskiem „{suffix}”; popraw nazwy w podglądzie lub po imporcie",
                count=unnamed,
                suffix=_UNNAMED,
            )
        )
    unknown = Counter(
        next((f"{k}={v}" for k, v in tags.items() if k in ("amenity", "leisure", "shop")), "inne")
        for (tags, _, _), row in zip(places, rows, strict=True)
        if row["kind"] is None
    )
    if unknown:
        listed = ", ".join(f"{tag} ({n})" for tag, n in unknown.most_common(5))
        notes.append(
            Message(
                "znaczniki OSM spoza tabeli rodzajów: {tags} — rodzaj i kategoria "
                "z nazwy albo „do uzupełnienia”",
                tags=listed,
            )
        )
    return notes


def _key_tag(tags: Mapping[str, str]) -> str | None:
    rule = classify(tags)
    if rule is None:
        return None
    return f"{rule.key}={tags[rule.key]}"


def read_osm_file(path: Path, data: Mapping[str, Any] | None = None) -> SourceTable:
    """Read an Overpass JSON or OSM GeoJSON file: one row per tagged element.

    Raises
    ------
    SourceReadError when the file is not JSON, or the Overpass server
    returned an error instead of data.
    """
    if data is None:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise SourceReadError(
                Message(
                    "nie można odczytać pliku {file}: to nie jest poprawny JSON z OpenStreetMap",
                    file=path.name,
                )
            ) from None
    if not isinstance(data, dict):
        raise SourceReadError(
            Message("plik {file} nie zawiera danych OpenStreetMap", file=path.name)
        )
    overpass = "elements" in data
    places = list(_overpass_places(data) if overpass else _geojson_places(data))
    remark = str(data.get("remark") or "")
    if not places:
        if remark:
            raise SourceReadError(
                Message(
                    "plik {file} nie zawiera żadnych obiektów OpenStreetMap z opisem "
                    "(serwer Overpass: {remark})",
                    file=path.name,
                    remark=remark[:200],
                )
            )
        raise SourceReadError(
            Message(
                "plik {file} nie zawiera żadnych obiektów OpenStreetMap z opisem", file=path.name
            )
        )
    rows = [osm_values(tags, osm_id) for tags, osm_id, _ in places]
    headers = [*_HEADERS, _TAG_COLUMN, _ID_COLUMN]
    cells = [
        [r[f] for f in _FIELDS] + [_key_tag(tags), osm_id]
        for r, (tags, osm_id, _) in zip(rows, places, strict=True)
    ]
    numbers = list(range(2, 2 + len(cells)))
    notes = _notes(places, rows)
    if remark:
        notes.append(
            Message(
                "uwaga serwera Overpass: {remark} — dane mogą być niepełne", remark=remark[:200]
            )
        )
    table = build_table(
        path, "overpass" if overpass else "osm-geojson", headers, cells, numbers, notes=notes
    )
    geometry = gpd.GeoSeries([g for _, _, g in places], index=numbers, crs="EPSG:4326")
    table.geometry = geometry.loc[table.frame.index]
    return table
