"""“Pobierz z OpenStreetMap”: the places of one district, asked of the Overpass API.

Nothing here runs unless the user asks (a button, a command).  The query is
built from the district's polygon (from the store) and the tag table in
``osm_tags``, so it asks only for what the import can classify; the answer
is Overpass JSON, read by ``mapping.importing.osm`` like any file, so a
download goes through the same preview as an upload.  The server's address
comes from ``MAPA_OVERPASS_URL`` (tests point it at a local fake server).
Without a network the user gets a Polish sentence, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date

import shapely
from shapely.geometry.base import BaseGeometry

from mapping.areas import find_area
from mapping.errors import MapError
from mapping.frames import has_location
from mapping.importing.osm_tags import query_filters
from mapping.language import Message
from mapping.schema import AreaKind
from mapping.store import Store
from mapping.text import fold

__all__ = [
    "DEFAULT_OVERPASS_URL",
    "OVERPASS_URL_ENV",
    "OsmDownload",
    "OverpassError",
    "build_query",
    "district_area",
    "fetch_district",
    "overpass_url",
]

OVERPASS_URL_ENV = "MAPA_OVERPASS_URL"
DEFAULT_OVERPASS_URL = "https://overpass-api.de/api/interpreter"
#: How long the server may work on the query (Overpass's own ``[timeout:…]``).
QUERY_TIMEOUT = 60
#: How long we wait for the answer: the server's time and a margin for the transfer.
HTTP_TIMEOUT = QUERY_TIMEOUT + 15
#: An Overpass ``poly`` filter is sent once per tag key: a district outline is
#: simplified to at most this many corners (a few metres off at the edges).
MAX_CORNERS = 120
#: A district's places are a few MB at most; more means a wrong answer.
MAX_BYTES = 50 * 1024 * 1024
_AGENT = "mapa-zasobow-i-potrzeb (import danych OpenStreetMap)"
#: The field an unknown or unbounded district is an error of.
_DISTRICT = Message("dzielnica")
_HTTP_MESSAGES = {
    400: Message("serwer Overpass nie przyjął zapytania (błąd 400)"),
    429: Message("serwer Overpass ma teraz za dużo zapytań (błąd 429) — spróbuj za kilka minut"),
    504: Message("serwer Overpass jest przeciążony (błąd 504) — spróbuj za kilka minut"),
}


class OverpassError(MapError):
    """The places could not be fetched (no network, server busy, bad answer)."""


@dataclass(frozen=True)
class OsmDownload:
    """A district's places as fetched: Overpass JSON, ready for ``plan_import``."""

    district: str
    name: str
    content: bytes
    places: int


def overpass_url() -> str:
    """The Overpass API address: ``MAPA_OVERPASS_URL`` or the public server."""
    return os.environ.get(OVERPASS_URL_ENV, "").strip() or DEFAULT_OVERPASS_URL


def district_area(store: Store, city: str, district: str) -> tuple[str, BaseGeometry]:
    """The official name and polygon (WGS84) of ``district`` of ``city``.

    Raises
    ------
    MapError naming the field "dzielnica" when the map has no such district or
    no boundary for it.
    """
    areas = store.read_layer("areas", city=city)
    found = find_area(areas, district, [AreaKind.DISTRICT])
    if found is None:
        raise MapError(
            Message("nie ma dzielnicy „{district}” w mieście {city}", district=district, city=city),
            field=_DISTRICT,
        )
    geometry = found.get("geometry")
    if geometry is None or not has_location([geometry])[0]:
        raise MapError(
            Message(
                "dzielnica {district} nie ma granic na mapie — zaimportuj najpierw granice "
                "dzielnic, aby pobrać jej miejsca z OpenStreetMap",
                district=found["name"],
            ),
            field=_DISTRICT,
        )
    return str(found["name"]), geometry


def _rings(area: BaseGeometry) -> list[str]:
    """Each part's outline as Overpass ``poly`` text: "lat lon lat lon …"."""
    parts = getattr(area, "geoms", [area])
    texts = []
    for part in parts:
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        outline, tolerance = shapely.Polygon(part.exterior), 0.0001
        while len(outline.exterior.coords) > MAX_CORNERS:
            outline = shapely.Polygon(part.exterior).simplify(tolerance, preserve_topology=True)
            tolerance *= 2
        corners = list(outline.exterior.coords)[:-1]  # Overpass closes the ring itself
        texts.append(" ".join(f"{y:.6f} {x:.6f}" for x, y in corners))
    return texts


def _tag_filter(key: str, values: tuple[str, ...] | None) -> str:
    if values is None:
        return f'["{key}"]'
    alternatives = "|".join(re.escape(v) for v in values)
    return f'["{key}"~"^({alternatives})$"]'


def build_query(area: BaseGeometry, *, timeout: int = QUERY_TIMEOUT) -> str:
    """The Overpass QL asking for the tag table's places inside ``area``."""
    rings = _rings(area)
    if not rings:
        raise MapError(Message("granica dzielnicy nie jest wielokątem"), field=_DISTRICT)
    statements = [
        f'  nwr{_tag_filter(key, values)}(poly:"{ring}");'
        for ring in rings
        for key, values in query_filters()
    ]
    return (
        f"[out:json][timeout:{int(timeout)}];\n(\n"
        + "\n".join(statements)
        + "\n);\nout center tags;\n"
    )


def _slow(host: str, timeout: float) -> str:
    return Message(
        "Serwer Overpass {host} nie odpowiedział w ciągu {timeout:g} s — "
        "spróbuj później albo wybierz mniejszą dzielnicę.",
        host=host,
        timeout=timeout,
    )


def _offline(host: str) -> str:
    return Message(
        "Nie udało się połączyć z OpenStreetMap (serwer Overpass {host}) — sprawdź połączenie "
        "z internetem albo spróbuj później. Bez sieci możesz wczytać plik GeoJSON pobrany "
        "wcześniej.",
        host=host,
    )


def _post(url: str, query: str, timeout: float) -> bytes:
    host = urllib.parse.urlsplit(url).netloc or url
    body = urllib.parse.urlencode({"data": query}).encode("utf-8")
    request = urllib.request.Request(url, data=body, headers={"User-Agent": _AGENT}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            content = answer.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        message = _HTTP_MESSAGES.get(exc.code) or Message(
            "serwer Overpass odpowiedział błędem {code}", code=exc.code
        )
        raise OverpassError(Message("Nie pobrano danych: {message}.", message=message)) from None
    except TimeoutError:
        raise OverpassError(_slow(host, timeout)) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise OverpassError(_slow(host, timeout)) from None
        raise OverpassError(_offline(host)) from None
    except OSError:  # a connection reset half-way
        raise OverpassError(_offline(host)) from None
    if len(content) > MAX_BYTES:
        raise OverpassError(
            Message("Odpowiedź serwera Overpass jest za duża — wybierz mniejszy obszar.")
        )
    return content


def _check_answer(content: bytes, district: str) -> int:
    """How many tagged places the answer holds; OverpassError for an error answer."""
    try:
        data = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise OverpassError(
            Message(
                "Serwer Overpass zwrócił odpowiedź, której nie da się odczytać (to nie jest "
                "JSON) — spróbuj później."
            )
        ) from None
    elements = data.get("elements") if isinstance(data, dict) else None
    if not isinstance(elements, list):
        raise OverpassError(
            Message("Serwer Overpass zwrócił odpowiedź bez danych (brak „elements”).")
        )
    places = sum(1 for e in elements if isinstance(e, dict) and e.get("tags"))
    remark = str(data.get("remark") or "")
    if not places and remark:
        raise OverpassError(
            Message("Serwer Overpass nie zwrócił danych: {remark}", remark=remark[:200])
        )
    if not places:
        raise OverpassError(
            Message(
                "W OpenStreetMap nie ma w dzielnicy {district} miejsc żadnego z rodzajów, "
                "które umiemy zaimportować.",
                district=district,
            )
        )
    return places


def fetch_district(
    store: Store,
    city: str,
    district: str,
    *,
    url: str | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> OsmDownload:
    """Ask the Overpass API for the places of ``district`` (only when the user asks).

    Raises
    ------
    MapError for an unknown district or one without a boundary;
    OverpassError (Polish message) when offline, on a timeout, or a bad answer.
    """
    name, area = district_area(store, city, district)
    content = _post(url or overpass_url(), build_query(area), timeout)
    places = _check_answer(content, name)
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-") or "dzielnica"
    return OsmDownload(name, f"osm-{slug}-{date.today().isoformat()}.json", content, places)
