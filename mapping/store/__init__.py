"""Storage: the protocol and its backends.

``open_store`` picks the backend from a location: a path to a ``.gpkg`` file
(the default, ``data/mapa.gpkg`` or ``$MAPA_DB``); a ``postgresql://`` URL is
reserved for the PostGIS backend for teams sharing one server.
"""

from __future__ import annotations

import os
from pathlib import Path

from mapping.errors import MapError
from mapping.store.base import Batch, Store
from mapping.store.geopackage import GeoPackageStore

__all__ = ["DEFAULT_STORE", "Batch", "GeoPackageStore", "Store", "default_location", "open_store"]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORE = REPO_ROOT / "data" / "mapa.gpkg"


def default_location() -> str:
    """Where the map lives: ``$MAPA_DB`` if set, else ``data/mapa.gpkg``."""
    return os.environ.get("MAPA_DB") or str(DEFAULT_STORE)


def open_store(location: str | Path | None = None) -> Store:
    """Open (creating if needed) the store at ``location``."""
    location = str(location or default_location())
    if location.startswith(("postgresql://", "postgres://")):
        raise MapError(
            "Serwer PostGIS nie jest jeszcze obsługiwany; użyj pliku .gpkg "
            "(zmienna MAPA_DB lub domyślny data/mapa.gpkg)."
        )
    return GeoPackageStore(location)
