"""The city map in the app: cached by data version, shown through st_folium, its sidebar."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import streamlit as st
import streamlit_folium as _sf
from folium.elements import JSCSSMixin
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry
from streamlit_folium import generate_js_hash, st_folium

from mapping.accounts import team_mode
from mapping.analysis.indicators import INDICATOR_LABELS
from mapping.areas import district_names
from mapping.errors import MapError
from mapping.export.about import day_line
from mapping.export.interactive import FilterPanel, panel_categories
from mapping.filters import RecordFilter, status_options
from mapping.language import DEFAULT_LANGUAGE, writing
from mapping.schema import NEEDS, RESOURCES, Audience, Field
from mapping.ui.i18n import choice_of, label_of, language, tr
from mapping.ui.shell import (
    _store_at,
    audience_layer,
    data_version,
    get_store,
    load_shared,
    versioned,
)
from mapping.ui.text import CHOOSE
from mapping.webmap.assets import make_offline
from mapping.webmap.bases import LayerBases, ScopedPacker
from mapping.webmap.citymap import CHOROPLETH_INDICATORS, CityMap, city_map
from mapping.webmap.packing import pack_whole
from mapping.webmap.served_data import DATA_DIR, ensure_written, serve_layer_data
from mapping.webmap.tiles import TILES, tile_label

__all__ = [
    "AppMap",
    "MapView",
    "city_map_for",
    "fresh_map",
    "map_sidebar",
    "picked_geometry",
    "rendered",
    "show_map",
]


@dataclass
class AppMap(CityMap):
    """A city map of the app with what st_folium's component receives, rendered once.

    ``component`` holds the component's arguments (``_component_args``); the
    map is built, copied and rendered once per data version and options, and
    every session and rerun sends the same arguments (Streamlit then re-sends
    nothing the browser already has).
    """

    component: dict[str, Any] = field(default_factory=dict)
    #: The layers' data files the component loads (``mapping.webmap.served_data``).
    data_files: dict[Path, str] = field(default_factory=dict, repr=False)
    _hashes: dict[str, str] = field(default_factory=dict, repr=False)

    def component_key(self, key: str) -> str:
        """st_folium's component key for ``key`` (a hash of the whole script, kept)."""
        if key not in self._hashes:
            self._hashes[key] = generate_js_hash(self.component["script"], key, False)
        return self._hashes[key]


#: The point layers last packed whole, shared by every session (``mapping.webmap.bases``).
_BASES = LayerBases()


@versioned
@st.cache_resource(show_spinner=False, max_entries=8)
def _cached_city_map(
    location: str, version: int, city: str, options: tuple[tuple[str, Any], ...]
) -> AppMap:
    # One entry per data version and options, shared by every session: a new
    # visitor or a rerun costs a cache lookup, not a build.
    store = _store_at(location)
    opts = dict(options)
    layers = opts.pop("layers")
    audience = opts.get("audience", Audience.PUBLIC)
    records = {name: audience_layer(store, version, name, city, audience) for name in layers}
    served = _may_serve_data(audience)
    # The layers as patches of those the visitors' browsers keep (mapping.webmap.bases).
    scope = (location, city, repr(options), date.today())  # the options hold dicts: by text
    packer = _BASES.packer(scope) if served else pack_whole
    built = city_map(load_shared(store, version, "areas", city), records, packer=packer, **opts)
    with writing(opts.get("lang", DEFAULT_LANGUAGE)):
        panel_day = day_line(date.today(), audience.label)
        FilterPanel(panel_categories(records), day=panel_day, sources=[]).add_to(built.map)
    make_offline(built.map, "served")
    files = serve_layer_data(built.map) if served else {}
    if isinstance(packer, ScopedPacker):
        files.update(packer.files)
    return rendered(built, files)


def _may_serve_data(audience: Audience) -> bool:
    """Whether the map's data may be files anyone reaching the server can fetch:
    on the single-user app (this machine only), or the public map in team mode."""
    return not team_mode() or audience == Audience.PUBLIC


def rendered(built: CityMap, data_files: dict[Path, str] | None = None) -> AppMap:
    """``built`` with the component's arguments rendered once (see ``show_map``)."""
    return AppMap(**vars(built), component=_component_args(built.map), data_files=data_files or {})


def city_map_for(city: str, **options: Any) -> AppMap:
    """The city map, rebuilt only when the data or the options change.

    Options are those of ``mapping.webmap.citymap.city_map`` plus ``layers``
    (names); the map is written in the language of this run.  Categories and
    the name search are filtered in the browser by the map's own panel
    (``static/mapa/panel.js``, as in the HTML export): changing them reruns
    nothing and sends nothing.
    """
    store = get_store()
    key = tuple(sorted({**options, "lang": language()}.items()))
    with st.spinner(tr("Rysuję mapę…")):
        return _cached_city_map(store.location, data_version(store), city, key)


def fresh_map(m: folium.Map) -> folium.Map:
    """A copy of a cached map for ``st_folium`` to render.

    ``st_folium`` renames every element's id while it renders (``map_div``,
    ``div_0``, …) and each render adds a new "add to map" child to every shown
    layer; rendering the same map object a second time (the next session, or
    the same options again after a rerun) then emits a script that refers to
    the old names ("record_layer_… is not defined") and the map stays blank.
    The cached map is therefore never handed over itself.
    """
    return copy.deepcopy(m)


def _component_args(m: folium.Map) -> dict[str, Any]:
    """What ``st_folium(m, returned_objects=[])`` sends its component, but the key.

    The steps of streamlit-folium 0.27.4's ``st_folium`` in its order (the
    ids are renamed while the script is generated), on a copy (see
    ``fresh_map``).  ``tests/test_mapview.py`` checks the result against
    ``st_folium`` itself, so an upgrade that changes them fails there.
    """
    fig = fresh_map(m)
    fig.get_root().render()
    fig.render()
    html = _sf._get_html(fig)
    header = _sf._get_header(fig)
    script = _sf._get_map_string(fig)
    css: list[str] = []
    js: list[str] = []
    for element in _sf_elements(fig):
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": _sf.get_full_id(fig),
        "css_links": list(dict.fromkeys(css)),
        "js_links": list(dict.fromkeys(js)),
    }


def _sf_elements(element: Any) -> Any:
    # st_folium's ``walk``: every element that links files (no branca ColorMap:
    # make_offline refuses those).
    if isinstance(element, JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _sf_elements(child)


def show_map(built: CityMap, *, height: int = 640, key: str = "mapa") -> dict[str, Any] | None:
    """Show a built map; pan and zoom stay in the browser (nothing returns to Python).

    An ``AppMap`` (``city_map_for``) goes to the component as rendered once;
    any other map is rendered now.
    """
    if not isinstance(built, AppMap):
        return st_folium(
            fresh_map(built.map),
            key=key,
            height=height,
            use_container_width=True,
            returned_objects=[],
        )
    try:
        ensure_written(built.data_files)  # removed meanwhile (old files are let go)
    except OSError as error:
        raise MapError(
            tr(
                "Nie mogę zapisać danych mapy w folderze {folder}: {error}",
                folder=str(DATA_DIR),
                error=error.strerror or str(error),
            )
        ) from error
    return _sf._component_func(
        **built.component,
        key=built.component_key(key),
        height=height,
        width=None,
        returned_objects=[],
        default={},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        wrap_longitude=False,
    )


def picked_geometry(
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


@dataclass(frozen=True)
class MapView:
    """The sidebar's choices for the map: what to shade, where to look, what to show."""

    filter: RecordFilter
    indicator: str
    focus: str | None
    tiles: str


def _labelled_multiselect(label: str, f: Field, key: str) -> tuple[str, ...]:
    return tuple(
        st.multiselect(
            label,
            f.codes,
            format_func=lambda c: choice_of(f, c),
            key=key,
            placeholder=tr(CHOOSE),
        )
    )


def map_sidebar(areas: gpd.GeoDataFrame) -> MapView:
    """Sidebar controls of the map: indicator, district, filters, base map.

    Categories and the name search are not here: the map's own panel filters
    them in the browser (``city_map_for``).
    """
    statuses = status_options(RESOURCES, NEEDS)
    with st.sidebar:
        st.markdown(tr("#### Co pokazać"))
        indicator = st.selectbox(
            tr("Cieniowanie dzielnic"),
            CHOROPLETH_INDICATORS,
            index=1,
            format_func=lambda c: tr(INDICATOR_LABELS[c][0]),
            key="map_indicator",
            placeholder=tr(CHOOSE),
        )
        focus = st.selectbox(
            tr("Dzielnica"),
            [None, *district_names(areas)],
            format_func=lambda d: tr("całe miasto") if d is None else d,
            key="map_focus",
            placeholder=tr(CHOOSE),
        )
        flt = RecordFilter(
            kinds=_labelled_multiselect(tr("Rodzaj zasobu"), RESOURCES.field("kind"), "map_kinds"),
            target_groups=_labelled_multiselect(
                label_of(RESOURCES.field("target_groups")),
                RESOURCES.field("target_groups"),
                "map_groups",
            ),
            statuses=tuple(
                st.multiselect(
                    tr("Status"),
                    list(statuses),
                    format_func=lambda s: tr(statuses[s]),
                    key="map_statuses",
                    placeholder=tr(CHOOSE),
                )
            ),
            districts=tuple(
                st.multiselect(
                    tr("Tylko dzielnice"),
                    district_names(areas),
                    key="map_districts",
                    placeholder=tr(CHOOSE),
                )
            ),
        )
        tiles = st.radio(
            tr("Podkład"),
            list(TILES),
            format_func=lambda t: tr(tile_label(t)),
            horizontal=True,
            key="map_tiles",
        )
    return MapView(flt, indicator, focus, tiles)
