"""District boundaries: polygons matched by name to the city's districts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

from mapping.importing import Decision, RowStatus, build_report, commit_import, plan_import
from mapping.store import GeoPackageStore

CITY = "Częstochowa"
NAMES = ["Stare Miasto", "Zawodzie-Dąbie", "Częstochówka-Parkitka"]
SHAPES = {
    "Stare Miasto": box(19.10, 50.80, 19.14, 50.83),
    "Zawodzie - Dąbie": box(19.14, 50.78, 19.20, 50.82),
    "ŚRÓDMIEŚCIE": box(19.12, 50.81, 19.13, 50.82),
}


def _districts_without_geometry(store: GeoPackageStore) -> dict[str, dict]:
    with store.batch("dane startowe") as b:
        return {
            name: b.create("areas", {"name": name, "kind": "dzielnica", "city": CITY})
            for name in NAMES
        }


def _boundaries(path: Path, crs: str = "EPSG:4326", column: str = "NAZWA_DZIELNICY") -> Path:
    frame = gpd.GeoDataFrame(
        {column: list(SHAPES)}, geometry=list(SHAPES.values()), crs="EPSG:4326"
    )
    frame.to_crs(crs).to_file(path)
    return path


def test_boundaries_fill_existing_districts(store: GeoPackageStore, tmp_path: Path) -> None:
    existing = _districts_without_geometry(store)
    plan = plan_import(_boundaries(tmp_path / "dzielnice.geojson"), "districts", CITY, store)
    assert plan.mapping == {"NAZWA_DZIELNICY": "name"}
    stare, zawodzie, unknown = plan.rows
    assert (stare.status, stare.decision) == (RowStatus.ACCEPTED, Decision.MERGE)
    assert zawodzie.target_id == existing["Zawodzie-Dąbie"]["id"]
    assert "dopasowano do dzielnicy Zawodzie-Dąbie" in zawodzie.warnings[0].message
    assert unknown.status == RowStatus.REJECTED
    report = build_report(plan)
    assert report["rejected"][0]["row"] == 4
    assert "nie ma dzielnicy „ŚRÓDMIEŚCIE”" in report["rejected"][0]["message"]

    result = commit_import(plan, store, "ala")
    assert sorted(result.updated) == sorted(existing[n]["id"] for n in NAMES[:2])
    area = store.get("areas", existing["Stare Miasto"]["id"])
    assert area["version"] == 2
    assert area["geometry"].geom_type == "MultiPolygon"
    assert area["geometry"].equals(SHAPES["Stare Miasto"])
    assert store.get("areas", existing["Częstochówka-Parkitka"]["id"])["geometry"] is None
    assert store.undo_batch(result.batch_id, author="ala") == 2
    assert store.get("areas", existing["Stare Miasto"]["id"])["geometry"] is None


def test_boundaries_in_puwg_1992_shapefile_are_reprojected(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    existing = _districts_without_geometry(store)
    folder = tmp_path / "shp"
    folder.mkdir()
    _boundaries(folder / "dzielnice.shp", "EPSG:2180", column="NAZWA")  # .dbf: 10 characters
    archive = tmp_path / "dzielnice.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            zf.write(part, part.name)
    plan = plan_import(archive, "districts", CITY, store)
    assert plan.details["crs"] == "EPSG:2180"
    commit_import(plan, store, "ala")
    geometry = store.get("areas", existing["Stare Miasto"]["id"])["geometry"]
    assert geometry.bounds == pytest.approx(SHAPES["Stare Miasto"].bounds, abs=1e-6)


def test_city_without_districts_gets_them_created(store: GeoPackageStore, tmp_path: Path) -> None:
    plan = plan_import(_boundaries(tmp_path / "d.gpkg"), "districts", CITY, store)
    assert all(r.status == RowStatus.ACCEPTED and r.decision == Decision.ADD for r in plan.rows)
    commit_import(plan, store, "ala")
    areas = store.read_layer("areas", city=CITY)
    assert sorted(areas["name"]) == sorted(SHAPES)
    assert set(areas["kind"]) == {"dzielnica"}


def test_district_in_parts_is_joined(store: GeoPackageStore, tmp_path: Path) -> None:
    existing = _districts_without_geometry(store)
    parts = [box(19.10, 50.80, 19.12, 50.83), box(19.125, 50.80, 19.14, 50.83)]
    frame = gpd.GeoDataFrame({"name": ["Stare Miasto"] * 2}, geometry=parts, crs="EPSG:4326")
    path = tmp_path / "d.geojson"
    frame.to_file(path)
    plan = plan_import(path, "districts", CITY, store)
    assert [r.status for r in plan.rows] == [RowStatus.ACCEPTED, RowStatus.DUPLICATE]
    commit_import(plan, store, "ala")
    geometry = store.get("areas", existing["Stare Miasto"]["id"])["geometry"]
    assert len(geometry.geoms) == 2


def test_boundaries_need_polygons(store: GeoPackageStore, tmp_path: Path) -> None:
    from mapping.errors import MapError

    path = tmp_path / "d.csv"
    path.write_text("nazwa\nStare Miasto\n", encoding="utf-8")
    with pytest.raises(MapError, match="nie zawiera granic"):
        plan_import(path, "districts", CITY, store)
    lines = gpd.GeoDataFrame(
        {"name": ["Stare Miasto"]},
        geometry=[Polygon([(19.1, 50.8), (19.2, 50.8), (19.1, 50.8)]).boundary],
        crs="EPSG:4326",
    )
    lines.to_file(tmp_path / "l.geojson")
    _districts_without_geometry(store)
    row = plan_import(tmp_path / "l.geojson", "districts", CITY, store).rows[0]
    assert row.status == RowStatus.REJECTED
    assert "brak granicy" in row.problems[0].message


def test_unmatched_names_are_reported_both_ways(store: GeoPackageStore, tmp_path: Path) -> None:
    _districts_without_geometry(store)
    plan = plan_import(_boundaries(tmp_path / "dzielnice.geojson"), "districts", CITY, store)
    in_file, in_map = [n for n in plan.notes if "dzielnic" in n and "(1)" in n]
    assert "nazwy z pliku, których nie ma wśród dzielnic miasta (1): „ŚRÓDMIEŚCIE”" in in_file
    assert in_map.endswith("nadal nie będą miały granicy (1): Częstochówka-Parkitka")
    warnings = [w["message"] for w in build_report(plan)["warnings"]]
    assert in_file in warnings and in_map in warnings


def test_a_file_matching_every_district_reports_nothing_unmatched(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    with store.batch("dane startowe") as b:
        b.create("areas", {"name": "Stare Miasto", "kind": "dzielnica", "city": CITY})
    frame = gpd.GeoDataFrame(
        {"nazwa": ["Stare Miasto"]}, geometry=[SHAPES["Stare Miasto"]], crs="EPSG:4326"
    )
    frame.to_file(tmp_path / "d.geojson")
    plan = plan_import(tmp_path / "d.geojson", "districts", CITY, store)
    assert not [n for n in plan.notes if "nie ma wśród" in n or "nadal nie będą" in n]


def test_boundaries_from_kml_fill_the_districts(store: GeoPackageStore, tmp_path: Path) -> None:
    existing = _districts_without_geometry(store)
    ring = " ".join(f"{x},{y}" for x, y in SHAPES["Stare Miasto"].exterior.coords)
    path = tmp_path / "dzielnice.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        "<name>Stare Miasto</name><Polygon><outerBoundaryIs><LinearRing>"
        f"<coordinates>{ring}</coordinates>"
        "</LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>",
        encoding="utf-8",
    )
    plan = plan_import(path, "districts", CITY, store)
    assert [(r.status, r.target_id) for r in plan.rows] == [
        (RowStatus.ACCEPTED, existing["Stare Miasto"]["id"])
    ]
    commit_import(plan, store, "ala")
    geometry = store.get("areas", existing["Stare Miasto"]["id"])["geometry"]
    assert geometry.equals(SHAPES["Stare Miasto"])
