"""How ``make run`` and ``make serve`` start the app: ready before its first visitor.

``python -m mapping.launch [streamlit options]`` is ``streamlit run app.py``
with two things done in the server process:

- the domain's modules and what they use (geopandas, folium, matplotlib,
  altair…) are imported before the server listens, as a
  preloading web server does: otherwise the first visitor's first page pays
  for them (about 4 s of a cold first view here).  The Streamlit layer itself
  (``mapping.ui``) is left to the first run: streamlit-folium declares its
  component at import, which only works once the server runs;
- Streamlit is told the app uses ``st.navigation``, so no session runs in its
  old "pages directory" mode (``ui.leave_pages_folder_mode`` is the same fix
  for a plain ``streamlit run app.py``).
"""

from __future__ import annotations

import ctypes
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

__all__ = ["APP", "PRELOADED", "main"]

#: The app's entry point, next to ``pages/``.
APP = Path(__file__).resolve().parents[1] / "app.py"
#: What the pages use, without Streamlit: imported while the server starts.
PRELOADED = (
    "mapping.webmap.citymap",
    "mapping.webmap.meeting",
    "mapping.webmap.picker",
    "mapping.export",
    "mapping.analysis",
    "mapping.importing",
    "mapping.meeting",
    "mapping.partnership",
    "mapping.report",
    "altair",
)


def main(argv: Sequence[str] | None = None) -> None:
    """Start the Streamlit server on ``app.py`` with ``argv`` as its options."""
    PagesManager.uses_pages_directory = False
    _fewer_malloc_arenas()
    _preload()  # before the server answers: its first visitor waits for no import
    options = list(sys.argv[1:] if argv is None else argv)
    cli.main(["run", str(APP), *options], prog_name="streamlit")


#: glibc's ``mallopt`` option for the number of memory arenas.
_M_ARENA_MAX = -8


def _fewer_malloc_arenas() -> None:
    """Two malloc arenas, not eight per core: Streamlit runs each session's
    script in a thread of its own, and glibc gives threads arenas of their own
    that keep freed memory (the usual advice for threaded Python servers, e.g.
    gunicorn's).  ``MALLOC_ARENA_MAX`` in the environment still wins."""
    if "MALLOC_ARENA_MAX" in os.environ or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl has no arenas to limit)
        return
    libc.mallopt(_M_ARENA_MAX, 2)


def _preload() -> None:
    for name in PRELOADED:
        importlib.import_module(name)


if __name__ == "__main__":
    main()
