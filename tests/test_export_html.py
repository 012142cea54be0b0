"""The interactive map export (format "html"): one file, offline, filterable, inert text.

Privacy (public/team/private) is checked on its bytes by ``tests/test_privacy.py``,
which covers every textual format in ``FORMATS``.  Browser tests open the file
from disk in Debian's Chromium with every request that is not ``file:`` aborted
and recorded: only tile URLs may be attempted, and with ``tiles="none"`` none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from mapping.__main__ import main
from mapping.export import FORMATS, PRINT_LAYERS, ExportRequest, export, export_frames
from mapping.export.interactive import _lighter_areas, panel_categories, write_html
from mapping.export.request import MAP_TILES
from mapping.export.selection import export_columns
from mapping.frames import records_to_frame
from mapping.schema import AREAS, LAYERS, NEEDS, RESOURCES, SAMPLE_SOURCE, Audience
from mapping.store import GeoPackageStore
from mapping.webmap.assets import static_text
from mapping.webmap.build import CLUSTER_MIN_POINTS
from mapping.webmap.tiles import TILES
from tests.export_fixtures import CITY, POLISH_NAME, PUBLIC_NAME, fill_store
from tests.factories import need_values, resource_values

DAY = date(2026, 11, 23)
#: URLs a page may contain that are never requested by it: links in the
#: attribution (OpenStreetMap, CARTO, Leaflet's own prefix) and the SVG
#: namespace, an identifier Leaflet and the runtime pass to createElementNS.
ATTRIBUTION_LINKS = {
    "https://www.openstreetmap.org/copyright",
    "https://carto.com/attributions",
    "https://leafletjs.com",
}
XML_NAMESPACES = {"http://www.w3.org/2000/svg"}
TILE_TEMPLATES = {spec.url for spec in TILES.values() if spec.url}
URL = r"https?://[^\s\"'<>)\\]+"


def budget(features: int) -> int:
    """The size budget of the issue: 400 KB plus 120 bytes per feature."""
    return 400 * 1024 + 120 * features


def is_tile(url: str) -> bool:
    """Whether ``url`` is a tile of one of the offered base maps."""
    for template in TILE_TEMPLATES:
        pattern = re.escape(template)
        for token, regex in (("s", "[a-d]"), ("z", r"\d+"), ("x", r"\d+"), ("y", r"\d+")):
            pattern = pattern.replace(re.escape("{" + token + "}"), regex)
        pattern = pattern.replace(re.escape("{r}"), "(@2x)?")
        if re.fullmatch(pattern, url):
            return True
    return False


def public_frames(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Frames cut to the public columns, as ``export_frames`` leaves them."""
    out = {}
    for name, layer in LAYERS.items():
        frame = frames.get(name)
        if frame is None:
            frame = records_to_frame(layer, [])
        columns = [*export_columns(layer, Audience.PUBLIC), "geometry"]
        out[name] = gpd.GeoDataFrame(frame[columns], geometry="geometry", crs=frame.crs)
    return out


@pytest.fixture
def filled(store: GeoPackageStore) -> tuple[GeoPackageStore, dict[str, str]]:
    return store, fill_store(store)


def export_html(store: GeoPackageStore, **options: Any) -> str:
    result = export(store, "html", ExportRequest(CITY, as_of=DAY, **options))
    assert result.mime == "text/html" and result.filename.endswith(".html")
    return result.data.decode("utf-8")


# --- the file ------------------------------------------------------------------------


def test_html_is_a_registered_textual_format() -> None:
    spec = FORMATS["html"]
    assert spec.textual and not spec.per_layer and not spec.printed
    assert spec.default_layers == PRINT_LAYERS
    assert spec.label == "Mapa interaktywna (HTML)"


@pytest.mark.parametrize("tiles", MAP_TILES)
def test_file_links_nothing_and_names_only_tiles_and_attribution(filled, tiles) -> None:
    store, _ = filled
    page = export_html(store, tiles=tiles)
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]*\bhref\s*=", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", page, re.IGNORECASE)
    urls = set(re.findall(URL, page))
    # Text of the records may hold URLs (the fixture has a =HYPERLINK name);
    # popups show them as text, or link websites, and nothing fetches them.
    records = "\n".join(
        str(v) for f in export_frames(store, CITY).values() for v in f.to_numpy().ravel()
    )
    allowed = TILE_TEMPLATES | ATTRIBUTION_LINKS | XML_NAMESPACES | set(re.findall(URL, records))
    assert urls <= allowed, urls - allowed
    assert page.count("<script") == page.count("</script>")


def test_file_inlines_our_browser_code_and_points_at_no_app_route(filled) -> None:
    """The app serves static/mapa from /app/static; an exported file carries it inside."""
    store, _ = filled
    page = export_html(store)
    assert "/app/static" not in page
    for name in ("packed.js", "runtime.js", "filters.js", "panel.js"):
        assert static_text(f"mapa/{name}") in page, name
    assert ".mapa-popup-title {" in page and ".mapa-panel {" in page  # the two stylesheets


def test_file_states_title_date_audience_and_sources(filled) -> None:
    store, _ = filled
    page = export_html(store, audience="team")
    assert page.startswith('<!DOCTYPE html>\n<html lang="pl">')
    assert f"<title>Mapa zasobów i potrzeb — {CITY}</title>" in page
    assert "stan na dzień 23.11.2026 · wersja dla zespołu" in page
    assert "OpenStreetMap contributors" in page and "Źródła danych" in page
    assert "nie rzeczywistymi" in page  # the sample note: the fixture has a sample
    assert "MAPA_PANEL(" in page and "L.control.layers" in page and "MAPA.legend(" in page


def shown_tiles(page: str) -> set[str]:
    """URLs of the tile layers the page adds to the map (the others are only offered)."""
    layers = re.findall(r'var (tile_layer_\w+) = L\.tileLayer\(\s*"([^"]+)"', page)
    return {url for name, url in layers if f"{name}.addTo(" in page}


@pytest.mark.parametrize("tiles", MAP_TILES)
def test_tiles_follow_the_request(filled, tiles) -> None:
    store, _ = filled
    page = export_html(store, tiles=tiles)
    assert shown_tiles(page) == ({TILES[tiles].url} if TILES[tiles].url else set())
    assert len(re.findall(r"L\.tileLayer\(", page)) == 2  # both offered in the control


def test_projector_style_follows_the_request(filled) -> None:
    store, _ = filled
    assert '"fontPx":24' in export_html(store, style="projector")  # MapSettings
    assert '"fontPx":24' not in export_html(store)


def test_request_checks_tiles_and_style() -> None:
    assert set(MAP_TILES) == set(TILES)
    assert ExportRequest(CITY).tiles == "light" and ExportRequest(CITY).style == "standard"
    with pytest.raises(ValueError, match="light, osm, none"):
        ExportRequest(CITY, tiles="google")
    with pytest.raises(ValueError, match="standard, projector"):
        ExportRequest(CITY, style="neon")


def test_district_export_focuses_on_it(filled) -> None:
    store, _ = filled
    page = export_html(store, district="oliwa")
    assert "Mapa zasobów i potrzeb — Gdańsk, oliwa" in page
    assert '"_focus":{"v":[1]}' in page  # Oliwa, the only area left, is outlined


def test_cli_writes_the_file(filled, tmp_path: Path, capsys) -> None:
    store, _ = filled
    target = tmp_path / "mapa.html"
    argv = ["export", "html", "--city", CITY, "--db", str(store.path), "-o", str(target)]
    assert main([*argv, "--style", "projector", "--tiles", "none", "--date", "2026-11-23"]) == 0
    page = target.read_text(encoding="utf-8")
    assert '"fontPx":24' in page and "stan na dzień 23.11.2026" in page
    assert "Zapisano" in capsys.readouterr().out


def test_categories_in_schema_order_then_unknown_then_none() -> None:
    resources = records_to_frame(
        RESOURCES,
        [
            resource_values(category="sport"),
            resource_values(category="kultura"),
            resource_values(category="zielen", geometry=None),  # not drawn
            resource_values(category="<b>nowa</b>"),
        ],
    )
    actions = records_to_frame(LAYERS["actions"], [{"name": "Festyn", "geometry": Point(18, 54)}])
    rows = panel_categories({"resources": resources, "actions": actions})
    assert [key for key, _, _ in rows] == ["kultura", "sport", "<b>nowa</b>", ""]
    assert rows[0][1] == "Kultura i biblioteki" and rows[-1][1] == "bez kategorii"


def test_district_outlines_are_simplified_as_a_coverage(seeded_store_file: Path) -> None:
    areas = export_frames(GeoPackageStore(seeded_store_file), "Gdańsk")["areas"]
    lighter = _lighter_areas(areas)
    districts = (areas["kind"] == "dzielnica").to_numpy()
    before = np.asarray(areas.geometry.values)
    after = np.asarray(lighter.geometry.values)
    assert (
        shapely.get_num_coordinates(after).sum() < 0.7 * shapely.get_num_coordinates(before).sum()
    )
    # Neighbours still share their borders: no gaps, no overlaps.
    assert shapely.coverage_is_valid(after[districts])
    metric = gpd.GeoSeries(before, crs=4326).to_crs(2180).values
    moved = shapely.hausdorff_distance(metric, gpd.GeoSeries(after, crs=4326).to_crs(2180).values)
    assert moved.max() < 20  # metres: invisible at a city's scale


def test_invalid_and_tiny_areas_keep_their_shapes() -> None:
    bow_tie = shapely.Polygon([(18.5, 54.3), (18.6, 54.4), (18.6, 54.3), (18.5, 54.4)])
    tiny = box(18.60001, 54.30001, 18.60003, 54.30003)  # smaller than the 1e-4° grid
    areas = records_to_frame(
        AREAS,
        [
            {"name": "Zła", "kind": "dzielnica", "city": "X", "geometry": bow_tie},
            {"name": "Mała", "kind": "obszar_roboczy", "city": "X", "geometry": tiny},
            {"name": "Bez granic", "kind": "dzielnica", "city": "X", "geometry": None},
        ],
    )
    lighter = _lighter_areas(areas)
    assert lighter.geometry.iloc[0].equals(bow_tie)
    assert not lighter.geometry.iloc[1].is_empty
    assert lighter.geometry.iloc[2] is None


def test_districts_without_polygons_still_export() -> None:
    frames = public_frames(
        {
            "areas": records_to_frame(
                AREAS, [{"name": "Raków", "kind": "dzielnica", "city": "X", "population": 10}]
            ),
            "resources": records_to_frame(RESOURCES, [resource_values(city="X")]),
        }
    )
    page = write_html(frames, ExportRequest("X", layers=PRINT_LAYERS, as_of=DAY)).decode()
    assert "nie mają granic" in page and "MAPA_PANEL(" in page


# --- many points: size and clustering -------------------------------------------------

MANY = CLUSTER_MIN_POINTS + 1000
MANY_CATEGORIES = ("kultura", "sport", "zdrowie")


@pytest.fixture(scope="module")
def many_frames() -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(18.45, 18.9, MANY), rng.uniform(54.3, 54.44, MANY)
    rows = [
        resource_values(
            id=f"r{i}",
            name=f"Punkt {i}",
            category=MANY_CATEGORIES[i % 3],
            address=f"ul. Długa {i % 300}",
            last_verified="2026-01-01",
            geometry=Point(x, y),
        )
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
    ]
    areas = records_to_frame(
        AREAS,
        [
            {
                "name": "Gdańsk",
                "kind": "miasto",
                "city": CITY,
                "geometry": box(18.4, 54.27, 18.95, 54.45),
            }
        ],
    )
    return public_frames({"areas": areas, "resources": records_to_frame(RESOURCES, rows)})


@pytest.fixture(scope="module")
def many_page(many_frames, tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = write_html(
        many_frames, ExportRequest(CITY, layers=PRINT_LAYERS, as_of=DAY, tiles="none")
    )
    path = tmp_path_factory.mktemp("html") / "many.html"
    path.write_bytes(data)
    return path


def test_many_points_fit_the_size_budget(many_page: Path) -> None:
    size = many_page.stat().st_size
    assert size <= budget(MANY + 1), size
    page = many_page.read_text(encoding="utf-8")
    assert "Supercluster=" in page and "MarkerClusterGroup" not in page


# --- in Chromium ---------------------------------------------------------------------------


@dataclass
class Opened:
    """A page opened from disk, with what it tried to fetch and what it logged."""

    page: Any
    requests: list[str]
    errors: list[str]


def open_file(browser: Any, path: Path) -> Opened:
    """Open ``path`` with every non-file request aborted and recorded."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    opened = Opened(page, [], [])

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        else:
            opened.requests.append(url)
            request_route.abort()

    def console(message: Any) -> None:
        # Aborted tiles are logged as failed resources: expected offline.
        if message.type == "error" and not is_tile(message.location.get("url", "")):
            opened.errors.append(message.text)

    page.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    page.goto(path.as_uri())
    page.wait_for_function("document.querySelectorAll('.mapa-panel-counts li').length > 0")
    return opened


#: Features drawn, counted on the Leaflet map: layers with a feature on the
#: map, plus the numbers on the bubbles of clustered layers (M.ClusterLayer:
#: a bubble stands for the points of its cluster); and per dataset, its rows
#: on the map (alone or in a bubble); and what the panel says.
COUNT_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const bubbled = t => (t.bubbles ? t.bubbles.getLayers() : []).reduce(
    (n, b) => n + (b._icon ? Number(b._icon.textContent.replace(/\\s/g, "")) : 0), 0);
  let features = 0;
  map.eachLayer(l => { if (l.feature) features++; });
  const datasets = {};
  map.mapaLayers.forEach(t => {
    let on = bubbled(t);
    for (let i = 0; i < t.mapa.n; i++) { if (map.hasLayer(t.mapa.item(i))) on++; }
    datasets[t.mapa.cfg.label] = on;
    features += bubbled(t);
  });
  const panel = {};
  document.querySelectorAll(".mapa-panel-counts li").forEach(li => {
    panel[li.textContent.split(":")[0]] = [Number(li.dataset.shown), li.textContent];
  });
  return {features, datasets, panel};
}"""


def counts(page: Any) -> dict[str, Any]:
    return page.evaluate(COUNT_JS)


def search(page: Any, text: str) -> None:
    page.fill(".mapa-panel-search input", text)
    # The filter runs after a short pause, then marks the counts with the query.
    page.wait_for_function(
        "(q) => document.querySelector('.mapa-panel-counts').dataset.query === q", arg=text
    )


def toggle(page: Any, label: str) -> None:
    page.locator(".mapa-panel-check", has_text=label).locator("input").click()


@pytest.mark.browser
def test_public_map_works_offline_and_filters(filled, browser, tmp_path: Path) -> None:
    store, _ = filled
    path = tmp_path / "mapa.html"
    path.write_text(export_html(store), encoding="utf-8")
    opened = open_file(browser, path)
    page = opened.page
    try:
        assert page.locator(".leaflet-container.mapa-map").count() == 1
        assert page.locator(".mapa-title").inner_text() == f"Mapa zasobów i potrzeb — {CITY}"
        assert page.locator(".mapa-legend").count() == 1
        page.wait_for_selector(".leaflet-control-layers")
        start = counts(page)
        # 7 placed public resources (the person is left out), a point and a
        # polygon need, and the city with 2 districts.
        assert start["datasets"] == {"Obszary": 3, "Zasoby": 7, "Potrzeby": 2}
        assert start["features"] == 12
        assert start["panel"]["Zasoby"] == [7, "Zasoby: pokazano 7 z 7"]
        toggle(page, "Kultura i biblioteki")
        after = counts(page)
        assert after["datasets"] == {"Obszary": 3, "Zasoby": 1, "Potrzeby": 2}
        assert after["features"] == 6
        assert after["panel"]["Zasoby"][1] == "Zasoby: pokazano 1 z 7"
        page.get_by_role("button", name="wszystkie").click()
        assert counts(page)["features"] == 12
        search(page, "zazolc GESLA")  # no diacritics, any case
        found = counts(page)
        assert found["datasets"] == {"Obszary": 3, "Zasoby": 1, "Potrzeby": 0}
        assert found["features"] == 4
        search(page, PUBLIC_NAME.lower())
        assert counts(page)["datasets"]["Zasoby"] == 1
        search(page, "")
        assert counts(page)["features"] == 12
        # The sample record's popup is labelled.
        page.evaluate(
            """() => {
              const map = Object.values(window).find(v => v instanceof L.Map);
              const res = map.mapaLayers.find(t => t.mapa.cfg.label === "Zasoby");
              const rows = [...Array(res.mapa.n).keys()].map(res.mapa.item);
              const sample = rows.find(m => m.feature.properties.source === "przykład");
              sample.fire("click", {latlng: sample.getLatLng()}, true);
            }"""
        )
        popup = page.wait_for_selector(".leaflet-popup-content").inner_text()
        assert "Świetlica przykładowa" in popup and "przykład" in popup
        assert POLISH_NAME not in popup
        assert opened.errors == []
        assert opened.requests and all(is_tile(url) for url in opened.requests), opened.requests
    finally:
        page.close()


@pytest.mark.browser
def test_without_tiles_nothing_is_requested(filled, browser, tmp_path: Path) -> None:
    store, _ = filled
    path = tmp_path / "mapa.html"
    path.write_text(export_html(store, tiles="none", style="projector"), encoding="utf-8")
    opened = open_file(browser, path)
    try:
        page = opened.page
        page.wait_for_selector(".leaflet-control-layers-expanded")  # projector: open
        assert counts(page)["features"] == 12
        # Switching the base map on asks for tiles, and only tiles.
        assert opened.requests == []
        with page.expect_request(lambda request: is_tile(request.url)):
            page.locator(".leaflet-control-layers-base label", has_text="OpenStreetMap").click()
        assert opened.requests and all(is_tile(url) for url in opened.requests)
        assert opened.errors == []
    finally:
        opened.page.close()


@pytest.mark.browser
def test_clustered_layer_filters_and_counts(browser, many_page: Path) -> None:
    opened = open_file(browser, many_page)
    page = opened.page
    try:
        assert counts(page)["datasets"] == {"Obszary": 1, "Zasoby": MANY, "Potrzeby": 0}
        assert counts(page)["features"] == MANY + 1
        toggle(page, "Sport i rekreacja")
        left = MANY - len(range(1, MANY, 3))
        assert counts(page)["datasets"]["Zasoby"] == left
        assert counts(page)["panel"]["Zasoby"][0] == left
        search(page, "punkt 123")  # "Punkt 123" and "Punkt 1230"-"1239", but not sport
        expected = [i for i in [123, *range(1230, 1240)] if i % 3 != 1]
        assert counts(page)["datasets"]["Zasoby"] == len(expected)
        page.get_by_role("button", name="wszystkie").click()
        search(page, "")
        assert counts(page)["features"] == MANY + 1
        assert opened.errors == [] and opened.requests == []
    finally:
        page.close()


#: The largest bubble of the clustered layer: its cluster, where its centre
#: is on the page and the zoom a click on it should go to.
BIGGEST_BUBBLE_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const layer = map.mapaLayers.find(t => t.bubbles);
  const bubble = layer.bubbles.getLayers()
    .sort((a, b) => b.mapaCluster.count - a.mapaCluster.count)[0];
  const box = bubble._icon.firstChild.getBoundingClientRect();
  return {zoom: map.getZoom(), id: bubble.mapaCluster.id, count: bubble.mapaCluster.count,
          to: layer.index().getClusterExpansionZoom(bubble.mapaCluster.id),
          x: box.left + box.width / 2, y: box.top + box.height / 2};
}"""

#: Where the points of cluster ``id`` are drawn now: alone, or in how many bubbles.
SPLIT_JS = """(id) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const layer = map.mapaLayers.find(t => t.bubbles);
  const index = layer.index();
  const rows = index.getLeaves(id, Infinity).map(leaf => leaf.properties);
  const inBubbles = new Set(), bubbles = new Set();
  layer.bubbles.getLayers().forEach(b => {
    index.getLeaves(b.mapaCluster.id, Infinity).forEach(leaf => {
      if (rows.includes(leaf.properties)) { inBubbles.add(leaf.properties); bubbles.add(b); }
    });
  });
  const alone = rows.filter(r => map.hasLayer(layer.mapa.item(r)));
  return {rows: rows.length, alone: alone.length, inBubbles: inBubbles.size,
          bubbles: bubbles.size, zoom: layer.drawn.zoom};
}"""


@pytest.mark.browser
def test_cluster_click_zooms_to_where_it_splits(browser, many_page: Path) -> None:
    opened = open_file(browser, many_page)
    page = opened.page
    try:
        page.wait_for_selector(".mapa-cluster")
        biggest = page.evaluate(BIGGEST_BUBBLE_JS)
        assert biggest["count"] > 1 and biggest["to"] > biggest["zoom"]
        page.mouse.click(biggest["x"], biggest["y"])
        page.wait_for_function(
            "(z) => Object.values(window).find(v => v instanceof L.Map)"
            ".mapaLayers.find(t => t.bubbles).drawn.zoom === z",
            arg=biggest["to"],
        )
        split = page.evaluate(SPLIT_JS, biggest["id"])
        # Every point of the cluster is still on the map, now in several pieces.
        assert split["alone"] + split["inBubbles"] == split["rows"] == biggest["count"]
        assert split["alone"] + split["bubbles"] > 1
        assert opened.errors == []
    finally:
        page.close()


#: MAPA.focus on each of ``rows`` of the clustered layer: the title of the
#: popup it opened, the record's own title, and whether it is drawn alone.
FOCUS_JS = """(rows) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const layer = map.mapaLayers.find(t => t.bubbles);
  let opened = null;
  map.on("popupopen", e => {
    opened = e.popup.getElement().querySelector(".mapa-popup-title").textContent;
  });
  return rows.map(row => {
    opened = null;
    MAPA.focus(map, layer, row);
    const item = layer.mapa.item(row);
    return [opened, item.feature.properties.name, map.hasLayer(item)];
  });
}"""


@pytest.mark.browser
def test_every_clustered_point_is_reachable_by_search(browser, many_page: Path) -> None:
    opened = open_file(browser, many_page)
    page = opened.page
    try:
        page.wait_for_selector(".mapa-cluster")
        # "Punkt 4321" is inside a bubble at first; searching for it opens its popup.
        hidden = page.evaluate(
            """() => { const map = Object.values(window).find(v => v instanceof L.Map);
              const layer = map.mapaLayers.find(t => t.bubbles);
              const names = layer.mapa.column("name");
              return map.hasLayer(layer.mapa.item(names.indexOf("Punkt 4321"))); }"""
        )
        assert hidden is False
        search(page, "punkt 4321")
        title = page.wait_for_selector(".leaflet-popup-content .mapa-popup-title")
        assert title.inner_text() == "Punkt 4321"
        assert page.evaluate("Object.values(window).find(v => v instanceof L.Map).getZoom()") >= 16
        search(page, "")
        # And so is any other point, wherever it lies.
        rows = list(range(0, MANY, 97))
        for popup_title, name, alone in page.evaluate(FOCUS_JS, rows):
            assert popup_title == name and alone, name
        assert opened.errors == []
    finally:
        page.close()


LAYER_BOX_JS = """(label) => {
  const input = [...document.querySelectorAll(".leaflet-control-layers-overlays label")]
    .find(l => l.textContent.includes(label)).querySelector("input");
  input.click();
  return input.checked;
}"""


@pytest.mark.browser
def test_clustered_layer_toggles_and_keeps_its_filter(browser, many_page: Path) -> None:
    opened = open_file(browser, many_page)
    page = opened.page
    try:
        page.wait_for_selector(".leaflet-control-layers")
        assert page.evaluate(LAYER_BOX_JS, "Zasoby") is False
        assert page.locator(".mapa-cluster").count() == 0
        assert counts(page)["datasets"]["Zasoby"] == 0
        # Filtered while off: the layer comes back indexed anew.
        toggle(page, "Sport i rekreacja")
        assert page.evaluate(LAYER_BOX_JS, "Zasoby") is True
        left = MANY - len(range(1, MANY, 3))
        assert counts(page)["datasets"]["Zasoby"] == left
        assert counts(page)["panel"]["Zasoby"][0] == left
        assert opened.errors == []
    finally:
        page.close()


# --- hostile text ----------------------------------------------------------------------------

XSS_SCRIPT = "<script>window.__xss=1</script>"
XSS_IMG = '<img src=x onerror="window.__xss=1">'
JINJA = "{{ 7*7 }}"
LONG = ("Bardzo długa nazwa " * 600)[:10_000]
RTL = "\u202eodwrócony\u202c \u200fשלום\u200f ąę"
QUOTES = "\"Cudzysłów\" 'apostrof' </script><!-- \\ `${7*7}`"
HOSTILE_RESOURCES = [
    {"name": XSS_SCRIPT, "offer": XSS_IMG, "source": XSS_SCRIPT},
    {"name": XSS_IMG, "website": "javascript:window.__xss=1", "offer": JINJA},
    {"name": QUOTES, "offer": f"{JINJA} {{% raw %}} {XSS_SCRIPT}"},
    {"name": JINJA, "offer": QUOTES},
    {"name": LONG, "offer": LONG},
    {"name": RTL, "offer": RTL, "category": '<b onmouseover="window.__xss=1">x</b>'},
]
HOSTILE_NEED = {"title": f"{XSS_SCRIPT} potrzeba", "description": f"{JINJA} {XSS_IMG}"}
HOSTILE_DISTRICT = f'<b onmouseover="window.__xss=1">{JINJA}</b>'
HOSTILE_CITY = f"{XSS_SCRIPT}{JINJA}"


def hostile_frames() -> dict[str, gpd.GeoDataFrame]:
    """Hostile text in every kind of place; built as frames, since the store's
    validation refuses some of it (10,000 characters, javascript: links)."""
    resources = [
        resource_values(**values, geometry=Point(18.56 + i * 0.01, 54.37))
        for i, values in enumerate(HOSTILE_RESOURCES)
    ]
    needs = [need_values(**HOSTILE_NEED, geometry=Point(18.6, 54.39))]
    city = {"kind": "miasto", "city": HOSTILE_CITY, "geometry": box(18.5, 54.3, 18.7, 54.45)}
    district = {"kind": "dzielnica", "city": HOSTILE_CITY, "population": 1000,
                "geometry": box(18.55, 54.36, 18.65, 54.4)}  # fmt: skip
    areas = [{"name": HOSTILE_CITY, **city}, {"name": HOSTILE_DISTRICT, **district}]
    return public_frames(
        {
            "areas": records_to_frame(AREAS, areas),
            "resources": records_to_frame(RESOURCES, resources),
            "needs": records_to_frame(NEEDS, needs),
        }
    )


POPUP_JS = """(index) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const items = [].concat(...map.mapaLayers.filter(t => t.mapa.cfg.kind === "points")
    .map(t => [...Array(t.mapa.n).keys()].map(t.mapa.item)));
  const item = items[index];
  map.setView(item.getLatLng(), 18, {animate: false});
  const c = map.latLngToContainerPoint(item.getLatLng());
  const r = map.getContainer().getBoundingClientRect();
  return {count: items.length, x: c.x + r.left, y: c.y + r.top,
          name: item.feature.properties.name || item.feature.properties.title};
}"""


OPENED_POPUP_JS = """(name) => {
  const popup = document.querySelector(".leaflet-popup-content .mapa-popup");
  return popup && popup.textContent.includes(name) ? popup.textContent : null;
}"""


@pytest.mark.browser
def test_hostile_text_renders_as_inert_text(browser, tmp_path: Path) -> None:
    request = ExportRequest(HOSTILE_CITY, layers=PRINT_LAYERS, as_of=DAY, tiles="none")
    path = tmp_path / "wrogi.html"
    path.write_bytes(write_html(hostile_frames(), request))
    opened = open_file(browser, path)
    page = opened.page
    try:
        title = f"Mapa zasobów i potrzeb — {HOSTILE_CITY}"
        assert page.title() == title
        assert page.locator(".mapa-title").text_content() == title
        labels = page.locator(".mapa-label span").all_text_contents()
        assert HOSTILE_DISTRICT in labels
        described = {r["name"]: r["offer"] for r in HOSTILE_RESOURCES}
        described[HOSTILE_NEED["title"]] = HOSTILE_NEED["description"]
        total = page.evaluate(POPUP_JS, 0)["count"]
        assert total == len(described)
        texts = []
        for index in range(total):
            spot = page.evaluate(POPUP_JS, index)
            page.mouse.click(spot["x"], spot["y"])
            # The popup showing this name.
            text = page.wait_for_function(OPENED_POPUP_JS, arg=spot["name"]).json_value()
            # Closed and gone (it fades out for 200 ms and would catch the next click).
            page.evaluate("Object.values(window).find(v => v instanceof L.Map).closePopup()")
            page.wait_for_selector(".leaflet-popup", state="detached")
            # The name and the description arrive literally, as text.
            assert spot["name"] in text and described.pop(spot["name"]) in text
            texts.append(text)
        assert described == {}
        joined = "\n".join([*texts, *labels, page.title()])
        assert JINJA in joined and "49" not in joined
        assert "javascript:window.__xss=1" in joined  # shown, not linked
        # Type hostile text into the search box and hover a marker too.
        search(page, XSS_IMG)
        page.mouse.move(spot["x"], spot["y"])
        inert = page.evaluate(
            """() => ({
              xss: window.__xss,
              handlers: [...document.querySelectorAll("*")].filter(
                e => [...e.attributes].some(a => a.name.startsWith("on"))).length,
              injected: document.querySelectorAll("img, b, .leaflet-container script").length,
              jsLinks: document.querySelectorAll('a[href^="javascript"]').length,
              sources: [...document.querySelectorAll(".mapa-panel-about li")]
                .map(li => li.textContent),
              categories: [...document.querySelectorAll(".mapa-panel-check")]
                .map(l => l.textContent),
            })"""
        )
        assert inert["xss"] is None
        assert inert["handlers"] == 0 and inert["injected"] == 0 and inert["jsLinks"] == 0
        assert XSS_SCRIPT in inert["sources"]
        assert HOSTILE_RESOURCES[-1]["category"] in inert["categories"]
        attribution = page.locator(".leaflet-control-attribution").text_content()
        assert XSS_SCRIPT in attribution  # escaped into the attribution, shown as text
        assert opened.errors == [] and opened.requests == []
    finally:
        page.close()


def test_sample_records_are_labelled_in_the_data(filled) -> None:
    store, ids = filled
    page = export_html(store)
    assert f'"sample":"{SAMPLE_SOURCE}"' in page
    frame = export_frames(store, CITY)["resources"]
    assert (frame["source"] == SAMPLE_SOURCE).sum() == 1 and pd.notna(ids["sample"])
