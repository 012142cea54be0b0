/*
 * The minimal Leaflet.markercluster page of bench/map_render.py: what a
 * competent user writes by hand for N points: Leaflet's default markers,
 * handed to the group in one bulk addLayers call once it is on the map (the
 * fast way: before that, markercluster checks each new marker against every
 * queued one, quadratic in N; 34 s instead of ~5 s at 200,000 here).
 *
 * Reads window.BENCH_POINTS ([[lat, lng], ...]) and window.BENCH_IMAGES
 * (where Leaflet's marker images are); the map is window.map_bench, where
 * the bench's ready probe finds it.
 */
(function () {
  "use strict";
  L.Icon.Default.imagePath = window.BENCH_IMAGES;
  // markercluster needs the map's maxZoom (a tile layer would set it), and
  // clusters every zoom from the minimum: the same range as our map's, 8-19.
  var map = L.map("map", { preferCanvas: true, minZoom: 8, maxZoom: 19 })
    .setView([54.36, 18.69], 11);
  var group = L.markerClusterGroup();
  var points = window.BENCH_POINTS, markers = new Array(points.length);
  for (var i = 0; i < points.length; i++) {
    markers[i] = L.marker(L.latLng(points[i][0], points[i][1]));
  }
  map.addLayer(group);
  group.addLayers(markers);
  window.map_bench = map;
})();
