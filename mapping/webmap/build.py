"""The map of resources, needs and districts: ``build_map`` (no Streamlit here).

One Leaflet layer per dataset, points drawn on a canvas, popups built in the
browser from properties that hold only what the audience may see; districts
with outlines and labels readable without tiles, optionally shaded by an
indicator.  The same function serves the app (``assets="served"``), exported
files and tests (``assets="inline"``); see ``mapping.webmap.assets``.

Performance (``bench/map_render.py``): a record costs a few packed values in
the page (``mapping.webmap.packing``) and one canvas marker drawn in batches by style
(``mapping.webmap.layers``); no per-record folium element exists.  Layers of
``CLUSTER_MIN_POINTS`` points or more are clustered (supercluster, drawn by
the runtime), because repainting tens of thousands of markers on every zoom
step is what stops being fast, not loading them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, Literal, get_args

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.map import FitBounds

from mapping.analysis.matching import is_verified
from mapping.areas import KIND_ORDER
from mapping.language import DEFAULT_LANGUAGE, say, the_label, writing
from mapping.schema import (
    AREAS,
    SAMPLE_SOURCE,
    AreaKind,
    Audience,
    Field,
    FieldType,
    Layer,
    get_layer,
)
from mapping.webmap.assets import AssetMode, figure_of, make_offline
from mapping.webmap.classes import Classification, classify, format_number
from mapping.webmap.layers import DeferredLayerControl, MapRuntime, RecordLayer
from mapping.webmap.legend import DATA_SOURCES, LegendItem, attribution_html
from mapping.webmap.legend_rows import LegendParts
from mapping.webmap.packing import LayerData, Packer, pack_layer, pack_whole, shipped_fields
from mapping.webmap.settings import (
    AreaStyle,
    FieldSpec,
    IndicatorSpec,
    LayerSettings,
    MapSettings,
    MapTexts,
    Outline,
)
from mapping.webmap.styles import (
    CATEGORY_COLORS,
    LAYER_COLORS,
    LAYER_SHAPES,
    NEED_STROKE,
    NO_DATA_COLOR,
    OTHER_COLOR,
    POINT_STROKE,
    RESOURCE_KIND_SHAPES,
    STALE_COLOR,
    STALE_DASH,
    STANDARD,
    MapStyle,
    area_styles,
)
from mapping.webmap.tiles import TILES, TileChoice

__all__ = [
    "CLUSTER_MIN_POINTS",
    "TILES",
    "TileChoice",
    "build_map",
    "count_stale",
    "stale_mask",
]

#: A point layer with at least this many points is clustered when
#: ``cluster=None``.  Below it every point is drawn (batched on the canvas),
#: which is quick to load; above it drawing each point on every zoom step costs
#: more than indexing them once (bench/map_render.py: 50,000 canvas points
#: take about a second to paint in software rendering, a clustered view a few
#: dozen milliseconds).
CLUSTER_MIN_POINTS = 5_000

_MIN_ZOOM = 8
#: supercluster options (static/mapa/clusters.js): an 80 px radius on
#: Leaflet's 256 px tiles (markercluster's default ``maxClusterRadius``),
#: clusters from the map's minimum zoom to 15, so from zoom 16 (a few
#: streets) on every point stands alone; supercluster indexes each zoom in
#: between, so both ends bound its load time.
_CLUSTER_OPTIONS = {
    "radius": 80,
    "extent": 256,
    "minZoom": _MIN_ZOOM,
    "maxZoom": 15,
}
_FRESHNESS_FIELD = "last_verified"
_POLAND_CENTER = (52.1, 19.4)
_POLAND_ZOOM = _MIN_ZOOM


def stale_mask(frame: pd.DataFrame, stale_days: int = 365, today: date | None = None) -> pd.Series:
    """Whether each record is stale: ``last_verified`` missing or older than ``stale_days``.

    The rule is ``mapping.analysis.matching.is_verified``'s.  Records of layers
    without a ``last_verified`` column (needs, areas) are never stale.  The
    result is indexed like ``frame``.
    """
    if _FRESHNESS_FIELD not in frame.columns:
        return pd.Series(False, index=frame.index, dtype=bool)
    return ~is_verified(frame, today=today or date.today(), stale_days=stale_days)


def count_stale(frame: pd.DataFrame, stale_days: int = 365, today: date | None = None) -> int:
    """Number of stale records in ``frame`` (see ``stale_mask``)."""
    return int(stale_mask(frame, stale_days, today).sum())


def build_map(  # noqa: PLR0913 - keyword options of one screen, each with a default
    areas: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    audience: Audience = Audience.PUBLIC,
    indicator: str | None = None,
    indicator_label: tuple[str, str] | None = None,
    focus: str | None = None,
    tiles: TileChoice = "osm",
    assets: AssetMode = "served",
    stale_days: int = 365,
    today: date | None = None,
    title: str | None = None,
    style: MapStyle = STANDARD,
    cluster: bool | None = None,
    sources: Sequence[str] = DATA_SOURCES,
    lang: str = DEFAULT_LANGUAGE,
    packer: Packer = pack_whole,
) -> folium.Map:
    """Build the map of ``areas`` and record ``layers`` for ``audience``.

    Parameters
    ----------
    areas : record frame of the ``areas`` layer (districts, the city outline,
        working areas: ``AreaKind``); geometry may be missing
    layers : record frames keyed by layer name, e.g. ``{"resources": ...,
        "needs": ...}``; each becomes one toggleable layer
    audience : who will see the map; only fields it may see are embedded
    indicator : numeric column of ``areas`` to shade districts by
    indicator_label : ``(label, unit)`` of the indicator, e.g. from
        ``mapping.analysis.indicators.INDICATOR_LABELS``; defaults to the
        schema label of the column; unit "udział" (a share) shows as percent
    focus : name of an area to zoom to and outline
    tiles : initial base map: "osm", "light" or "none" (all three are offered
        in the layer control)
    assets : "served" (the app) or "inline" (one self-contained HTML file)
    stale_days, today : records not verified within ``stale_days`` before
        ``today`` are drawn as stale (dashed outline, faded)
    title : plain-text title shown on the map
    style : ``mapping.webmap.styles.STANDARD`` or ``PROJECTOR`` (large text, thick lines)
    cluster : cluster point layers; None clusters layers of at least
        ``CLUSTER_MIN_POINTS`` points
    sources : data sources named in the attribution
    lang : the language of the map's own words (legend, popups' labels, layer
        names): "pl" or "en"; the records' texts stay as they were written
    packer : how the record layers are packed (the app patches the layer its
        visitors' browsers keep, ``mapping.webmap.bases``)

    Raises
    ------
    ValueError
        for an unknown tile choice, asset mode or layer, a missing indicator
        column or an unknown ``focus`` name.
    """
    _basic_checks(areas, layers, tiles, assets, indicator, focus)
    with writing(lang):  # the legend, popups and layer names in the map's language
        today = today or date.today()
        m = folium.Map(
            location=_POLAND_CENTER, tiles=None, prefer_canvas=True, zoom_start=_MIN_ZOOM
        )
        # folium passes its min/max zoom to the tile layer only; these go to the map.
        # Zoom 8 shows a whole region around a city; the floor also spares
        # supercluster from indexing country- and world-scale zoom levels.
        m.options.update(minZoom=_MIN_ZOOM, maxZoom=19)
        if title:
            figure_of(m).title = html.escape(title)
        settings = MapSettings.for_style(
            style, title=title, attribution=attribution_html(sources), texts=MapTexts.written()
        )
        m.add_child(MapRuntime(settings))
        _add_tiles(m, tiles)
        legend = LegendParts()
        bounds: list[list[list[float]]] = []
        area_bounds = _add_areas(
            m, areas, audience, indicator, indicator_label, focus, style, legend
        )
        bounds.extend(area_bounds.values())
        for key, frame in layers.items():
            stale = stale_mask(frame, stale_days, today)
            data, clustered = _add_records(m, key, frame, stale, audience, style, cluster, packer)
            legend.add_records(key, frame, data, stale, stale_days)
            legend.clustered |= clustered
            if data.bounds:
                bounds.append(data.bounds)
        m.add_child(legend.element())
        DeferredLayerControl(collapsed=style.name != "projector").add_to(m)
        _fit(m, area_bounds.get("focus") or _union(bounds), focus, layers)
        make_offline(m, assets)
        return m


# --- checks ------------------------------------------------------------------


def _basic_checks(
    areas: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame],
    tiles: str,
    assets: str,
    indicator: str | None,
    focus: str | None,
) -> None:
    if tiles not in TILES:
        raise ValueError(f"Nieznany podkład {tiles!r}; dostępne: {', '.join(TILES)}")
    if assets not in get_args(AssetMode):
        raise ValueError(f"Nieznany tryb zasobów {assets!r}; dostępne: served, inline")
    for key in layers:
        if get_layer(key).geometry is None:
            raise ValueError(f"Warstwa {key!r} nie ma geometrii i nie może być na mapie")
    if indicator is not None and indicator not in areas.columns:
        raise ValueError(
            f"Brak kolumny wskaźnika {indicator!r} w obszarach; "
            f"dostępne: {', '.join(map(str, areas.columns))}"
        )
    if focus is not None:
        names = areas["name"].dropna().astype(str).tolist() if "name" in areas else []
        if focus not in names:
            raise ValueError(
                f"Nieznany obszar {focus!r}; dostępne: {', '.join(sorted(names)) or 'brak'}"
            )


# --- tiles -------------------------------------------------------------------


def _add_tiles(m: folium.Map, initial: str) -> None:
    for key, spec in TILES.items():
        if spec.url is None:
            # An empty base layer, so "no tiles" is a choice like the others.
            folium.FeatureGroup(name=say(spec.label), overlay=False, show=key == initial).add_to(m)
            continue
        folium.TileLayer(
            tiles=spec.url,
            attr=spec.attribution,
            name=say(spec.label),
            overlay=False,
            show=key == initial,
            max_zoom=spec.max_zoom,
            subdomains="abcd",
        ).add_to(m)


# --- areas -------------------------------------------------------------------


def _add_areas(
    m: folium.Map,
    areas: gpd.GeoDataFrame,
    audience: Audience,
    indicator: str | None,
    indicator_label: tuple[str, str] | None,
    focus: str | None,
    style: MapStyle,
    legend: LegendParts,
) -> dict[str, list[list[float]]]:
    """Draw areas with polygons; return their bounds ("all", and "focus" if drawn)."""
    placed = _placed(areas)
    drawn = areas[placed].copy()
    if drawn.empty:
        if len(areas):
            legend.notes.append(say("Obszary nie mają granic na mapie — widać tylko punkty."))
        return {}
    default = AreaKind.DISTRICT.value
    kinds = drawn["kind"] if "kind" in drawn else pd.Series(default, index=drawn.index)
    names = drawn["name"].astype(str) if "name" in drawn else pd.Series("", index=drawn.index)
    is_focus = names == focus if focus else pd.Series(False, index=drawn.index)
    # City outline under districts, the focused area on top.
    order = kinds.map(KIND_ORDER).fillna(1).to_numpy() + is_focus.to_numpy() * 10
    pos = np.argsort(order, kind="stable")
    drawn, kinds, is_focus = drawn.iloc[pos], kinds.iloc[pos], is_focus.iloc[pos]
    styles = area_styles(style)
    outline = Outline("#000000", style.line_weight * 2.5)
    label, unit = _indicator_label(indicator, indicator_label)
    extra: dict[str, list[Any]] = {
        "_label": _label_points(drawn, kinds),
        "_focus": [1 if f else None for f in is_focus],
    }
    shading: dict[str, Any] = {}
    if indicator is not None:
        classes = _classify_shaded(drawn, kinds, indicator, unit, styles)
        extra["_value"] = drawn[indicator].tolist()
        extra["_class"] = [c if c >= 0 else None for c in classes.classes.tolist()]
        shading = {
            "indicator": IndicatorSpec(say(label), "%" if unit == "udział" else say(unit)),
            "classes": tuple(classes.colors),
        }
        if unit == "udział":
            extra["_value"] = [_percent(v) for v in extra["_value"]]
        legend.add_classes(label, unit, classes)
    fields = shipped_fields(AREAS, audience, drawn)
    data = pack_layer(drawn, fields, extra=_with_id(drawn, audience, extra), simplify=True)
    settings = replace(
        _base_settings("areas", AREAS, fields, audience, style, data),
        area_styles=styles,
        area_default=default,
        focus=outline,
        **shading,
    )
    RecordLayer(data.packed, settings, bounds=data.bounds, name=the_label(AREAS)).add_to(m)
    legend.add_areas(kinds, style)
    if focus and bool(is_focus.any()):
        legend.areas.append(LegendItem(focus, "line", None, outline.color, outline.weight))
    result = {"all": data.bounds} if data.bounds else {}
    if is_focus.any():
        result["focus"] = _frame_bounds(drawn[is_focus.to_numpy()])
    return result


def _classify_shaded(
    drawn: gpd.GeoDataFrame,
    kinds: pd.Series,
    indicator: str,
    unit: str,
    styles: Mapping[str, AreaStyle],
) -> Classification:
    # Classes are computed over the areas the browser shades (districts), so
    # the city's or a working area's value never stretches the breaks.
    shaded = kinds.isin([kind for kind, look in styles.items() if look.shaded])
    values = drawn[indicator].where(shaded)
    return classify(values, percent=unit == "udział")


def _indicator_label(indicator: str | None, given: tuple[str, str] | None) -> tuple[str, str]:
    if given is not None:
        return given
    if indicator is None:
        return ("", "")
    if indicator in AREAS.field_names:
        return (the_label(AREAS.field(indicator)), "")
    return (indicator, "")


def _percent(value: Any) -> float | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else round(float(number) * 100, 1)


def _label_points(drawn: gpd.GeoDataFrame, kinds: pd.Series) -> list[list[float] | None]:
    points = drawn.geometry.representative_point()
    return [
        # The city's name would sit on top of a district's: the city has no label.
        [round(p.y, 5), round(p.x, 5)] if kind != AreaKind.CITY.value else None
        for p, kind in zip(points, kinds, strict=True)
    ]


# --- record layers -------------------------------------------------------------


def _add_records(
    m: folium.Map,
    key: str,
    frame: gpd.GeoDataFrame,
    stale: pd.Series,
    audience: Audience,
    style: MapStyle,
    cluster: bool | None,
    packer: Packer,
) -> tuple[LayerData, bool]:
    """Add one record layer; return its packed data and whether it is clustered."""
    layer = get_layer(key)
    fields = [f for f in shipped_fields(layer, audience, frame) if f.name != layer.title_field]
    extra = _with_id(frame, audience, {"_stale": [1 if s else None for s in stale.tolist()]})
    title = [layer.field(layer.title_field)] if layer.title_field in frame.columns else []
    data = packer(key, frame, title + fields, extra)
    settings = replace(
        _base_settings("points", layer, fields, audience, style, data), **_symbols(key, style)
    )
    name = f"{the_label(layer)} ({format_number(data.count)})"
    clustered = bool(data.count) and (
        cluster if cluster is not None else data.count >= CLUSTER_MIN_POINTS
    )
    layer_element = RecordLayer(
        data.packed,
        settings,
        bounds=data.bounds,
        name=name,
        cluster=_cluster_options(style) if clustered else None,
    )
    if data.patch_of:
        layer_element.patch_data(*data.patch_of)
    layer_element.add_to(m)
    return data, clustered


def _cluster_options(style: MapStyle) -> dict[str, Any]:
    # The bubbles' size follows the label size (runtime.css): the radius
    # grows with it, so the projector's larger bubbles do not overlap.
    radius = round(_CLUSTER_OPTIONS["radius"] * style.label_px / STANDARD.label_px)
    return {**_CLUSTER_OPTIONS, "radius": radius}


def _symbols(key: str, style: MapStyle) -> dict[str, Any]:
    is_need = LAYER_SHAPES.get(key) == "diamond"
    return {
        "colors": CATEGORY_COLORS,
        "color": LAYER_COLORS.get(key, OTHER_COLOR),
        "shape": LAYER_SHAPES.get(key, "circle"),
        "shapes": RESOURCE_KIND_SHAPES if key == "resources" else {},
        "stroke": NEED_STROKE if is_need else POINT_STROKE,
        "weight": style.point_weight * (2.2 if is_need else 1),
        "radius": style.point_radius * (1.15 if is_need else 1),
    }


def _base_settings(
    kind: Literal["points", "areas"],
    layer: Layer,
    fields: Sequence[Field],
    audience: Audience,
    style: MapStyle,
    data: LayerData,
) -> LayerSettings:
    shown = [f for f in fields if f.name not in (layer.title_field, _FRESHNESS_FIELD)]
    names = {f.name for f in fields}
    return LayerSettings(
        kind=kind,
        label=the_label(layer),
        title=layer.title_field,
        fields=tuple(FieldSpec(f.name, the_label(f), str(f.type)) for f in shown),
        choices={
            f.name: {c.code: the_label(c) for c in f.choices}
            for f in shown
            if f.type in (FieldType.CHOICE, FieldType.MULTICHOICE)
        },
        sample=SAMPLE_SOURCE if "source" in names else None,
        freshness=_FRESHNESS_FIELD if _FRESHNESS_FIELD in names else None,
        show_id=audience == Audience.EDITOR,
        has_shapes=data.has_shapes,
        stale_color=STALE_COLOR,
        stale_dash=STALE_DASH,
        line_weight=style.line_weight,
        popup_width=style.popup_width,
        no_data_color=NO_DATA_COLOR,
    )


def _with_id(
    frame: pd.DataFrame, audience: Audience, extra: dict[str, list[Any]]
) -> dict[str, list[Any]]:
    # Editors get the record id in the popup (to find the record to edit);
    # other audiences do not need it, and it would only add bytes.
    if audience == Audience.EDITOR and "id" in frame.columns:
        return {**extra, "id": frame["id"].tolist()}
    return extra


# --- geometry helpers ----------------------------------------------------------


def _placed(frame: gpd.GeoDataFrame) -> np.ndarray:
    # shapely directly: GeoSeries.notna() warns when empty geometries occur.
    geoms = np.asarray(frame.geometry.values, dtype=object)
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def _frame_bounds(frame: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = frame.total_bounds.tolist()
    return [[miny, minx], [maxy, maxx]]


def _union(bounds: list[list[list[float]]]) -> list[list[float]] | None:
    if not bounds:
        return None
    south = min(b[0][0] for b in bounds)
    west = min(b[0][1] for b in bounds)
    north = max(b[1][0] for b in bounds)
    east = max(b[1][1] for b in bounds)
    return [[south, west], [north, east]]


def _fit(
    m: folium.Map,
    bounds: list[list[float]] | None,
    focus: str | None,
    layers: Mapping[str, gpd.GeoDataFrame],
) -> None:
    if focus is not None and bounds is None:
        bounds = _records_in_district(layers, focus)
    if bounds is None:
        m.location = list(_POLAND_CENTER)
        m.options["zoom"] = _POLAND_ZOOM
        return
    m.location = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    # Right after the runtime, before any layer: the view is final when the
    # layers arrive, so 50,000 markers are projected and drawn once, not twice.
    fit = FitBounds(bounds, padding=(12, 12), max_zoom=16)
    # No zoom animation on opening: it would ignore any other view change for
    # its 250 ms and redraw every marker once more at its end.
    fit.options["animate"] = False
    m.add_child(fit, name="fit_bounds", index=1)


def _records_in_district(
    layers: Mapping[str, gpd.GeoDataFrame], focus: str
) -> list[list[float]] | None:
    """Bounds of records whose ``district`` is ``focus`` (the area has no polygon)."""
    found = []
    for frame in layers.values():
        if "district" not in frame.columns:
            continue
        rows = frame[(frame["district"] == focus).to_numpy() & _placed(frame)]
        if len(rows):
            found.append(_frame_bounds(rows))
    return _union(found)
