// The packed-data decoder (static/mapa/packed.js) against what
// mapping/webmap/packing.py writes: static/tests/fixtures/packed.json
// (tests/js_fixtures.py), or the file named by MAPA_PACKED_FIXTURE, which
// tests/test_static_js.py sets to a layer it has just packed.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const P = require(path.join(__dirname, "..", "mapa", "packed.js"));

const fixturePath = process.env.MAPA_PACKED_FIXTURE ||
  path.join(__dirname, "fixtures", "packed.json");
const fixture = JSON.parse(fs.readFileSync(fixturePath, "utf8"));

// Coordinates are scaled integers divided back: equal to 1e-9 degrees.
function assertNear(actual, expected, where) {
  if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, where);
    expected.forEach((e, i) => assertNear(actual[i], e, `${where}[${i}]`));
    return;
  }
  assert.ok(Math.abs(actual - expected) < 1e-9, `${where}: ${actual} != ${expected}`);
}

test("every feature comes back with its geometry and only the properties it has", () => {
  const features = P.unpack(fixture.packed).features;
  assert.equal(features.length, fixture.expected.length);
  assert.equal(features.length, fixture.packed.n);
  features.forEach((feature, i) => {
    const expected = fixture.expected[i];
    assert.equal(feature.geometry.type, expected.geometry.type, `feature ${i}`);
    assertNear(feature.geometry.coordinates, expected.geometry.coordinates, `feature ${i}`);
    assert.deepEqual(feature.properties, expected.properties, `feature ${i}`);
  });
});

test("eachPoint walks the points in row order, north to south", () => {
  const seen = [];
  P.eachPoint(fixture.packed, (row, lat, lng) => seen.push([row, lat, lng]));
  assert.equal(seen.length, fixture.packed.x.length);
  seen.forEach(([row, lat], i) => {
    assert.equal(row, i);
    if (i > 0) { assert.ok(lat <= seen[i - 1][1], "sorted north to south"); }
  });
});

test("columnValues gives a column by row, null where empty or absent", () => {
  const table = P.columns(fixture.packed);
  const n = fixture.expected.length;
  const names = P.columnValues(table, "name", n);
  assert.deepEqual(names, fixture.expected.map((f) => f.properties.name ?? null));
  assert.deepEqual(P.columnValues(table, "no_such_column", 2), [null, null]);
});

test("plain and dictionary columns decode alike; -1 and null mean no value", () => {
  const packed = {
    n: 3, s: 100000, x0: 1800000, y0: 5400000,
    x: [0, 100, 200], y: [0, 100, 100], g: [],
    p: {
      name: { v: ["A", null, "C"] },
      kind: { d: ["miejsce", "instytucja"], i: [1, -1, 0] },
    },
  };
  const features = P.unpack(packed).features;
  assert.deepEqual(features.map((f) => f.properties), [
    { name: "A", kind: "instytucja" },
    {},
    { name: "C", kind: "miejsce" },
  ]);
  assert.deepEqual(features.map((f) => f.geometry.coordinates), [
    [18, 54], [18.001, 53.999], [18.002, 53.998],
  ]);
});

test("shapes follow the points, their properties from the rows after them", () => {
  const packed = {
    n: 2, s: 100000, x0: 0, y0: 5000000, x: [0], y: [0],
    g: [{ type: "LineString", coordinates: [[1, 2], [3, 4]] }],
    p: { name: { v: ["punkt", "linia"] } },
  };
  const shapes = P.shapes(packed);
  assert.equal(shapes.type, "FeatureCollection");
  assert.deepEqual(shapes.features, [{
    type: "Feature",
    geometry: { type: "LineString", coordinates: [[1, 2], [3, 4]] },
    properties: { name: "linia" },
  }]);
});

test("coordinates decodes every point's latitude and longitude by row", () => {
  const c = P.coordinates(fixture.packed);
  const seen = [];
  P.eachPoint(fixture.packed, (row, lat, lng) => seen.push([lat, lng]));
  assert.equal(c.lat.length, fixture.packed.x.length);
  seen.forEach(([lat, lng], i) => {
    assert.equal(c.lat[i], lat);
    assert.equal(c.lng[i], lng);
  });
});

// A base layer and what changed since (mapping/webmap/bases.py): the patched
// layer holds the same features as the layer packed whole, in its own order.
function featureKey(f) {
  return JSON.stringify([f.geometry.type, f.geometry.coordinates.flat(3).map((v) => v.toFixed(6)),
    Object.keys(f.properties).sort().map((k) => [k, f.properties[k]])]);
}

test("patch drops rows of the base and adds the delta's, as packing it whole gives", () => {
  const base = {
    n: 4, s: 100000, x0: 1800000, y0: 5400000,
    x: [0, 100, 200], y: [0, 100, 100],
    g: [{ type: "LineString", coordinates: [[18, 54], [18.1, 54.1]] }],
    p: { name: { v: ["A", "B", "C", "linia"] }, kind: { d: ["x"], i: [0, -1, 0, -1] } },
  };
  const delta = {
    n: 2, s: 100000, x0: 1850000, y0: 5450000, x: [0], y: [0],
    g: [{ type: "Polygon", coordinates: [[[18, 54], [18.1, 54], [18, 54.1], [18, 54]]] }],
    p: { name: { v: ["B2", "obszar"] }, extra: { v: [1, null] } },
  };
  const patched = P.patch(base, [1], delta);
  assert.equal(patched.n, 5);
  const got = P.unpack(patched).features.map(featureKey).sort();
  const want = [
    { type: "Point", coordinates: [18, 54] }, { type: "Point", coordinates: [18.002, 53.998] },
    { type: "Point", coordinates: [18.5, 54.5] },
  ].map((g, i) => ({ geometry: g, properties: [{ name: "A", kind: "x" },
    { name: "C", kind: "x" }, { name: "B2", extra: 1 }][i] }))
    .concat([
      { geometry: base.g[0], properties: { name: "linia" } },
      { geometry: delta.g[0], properties: { name: "obszar" } },
    ]).map(featureKey).sort();
  assert.deepEqual(got, want);
  // Points first, then the shapes: the runtime's rows.
  assert.equal(patched.x.length, 3);
  assert.equal(patched.g.length, 2);
});

test("patch with nothing dropped and an empty delta keeps every feature", () => {
  const empty = { n: 0, s: fixture.packed.s, x0: 0, y0: 0, x: [], y: [], g: [], p: {} };
  const patched = P.patch(fixture.packed, [], empty);
  assert.deepEqual(P.unpack(patched).features.map(featureKey).sort(),
    P.unpack(fixture.packed).features.map(featureKey).sort());
});
