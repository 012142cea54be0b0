"""Keeping the map current: record choices, verification, staleness and history views."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd

from mapping.analysis.indicators import assign_district
from mapping.frames import has_location
from mapping.freshness import (
    DEFAULT_STALE_DAYS,
    FRESHNESS_FIELD,
    NEVER,
    freshness_states,
    verified_on,
)
from mapping.schema import SYSTEM_FIELDS, Layer
from mapping.store import Store
from mapping.tables import format_value
from mapping.text import sort_key

__all__ = [
    "ACTION_LABELS",
    "DEFAULT_STALE_DAYS",
    "STALE_COLUMNS",
    "compare_versions",
    "describe_changes",
    "history_table",
    "new_record_defaults",
    "record_choices",
    "stale_records",
    "unlocated_records",
    "verify_many",
    "verify_record",
    "with_district",
]

#: Polish headers of the stale list.
STALE_COLUMNS = {
    "title": "Wpis",
    "district": "Dzielnica",
    "state": "Stan",
    "last_verified": "Ostatnia weryfikacja",
    "days": "Dni od weryfikacji",
}

ACTION_LABELS = {
    "create": "utworzenie",
    "update": "zmiana",
    "archive": "archiwizacja",
    "unarchive": "przywrócenie z archiwum",
    "restore": "przywrócenie wersji",
    "undo": "cofnięcie",
    "delete": "usunięcie (poza aplikacją)",
}


def record_choices(layer: Layer, frame: pd.DataFrame) -> dict[str, str]:
    """Record id → label for pickers ("Biblioteka Stogi — Stogi"), in Polish order."""
    labels: dict[str, str] = {}
    for _, row in frame.iterrows():
        title = str(row.get(layer.title_field) or row["id"])
        district = row.get("district") if "district" in frame.columns else None
        suffix = f" — {district}" if isinstance(district, str) and district else ""
        archived = " (archiwum)" if row.get("archived_at") else ""
        labels[row["id"]] = f"{title}{suffix}{archived}"
    return dict(sorted(labels.items(), key=lambda item: sort_key(item[1])))


def verify_record(
    store: Store, layer: str, record: dict[str, Any], *, author: str, today: date | None = None
) -> dict[str, Any]:
    """ "Potwierdzam aktualność": set ``last_verified`` to today (one new version)."""
    today = today or date.today()
    return store.update(
        layer,
        record["id"],
        {"last_verified": today.isoformat()},
        expected_version=record["version"],
        author=author,
    )


def verify_many(
    store: Store, layer: str, record_ids: list[str], *, author: str, today: date | None = None
) -> int:
    """Confirm many records at once (one transaction); return how many changed."""
    stamp = (today or date.today()).isoformat()
    with store.batch(author, note="potwierdzenie aktualności") as batch:
        for record_id in record_ids:
            current = batch.current_record(layer, record_id)
            batch.update(
                layer, record_id, {"last_verified": stamp}, expected_version=current["version"]
            )
    return len(record_ids)


def stale_records(
    layer: Layer,
    frame: pd.DataFrame,
    *,
    today: date | None = None,
    max_age_days: int = DEFAULT_STALE_DAYS,
) -> pd.DataFrame:
    """Records not verified within ``max_age_days``, worst first (never verified on top).

    Columns: id, title, district, state (``freshness.NEVER`` or ``OLD``),
    last_verified ("—" when never verified, so a table never shows "None")
    and days since verification (missing when never verified).
    """
    columns = ["id", "title", "district", "state", "last_verified", "days"]
    if "last_verified" not in layer.field_names or frame.empty:
        return pd.DataFrame(columns=columns)
    today = today or date.today()
    states = freshness_states(frame, today=today, max_age_days=max_age_days)
    verified = verified_on(frame)
    result = pd.DataFrame(
        {
            "id": frame["id"],
            "title": frame[layer.title_field],
            "district": frame["district"].fillna("—") if "district" in frame.columns else "—",
            "state": states,
            "last_verified": verified.dt.strftime("%Y-%m-%d").fillna("—"),
            "days": (pd.Timestamp(today) - verified).dt.days.astype("Int64"),
        }
    )[states.notna().to_numpy()]
    never = result["state"] == NEVER
    return pd.concat(
        [result[never], result[~never].sort_values("days", ascending=False)]
    ).reset_index(drop=True)[columns]


def unlocated_records(layer: Layer, frame: pd.DataFrame) -> pd.DataFrame:
    """Records still without a location ("bez lokalizacji"), to be placed by a click."""
    if layer.geometry is None or frame.empty:
        return frame.iloc[0:0]
    return frame[~has_location(frame.geometry).to_numpy()]


def describe_changes(
    layer: Layer, before: dict[str, Any] | None, after: dict[str, Any]
) -> list[tuple[str, str, str]]:
    """(field label, before, after) for every field that differs, as people read them."""
    if before is None:
        return [("", "", "nowy wpis")]
    rows = []
    for f in layer.fields:
        old, new = before.get(f.name), after.get(f.name)
        if old != new:
            rows.append((f.label, format_value(f, old), format_value(f, new)))
    if before.get("geometry") != after.get("geometry"):
        rows.append(("Lokalizacja", before.get("geometry") or "", after.get("geometry") or ""))
    archived = next(f for f in SYSTEM_FIELDS if f.name == "archived_at")
    if before.get("archived_at") != after.get("archived_at"):
        rows.append(
            (archived.label, before.get("archived_at") or "", after.get("archived_at") or "")
        )
    return rows


def history_table(store: Store, layer: Layer, record_id: str) -> pd.DataFrame:
    """The history of one record: version, when, who, what, and which fields changed."""
    log = store.history(layer.name, record_id)
    rows = []
    for _, entry in log.iterrows():
        before = json.loads(entry["before"]) if isinstance(entry["before"], str) else None
        after = json.loads(entry["after"])
        changed = describe_changes(layer, before, after)
        rows.append(
            {
                "wersja": int(entry["version"]),
                "kiedy": str(entry["at"]).replace("T", " ")[:19],
                "kto": entry["author"],
                "co": ACTION_LABELS.get(entry["action"], entry["action"]),
                "zmiany": "; ".join(
                    f"{label}: {old or '—'} → {new or '—'}" if label else new
                    for label, old, new in changed
                ),
            }
        )
    return pd.DataFrame(rows, columns=["wersja", "kiedy", "kto", "co", "zmiany"])


def new_record_defaults(layer: Layer, city: str) -> dict[str, Any]:
    """Values a new record starts with: the city, the first status, verified today."""
    values: dict[str, Any] = {}
    if "city" in layer.field_names:
        values["city"] = city
    if "status" in layer.field_names:
        values["status"] = layer.field("status").codes[0]
    if "reported_on" in layer.field_names:
        values["reported_on"] = date.today().isoformat()
    if FRESHNESS_FIELD in layer.field_names:
        # Whoever adds a record has just checked it: it is not "to verify".
        values[FRESHNESS_FIELD] = date.today().isoformat()
    return values


def with_district(layer: Layer, values: dict[str, Any], areas: gpd.GeoDataFrame) -> dict[str, Any]:
    """Set ``district`` from the geometry when the city's districts have polygons.

    A hand-typed district is kept when the point lies in no district polygon
    (e.g. a city whose boundaries are not loaded yet).
    """
    geometry = values.get("geometry")
    if "district" not in layer.field_names or geometry is None or areas.empty:
        return values
    point = gpd.GeoDataFrame(geometry=[geometry], crs=areas.crs)
    found = assign_district(point, areas).iloc[0]
    return {**values, "district": found} if found else values


def compare_versions(layer: Layer, theirs: dict[str, Any], yours: dict[str, Any]) -> pd.DataFrame:
    """Fields where the stored record and the user's unsaved version differ."""
    rows = [
        {"Pole": label, "W bazie (nowsza)": old, "Twoja wersja": new}
        for label, old, new in describe_changes(layer, theirs, {**theirs, **yours})
    ]
    return pd.DataFrame(rows, columns=["Pole", "W bazie (nowsza)", "Twoja wersja"])
