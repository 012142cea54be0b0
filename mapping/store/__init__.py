"""Storage: the protocol and its backends.

``open_store`` picks the backend from a location: a path to a ``.gpkg`` file
(the default, ``data/mapa.gpkg`` or ``$MAPA_DB``) for one person, or a
``postgresql://`` URL for a team sharing one PostGIS server.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from mapping.store.base import Batch, Store
from mapping.store.geopackage import GeoPackageStore
from mapping.store.gpkg_file import refuse_missing

__all__ = [
    "DEFAULT_STORE",
    "Batch",
    "GeoPackageStore",
    "Store",
    "default_location",
    "is_server_location",
    "open_store",
    "shown_location",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORE = REPO_ROOT / "data" / "mapa.gpkg"


def is_server_location(location: object) -> bool:
    """Whether a store location names a PostgreSQL server rather than a ``.gpkg`` file."""
    return str(location).startswith(("postgresql://", "postgres://"))


def shown_location(location: object) -> str:
    """A location as it may be shown to people: a server address without its password.

    >>> shown_location("postgresql://mapa:tajne@10.0.0.5:5432/mapa?sslmode=require")
    'postgresql://mapa@10.0.0.5:5432/mapa'
    """
    text = str(location)
    if not is_server_location(text):
        return text
    parts = urlsplit(text)
    host = parts.hostname or ""
    user = f"{parts.username}@" if parts.username else ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{user}{host}{port}{parts.path}"


def default_location() -> str:
    """Where the map lives: ``$MAPA_DB`` if set, else ``data/mapa.gpkg``."""
    return os.environ.get("MAPA_DB") or str(DEFAULT_STORE)


def open_store(location: str | Path | None = None, *, create: bool = False) -> Store:
    """Open the store at ``location``.

    A missing ``.gpkg`` is an error saying how to make one (a mistyped
    ``MAPA_DB`` must not quietly start an empty map); only ``create`` — the
    ``init`` and ``copy`` commands — makes a new file.
    """
    location = str(location or default_location())
    if is_server_location(location):
        # Imported here: psycopg is needed only by teams on a server.
        from mapping.store.postgis import PostGISStore

        return PostGISStore(location)
    if not create:
        refuse_missing(Path(location))
    return GeoPackageStore(location)
