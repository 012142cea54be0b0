"""OpenStreetMap data (Overpass JSON, GeoJSON): tags in the schema's vocabulary, ODbL credit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mapping.importing import Decision, SourceReadError, commit_import, plan_import, read_source
from mapping.importing.osm import osm_hours, osm_values
from mapping.importing.osm_tags import OSM_CREDIT, TAG_RULES, classify
from mapping.schema import RESOURCES, TARGET_GROUPS, TO_COMPLETE
from mapping.store import GeoPackageStore
from tests.cli_import import import_resources
from tests.osm_fixtures import NAMED, PLACES, overpass_geojson, overpass_json

CITY = "Gdańsk"


def _write(folder: Path, data: dict[str, Any], name: str) -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_tag_table_speaks_the_schemas_vocabulary() -> None:
    kinds, categories = RESOURCES.field("kind").codes, RESOURCES.field("category").codes
    groups = {c.code for c in TARGET_GROUPS}
    for rule in TAG_RULES:
        assert rule.kind in kinds and rule.category in categories, rule
        assert set(rule.groups) <= groups, rule
    assert classify({"club": "sport"}).category == "sport"  # specific before club=*
    assert classify({"club": "chess"}).category == "aktywnosc"
    assert classify({"shop": "bakery"}) is None


def test_tags_become_fields() -> None:
    osm_id, tags = f"{PLACES[0][0]}/{PLACES[0][1]}", PLACES[0][4]
    values = osm_values(tags, osm_id)
    assert (values["kind"], values["category"], values["subtype"]) == (
        "instytucja",
        "kultura",
        "biblioteka",
    )
    assert values["address"] == "Stryjewskiego 25, 80-636 Gdańsk"
    assert values["opening_hours"] == "pn-pt 10:00-18:00; sob 10:00-14:00; nd nieczynne"
    assert values["accessibility"] == "dostępne dla osób na wózkach"
    assert values["website"] == "https://www.gdanska.wbp.gda.pl"
    assert values["source"] == f"{OSM_CREDIT}, https://www.openstreetmap.org/node/2419601231"
    senior = osm_values(PLACES[2][4], "node/5511223344")
    assert senior["target_groups"] == "seniorzy"
    assert senior["subtype"] == "punkt wsparcia"
    assert osm_hours("24/7") == "całą dobę"


@pytest.mark.parametrize(
    ("name", "data"),
    [("stogi-overpass.json", overpass_json()), ("stogi.geojson", overpass_geojson())],
)
def test_osm_district_keeps_every_named_place_credited(
    tmp_path: Path, seeded_store: GeoPackageStore, name: str, data: dict[str, Any]
) -> None:
    plan = plan_import(_write(tmp_path, data, name), "resources", CITY, seeded_store)
    assert not plan.rejected
    assert set(NAMED) <= {r.title for r in plan.to_write}
    rows = {r.title: r.values for r in plan.rows}
    for row in rows.values():
        assert row["source"].startswith(OSM_CREDIT + ", https://www.openstreetmap.org/")
    sports = rows["Ośrodek Sportu i Rekreacji Stogi"]  # rejected before the tag table
    assert (sports["kind"], sports["category"]) == ("instytucja", "sport")
    centre = rows["Dom Sąsiedzki „Stogi”"]
    assert centre["category"] == "miejsce_spotkan"
    assert centre["accessibility"] == "częściowo dostępne dla osób na wózkach"
    assert rows["Klub Seniora „Przystań”"]["target_groups"] == ["seniorzy"]
    assert rows["Klub Seniora „Przystań”"]["offer"].startswith("Spotkania w czwartki")
    assert rows["Sklep „U Zosi”"]["status"] == TO_COMPLETE  # not in the table: kept, to complete
    assert rows["Plac zabaw (bez nazwy w OpenStreetMap)"]["target_groups"] == ["dzieci"]
    assert all(r["district"] == "Stogi" for r in rows.values())
    assert any("ODbL" in n for n in plan.notes)


def test_osm_import_again_finds_the_same_places(
    tmp_path: Path, seeded_store: GeoPackageStore
) -> None:
    path = _write(tmp_path, overpass_json(), "stogi.json")
    first = commit_import(plan_import(path, "resources", CITY, seeded_store), seeded_store, "Ala")
    assert len(first.created) == len(PLACES)
    again = plan_import(path, "resources", CITY, seeded_store)
    assert len(again.duplicates) == len(PLACES)
    for row in again.duplicates:
        again.decide(row.row, Decision.MERGE)
    second = commit_import(again, seeded_store, "Ala")
    assert not second.created


def test_osm_geojson_imports_in_one_command(tmp_path: Path, seeded_store: GeoPackageStore) -> None:
    code, report = import_resources(
        _write(tmp_path, overpass_geojson(), "stogi.geojson"), seeded_store, tmp_path
    )
    assert code == 0
    assert report["accepted"] == len(PLACES)
    stored = seeded_store.read_layer("resources", city=CITY)
    ours = stored[stored["source"].str.startswith(OSM_CREDIT, na=False)]
    assert set(NAMED) <= set(ours["name"])


def test_overpass_error_answer_is_explained(tmp_path: Path) -> None:
    data = overpass_json() | {
        "elements": [],
        "remark": 'runtime error: Query timed out in "query" at line 3 after 26 seconds.',
    }
    with pytest.raises(SourceReadError, match="Query timed out"):
        read_source(_write(tmp_path, data, "pusto.json"))


def test_plain_geojson_is_not_taken_for_osm(tmp_path: Path) -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"nazwa": "Świetlica", "www": "https://www.openstreetmap.org"},
                "geometry": {"type": "Point", "coordinates": [18.7, 54.38]},
            }
        ],
    }
    assert read_source(_write(tmp_path, data, "swietlice.geojson")).format == "geojson"
