"""The one copy of how tests and benches start Chromium: Debian's binary, offline-quiet flags.

Never ``playwright install``: the browser is the system's ``chromium``
(scripts/install-test-system.sh).  The benches import this module too.
"""

from __future__ import annotations

import shutil
from typing import Any

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "launch"]

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


def launch(playwright: Any) -> Any:
    """Headless Debian Chromium from a running ``sync_playwright()``."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
