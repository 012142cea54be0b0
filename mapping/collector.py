"""The cyclic garbage collector held back while many rows are built at once.

An import of 50,000 rows creates millions of dicts, lists and tuples that live
until it ends.  The cyclic collector, set off by every few hundred new
containers, would look through all of them again and again (a dozen full
passes, a quarter of the import's time) and free nothing: rows hold no
reference cycles.  Reference counting frees what the rows drop, as always;
anything cyclic waits for the collector's next pass after the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold the cyclic collector back in the block; it runs again after.

    Inside another pause (or with the collector off) nothing changes: the
    outer one, or whoever turned it off, turns it back on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
