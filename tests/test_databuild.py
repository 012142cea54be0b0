"""The data build: raw public sources → data/seed/*.geojson and data/SOURCES.md."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

from mapping.databuild import DataBuildError, build_data
from mapping.databuild.gdansk import GDANSK_POPULATION, canonical_district_name
from mapping.databuild.widget_codes import decode_accessibility, decode_audience
from mapping.schema import LAYERS, SAMPLE_SOURCE, FieldType
from mapping.validation import clean_record

RAW = Path(__file__).resolve().parents[2] / "shared" / "data" / "raw"
REPO_DATA = Path(__file__).resolve().parents[1] / "data"

needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason=f"brak surowych danych w {RAW}")

Feature = dict[str, Any]


def _load(out: Path) -> dict[str, list[Feature]]:
    return {
        name: json.loads((out / "seed" / f"{name}.geojson").read_text(encoding="utf-8"))["features"]
        for name in LAYERS
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    if not RAW.is_dir():
        pytest.skip(f"brak surowych danych w {RAW}")
    out = tmp_path_factory.mktemp("data")
    return out, build_data(RAW, out)


@pytest.fixture(scope="module")
def layers(built: tuple[Path, dict[str, int]]) -> dict[str, list[Feature]]:
    return _load(built[0])


def _props(features: list[Feature], **where: Any) -> list[dict[str, Any]]:
    return [
        f["properties"]
        for f in features
        if all(f["properties"].get(k) == v for k, v in where.items())
    ]


def _gdansk_districts(layers: dict[str, list[Feature]]) -> dict[str, Any]:
    return {
        f["properties"]["name"]: shape(f["geometry"])
        for f in layers["areas"]
        if f["properties"]["city"] == "Gdańsk" and f["properties"]["kind"] == "dzielnica"
    }


# --- decoding helpers (no raw data needed) ----------------------------------


def test_district_names_follow_the_official_spelling():
    assert canonical_district_name("Orunia - Święty Wojciech - Lipce") == (
        "Orunia-Św. Wojciech-Lipce"
    )
    assert canonical_district_name("Krakowiec - Górki Zachodnie") == "Krakowiec-Górki Zachodnie"
    assert canonical_district_name("Piecki-Migowo") == "Piecki-Migowo"


def test_accessibility_letters_are_spelled_out_and_free_text_kept():
    assert decode_accessibility("p,w,t") == (
        "podjazd dla wózków, winda, toaleta dla osób z niepełnosprawnościami"
    )
    assert decode_accessibility("w - winda; t-toaleta") == (
        "winda, toaleta dla osób z niepełnosprawnościami"
    )
    assert decode_accessibility("t,p w sali, wejście parter") == (
        "toaleta dla osób z niepełnosprawnościami, podjazd dla wózków (w sali), wejście parter"
    )
    assert decode_accessibility("wejście z parteru") == "wejście z parteru"
    assert decode_accessibility("niedostępny") == "niedostępny"
    assert decode_accessibility("") is None


def test_audience_codes_decode_in_schema_order_and_unknown_codes_fail():
    assert decode_audience("d , m , do , s") == ["dzieci", "mlodziez", "dorosli", "seniorzy"]
    assert decode_audience("do ; s") == ["dorosli", "seniorzy"]
    assert decode_audience("d,m,do,s,d") == ["dzieci", "mlodziez", "dorosli", "seniorzy"]
    with pytest.raises(DataBuildError):
        decode_audience("d, x")


def test_missing_raw_file_is_reported_by_name(tmp_path: Path):
    with pytest.raises(DataBuildError, match=r"districts_osm\.geojson"):
        build_data(tmp_path, tmp_path / "out")


# --- the built data ------------------------------------------------------------


@needs_raw
def test_every_layer_written_and_counted(built: tuple[Path, dict[str, int]], layers):
    out, counts = built
    assert set(counts) == set(LAYERS)
    for name, features in layers.items():
        assert counts[name] == len(features), name
    assert (out / "SOURCES.md").is_file()


@needs_raw
def test_gdansk_has_35_districts_with_population_and_area(layers):
    districts = _props(layers["areas"], city="Gdańsk", kind="dzielnica")
    assert len(districts) == 35
    assert sum(d["population"] for d in districts) == GDANSK_POPULATION == 490301
    assert all(d["population"] and d["area_km2"] for d in districts)
    names = {d["name"] for d in districts}
    assert {"Orunia-Św. Wojciech-Lipce", "Orunia Górna-Gdańsk Południe"} <= names
    # The source does not state the year; it must not be invented.
    assert all(d["population_year"] is None for d in districts)


@needs_raw
def test_gdansk_outline_is_the_union_of_its_districts(layers):
    (city,) = [f for f in layers["areas"] if f["properties"]["id"] == "gdansk-area-miasto"]
    outline = shape(city["geometry"])
    districts = _gdansk_districts(layers)
    assert outline.is_valid
    assert city["properties"]["kind"] == "miasto"
    assert city["properties"]["teryt"] == "2261011"
    assert sum(d.area for d in districts.values()) == pytest.approx(outline.area, rel=1e-6)


@needs_raw
def test_gdansk_district_polygons_are_valid_and_do_not_overlap(layers):
    districts = list(_gdansk_districts(layers).values())
    assert all(d.is_valid and d.geom_type == "MultiPolygon" for d in districts)
    for i, a in enumerate(districts):
        for b in districts[i + 1 :]:
            assert a.intersection(b).area < 1e-10


@needs_raw
def test_czestochowa_has_20_districts_without_geometry(layers):
    districts = [
        f
        for f in layers["areas"]
        if f["properties"]["city"] == "Częstochowa" and f["properties"]["kind"] == "dzielnica"
    ]
    assert len(districts) == 20
    assert all(f["geometry"] is None for f in districts)
    without = sorted(
        f["properties"]["name"] for f in districts if not f["properties"]["population"]
    )
    assert without == ["Wrzosowiak", "Zawodzie-Dąbie"]
    with_population = [f["properties"] for f in districts if f["properties"]["population"]]
    assert all(p["population_year"] == 2014 and p["area_km2"] for p in with_population)


@needs_raw
def test_czestochowa_outline_is_a_valid_polygon(layers):
    (city,) = [
        f
        for f in layers["areas"]
        if f["properties"]["city"] == "Częstochowa" and f["properties"]["kind"] == "miasto"
    ]
    outline = shape(city["geometry"])
    assert outline.geom_type == "MultiPolygon" and outline.is_valid and not outline.is_empty
    assert city["properties"]["teryt"] == "2464011"
    assert outline.bounds[0] > 18.9 and outline.bounds[2] < 19.3


@needs_raw
def test_czestochowa_osl_history_from_the_field_report(layers):
    since = {
        p["name"]: p["osl_since"]
        for p in _props(layers["areas"], city="Częstochowa", kind="dzielnica")
    }
    assert since["Raków"] == 2012
    assert since["Stare Miasto"] is None  # the report gives no year
    for name in ("Stradom", "Trzech Wieszczów", "Zawodzie-Dąbie", "Ostatni Grosz"):
        assert since[name] == 2016


@needs_raw
def test_szczecinek_partnership_is_the_field_report_year(layers):
    (outline,) = _props(layers["areas"], city="Szczecinek")
    assert (outline["kind"], outline["teryt"]) == ("miasto", "3215011")
    (partnership,) = _props(layers["partnerships"], city="Szczecinek")
    assert partnership["name"] == "Partnerstwo Lokalne „Wspólnie”"
    assert "6 instytucji i 6 organizacji pozarządowych" in partnership["description"]
    members = _props(layers["resources"], city="Szczecinek")
    assert partnership["members"] == ["szczecinek-res-mops"]
    assert {m["id"] for m in members} == {"szczecinek-res-mops", "szczecinek-res-biblioteka"}
    unlocated = {f["properties"]["id"] for f in layers["resources"] if f["geometry"] is None}
    assert {m["id"] for m in members} <= unlocated  # no address can be placed offline
    meetings = _props(layers["meetings"], city="Szczecinek")
    assert len(meetings) == 4 and all(m["date"].startswith("2015") for m in meetings)
    actions = {a["name"]: a for a in _props(layers["actions"], city="Szczecinek")}
    assert actions["Piknik sąsiedzki"]["participants"] == 60
    assert actions["Piknik sąsiedzki"]["date"][:7] == "2015-09"
    workshop = actions["Warsztaty dla mieszkańców"]
    assert (workshop["date"], workshop["participants"]) == ("2015-10-15", 12)
    assert "Jeziorna" in workshop["place"]
    for record in [partnership, *members, *meetings, *actions.values()]:
        assert record["source"].startswith("raport z terenu"), record["id"]


@needs_raw
def test_gdansk_resources_lie_in_their_district(layers):
    districts = _gdansk_districts(layers)
    resources = [f for f in layers["resources"] if f["properties"]["city"] == "Gdańsk"]
    assert len(resources) == 85
    for f in resources:
        props = f["properties"]
        assert props["district"] in districts, props["id"]
        assert districts[props["district"]].covers(shape(f["geometry"])), props["id"]
    categories = sorted({f["properties"]["category"] for f in resources})
    assert categories == ["administracja", "kultura"]


@needs_raw
def test_czestochowa_social_places_kept_without_location(layers):
    social = [
        f for f in layers["resources"] if f["properties"]["id"].startswith("czest-res-social")
    ]
    assert len(social) == 16
    assert all(f["geometry"] is None for f in social)
    by_name = {f["properties"]["name"]: f["properties"] for f in social}
    mops = by_name["MOPS – Rejonowy Zespół Pomocy Społecznej Nr 1"]
    assert mops["phone"] == "(34) 370 94 04"
    assert mops["category"] == "pomoc_spoleczna"
    assert by_name["DOSL Raków"]["category"] == "aktywnosc"
    assert by_name["DOSL Raków"]["district"] == "Raków"
    seniors = [p for p in by_name.values() if p["subtype"] == "dzienny dom dla seniorów"]
    assert len(seniors) == 3 and all(p["target_groups"] == ["seniorzy"] for p in seniors)
    # Phone numbers belong in the team-only phone field, not in public text.
    public = [p["name"] + " " + (p["address"] or "") for p in by_name.values()]
    assert not any(re.search(r"\d{3} \d{2} \d{2}", text) for text in public)


@needs_raw
def test_no_shops_or_restaurants_among_czestochowa_resources(layers):
    raw = json.loads((RAW / "czestochowa" / "pois_osm.geojson").read_text(encoding="utf-8"))
    commercial = {
        f"czest-res-osm-{f['properties']['osm_id']}"
        for f in raw["features"]
        if f["properties"]["category"] not in ("religious_site", "park", "museum", "historic_site")
    }
    ids = {f["properties"]["id"] for f in layers["resources"]}
    assert not ids & commercial
    osm = _props(layers["resources"], city="Częstochowa", source="OpenStreetMap")
    assert osm and {p["category"] for p in osm} == {"religia", "zielen", "kultura", "dziedzictwo"}
    assert all(p["district"] is None for p in osm)


@needs_raw
def test_every_record_follows_the_schema(layers):
    for name, features in layers.items():
        layer = LAYERS[name]
        for f in features:
            props = f["properties"]
            assert list(props) == ["id", *layer.field_names], props["id"]
            for fld in layer.fields:
                value = props[fld.name]
                if fld.required:
                    assert value not in (None, "", []), (props["id"], fld.name)
                if fld.type == FieldType.CHOICE and value is not None:
                    assert value in fld.codes, (props["id"], fld.name, value)
                if fld.type in (FieldType.MULTICHOICE, FieldType.REFS):
                    assert isinstance(value, list), (props["id"], fld.name)
                if fld.type == FieldType.MULTICHOICE:
                    assert set(value) <= set(fld.codes), (props["id"], fld.name, value)
                if fld.type == FieldType.DATE and value is not None:
                    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (props["id"], value)
            if layer.geometry is None:
                assert f["geometry"] is None, props["id"]


@needs_raw
def test_geometries_fit_their_layer(layers):
    expected = {"POINT": {"Point"}, "MULTIPOLYGON": {"MultiPolygon"}, "GEOMETRY": None}
    for name, features in layers.items():
        allowed = expected.get(LAYERS[name].geometry or "", set())
        for f in features:
            if f["geometry"] is not None:
                assert allowed is None or f["geometry"]["type"] in allowed, f["properties"]["id"]
                assert shape(f["geometry"]).is_valid, f["properties"]["id"]


@needs_raw
def test_every_record_passes_the_app_validation(layers):
    for name, features in layers.items():
        for f in features:
            clean_record(LAYERS[name], f["properties"])


@needs_raw
def test_ids_unique_and_references_resolve(layers):
    ids = {name: [f["properties"]["id"] for f in features] for name, features in layers.items()}
    every = [i for group in ids.values() for i in group]
    assert len(every) == len(set(every))
    for name, features in layers.items():
        for fld in LAYERS[name].fields:
            if fld.type == FieldType.REFS:
                for f in features:
                    assert set(f["properties"][fld.name]) <= set(ids[fld.ref_layer])


@needs_raw
def test_partnerships_name_real_districts(layers):
    districts = {(p["city"], p["name"]) for p in _props(layers["areas"], kind="dzielnica")}
    partnerships = [f["properties"] for f in layers["partnerships"]]
    assert len(partnerships) == 13
    for p in partnerships:
        if p["city"] == "Szczecinek":
            assert p["districts"] is None  # the whole city; it has no districts here
            continue
        for district in p["districts"].split("; "):
            assert (p["city"], district) in districts, (p["id"], district)
        assert p["signed_on"] is None
    wrzeszcz = _props(layers["partnerships"], id="gdansk-pship-wrzeszcz")[0]
    assert wrzeszcz["districts"] == "Wrzeszcz Dolny; Wrzeszcz Górny"


@needs_raw
def test_sample_records_are_marked_as_samples(layers):
    samples = [
        f["properties"]
        for name in ("needs", "meetings", "actions")
        for f in layers[name]
        if f["properties"]["city"] != "Szczecinek"  # facts from its field report
    ]
    assert 6 <= len(_props(layers["needs"])) <= 10
    for p in samples:
        assert p["source"] == SAMPLE_SOURCE, p["id"]
        assert "(przykład)" in (p.get("title") or p.get("name")), p["id"]
    real = [
        f["properties"] for name in ("areas", "resources", "partnerships") for f in layers[name]
    ]
    assert not any(p["source"] == SAMPLE_SOURCE for p in real)


@needs_raw
def test_output_is_rounded_utf8_geojson(built: tuple[Path, dict[str, int]]):
    out = built[0]
    for path in sorted((out / "seed").glob("*.geojson")):
        text = path.read_text(encoding="utf-8")
        assert "\\u0" not in text, path.name  # real Polish letters, not escapes
        data = json.loads(text)
        assert data["type"] == "FeatureCollection" and "crs" not in data
        for f in data["features"]:
            if f["geometry"] is not None:
                coords = json.dumps(f["geometry"]["coordinates"])
                assert not re.search(r"\.\d{7,}", coords), path.name
    assert "Gdańsk" in (out / "seed" / "areas.geojson").read_text(encoding="utf-8")


@needs_raw
def test_rebuild_gives_byte_identical_files(built: tuple[Path, dict[str, int]], tmp_path: Path):
    first = built[0]
    build_data(RAW, tmp_path)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in files:
        assert (first / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel


@needs_raw
def test_seed_data_stays_small(built: tuple[Path, dict[str, int]]):
    size = sum(p.stat().st_size for p in (built[0] / "seed").glob("*.geojson"))
    assert size < 1_500_000


@needs_raw
def test_sources_name_every_source_and_attribution(built: tuple[Path, dict[str, int]]):
    text = (built[0] / "SOURCES.md").read_text(encoding="utf-8")
    for needle in (
        "© OpenStreetMap contributors",
        "ODbL",
        "CC BY-SA",
        "MIT",
        "GUGiK",
        "raport",
        "English summary",
        "30.04.2014",
    ):
        assert needle in text, needle


@needs_raw
def test_committed_seed_matches_a_fresh_build(built: tuple[Path, dict[str, int]]):
    """data/seed must be rebuilt (``make data``) whenever the build changes."""
    if not (REPO_DATA / "seed").is_dir():
        pytest.skip("data/seed jeszcze nie zbudowane")
    for path in sorted((built[0] / "seed").glob("*.geojson")):
        committed = REPO_DATA / "seed" / path.name
        assert committed.read_bytes() == path.read_bytes(), f"{path.name}: uruchom `make data`"
    assert (REPO_DATA / "SOURCES.md").read_bytes() == (built[0] / "SOURCES.md").read_bytes()


@needs_raw
def test_seed_loads_into_a_store(layers, store):
    """What ``python -m mapping init`` does with the seed must be accepted by the store."""
    with store.batch("databuild-test") as batch:
        for name, features in layers.items():
            for f in features:
                values = dict(f["properties"])
                record_id = values.pop("id")
                values["geometry"] = shape(f["geometry"]) if f["geometry"] else None
                batch.create(name, values, record_id=record_id)
    assert len(store.read_layer("resources")) == len(layers["resources"])
    assert len(store.read_layer("areas")) == len(layers["areas"])
