"""Streamlit glue shared by the pages — the only module of ``mapping`` that imports streamlit.

It opens the store once per server, caches layer reads by the store's data
version (so a change anywhere shows up everywhere, and nothing is re-read on a
plain rerun), and draws the shared sidebar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
import streamlit as st
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from streamlit_folium import st_folium

from mapping.editing import compare_versions, verify_record
from mapping.errors import ConflictError, MapError, ValidationError
from mapping.pickermap import picker_map
from mapping.schema import Audience, Field, FieldType, Layer, Visibility
from mapping.store import Store, default_location, open_store

__all__ = [
    "Context",
    "apply_pending_selection",
    "conflict_panel",
    "context",
    "forget_location",
    "get_store",
    "load_layer",
    "location_picker",
    "record_actions",
    "record_form",
    "run_action",
    "save_record",
    "select_after_rerun",
    "sidebar",
]

T = TypeVar("T")

AUDIENCE_LABELS = {
    Audience.EDITOR: "edytor (wszystkie pola)",
    Audience.TEAM: "zespół partnerstwa",
    Audience.PUBLIC: "publiczność",
}


@dataclass(frozen=True)
class Context:
    """What the sidebar settled for this run: the city, who edits, who watches."""

    city: str
    author: str
    audience: Audience


@st.cache_resource
def _store_at(location: str) -> Store:
    return open_store(location)


def get_store() -> Store:
    """The store of this server (``$MAPA_DB`` or ``data/mapa.gpkg``)."""
    return _store_at(default_location())


@st.cache_data(show_spinner=False, max_entries=64)
def _cached_layer(
    location: str, version: int, layer: str, city: str | None, include_archived: bool
) -> gpd.GeoDataFrame:
    return _store_at(location).read_layer(layer, city=city, include_archived=include_archived)


def load_layer(
    layer: str, city: str | None = None, *, include_archived: bool = False
) -> gpd.GeoDataFrame:
    """A layer's records, re-read only when the store changed."""
    store = get_store()
    return _cached_layer(store.location, store.data_version(), layer, city, include_archived)


def sidebar() -> Context:
    """Draw the shared sidebar (city, your name, audience) and return its choices."""
    store = get_store()
    cities = store.cities() or ["Gdańsk"]
    with st.sidebar:
        st.markdown("### Mapa zasobów i potrzeb")
        city = st.selectbox("Miasto", cities, key="city")
        author = st.text_input(
            "Twoje imię (zapisywane w historii zmian)",
            key="author",
            placeholder="np. Anna z MOPS",
        )
        audience = st.radio(
            "Kto patrzy na mapę",
            list(AUDIENCE_LABELS),
            format_func=AUDIENCE_LABELS.get,
            index=2,
            key="audience",
            help="Publiczność widzi tylko pola publiczne; dane osobowe tylko edytor.",
        )
        st.caption(f"Plik mapy: `{store.location}`")
    ctx = Context(city=city, author=author.strip(), audience=Audience(audience))
    st.session_state["_context"] = ctx
    return ctx


def context() -> Context:
    """The sidebar's choices for this run (drawn by ``app.py`` before the page)."""
    return st.session_state["_context"]


def run_action(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a store action; show domain errors in Polish instead of a traceback.

    Returns the action's result, or None when it failed with a ``MapError``.
    A conflict shows the record as it is now, so the user can compare.
    """
    try:
        result = action()
    except ConflictError as exc:
        st.error(exc.message)
        if exc.current is not None:
            st.caption("Aktualna wersja w bazie:")
            st.json(_printable(exc.current), expanded=False)
        return None
    except ValidationError as exc:
        for problem in exc.problems:
            st.error(problem.describe())
        return None
    except MapError as exc:
        st.error(exc.describe())
        return None
    if success:
        st.success(success)
    return result


def _printable(record: dict[str, Any]) -> dict[str, Any]:
    geometry = record.get("geometry")
    return {**record, "geometry": None if geometry is None else geometry.wkt[:200]}


# -- forms derived from the schema ---------------------------------------------


def _label(f: Field) -> str:
    lock = " 🔒" if f.visibility == Visibility.PRIVATE else ""
    return f"{f.label}{' *' if f.required else ''}{lock}"


def _help(f: Field) -> str | None:
    notes = [f.help] if f.help else []
    if f.visibility == Visibility.PRIVATE:
        notes.append("Dane osobowe: widoczne tylko dla edytorów, nigdy w eksportach HTML.")
    elif f.visibility == Visibility.TEAM:
        notes.append("Widoczne dla zespołu, nie w publicznej mapie.")
    return " ".join(notes) or None


def _choice(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    options = [None, *f.codes]
    index = options.index(value) if value in options else (1 if f.required else 0)
    return st.selectbox(
        label,
        options,
        index=index,
        format_func=lambda c: "—" if c is None else f.choice_label(c),
        help=_help(f),
        key=wkey,
    )


def _multichoice(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    return st.multiselect(label, f.codes, default=value or [], format_func=f.choice_label, key=wkey)


def _refs(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    options = refs.get(f.ref_layer or "", {})
    chosen = [v for v in (value or []) if v in options]
    return st.multiselect(label, list(options), default=chosen, format_func=options.get, key=wkey)


def _number(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    integer = f.type == FieldType.INTEGER
    number = None if value is None or pd.isna(value) else (int(value) if integer else value)
    step = 1 if integer else 0.1
    return st.number_input(label, value=number, step=step, help=_help(f), key=wkey)


def _date(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    current = date.fromisoformat(value) if isinstance(value, str) and value else None
    return st.date_input(label, value=current, format="DD.MM.YYYY", help=_help(f), key=wkey)


def _longtext(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    return st.text_area(label, value=value or "", help=_help(f), key=wkey)


def _text(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    return st.text_input(label, value=value or "", help=_help(f), key=wkey)


_WIDGETS = {
    FieldType.CHOICE: _choice,
    FieldType.MULTICHOICE: _multichoice,
    FieldType.REFS: _refs,
    FieldType.INTEGER: _number,
    FieldType.REAL: _number,
    FieldType.DATE: _date,
    FieldType.LONGTEXT: _longtext,
}


def record_form(
    layer: Layer,
    record: dict[str, Any] | None,
    *,
    key: str,
    ref_options: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    submit_label: str = "Zapisz",
) -> dict[str, Any] | None:
    """A form with one widget per field of ``layer`` (required ones marked with *).

    Returns the entered values when submitted, else None.  ``errors`` maps a
    field's Polish label to its message, shown right under the field.
    """
    record = record or {}
    errors = errors or {}
    ref_options = ref_options or {}
    with st.form(key, border=True):
        values = {}
        for f in layer.fields:
            widget = _WIDGETS.get(f.type, _text)
            values[f.name] = widget(
                f, record.get(f.name), _label(f), f"{key}_{f.name}", ref_options
            )
            if f.label in errors:
                st.error(errors[f.label], icon="⚠️")
        submitted = st.form_submit_button(submit_label, type="primary")
    return values if submitted else None


def location_picker(
    areas: gpd.GeoDataFrame, current: BaseGeometry | None, *, key: str
) -> BaseGeometry | None:
    """A map where one click places (or moves) the record; returns the chosen point.

    Only clicks come back to Python (``returned_objects=["last_clicked"]``), so
    panning and zooming never rerun the page.
    """
    picked_key = f"{key}_picked"
    shown = st.session_state.get(picked_key) or current
    result = st_folium(
        picker_map(areas, shown),
        key=key,
        height=420,
        use_container_width=True,
        returned_objects=["last_clicked"],
    )
    clicked = (result or {}).get("last_clicked")
    if clicked:
        point = Point(round(clicked["lng"], 6), round(clicked["lat"], 6))
        if st.session_state.get(picked_key) != point:
            st.session_state[picked_key] = point
            st.rerun()
    chosen = st.session_state.get(picked_key) or current
    if chosen is not None:
        p = chosen.representative_point()
        st.caption(f"Lokalizacja: {p.y:.5f}, {p.x:.5f} — kliknij mapę, aby ją zmienić.")
    else:
        st.caption("Brak lokalizacji — kliknij mapę, aby wskazać miejsce.")
    return chosen


def forget_location(key: str) -> None:
    """Drop a point picked on the map (after saving or when switching records)."""
    st.session_state.pop(f"{key}_picked", None)


def save_record(
    layer: Layer, record: dict[str, Any] | None, values: dict[str, Any], *, author: str, key: str
) -> dict[str, Any] | None:
    """Create or update a record from a form; keep problems for the next run.

    Validation problems are remembered under ``key`` so the form shows each
    beside its field; a conflict is remembered so ``conflict_panel`` can show
    both versions.  Returns the saved record, or None.
    """
    store = get_store()
    st.session_state.pop(f"{key}_errors", None)
    try:
        if record is None:
            return store.create(layer.name, values, author=author)
        return store.update(
            layer.name, record["id"], values, expected_version=record["version"], author=author
        )
    except ValidationError as exc:
        st.session_state[f"{key}_errors"] = {p.field: p.message for p in exc.problems}
        st.error("Nie zapisano — popraw zaznaczone pola.")
        for problem in exc.problems:
            st.error(problem.describe())
    except ConflictError as exc:
        st.session_state["_conflict"] = (layer.name, exc.current, values)
    except MapError as exc:
        st.error(exc.describe())
    return None


def conflict_panel(layer: Layer, *, author: str) -> None:
    """If the last save hit a newer version, show both and let the user decide."""
    pending = st.session_state.get("_conflict")
    if not pending or pending[0] != layer.name:
        return
    _, current, yours = pending
    st.error(
        f"Ktoś zapisał nowszą wersję tego wpisu ({current['author']}, "
        f"{current['updated_at'][:16].replace('T', ' ')}). Nic nie zostało nadpisane."
    )
    st.dataframe(compare_versions(layer, current, yours), hide_index=True, width="stretch")
    keep, drop = st.columns(2)
    if keep.button("Zapisz moją wersję mimo to", type="primary"):
        saved = run_action(
            lambda: get_store().update(
                layer.name, current["id"], yours, expected_version=current["version"], author=author
            )
        )
        if saved is not None:
            st.session_state.pop("_conflict")
            st.rerun()
    if drop.button("Zostaw wersję z bazy"):
        st.session_state.pop("_conflict")
        st.rerun()


def select_after_rerun(widget_key: str, value: Any) -> None:
    """Make a selectbox show ``value`` on the next run (e.g. the record just saved).

    A widget's state cannot change after it is drawn, so the value waits here.
    """
    st.session_state[f"_pending_{widget_key}"] = value


def apply_pending_selection(widget_key: str) -> None:
    """Call right before drawing the widget: applies ``select_after_rerun``."""
    pending = st.session_state.pop(f"_pending_{widget_key}", None)
    if pending is not None:
        st.session_state[widget_key] = pending


def record_actions(layer: Layer, record: dict[str, Any], *, author: str) -> None:
    """Buttons under a record: confirm it is current, archive or restore, undo."""
    store = get_store()
    rid, version = record["id"], record["version"]
    cols = st.columns(3)
    actions: list[tuple[Any, str, Callable[[], Any]]] = []
    if "last_verified" in layer.field_names:
        actions.append(
            (
                cols[0],
                "✅ Potwierdzam aktualność",
                lambda: verify_record(store, layer.name, record, author=author),
            )
        )
    if record["archived_at"]:
        actions.append(
            (
                cols[1],
                "♻️ Przywróć z archiwum",
                lambda: store.unarchive(layer.name, rid, expected_version=version, author=author),
            )
        )
    else:
        actions.append(
            (
                cols[1],
                "🗄️ Archiwizuj",
                lambda: store.archive(layer.name, rid, expected_version=version, author=author),
            )
        )
    actions.append(
        (
            cols[2],
            "↩️ Cofnij ostatnią zmianę",
            lambda: store.undo_last(layer.name, rid, author=author),
        )
    )
    for col, label, action in actions:
        if col.button(label, disabled=not author, key=f"{label}_{rid}") and run_action(action):
            st.rerun()
