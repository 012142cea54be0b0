"""Record frames as tables for people: Polish headers, choice labels, audience rules.

Used by the data page and by the CSV/XLSX exports, so what a person reads on
screen and in Excel is the same.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mapping.frames import is_list_field
from mapping.schema import Audience, Field, FieldType, Layer
from mapping.text import sort_key

__all__ = ["display_table", "format_value"]


def format_value(f: Field, value: Any) -> str:
    """One value as a person reads it (choice labels, lists joined, blanks empty)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if f.type == FieldType.CHOICE:
        return f.choice_label(str(value))
    if f.type == FieldType.MULTICHOICE:
        return ", ".join(f.choice_label(v) for v in value)
    if is_list_field(f.type):
        return ", ".join(map(str, value))
    if f.type == FieldType.INTEGER:
        return str(int(value))
    return str(value)


def display_table(
    layer: Layer, frame: pd.DataFrame, audience: Audience, *, with_id: bool = False
) -> pd.DataFrame:
    """The fields ``audience`` may see, labelled in Polish, sorted by title in Polish order."""
    fields = layer.visible_fields(audience)
    table = pd.DataFrame(
        {f.label: [format_value(f, v) for v in frame[f.name]] for f in fields},
        index=frame.index,
    )
    if with_id:
        table.insert(0, "id", frame["id"])
    title = layer.field(layer.title_field).label
    order = sorted(table.index, key=lambda i: sort_key(table.at[i, title]))
    return table.loc[order].reset_index(drop=True)
