"""A backup of a GeoPackage map: one consistent file, even while someone is writing.

Copying the ``.gpkg`` in a file manager during an import copies a file that
is half old, half new; its ``-journal`` (which SQLite needs to undo the half)
stays behind, and the copy is damaged or holds part of the import.  Here the
copy is made by SQLite's backup API inside one read transaction: it is the
map as of the last finished save, checked with ``integrity_check`` and
written under a temporary name, so a copy that exists is a whole copy.
``python -m mapping backup`` and the "Kopia zapasowa" button use it.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from mapping.errors import MapError
from mapping.store import is_server_location, open_store
from mapping.store.geopackage import BUSY_TIMEOUT
from mapping.store.gpkg_file import polish_errors

__all__ = ["back_up", "backup_bytes", "backup_name"]

_SERVER = (
    "Mapa jest na serwerze PostgreSQL: kopię zapasową serwera robi jego administrator "
    "(pg_dump), a kopię mapy w jednym pliku polecenie: "
    "python -m mapping copy postgresql://… kopia.gpkg"
)


def back_up(source: str | Path, target: str | Path) -> Path:
    """Write a consistent copy of the map ``source`` (a ``.gpkg``) to the new file ``target``.

    Waits for a save under way to finish (at most ``BUSY_TIMEOUT`` seconds).

    Returns
    -------
    The path of the copy.

    Raises
    ------
    MapError
        The source is missing, damaged, on a server or busy for too long; the
        target exists already or cannot be written.
    """
    if is_server_location(source):
        raise MapError(_SERVER)
    source, target = Path(source), Path(target)
    open_store(source)  # a missing or damaged map is refused, in Polish
    if target.exists():
        raise MapError(f"plik {target} już istnieje; podaj nową nazwę pliku kopii")
    part = target.with_name(target.name + ".part")
    with polish_errors(target):
        part.unlink(missing_ok=True)
        try:
            _copy_pages(source, part)
            part.replace(target)  # only a whole, checked copy takes the name
        finally:
            part.unlink(missing_ok=True)
    return target


def _copy_pages(source: Path, part: Path) -> None:
    with polish_errors(part):
        copy = sqlite3.connect(part, isolation_level=None)
    try:
        with polish_errors(source, timeout=BUSY_TIMEOUT):
            reader = sqlite3.connect(source, timeout=BUSY_TIMEOUT, isolation_level=None)
            try:
                # The read lock is taken here, waiting for a writer as every read
                # does; the backup then copies that one committed state.
                reader.execute("BEGIN")
                reader.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                with polish_errors(part):  # writing the copy: the copy's folder, disk
                    reader.backup(copy)
            finally:
                reader.close()
        with polish_errors(part):
            (verdict,) = copy.execute("PRAGMA integrity_check(1)").fetchone()
    finally:
        copy.close()
    if verdict != "ok":
        raise MapError(f"kopia mapy {source} nie przeszła sprawdzenia spójności: {verdict}")
    with part.open("rb") as file:
        os.fsync(file.fileno())  # on the disk before it takes the real name


def backup_name(source: str | Path, day: date | None = None) -> str:
    """The suggested file name of a backup: ``mapa-kopia-2026-03-01.gpkg`` for ``mapa.gpkg``."""
    stem = Path(str(source)).stem or "mapa"
    return f"{stem}-kopia-{(day or date.today()).isoformat()}.gpkg"


def backup_bytes(source: str | Path) -> bytes:
    """A consistent copy of the map ``source`` as bytes (the app's download button)."""
    with tempfile.TemporaryDirectory(prefix="mapa-kopia-") as folder:
        return back_up(source, Path(folder) / "kopia.gpkg").read_bytes()
