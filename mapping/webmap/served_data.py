"""Large map data as files the browser caches, not text inside the map's script (issue 14).

In the app, a map of 50,000 points carries 3.6 MB of packed records.  Inside
the map's script they travel over the websocket to every new session and
after every edit, and the component's iframe parses them as part of that
script (set as a ``<script>``'s text: read as HTML, then compiled as code).
As a file of their own under ``static/mapdata/`` (served at
``/app/static/mapdata/``, like our other static files) named by a hash of its
content, they are loaded by the iframe before the map's script runs
(``js_links``, in order, each awaited), so the layer code stays as it is;
the browser keeps the file in its cache, and the websocket carries ~100 KB.

Only the app does this: an exported HTML map keeps everything inside.  The
files hold what the map shows, so ``mapping.ui.maps`` serves them only where
that is no wider audience than the server's own: on the single-user app,
which listens on this machine only, or for the public map in team mode (any
other audience's data stays inside the script sent to that session).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import folium

from mapping.webmap.assets import DATA_URL, STATIC_DIR, data_url, walk
from mapping.webmap.layers import RecordLayer

__all__ = [
    "DATA_DIR",
    "DATA_URL",
    "MIN_SERVED",
    "data_file",
    "data_key",
    "ensure_written",
    "serve_layer_data",
]

DATA_DIR = STATIC_DIR / "mapdata"
#: Packed data shorter than this stays in the script (a file costs a request).
MIN_SERVED = 64 * 1024
#: Files kept whatever their age; older ones beyond them go after ``_MAX_AGE_S``.
_KEPT = 32
_MAX_AGE_S = 3600.0
#: The files' modification time, 2000-01-01 (see ``ensure_written``).
_LAST_MODIFIED = 946_684_800
#: How often a file still in use is marked so (seconds), and when each was last.
_MARK_EVERY_S = 300.0
_MARKED: dict[Path, float] = {}


def serve_layer_data(
    m: folium.Map, folder: Path = DATA_DIR, *, now: float | None = None
) -> dict[Path, str]:
    """Write the large packed layers of ``m`` to ``folder`` and link them instead.

    Call it after ``make_offline`` (which refuses links it does not know).
    Returns the files written (path → content), for ``ensure_written``; an empty
    dict, and the map unchanged, when the folder cannot be written (the data
    then stays in the script, as before).  ``now`` is the time old files are
    judged by (tests).
    """
    layers = [
        e
        for e in walk(m)
        if isinstance(e, RecordLayer) and not e.data_key and len(e.packed) >= MIN_SERVED
    ]
    keys = [data_key(layer.packed) for layer in layers]
    files = dict(
        data_file(key, layer.packed, folder) for key, layer in zip(keys, layers, strict=True)
    )
    try:
        ensure_written(files)
    except OSError:
        return {}
    for key, layer in zip(keys, layers, strict=True):
        layer.serve_data(key, data_url(key))
    _forget_old(folder, keep=set(files), now=time.time() if now is None else now)
    return files


def data_key(packed: str) -> str:
    """The name of the data file holding ``packed``: a hash of it."""
    return hashlib.sha256(packed.encode("utf-8")).hexdigest()[:32]


def data_file(key: str, packed: str, folder: Path = DATA_DIR) -> tuple[Path, str]:
    """The data file of ``packed`` (named ``key``) and its content: a script that puts
    the data in ``window.MAPA_DATA[key]``."""
    return (
        folder / f"{key}.js",
        f'(window.MAPA_DATA = window.MAPA_DATA || {{}})["{key}"] = {packed};\n',
    )


def ensure_written(files: Mapping[Path, str]) -> None:
    """Each file present with its content (written again if removed), marked as in use.

    Streamlit serves ``static/`` with no cache header and answers no
    "If-None-Match", so a browser keeps a file as long as its Last-Modified
    is old (a tenth of its age, the usual heuristic).  A file's name is a hash
    of its content, which never changes under that name: each is dated
    2000-01-01, and the browser keeps it for years.  The date a file was last
    used is then its status-change time (``st_ctime``), which setting the
    dates updates.
    """
    now = time.time()
    for path, text in files.items():
        try:
            # In use (``_forget_old``): marked again at most every few minutes, not
            # on every run of the page; a file removed meanwhile is written again.
            if now - _MARKED.get(path, 0.0) > _MARK_EVERY_S or not path.exists():
                os.utime(path, (now, _LAST_MODIFIED))
                _MARKED[path] = now
            continue
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        # Another server on the same folder may write the same file: each writes a
        # whole file of its own and moves it in place, so none is read half-written.
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # as the other static files (mkstemp makes it private)
        os.utime(temporary, (now, _LAST_MODIFIED))
        os.replace(temporary, path)
        _MARKED[path] = now


def _forget_old(folder: Path, keep: set[Path], now: float) -> None:
    """Remove files not used for an hour, beyond the ``_KEPT`` used last."""
    try:
        entries = sorted(
            ((p.stat().st_ctime, p) for p in folder.glob("*.js")), key=lambda e: e[0], reverse=True
        )
    except FileNotFoundError:  # removed by another server meanwhile
        return
    for used, path in entries[_KEPT:]:
        if path not in keep and now - used > _MAX_AGE_S:
            path.unlink(missing_ok=True)
