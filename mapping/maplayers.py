"""The map's own folium elements: a small JavaScript runtime and record layers.

``RecordLayer`` draws a whole layer (all resources, all needs, all districts)
as one Leaflet GeoJSON layer: points become canvas-drawn shape markers, so
50,000 records cost one layer, not 50,000 DOM nodes.  Popups and tooltips are
bound once to the layer and built in the browser from the feature's properties
with ``textContent`` — user text is never parsed as HTML.  The properties
themselves are prepared by ``mapping.mapdata`` and hold only what the audience
may see.

Everything user-supplied enters the page through ``script_json`` (JSON with
``<``, ``>``, ``&``, ``'`` and Jinja delimiters escaped) and elements render
through ``mapping.offline.render_once`` (no second Jinja pass).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import folium
from branca.element import CssLink, Figure, JavascriptLink, MacroElement
from folium.elements import ElementAddToElement, JSCSSMixin
from folium.plugins import MarkerCluster
from folium.template import Template

from mapping.offline import render_once
from mapping.styles import MapStyle

__all__ = ["DeferredLayerControl", "MapRuntime", "RecordLayer", "escape_json_text", "script_json"]

_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_json(value: Any) -> str:
    """JSON for a ``<script>`` element: compact, HTML-safe and Jinja-inert.

    ``<``, ``>``, ``&`` and ``'`` become ``\\u`` escapes so no string can close
    the script element; a ``{`` opening ``{{``, ``{%`` or ``{#`` becomes
    ``\\u007b`` so no template engine sees a tag.  Both occur only inside JSON
    strings, where the escapes decode to the same text.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return escape_json_text(text)


def escape_json_text(text: str) -> str:
    """Apply ``script_json``'s escaping to already serialised JSON text."""
    text = (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )
    return _JINJA_OPEN.sub(lambda _: "\\u007b", text)


# The runtime is plain ES5 so it runs in any browser Leaflet 1.9 supports.  It
# is defined once per page (window.MAPA) and shared by every layer.
_RUNTIME_JS = r"""
(function () {
  "use strict";
  if (window.MAPA) { return; }
  var M = {};
  var has = Object.prototype.hasOwnProperty;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  M.el = el;

  // --- marker shapes: squares, diamonds and triangles on the canvas ------
  function corners(shape, x, y, r) {
    if (shape === "square") {
      var s = r * 0.85;
      return [[x - s, y - s], [x + s, y - s], [x + s, y + s], [x - s, y + s]];
    }
    if (shape === "diamond") { return [[x, y - r], [x + r, y], [x, y + r], [x - r, y]]; }
    return [[x, y - r], [x + r * 0.87, y + r * 0.5], [x - r * 0.87, y + r * 0.5]];
  }
  L.Canvas.include({
    _updateMapaShape: function (layer) {
      if (!this._drawing || layer._empty()) { return; }
      var p = layer._point, r = Math.max(Math.round(layer._radius), 1);
      var pts = corners(layer.options.shape, p.x, p.y, r), ctx = this._ctx;
      ctx.beginPath();
      ctx.moveTo(pts[0][0], pts[0][1]);
      for (var i = 1; i < pts.length; i++) { ctx.lineTo(pts[i][0], pts[i][1]); }
      ctx.closePath();
      this._fillStroke(ctx, layer);
    }
  });
  L.SVG.include({
    _updateMapaShape: function (layer) {
      var p = layer._point, r = Math.max(Math.round(layer._radius), 1);
      var d = layer._empty() ? "M0 0" : "M" + corners(layer.options.shape, p.x, p.y, r)
        .map(function (q) { return q[0] + " " + q[1]; }).join("L") + "z";
      this._setPath(layer, d);
    }
  });
  // Canvas drawing in batches: consecutive markers sharing a style (a marker
  // class, see markerClass) are traced into shared paths and filled and
  // stroked once.  Per-marker fill()/stroke() calls dominate the cost of
  // 50,000 markers, above all where the canvas is rasterised in software.
  // Any other layer (a polygon, a line) first flushes the pending markers,
  // so the drawing order, and with it Leaflet's click and hover order,
  // stays the order the layers were added in.
  var BATCH = 64;
  function tracePath(ctx, layer) {
    var p = layer._point, r = Math.max(Math.round(layer._radius), 1);
    if (layer.options.shape === "circle") {
      ctx.moveTo(p.x + r, p.y);
      ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
      return;
    }
    var pts = corners(layer.options.shape, p.x, p.y, r);
    ctx.moveTo(pts[0][0], pts[0][1]);
    for (var i = 1; i < pts.length; i++) { ctx.lineTo(pts[i][0], pts[i][1]); }
    ctx.closePath();
  }
  function flush(renderer, ctx, pending) {
    for (var b = 0; b < pending.list.length; b++) {
      var batch = pending.list[b];
      // Paths of a few dozen markers: one huge path costs more to
      // rasterise than its calls save.
      for (var start = 0; start < batch.length; start += BATCH) {
        ctx.beginPath();
        var end = Math.min(start + BATCH, batch.length);
        for (var i = start; i < end; i++) { tracePath(ctx, batch[i]); }
        renderer._fillStroke(ctx, batch[start]);
      }
    }
    pending.list = [];
    pending.byId = {};
  }
  L.Canvas.include({
    _draw: function () {
      var layer, bounds = this._redrawBounds, ctx = this._ctx, pending = { list: [], byId: {} };
      ctx.save();
      if (bounds) {
        var size = bounds.getSize();
        ctx.beginPath();
        ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
        ctx.clip();
      }
      this._drawing = true;
      for (var order = this._drawFirst; order; order = order.next) {
        layer = order.layer;
        if (bounds && !(layer._pxBounds && layer._pxBounds.intersects(bounds))) { continue; }
        var id = layer._mapaBatch;
        if (id === undefined) {
          if (pending.list.length) { flush(this, ctx, pending); }
          layer._updatePath();
          continue;
        }
        if (layer._empty()) { continue; }
        if (!pending.byId[id]) { pending.byId[id] = []; pending.list.push(pending.byId[id]); }
        pending.byId[id].push(layer);
      }
      flush(this, ctx, pending);
      this._drawing = false;
      ctx.restore();
    }
  });
  var batchIds = 0;
  M.ShapeMarker = L.CircleMarker.extend({
    options: { shape: "circle" },
    _updatePath: function () {
      if (this.options.shape === "circle") { this._renderer._updateCircle(this); }
      else { this._renderer._updateMapaShape(this); }
    }
  });

  // --- styles ------------------------------------------------------------
  function colorOf(p, cfg) {
    return (p.category && has.call(cfg.colors, p.category)) ? cfg.colors[p.category] : cfg.color;
  }
  function pointStyle(p, cfg) {
    var s = {
      shape: (p.kind && has.call(cfg.shapes, p.kind)) ? cfg.shapes[p.kind] : cfg.shape,
      radius: cfg.radius, color: cfg.stroke, weight: cfg.weight, opacity: 1,
      fillColor: colorOf(p, cfg), fillOpacity: 0.9,
      // Batched markers share one path: "nonzero" fills overlapping markers
      // instead of cutting holes where they overlap.
      fillRule: "nonzero"
    };
    if (p._stale) {
      s.color = cfg.staleColor; s.dashArray = cfg.staleDash; s.fillOpacity = 0.55;
      s.weight = Math.max(cfg.weight, 1.5);
    }
    return s;
  }
  function areaStyle(p, cfg) {
    var s = { color: "#3a3a3a", weight: cfg.lineWeight, opacity: 0.9, fill: true, fillOpacity: 0 };
    if (p.kind === "miasto") {
      s.color = "#1f1f1f"; s.weight = cfg.lineWeight * 2; s.fill = false;
    } else if (p.kind === "obszar_roboczy") {
      s.color = "#6a3d9a"; s.dashArray = "8 6"; s.fillColor = "#6a3d9a"; s.fillOpacity = 0.05;
    } else if (cfg.classes) {
      s.fillColor = p._class >= 0 ? cfg.classes[p._class] : cfg.noDataColor;
      s.fillOpacity = 0.7;
    }
    if (p._focus) { s.color = "#000000"; s.weight = cfg.lineWeight * 2.5; s.opacity = 1; }
    return s;
  }
  function shapeStyle(feature, cfg) {
    var p = feature.properties || {};
    if (cfg.kind === "areas") { return areaStyle(p, cfg); }
    var color = colorOf(p, cfg);
    return {
      color: p._stale ? cfg.staleColor : color, weight: cfg.lineWeight,
      dashArray: p._stale ? cfg.staleDash : null, fillColor: color, fillOpacity: 0.2
    };
  }

  // --- popups and tooltips, built with textContent -------------------------
  function display(value, field, cfg) {
    if (Array.isArray(value)) {
      return value.map(function (v) { return display(v, field, cfg); }).join(", ");
    }
    var labels = cfg.choices[field.name];
    if (labels && has.call(labels, value)) { return labels[value]; }
    if (typeof value === "number") { return value.toLocaleString("pl-PL"); }
    return String(value);
  }
  function titleOf(p, cfg) {
    var t = p[cfg.title];
    return (t === undefined || t === null || t === "") ? cfg.label : String(t);
  }
  function indicatorText(p, cfg) {
    if (p._value === undefined || p._value === null) { return "brak danych"; }
    return p._value.toLocaleString("pl-PL") + (cfg.indicator.unit ? " " + cfg.indicator.unit : "");
  }
  M.popup = function (feature, cfg) {
    var p = (feature && feature.properties) || {};
    var box = el("div", "mapa-popup");
    var head = box.appendChild(el("div", "mapa-popup-title", titleOf(p, cfg)));
    var sample = cfg.sample !== null && p.source === cfg.sample;
    if (sample) { head.appendChild(el("span", "mapa-badge", "przykład")); }
    var list = box.appendChild(el("dl"));
    // The "\n" text nodes are invisible in the popup but make its plain text
    // (what streamlit-folium returns as last_object_clicked_popup) one line
    // per field.
    function row(label, text) {
      list.appendChild(document.createTextNode("\n"));
      list.appendChild(el("dt", null, label + ":"));
      return list.appendChild(el("dd", null, text));
    }
    cfg.fields.forEach(function (f) {
      var v = p[f.name];
      if (v === undefined || v === null || v === "" || (sample && f.name === "source")) { return; }
      if (f.type === "url" && typeof v === "string" && /^https?:\/\//i.test(v)) {
        var a = row(f.label).appendChild(el("a", null, v));
        a.href = v; a.target = "_blank"; a.rel = "noopener noreferrer";
      } else {
        row(f.label, display(v, f, cfg));
      }
    });
    if (cfg.indicator && p.kind !== "miasto") { row(cfg.indicator.label, indicatorText(p, cfg)); }
    box.appendChild(document.createTextNode("\n"));
    if (cfg.freshness) {
      var date = p[cfg.freshness];
      var text = date ? "zweryfikowano: " + date : "brak daty weryfikacji";
      box.appendChild(el("div", p._stale ? "mapa-fresh mapa-stale" : "mapa-fresh",
        p._stale ? text + " — nieaktualne" : text));
    }
    if (cfg.showId && p.id !== undefined) {
      box.appendChild(el("div", "mapa-id", "\nid: " + p.id));
    }
    return box;
  };
  M.tooltip = function (feature, cfg) {
    var p = (feature && feature.properties) || {};
    var text = titleOf(p, cfg);
    if (cfg.indicator && p.kind !== "miasto") { text += ": " + indicatorText(p, cfg); }
    return el("span", null, text);
  };

  // --- layers --------------------------------------------------------------
  // Packed features (see mapping/mapdata.py).  Points become markers directly:
  // no intermediate GeoJSON objects, one shared marker class per style, and
  // properties built only when a popup or tooltip asks for them.
  function columns(packed) {
    var names = Object.keys(packed.p);
    return { names: names, cols: names.map(function (k) { return packed.p[k]; }) };
  }
  function cell(col, i) {
    if (col.v) { return col.v[i]; }
    return col.i[i] >= 0 ? col.d[col.i[i]] : null;
  }
  function rowProps(table, i) {
    var props = {};
    for (var c = 0; c < table.cols.length; c++) {
      var v = cell(table.cols[c], i);
      if (v !== null) { props[table.names[c]] = v; }
    }
    return props;
  }
  function featureClass(table) {
    function Feature(row) { this._row = row; }
    Feature.prototype.type = "Feature";
    Feature.prototype.geometry = null;
    Object.defineProperty(Feature.prototype, "properties", {
      enumerable: true,
      get: function () { return rowProps(table, this._row); }
    });
    return Feature;
  }
  function markerClass(cfg, table, i) {
    var p = {}, keys = ["category", "kind", "_stale"];
    for (var k = 0; k < keys.length; k++) {
      var col = table.cols[table.names.indexOf(keys[k])];
      p[keys[k]] = col ? cell(col, i) : null;
    }
    var classes = cfg._classes || (cfg._classes = {});
    var key = p.category + "|" + p.kind + "|" + (p._stale ? 1 : 0);
    if (!classes[key]) {
      classes[key] = M.ShapeMarker.extend({ options: pointStyle(p, cfg), _mapaBatch: ++batchIds });
    }
    return classes[key];
  }
  M.markers = function (packed, cfg) {
    var table = columns(packed), Feature = featureClass(table);
    var n = packed.x.length, s = packed.s, y = packed.y0, markers = new Array(n);
    // Rows sharing category, kind and freshness share a class: look it up by
    // the dictionary codes, so most rows cost no string building at all.
    var codeCols = ["category", "kind", "_stale"].map(function (k) {
      var col = packed.p[k];
      return col && col.i ? col.i : null;
    });
    var byCode = {};
    for (var i = 0; i < n; i++) {
      y -= packed.y[i];
      var Cls;
      if (codeCols[0] !== null || codeCols[1] !== null || codeCols[2] !== null) {
        var code = (codeCols[0] ? codeCols[0][i] : 0) + ":" + (codeCols[1] ? codeCols[1][i] : 0) +
          ":" + (codeCols[2] ? codeCols[2][i] : 0);
        Cls = byCode[code] || (byCode[code] = markerClass(cfg, table, i));
      } else {
        Cls = markerClass(cfg, table, i);
      }
      var marker = new Cls(L.latLng(y / s, (packed.x0 + packed.x[i]) / s));
      marker.feature = new Feature(i);
      markers[i] = marker;
    }
    return markers;
  };
  M.shapes = function (packed) {
    var table = columns(packed), np = packed.x.length;
    return {
      type: "FeatureCollection",
      features: packed.g.map(function (geometry, k) {
        return { type: "Feature", geometry: geometry, properties: rowProps(table, np + k) };
      })
    };
  };
  M.geoJson = function (cfg) {
    var layer = L.geoJson(null, { style: function (f) { return shapeStyle(f, cfg); } });
    layer.mapaConfig = cfg;
    return layer;
  };
  // One dataset: a GeoJSON layer, or a cluster group holding its markers.
  // Its items are the markers (rows 0..x.length-1) then the shapes, one per
  // row; M.register keeps them so a page can show a subset (M.show).
  M.layer = function (map, packed, cfg) {
    var layer = M.geoJson(cfg), markers = M.markers(packed, cfg), items = markers;
    if (packed.g.length) {
      layer.addData(M.shapes(packed));
      items = markers.concat(layer.getLayers());
    }
    if (!cfg.cluster) {
      for (var i = 0; i < markers.length; i++) { layer.addLayer(markers[i]); }
      M.bind(layer, layer, cfg, map);
      return M.register(map, layer, packed, cfg, items, function (add, remove, shown) {
        remove.forEach(function (l) { layer.removeLayer(l); });
        add.forEach(function (l) { layer.addLayer(l); });
        // A shape added back is drawn last, above the markers, and would
        // take their clicks: keep the markers on top, as when first drawn.
        if (add.some(function (l) { return !(l instanceof M.ShapeMarker); })) {
          markers.forEach(function (m, k) { if (shown[k]) { m.bringToFront(); } });
        }
      });
    }
    var group = L.markerClusterGroup(cfg.cluster), filled = false;
    // Filled once on the map: markercluster indexes layers added before that
    // one by one against a queue (quadratic).  Until then a filter only
    // changes which items the filling takes.
    group.on("add", function () {
      if (filled) { return; }
      filled = true;
      var shown = group.mapa.shown;
      group.addLayers(items.filter(function (l, k) { return shown[k]; }));
    });
    M.bind(layer, group, cfg, map);
    return M.register(map, group, packed, cfg, items, function (add, remove) {
      if (!filled) { return; }
      group.removeLayers(remove);
      group.addLayers(add);
    });
  };
  // What a filter in the page (mapping/export/interactive.py) works with:
  // ``target.mapa`` holds the config, the items by row, which are shown and
  // a column's values by row; ``map.mapaLayers`` lists the datasets.
  M.register = function (map, target, packed, cfg, items, apply) {
    var table = columns(packed);
    target.mapa = {
      cfg: cfg,
      items: items,
      shown: items.map(function () { return true; }),
      apply: apply,
      column: function (name) {
        var k = table.names.indexOf(name), out = new Array(items.length);
        for (var i = 0; i < items.length; i++) { out[i] = k < 0 ? null : cell(table.cols[k], i); }
        return out;
      }
    };
    (map.mapaLayers || (map.mapaLayers = [])).push(target);
    return target;
  };
  // Show the rows whose ``keep`` is true and hide the rest; returns how many
  // are shown.  Only the items that change are touched.
  M.show = function (target, keep) {
    var s = target.mapa, add = [], remove = [], n = 0;
    for (var i = 0; i < s.items.length; i++) {
      var k = Boolean(keep[i]);
      if (k) { n++; }
      if (k !== s.shown[i]) {
        s.shown[i] = k;
        (k ? add : remove).push(s.items[i]);
      }
    }
    if (add.length || remove.length) { s.apply(add, remove, s.shown); }
    return n;
  };
  M.bind = function (layer, target, cfg, map) {
    target.bindPopup(function (l) { return M.popup(l.feature, cfg); },
      { maxWidth: cfg.popupWidth, autoPanPadding: [16, 16] });
    target.bindTooltip(function (l) { return M.tooltip(l.feature, cfg); },
      { sticky: true, direction: "top", offset: [0, -6], opacity: 0.95 });
    if (cfg.kind === "areas") { M.labels(layer, cfg, map); }
  };
  M.labels = function (layer, cfg, map) {
    var labels = [];
    layer.eachLayer(function (l) {
      var p = l.feature && l.feature.properties;
      if (!p || !p._label) { return; }
      labels.push(L.marker(p._label, {
        icon: L.divIcon({
          className: "mapa-label", html: el("span", null, titleOf(p, cfg)), iconSize: null
        }),
        interactive: false, keyboard: false
      }));
    });
    labels.forEach(function (m) { layer.addLayer(m); });
    function toggle() {
      var hide = map.getZoom() < cfg.labelMinZoom;
      L.DomUtil[hide ? "addClass" : "removeClass"](map.getContainer(), "mapa-labels-hidden");
    }
    map.on("zoomend", toggle);
    toggle();
  };

  // --- legend, title, attribution -----------------------------------------
  var SVG = "http://www.w3.org/2000/svg";
  function symbol(item) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 20 20");
    svg.setAttribute("aria-hidden", "true");
    var shape = item.shape || "circle", node;
    if (shape === "circle") {
      node = document.createElementNS(SVG, "circle");
      node.setAttribute("cx", "10"); node.setAttribute("cy", "10"); node.setAttribute("r", "6.5");
    } else if (shape === "box" || shape === "line") {
      node = document.createElementNS(SVG, "rect");
      node.setAttribute("x", "2"); node.setAttribute("y", shape === "line" ? "6" : "3");
      node.setAttribute("width", "16"); node.setAttribute("height", shape === "line" ? "8" : "14");
    } else {
      node = document.createElementNS(SVG, "polygon");
      node.setAttribute("points", corners(shape, 10, 10, 7.5).map(function (q) {
        return q[0].toFixed(1) + "," + q[1].toFixed(1);
      }).join(" "));
    }
    node.setAttribute("fill", item.fill || "none");
    node.setAttribute("stroke", item.stroke || "none");
    node.setAttribute("stroke-width", String(item.weight || 1.2));
    if (item.dash) { node.setAttribute("stroke-dasharray", item.dash); }
    svg.appendChild(node);
    return svg;
  }
  M.legend = function (map, spec) {
    var control = L.control({ position: spec.position });
    control.onAdd = function () {
      var box = el("details", "mapa-legend");
      // Open on a tall map; folded (one line) on a small one.
      box.open = map.getSize().y >= 600;
      box.appendChild(el("summary", null, spec.title));
      spec.sections.forEach(function (section) {
        box.appendChild(el("div", "mapa-legend-head", section.title));
        var list = box.appendChild(el("ul"));
        section.items.forEach(function (item) {
          var li = list.appendChild(el("li"));
          li.appendChild(symbol(item));
          li.appendChild(el("span", null, item.label));
        });
      });
      spec.notes.forEach(function (note) { box.appendChild(el("div", "mapa-legend-note", note)); });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control.addTo(map);
  };
  M.init = function (map, cfg) {
    L.DomUtil.addClass(map.getContainer(), "mapa-map");
    if (cfg.title) {
      var title = el("div", "mapa-title", cfg.title);
      map.getContainer().appendChild(title);
    }
    if (!map.attributionControl) { map.attributionControl = L.control.attribution().addTo(map); }
    cfg.attribution.forEach(function (html) { map.attributionControl.addAttribution(html); });
    L.control.scale({ imperial: false }).addTo(map);
  };
  window.MAPA = M;
})();
"""


def _runtime_css(style: MapStyle) -> str:
    return f"""<style>
.leaflet-container {{ background: #f3f3ef; }}
.mapa-map.leaflet-container, .mapa-map .leaflet-popup-content, .mapa-map .leaflet-tooltip,
.mapa-map .leaflet-control-layers {{ font-size: {style.font_px}px; line-height: 1.35; }}
.mapa-map .leaflet-control-attribution, .mapa-map .leaflet-control-scale-line {{
  font-size: {style.small_px}px; }}
.mapa-map .leaflet-control-layers-toggle {{ width: {max(36, style.font_px * 2)}px;
  height: {max(36, style.font_px * 2)}px; }}
.mapa-popup-title {{ font-weight: 700; font-size: 1.1em; margin-bottom: .3em; }}
.mapa-popup dl {{ margin: 0; display: grid; grid-template-columns: max-content 1fr;
  column-gap: .6em; row-gap: .15em; }}
.mapa-popup dt {{ font-weight: 600; color: #444; }}
.mapa-popup dd {{ margin: 0; overflow-wrap: anywhere; }}
.mapa-badge {{ display: inline-block; margin-left: .5em; padding: 0 .4em; border-radius: .3em;
  background: #ffe08a; color: #4a3900; font-size: .8em; font-weight: 600; }}
.mapa-fresh {{ margin-top: .4em; color: #2d5f2d; }}
.mapa-stale {{ color: #8a3b00; font-weight: 600; }}
.mapa-id {{ margin-top: .3em; color: #666; font-size: .85em; }}
.mapa-label {{ background: none; border: none; }}
.mapa-label span {{ position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
  font-size: {style.label_px}px; font-weight: 600; color: #1f1f1f; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff, 0 0 5px #fff; }}
.mapa-labels-hidden .mapa-label {{ display: none; }}
.mapa-legend {{ background: rgba(255, 255, 255, .94); padding: .4em .6em; border-radius: 4px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, .35); max-height: 55vh; overflow-y: auto;
  max-width: 24em; }}
.mapa-legend summary {{ font-weight: 700; cursor: pointer; }}
.mapa-legend-head {{ font-weight: 600; margin-top: .4em; }}
.mapa-legend ul {{ list-style: none; margin: .1em 0 0; padding: 0; }}
.mapa-legend li {{ display: flex; align-items: center; gap: .45em; line-height: 1.2;
  margin: .05em 0; font-size: .92em; }}
.mapa-legend svg {{ flex: none; width: 1.25em; height: 1.25em; }}
.mapa-legend-note {{ margin-top: .4em; font-size: .85em; color: #444; }}
.mapa-title {{ position: absolute; top: 10px; left: 50%; transform: translateX(-50%);
  z-index: 1000; max-width: 60%; padding: .2em .8em; border-radius: 4px; text-align: center;
  background: rgba(255, 255, 255, .92); box-shadow: 0 1px 4px rgba(0, 0, 0, .3);
  font-weight: 700; font-size: 1.2em; pointer-events: none; }}
</style>"""


class MapRuntime(MacroElement):
    """The shared JavaScript and CSS of our maps; add it to the map first.

    Parameters
    ----------
    style : sizes of text and symbols
    title : shown centred at the top of the map (plain text)
    attribution : HTML snippets for Leaflet's attribution control (trusted,
        built by ``mapping.legend.attribution_html``)
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        {{ this.js }}
        MAPA.init({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
        """
    )

    def __init__(self, style: MapStyle, *, title: str | None, attribution: list[str]):
        super().__init__()
        self._name = "MapRuntime"
        self.css = _runtime_css(style)
        self.js = _RUNTIME_JS
        self.config = script_json({"title": title, "attribution": attribution})

    def render(self, **kwargs: object) -> None:
        """Render once (see ``mapping.offline.render_once``)."""
        render_once(self, **kwargs)


class RecordLayer(JSCSSMixin, folium.GeoJson):
    """One dataset as one Leaflet GeoJSON layer, styled and explained by the runtime.

    Parameters
    ----------
    packed : the features, packed and escaped by ``mapping.mapdata.pack_layer``,
        embedded verbatim and unpacked in the browser
    config : how the runtime draws and explains the features (colours,
        shapes, field labels, choice labels); see ``mapping.mapview``
    bounds : ``[[south, west], [north, east]]`` of the features, or None
    name : name in the layer control
    show : whether the layer is on when the map opens
    cluster : Leaflet.markercluster options, or None to draw every point

    Notes
    -----
    When clustered, the layer control toggles a marker cluster group holding
    the GeoJSON layer's markers; the group is filled once it is on the map
    (filling it earlier makes markercluster check each new marker against
    every queued one, quadratic in the number of points).

    ``data`` holds an empty FeatureCollection: the features exist only as the
    packed text, so they are not copied into Python objects a second time.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_cfg = {{ this.config }};
        var {{ this.get_name() }} = MAPA.layer({{ this.map_name }},
            {{ this.packed }}, {{ this.get_name() }}_cfg);
        {% endmacro %}
        """
    )

    def __init__(
        self,
        packed: str,
        config: Mapping[str, Any],
        *,
        bounds: list[list[float]] | None,
        name: str,
        show: bool = True,
        cluster: Mapping[str, Any] | None = None,
    ):
        super().__init__({"type": "FeatureCollection", "features": []}, name=name, show=show)
        self._name = "RecordLayer"
        self.packed = packed
        self.config = script_json({**config, "cluster": dict(cluster) if cluster else None})
        self.bounds = bounds
        # Instance lists (never the class's): mapping.offline rewrites them.
        self.default_js = list(MarkerCluster.default_js) if cluster else []
        self.default_css = list(MarkerCluster.default_css) if cluster else []

    @property
    def map_name(self) -> str:
        """JS name of the map this layer is on."""
        parent = self._parent
        while parent is not None and not isinstance(parent, folium.Map):
            parent = parent._parent
        if parent is None:
            raise ValueError("Warstwa nie jest dodana do mapy")
        return parent.get_name()

    def _get_self_bounds(self) -> list[list[float | None]]:
        if self.bounds is None:
            return [[None, None], [None, None]]
        return self.bounds

    def render(self, **kwargs: object) -> None:
        """Link the scripts it needs, add itself to its parent, render once."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise ValueError("Warstwa musi należeć do folium.Figure")
        for name, url in self.default_js:
            figure.header.add_child(JavascriptLink(url), name=name)
        for name, url in self.default_css:
            figure.header.add_child(CssLink(url), name=name)
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        render_once(self, **kwargs)


class DeferredLayerControl(folium.LayerControl):
    """folium's layer control, created once the page's map script has run.

    folium writes the control where it sits among the map's children, so a
    layer added to the map after ``build_map`` (e.g. partnership links on a
    meeting slide) would be referenced before its variable is assigned and
    break the script.  Deferring by one task lets later layers join the
    control wherever they were added.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = null;
        setTimeout(function () {
            {{ this.get_name() }} = L.control.layers(
                {
                    {%- for key, val in this.base_layers.items() %}
                    {{ key|tojson }}: {{ val }},
                    {%- endfor %}
                },
                {
                    {%- for key, val in this.overlays.items() %}
                    {{ key|tojson }}: {{ val }},
                    {%- endfor %}
                },
                {{ this.options|tojavascript }}
            ).addTo({{ this._parent.get_name() }});
        }, 0);
        {% endmacro %}
        """
    )

    def render(self, **kwargs: object) -> None:
        """Collect the layers (as folium does), then render once."""
        self.reset()
        for item in self._parent._children.values():
            if not isinstance(item, folium.map.Layer) or not item.control:
                continue
            target = self.overlays if item.overlay else self.base_layers
            target[item.layer_name] = item.get_name()
        render_once(self, **kwargs)
