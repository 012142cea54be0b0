"""Copying a whole map, with its history, between backends (``python -m mapping copy``).

The way a team starts on a server from one person's ``.gpkg``, and the way a
team makes a one-file backup of its server map.  Ids, versions, times, authors
and every history entry are kept as they are; the target must be new or empty.
A ``.gpkg`` target is built under a temporary name and renamed when complete,
a server target is filled in one transaction: a failed copy leaves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

from mapping.errors import MapError
from mapping.store import is_server_location, open_store, shown_location

__all__ = ["CopyCounts", "copy_map"]

CopyCounts = dict[str, int]


class _Copyable(Protocol):
    """What both backends offer for a whole-map copy."""

    def dump_map(self) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]: ...

    def load_map(
        self, layers: Mapping[str, Sequence[Mapping[str, Any]]], history: Sequence[Mapping]
    ) -> None: ...


def _open_source(location: str) -> _Copyable:
    if not is_server_location(location) and not Path(location).exists():
        raise MapError(f"nie ma mapy {shown_location(location)} do skopiowania")
    return cast(_Copyable, open_store(location))


def copy_map(source: str, target: str) -> CopyCounts:
    """Copy every record and the whole history from ``source`` to a new ``target``.

    Parameters
    ----------
    source, target : store locations (a ``.gpkg`` path or a ``postgresql://`` URL)

    Returns
    -------
    records copied per layer, and ``history`` entries.

    Raises
    ------
    MapError if the source is missing, or the target exists and is not empty.
    """
    if str(source) == str(target):
        raise MapError("mapa źródłowa i docelowa to to samo miejsce")
    layers, history = _open_source(str(source)).dump_map()
    if is_server_location(target):
        from mapping.store.postgis_server import create_database

        create_database(str(target))
        cast(_Copyable, open_store(str(target))).load_map(layers, history)
    else:
        _copy_to_file(Path(target), layers, history)
    counts = {name: len(records) for name, records in layers.items()}
    counts["history"] = len(history)
    return counts


def _copy_to_file(
    path: Path, layers: dict[str, list[dict[str, Any]]], history: list[dict[str, Any]]
) -> None:
    if path.exists():
        raise MapError(f"plik {path} już istnieje; podaj nową nazwę pliku kopii")
    tmp = path.with_name(path.name + ".copy")
    tmp.unlink(missing_ok=True)
    try:
        cast(_Copyable, open_store(tmp, create=True)).load_map(layers, history)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)  # only a complete copy takes the real name
