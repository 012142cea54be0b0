"""A small map for the export tests, with sentinel strings in team and private fields.

Gdańsk (test) has a city outline and two districts with polygons and
population: "Wrzeszcz Górny" (west) and "Oliwa" (east; its polygon is stored
with a clockwise exterior and a counter-clockwise hole, the wrong way round
for RFC 7946, so the GeoJSON export has something to fix).  Częstochowa has
districts without polygons.

Every private field holds ``PRIVATE`` and every team field that takes text
holds ``TEAM`` (e-mail: ``TEAM_EMAIL``); the author of all changes is
``TEAM_AUTHOR`` (a team system column).  ``PERSON_NAME`` is a resource of
kind "osoba", a member of the partnership; ``ARCHIVED_NAME`` is archived.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from shapely.geometry import Point, Polygon, box

from mapping.schema import SAMPLE_SOURCE
from mapping.store import GeoPackageStore
from tests.factories import need_values, resource_values

__all__ = [
    "ARCHIVED_NAME",
    "CITY",
    "HOSTILE_NAMES",
    "PERSON_NAME",
    "POLISH_NAME",
    "PRIVATE",
    "PUBLIC_NAME",
    "TEAM",
    "TEAM_AUTHOR",
    "TEAM_EMAIL",
    "TEAM_SENTINELS",
    "fill_store",
    "texts_of",
]

CITY = "Gdańsk"
PRIVATE = "PRYWATNE-7f3a"
TEAM = "ZESPOL-91bc"
TEAM_EMAIL = "zespol91bc@example.pl"
TEAM_AUTHOR = "autor-ZESPOL-a4e0"
TEAM_SENTINELS = (TEAM, TEAM_EMAIL, TEAM_AUTHOR)
PERSON_NAME = "Lider-Osoba-5e2d"
ARCHIVED_NAME = "ARCHIWUM-3c1d"
POLISH_NAME = "Zażółć gęślą jaźń"
#: ASCII, so it reads the same in any escaping (JSON in an HTML map).
PUBLIC_NAME = "Dom Sasiedzki-0b7e"
HOSTILE_NAMES = (
    '=HYPERLINK("http://zlo.example","klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
)

_WEST = box(18.55, 54.36, 18.60, 54.40)
# Oliwa: exterior clockwise, hole counter-clockwise (both wrong for RFC 7946).
_EAST = Polygon(
    [(18.60, 54.36), (18.60, 54.40), (18.65, 54.40), (18.65, 54.36), (18.60, 54.36)],
    [[(18.62, 54.37), (18.63, 54.37), (18.63, 54.38), (18.62, 54.38), (18.62, 54.37)]],
)
_PRIVATE_RESOURCE = {"contact_person": PRIVATE, "skills": PRIVATE, "availability": PRIVATE}
_TEAM_RESOURCE = {"email": TEAM_EMAIL, "phone": "+48 600 100 200", "notes": TEAM}


def _resource(**values: Any) -> dict[str, Any]:
    return resource_values(**{**_PRIVATE_RESOURCE, **_TEAM_RESOURCE, **values})


def fill_store(store: GeoPackageStore) -> dict[str, str]:
    """Fill ``store`` with the test map; return ids by a short name."""
    ids: dict[str, str] = {}
    with store.batch(TEAM_AUTHOR) as b:
        b.create(
            "areas",
            {
                "name": CITY,
                "kind": "miasto",
                "city": CITY,
                "geometry": box(18.55, 54.36, 18.65, 54.40),
            },
        )
        for name, shape, people in (("Wrzeszcz Górny", _WEST, 40000), ("Oliwa", _EAST, 20000)):
            b.create(
                "areas",
                {
                    "name": name,
                    "kind": "dzielnica",
                    "city": CITY,
                    "population": people,
                    "notes": TEAM,
                    "geometry": shape,
                },
            )
        ids["library"] = b.create(
            "resources",
            _resource(
                name=POLISH_NAME,
                district="Wrzeszcz Górny",
                geometry=Point(18.571234567, 54.381234567),
            ),
        )["id"]
        ids["public"] = b.create(
            "resources", _resource(name=PUBLIC_NAME, geometry=Point(18.58, 54.39))
        )["id"]
        ids["sample"] = b.create(
            "resources",
            _resource(
                name="Świetlica przykładowa",
                category="miejsce_spotkan",
                source=SAMPLE_SOURCE,
                geometry=Point(18.61, 54.39),
            ),
        )["id"]
        ids["unplaced"] = b.create(
            "resources",
            _resource(name="Klub bez adresu", category="sport", district="Oliwa", geometry=None),
        )["id"]
        ids["person"] = b.create(
            "resources",
            _resource(
                name=PERSON_NAME, kind="osoba", category="aktywnosc", geometry=Point(18.64, 54.37)
            ),
        )["id"]
        for i, hostile in enumerate(HOSTILE_NAMES):
            b.create(
                "resources",
                _resource(
                    name=hostile, kind="organizacja", geometry=Point(18.56 + i * 0.005, 54.37)
                ),
            )
        ids["archived"] = b.create("resources", _resource(name=ARCHIVED_NAME))["id"]
        ids["need"] = b.create(
            "needs",
            need_values(
                reporter_contact=PRIVATE,
                notes=TEAM,
                description="Potrzeba sali",
                geometry=Point(18.62, 54.385),
            ),
        )["id"]
        ids["need_area"] = b.create(
            "needs",
            need_values(
                title="Plac zabaw",
                category="zielen",
                geometry=box(18.56, 54.37, 18.57, 54.38),
                reporter_contact=PRIVATE,
            ),
        )["id"]
        ids["need_nowhere"] = b.create(
            "needs",
            need_values(title="Opieka wytchnieniowa", geometry=None, reporter_contact=PRIVATE),
        )["id"]
        ids["partnership"] = b.create(
            "partnerships",
            {
                "name": "Partnerstwo Oliwa",
                "city": CITY,
                "districts": "Oliwa",
                "members": [ids["person"], ids["sample"]],
                "notes": TEAM,
            },
        )["id"]
        b.create(
            "meetings",
            {
                "title": "Spotkanie partnerstwa",
                "date": "2025-02-01",
                "city": CITY,
                "partnership": [ids["partnership"]],
                "decisions": TEAM,
                "tasks": TEAM,
                "plans": TEAM,
            },
        )
        b.create(
            "actions",
            {
                "name": "Festyn sąsiedzki",
                "date": "2025-06-01",
                "city": CITY,
                "district": "Oliwa",
                "partners": [ids["person"]],
                "geometry": Point(18.63, 54.39),
                "notes": TEAM,
            },
        )
        b.create("areas", {"name": "Częstochowa", "kind": "miasto", "city": "Częstochowa"})
        b.create(
            "areas",
            {"name": "Raków", "kind": "dzielnica", "city": "Częstochowa", "population": 30000},
        )
        b.create(
            "resources",
            resource_values(
                name="Biblioteka Raków",
                city="Częstochowa",
                district="Raków",
                geometry=Point(19.15, 50.80),
            ),
        )
    archived = store.get("resources", ids["archived"])
    store.archive(
        "resources", ids["archived"], expected_version=archived["version"], author=TEAM_AUTHOR
    )
    return ids


def texts_of(data: bytes) -> list[str]:
    """Every text inside an export: the file itself or each member of a zip (XLSX too)."""
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [t for name in archive.namelist() for t in texts_of(archive.read(name))]
    return [data.decode("utf-8", errors="replace")]
