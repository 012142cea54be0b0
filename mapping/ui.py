"""Streamlit glue shared by the pages — the only module of ``mapping`` that imports streamlit.

It opens the store once per server, caches layer reads by the store's data
version (so a change anywhere shows up everywhere, and nothing is re-read on a
plain rerun), and draws the shared sidebar.
"""

from __future__ import annotations

import copy
import html
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from streamlit_folium import st_folium

from mapping.analysis.indicators import INDICATOR_LABELS
from mapping.citymap import CHOROPLETH_INDICATORS, CityMap, city_map
from mapping.editing import compare_versions, verify_record
from mapping.errors import ConflictError, MapError, ValidationError
from mapping.filters import RecordFilter, district_options, status_options
from mapping.mapview import TILES
from mapping.meeting import SLIDES, close_meeting, start_meeting
from mapping.meetingmap import meeting_map
from mapping.pickermap import picker_map
from mapping.schema import NEEDS, RESOURCES, Audience, Field, FieldType, Layer, Visibility
from mapping.store import Store, default_location, open_store

__all__ = [
    "Context",
    "MapView",
    "apply_pending_selection",
    "city_map_for",
    "close_meeting_form",
    "conflict_panel",
    "context",
    "current_meeting",
    "district_area",
    "escape",
    "forget_location",
    "get_store",
    "load_layer",
    "location_picker",
    "map_sidebar",
    "md",
    "meeting_map_for",
    "opened_record",
    "projector_mode",
    "record_actions",
    "record_form",
    "run_action",
    "save_record",
    "saved_upload",
    "select_after_rerun",
    "show_clickable_map",
    "show_map",
    "sidebar",
    "start_meeting_form",
]

T = TypeVar("T")

#: The city shown first: the richest bundled data set.
DEFAULT_CITY = "Gdańsk"

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
        default = cities.index(DEFAULT_CITY) if DEFAULT_CITY in cities else 0
        city = st.selectbox("Miasto", cities, index=default, key="city")
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
    """The sidebar's choices for this run (drawn by ``app.py`` before the page).

    Right after a server start, a bookmarked page URL (``/edycja``) can run
    the page before ``app.py`` ever has; the sidebar is then drawn here.
    """
    if "_context" not in st.session_state:
        return sidebar()
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
    _forget_opened()
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
    # A new record starts at "—" even for required fields: the user chooses
    # consciously, and a forgotten choice gets the "pole jest wymagane" message.
    index = options.index(value) if value in options else 0
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
    areas: gpd.GeoDataFrame,
    current: BaseGeometry | None,
    *,
    key: str,
    points: bool = True,
    draw_areas: bool = False,
) -> BaseGeometry | None:
    """A map where a click places (or moves) the record, and where areas can be drawn.

    Only clicks and finished drawings come back to Python
    (``returned_objects``), so panning and zooming never rerun the page.
    """
    picked_key, seen_key = f"{key}_picked", f"{key}_seen"
    shown = st.session_state.get(picked_key) or current
    result = st_folium(
        picker_map(areas, shown, draw_areas=draw_areas),
        key=key,
        height=420,
        use_container_width=True,
        returned_objects=_PICKER_RETURNS,
    )
    picked = _picked_geometry(result or {}, st.session_state.get(seen_key) or {}, points=points)
    st.session_state[seen_key] = result or {}
    if picked is not None and not picked.equals(st.session_state.get(picked_key) or Point()):
        st.session_state[picked_key] = picked
        st.rerun()
    chosen = st.session_state.get(picked_key) or current
    if chosen is None:
        hint = "kliknij mapę" if points else "narysuj obszar narzędziem po lewej"
        st.caption(f"Brak lokalizacji — {hint}, aby wskazać miejsce.")
    elif chosen.geom_type == "Point":
        st.caption(f"Lokalizacja: {chosen.y:.5f}, {chosen.x:.5f} — kliknij mapę, aby ją zmienić.")
    else:
        st.caption("Obszar zaznaczony — narysuj nowy, aby go zmienić.")
    return chosen


#: What the picker sends back: clicks on the map and on its layers, drawings.
_PICKER_RETURNS = [
    "last_clicked",
    "last_object_clicked",
    "last_object_clicked_count",
    "last_active_drawing",
    "all_drawings",
]


def _picked_geometry(
    result: dict[str, Any], seen: dict[str, Any], *, points: bool
) -> BaseGeometry | None:
    """What the user has just given on the picker: a drawn area, a clicked point, or None.

    ``result`` is st_folium's value now and ``seen`` the previous run's; what
    changed is the latest action.  A click inside a district is a click on the
    districts layer (``last_object_clicked``, with a counter), not a map click
    (``last_clicked``, only where no layer is), so both are read.  st_folium
    also reports a layer click as the "last active drawing": only a shape that
    is one of the drawings made with the draw tool counts as a drawn area.
    """

    def changed(name: str) -> bool:
        return result.get(name) != seen.get(name)

    drawing = (result.get("last_active_drawing") or {}).get("geometry")
    drawn = [d.get("geometry") for d in result.get("all_drawings") or []]
    if drawing and drawing in drawn and changed("last_active_drawing"):
        return shape(drawing)
    if not points:
        return None
    if changed("last_object_clicked_count"):
        clicked = result.get("last_object_clicked")
    else:
        clicked = result.get("last_clicked") if changed("last_clicked") else None
    if not clicked:
        return None
    return Point(round(clicked["lng"], 6), round(clicked["lat"], 6))


def forget_location(key: str) -> None:
    """Drop a point picked on the map (after saving or when switching records)."""
    st.session_state.pop(f"{key}_picked", None)


_OPENED = "_opened_record"


def opened_record(layer: Layer, record_id: str) -> dict[str, Any]:
    """The record as this user opened it, kept until this session writes something.

    A save must be checked against the version the form was filled from.
    Reading the store afresh on the run that submits the form would take a
    version someone else saved meanwhile: a new form (its key holds the
    version), the user's edits dropped and no conflict shown.  Any successful
    write from this session (``save_record``, ``run_action``, the conflict
    panel) forgets it, so the next run shows the record as stored.
    """
    opened = st.session_state.get(_OPENED)
    if opened is None or opened[0] != layer.name or opened[1]["id"] != record_id:
        opened = (layer.name, get_store().get(layer.name, record_id))
        st.session_state[_OPENED] = opened
    return opened[1]


def _forget_opened() -> None:
    st.session_state.pop(_OPENED, None)


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
            saved = store.create(layer.name, values, author=author)
        else:
            saved = store.update(
                layer.name, record["id"], values, expected_version=record["version"], author=author
            )
        _forget_opened()
        return saved
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


def conflict_panel(layer: Layer, record_id: str | None, *, author: str) -> None:
    """If the last save of this record hit a newer version, show both and let the user decide."""
    pending = st.session_state.get("_conflict")
    if not pending or pending[0] != layer.name or pending[1]["id"] != record_id:
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
        _forget_opened()
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


# -- the city map ------------------------------------------------------------------


@st.cache_resource(show_spinner="Rysuję mapę…", max_entries=16)
def _cached_city_map(
    location: str, version: int, city: str, options: tuple[tuple[str, Any], ...]
) -> CityMap:
    store = _store_at(location)
    opts = dict(options)
    records = {name: store.read_layer(name, city=city) for name in opts.pop("layers")}
    return city_map(store.read_layer("areas", city=city), records, **opts)


def city_map_for(city: str, **options: Any) -> CityMap:
    """The city map, rebuilt only when the data or the options change.

    Options are those of ``mapping.citymap.city_map`` plus ``layers`` (names).
    """
    store = get_store()
    key = tuple(sorted(options.items()))
    return _cached_city_map(store.location, store.data_version(), city, key)


def _fresh(m: folium.Map) -> folium.Map:
    """A copy of a cached map for ``st_folium`` to render.

    ``st_folium`` renames every element's id while it renders (``map_div``,
    ``div_0``, …) and each render adds a new "add to map" child to every shown
    layer; rendering the same map object a second time (the next session, or
    the same options again after a rerun) then emits a script that refers to
    the old names ("record_layer_… is not defined") and the map stays blank.
    The cached map is therefore never handed over itself.
    """
    return copy.deepcopy(m)


def show_map(built: CityMap, *, height: int = 640, key: str = "mapa") -> dict[str, Any] | None:
    """Show a built map; pan and zoom stay in the browser (nothing returns to Python)."""
    return st_folium(
        _fresh(built.map), key=key, height=height, use_container_width=True, returned_objects=[]
    )


@dataclass(frozen=True)
class MapView:
    """The sidebar's choices for the map: what to shade, where to look, what to show."""

    filter: RecordFilter
    indicator: str
    focus: str | None
    tiles: str


def _labelled_multiselect(label: str, f: Field, key: str) -> tuple[str, ...]:
    return tuple(st.multiselect(label, f.codes, format_func=f.choice_label, key=key))


def map_sidebar(areas: gpd.GeoDataFrame) -> MapView:
    """Sidebar controls of the map: indicator, district, filters, base map."""
    statuses = status_options(RESOURCES, NEEDS)
    with st.sidebar:
        st.markdown("#### Co pokazać")
        indicator = st.selectbox(
            "Cieniowanie dzielnic",
            CHOROPLETH_INDICATORS,
            index=1,
            format_func=lambda c: INDICATOR_LABELS[c][0],
            key="map_indicator",
        )
        focus = st.selectbox(
            "Dzielnica",
            [None, *district_options(areas)],
            format_func=lambda d: "całe miasto" if d is None else d,
            key="map_focus",
        )
        flt = RecordFilter(
            kinds=_labelled_multiselect("Rodzaj zasobu", RESOURCES.field("kind"), "map_kinds"),
            categories=_labelled_multiselect("Kategoria", RESOURCES.field("category"), "map_cats"),
            target_groups=_labelled_multiselect(
                "Dla kogo", RESOURCES.field("target_groups"), "map_groups"
            ),
            statuses=tuple(
                st.multiselect(
                    "Status", list(statuses), format_func=statuses.get, key="map_statuses"
                )
            ),
            districts=tuple(
                st.multiselect("Tylko dzielnice", district_options(areas), key="map_districts")
            ),
            text=st.text_input("Szukaj (nazwa, adres)", key="map_text"),
        )
        tiles = st.radio(
            "Podkład",
            list(TILES),
            format_func=lambda t: TILES[t].label,
            horizontal=True,
            key="map_tiles",
        )
    return MapView(flt, indicator, focus, tiles)


def saved_upload(upload: Any) -> str:
    """Write an uploaded file to a temporary path that keeps its name and suffix.

    The readers detect the format by suffix and GDAL needs a real path.
    """
    folder = Path(tempfile.gettempdir()) / "mapa-import" / upload.file_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(upload.name).name
    if not path.exists():
        path.write_bytes(upload.getvalue())
    return str(path)


# -- meeting mode ----------------------------------------------------------------------

_PROJECTOR_CSS = """
<style>
/* Meeting mode: no Streamlit chrome, large type readable from the back of a room. */
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], footer { display: none !important; }
.block-container { padding: 0.6rem 1rem 0 1rem !important; max-width: 100% !important; }
.stApp, .stApp p, .stApp label, .stApp li, .stApp input, .stApp button,
.stApp [data-baseweb="select"] { font-size: 24px !important; }
h1.slide-title { font-size: 40px !important; margin: 0; padding: 0.2rem 0; color: #000; }
.stApp h3 { font-size: 30px !important; }
</style>
"""


def escape(text: Any) -> str:
    """User text made safe for the few places that render HTML."""
    return html.escape(str(text or ""))


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: Any) -> str:
    """User text made inert inside Streamlit markdown (labels, st.write, st.markdown).

    Markdown would turn ``![](http://…)`` into an image fetched from the
    internet and ``[x](javascript:…)`` into a link; escaping every markdown
    character keeps names exactly as typed.
    """
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(text if text is not None else ""))


# The map's runtime sets legend entries a little smaller than its base text
# (.92em), which on the projector style is 22 px; the projector's floor is
# 24 px (PROJECTOR.font_px), so entries take the base size there.
_PROJECTOR_MAP_CSS = "<style>.mapa-map .mapa-legend li { font-size: 1em; }</style>"


def projector_mode() -> None:
    """Hide the app's chrome and enlarge text for a projector (this page only)."""
    st.html(_PROJECTOR_CSS)


@st.cache_resource(show_spinner="Rysuję mapę…", max_entries=16)
def _cached_meeting_map(
    location: str, version: int, city: str, slide_key: str, focus: str | None, tiles: str
) -> CityMap:
    store = _store_at(location)
    names = ("resources", "needs", "actions", "partnerships")
    records = {name: store.read_layer(name, city=city) for name in names}
    slide = next(s for s in SLIDES if s.key == slide_key)
    built = meeting_map(
        slide, store.read_layer("areas", city=city), records, focus=focus, tiles=tiles
    )
    built.map.get_root().header.add_child(
        folium.Element(_PROJECTOR_MAP_CSS), name="projector_legend"
    )
    return built


def meeting_map_for(city: str, slide_key: str, *, focus: str | None, tiles: str) -> CityMap:
    """The slide's projector map, rebuilt only when the data or the choices change."""
    store = get_store()
    return _cached_meeting_map(store.location, store.data_version(), city, slide_key, focus, tiles)


def show_clickable_map(built: CityMap, *, height: int, key: str) -> Point | None:
    """Show a map whose clicks come back (to place a need); pan and zoom stay in the browser."""
    result = st_folium(
        _fresh(built.map),
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=_CLICK_RETURNS,
    )
    # A click inside a district is a click on the districts layer, not on the
    # map: read both, as the location picker does.
    seen_key = f"{key}_seen"
    clicked = _picked_geometry(result or {}, st.session_state.get(seen_key) or {}, points=True)
    st.session_state[seen_key] = result or {}
    if clicked is not None:
        st.session_state["_last_click"] = clicked
    return st.session_state.get("_last_click")


_CLICK_RETURNS = ["last_clicked", "last_object_clicked", "last_object_clicked_count"]


def district_area(areas: gpd.GeoDataFrame, name: str) -> BaseGeometry | str:
    """Where a need said to be "in <district>" goes: the district's outline, so it
    is drawn on the map (and its district found from it), or just the name when
    the city's boundaries are not loaded."""
    rows = areas[(areas["kind"] == "dzielnica") & (areas["name"] == name)]
    outlines = [g for g in rows.geometry if g is not None and not g.is_empty]
    return outlines[0] if outlines else name


def current_meeting(city: str) -> dict[str, Any] | None:
    """The meeting being run in this browser session, if any (and of this city)."""
    meeting_id = st.session_state.get("meeting_id")
    if not meeting_id:
        return None
    record = get_store().get("meetings", meeting_id)
    return record if record["city"] == city else None


def start_meeting_form(ctx: Context, districts: list[str]) -> None:
    """Start a new meeting (or continue one of today's) before showing the projector map."""
    store = get_store()
    partnerships = store.read_layer("partnerships", city=ctx.city)
    options = {row.id: row.name for row in partnerships.itertuples()}
    with st.form("start_meeting"):
        partnership = st.selectbox(
            "Partnerstwo", [None, *options], format_func=lambda i: options.get(i, "—")
        )
        title = st.text_input("Temat", value="Spotkanie robocze partnerstwa")
        day = st.date_input("Data", value=date.today(), format="DD.MM.YYYY")
        place = st.text_input("Miejsce", placeholder="np. Filia biblioteki, ul. …")
        submitted = st.form_submit_button("Rozpocznij spotkanie", type="primary")
    if not ctx.author:
        st.warning("Wpisz swoje imię w panelu bocznym (strona Mapa), aby prowadzić spotkanie.")
    if submitted and ctx.author:
        record = run_action(
            lambda: start_meeting(
                store, city=ctx.city, partnership_id=partnership, title=title, date=day,
                place=place, author=ctx.author,
            )
        )  # fmt: skip
        if record:
            st.session_state["meeting_id"] = record["id"]
            st.session_state["slide"] = 0
            st.rerun()


def close_meeting_form(current: dict[str, Any], *, author: str) -> None:
    """The meeting record: participants, decisions and task owners, plans; closing saves it."""
    with st.form("close_meeting"):
        participants = st.number_input("Liczba uczestników", min_value=0, step=1, value=None)
        decisions = st.text_area("Ustalenia")
        tasks = st.text_area("Zadania i osoby odpowiedzialne", placeholder="kto — co — do kiedy")
        plans = st.text_area("Plany na kolejne spotkanie")
        closed = st.form_submit_button("Zamknij i zapisz spotkanie", type="primary")
    if closed and run_action(
        lambda: close_meeting(
            get_store(), current, participants=participants, decisions=decisions, tasks=tasks,
            plans=plans, author=author,
        ),
        success="Spotkanie zapisane.",
    ):  # fmt: skip
        st.session_state.pop("meeting_id", None)
        st.rerun()
