/*
 * The packed layer format of mapping/webmap/packing.py, decoded.
 *
 * Pure functions (no DOM, no Leaflet): in a page they are window.MAPA_PACKED,
 * used by runtime.js; in node, require("static/mapa/packed.js") (see
 * static/tests/packed.test.js).  Plain ES5, like the rest of the runtime.
 *
 *   {"n": 3, "s": 100000, "x0": .., "y0": ..,
 *    "x": [..], "y": [..],     points: x offsets; y as deltas (rows north to south)
 *    "g": [{geometry}, ..],    then the other geometries, as GeoJSON
 *    "p": {"name": {"v": [..]}, "kind": {"d": [..], "i": [..]}}}
 *
 * Rows 0..x.length-1 are the points, the shapes follow, one row each.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) { module.exports = api; }
  else { root.MAPA_PACKED = api; }
}(this, function () {
  "use strict";

  // The property columns, as parallel arrays of names and columns.
  function columns(packed) {
    var names = Object.keys(packed.p);
    return { names: names, cols: names.map(function (k) { return packed.p[k]; }) };
  }
  // One value of a column: a plain column ("v", null for none) or a
  // dictionary column ("d" values, "i" indices, -1 for none).
  function cell(col, i) {
    if (col.v) { return col.v[i]; }
    return col.i[i] >= 0 ? col.d[col.i[i]] : null;
  }
  // The properties of row ``i``: only the columns holding a value.
  function rowProps(table, i) {
    var props = {};
    for (var c = 0; c < table.cols.length; c++) {
      var v = cell(table.cols[c], i);
      if (v !== null) { props[table.names[c]] = v; }
    }
    return props;
  }
  // A column's values by row (null where empty or where the column is absent).
  function columnValues(table, name, n) {
    var k = table.names.indexOf(name), out = new Array(n);
    for (var i = 0; i < n; i++) { out[i] = k < 0 ? null : cell(table.cols[k], i); }
    return out;
  }
  // Calls fn(row, lat, lng) for every point, in row order.
  function eachPoint(packed, fn) {
    var n = packed.x.length, s = packed.s, y = packed.y0;
    for (var i = 0; i < n; i++) {
      y -= packed.y[i];
      fn(i, y / s, (packed.x0 + packed.x[i]) / s);
    }
  }
  // Every point's latitude and longitude, by row, decoded once (a clustered
  // layer reads them again on every filter change and every redraw).
  function coordinates(packed) {
    var n = packed.x.length, lat = new Float64Array(n), lng = new Float64Array(n);
    eachPoint(packed, function (i, y, x) { lat[i] = y; lng[i] = x; });
    return { lat: lat, lng: lng };
  }
  // The lines and polygons as GeoJSON features.
  function shapes(packed) {
    var table = columns(packed), np = packed.x.length;
    return {
      type: "FeatureCollection",
      features: packed.g.map(function (geometry, k) {
        return { type: "Feature", geometry: geometry, properties: rowProps(table, np + k) };
      })
    };
  }
  // The whole layer as a GeoJSON FeatureCollection (points first).
  function unpack(packed) {
    var table = columns(packed), features = [];
    eachPoint(packed, function (i, lat, lng) {
      features.push({
        type: "Feature",
        geometry: { type: "Point", coordinates: [lng, lat] },
        properties: rowProps(table, i)
      });
    });
    return { type: "FeatureCollection", features: features.concat(shapes(packed).features) };
  }

  // A layer kept by the browser (a data file) brought up to date after edits:
  // its rows ``drop`` (row numbers of ``base``) taken out and the rows of
  // ``delta`` (packed the same way) added, points after the base's points,
  // shapes after its shapes.  Packed again, with plain columns (mapping/
  // webmap/bases.py sends the delta; the base file stays in the cache).
  function patch(base, drop, delta) {
    var gone = {}, k, c;
    for (k = 0; k < drop.length; k++) { gone[drop[k]] = true; }
    var parts = [[base, columns(base)], [delta, columns(delta)]];
    var names = parts[0][1].names.slice();
    parts[1][1].names.forEach(function (n) { if (names.indexOf(n) < 0) { names.push(n); } });
    var rows = [], shapesOut = [], xs = [], ys = [];
    parts.forEach(function (part, which) {  // the points, kept or new
      var packed = part[0], s = packed.s, y = packed.y0;
      for (var i = 0; i < packed.x.length; i++) {
        y -= packed.y[i];
        if (which === 0 && gone[i]) { continue; }
        rows.push([part[1], i]);
        xs.push(packed.x0 + packed.x[i]);
        ys.push(y);
      }
      if (s !== base.s) { throw new Error("patch: different scales"); }
    });
    parts.forEach(function (part, which) {  // then the shapes
      var packed = part[0], np = packed.x.length;
      for (var k2 = 0; k2 < packed.g.length; k2++) {
        if (which === 0 && gone[np + k2]) { continue; }
        rows.push([part[1], np + k2]);
        shapesOut.push(packed.g[k2]);
      }
    });
    var dy = new Array(ys.length), last = 0;
    for (k = 0; k < ys.length; k++) { dy[k] = last - ys[k]; last = ys[k]; }
    var p = {};
    names.forEach(function (name) {
      var values = new Array(rows.length), any = false;
      for (k = 0; k < rows.length; k++) {
        var table = rows[k][0], at = table.names.indexOf(name);
        values[k] = at < 0 ? null : cell(table.cols[at], rows[k][1]);
        if (values[k] !== null) { any = true; }
      }
      if (any) { p[name] = { v: values }; }
    });
    return { n: rows.length, s: base.s, x0: 0, y0: 0, x: xs, y: dy, g: shapesOut, p: p };
  }

  return {
    patch: patch,
    columns: columns,
    cell: cell,
    rowProps: rowProps,
    columnValues: columnValues,
    eachPoint: eachPoint,
    coordinates: coordinates,
    shapes: shapes,
    unpack: unpack
  };
}));
