"""The interactive map as one HTML file (export format "html").

``write_html`` draws the exported frames with ``mapping.webmap.build.build_map``
— the map of the app — in inline mode: Leaflet, supercluster when needed,
the runtime, the icons and the data are all inside the page, so it opens
from disk with no network.  The only requests it can make are for base-map
tiles ("light" by default, "osm", or "none" for no request at all).

On top of the map, ``FilterPanel`` filters the point layers in the page with
plain JavaScript (``static/mapa/panel.js``, its rules in ``filters.js``,
inlined like the runtime): category checkboxes and a name (and address)
search, case- and diacritic-insensitive like the app's filter, with
"pokazano N z M" per layer.  It also says what the file is: "stan na dzień", the audience,
every data source, and that sample records ("przykład") are not real (their
popups carry a badge).

What the page holds is only what ``export_frames`` let through for the
audience; user text enters it as escaped JSON (``script_json``) and is set
with ``textContent``, never parsed as HTML or as a template.

Size (``bench/export_html.py``): about 200 KB of Leaflet and runtime, then
about 100 bytes a point.  Area outlines are simplified and snapped to a
1e-4° grid — no border moves by more than ~15 m, which cannot be seen at the
scale of a city — so Gdańsk's outline and 35 districts cost 121 KB, not 185.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from mapping.analysis import INDICATOR_LABELS
from mapping.areas import find_area, is_kind
from mapping.export.about import SAMPLE_NOTE, data_sources, day_line, has_samples, title_of
from mapping.export.request import ExportRequest
from mapping.frames import has_location
from mapping.language import say, the_label, writing
from mapping.schema import CATEGORIES, LAYERS, SAMPLE_SOURCE, AreaKind
from mapping.webmap.assets import make_offline, own_links, render_once
from mapping.webmap.build import build_map
from mapping.webmap.citymap import with_indicators
from mapping.webmap.layers import link_assets
from mapping.webmap.settings import PanelCategory, PanelSettings, settings_json
from mapping.webmap.styles import CATEGORY_COLORS, OTHER_COLOR, STYLES

__all__ = ["SEARCH_FIELDS", "FilterPanel", "panel_categories", "write_html"]

#: Searched besides each layer's title field (``Layer.search_fields``, as in ``mapping.filters``).
SEARCH_FIELDS = tuple(
    dict.fromkeys(
        f for layer in LAYERS.values() for f in layer.search_fields if f != layer.title_field
    )
)
#: The indicator districts are shaded by (as on the printed map).
_INDICATOR = "resources_per_1000"
#: 1e-4° is 11 m north-south and 6.5 m east-west in Poland; simplified with
#: it and snapped to it, Gdańsk's borders move by 15 m at most.
_AREA_TOLERANCE = 1e-4
#: Longer lists of sources go to the panel only: the attribution line would
#: cover the bottom of the map.
_ATTRIBUTION_CHARS = 100
_NO_CATEGORY = ""


class FilterPanel(JSCSSMixin, MacroElement):
    """Category checkboxes and a name search over the map's point layers.

    Add it after the record layers (``build_map`` has made them): it filters
    the datasets the runtime registered on the map (``map.mapaLayers``) and
    shows "pokazano N z M" for each.

    Parameters
    ----------
    categories : ``(key, label, colour)`` rows; the key is a category code,
        or "" for records without a category
    day : the always visible line, e.g. "stan na dzień 01.03.2025 · wersja publiczna"
    sources : data sources listed under "Źródła danych" (plain text)
    sample_note : a note on sample records, or None
    position : a Leaflet control corner
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        MAPA_PANEL({{ this._parent.get_name() }}, {{ this.spec }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        categories: list[tuple[str, str, str]],
        *,
        day: str,
        sources: list[str],
        sample_note: str | None = None,
        position: str = "bottomright",
    ):
        super().__init__()
        self._name = "FilterPanel"
        self.settings = PanelSettings(
            day=day,
            categories=tuple(PanelCategory(*row) for row in categories),
            sources=tuple(sources),
            sample=sample_note,
            search=SEARCH_FIELDS,
            position=position,
            **PanelSettings.written_texts(),
        )
        self.spec = settings_json(self.settings)
        # Instance lists (never the class's): mapping.webmap.assets rewrites them.
        self.default_js = own_links(("mapa_filters", "mapa_panel"))
        self.default_css = own_links(("mapa_panel_css",))

    # branca annotates Element.render as returning str; MacroElement.render returns None.
    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Link the panel's files, then render once (see ``render_once``)."""
        link_assets(self)
        render_once(self, **kwargs)


def write_html(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    """The interactive map of ``frames`` as one self-contained HTML file.

    Parameters
    ----------
    frames : every layer as ``export_frames`` left it (privacy applied)
    request : what to draw (``layers``: the point layers among them; areas
        are always the base), for whom, as of when, on which tiles and in
        which style

    Returns
    -------
    bytes
        The page in UTF-8.
    """
    with writing(request.lang):
        page = _page(frames, request)
    # The page's language: screen readers read it in it, browsers hyphenate and
    # offer no translation.
    page = page.replace("<html>", f'<html lang="{request.lang}">', 1)
    return page.encode("utf-8")


def _page(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> str:
    drawn = {
        name: frames[name]
        for name in request.layers or LAYERS
        if name != "areas" and LAYERS[name].geometry is not None
    }
    areas = _with_indicators(frames, request)
    indicator = _INDICATOR if "resources" in drawn and _can_shade(areas) else None
    sources = [s for s in data_sources({"areas": areas, **drawn}) if s != SAMPLE_SOURCE]
    m = build_map(
        _lighter_areas(areas),
        drawn,
        audience=request.audience,
        indicator=indicator,
        indicator_label=INDICATOR_LABELS[_INDICATOR] if indicator else None,
        lang=request.lang,
        focus=_focus_name(areas, request.district),
        tiles=request.tiles,  # type: ignore[arg-type]
        assets="inline",
        today=request.day,
        title=title_of(request),
        style=STYLES[request.style],
        sources=_attributed(sources),
    )
    FilterPanel(
        panel_categories(drawn),
        day=day_line(request.day, request.audience.version_label),
        sources=sources,
        sample_note=say(SAMPLE_NOTE) if has_samples(drawn) else None,
    ).add_to(m)
    make_offline(m, "inline")  # the panel's files too: still one self-contained file
    return m.get_root().render()


# --- helpers ---------------------------------------------------------------------------


def _with_indicators(
    frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest
) -> gpd.GeoDataFrame:
    """The areas with the district indicators, counted over the exported records."""

    # Public frames lack archived_at (a team column); exported records are
    # never archived, which is what the indicators need to know.
    def live(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return frame if "archived_at" in frame else frame.assign(archived_at=None)

    return with_indicators(
        live(frames["areas"]), live(frames["resources"]), live(frames["needs"]), today=request.day
    )


def _can_shade(areas: gpd.GeoDataFrame) -> bool:
    """Whether some district has an outline and residents (a rate to shade by)."""
    if areas.empty or "kind" not in areas or _INDICATOR not in areas:
        return False
    districts = areas[is_kind(areas, AreaKind.DISTRICT) & _located(areas)]
    return bool((pd.to_numeric(districts["population"], errors="coerce") > 0).any())


def _located(frame: gpd.GeoDataFrame) -> np.ndarray:
    return has_location(frame.geometry).to_numpy(dtype=bool)


def _lighter_areas(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Areas with outlines simplified by ``_AREA_TOLERANCE`` and snapped to a grid of it.

    Districts are simplified as one coverage when they form one (no overlaps),
    so neighbours keep one shared border with no slivers between them; the
    city outline and working areas, which overlap districts, one by one.
    """
    if areas.empty:
        return areas
    geoms = np.asarray(areas.geometry.values, dtype=object)
    # Invalid shapes are left as they are: GEOS may refuse to simplify them.
    valid = _located(areas) & shapely.is_valid(geoms)
    out = geoms.copy()
    districts = valid & is_kind(areas, AreaKind.DISTRICT)
    rest = valid.copy()
    if districts.any() and shapely.coverage_is_valid(geoms[districts]):
        out[districts] = shapely.coverage_simplify(geoms[districts], _AREA_TOLERANCE)
        rest &= ~districts
    out[rest] = shapely.simplify(geoms[rest], _AREA_TOLERANCE, preserve_topology=True)
    # Vertices on the same grid: four decimals are shorter to write, shared
    # vertices stay shared, and a shape too small for the grid keeps its own.
    snapped = shapely.set_precision(out[valid], _AREA_TOLERANCE)
    out[valid] = np.where(shapely.is_empty(snapped), out[valid], snapped)
    return areas.set_geometry(gpd.GeoSeries(out, index=areas.index, crs=areas.crs))


def _focus_name(areas: gpd.GeoDataFrame, district: str | None) -> str | None:
    """The area's name as stored ("oliwa" asked, "Oliwa" stored)."""
    found = find_area(areas, district)
    return None if found is None else str(found["name"])


def _attributed(sources: list[str]) -> tuple[str, ...]:
    """The sources for the attribution line, or a pointer to the panel's list."""
    if sum(len(s) + 2 for s in sources) <= _ATTRIBUTION_CHARS:
        return tuple(sources)
    return (say("lista „Źródła danych” w panelu"),)


def panel_categories(drawn: Mapping[str, gpd.GeoDataFrame]) -> list[tuple[str, str, str]]:
    """The filter panel's rows: categories of the drawn records, in schema order."""
    present: set[str] = set()
    uncategorised = False
    for frame in drawn.values():
        placed = frame[_located(frame)]
        if placed.empty:
            continue
        if "category" not in placed:
            uncategorised = True
            continue
        values = placed["category"]
        uncategorised |= bool(values.isna().any() | (values == _NO_CATEGORY).any())
        # The distinct codes, not every row's (50,000 rows, a dozen codes).
        present |= {str(v) for v in values.dropna().unique() if str(v) != _NO_CATEGORY}
    known = {c.code for c in CATEGORIES}
    rows = [(c.code, the_label(c), CATEGORY_COLORS.get(c.code, OTHER_COLOR)) for c in CATEGORIES]
    rows = [row for row in rows if row[0] in present]
    rows += [(code, code, OTHER_COLOR) for code in sorted(present - known)]
    if uncategorised:
        rows.append((_NO_CATEGORY, say("bez kategorii"), "#ffffff"))
    return rows
