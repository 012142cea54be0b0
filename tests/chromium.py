"""The one copy of how tests and benches start Chromium: Debian's binary, offline-quiet flags.

Never ``playwright install``: the browser is the system's ``chromium``
(scripts/install-test-system.sh).  The benches import this module too.
"""

from __future__ import annotations

import shutil
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "LOCAL_ONLY_ARGS", "launch"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps trying to reach Google's hosts on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


#: Every host name but localhost unresolvable: offline without routing requests
#: through Playwright, which turns the browser's HTTP cache off (the benches
#: measure a returning visitor, whose browser keeps Streamlit's bundles).
LOCAL_ONLY_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost"]


def launch(playwright: Any, *, local_only: bool = False) -> Any:
    """Headless Debian Chromium from a running ``sync_playwright()``.

    ``local_only``: no host but localhost resolves (see ``LOCAL_ONLY_ARGS``).
    """
    args = [*CHROMIUM_ARGS, *(LOCAL_ONLY_ARGS if local_only else [])]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args)
