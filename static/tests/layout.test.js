// Where labels and the legend go (static/mapa/layout.js): pure geometry.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const G = require(path.join(__dirname, "..", "mapa", "layout.js"));

const VIEW = { x: 0, y: 0, w: 800, h: 600 };
const box = (x, y, w, h) => ({ x, y, w, h });
const square = (x, y, s) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s]];

test("boxes overlap when they share area or come closer than the gap", () => {
  assert.ok(G.overlaps(box(0, 0, 10, 10), box(5, 5, 10, 10)));
  assert.ok(!G.overlaps(box(0, 0, 10, 10), box(10, 0, 10, 10)), "touching is not overlapping");
  assert.ok(G.overlaps(box(0, 0, 10, 10), box(12, 0, 10, 10), 4), "closer than the gap");
  assert.ok(!G.overlaps(box(0, 0, 10, 10), box(0, 30, 10, 10), 4));
});

test("declutter keeps the larger area's label and hides the one it overlaps", () => {
  const items = [
    { box: box(100, 100, 80, 16), priority: 1 },
    { box: box(150, 105, 80, 16), priority: 5 },
    { box: box(400, 100, 80, 16), priority: 2 },
  ];
  assert.deepEqual(G.declutter(items, VIEW, [], 4), [false, true, true]);
});

test("no two shown labels overlap, however many crowd together", () => {
  const items = [];
  for (let i = 0; i < 200; i++) {
    items.push({ box: box((i * 37) % 700, (i * 53) % 560, 60 + (i % 5) * 10, 16), priority: i % 7 });
  }
  const shown = G.declutter(items, VIEW, [], 2);
  const kept = items.filter((_, i) => shown[i]).map((it) => it.box);
  assert.ok(kept.length > 10);
  for (let i = 0; i < kept.length; i++) {
    for (let j = i + 1; j < kept.length; j++) {
      assert.ok(!G.overlaps(kept[i], kept[j]), `${i} and ${j} overlap`);
    }
  }
});

test("labels under a control or leaving the view are hidden; a missing box never shows", () => {
  const legend = box(0, 400, 200, 200);
  const items = [
    { box: box(50, 450, 80, 16), priority: 9 },
    { box: box(780, 10, 80, 16), priority: 9 },
    { box: null, priority: 9 },
    { box: box(300, 300, 80, 16), priority: 1 },
  ];
  assert.deepEqual(G.declutter(items, VIEW, [legend], 4), [false, false, false, true]);
});

test("ties keep the items' order", () => {
  const items = [{ box: box(0, 0, 50, 10), priority: 1 }, { box: box(10, 0, 50, 10), priority: 1 }];
  assert.deepEqual(G.declutter(items, VIEW, [], 0), [true, false]);
});

test("ring area, centroid and inside", () => {
  const ring = square(10, 10, 20);
  assert.equal(Math.abs(G.ringArea(ring)), 400);
  assert.deepEqual(G.ringCentroid(ring), [20, 20]);
  assert.ok(G.insideRings([15, 15], [ring]));
  assert.ok(!G.insideRings([35, 15], [ring]));
  assert.ok(!G.insideRings([20, 20], [ring, square(15, 15, 10)]), "inside a hole");
});

test("a ring clipped to the view keeps the part inside", () => {
  const part = G.clipRing(square(-100, -100, 200), VIEW);
  assert.equal(Math.abs(G.ringArea(part)), 100 * 100);
  assert.deepEqual(G.clipRing(square(900, 900, 10), VIEW), []);
});

test("a label stays at its point while that is in view", () => {
  const home = [400, 300];
  assert.equal(G.anchor(home, [square(0, 0, 800)], VIEW, 6), home);
});

test("zoomed in, a label moves into the visible part of its area", () => {
  // The district covers the whole view; its label point is far off screen.
  const district = square(-5000, -3000, 10000);
  const at = G.anchor([-4000, -2000], [district], VIEW, 6);
  assert.deepEqual(at.map(Math.round), [400, 300]);
  // Only a corner of it is in view: the label goes into that corner.
  const corner = G.anchor([-900, -900], [square(-1000, -1000, 1200)], VIEW, 6);
  assert.ok(corner[0] < 200 && corner[1] < 200 && corner[0] > 6 && corner[1] > 6);
  // Nothing of it in view: no label.
  assert.equal(G.anchor([-900, -900], [square(-1000, -1000, 100)], VIEW, 6), null);
});

test("a concave area's label lands inside it, not in its notch", () => {
  // A "U": the centroid lies in the notch.
  const u = [[0, 0], [300, 0], [300, 300], [200, 300], [200, 100], [100, 100], [100, 300], [0, 300]];
  const at = G.anchor(null, [u], box(-10, -10, 320, 320), 0);
  assert.ok(G.insideRings(at, [u]), JSON.stringify(at));
});

test("the legend goes to the corner least over the city", () => {
  // The city fills the left half of the view.
  const city = [square(0, 0, 400).map(([x, y]) => [x, y * 1.5])];
  const size = { w: 200, h: 150 };
  const candidates = [
    { name: "bottomleft", box: box(10, 440, size.w, size.h) },
    { name: "topleft", box: box(10, 80, size.w, size.h) },
    { name: "bottomright", box: box(590, 440, size.w, size.h) },
    { name: "topright", box: box(590, 60, size.w, size.h) },
  ];
  assert.equal(G.leastCovered(candidates, city, VIEW, []), "bottomright");
  // ... unless it would cover another control there.
  assert.equal(G.leastCovered(candidates, city, VIEW, [box(600, 500, 100, 50)]), "topright");
  assert.ok(G.coverage(box(10, 10, 100, 100), city) === 1);
  assert.ok(G.coverage(box(500, 10, 100, 100), city) === 0);
});
