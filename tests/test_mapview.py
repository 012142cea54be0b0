"""The map builder: layers, visibility, escaping, choropleth, stale records, browser."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from mapping.areas import of_kind
from mapping.frames import records_to_frame
from mapping.schema import AREAS, NEEDS, RESOURCES, SAMPLE_SOURCE, AreaKind, Audience
from mapping.webmap.build import CLUSTER_MIN_POINTS, build_map, count_stale, stale_mask
from mapping.webmap.classes import classify, format_number
from mapping.webmap.layers import RecordLayer
from mapping.webmap.styles import AREA_LEGEND_LABELS, PROJECTOR, STANDARD, area_styles
from tests.factories import need_values, resource_values

TODAY = date(2026, 11, 23)
PRIVATE = "PRYWATNE-XYZ"
TEAM_PHONE = "ZESPOL-555"
HOSTILE = '<img src=x onerror="window.__xss=1"></script><b>{{ 7*7 }}</b>'


def district(name: str, geometry: Any, population: int | None, **values: Any) -> dict:
    return {"name": name, "kind": "dzielnica", "city": "Gdańsk", "population": population,
            "geometry": geometry, **values}  # fmt: skip


@pytest.fixture
def areas() -> gpd.GeoDataFrame:
    return records_to_frame(
        AREAS,
        [
            {
                "name": "Gdańsk",
                "kind": "miasto",
                "city": "Gdańsk",
                "geometry": box(18.43, 54.27, 18.95, 54.45),
            },
            district("Wrzeszcz Górny", box(18.58, 54.37, 18.62, 54.39), 25_000),
            district("Oliwa", box(18.53, 54.40, 18.58, 54.43), 20_000),
            district("Przymorze Małe", box(18.60, 54.39, 18.63, 54.41), None),
            district("Bez granic", None, 5_000),
        ],
    )


@pytest.fixture
def resources() -> gpd.GeoDataFrame:
    return records_to_frame(
        RESOURCES,
        [
            resource_values(
                id="r1",
                name=HOSTILE,
                contact_person=PRIVATE,
                phone=TEAM_PHONE,
                last_verified="2020-06-25",
                source=SAMPLE_SOURCE,
                geometry=Point(18.60, 54.38),
            ),
            resource_values(
                id="r2",
                name="Klub Seniora",
                kind="organizacja",
                category="aktywnosc",
                last_verified="2026-05-01",
                geometry=Point(18.55, 54.41),
            ),
            resource_values(id="r3", name="Świetlica", last_verified=None, geometry=None),
        ],
    )


@pytest.fixture
def needs() -> gpd.GeoDataFrame:
    return records_to_frame(
        NEEDS,
        [
            need_values(id="n1", reporter_contact=PRIVATE, geometry=Point(18.61, 54.38)),
            need_values(id="n2", title="Plac zabaw", geometry=box(18.59, 54.375, 18.595, 54.38)),
        ],
    )


def render(m: folium.Map) -> str:
    return m.get_root().render()


def record_layers(m: folium.Map) -> list[RecordLayer]:
    return [c for c in m._children.values() if isinstance(c, RecordLayer)]


def packed(layer: RecordLayer) -> dict:
    return json.loads(layer.packed)


def unpack(data: dict) -> list[dict]:
    """The rows of a packed layer as plain dicts (a Python twin of MAPA.unpack)."""
    rows = []
    for i in range(data["n"]):
        row = {}
        for name, col in data["p"].items():
            value = (
                col["v"][i] if "v" in col else (col["d"][col["i"][i]] if col["i"][i] >= 0 else None)
            )
            if value is not None:
                row[name] = value
        rows.append(row)
    return rows


def config(layer: RecordLayer) -> dict:
    return json.loads(layer.config)


def map_settings(html: str) -> dict:
    start = re.search(r"MAPA\.init\(map_\w+, ", html).end()
    return json.JSONDecoder().raw_decode(html[start:])[0]


def legend_spec(html: str) -> dict:
    start = re.search(r"MAPA\.legend\(map_\w+, ", html).end()
    return json.JSONDecoder().raw_decode(html[start:])[0]


# --- layers and visibility -------------------------------------------------------


def test_one_geojson_layer_per_dataset(areas, resources, needs) -> None:
    m = build_map(areas, {"resources": resources, "needs": needs}, today=TODAY)
    layers = record_layers(m)
    assert [layer.layer_name for layer in layers] == ["Obszary", "Zasoby (2)", "Potrzeby (2)"]
    assert all(isinstance(layer, folium.GeoJson) for layer in layers)
    assert not any(isinstance(c, folium.Marker) for c in m._children.values())
    assert "L.control.layers" in render(m)


def test_private_fields_never_reach_public_html(areas, resources, needs) -> None:
    for audience in (Audience.PUBLIC, Audience.TEAM):
        html = render(build_map(areas, {"resources": resources, "needs": needs}, audience=audience))
        assert PRIVATE not in html
        assert "contact_person" not in html
        assert "reporter_contact" not in html


def test_team_fields_only_for_the_team(areas, resources) -> None:
    public = render(build_map(areas, {"resources": resources}, audience=Audience.PUBLIC))
    team = render(build_map(areas, {"resources": resources}, audience=Audience.TEAM))
    assert TEAM_PHONE not in public
    assert TEAM_PHONE in team
    assert '"Telefon kontaktowy"' in team


def test_editors_see_private_fields_and_ids(areas, resources) -> None:
    m = build_map(areas, {"resources": resources}, audience=Audience.EDITOR)
    rows = {row["id"]: row for row in unpack(packed(record_layers(m)[1]))}
    assert set(rows) == {"r1", "r2"}
    assert rows["r1"]["contact_person"] == PRIVATE
    assert config(record_layers(m)[1])["showId"] is True


def test_hostile_name_is_shipped_escaped(areas, resources) -> None:
    html = render(build_map(areas, {"resources": resources}, assets="inline"))
    assert "<img src=x" not in html
    assert "</script><b>" not in html
    # ...and arrives intact as text for the popup to set with textContent.
    layer_html = html[html.index("MAPA.layer(") :]
    assert "\\u003cimg src=x onerror=" in layer_html


def test_jinja_syntax_in_names_is_not_evaluated(areas, resources) -> None:
    """folium renders each element's output through Jinja twice; user text must stay inert."""
    m = build_map(areas, {"resources": resources})
    html = render(m)
    assert "{{" not in html[html.index("MAPA.layer(") :]
    assert any(row.get("name") == HOSTILE for row in unpack(packed(record_layers(m)[1])))


def test_popups_use_polish_labels_and_show_freshness(areas, resources) -> None:
    cfg = config(record_layers(build_map(areas, {"resources": resources}))[1])
    assert cfg["choices"]["category"]["kultura"] == "Kultura i biblioteki"
    assert cfg["choices"]["target_groups"]["seniorzy"] == "seniorzy"
    assert {"name": "address", "label": "Adres", "type": "text"} in cfg["fields"]
    assert cfg["freshness"] == "last_verified"
    assert cfg["sample"] == SAMPLE_SOURCE
    assert "title" in cfg and cfg["title"] == "name"


def test_records_without_location_are_counted_not_drawn(areas, resources) -> None:
    m = build_map(areas, {"resources": resources})
    assert packed(record_layers(m)[1])["n"] == 2
    notes = legend_spec(render(m))["notes"]
    assert any("Zasoby: 1 bez lokalizacji" in note for note in notes)


def test_coordinates_are_packed_to_five_decimals(areas) -> None:
    frame = records_to_frame(RESOURCES, [resource_values(geometry=Point(18.6466123, 54.3520987))])
    data = packed(record_layers(build_map(areas, {"resources": frame}))[1])
    assert data["s"] == 100_000
    assert (data["x0"] + data["x"][0], data["y0"] - data["y"][0]) == (1864661, 5435210)


def test_needs_differ_from_resources(areas, resources, needs) -> None:
    m = build_map(areas, {"resources": resources, "needs": needs})
    res_cfg, need_cfg = config(record_layers(m)[1]), config(record_layers(m)[2])
    assert res_cfg["shape"] == "circle" and res_cfg["shapes"]["instytucja"] == "square"
    assert need_cfg["shape"] == "diamond"
    assert need_cfg["weight"] > res_cfg["weight"]
    assert need_cfg["hasShapes"] is True  # the playground need is a polygon


# --- areas and choropleth ----------------------------------------------------------


def test_choropleth_legend_lists_classes_with_unit(areas, resources) -> None:
    m = build_map(
        areas,
        {"resources": resources},
        indicator="population",
        indicator_label=("Liczba mieszkańców", "osób"),
    )
    sections = {s["title"]: s for s in legend_spec(render(m))["sections"]}
    classes = sections["Liczba mieszkańców [osób]"]["items"]
    assert [item["label"] for item in classes] == ["20\u00a0000", "25\u00a0000", "brak danych"]
    rows = unpack(packed(record_layers(m)[0]))
    by_name = {row["name"]: row for row in rows}
    assert by_name["Oliwa"]["_class"] == 0 and by_name["Wrzeszcz Górny"]["_class"] == 1
    assert "_class" not in by_name["Przymorze Małe"]  # no value: "brak danych"
    assert "_class" not in by_name["Gdańsk"]  # the city is outlined, not shaded
    assert "Bez granic" not in by_name  # no polygon, nothing to draw


def test_share_indicator_shows_percent(areas) -> None:
    areas["share"] = [None, 0.25, 0.5, 0.75, None]
    m = build_map(areas, {}, indicator="share", indicator_label=("Udział", "udział"))
    sections = {s["title"]: s for s in legend_spec(render(m))["sections"]}
    assert [i["label"] for i in sections["Udział"]["items"]][:3] == ["25%", "50%", "75%"]


def test_districts_without_polygons_still_make_a_map(resources) -> None:
    areas = records_to_frame(
        AREAS, [district("Raków", None, 10_000), district("Tysiąclecie", None, 20_000)]
    )
    m = build_map(areas, {"resources": resources}, indicator="population", focus="Raków")
    assert [layer.layer_name for layer in record_layers(m)] == ["Zasoby (2)"]
    spec = legend_spec(render(m))
    assert any("nie mają granic" in note for note in spec["notes"])
    assert all(s["title"] != "Liczba mieszkańców" for s in spec["sections"])


def test_focus_outlines_and_zooms_to_the_district(areas, resources) -> None:
    m = build_map(areas, {"resources": resources}, focus="Oliwa")
    rows = unpack(packed(record_layers(m)[0]))
    assert [row["name"] for row in rows if row.get("_focus")] == ["Oliwa"]
    assert rows[-1]["name"] == "Oliwa"  # drawn last, on top
    fit = m._children["fit_bounds"]
    assert fit.bounds == [[54.40, 18.53], [54.43, 18.58]]


def test_area_legend_draws_each_kind_present_as_the_map_does(areas) -> None:
    working = {"name": "Rewir", "kind": AreaKind.WORKING_AREA.value, "city": "Gdańsk",
               "geometry": box(18.59, 54.38, 18.60, 54.385)}  # fmt: skip
    areas = pd.concat([areas, records_to_frame(AREAS, [working])], ignore_index=True)
    for style in (STANDARD, PROJECTOR):
        m = build_map(areas, {}, focus="Oliwa", style=style)
        drawn = config(record_layers(m)[0])["areaStyles"]
        sections = {s["title"]: s for s in legend_spec(render(m))["sections"]}
        rows = sections["Obszary"]["items"]
        kinds = [AreaKind.CITY, AreaKind.DISTRICT, AreaKind.WORKING_AREA]
        assert [r["label"] for r in rows] == [*(AREA_LEGEND_LABELS[k] for k in kinds), "Oliwa"]
        for row, kind in zip(rows, kinds, strict=False):
            look = drawn[kind.value]
            assert (row["stroke"], row["weight"], row["dash"]) == (
                look["color"],
                look["weight"],
                look["dash"],
            )
    # Only the kinds present: districts alone give one row.
    m = build_map(of_kind(areas, AreaKind.DISTRICT), {})
    sections = {s["title"]: s for s in legend_spec(render(m))["sections"]}
    assert [r["label"] for r in sections["Obszary"]["items"]] == ["granica dzielnicy"]


def test_every_area_kind_has_a_style_and_a_legend_label() -> None:
    assert set(area_styles(STANDARD)) == {kind.value for kind in AreaKind}
    assert set(AREA_LEGEND_LABELS) == set(AreaKind)


def test_unknown_focus_tiles_and_indicator_are_refused(areas, resources) -> None:
    with pytest.raises(ValueError, match="Oliwa"):
        build_map(areas, {"resources": resources}, focus="Atlantyda")
    with pytest.raises(ValueError, match="osm, light, none"):
        build_map(areas, {"resources": resources}, tiles="google")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="wskaźnika"):
        build_map(areas, {"resources": resources}, indicator="brak_kolumny")


def test_labels_and_outlines_readable_without_tiles(areas) -> None:
    m = build_map(areas, {}, tiles="none", assets="inline")
    html = render(m)
    tiles = [c for c in m._children.values() if isinstance(c, folium.TileLayer)]
    assert tiles and not any(t.show for t in tiles)  # offered, not loaded
    assert ".leaflet-container { background: #f3f3ef; }" in html  # runtime.css, inlined
    rows = unpack(packed(record_layers(m)[0]))
    assert all("_label" in row for row in rows if row["kind"] == "dzielnica")
    assert "OpenStreetMap contributors" in html and "PRG © GUGiK" in html


# --- stale records -------------------------------------------------------------------


def test_count_stale(resources, needs) -> None:
    assert stale_mask(resources, 365, TODAY).tolist() == [True, False, True]
    assert count_stale(resources, 365, TODAY) == 2
    assert count_stale(resources, 3000, TODAY) == 1  # never verified stays stale
    assert count_stale(needs, 365, TODAY) == 0  # needs carry no verification date


def test_stale_records_are_flagged_and_explained(areas, resources) -> None:
    m = build_map(areas, {"resources": resources}, stale_days=365, today=TODAY)
    rows = unpack(packed(record_layers(m)[1]))
    assert [row.get("_stale") for row in rows] == [None, 1]  # north to south: r2, r1
    labels = [i["label"] for s in legend_spec(render(m))["sections"] for i in s["items"]]
    assert any("nieaktualny" in label and "365 dni" in label for label in labels)


# --- size, clustering, style ------------------------------------------------------


def test_large_layers_are_clustered(areas) -> None:
    rng = np.random.default_rng(0)
    n = CLUSTER_MIN_POINTS
    frame = records_to_frame(
        RESOURCES,
        [
            resource_values(id=f"r{i}", geometry=Point(x, y))
            for i, (x, y) in enumerate(
                zip(rng.uniform(18.4, 18.9, n), rng.uniform(54.3, 54.4, n), strict=True)
            )
        ],
    )
    big = build_map(areas, {"resources": frame}, assets="inline")
    small = build_map(areas, {"resources": frame.head(10)}, assets="inline")
    options = config(record_layers(big)[1])["cluster"]
    assert config(record_layers(small)[1])["cluster"] is None
    # Clustered up to zoom 15: the runtime's search zooms to 16, where every
    # point stands alone (M.focus, FOCUS_ZOOM).
    assert options["minZoom"] == 8 and options["maxZoom"] < 16
    # supercluster comes with the clustered layer only.
    assert "Supercluster=" in render(big) and "Supercluster=" not in render(small)
    # The legend says what a count bubble is, only where there are bubbles.
    assert "skupisko punktów" in render(big) and "skupisko punktów" not in render(small)
    assert len(render(big).encode()) < 400 * 1024 + 120 * n  # compact: ~100 bytes a point


def test_projector_style_enlarges_text_and_lines(areas, resources) -> None:
    m = build_map(areas, {"resources": resources}, style=PROJECTOR)
    assert map_settings(render(m))["fontPx"] == 24  # runtime.css reads it as --mapa-font
    cfg = config(record_layers(m)[1])
    assert cfg["radius"] >= 9 and cfg["lineWeight"] >= 3
    # The bubbles grow with the labels, and clusters are drawn further apart.
    radius = {
        style.name: config(
            record_layers(build_map(areas, {"resources": resources}, style=style, cluster=True))[1]
        )["cluster"]["radius"]
        for style in (STANDARD, PROJECTOR)
    }
    assert radius["projector"] > radius["standard"]


def test_title_is_text(areas) -> None:
    html = render(build_map(areas, {}, title="Mapa <Oliwa>"))
    assert "<title>Mapa &lt;Oliwa&gt;</title>" in html
    assert "Mapa \\u003cOliwa\\u003e" in html


# --- classification ------------------------------------------------------------------


def test_classify_few_values_nan_and_many_values() -> None:
    few = classify(pd.Series([1.0, 1.0, 2.0, None]))
    assert few.labels == ("1", "2") and few.missing == 1
    assert few.classes.tolist() == [0, 0, 1, -1]
    many = classify(pd.Series(range(100)), k=4)
    assert len(many.labels) == 4 and sum(many.counts) == 100
    assert many.classes.is_monotonic_increasing
    assert classify(pd.Series([None, None])).labels == ()
    with pytest.raises(ValueError, match="od 1 do 5"):
        classify(pd.Series([1, 2]), k=7)


def test_format_number_is_polish() -> None:
    assert format_number(12345) == "12\u00a0345"
    assert format_number(3.5, 1) == "3,5"
    assert format_number(0.355, 0, percent=True) == "36%"


# --- in a real browser ---------------------------------------------------------------


@pytest.mark.browser
def test_inline_map_works_offline_in_chromium(
    areas, resources, needs, tmp_path: Path, browser
) -> None:
    page_file = tmp_path / "mapa.html"
    m = build_map(areas, {"resources": resources, "needs": needs}, assets="inline", tiles="none")
    # A layer added after build_map (as meeting slides do) joins the control.
    line = {"type": "LineString", "coordinates": [[18.70, 54.30], [18.72, 54.31]]}
    folium.GeoJson(line, name="Powiązania").add_to(m)
    page_file.write_text(render(m), encoding="utf-8")
    page = browser.new_page()
    try:
        requests, errors = [], []

        def block(route: Any) -> None:
            if route.request.url.startswith(("file:", "data:")):
                route.continue_()
            else:
                requests.append(route.request.url)
                route.abort()

        page.route("**/*", block)
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_file.as_uri())
        page.wait_for_function("window.MAPA !== undefined && window.L !== undefined")
        drawn = page.evaluate(
            """() => {
              const map = Object.values(window).find(v => v instanceof L.Map);
              let points = 0, shapes = 0, hostile = null;
              map.eachLayer(l => {
                if (!l.feature) return;
                if (l instanceof L.CircleMarker) points++; else shapes++;
                const name = l.feature.properties.name;
                if (name && name.includes("onerror")) hostile = l;
              });
              map.setView(hostile.getLatLng(), 15, {animate: false});
              const c = map.latLngToContainerPoint(hostile.getLatLng());
              const r = map.getContainer().getBoundingClientRect();
              return {points, shapes, x: c.x + r.left, y: c.y + r.top};
            }"""
        )
        # 2 resources + 1 point need; 4 drawn areas + 1 polygon need + the line
        assert (drawn["points"], drawn["shapes"]) == (3, 6)
        page.mouse.click(drawn["x"], drawn["y"])
        popup = page.wait_for_selector(".leaflet-popup-content")
        text = popup.inner_text()
        assert "onerror" in text and "{{ 7*7 }}" in text and "przykład" in text
        assert "nieaktualne" in text
        assert page.evaluate("window.__xss") is None
        assert page.locator(".mapa-legend").count() == 1
        overlays = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert [o.strip() for o in overlays] == [
            "Obszary",
            "Zasoby (2)",
            "Potrzeby (2)",
            "Powiązania",
        ]
        assert errors == []
        assert requests == []
    finally:
        page.close()


def test_empty_geometries_count_as_unplaced(areas) -> None:
    frame = records_to_frame(
        RESOURCES, [resource_values(id="r1"), resource_values(id="r2", geometry=Point())]
    )
    m = build_map(areas, {"resources": frame})
    assert packed(record_layers(m)[1])["n"] == 1
    assert record_layers(m)[1].layer_name == "Zasoby (1)"


#: In the clustered needs layer: the polygon need (row 1) on the map while
#: shown, hidden and shown again; then each record's popup through MAPA.focus.
CLUSTERED_SHAPES_JS = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const layer = map.mapaLayers.find(t => t.mapa.cfg.label === "Potrzeby");
  const polygon = layer.mapa.item(1);
  const onMap = [map.hasLayer(polygon)];
  MAPA.show(layer, [true, false]);
  onMap.push(map.hasLayer(polygon));
  MAPA.show(layer, [true, true]);
  onMap.push(map.hasLayer(polygon));
  let opened = null;
  map.on("popupopen", e => {
    opened = e.popup.getElement().querySelector(".mapa-popup-title").textContent;
  });
  const titles = [0, 1].map(row => {
    opened = null;
    MAPA.focus(map, layer, row);
    return [opened, layer.mapa.item(row).feature.properties.title];
  });
  return {clustered: Boolean(layer.bubbles), onMap, titles};
}"""


@pytest.mark.browser
def test_clustered_layer_keeps_its_shapes_filters_and_popups(
    areas, needs, tmp_path: Path, browser
) -> None:
    page_file = tmp_path / "mapa.html"
    m = build_map(areas, {"needs": needs}, assets="inline", tiles="none", cluster=True)
    page_file.write_text(render(m), encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(page_file.as_uri())
        page.wait_for_function("window.MAPA !== undefined && window.L !== undefined")
        found = page.evaluate(CLUSTERED_SHAPES_JS)
        assert found["clustered"] is True
        assert found["onMap"] == [True, False, True]
        for opened, title in found["titles"]:
            assert opened == title and title
        assert errors == []
    finally:
        page.close()
