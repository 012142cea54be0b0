"""The analysis screen in the animator's terms: tables with Polish headers,
confirmed matches, and coverage drawn on the map."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd

from mapping.analysis.matching import link_resource
from mapping.frames import has_location
from mapping.schema import NEEDS
from mapping.store import Store
from mapping.text import sort_key
from mapping.webmap.assets import make_offline

__all__ = [
    "CHANGE_COLUMNS",
    "add_overlay",
    "candidates_table",
    "confirm_match",
    "gaps_table",
    "idle_table",
    "indicator_change",
    "labelled",
]

_DISTRICT = NEEDS.field("district").label


def _in_polish_order(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows in Polish order of ``column`` (stable: ties keep their order), renumbered."""
    texts = ["" if pd.isna(v) else str(v) for v in table[column]]
    # A candidates table repeats each need's title once per candidate: one key per title.
    key_of = {text: sort_key(text) for text in set(texts)}
    order = sorted(range(len(table)), key=lambda i: key_of[texts[i]])
    return table.iloc[order].reset_index(drop=True)


def gaps_table(holes: pd.DataFrame) -> pd.DataFrame:
    """Open needs without a candidate (``analysis.gaps``), Polish headers and order."""
    columns = {"title": "Potrzeba", "district": _DISTRICT, "reason": "Dlaczego"}
    return _in_polish_order(holes[list(columns)].rename(columns=columns), "Potrzeba")


def idle_table(idle: pd.DataFrame) -> pd.DataFrame:
    """Resources no need asks for (``analysis.idle_resources``), Polish headers and order."""
    columns = {"name": "Zasób", "district": _DISTRICT, "reason": "Uwagi"}
    return _in_polish_order(idle[list(columns)].rename(columns=columns), "Zasób")


def labelled(table: pd.DataFrame, labels: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """Columns renamed to "Label [unit]", shares shown as percent, geometry dropped."""
    shown = pd.DataFrame(table.drop(columns=["geometry"], errors="ignore"))
    renames = {}
    for column, (label, unit) in labels.items():
        if column not in shown.columns:
            continue
        if unit == "udział":
            shown[column] = (shown[column] * 100).round(1)
            renames[column] = f"{label} [%]"
        else:
            shown[column] = (
                shown[column].round(2) if shown[column].dtype.kind == "f" else shown[column]
            )
            renames[column] = label if unit == "liczba" or unit in label else f"{label} [{unit}]"
    return shown[list(renames)].rename(columns=renames)


def candidates_table(
    needs: gpd.GeoDataFrame, resources: gpd.GeoDataFrame, matches: pd.DataFrame
) -> pd.DataFrame:
    """One row per (need, candidate): need title, resource name, rank and reason."""
    if matches.empty:
        return pd.DataFrame(
            columns=["need_id", "resource_id", "Potrzeba", "Zasób", "Kolejność", "Dlaczego"]
        )
    titles = needs.set_index("id")["title"]
    names = resources.set_index("id")["name"]
    table = pd.DataFrame(
        {
            "need_id": matches["need_id"],
            "resource_id": matches["resource_id"],
            "Potrzeba": matches["need_id"].map(titles),
            "Zasób": matches["resource_id"].map(names),
            "Kolejność": matches["rank"],
            "Dlaczego": matches["reason"],
        }
    )
    return _in_polish_order(table, "Potrzeba")  # each need's candidates stay by rank


def confirm_match(store: Store, need_id: str, resource_id: str, *, author: str) -> dict:
    """Link the resource to the need (the animator confirmed it can answer it)."""
    need = store.get("needs", need_id)
    linked = link_resource(need, resource_id)
    return store.update(
        "needs",
        need_id,
        {"linked_resources": linked["linked_resources"]},
        expected_version=need["version"],
        author=author,
    )


def add_overlay(
    m: folium.Map, shapes: gpd.GeoDataFrame, *, name: str, color: str, tooltip: str
) -> folium.Map:
    """Draw analysis shapes (coverage, uncovered parts) as one extra toggleable layer."""
    # Missing and empty shapes both mean "nothing to draw".
    located = shapes[has_location(shapes.geometry).to_numpy()]
    if not located.empty:
        folium.GeoJson(
            located[["geometry"]].to_json(drop_id=True),
            name=name,
            style_function=lambda _: {
                "color": color,
                "weight": 1,
                "fillColor": color,
                "fillOpacity": 0.35,
            },
            tooltip=tooltip,
        ).add_to(m)
    return make_offline(m, "served")


#: Indicators compared between two days ("co się zmieniło").
CHANGE_COLUMNS = ("resources", "needs_open", "needs_unmatched", "stale")


def indicator_change(
    now: pd.DataFrame, then: pd.DataFrame, labels: dict[str, tuple[str, str]]
) -> pd.DataFrame:
    """Per area: each indicator then, now and the change, with Polish headers."""
    parts = {}
    for column in CHANGE_COLUMNS:
        label = labels[column][0]
        before = then[column].reindex(now.index).fillna(0)
        parts[f"{label}: wtedy"] = before.astype(int)
        parts[f"{label}: teraz"] = now[column].fillna(0).astype(int)
        parts[f"{label}: zmiana"] = (now[column].fillna(0) - before).astype(int)
    return pd.DataFrame(parts, index=now.index)
