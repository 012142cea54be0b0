/*
 * The map runtime: record layers, popups, tooltips, labels, legend and title.
 *
 * Loaded once per page after Leaflet, packed.js (window.MAPA_PACKED) and
 * clusters.js (window.MAPA_CLUSTERS; with supercluster, window.Supercluster,
 * where a layer is clustered), like a folium plugin's default_js:
 * mapping/webmap/layers.py links it (the app: Streamlit's static route, with
 * a content hash) or inlines it (the one-file export).
 * Everything Python decides arrives as settings (mapping/webmap/settings.py):
 * MAPA.init(map, MapSettings) once, then MAPA.layer(map, packed,
 * LayerSettings) per dataset and MAPA.legend(map, LegendSettings).  No text
 * or code of the data's vocabulary (area kinds, labels) is written here.
 *
 * Plain ES5, so it runs in any browser Leaflet 1.9 supports.  It patches
 * L.Canvas and L.SVG to draw squares, diamonds and triangles and to draw
 * markers in batches (see below).
 */
(function () {
  "use strict";
  if (window.MAPA) { return; }
  var M = {};
  var has = Object.prototype.hasOwnProperty;
  var P = window.MAPA_PACKED;

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
  // How an area of this kind is drawn (cfg.areaStyles, keyed by kind; an
  // unknown or missing kind is drawn as cfg.areaDefault).
  function areaKind(p, cfg) {
    var styles = cfg.areaStyles || {};
    return (p.kind && has.call(styles, p.kind)) ? styles[p.kind] : styles[cfg.areaDefault];
  }
  function areaStyle(p, cfg) {
    var a = areaKind(p, cfg);
    var s = { color: a.color, weight: a.weight, opacity: 0.9, fill: a.fill,
      fillOpacity: a.fillOpacity };
    if (a.dash) { s.dashArray = a.dash; }
    if (a.fillColor) { s.fillColor = a.fillColor; }
    if (a.shaded && cfg.classes) {
      s.fillColor = p._class >= 0 ? cfg.classes[p._class] : cfg.noDataColor;
      s.fillOpacity = 0.7;
    }
    if (p._focus) { s.color = cfg.focus.color; s.weight = cfg.focus.weight; s.opacity = 1; }
    return s;
  }
  // Whether the popup and tooltip of this feature name the indicator.
  function showsIndicator(p, cfg) {
    return Boolean(cfg.indicator) && areaKind(p, cfg).indicator;
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
  function indicatorText(p, cfg, texts) {
    if (p._value === undefined || p._value === null) { return texts.noData; }
    return p._value.toLocaleString("pl-PL") + (cfg.indicator.unit ? " " + cfg.indicator.unit : "");
  }
  M.popup = function (feature, cfg, texts) {
    var p = (feature && feature.properties) || {};
    var box = el("div", "mapa-popup");
    var head = box.appendChild(el("div", "mapa-popup-title", titleOf(p, cfg)));
    var sample = cfg.sample !== null && p.source === cfg.sample;
    if (sample) { head.appendChild(el("span", "mapa-badge", texts.sampleBadge)); }
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
    if (showsIndicator(p, cfg)) { row(cfg.indicator.label, indicatorText(p, cfg, texts)); }
    box.appendChild(document.createTextNode("\n"));
    if (cfg.freshness) {
      var date = p[cfg.freshness];
      var text = date ? texts.verified + date : texts.unverified;
      box.appendChild(el("div", p._stale ? "mapa-fresh mapa-stale" : "mapa-fresh",
        p._stale ? text + texts.staleSuffix : text));
    }
    if (cfg.showId && p.id !== undefined) {
      box.appendChild(el("div", "mapa-id", "\n" + texts.recordId + p.id));
    }
    return box;
  };
  M.tooltip = function (feature, cfg, texts) {
    var p = (feature && feature.properties) || {};
    var text = titleOf(p, cfg);
    if (showsIndicator(p, cfg)) { text += ": " + indicatorText(p, cfg, texts); }
    return el("span", null, text);
  };

  // --- layers --------------------------------------------------------------
  // Packed features (packed.js, mapping/webmap/packing.py).  Points become
  // markers directly: no intermediate GeoJSON objects, one shared marker
  // class per style, and properties built only when a popup or tooltip asks
  // for them.
  var cell = P.cell, rowProps = P.rowProps;
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
  // A function making the marker of one row: rows sharing category, kind and
  // freshness share a class, looked up by the dictionary codes, so most rows
  // cost no string building at all.
  M.markerMaker = function (packed, cfg) {
    var table = P.columns(packed), Feature = featureClass(table);
    var codeCols = ["category", "kind", "_stale"].map(function (k) {
      var col = packed.p[k];
      return col && col.i ? col.i : null;
    });
    var coded = codeCols[0] !== null || codeCols[1] !== null || codeCols[2] !== null;
    var byCode = {};
    return function (i, lat, lng) {
      var Cls;
      if (coded) {
        var code = (codeCols[0] ? codeCols[0][i] : 0) + ":" + (codeCols[1] ? codeCols[1][i] : 0) +
          ":" + (codeCols[2] ? codeCols[2][i] : 0);
        Cls = byCode[code] || (byCode[code] = markerClass(cfg, table, i));
      } else {
        Cls = markerClass(cfg, table, i);
      }
      var marker = new Cls(L.latLng(lat, lng));
      marker.feature = new Feature(i);
      return marker;
    };
  };
  M.markers = function (packed, cfg) {
    var make = M.markerMaker(packed, cfg), markers = new Array(packed.x.length);
    P.eachPoint(packed, function (i, lat, lng) { markers[i] = make(i, lat, lng); });
    return markers;
  };
  M.shapes = P.shapes;
  M.geoJson = function (cfg) {
    var layer = L.geoJson(null, { style: function (f) { return shapeStyle(f, cfg); } });
    layer.mapaConfig = cfg;
    return layer;
  };

  // --- clustered datasets ----------------------------------------------------
  // A large point layer is drawn from supercluster's index (clusters.js) of
  // the rows the filters keep, rebuilt when they change.  After every move
  // the clusters in view become count bubbles and the points standing alone
  // canvas markers, each made the first time it is drawn: the map holds only
  // what is in view, and nothing is done per point but indexing it.
  var C = window.MAPA_CLUSTERS;
  // Drawn beyond the view by this share of it on each side, so a short pan
  // shows points and bubbles already there until ``moveend`` redraws.
  var CLUSTER_PAD = 0.5;
  function bubble(cluster, layer) {
    var node = el("div", "mapa-cluster mapa-cluster-" + C.sizeClass(cluster.count));
    node.appendChild(el("span", null, C.countText(cluster.count)));
    // A zero-size icon at the cluster's point; the bubble centres itself on
    // it (runtime.css), however wide its number.
    var marker = L.marker([cluster.lat, cluster.lng], {
      icon: L.divIcon({ className: "mapa-cluster-icon", html: node, iconSize: [0, 0] }),
      riseOnHover: true
    });
    marker.mapaCluster = cluster;
    marker.on("click", function () { layer.zoomTo(cluster); });
    return marker;
  }
  M.ClusterLayer = L.Layer.extend({
    // ``shapes``: the dataset's lines and polygons (a GeoJSON layer), drawn
    // as they are, under the points.
    initialize: function (packed, cfg, shapes) {
      this.cfg = cfg;
      // The points drawn on their own and the shapes: popups and tooltips
      // are bound here.  The bubbles are apart, so a click on one is not a
      // click on a record.
      this.records = L.featureGroup();
      this.bubbles = L.layerGroup();
      // What the last redraw drew: bubbles, lone points, the points both
      // stand for, at which zoom (read by tests and benches).
      this.drawn = { clusters: 0, points: 0, total: 0, zoom: null };
      this._coords = P.coordinates(packed);
      this._make = M.markerMaker(packed, cfg);
      this._markers = new Array(this._coords.lat.length);
      this._points = null;
      this._shown = null;
      this._index = null;
      this._drawnRows = {};
      this._drawnBubbles = {};
      if (shapes) { this.records.addLayer(shapes); }
    },
    // The marker of point row ``row`` (made once, the first time it is asked for).
    marker: function (row) {
      return this._markers[row] ||
        (this._markers[row] = this._make(row, this._coords.lat[row], this._coords.lng[row]));
    },
    onAdd: function (map) {
      map.addLayer(this.records);
      map.addLayer(this.bubbles);
      this.redraw();
    },
    onRemove: function (map) {
      map.removeLayer(this.records);
      map.removeLayer(this.bubbles);
    },
    getEvents: function () { return { moveend: this.redraw }; },
    // The rows shown changed (``shown``: true or false by row): index anew,
    // now if on the map, else once added.
    filter: function (shown) {
      this._shown = shown;
      this._index = null;
      if (this._map) { this.redraw(); }
    },
    index: function () {
      if (!this._index) {
        this._points = this._points || C.points(this._coords);
        this._index = C.index(window.Supercluster, this._points, this._shown, this.cfg.cluster);
        // Cluster ids belong to one index.
        this.bubbles.clearLayers();
        this._drawnBubbles = {};
      }
      return this._index;
    },
    // Draw what is in (and around) the view: only what changed is touched.
    redraw: function () {
      var map = this._map;
      if (!map) { return; }
      var b = map.getBounds(), zoom = map.getZoom();
      var bbox = C.padded([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], CLUSTER_PAD);
      var v = C.view(this.index(), bbox, zoom), rows = {}, bubbles = {}, k, key;
      for (k = 0; k < v.rows.length; k++) {
        rows[v.rows[k]] = true;
        if (!this._drawnRows[v.rows[k]]) { this.records.addLayer(this.marker(v.rows[k])); }
      }
      for (key in this._drawnRows) {
        if (!rows[key]) { this.records.removeLayer(this._markers[key]); }
      }
      for (k = 0; k < v.clusters.length; k++) {
        var c = v.clusters[k], drawn = this._drawnBubbles[c.id];
        if (!drawn) { this.bubbles.addLayer(drawn = bubble(c, this)); }
        bubbles[c.id] = drawn;
      }
      for (key in this._drawnBubbles) {
        if (!bubbles[key]) { this.bubbles.removeLayer(this._drawnBubbles[key]); }
      }
      this._drawnRows = rows;
      this._drawnBubbles = bubbles;
      this.drawn = { clusters: v.clusters.length, points: v.rows.length, total: v.total, zoom: zoom };
    },
    // A click on a bubble: zoom in to where its cluster splits.
    zoomTo: function (cluster) {
      var map = this._map;
      map.setView([cluster.lat, cluster.lng],
        C.expansionZoom(this.index(), cluster.id, map.getMaxZoom()));
    },
    // The first zoom at which every point is drawn on its own.
    separateZoom: function () { return C.separateZoom(this.cfg.cluster); },
    // Keep the points drawn above shapes added back (as in M.layer).
    raisePoints: function () {
      for (var key in this._drawnRows) { this._markers[key].bringToFront(); }
    }
  });

  // One dataset: a GeoJSON layer, or a cluster layer (M.ClusterLayer) drawing
  // its points.  Its rows are the points (0..x.length-1) then the shapes;
  // M.register keeps them so a page can show a subset (M.show).
  M.layer = function (map, packed, cfg) {
    var np = packed.x.length, layer = M.geoJson(cfg), shapes = [];
    if (packed.g.length) {
      layer.addData(M.shapes(packed));
      shapes = layer.getLayers();
    }
    if (!cfg.cluster) {
      var markers = M.markers(packed, cfg), items = markers.concat(shapes);
      for (var i = 0; i < markers.length; i++) { layer.addLayer(markers[i]); }
      M.bind(layer, layer, cfg, map);
      return M.register(map, layer, packed, cfg, function (row) { return items[row]; },
        function (add, remove, shown) {
          remove.forEach(function (row) { layer.removeLayer(items[row]); });
          add.forEach(function (row) { layer.addLayer(items[row]); });
          // A shape added back is drawn last, above the markers, and would
          // take their clicks: keep the markers on top, as when first drawn.
          if (add.some(function (row) { return row >= np; })) {
            markers.forEach(function (m, k) { if (shown[k]) { m.bringToFront(); } });
          }
        });
    }
    var clustered = new M.ClusterLayer(packed, cfg, shapes.length ? layer : null);
    M.bind(layer, clustered.records, cfg, map);
    return M.register(map, clustered, packed, cfg, function (row) {
      return row < np ? clustered.marker(row) : shapes[row - np];
    }, function (add, remove, shown) {
      var points = false;
      remove.forEach(function (row) {
        if (row < np) { points = true; } else { layer.removeLayer(shapes[row - np]); }
      });
      var raise = false;
      add.forEach(function (row) {
        if (row < np) { points = true; } else { layer.addLayer(shapes[row - np]); raise = true; }
      });
      if (points) { clustered.filter(shown); }
      if (raise) { clustered.raisePoints(); }
    });
  };
  // What a filter in the page (panel.js) works with: ``target.mapa`` holds
  // the config, the number of rows, the Leaflet layer of a row (``item``),
  // which rows are shown and a column's values by row; ``map.mapaLayers``
  // lists the datasets.
  M.register = function (map, target, packed, cfg, item, apply) {
    var table = P.columns(packed), n = packed.x.length + packed.g.length;
    var shown = new Array(n);
    for (var i = 0; i < n; i++) { shown[i] = true; }
    target.mapa = {
      cfg: cfg,
      n: n,
      item: item,
      shown: shown,
      apply: apply,
      column: function (name) { return P.columnValues(table, name, n); }
    };
    (map.mapaLayers || (map.mapaLayers = [])).push(target);
    return target;
  };
  // Show the rows whose ``keep`` is true and hide the rest; returns how many
  // are shown.  Only the rows that change are touched.
  M.show = function (target, keep) {
    var s = target.mapa, add = [], remove = [], n = 0;
    for (var i = 0; i < s.n; i++) {
      var k = Boolean(keep[i]);
      if (k) { n++; }
      if (k !== s.shown[i]) {
        s.shown[i] = k;
        (k ? add : remove).push(i);
      }
    }
    if (add.length || remove.length) { s.apply(add, remove, s.shown); }
    return n;
  };
  M.bind = function (layer, target, cfg, map) {
    var texts = map.mapaSettings.texts;
    if (cfg.popups !== false) {
      target.bindPopup(function (l) { return M.popup(l.feature, cfg, texts); },
        // Panned clear of the map's title, too.
        { maxWidth: cfg.popupWidth, autoPanPadding: [16, 16],
          autoPanPaddingTopLeft: [16, map.mapaSettings.title ? 56 : 16] });
    }
    target.bindTooltip(function (l) { return M.tooltip(l.feature, cfg, texts); },
      { sticky: true, direction: "top", offset: [0, -6], opacity: 0.95 });
    if (cfg.kind === "areas") { M.labels(layer, cfg, map); }
  };
  // District labels: one marker per area with a label point, placed anew
  // after every move (MAPA_LAYOUT, layout.js): in view, inside the visible
  // part of its area, and shown only where it overlaps no larger area's
  // label and no control.  Hidden labels stay in the page (visibility), so
  // their size is known.
  var LAYOUT = window.MAPA_LAYOUT, LABEL_GAP = 4, LABEL_MARGIN = 6;
  function outerRings(layer, map) {
    if (!layer.getLatLngs) { return []; }
    var rings = [];
    (function walk(list) {
      if (!list.length) { return; }
      if (list[0] instanceof L.LatLng) {
        rings.push(list.map(function (ll) {
          var p = map.latLngToContainerPoint(ll);
          return [p.x, p.y];
        }));
        return;
      }
      // A polygon is [outline, holes...]; a multipolygon a list of those.
      if (list[0].length && list[0][0] instanceof L.LatLng) { walk(list[0]); return; }
      list.forEach(walk);
    })(layer.getLatLngs());
    return rings;
  }
  // The size of an area at zoom 0, in square pixels: larger areas' labels win.
  function sizeOf(layer, map) {
    if (!layer.getLatLngs) { return 0; }
    var zoom = map.getZoom(), scale = Math.pow(2, -zoom);
    return outerRings(layer, map).reduce(function (sum, ring) {
      return sum + Math.abs(LAYOUT.ringArea(ring)) * scale * scale;
    }, 0);
  }
  // The boxes of the map's controls and title (but ``except``), in container pixels.
  M.obstacles = function (map, except) {
    var box = map.getContainer(), origin = box.getBoundingClientRect(), found = [];
    var nodes = box.querySelectorAll(".leaflet-control, .mapa-title");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i] === except) { continue; }
      var r = nodes[i].getBoundingClientRect();
      if (r.width && r.height) {
        found.push({ x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height });
      }
    }
    return found;
  };
  M.labels = function (layer, cfg, map) {
    var labels = [];
    layer.eachLayer(function (l) {
      var p = l.feature && l.feature.properties;
      if (!p || !p._label) { return; }
      var home = L.latLng(p._label);
      labels.push({
        area: l, home: home, size: null, rank: null,
        marker: L.marker(home, {
          icon: L.divIcon({
            className: "mapa-label", html: el("span", null, titleOf(p, cfg)), iconSize: null
          }),
          interactive: false, keyboard: false
        })
      });
    });
    labels.forEach(function (lab) { layer.addLayer(lab.marker); });
    function place() {
      if (!map.hasLayer(layer) || !labels.length) { return; }
      var size = map.getSize(), view = { x: 0, y: 0, w: size.x, h: size.y };
      var items = labels.map(function (lab) {
        var icon = lab.marker._icon, span = icon && icon.firstChild;
        if (!span) { return { box: null, priority: 0 }; }
        if (lab.rank === null) { lab.rank = sizeOf(lab.area, map); }
        if (!lab.size || !lab.size.w) {
          lab.size = { w: span.offsetWidth, h: span.offsetHeight };
        }
        var home = map.latLngToContainerPoint(lab.home);
        var at = LAYOUT.anchor([home.x, home.y], outerRings(lab.area, map), view, LABEL_MARGIN);
        if (!at) { return { box: null, priority: 0 }; }
        var ll = at[0] === home.x && at[1] === home.y ? lab.home :
          map.containerPointToLatLng(L.point(at[0], at[1]));
        if (!ll.equals(lab.marker.getLatLng())) { lab.marker.setLatLng(ll); }
        return { box: LAYOUT.centred(at, lab.size), priority: lab.rank };
      });
      var shown = LAYOUT.declutter(items, view, M.obstacles(map), LABEL_GAP);
      labels.forEach(function (lab, i) {
        var icon = lab.marker._icon;
        if (icon) { L.DomUtil[shown[i] ? "removeClass" : "addClass"](icon, "mapa-label-off"); }
      });
      map.mapaLabelsPlaced = (map.mapaLabelsPlaced || 0) + 1;
    }
    // Once a frame however often asked (the map's start moves, resizes and
    // adds layers in one go); at once after the legend moved, in its frame.
    var soon = M.coalesced(place);
    map.on("moveend resize", soon);
    map.on("mapalayout", place);
    layer.on("add", soon);
    if (map.hasLayer(layer)) { soon(); }
  };

  // Show one record (row ``row`` of ``target``): zoom to it and open its
  // popup, as a click on it does.  A point of a clustered layer is zoomed to
  // where it stands alone, and its layer is switched on.
  var FOCUS_ZOOM = 16;
  M.focus = function (map, target, row) {
    var item = target.mapa.item(row);
    function open() {
      var ll = item.getLatLng ? item.getLatLng() : item.getBounds().getCenter();
      // A click on the record whose popup is open would close it.
      map.closePopup();
      item.fire("click", { latlng: ll, containerPoint: map.latLngToContainerPoint(ll) }, true);
    }
    if (!map.hasLayer(target)) { map.addLayer(target); }
    if (item.getLatLng) {
      var zoom = Math.max(map.getZoom(), FOCUS_ZOOM, target.separateZoom ? target.separateZoom() : 0);
      // Without animation the view, and with it a clustered layer, is
      // redrawn before the click.
      map.setView(item.getLatLng(), Math.min(zoom, map.getMaxZoom()), { animate: false });
    } else {
      map.fitBounds(item.getBounds(), { maxZoom: FOCUS_ZOOM, animate: false });
    }
    open();
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
  // The legend: a <details> whose summary (spec.title) is the
  // small tab it folds to, kept folded or open as the user left it
  // (spec.remember).  Its sections fold too: opened, it covers at most
  // LEGEND_SHARE of the map, so the first section (the colour key) stays
  // open and the later ones fold, from the last, until it fits.  It sits
  // in the corner where it covers the least of the areas (the city).
  var LEGEND_SHARE = 0.14, CORNERS = ["bottomleft", "topleft", "bottomright", "topright"];
  function boxOf(node, origin) {
    var r = node.getBoundingClientRect();
    return { x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height };
  }
  function legendBox(map, spec, parts) {
    var box = el("details", "mapa-legend");
    // As the user left it on the previous map, else open on a tall map and
    // folded (one line) on a small one.
    var kept = M.remembered(spec.remember);
    box.open = kept === null ? map.getSize().y >= 600 : kept === "open";
    box.appendChild(el("summary", null, spec.title));
    spec.sections.forEach(function (section, k) {
      // A section folds under its heading, a button (the legend's one
      // summary stays its fold).
      var part = box.appendChild(el("div", "mapa-legend-part" + (k ? "" : " mapa-legend-key")));
      var head = part.appendChild(el("button", "mapa-legend-head", section.title));
      head.type = "button";
      head.setAttribute("aria-expanded", "true");
      L.DomEvent.on(head, "click", function () { fold(part, !isFolded(part)); });
      var list = part.appendChild(el("ul"));
      section.items.forEach(function (item) {
        var li = list.appendChild(el("li"));
        li.appendChild(symbol(item));
        li.appendChild(el("span", null, item.label));
      });
      parts.push(part);
    });
    spec.notes.forEach(function (note) { box.appendChild(el("div", "mapa-legend-note", note)); });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  }
  function isFolded(part) { return L.DomUtil.hasClass(part, "mapa-legend-folded"); }
  function fold(part, folded) {
    L.DomUtil[folded ? "addClass" : "removeClass"](part, "mapa-legend-folded");
    part.firstChild.setAttribute("aria-expanded", folded ? "false" : "true");
  }
  M.legend = function (map, spec) {
    var control = L.control({ position: spec.position }), parts = [], box = null;
    // Built once: moving the control to another corner adds it again.
    control.onAdd = function () { return box || (box = legendBox(map, spec, parts)); };
    function areaRings() {
      var rings = [];
      (map.mapaLayers || []).forEach(function (t) {
        if (t.mapa.cfg.kind !== "areas") { return; }
        // The labelled areas (districts): the city's outline may take in
        // water or fields, which the legend may well cover.
        for (var i = 0; i < t.mapa.n; i++) {
          var item = t.mapa.item(i), p = item.feature && item.feature.properties;
          if (t.mapa.shown[i] && map.hasLayer(item) && p && p._label) {
            rings = rings.concat(outerRings(item, map));
          }
        }
      });
      return rings;
    }
    // Every corner with the first n sections open (n from all down to the
    // key alone), within LEGEND_SHARE of the map: the place least over the
    // areas wins, with more sections open where that costs little.
    function layout() {
      var origin = map.getContainer().getBoundingClientRect(), size = map.getSize();
      var view = { x: 0, y: 0, w: size.x, h: size.y }, budget = LEGEND_SHARE * size.x * size.y;
      var rings = areaRings(), others = M.obstacles(map, box), best = null;
      var corners = rings.length ? CORNERS : [control.getPosition()];
      for (var n = box.open ? Math.max(parts.length, 1) : 1; n >= 1; n--) {
        parts.forEach(function (part, k) { fold(part, box.open && k >= n); });
        for (var c = 0; c < corners.length; c++) {
          control.setPosition(corners[c]);
          var b = boxOf(box, origin);
          if (n > 1 && b.w * b.h > budget) { break; }
          var score = rings.length ? LAYOUT.placementScore(b, rings, view, others) : 0;
          // Fewer sections open must be clearly better; another corner only better.
          if (!best || score < best.score - (n < best.n ? 0.05 : 1e-9)) {
            best = { score: score, corner: corners[c], n: n };
          }
        }
      }
      parts.forEach(function (part, k) { fold(part, box.open && k >= best.n); });
      control.setPosition(best.corner);
      map.fire("mapalayout");
    }
    control.addTo(map);
    var open = box.open;
    box.addEventListener("toggle", function () {
      // Also fired for the state set while building: only a change is kept.
      if (box.open === open) { return; }
      open = box.open;
      if (spec.remember) { M.remember(spec.remember, open ? "open" : "folded"); }
      layout();
    });
    // Again when the map's size changes or another control arrives (the
    // filter panel, MAPA_PANEL): the legend's corner depends on both.
    // The first layout waits for the frame: the filter panel and a resize of
    // the iframe arrive meanwhile, and one layout serves them all.
    var relayout = M.coalesced(layout);
    map.on("resize mapacontrol", relayout);
    relayout();
    return control;
  };
  // ``fn`` run in the next animation frame (before it is painted), once
  // however often it is asked for meanwhile: a layout measures the page,
  // and each measuring after a change makes the browser lay it out again.
  M.coalesced = function (fn) {
    var asked = false;
    return function () {
      if (asked) { return; }
      asked = true;
      window.requestAnimationFrame(function () { asked = false; fn(); });
    };
  };
  // A small state kept in the browser between maps (localStorage).  Storage
  // may be refused (a file opened from disk, private mode): then nothing is
  // kept and the default applies.
  M.remembered = function (key) {
    if (!key) { return null; }
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  };
  M.remember = function (key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { return false; }
    return true;
  };
  // The page's settings (MapSettings): kept on the map for its layers; the
  // style's sizes become CSS variables read by runtime.css.
  M.init = function (map, settings) {
    var box = map.getContainer();
    map.mapaSettings = settings;
    L.DomUtil.addClass(box, "mapa-map");
    box.style.setProperty("--mapa-font", settings.fontPx + "px");
    box.style.setProperty("--mapa-small", settings.smallPx + "px");
    box.style.setProperty("--mapa-label", settings.labelPx + "px");
    box.style.setProperty("--mapa-control", settings.controlPx + "px");
    if (settings.title) { box.appendChild(el("div", "mapa-title", settings.title)); }
    if (!map.attributionControl) { map.attributionControl = L.control.attribution().addTo(map); }
    settings.attribution.forEach(function (html) { map.attributionControl.addAttribution(html); });
    L.control.scale({ imperial: false }).addTo(map);
    // A container resized by its page (streamlit-folium sizes its iframe
    // after the map is drawn) is a resize Leaflet may not hear of; the
    // legend's corner and the labels depend on the size.
    if (window.ResizeObserver) {
      new window.ResizeObserver(function () { map.invalidateSize({ pan: false }); }).observe(box);
    }
  };
  window.MAPA = M;
})();
