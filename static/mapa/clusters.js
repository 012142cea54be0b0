/*
 * Clusters of a large point layer: supercluster's index of the rows the
 * filters keep, and what of it to draw in a view.
 *
 * Pure functions (no DOM, no Leaflet): in a page they are window.MAPA_CLUSTERS,
 * used by runtime.js with the vendored supercluster (window.Supercluster,
 * static/vendor/supercluster); in node, require("static/mapa/clusters.js")
 * and hand supercluster in (see static/tests/clusters.test.js).  Plain ES5.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) { module.exports = api; }
  else { root.MAPA_CLUSTERS = api; }
}(this, function () {
  "use strict";

  // supercluster's input, one point per row of ``coords`` (packed.js
  // coordinates): made once and given to every index of the layer; a
  // point's properties are its row.
  function points(coords) {
    var n = coords.lat.length, out = new Array(n);
    for (var i = 0; i < n; i++) {
      out[i] = {
        type: "Feature", properties: i,
        geometry: { type: "Point", coordinates: [coords.lng[i], coords.lat[i]] }
      };
    }
    return out;
  }
  // An index of the ``pts`` whose row is shown (``shown``: true or false by
  // row, possibly longer than ``pts``; null keeps every point).
  function index(Supercluster, pts, shown, options) {
    var kept = pts;
    if (shown) {
      kept = [];
      for (var i = 0; i < pts.length; i++) { if (shown[i]) { kept.push(pts[i]); } }
    }
    return new Supercluster(options).load(kept);
  }
  // What to draw of ``idx`` in ``bbox`` ([west, south, east, north]) at
  // ``zoom``: the clusters ({id, lat, lng, count}), the rows drawn on their
  // own, and how many points both stand for.
  function view(idx, bbox, zoom) {
    var found = idx.getClusters(bbox, zoom), clusters = [], rows = [], total = 0;
    for (var k = 0; k < found.length; k++) {
      var f = found[k], p = f.properties, at = f.geometry.coordinates;
      if (p !== null && typeof p === "object" && p.cluster) {
        clusters.push({ id: p.cluster_id, lat: at[1], lng: at[0], count: p.point_count });
        total += p.point_count;
      } else {
        rows.push(p);
        total += 1;
      }
    }
    return { clusters: clusters, rows: rows, total: total };
  }
  // ``bbox`` grown by ``ratio`` of its size on each side (latitudes kept
  // within Web Mercator's), so a short pan finds its points already drawn.
  function padded(bbox, ratio) {
    var dx = (bbox[2] - bbox[0]) * ratio, dy = (bbox[3] - bbox[1]) * ratio;
    return [bbox[0] - dx, Math.max(bbox[1] - dy, -85.06), bbox[2] + dx,
      Math.min(bbox[3] + dy, 85.06)];
  }
  // The zoom a cluster's click goes to: where it splits, within the map's.
  function expansionZoom(idx, id, maxZoom) {
    return Math.min(idx.getClusterExpansionZoom(id), maxZoom);
  }
  // The first zoom at which every point is drawn on its own (supercluster
  // clusters up to its maxZoom, 16 by default).
  function separateZoom(options) {
    var max = options && options.maxZoom !== undefined ? options.maxZoom : 16;
    return max + 1;
  }

  // A count as Polish text: digits grouped by a no-break space from five
  // digits on ("1234", "12 345"), as Intl's pl-PL writes them.
  function groupDigits(n) {
    var text = String(Math.round(n));
    if (text.replace("-", "").length < 5) { return text; }
    return text.replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0");
  }
  var numbers = typeof Intl === "object" ? new Intl.NumberFormat("pl-PL") : null;
  function countText(n) {
    return numbers ? numbers.format(n) : groupDigits(n);
  }
  // A bubble's size class by its count: markercluster's small (< 10),
  // medium (< 100) and large, and one more from 1000 on (wider numbers).
  function sizeClass(count) {
    if (count < 10) { return "s"; }
    if (count < 100) { return "m"; }
    return count < 1000 ? "l" : "xl";
  }

  return {
    points: points,
    index: index,
    view: view,
    padded: padded,
    expansionZoom: expansionZoom,
    separateZoom: separateZoom,
    groupDigits: groupDigits,
    countText: countText,
    sizeClass: sizeClass
  };
}));
