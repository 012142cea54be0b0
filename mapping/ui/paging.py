"""Long tables a page at a time: the browser gets the rows it shows, not 100,000 of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from mapping.ui.i18n import tr

__all__ = ["PAGE_SIZE", "paged_dataframe"]

#: Rows sent to the browser at once; a screen shows a few dozen, a page a few hundred.
PAGE_SIZE = 200


def paged_dataframe(
    frame: pd.DataFrame,
    *,
    key: str,
    page_size: int = PAGE_SIZE,
    shown_as: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
    **options: Any,
) -> tuple[Any, int]:
    """Show one page of ``frame`` with ``st.dataframe`` and a page number above it.

    ``shown_as`` turns the page's rows into the table shown (e.g. Polish
    labels), so only the rows on screen are formatted; ``options`` go to
    ``st.dataframe``.  Returns what it returns (the selection,
    with ``on_select``) and the position in ``frame`` of the page's first row,
    so a selected row ``i`` of the page is ``frame.iloc[start + i]``.
    """
    pages = max(1, -(-len(frame) // page_size))
    page = 1
    if pages > 1:
        page = int(
            st.number_input(
                tr("Strona (z {pages}, po {size} wierszy)", pages=pages, size=page_size),
                min_value=1,
                max_value=pages,
                value=1,
                step=1,
                key=f"{key}_page",
            )
        )
    start = (min(page, pages) - 1) * page_size
    shown = frame.iloc[start : start + page_size]
    if pages > 1:
        st.caption(
            tr(
                "Wiersze {first}–{last} z {total}.",
                first=start + 1,
                last=start + len(shown),
                total=len(frame),
            )
        )
    table = shown_as(shown) if shown_as is not None else shown
    return st.dataframe(table, key=f"{key}_{page}", **options), start
