"""The ``.gpkg`` file as the system sees it: a missing map, a damaged one, a busy one.

SQLite reports these as terse English errors (``database is locked``,
``database disk image is malformed``, ``attempt to write a readonly
database``, ``unable to open database file``); ``polish_errors`` turns them
into a ``MapError`` that says in Polish what happened and what to do.
``check_integrity`` runs SQLite's quick check when a map is opened: a file
copied while somebody was writing (without its ``-journal``) or with a
damaged page is refused at once, before anything is read from it.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from mapping.errors import MapError

__all__ = [
    "BACKUP_HINT",
    "INIT_HINT",
    "MapBusyError",
    "check_integrity",
    "file_uri",
    "polish_error",
    "polish_errors",
    "refuse_missing",
]

#: How to make a map: only ``init`` creates one.
INIT_HINT = "Nową mapę tworzy polecenie: .venv/bin/python -m mapping init --db {path}"
#: What to do with a damaged map.
BACKUP_HINT = (
    "Przywróć mapę z kopii zapasowej (kopie robi przycisk „Kopia zapasowa” na stronie "
    "Eksport albo polecenie python -m mapping backup KOPIA.gpkg). Kopia pliku .gpkg zrobiona "
    "w trakcie zapisu, bez pliku -journal obok, nie jest kopią zapasową."
)


class MapBusyError(MapError):
    """Another program or person holds the map's write lock longer than the wait."""


def file_uri(path: Path) -> str:
    """An SQLite URI opening an existing file read-write (never creating it)."""
    return path.resolve().as_uri() + "?mode=rw"


def refuse_missing(path: Path) -> None:
    """A ``MapError`` saying how to create the map, unless ``path`` exists.

    A mistyped ``MAPA_DB`` or ``--db`` must not quietly start a new, empty map.
    """
    if path.is_file():
        return
    if path.exists():
        raise MapError(f"{path} to folder, a nie plik mapy (.gpkg)")
    where = (
        f"nie ma folderu {path.parent}"
        if not path.parent.is_dir()
        else f"w folderze {path.parent} nie ma pliku {path.name}"
    )
    raise MapError(
        f"Nie ma mapy {path} ({where}). Sprawdź zmienną MAPA_DB lub opcję --db. "
        + INIT_HINT.format(path=path)
    )


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged map, or one copied while a write was under way.

    Call it inside a read transaction (the file cannot change meanwhile).
    SQLite's quick check finds broken pages; a copy taken mid-write can pass
    it and still hold half an import, but it is longer than its own header
    says (``_longer_than_its_pages``).
    """
    (verdict,) = conn.execute("PRAGMA quick_check(1)").fetchone()
    if verdict != "ok" or _longer_than_its_pages(conn, path):
        raise MapError(_damaged(path))


def _longer_than_its_pages(conn: sqlite3.Connection, path: Path) -> bool:
    # With a rollback journal SQLite writes into the file only while it holds the
    # write lock, and every finished write leaves the file exactly ``page_count``
    # pages long (the count kept in its header).  Pages past that are an
    # unfinished write whose -journal stayed behind.  A reader's lock keeps
    # writers out, so a live map never shows this.  os.stat, not open(): closing
    # another descriptor of the file would drop this process's SQLite locks.
    (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
    if str(mode).lower() == "wal":
        return False
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    return path.stat().st_size > pages * page_size


def _damaged(path: Path) -> str:
    return f"Plik mapy {path} jest uszkodzony albo skopiowany w trakcie zapisu. {BACKUP_HINT}"


def _busy(path: Path, timeout: float) -> MapError:
    return MapBusyError(
        f"Mapa {path.name} jest zajęta — trwa zapis innej osoby lub programu (np. duży "
        f"import) dłużej niż {timeout:g} s. Nic nie zostało zapisane — spróbuj ponownie "
        "za chwilę."
    )


def _read_only(path: Path, timeout: float) -> MapError:
    return MapError(
        f"Mapę {path} można tylko czytać: plik albo jego folder nie pozwala na zapis "
        "(prawa dostępu, nośnik tylko do odczytu). Nic nie zostało zapisane. Skopiuj mapę "
        "do folderu, w którym możesz zapisywać, albo zmień prawa dostępu."
    )


def _cannot_open(path: Path, timeout: float) -> MapError:
    return MapError(
        f"Nie można otworzyć ani zapisać mapy {path}: sprawdź, czy plik i folder "
        f"{path.parent} istnieją i czy możesz w nim zapisywać (obok mapy powstaje na czas "
        f"zapisu plik {path.name}-journal)."
    )


def _disk(path: Path, timeout: float) -> MapError:
    return MapError(
        f"Błąd zapisu mapy {path}: brak miejsca na dysku, nośnik odłączony, uszkodzony albo "
        f"tylko do odczytu, lub nie da się utworzyć pliku {path.name}-journal w folderze "
        f"{path.parent}. Nic nie zostało zapisane."
    )


#: SQLite's messages (lower case fragments) and the Polish error for each.
_SQLITE_MESSAGES: tuple[tuple[tuple[str, ...], Callable[[Path, float], MapError]], ...] = (
    (("locked", "busy"), _busy),
    (("malformed", "not a database", "corrupt"), lambda path, _: MapError(_damaged(path))),
    (("readonly", "read-only"), _read_only),
    (("unable to open",), _cannot_open),
    (("disk i/o", "full"), _disk),
)


def polish_error(exc: BaseException, path: Path, *, timeout: float = 30) -> MapError | None:
    """The Polish ``MapError`` for a SQLite or file-system error about ``path``, or None.

    None means the error is none of the known file problems (e.g. a
    constraint): it is a bug or another layer's business, and stays as it is.
    """
    if isinstance(exc, pd.errors.DatabaseError) and isinstance(exc.__cause__, BaseException):
        exc = exc.__cause__  # pandas.read_sql wraps the sqlite3 error
    if isinstance(exc, OSError):
        return _os_error(exc, path)
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    text = str(exc).lower()
    for fragments, error in _SQLITE_MESSAGES:
        if any(fragment in text for fragment in fragments):
            return error(path, timeout)
    return None


def _os_error(exc: OSError, path: Path) -> MapError:
    where = Path(exc.filename) if exc.filename else path
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return MapError(
            f"Brak prawa zapisu w folderze {where.parent} (albo nośnik jest tylko do odczytu): "
            "nie można tam utworzyć ani zmienić mapy. Wybierz inny folder (MAPA_DB lub --db)."
        )
    if exc.errno == errno.ENOSPC:
        return MapError(f"Brak miejsca na dysku dla mapy {path}; nic nie zostało zapisane.")
    reason = exc.strerror or str(exc) or exc.__class__.__name__
    return MapError(f"Błąd pliku {where}: {reason}. Nic nie zostało zapisane.")


@contextmanager
def polish_errors(path: Path, *, timeout: float = 30) -> Iterator[None]:
    """Turn the known SQLite and file errors about ``path`` inside the block into ``MapError``."""
    try:
        yield
    except (sqlite3.DatabaseError, pd.errors.DatabaseError, OSError) as exc:
        translated = polish_error(exc, path, timeout=timeout)
        if translated is None:
            raise
        raise translated from exc
