"""What an export says about itself: title, date, audience, data sources, attribution.

Shared by the printed map (title, footer), the XLSX "O danych" sheet and the
GeoPackage layer descriptions, so every format credits the same sources.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from mapping.export.request import ExportRequest
from mapping.language import say
from mapping.schema import SAMPLE_SOURCE
from mapping.text import polish_sorted
from mapping.webmap.tiles import OSM_CREDIT

__all__ = [
    "APP_TITLE",
    "SAMPLE_NOTE",
    "data_sources",
    "describe_export",
    "format_day",
    "has_samples",
    "title_of",
]

APP_TITLE = "Mapa zasobów i potrzeb"
SAMPLE_NOTE = f"Wpisy ze źródłem „{SAMPLE_SOURCE}” są danymi przykładowymi, nie rzeczywistymi."


def format_day(day: date) -> str:
    """A date as Poles write it: ``01.03.2025``."""
    return day.strftime("%d.%m.%Y")


def day_line(day: date, audience: str) -> str:
    """ "stan na dzień 01.03.2025 · wersja publiczna", in the language being written."""
    return say("stan na dzień {day} · {audience}", day=format_day(day), audience=say(audience))


def title_of(request: ExportRequest) -> str:
    """E.g. ``Mapa zasobów i potrzeb — Gdańsk, Wrzeszcz Górny``."""
    place = request.city + (f", {request.district}" if request.district else "")
    return f"{say(APP_TITLE)} — {place}"


def data_sources(frames: Mapping[str, pd.DataFrame]) -> list[str]:
    """The distinct ``source`` values of the exported records, in Polish order."""
    found: set[str] = set()
    for frame in frames.values():
        if "source" in frame:
            found.update(str(v).strip() for v in frame["source"].dropna() if str(v).strip())
    return polish_sorted(found)


def has_samples(frames: Mapping[str, pd.DataFrame]) -> bool:
    """Whether any exported record is illustrative (``source`` is "przykład")."""
    return any(
        "source" in frame and bool((frame["source"] == SAMPLE_SOURCE).any())
        for frame in frames.values()
    )


def describe_export(
    request: ExportRequest, frames: Mapping[str, pd.DataFrame]
) -> list[tuple[str, str]]:
    """(label, value) rows describing an export, for a sheet or a text note."""
    rows = [
        ("Tytuł", title_of(request)),
        ("Miasto", request.city),
        ("Obszar", request.district or "całe miasto"),
        ("Odbiorcy", request.audience.version_label),
        ("Stan na dzień", format_day(request.day)),
        ("Źródła danych", ", ".join(data_sources(frames)) or "—"),
        # Boundaries and locations are largely from OpenStreetMap (ODbL requires the credit).
        ("Podkład i granice", OSM_CREDIT),
    ]
    if has_samples(frames):
        rows.append(("Uwaga", SAMPLE_NOTE))
    return rows
