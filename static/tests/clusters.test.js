// The clustering of large point layers (static/mapa/clusters.js) with the
// vendored supercluster: every shown point is drawn, alone or in a bubble's
// count, at every zoom; a click on a bubble goes where it splits; counts read
// as Polish numbers.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const C = require(path.join(__dirname, "..", "mapa", "clusters.js"));
const Supercluster = require(path.join(__dirname, "..", "vendor", "supercluster",
  "supercluster.min.js"));

// The options mapping/webmap/build.py passes (_CLUSTER_OPTIONS).
const OPTIONS = { radius: 80, extent: 256, minZoom: 8, maxZoom: 15 };
const WORLD = [-180, -85, 180, 85];

// ``n`` points in Gdańsk's bounding box (a fixed pseudo-random walk), and a
// few sharing one spot.
function coords(n) {
  const lat = new Float64Array(n), lng = new Float64Array(n);
  let s = 12345;
  const next = () => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648; };
  for (let i = 0; i < n; i++) {
    lat[i] = i < 5 ? 54.35 : 54.27 + next() * 0.18;
    lng[i] = i < 5 ? 18.6 : 18.43 + next() * 0.52;
  }
  return { lat, lng };
}

// Which rows a view stands for: its lone rows and the leaves of its clusters.
function rowsOf(idx, v) {
  const rows = v.rows.slice();
  v.clusters.forEach((c) => {
    idx.getLeaves(c.id, Infinity).forEach((leaf) => rows.push(leaf.properties));
  });
  return rows.sort((a, b) => a - b);
}

test("at every zoom each shown point is drawn once, alone or in a count", () => {
  const pts = C.points(coords(3000));
  const idx = C.index(Supercluster, pts, null, OPTIONS);
  for (let zoom = OPTIONS.minZoom; zoom <= 19; zoom++) {
    const v = C.view(idx, WORLD, zoom);
    assert.equal(v.total, 3000, `zoom ${zoom}`);
    assert.deepEqual(rowsOf(idx, v), pts.map((_, i) => i), `zoom ${zoom}`);
    if (zoom < C.separateZoom(OPTIONS)) {
      assert.ok(v.clusters.length > 0, `clustered at zoom ${zoom}`);
    }
  }
});

test("from separateZoom on every point stands alone, even points sharing a spot", () => {
  assert.equal(C.separateZoom(OPTIONS), 16);
  assert.equal(C.separateZoom({}), 17, "supercluster's default maxZoom is 16");
  const idx = C.index(Supercluster, C.points(coords(500)), null, OPTIONS);
  const v = C.view(idx, WORLD, C.separateZoom(OPTIONS));
  assert.equal(v.clusters.length, 0);
  assert.equal(v.rows.length, 500);
});

test("only the rows a filter keeps are indexed (shapes' rows after the points ignored)", () => {
  const pts = C.points(coords(2000));
  const shown = pts.map((_, i) => i % 3 !== 1).concat([true, false]);
  const idx = C.index(Supercluster, pts, shown, OPTIONS);
  const kept = pts.map((_, i) => i).filter((i) => i % 3 !== 1);
  const v = C.view(idx, WORLD, 10);
  assert.equal(v.total, kept.length);
  assert.deepEqual(rowsOf(idx, v), kept);
  const none = C.index(Supercluster, pts, pts.map(() => false), OPTIONS);
  assert.deepEqual(C.view(none, WORLD, 10), { clusters: [], rows: [], total: 0 });
});

test("a bubble's click zoom splits it, and stays within the map's zoom", () => {
  const idx = C.index(Supercluster, C.points(coords(3000)), null, OPTIONS);
  const zoom = 11;
  const clusters = C.view(idx, WORLD, zoom).clusters;
  assert.ok(clusters.length > 3);
  clusters.forEach((c) => {
    const to = C.expansionZoom(idx, c.id, 19);
    assert.ok(to > zoom, `cluster ${c.id} zooms in`);
    // There its points are no longer one cluster.
    const leaves = new Set(idx.getLeaves(c.id, Infinity).map((l) => l.properties));
    const there = C.view(idx, WORLD, to);
    const holding = there.clusters.filter((d) => idx.getLeaves(d.id, Infinity)
      .some((l) => leaves.has(l.properties)));
    const alone = there.rows.filter((r) => leaves.has(r));
    assert.ok(holding.length + alone.length > 1, `cluster ${c.id} splits at ${to}`);
    assert.ok(C.expansionZoom(idx, c.id, zoom + 1) <= zoom + 1);
  });
});

test("a view is what lies in its bounding box; padding grows it on every side", () => {
  const idx = C.index(Supercluster, C.points(coords(3000)), null, OPTIONS);
  const west = [18.43, 54.27, 18.5, 54.45];
  const v = C.view(idx, west, 16);
  assert.ok(v.rows.length > 0 && v.rows.length < 3000);
  const c = coords(3000);
  v.rows.forEach((r) => assert.ok(c.lng[r] >= 18.43 && c.lng[r] <= 18.5));
  assert.deepEqual(C.padded([10, 50, 12, 51], 0.5), [9, 49.5, 13, 51.5]);
  assert.deepEqual(C.padded([10, 84, 12, 85], 1), [8, 83, 14, 85.06]);
});

test("counts read as Polish numbers: grouped by a no-break space from five digits", () => {
  assert.equal(C.countText(7), "7");
  assert.equal(C.countText(1234), "1234");
  assert.equal(C.countText(12345), "12\u00a0345");
  assert.equal(C.countText(200000), "200\u00a0000");
  // The fallback without Intl writes the same.
  [0, 9, 999, 1000, 9999, 10000, 12345, 123456, 1234567].forEach((n) => {
    assert.equal(C.groupDigits(n), C.countText(n), String(n));
  });
});

test("bubble sizes grow with the count, as markercluster's", () => {
  assert.deepEqual([2, 9, 10, 99, 100, 999, 1000, 50000].map(C.sizeClass),
    ["s", "s", "m", "m", "l", "l", "xl", "xl"]);
});
