"""Recorded OpenStreetMap answers for Stogi (Gdańsk): an Overpass JSON and its GeoJSON.

Small and realistic: what ``[out:json]; nwr[…](poly:…); out center tags;``
returns for a few places of the district, and the same places as
overpass-turbo exports them (flat properties with ``@id``).
"""

from __future__ import annotations

from typing import Any

#: (type, id, lon, lat, tags) of the places; the playground is unnamed, as many are.
PLACES: list[tuple[str, int, float, float, dict[str, str]]] = [
    (
        "node",
        2419601231,
        18.70012,
        54.38176,
        {
            "amenity": "library",
            "name": "Filia nr 12 Gdańskiej Biblioteki Publicznej",
            "addr:street": "Stryjewskiego",
            "addr:housenumber": "25",
            "addr:postcode": "80-636",
            "addr:city": "Gdańsk",
            "opening_hours": "Mo-Fr 10:00-18:00; Sa 10:00-14:00; Su off",
            "wheelchair": "yes",
            "website": "https://www.gdanska.wbp.gda.pl",
            "phone": "+48 58 307 12 34",
        },
    ),
    (
        "way",
        401223344,
        18.70411,
        54.37950,
        {
            "amenity": "community_centre",
            "name": "Dom Sąsiedzki „Stogi”",
            "addr:street": "Wiejska",
            "addr:housenumber": "1",
            "wheelchair": "limited",
        },
    ),
    (
        "node",
        5511223344,
        18.69805,
        54.38320,
        {
            "amenity": "social_facility",
            "social_facility": "outreach",
            "social_facility:for": "senior",
            "name": "Klub Seniora „Przystań”",
            "description": "Spotkania w czwartki, gimnastyka i wycieczki",
        },
    ),
    (
        "way",
        398877665,
        18.70805,
        54.37520,
        {"leisure": "sports_centre", "name": "Ośrodek Sportu i Rekreacji Stogi"},
    ),
    (
        "node",
        3344556677,
        18.69533,
        54.37810,
        {
            "amenity": "place_of_worship",
            "religion": "christian",
            "name": "Parafia pw. Matki Bożej Królowej Różańca Świętego",
        },
    ),
    ("way", 512345678, 18.70121, 54.38010, {"leisure": "playground"}),
    ("node", 6677889900, 18.70222, 54.38088, {"shop": "convenience", "name": "Sklep „U Zosi”"}),
]
NAMED = [tags["name"] for *_, tags in PLACES if "name" in tags]


def overpass_json() -> dict[str, Any]:
    """The Overpass API answer (``out center tags``): nodes with lat/lon, ways with a centre."""
    elements = []
    for kind, number, lon, lat, tags in PLACES:
        element: dict[str, Any] = {"type": kind, "id": number}
        if kind == "node":
            element |= {"lat": lat, "lon": lon}
        else:
            element["center"] = {"lat": lat, "lon": lon}
        elements.append(element | {"tags": tags})
    return {
        "version": 0.6,
        "generator": "Overpass API 0.7.62.1 084b4234",
        "osm3s": {
            "timestamp_osm_base": "2026-11-30T10:00:00Z",
            "copyright": "The data included in this document is from www.openstreetmap.org. "
            "The data is made available under ODbL.",
        },
        "elements": elements,
    }


def _square(lon: float, lat: float, half: float = 0.0004) -> dict[str, Any]:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def overpass_geojson() -> dict[str, Any]:
    """The same places as overpass-turbo's "Eksport → GeoJSON" (ways as polygons)."""
    features = []
    for kind, number, lon, lat, tags in PLACES:
        geometry = (
            {"type": "Point", "coordinates": [lon, lat]} if kind == "node" else _square(lon, lat)
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"@id": f"{kind}/{number}", **tags},
                "geometry": geometry,
                "id": f"{kind}/{number}",
            }
        )
    return {
        "type": "FeatureCollection",
        "generator": "overpass-turbo",
        "copyright": "The data included in this document is from www.openstreetmap.org. "
        "The data is made available under ODbL.",
        "timestamp": "2026-11-30T10:00:00Z",
        "features": features,
    }
