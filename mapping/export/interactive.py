"""The interactive map as one HTML file (export format "html").

``write_html`` draws the exported frames with ``mapping.mapview.build_map``
— the map of the app — in inline mode: Leaflet, markercluster when needed,
the runtime, the icons and the data are all inside the page, so it opens
from disk with no network.  The only requests it can make are for base-map
tiles ("light" by default, "osm", or "none" for no request at all).

On top of the map, ``FilterPanel`` filters the point layers in the page with
plain JavaScript: category checkboxes and a name (and address) search,
case- and diacritic-insensitive like the app's filter, with "pokazano N z M"
per layer.  It also says what the file is: "stan na dzień", the audience,
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
from folium.template import Template

from mapping.analysis import INDICATOR_LABELS
from mapping.analysis.matching import has_location, name_key
from mapping.citymap import with_indicators
from mapping.export.about import SAMPLE_NOTE, data_sources, format_day, has_samples, title_of
from mapping.export.request import AUDIENCE_LABELS, ExportRequest
from mapping.maplayers import script_json
from mapping.mapview import build_map
from mapping.offline import render_once
from mapping.schema import CATEGORIES, LAYERS, SAMPLE_SOURCE
from mapping.styles import CATEGORY_COLORS, OTHER_COLOR, STYLES

__all__ = ["SEARCH_FIELDS", "FilterPanel", "write_html"]

#: Searched besides each layer's title field, as in ``mapping.filters``.
SEARCH_FIELDS = ("address", "subtype")
#: The indicator districts are shaded by (as on the printed map).
_INDICATOR = "resources_per_1000"
#: 1e-4° is 11 m north-south and 6.5 m east-west in Poland; simplified with
#: it and snapped to it, Gdańsk's borders move by 15 m at most.
_AREA_TOLERANCE = 1e-4
#: Longer lists of sources go to the panel only: the attribution line would
#: cover the bottom of the map.
_ATTRIBUTION_CHARS = 100
_NO_CATEGORY = ""

_PANEL_JS = r"""
(function () {
  "use strict";
  if (window.MAPA_PANEL) { return; }
  var el = MAPA.el;
  // As mapping.validation.fold: lower case, no diacritics, "ł" as "l".
  function fold(text) {
    var t = String(text).toLowerCase().replace(/\u0142/g, "l");
    if (t.normalize) { t = t.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""); }
    return t;
  }
  // One formatter: toLocaleString builds a new one on every call.
  var numbers = window.Intl ? new Intl.NumberFormat("pl-PL") : null;
  function number(n) { return numbers ? numbers.format(n) : String(n); }

  function Filter(map, spec) {
    this.spec = spec;
    this.query = "";  // as typed, the needle folded
    this.needle = "";
    this.off = {};
    this.datasets = (map.mapaLayers || []).filter(function (t) {
      return t.mapa.cfg.kind === "points";
    });
    this.datasets.forEach(function (t) {
      t.mapaCategories = t.mapa.column("category");
      t.mapaTexts = null;
    });
  }
  // Folded title, address and subtype of every row; built on the first search.
  Filter.prototype.texts = function (t) {
    if (!t.mapaTexts) {
      var cols = [t.mapa.cfg.title].concat(this.spec.search).map(t.mapa.column);
      t.mapaTexts = t.mapa.items.map(function (item, i) {
        return fold(cols.map(function (c) { return c[i] === null ? "" : c[i]; }).join(" "));
      });
    }
    return t.mapaTexts;
  };
  // Apply the current choices; returns [label, shown, total] per dataset.
  Filter.prototype.apply = function () {
    var self = this;
    return this.datasets.map(function (t) {
      var cats = t.mapaCategories, texts = self.needle ? self.texts(t) : null;
      var keep = new Array(cats.length);
      for (var i = 0; i < cats.length; i++) {
        var c = cats[i] === null ? "" : String(cats[i]);
        keep[i] = !self.off[c] && (!texts || texts[i].indexOf(self.needle) !== -1);
      }
      return [t.mapa.cfg.label, MAPA.show(t, keep), cats.length];
    });
  };

  function categoryList(filter, spec, update) {
    var box = el("fieldset", "mapa-panel-categories"), boxes = [];
    box.appendChild(el("legend", null, spec.categoriesTitle));
    var actions = box.appendChild(el("div", "mapa-panel-actions"));
    [[spec.all, true], [spec.none, false]].forEach(function (a) {
      var button = actions.appendChild(el("button", null, a[0]));
      button.type = "button";
      L.DomEvent.on(button, "click", function () {
        boxes.forEach(function (b) { b.checked = a[1]; filter.off[b.value] = !a[1]; });
        update();
      });
    });
    spec.categories.forEach(function (c) {
      var label = box.appendChild(el("label", "mapa-panel-check"));
      var input = label.appendChild(el("input"));
      input.type = "checkbox"; input.checked = true; input.value = c.key;
      var swatch = label.appendChild(el("span", "mapa-swatch"));
      swatch.style.background = c.color;
      label.appendChild(el("span", null, c.label));
      L.DomEvent.on(input, "change", function () { filter.off[c.key] = !input.checked; update(); });
      boxes.push(input);
    });
    return box;
  }
  function searchBox(filter, spec, update) {
    var label = el("label", "mapa-panel-search");
    label.appendChild(el("span", null, spec.searchLabel));
    var input = label.appendChild(el("input"));
    input.type = "search"; input.placeholder = spec.searchHint; input.autocomplete = "off";
    var timer = null;
    // A short pause after typing: 50,000 rows are filtered once, not per key.
    L.DomEvent.on(input, "input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        filter.query = input.value;
        filter.needle = fold(input.value).trim();
        update();
      }, 120);
    });
    return label;
  }
  function about(spec) {
    var box = el("details", "mapa-panel-about");
    box.appendChild(el("summary", null, spec.sourcesTitle));
    var list = box.appendChild(el("ul"));
    spec.sources.forEach(function (s) { list.appendChild(el("li", null, s)); });
    if (spec.sample) { box.appendChild(el("p", "mapa-panel-sample", spec.sample)); }
    return box;
  }

  window.MAPA_PANEL = function (map, spec) {
    var filter = new Filter(map, spec), control = L.control({ position: spec.position });
    control.onAdd = function () {
      var box = el("div", "mapa-panel");
      box.appendChild(el("div", "mapa-panel-day", spec.day));
      var body = box.appendChild(el("details"));
      body.open = map.getSize().y >= 500;
      body.appendChild(el("summary", null, spec.title));
      var counts = el("ul", "mapa-panel-counts");
      counts.setAttribute("aria-live", "polite");
      function update() {
        counts.textContent = "";
        counts.setAttribute("data-query", filter.query);
        filter.apply().forEach(function (r) {
          var li = counts.appendChild(el("li", null,
            r[0] + ": " + spec.shown + " " + number(r[1]) + " z " + number(r[2])));
          li.setAttribute("data-shown", String(r[1]));
          li.setAttribute("data-total", String(r[2]));
        });
      }
      body.appendChild(searchBox(filter, spec, update));
      if (spec.categories.length) { body.appendChild(categoryList(filter, spec, update)); }
      body.appendChild(counts);
      if (spec.sources.length || spec.sample) { box.appendChild(about(spec)); }
      update();
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    control.addTo(map);
    return filter;
  };
})();
"""


def _panel_css() -> str:
    # Sizes in em: the panel follows the style's font size (the projector's too).
    return """<style>
.mapa-panel { background: rgba(255, 255, 255, .95); padding: .4em .6em; border-radius: 4px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, .35); max-width: 19em; max-height: 62vh;
  overflow-y: auto; }
.mapa-panel summary { font-weight: 700; cursor: pointer; }
.mapa-panel-day { font-size: .85em; color: #333; margin-bottom: .2em; }
.mapa-panel-search { display: block; margin: .3em 0; }
.mapa-panel-search span { display: block; font-size: .9em; }
.mapa-panel-search input { width: 100%; box-sizing: border-box; font: inherit;
  padding: .15em .3em; }
.mapa-panel fieldset { border: 0; margin: .3em 0 0; padding: 0; min-width: 0; }
.mapa-panel legend { font-weight: 600; padding: 0; }
.mapa-panel-actions { display: flex; gap: .4em; margin: .15em 0; }
.mapa-panel-actions button { font: inherit; font-size: .85em; padding: 0 .4em; cursor: pointer; }
.mapa-panel-check { display: flex; align-items: center; gap: .35em; line-height: 1.25;
  font-size: .92em; cursor: pointer; }
.mapa-panel-check input { font: inherit; width: 1em; height: 1em; margin: 0; flex: none; }
.mapa-swatch { width: .85em; height: .85em; border-radius: 50%; border: 1px solid #1a1a1a;
  flex: none; }
.mapa-panel-counts { list-style: none; margin: .4em 0 0; padding: 0; font-weight: 600; }
.mapa-panel-about { margin-top: .3em; font-size: .85em; }
.mapa-panel-about ul { margin: .2em 0; padding-left: 1.1em; }
.mapa-panel-about li { overflow-wrap: anywhere; }
.mapa-panel-sample { margin: .2em 0 0; color: #4a3900; }
</style>"""


class FilterPanel(MacroElement):
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
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.js }}
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
        self.css = _panel_css()
        self.js = _PANEL_JS
        self.spec = script_json(
            {
                "title": "Szukaj i filtruj",
                "day": day,
                "searchLabel": "Nazwa lub adres",
                "searchHint": "np. biblioteka",
                "search": list(SEARCH_FIELDS),
                "categoriesTitle": "Kategorie",
                "all": "wszystkie",
                "none": "żadne",
                "shown": "pokazano",
                "categories": [
                    {"key": key, "label": label, "color": color} for key, label, color in categories
                ],
                "sourcesTitle": "Źródła danych",
                "sources": sources,
                "sample": sample_note,
                "position": position,
            }
        )

    def render(self, **kwargs: object) -> None:
        """Render once (see ``mapping.offline.render_once``)."""
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
        focus=_focus_name(areas, request.district),
        tiles=request.tiles,  # type: ignore[arg-type]
        assets="inline",
        today=request.day,
        title=title_of(request),
        style=STYLES[request.style],
        sources=_attributed(sources),
    )
    day = f"stan na dzień {format_day(request.day)} · {AUDIENCE_LABELS[request.audience]}"
    FilterPanel(
        _categories(drawn),
        day=day,
        sources=sources,
        sample_note=SAMPLE_NOTE if has_samples(drawn) else None,
    ).add_to(m)
    page = m.get_root().render()
    # Polish text: screen readers read it as Polish, browsers hyphenate and
    # offer no translation.
    page = page.replace("<html>", '<html lang="pl">', 1)
    return page.encode("utf-8")


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
    districts = areas[(areas["kind"] == "dzielnica").to_numpy() & _located(areas)]
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
    districts = valid & (areas["kind"] == "dzielnica").to_numpy()
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
    if district is None or areas.empty:
        return None
    wanted = name_key(pd.Series([district])).iloc[0]
    found = areas.loc[(name_key(areas["name"]) == wanted).to_numpy(), "name"]
    return str(found.iloc[0]) if len(found) else None


def _attributed(sources: list[str]) -> tuple[str, ...]:
    """The sources for the attribution line, or a pointer to the panel's list."""
    if sum(len(s) + 2 for s in sources) <= _ATTRIBUTION_CHARS:
        return tuple(sources)
    return ("lista „Źródła danych” w panelu",)


def _categories(drawn: Mapping[str, gpd.GeoDataFrame]) -> list[tuple[str, str, str]]:
    """The filter's rows: categories of the drawn records, in schema order."""
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
        present |= {str(v) for v in values.dropna() if str(v) != _NO_CATEGORY}
    known = {c.code for c in CATEGORIES}
    rows = [(c.code, c.label, CATEGORY_COLORS.get(c.code, OTHER_COLOR)) for c in CATEGORIES]
    rows = [row for row in rows if row[0] in present]
    rows += [(code, code, OTHER_COLOR) for code in sorted(present - known)]
    if uncategorised:
        rows.append((_NO_CATEGORY, "bez kategorii", "#ffffff"))
    return rows
