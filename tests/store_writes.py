"""Writers killed mid-transaction, for the crash and copy-during-a-write tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

__all__ = ["killed_mid_write"]

REPO = Path(__file__).resolve().parents[1]

# A small page cache makes SQLite write changed pages into the map file itself
# before COMMIT (the originals wait in the -journal): the state a copy of the
# file alone would catch.
_WRITER = """
import sqlite3, sys
sys.path.insert(0, {repo!r})
import mapping.store.geopackage as gpkg
from tests.factories import resource_values

connect = sqlite3.connect
def small_cache(*args, **kwargs):
    conn = connect(*args, **kwargs)
    conn.execute("PRAGMA cache_size = 20")
    return conn
gpkg.sqlite3.connect = small_cache

store = gpkg.GeoPackageStore({path!r})
with store.batch("Import") as batch:
    for i in range(1_000_000):
        batch.create("resources", resource_values(name=f"Nowy {{i}}"))
        if i == {rows}:
            print("w trakcie", flush=True)
"""


def killed_mid_write(path: Path, rows: int = 3000) -> None:
    """Kill -9 a process in the middle of a large import into the map ``path``.

    Returns once it is dead: ``path`` is then half written and its
    ``-journal`` holds what is needed to roll it back.
    """
    code = textwrap.dedent(_WRITER.format(repo=str(REPO), path=str(path), rows=rows))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "w trakcie"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert path.with_name(path.name + "-journal").exists()


def copied_mid_write(path: Path, copy: Path, rows: int = 3000) -> None:
    """Copy the map file alone to ``copy`` in the middle of a large import into ``path``.

    The import (rolled back afterwards) runs with a small page cache, so SQLite
    has written part of it into the file, the originals waiting in the
    ``-journal`` the copy leaves behind.  Ids are fixed, so the pages written
    before the copy, and the damage the copy shows, are the same on every run.
    """
    import shutil
    import sqlite3

    from mapping.store.gpkg_binary import add_spatial_functions
    from mapping.store.gpkg_writer import Writer
    from tests.factories import resource_values

    conn = sqlite3.connect(path, isolation_level=None)
    add_spatial_functions(conn)  # as the store's own connections (its triggers call them)
    try:
        conn.execute("PRAGMA cache_size = 20")
        conn.execute("BEGIN IMMEDIATE")
        writer = Writer(conn, "Import", "w-trakcie", "")
        for i in range(rows):
            writer.create("resources", resource_values(name=f"Nowy {i}"), record_id=f"n{i:08d}")
        shutil.copyfile(path, copy)
        conn.execute("ROLLBACK")
    finally:
        conn.close()
