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
