"""A store where every public text field of every layer holds a hostile string.

Record ``i`` of each layer carries ``HOSTILE[i]`` in all its public text
fields (cut to the field's length), its district is the district named
``HOSTILE[i]``, and the city itself has a hostile name: every export and the
report meet every string in every place text is drawn.
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import Point, box

from mapping.schema import LAYERS, FieldType, Visibility
from mapping.store import GeoPackageStore
from tests.hostile.strings import HOSTILE, fitted

__all__ = ["HOSTILE_CITIES", "fill_hostile", "public_texts"]

#: City names that broke something once: mathtext, markdown, control characters.
HOSTILE_CITIES = ("Fundusz $^$ Gdańsk", "![x](http://203.0.113.1/a.png) <b>", "Miasto\x0bNUL\x00")

_TEXT = (FieldType.TEXT, FieldType.LONGTEXT)
_REQUIRED_CHOICES = {
    "areas": {"kind": "dzielnica"},
    "resources": {"kind": "organizacja", "category": "kultura", "status": "aktywny"},
    "needs": {"category": "miejsce_spotkan", "status": "zgloszona"},
    "partnerships": {},
    "meetings": {"date": "2025-03-01", "participants": 12},
    "actions": {"date": "2025-05-01", "participants": 30},
}


def public_texts(layer: str, text: str, city: str) -> dict[str, Any]:
    """Every public text field of ``layer`` set to ``text`` (city kept as given)."""
    values = {
        f.name: fitted(text, f.max_length)
        for f in LAYERS[layer].fields
        if f.visibility == Visibility.PUBLIC and f.type in _TEXT
    }
    return {**values, "city": city}


def fill_hostile(store: GeoPackageStore, city: str) -> None:
    """Fill ``store`` with one record per hostile string in every layer."""
    with store.batch(fitted(HOSTILE[0], 200)) as b:
        b.create(
            "areas",
            {
                "name": city,
                "kind": "miasto",
                "city": city,
                "geometry": box(18.50, 54.30, 18.50 + 0.01 * len(HOSTILE), 54.40),
            },
        )
        resource_ids = []
        for i, text in enumerate(HOSTILE):
            x = 18.50 + 0.01 * i
            district = fitted(text, 100)
            b.create(
                "areas",
                {
                    **public_texts("areas", text, city),
                    **_REQUIRED_CHOICES["areas"],
                    "population": 1000 + i,
                    "geometry": box(x, 54.30, x + 0.01, 54.40),
                },
            )
            located = {"district": district, "geometry": Point(x + 0.005, 54.35)}
            resource_ids.append(
                b.create(
                    "resources",
                    {
                        **public_texts("resources", text, city),
                        **_REQUIRED_CHOICES["resources"],
                        **located,
                    },
                )["id"]
            )
            b.create(
                "needs",
                {
                    **public_texts("needs", text, city),
                    **_REQUIRED_CHOICES["needs"],
                    "reported_on": "2025-04-01",
                    **located,
                },
            )
            partnership = b.create(
                "partnerships",
                {
                    **public_texts("partnerships", text, city),
                    "members": [resource_ids[-1]],
                    "districts": district,
                },
            )["id"]
            b.create(
                "meetings",
                {
                    **public_texts("meetings", text, city),
                    **_REQUIRED_CHOICES["meetings"],
                    "partnership": [partnership],
                    "plans": text[:4000],
                },
            )
            b.create(
                "actions",
                {
                    **public_texts("actions", text, city),
                    **_REQUIRED_CHOICES["actions"],
                    "partnership": [partnership],
                    "partners": [resource_ids[-1]],
                    **located,
                },
            )
