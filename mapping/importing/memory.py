"""Remembered column mappings, so a monthly export is mapped once.

Design: one small JSON file next to the store, ``<store file>.mappings.json``
(``data/mapa.gpkg`` → ``data/mapa.gpkg.mappings.json``), so it travels with
the map when the map file is copied, and the GeoPackage keeps only map data.

A source is recognised by its columns, not its file name: the key is the
import layer plus the folded headers, sorted (``resources:adres|nazwa|…``),
so "partnerzy_marzec.xlsx" and "partnerzy_kwiecien.xlsx" with the same
columns share a mapping.  The file looks like::

    {"version": 1,
     "sources": {"resources:adres|nazwa": {"mapping": {"Nazwa": "name", …},
                                             "saved_at": "2026-05-01T10:00:00Z"}}}

It is rewritten whole through a temporary file and a rename, so a crash
never leaves half a file.  Stores that are not files (a PostGIS URL) have no
place for it; there ``save_mapping`` does nothing and ``load_mapping`` finds
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from mapping.importing.columns import header_key
from mapping.store import Store

__all__ = ["load_mapping", "mappings_path", "save_mapping", "source_key"]

_VERSION = 1


def source_key(headers: Sequence[str], layer: str) -> str:
    """The key a file's mapping is remembered under: layer and sorted folded headers."""
    return f"{layer}:" + "|".join(sorted(header_key(h) for h in headers))


def mappings_path(store: Store | str | Path) -> Path | None:
    """The JSON file next to a store (None for stores that are not files)."""
    location = str(store if isinstance(store, str | Path) else store.location)
    if "://" in location:
        return None
    return Path(location + ".mappings.json")


def _read_all(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"version": _VERSION, "sources": {}}
    except (json.JSONDecodeError, UnicodeDecodeError):
        # A damaged memory only costs the user a re-mapping; start afresh.
        return {"version": _VERSION, "sources": {}}
    if not isinstance(data, dict) or not isinstance(data.get("sources"), dict):
        return {"version": _VERSION, "sources": {}}
    return data


def load_mapping(source_key: str, store: Store | str | Path) -> dict[str, str | None] | None:
    """The mapping remembered for ``source_key`` (header → field or None), if any."""
    path = mappings_path(store)
    if path is None:
        return None
    entry = _read_all(path)["sources"].get(source_key)
    if not isinstance(entry, dict) or not isinstance(entry.get("mapping"), dict):
        return None
    return {str(k): (str(v) if v else None) for k, v in entry["mapping"].items()}


def save_mapping(
    source_key: str, mapping: Mapping[str, str | None], store: Store | str | Path
) -> Path | None:
    """Remember ``mapping`` for ``source_key``; return the file written (None if none)."""
    path = mappings_path(store)
    if path is None:
        return None
    data = _read_all(path)
    saved_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data["sources"][source_key] = {"mapping": dict(mapping), "saved_at": saved_at}
    data["version"] = _VERSION
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    tmp.replace(path)
    return path
