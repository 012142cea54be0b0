"""Per-area tables on screen: the city's totals in one line, the areas in Polish order.

Headers and the city's line in this run's language (the domain says them while
``mapping.language.writing`` it); the numbers are Polish in either.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping.analysis.summary import AREA_LABEL, shown_table, split_city, summary_line
from mapping.language import writing
from mapping.ui.i18n import language, tr
from mapping.ui.text import md

__all__ = ["area_table"]


def area_table(
    table: pd.DataFrame,
    areas: gpd.GeoDataFrame,
    labels: dict[str, tuple[str, str]],
    *,
    index_label: str = AREA_LABEL,
    line: Callable[[pd.Series], str] | None = None,
) -> pd.DataFrame:
    """Show ``table`` (indexed by area name): the city row as a summary line, then the areas.

    ``line`` writes the city's line (default: ``summary_line`` with ``labels``).
    Returns the areas' rows (numbers, Polish order), e.g. for a chart.
    """
    rows = split_city(table, areas)
    with writing(language()):  # headers and the line in the page's language
        shown = shown_table(rows.areas, labels, index_label=index_label)
        city = rows.city
        line_text = None if city is None else line(city) if line else summary_line(city, labels)
    if rows.city is not None:
        st.markdown(
            tr(
                "**Całe miasto ({city}):** {line}",
                city=md(str(rows.city.name)),
                line=md(line_text or "") or "—",
            )
        )
    st.dataframe(shown, width="stretch")
    return rows.areas
