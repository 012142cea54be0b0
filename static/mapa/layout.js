/*
 * Where the map's labels and legend go: pure geometry on screen boxes.
 *
 * No DOM, no Leaflet: runtime.js measures and projects, these functions
 * decide.  In a page they are window.MAPA_LAYOUT; in node,
 * require("static/mapa/layout.js") (static/tests/layout.test.js).
 * A box is {x, y, w, h} in pixels (x right, y down); a point is [x, y]; a
 * ring is a list of points (a polygon's outline, closed or not).  Plain ES5.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) { module.exports = api; }
  else { root.MAPA_LAYOUT = api; }
}(this, function () {
  "use strict";

  // Whether two boxes share more than a line; ``gap`` pixels of air count as
  // overlap, so shown labels never touch.
  function overlaps(a, b, gap) {
    var g = gap || 0;
    return a.x < b.x + b.w + g && b.x < a.x + a.w + g &&
      a.y < b.y + b.h + g && b.y < a.y + a.h + g;
  }
  function contains(box, p, margin) {
    var m = margin || 0;
    return p[0] >= box.x + m && p[0] <= box.x + box.w - m &&
      p[1] >= box.y + m && p[1] <= box.y + box.h - m;
  }
  function within(outer, inner) {
    return inner.x >= outer.x && inner.y >= outer.y &&
      inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
  }

  // Which labels to show: the highest priority first, each only if its box
  // lies inside ``view`` and overlaps no label already shown and no obstacle
  // (the legend, the panel, the title).  ``items``: {box, priority}, a null
  // box is never shown.  Returns a boolean per item, in the items' order.
  function declutter(items, view, obstacles, gap) {
    var order = items.map(function (item, i) { return i; });
    order.sort(function (a, b) {
      return (items[b].priority - items[a].priority) || (a - b);
    });
    var shown = items.map(function () { return false; });
    var taken = (obstacles || []).slice();
    order.forEach(function (i) {
      var box = items[i].box;
      if (!box || (view && !within(view, box))) { return; }
      for (var k = 0; k < taken.length; k++) {
        if (overlaps(box, taken[k], k < (obstacles || []).length ? 0 : gap)) { return; }
      }
      taken.push(box);
      shown[i] = true;
    });
    return shown;
  }

  // Signed area (shoelace) and centroid of a ring.
  function ringArea(ring) {
    var a = 0;
    for (var i = 0, n = ring.length; i < n; i++) {
      var p = ring[i], q = ring[(i + 1) % n];
      a += p[0] * q[1] - q[0] * p[1];
    }
    return a / 2;
  }
  function ringCentroid(ring) {
    var a = ringArea(ring), cx = 0, cy = 0;
    if (!a) { return ring.length ? ring[0].slice() : null; }
    for (var i = 0, n = ring.length; i < n; i++) {
      var p = ring[i], q = ring[(i + 1) % n], f = p[0] * q[1] - q[0] * p[1];
      cx += (p[0] + q[0]) * f;
      cy += (p[1] + q[1]) * f;
    }
    return [cx / (6 * a), cy / (6 * a)];
  }
  // Even-odd rule: inside an odd number of the rings (outlines and holes).
  function insideRings(p, rings) {
    var inside = false;
    rings.forEach(function (ring) {
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var a = ring[i], b = ring[j];
        if ((a[1] > p[1]) !== (b[1] > p[1]) &&
            p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0]) {
          inside = !inside;
        }
      }
    });
    return inside;
  }
  // The part of a ring inside a box (Sutherland–Hodgman: one box edge at a time).
  function clipRing(ring, box) {
    var edges = [
      function (p) { return p[0] >= box.x; }, function (p) { return p[0] <= box.x + box.w; },
      function (p) { return p[1] >= box.y; }, function (p) { return p[1] <= box.y + box.h; }
    ];
    var cuts = [
      function (p, q) { return cut(p, q, 0, box.x); }, function (p, q) { return cut(p, q, 0, box.x + box.w); },
      function (p, q) { return cut(p, q, 1, box.y); }, function (p, q) { return cut(p, q, 1, box.y + box.h); }
    ];
    var out = ring;
    for (var e = 0; e < 4 && out.length; e++) {
      var input = out, keep = edges[e];
      out = [];
      for (var i = 0; i < input.length; i++) {
        var p = input[i], prev = input[(i + input.length - 1) % input.length];
        if (keep(p)) {
          if (!keep(prev)) { out.push(cuts[e](prev, p)); }
          out.push(p);
        } else if (keep(prev)) {
          out.push(cuts[e](prev, p));
        }
      }
    }
    return out;
  }
  function cut(p, q, axis, value) {
    var t = (value - p[axis]) / (q[axis] - p[axis]);
    var r = [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
    r[axis] = value;
    return r;
  }
  // A point inside a ring: its centroid if inside, else the middle of the
  // widest stretch inside along the horizontal line through the centroid.
  function pointInside(ring) {
    var c = ringCentroid(ring);
    if (!c || insideRings(c, [ring])) { return c; }
    var xs = [];
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a[1] > c[1]) !== (b[1] > c[1])) {
        xs.push(a[0] + (c[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
      }
    }
    xs.sort(function (a, b) { return a - b; });
    var best = null;
    for (var k = 0; k + 1 < xs.length; k += 2) {
      if (!best || xs[k + 1] - xs[k] > best[1] - best[0]) { best = [xs[k], xs[k + 1]]; }
    }
    return best ? [(best[0] + best[1]) / 2, c[1]] : c;
  }

  // Where an area's label goes: at ``home`` (its label point) while that is
  // inside ``view`` shrunk by ``margin``; else inside the area's largest part
  // that is in view (zoomed in, the label point is often off screen while
  // the area fills it).  ``rings``: the area's outer outlines.  Null when no
  // part of the area is in view.
  function anchor(home, rings, view, margin) {
    if (home && contains(view, home, margin)) { return home; }
    var m = margin || 0;
    var inner = { x: view.x + m, y: view.y + m, w: view.w - 2 * m, h: view.h - 2 * m };
    var best = null, bestArea = 0;
    rings.forEach(function (ring) {
      var part = clipRing(ring, inner), a = Math.abs(ringArea(part));
      if (part.length > 2 && a > bestArea) { best = part; bestArea = a; }
    });
    return best ? pointInside(best) : null;
  }

  // A box of ``size`` ({w, h}) centred on a point.
  function centred(p, size) {
    return { x: p[0] - size.w / 2, y: p[1] - size.h / 2, w: size.w, h: size.h };
  }

  // How much of a box the areas cover, 0 to 1: the share of a grid of
  // sample points inside any of the rings.
  function coverage(box, rings, steps) {
    var n = steps || 12, inside = 0;
    for (var i = 0; i < n; i++) {
      for (var j = 0; j < n; j++) {
        var p = [box.x + box.w * (i + 0.5) / n, box.y + box.h * (j + 0.5) / n];
        for (var r = 0; r < rings.length; r++) {
          if (insideRings(p, [rings[r]])) { inside++; break; }
        }
      }
    }
    return inside / (n * n);
  }
  // How bad a place for a box (the legend) is: how much of the areas it
  // covers, plus one for leaving the view and one per other control it covers.
  function placementScore(box, rings, view, obstacles) {
    var score = coverage(box, rings);
    if (!within(view, box)) { score += 1; }
    (obstacles || []).forEach(function (o) { if (overlaps(box, o, 0)) { score += 1; } });
    return score;
  }
  // The best of the candidate places for a box: ``candidates`` are
  // {name, box}, the lowest placementScore wins; a later candidate must be
  // better by ``margin`` (0 unless given), so ties keep the candidates' order.
  function leastCovered(candidates, rings, view, obstacles, margin) {
    var best = null, bestScore = Infinity, m = margin || 1e-9;
    candidates.forEach(function (c) {
      var score = placementScore(c.box, rings, view, obstacles);
      if (score < bestScore - m) { best = c.name; bestScore = score; }
    });
    return best;
  }

  return {
    overlaps: overlaps,
    contains: contains,
    declutter: declutter,
    ringArea: ringArea,
    ringCentroid: ringCentroid,
    insideRings: insideRings,
    clipRing: clipRing,
    anchor: anchor,
    centred: centred,
    coverage: coverage,
    placementScore: placementScore,
    leastCovered: leastCovered
  };
}));
