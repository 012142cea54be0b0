"""Charts of the analysis as Vega-Lite (Altair, the charting library Streamlit ships).

Areas are listed in Polish order given explicitly (Vega-Lite would sort its
own way, Brzeźno before Brętowo); numbers are written the Polish way (decimal
comma, a space between thousands), both in the bar labels and on the axis.
The city's own row is never a bar: pass the areas of ``summary.split_city``.
Titles are said in the language being written (``mapping.language.writing``).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from mapping.analysis.summary import AREA_LABEL, header, polish_order
from mapping.language import say
from mapping.webmap.classes import format_number

__all__ = ["POLISH_AXIS_LABEL", "indicator_chart"]

#: An axis label in Polish notation: d3 writes "12,345.5" (its default
#: locale), the comma groups become spaces and the point a comma.
POLISH_AXIS_LABEL = (
    "replace(replace(format(datum.value, ',~f'), regexp(',', 'g'), '\u00a0'), '.', ',')"
)
_BAR = "#0072B2"
_ROW_PX = 24


def indicator_chart(areas: pd.DataFrame, column: str, label: str, unit: str) -> alt.LayerChart:
    """Horizontal bars of one indicator per area, areas in Polish order.

    Parameters
    ----------
    areas : indexed by area name, without the city row (``split_city(...).areas``)
    column : the indicator to draw
    label, unit : its Polish label and unit (``INDICATOR_LABELS[column]``);
        shares ("udział") are drawn as percent
    """
    scale = 100.0 if unit == "udział" else 1.0
    values = pd.to_numeric(areas[column], errors="coerce").astype(float) * scale
    data = pd.DataFrame({"obszar": areas.index.map(str), "wartosc": values.to_numpy()})
    data = data[~np.isnan(data["wartosc"].to_numpy())]
    integral = bool(np.all(np.mod(data["wartosc"].to_numpy(), 1) == 0))
    decimals = 0 if integral else (1 if unit == "udział" else 2)
    data["tekst"] = [format_number(v, decimals) for v in data["wartosc"]]
    title, area = header(label, unit), say(AREA_LABEL)
    order = polish_order(data["obszar"])
    base = alt.Chart(data).encode(
        y=alt.Y(
            "obszar:N",
            sort=order,
            title=area,
            axis=alt.Axis(labelOverlap=False, labelLimit=260),
        ),
        x=alt.X("wartosc:Q", title=title, axis=alt.Axis(labelExpr=POLISH_AXIS_LABEL)),
        tooltip=[
            alt.Tooltip("obszar:N", title=area),
            alt.Tooltip("tekst:N", title=title),
        ],
    )
    bars = base.mark_bar(color=_BAR)
    text = base.mark_text(align="left", dx=3).encode(text="tekst:N")
    return alt.LayerChart(layer=[bars, text], height=max(300, _ROW_PX * len(data)))
