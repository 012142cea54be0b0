"""History as reverse deltas: what each change did, and earlier states rebuilt from it.

The current row of a layer is the truth; a history row written today keeps
only what its change did, so a map edited 100,000 times stays small:

- an update (also archive, unarchive, restore, undo) keeps the changed fields in
  its ``before`` column as ``{field: [old, new]}`` (the geometry as WKT; a
  GeoPackage trigger writes it as the hex of its blob under ``geometry_gpkg``
  and list fields as stored text) and ``{}`` in ``after``;
- a creation (and a deleted record brought back) keeps no state: ``before`` is
  NULL and ``after`` holds nothing readers need (``{}``; a trigger's creation
  notes its ``created_at`` there), as the record, or a later row, holds it;
- a deletion keeps the whole last state in ``before`` and ``after``, as the row
  is gone from the layer.

Rows written before this format hold whole snapshots (``mapping.store.records``).
A whole snapshot always has an ``id``; a delta never has one (an id cannot
change), so old and new rows read side by side.  An earlier state is the
current record with the rows after it undone, newest first; the version, time
and author of a state are those of the history row that made it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.frames import WGS84, decode_list, is_list_field, records_to_frame, texts_in
from mapping.schema import Layer
from mapping.store.gpkg_binary import decode_geometry
from mapping.store.records import HISTORY_FIELDS, snapshot, snapshot_record, snapshots

__all__ = [
    "NO_STATE",
    "Entry",
    "State",
    "canonical_entry",
    "changes_text",
    "derived_history",
    "is_whole",
    "layer_as_of",
    "state_before",
    "walk_back",
]

#: The ``after`` of a row that keeps no state (an update's or a creation's).
NO_STATE = "{}"
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)

#: One raw history row: the columns of ``HISTORY_FIELDS`` by name (snapshots as text).
Entry = Mapping[str, Any]
#: A record state (``mapping.frames`` record form), or None where the record did not exist.
State = dict[str, Any] | None


def _wkt(geom: Any) -> str | None:
    return None if geom is None or geom.is_empty else shapely.to_wkt(geom, rounding_precision=7)


def changes_text(layer: Layer, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """The ``before`` of an update row: ``{field: [old, new]}`` of what differs."""
    changed: dict[str, Any] = {}
    for name in [*layer.field_names, "archived_at"]:
        old, new = before.get(name), after.get(name)
        if old != new:
            changed[name] = [old, new]
    g1, g2 = before.get("geometry"), after.get("geometry")
    if (g1 is None) != (g2 is None) or (g1 is not None and not g1.equals_exact(g2, 0)):
        changed["geometry"] = [_wkt(g1), _wkt(g2)]
    return _ENCODER.encode(changed)


def _read_changes(layer: Layer, text: str) -> dict[str, list[Any]]:
    """A delta in the record form: lists as lists, geometries as shapely."""
    data = json.loads(text)
    blobs = data.pop("geometry_gpkg", None)  # written by a GeoPackage trigger
    if blobs is not None:
        data["geometry"] = [decode_geometry(bytes.fromhex(b)) if b else None for b in blobs]
    elif "geometry" in data:
        data["geometry"] = [shapely.from_wkt(w) if w else None for w in data["geometry"]]
    for f in layer.fields:
        if f.name in data and is_list_field(f.type):
            data[f.name] = [decode_list(v) for v in data[f.name]]
    return data


def is_whole(text: str | None) -> bool:
    """Whether a history column holds a whole snapshot (not a delta, not nothing)."""
    if text is None or text == NO_STATE:  # most rows: said without parsing
        return False
    return "id" in json.loads(text)


def state_before(layer: Layer, after: Mapping[str, Any], entry: Entry) -> State:
    """The state before ``entry``, given the state it left (``after``)."""
    before = entry["before"]
    if before is None:
        return None  # a creation: nothing before it
    if is_whole(entry["after"]):
        return snapshot_record(layer, before)
    old = {name: pair[0] for name, pair in _read_changes(layer, before).items()}
    return {**after, **old}


def walk_back(layer: Layer, current: State, entries: Sequence[Entry]) -> list[tuple[State, State]]:
    """(state before, state after) of each of one record's ``entries``, newest first.

    ``current`` is the record as it is now (None if deleted); the entries are
    its history rows from the newest, as far back as needed.
    """
    states: list[tuple[State, State]] = []
    state = current
    for entry in entries:
        after: State
        if is_whole(entry["after"]):
            after = snapshot_record(layer, entry["after"])
        elif state is None:
            after = None  # a history that does not match the layer: nothing to show
        else:
            after = {**state, "version": int(entry["version"]), "updated_at": entry["at"],
                     "author": entry["author"]}  # fmt: skip
        state = None if after is None else state_before(layer, after, entry)
        states.append((state, after))
    # The state before a change is the state the change before it left, stamps included.
    for n in range(len(states) - 1):
        if states[n][0] is not None and states[n + 1][1] is not None:
            states[n] = (states[n + 1][1], states[n][1])
    return states


def canonical_entry(layer: Layer, entry: Entry) -> dict[str, Any]:
    """A raw history row in the form the app writes (for copying between backends).

    Rows of a GeoPackage trigger hold list fields as stored text and the
    geometry as the hex of its blob; a copy carries every row in one form.
    """
    row = dict(entry)
    if is_whole(row["after"]):
        for column in ("before", "after"):
            if row[column] is not None:
                row[column] = snapshot(snapshot_record(layer, row[column]))
    elif row["before"] is not None:
        data = _read_changes(layer, row["before"])
        if "geometry" in data:
            data["geometry"] = [_wkt(g) for g in data["geometry"]]
        row["before"] = _ENCODER.encode(data)
    return row


def derived_history(
    layers: Callable[[str], Layer],
    entries: Sequence[Entry],
    currents: Callable[[Layer, list[str]], dict[str, dict[str, Any]]],
) -> pd.DataFrame:
    """The ``history`` frame: raw ``entries`` (newest first) with whole snapshots.

    ``before`` and ``after`` of every row are whole records in the app's
    snapshot form (None before a creation), rebuilt from the current records
    (``currents`` of a layer's ids) as the callers of ``history`` read them.
    """
    by_record: dict[tuple[str, str], list[int]] = {}
    for n, entry in enumerate(entries):
        by_record.setdefault((entry["layer"], entry["record_id"]), []).append(n)
    befores: list[str | None] = [None] * len(entries)
    afters: list[str] = [NO_STATE] * len(entries)
    # A change's state before is the state after the one before it: each encoded once,
    # all geometries turned into WKT at once.
    unique: dict[int, dict[str, Any]] = {}
    wanted: list[tuple[int, int | None, int | None]] = []  # row, its states (by id)
    for name in dict.fromkeys(key[0] for key in by_record):
        schema = layers(name)
        ids = [rid for layer, rid in by_record if layer == name]
        now = currents(schema, ids)
        for rid in ids:
            positions = by_record[(name, rid)]
            states = walk_back(schema, now.get(rid), [entries[n] for n in positions])
            for n, (before, after) in zip(positions, states, strict=True):
                for state in (before, after):
                    if state is not None:
                        unique.setdefault(id(state), state)
                wanted.append((n, _id(before), _id(after)))
    texts = dict(zip(unique, snapshots(list(unique.values())), strict=True))
    for n, before_id, after_id in wanted:
        befores[n] = None if before_id is None else texts[before_id]
        afters[n] = NO_STATE if after_id is None else texts[after_id]
    frame = pd.DataFrame(
        {name: [entry[name] for entry in entries] for name in HISTORY_FIELDS},
        columns=list(HISTORY_FIELDS),
    )
    frame["before"] = pd.Series(befores, dtype=object)
    frame["after"] = pd.Series(afters, dtype=object)
    return frame


def _id(state: State) -> int | None:
    return None if state is None else id(state)


def layer_as_of(
    layer: Layer,
    live: tuple[gpd.GeoDataFrame, Sequence[int]],
    changed: Mapping[str, tuple[int, dict[str, Any]]],
    anchors: Mapping[str, Entry],
    later: Mapping[str, Sequence[Entry]],
    *,
    city: str | None,
) -> gpd.GeoDataFrame:
    """ "Stan na dzień": the layer's records as the history says they stood at a cutoff.

    Parameters
    ----------
    live : the layer as ``read_layer`` reads it now (of ``city``, archived left out),
        and the fid of each of its rows
    changed : the fid and current record (archived too) of each record changed since
    anchors : the newest history row at or before the cutoff of each record changed since
    later : the history rows after the cutoff, by record, newest first

    A record not changed since is its row as read now, as fast as
    ``read_layer`` (every row has its history: the app and the file's triggers
    write it); the others are their records, or deletion snapshots, with the
    later changes undone.  Records come in file order, as ``read_layer`` gives
    them, records deleted since after them; records created later, or
    archived by then, are left out.
    """
    frame, fids = live
    if not later:  # nothing changed since: the layer as it is (the usual "today")
        return frame
    keep = ~texts_in(frame["id"], later)  # many ids: pandas' isin takes one at a time
    frame, keys = frame[keep], list(np.asarray(fids, dtype=np.int64)[keep])
    past = []
    gone = np.iinfo(np.int64).max // 2  # deleted since: after every row, in history order
    for rid, anchor in sorted(anchors.items(), key=lambda item: int(item[1]["fid"])):
        fid, current = changed.get(rid, (gone + int(anchor["fid"]), None))
        state = _state_at(layer, current, anchor, later.get(rid, []))
        if state and not state.get("archived_at") and (city is None or state.get("city") == city):
            past.append(state)
            keys.append(fid)
    if not past:
        return frame.reset_index(drop=True)
    rebuilt = records_to_frame(layer, past)
    if not frame.empty:
        rebuilt = gpd.GeoDataFrame(
            pd.concat([frame, rebuilt], ignore_index=True), geometry="geometry", crs=WGS84
        )
    return rebuilt.iloc[np.argsort(np.asarray(keys), kind="stable")].reset_index(drop=True)


def _state_at(layer: Layer, current: State, anchor: Entry, later: Sequence[Entry]) -> State:
    """One record's state after ``anchor``: ``current`` with the changes ``later`` undone."""
    if is_whole(anchor["after"]):
        return snapshot_record(layer, anchor["after"])
    later = [e for e in later if int(e["fid"]) > int(anchor["fid"])]
    state = current
    if later:
        state = walk_back(layer, state, later)[-1][0]
    if state is None:
        return None
    return {**state, "version": int(anchor["version"]), "updated_at": anchor["at"],
            "author": anchor["author"]}  # fmt: skip
