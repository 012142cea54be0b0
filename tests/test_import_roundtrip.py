"""Round trips: a city exported, one name corrected outside the app, imported back.

The correction updates its record exactly once (one new version, one history
row); every other row is "bez zmian"; a polygon survives CSV and XLSX; a row
whose record changed in the map since the export is a conflict, not applied.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from shapely.geometry import Polygon

from mapping.__main__ import main
from mapping.export import ExportRequest, export
from mapping.export.sheets import CSV_ENCODING, CSV_SEPARATOR
from mapping.importing import RowStatus, commit_import, plan_import
from mapping.importing.identity import same_place
from mapping.importing.parts import source_parts
from mapping.schema import LAYERS, TO_COMPLETE
from mapping.store import GeoPackageStore
from tests.export_fixtures import fill_store
from tests.hostile.fixtures import fill_hostile
from tests.hostile.strings import HOSTILE

CITY = "Gdańsk"
FORMATS = ("csv", "xlsx", "gpkg", "geojson")
#: A need drawn as an area (the seed data has only points).
AREA = Polygon([(18.60, 54.35), (18.62, 54.35), (18.62, 54.36), (18.60, 54.36)])
CORRECTED = "Poprawiona nazwa (z Excela)"


@pytest.fixture
def city(seeded_store: GeoPackageStore) -> tuple[GeoPackageStore, str]:
    """The seeded map with one need drawn as a polygon; returns the store and its id."""
    values = {"title": "Brak zieleni na podwórkach", "category": "zielen", "city": CITY}
    need = seeded_store.create("needs", {**values, "status": "zgloszona"}, author="test")
    seeded_store.update("needs", need["id"], {"geometry": AREA}, expected_version=1, author="test")
    return seeded_store, str(need["id"])


def _export(store: GeoPackageStore, fmt: str, layer: str, folder: Path) -> Path:
    layers = (layer,) if fmt in ("csv", "geojson") else None  # one-layer formats
    result = export(store, fmt, ExportRequest(CITY, layers=layers))
    path = folder / f"eksport-{layer}.{fmt}"
    path.write_bytes(result.data)
    return path


def _correct_csv(path: Path, layer: str, record_id: str, text: str) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(CSV_ENCODING)), delimiter=CSV_SEPARATOR))
    column = rows[0].index(LAYERS[layer].field(LAYERS[layer].title_field).label)
    next(r for r in rows if r[0] == record_id)[column] = text
    out = io.StringIO()
    csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(CSV_ENCODING))


def _xlsx_row(sheet: Worksheet, record_id: str) -> int:
    """The row of a record in one of our sheets, found by its ``id`` (the last column)."""
    column = [c.value for c in sheet[1]].index("id")
    return next(r[0].row for r in sheet.iter_rows(min_row=2) if r[column].value == record_id)


def _correct_xlsx(path: Path, layer: str, record_id: str, text: str) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[LAYERS[layer].label]
    headers = [c.value for c in sheet[1]]
    column = headers.index(LAYERS[layer].field(LAYERS[layer].title_field).label) + 1
    sheet.cell(_xlsx_row(sheet, record_id), column, text)
    book.save(path)


def _correct_gpkg(path: Path, layer: str, record_id: str, text: str) -> None:
    """As QGIS does it: through GDAL (``ogrinfo -sql``), which keeps the file valid."""
    title = LAYERS[layer].title_field
    sql = f"UPDATE {layer} SET {title} = '{text}' WHERE id = '{record_id}'"
    subprocess.run(["ogrinfo", "-q", str(path), "-sql", sql], check=True, capture_output=True)


def _correct_geojson(path: Path, layer: str, record_id: str, text: str) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    feature = next(f for f in document["features"] if f["id"] == record_id)
    feature["properties"][LAYERS[layer].title_field] = text
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


_CORRECT = {
    "csv": _correct_csv,
    "xlsx": _correct_xlsx,
    "gpkg": _correct_gpkg,
    "geojson": _correct_geojson,
}


def _correct(path: Path, fmt: str, layer: str, record_id: str, text: str) -> None:
    if fmt == "gpkg" and shutil.which("ogrinfo") is None:
        pytest.skip("GDAL's ogrinfo is not installed (scripts/install-test-system.sh)")
    _CORRECT[fmt](path, layer, record_id, text)


def _versions(store: GeoPackageStore, layer: str) -> dict[str, int]:
    frame = store.read_layer(layer, include_archived=True)
    return dict(zip(frame["id"].astype(str), frame["version"].astype(int), strict=True))


def _target(store: GeoPackageStore, layer: str, area_id: str) -> str:
    """The record to correct: the polygon need, or a Gdańsk resource."""
    if layer == "needs":
        return area_id
    return str(store.read_layer("resources", city=CITY)["id"].iloc[0])


def _cli_import(
    store: GeoPackageStore, path: Path, layer: str, tmp_path: Path, capsys, *, code: int = 0
) -> dict:
    report = tmp_path / "raport.json"
    args = [str(path), "--layer", layer, "--city", "gdansk", "--db", str(store.path)]
    assert main(["import", *args, "--report", str(report), "--author", "Ala"]) == code
    captured = capsys.readouterr()
    return {
        **json.loads(report.read_text(encoding="utf-8")),
        "out": captured.out,
        "err": captured.err,
    }


def _api_import(store: GeoPackageStore, path: Path, layer: str) -> dict:
    plan = plan_import(path, layer, CITY, store)
    assert not plan.rejected and not plan.duplicates and not plan.conflicts
    result = commit_import(plan, store, "Ala")
    return {
        "updated": len(result.updated),
        "created": len(result.created),
        "unchanged": result.unchanged,
    }


@pytest.mark.parametrize("via", ["cli", "api"])
@pytest.mark.parametrize("layer", ["resources", "needs"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_corrected_export_updates_its_record_exactly_once(
    city, fmt: str, layer: str, via: str, tmp_path: Path, capsys
) -> None:
    store, area_id = city
    record_id = _target(store, layer, area_id)
    before = _versions(store, layer)
    history = len(store.history(layer, record_id))
    path = _export(store, fmt, layer, tmp_path)
    _correct(path, fmt, layer, record_id, CORRECTED)

    if via == "cli":  # the app's own workbook needs no --part: the sheet is the layer's
        summary = _cli_import(store, path, layer, tmp_path, capsys)
        assert "zaktualizowane 1," in summary["out"]
    else:
        summary = _api_import(store, path, layer)

    assert (summary["updated"], summary["created"]) == (1, 0)
    city_rows = len(store.read_layer(layer, city=CITY))
    assert summary["unchanged"] == city_rows - 1
    after = _versions(store, layer)
    assert set(after) == set(before)  # no record added
    assert after.pop(record_id) == before.pop(record_id) + 1  # one new version
    assert after == before  # nothing else written
    assert len(store.history(layer, record_id)) == history + 1
    record = store.get(layer, record_id)
    assert record[LAYERS[layer].title_field] == CORRECTED
    if layer == "needs":  # the area survives every format, CSV and XLSX included
        assert record["geometry"].geom_type in ("Polygon", "MultiPolygon")
        assert same_place(record["geometry"], AREA)


def test_unchanged_export_imported_back_writes_nothing(city, tmp_path: Path, capsys) -> None:
    store, _ = city
    before = _versions(store, "resources")
    path = _export(store, "xlsx", "resources", tmp_path)
    summary = _cli_import(store, path, "resources", tmp_path, capsys)
    assert "Nic nie zapisano" in summary["out"]
    assert summary["unchanged"] == len(store.read_layer("resources", city=CITY))
    assert _versions(store, "resources") == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_stale_version_is_a_conflict_naming_the_row_and_the_record(
    city, fmt: str, tmp_path: Path, capsys
) -> None:
    store, _ = city
    record_id = _target(store, "resources", "")
    path = _export(store, fmt, "resources", tmp_path)
    current = store.get("resources", record_id)
    changed = store.update(
        "resources",
        record_id,
        {"offer": "Zmiana zapisana w aplikacji po eksporcie"},
        expected_version=int(current["version"]),
        author="Ola",
    )
    _correct(path, fmt, "resources", record_id, CORRECTED)

    plan = plan_import(path, "resources", CITY, store)
    (row,) = plan.conflicts
    (note,) = row.problems
    assert note.row == row.row and record_id in note.message
    assert f"w pliku wersja {current['version']}, w mapie {changed['version']}" in note.message
    assert not row.writes

    summary = _cli_import(store, path, "resources", tmp_path, capsys, code=1)
    assert (
        "pominięte wiersze z konfliktem wersji: 1" in summary["err"]
    )  # a script sees the row left out
    assert f"wiersz {row.row}: wpis „{current['name']}” (id {record_id})" in summary["out"]
    assert [c["row"] for c in summary["conflicts"]] == [row.row]
    kept = store.get("resources", record_id)
    assert kept["version"] == changed["version"]  # the other change is not undone
    assert kept["name"] == current["name"] and kept["offer"] == changed["offer"]


def test_record_changed_after_the_preview_is_a_conflict_at_commit(city, tmp_path: Path) -> None:
    store, _ = city
    record_id = _target(store, "resources", "")
    path = _export(store, "csv", "resources", tmp_path)
    _correct(path, "csv", "resources", record_id, CORRECTED)
    plan = plan_import(path, "resources", CITY, store)
    (row,) = plan.updates
    version = int(store.get("resources", record_id)["version"])
    store.update(
        "resources", record_id, {"offer": "w międzyczasie"}, expected_version=version, author="Ola"
    )

    result = commit_import(plan, store, "Ala")

    assert result.conflicts == [row.row] and result.updated == []
    assert store.get("resources", record_id)["offer"] == "w międzyczasie"
    assert plan.row(row.row).status == RowStatus.CONFLICT


def test_id_unknown_to_this_map_is_a_new_record_not_an_error(city, tmp_path: Path) -> None:
    store, _ = city
    existing = store.read_layer("resources", city=CITY).iloc[0]
    header = "id;Wersja;Nazwa;Rodzaj;Kategoria;szerokość;długość"
    lines = [
        header,
        "inna-mapa-1;3;Klub Sąsiedzki z innej mapy;organizacja;kultura;54,36;18,63",
        f"inna-mapa-2;1;{existing['name']};instytucja;kultura;"
        f"{existing.geometry.y:.7f};{existing.geometry.x:.7f}".replace(".", ","),
    ]
    path = tmp_path / "z-innej-mapy.csv"
    path.write_text("\r\n".join(lines), encoding="utf-8")

    plan = plan_import(path, "resources", CITY, store)

    new, twin = plan.rows
    assert new.status == RowStatus.ACCEPTED and new.target_id is None
    assert twin.status == RowStatus.DUPLICATE and twin.duplicate.record_id == existing["id"]
    assert any("nie ma wśród wpisów tego miasta: 2" in n for n in plan.notes)
    result = commit_import(plan, store, "Ala")
    assert len(result.created) == 1 and result.created[0] != "inna-mapa-1"


@pytest.mark.parametrize("header", ["geometria (WKT)", "WKT", "geometry", "geom"])
def test_wkt_column_gives_the_need_its_area(store: GeoPackageStore, tmp_path, header) -> None:
    path = tmp_path / "potrzeby.csv"
    path.write_text(
        f"Potrzeba;Kategoria;{header}\r\n"
        f"Za mało zieleni;zielen;{AREA.wkt}\r\n"
        "Ciemne przejście;bezpieczenstwo;to nie jest geometria\r\n",
        encoding="utf-8",
    )
    plan = plan_import(path, "needs", CITY, store)
    area, broken = plan.rows
    assert area.status == RowStatus.ACCEPTED and same_place(area.values["geometry"], AREA)
    assert broken.status == RowStatus.REJECTED
    (problem,) = broken.problems
    assert (problem.row, problem.field) == (3, "Geometria (WKT)")
    assert "nie jest zapisem geometrii WKT" in problem.message


def test_own_workbook_sheet_follows_the_layer_and_part_overrides(city, tmp_path: Path) -> None:
    store, _ = city
    path = _export(store, "xlsx", "resources", tmp_path)
    assert plan_import(path, "needs", CITY, store).details["sheet"] == "Potrzeby"
    assert plan_import(path, "resources", CITY, store).details["sheet"] == "Zasoby"
    chosen = plan_import(path, "resources", CITY, store, part="Potrzeby")
    assert chosen.details["sheet"] == "Potrzeby"


def test_import_page_offers_the_sheets_and_layers_of_a_file(city, tmp_path: Path) -> None:
    store, _ = city
    book = source_parts(_export(store, "xlsx", "resources", tmp_path), "needs")
    assert book.choosable and book.default == "Potrzeby"
    assert [*book.names[:3], book.kind] == ["Obszary", "Zasoby", "Potrzeby", "arkusz"]
    layers = source_parts(_export(store, "gpkg", "resources", tmp_path), "resources")
    assert layers.choosable and layers.default == "resources" and "needs" in layers.names
    assert layers.label("resources") == "Zasoby (resources)"
    assert not source_parts(_export(store, "csv", "resources", tmp_path), "resources").choosable


def test_every_data_export_carries_id_and_version(city, tmp_path: Path) -> None:
    store, _ = city
    stored = store.read_layer("resources", city=CITY).set_index("id")["version"]
    for fmt in FORMATS:
        path = _export(store, fmt, "resources", tmp_path)
        plan = plan_import(path, "resources", CITY, store)
        assert {"id", "version"} <= set(plan.mapping.values()), fmt
        assert all(r.status == RowStatus.UNCHANGED for r in plan.rows), fmt
        assert {r.target_id: r.target_version for r in plan.rows} == stored.to_dict(), fmt
    sheet = pd.read_excel(_export(store, "xlsx", "resources", tmp_path), sheet_name="Zasoby")
    assert {"id", "Wersja"} <= set(sheet.columns)


def test_id_remembered_as_skipped_does_not_hide_the_identity(city, tmp_path: Path) -> None:
    """A mapping remembered before ids were read would make every round trip a duplicate."""
    store, _ = city
    path = _export(store, "csv", "resources", tmp_path)
    first = plan_import(path, "resources", CITY, store, mapping={"id": None, "Wersja": None})
    commit_import(first, store, "Ala")  # remembers the mapping, id skipped
    again = plan_import(path, "resources", CITY, store)
    assert again.mapping["id"] == "id" and again.mapping["Wersja"] == "version"
    assert all(r.status == RowStatus.UNCHANGED for r in again.rows)


def test_preview_says_what_a_row_changes_and_undo_takes_it_back(city, tmp_path: Path) -> None:
    store, _ = city
    record_id = _target(store, "resources", "")
    old = store.get("resources", record_id)
    path = _export(store, "csv", "resources", tmp_path)
    _correct(path, "csv", "resources", record_id, CORRECTED)
    plan = plan_import(path, "resources", CITY, store)
    (row,) = plan.updates
    line = plan.preview().set_index("wiersz").loc[row.row]
    assert (line["stan"], line["decyzja"]) == ("zmiana wpisu", "scal")
    assert line["zmiany"] == f"Nazwa: „{old['name']}” → „{CORRECTED}”"
    assert set(plan.preview()["stan"]) == {"zmiana wpisu", "bez zmian"}

    result = commit_import(plan, store, "Ala")
    store.undo_batch(result.batch_id, author="Ala")

    assert store.get("resources", record_id)["name"] == old["name"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_district_boundaries_come_back_from_a_table_and_only_a_moved_one_changes(
    city, fmt: str, tmp_path: Path
) -> None:
    store, _ = city
    areas = store.read_layer("areas", city=CITY)
    districts = areas[areas["kind"] == "dzielnica"]
    path = _export(store, fmt, "areas", tmp_path)
    plan = plan_import(path, "districts", CITY, store)
    assert len(plan.unchanged) == len(districts) and not plan.to_write

    target = districts.iloc[0]
    smaller = target.geometry.buffer(-0.001)
    if fmt == "csv":
        text = path.read_text(CSV_ENCODING).replace(_export_wkt(path, target["id"]), smaller.wkt)
        path.write_bytes(text.encode(CSV_ENCODING))
    else:
        book = openpyxl.load_workbook(path)
        sheet = book["Obszary"]
        column = [c.value for c in sheet[1]].index("geometria (WKT)") + 1
        sheet.cell(_xlsx_row(sheet, target["id"]), column, smaller.wkt)
        book.save(path)
    plan = plan_import(path, "districts", CITY, store)
    (moved,) = plan.to_write
    assert moved.target_id == target["id"]
    result = commit_import(plan, store, "Ala")
    assert result.updated == [target["id"]]
    assert same_place(store.get("areas", target["id"])["geometry"], smaller)


def _export_wkt(path: Path, record_id: str) -> str:
    rows = csv.reader(io.StringIO(path.read_text(CSV_ENCODING)), delimiter=CSV_SEPARATOR)
    header = next(rows)
    row = next(r for r in rows if r[0] == record_id)
    return row[header.index("geometria (WKT)")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_record_to_complete_comes_back_unchanged(city, fmt: str, tmp_path: Path) -> None:
    """A record stored "do uzupełnienia" keeps its status and its team note on a round trip."""
    store, _ = city
    values = {
        "name": "Koło bez kategorii",
        "kind": "inne",
        "category": "inne",
        "city": CITY,
        "status": TO_COMPLETE,
        "notes": "Do uzupełnienia: Rodzaj, Kategoria\nTelefon (z importu): tel. nieczynny",
    }
    record = store.create("resources", values, author="import")
    result = export(store, fmt, ExportRequest(CITY, audience="team", layers=("resources",)))
    path = tmp_path / f"zespol.{fmt}"
    path.write_bytes(result.data)
    plan = plan_import(path, "resources", CITY, store)
    row = next(r for r in plan.rows if r.target_id == record["id"])
    assert row.status == RowStatus.UNCHANGED, row.changes
    assert all(r.status == RowStatus.UNCHANGED for r in plan.rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_texts_come_back_unchanged(store: GeoPackageStore, fmt: str, tmp_path) -> None:
    """Formula-like names (CSV's apostrophe), control characters, markup: all "bez zmian"."""
    fill_hostile(store, CITY)
    path = tmp_path / f"eksport.{fmt}"
    layers = ("resources",) if fmt in ("csv", "geojson") else None
    path.write_bytes(export(store, fmt, ExportRequest(CITY, layers=layers)).data)
    plan = plan_import(path, "resources", CITY, store)
    changed = {r.row: r.changes for r in plan.rows if r.status != RowStatus.UNCHANGED}
    assert changed == {} and len(plan.rows) == len(HOSTILE)


def test_export_without_ids_merged_back_updates_only_what_changed(
    city, tmp_path: Path, capsys
) -> None:
    """Ids removed, rows merged by the duplicate rules: an equal location is no change."""
    store, _ = city
    record_id = _target(store, "resources", "")
    path = _export(store, "csv", "resources", tmp_path)
    rows = list(csv.reader(io.StringIO(path.read_text(CSV_ENCODING)), delimiter=CSV_SEPARATOR))
    offer = rows[0].index("Oferta")
    next(r for r in rows if r[0] == record_id)[offer] = "Nowa oferta z Excela"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    kept = [i for i, header in enumerate(rows[0]) if header not in ("id", "Wersja")]
    writer.writerows([r[i] for i in kept] for r in rows)
    path.write_bytes(out.getvalue().encode(CSV_ENCODING))
    before = _versions(store, "resources")

    args = [str(path), "--layer", "resources", "--city", CITY, "--db", str(store.path)]
    assert main(["import", *args, "--duplicates", "merge"]) == 0

    assert "zaktualizowane 1, bez zmian " in capsys.readouterr().out
    after = _versions(store, "resources")
    assert after.pop(record_id) == before.pop(record_id) + 1 and after == before
    assert store.get("resources", record_id)["offer"] == "Nowa oferta z Excela"


@pytest.mark.parametrize("audience", ["public", "team"])
def test_round_trip_on_each_backend(each_store, audience: str, tmp_path: Path) -> None:
    """GeoPackage and PostGIS alike: a corrected team or public export updates one record."""
    fill_store(each_store)
    frame = each_store.read_layer("resources", city=CITY)
    record_id = str(frame.loc[frame["kind"] != "osoba", "id"].iloc[0])
    result = export(
        each_store, "csv", ExportRequest(CITY, audience=audience, layers=("resources",))
    )
    path = tmp_path / "eksport.csv"
    path.write_bytes(result.data)
    _correct(path, "csv", "resources", record_id, CORRECTED)
    before = _versions(each_store, "resources")

    plan = plan_import(path, "resources", CITY, each_store)
    outcome = commit_import(plan, each_store, "Ala")

    assert outcome.updated == [record_id] and outcome.created == []
    after = _versions(each_store, "resources")
    assert after.pop(record_id) == before.pop(record_id) + 1 and after == before
    assert each_store.get("resources", record_id)["name"] == CORRECTED


def test_kml_folders_are_offered_with_every_folder_by_default(tmp_path: Path) -> None:
    path = tmp_path / "moja-mapa.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        "<Document><Folder><name>Biblioteki</name><Placemark><name>A</name><Point>"
        "<coordinates>18.6,54.35</coordinates></Point></Placemark></Folder>"
        "<Folder><name>Potrzeby</name><Placemark><name>B</name><Point>"
        "<coordinates>18.61,54.35</coordinates></Point></Placemark></Folder></Document></kml>",
        encoding="utf-8",
    )
    parts = source_parts(path, "resources")
    assert parts.choosable and parts.default is None
    assert [parts.label(o) for o in parts.options] == [
        "wszystkie foldery",
        "Biblioteki",
        "Potrzeby",
    ]


def _correct_kml(path: Path, layer: str, record_id: str, text: str) -> None:
    tree = ElementTree.parse(path)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    mark = next(m for m in tree.iter(f"{{{ns['k']}}}Placemark") if m.get("id") == record_id)
    name = mark.find("k:name", ns)
    assert name is not None
    name.text = text
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _correct_umap(path: Path, layer: str, record_id: str, text: str) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    features = [f for data in document["layers"] for f in data["features"]]
    next(f for f in features if f["properties"]["id"] == record_id)["properties"]["name"] = text
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("fmt", ["kml", "umap"])
def test_own_kml_and_umap_come_back_onto_their_records(city, fmt: str, tmp_path: Path) -> None:
    """Their popup description (written from the fields) is not read as the offer."""
    store, _ = city
    record_id = _target(store, "resources", "")
    before = _versions(store, "resources")
    path = tmp_path / f"eksport.{fmt}"
    path.write_bytes(export(store, fmt, ExportRequest(CITY, layers=("resources",))).data)
    {"kml": _correct_kml, "umap": _correct_umap}[fmt](path, "resources", record_id, CORRECTED)

    plan = plan_import(path, "resources", CITY, store)
    (row,) = plan.updates
    assert row.target_id == record_id and list(row.changes or {}) == ["name"]
    result = commit_import(plan, store, "Ala")

    assert result.updated == [record_id] and result.unchanged == len(plan.rows) - 1
    after = _versions(store, "resources")
    assert after.pop(record_id) == before.pop(record_id) + 1 and after == before


def test_cli_part_still_overrides_the_sheet(city, tmp_path: Path, capsys) -> None:
    store, _ = city
    path = _export(store, "xlsx", "resources", tmp_path)
    report = tmp_path / "raport.json"
    args = [str(path), "--layer", "needs", "--city", CITY, "--db", str(store.path)]
    assert main(["import", *args, "--part", "Zasoby", "--dry-run", "--report", str(report)]) == 0
    details = json.loads(report.read_text(encoding="utf-8"))["details"]
    assert details["sheet"] == "Zasoby"
    assert "arkusz „Zasoby”" in capsys.readouterr().out


def test_team_workbook_with_named_references_comes_back_onto_the_same_references(
    city, tmp_path: Path
) -> None:
    """XLSX shows "Powiązane zasoby" as names; the ids column brings the references back."""
    store, area_id = city
    resources = store.read_layer("resources", city=CITY)
    linked = [str(i) for i in resources["id"].iloc[:2]]
    need = store.get("needs", area_id)
    store.update(
        "needs",
        area_id,
        {"linked_resources": linked},
        expected_version=need["version"],
        author="test",
    )
    result = export(store, "xlsx", ExportRequest(CITY, audience="team", layers=("needs",)))
    path = tmp_path / "potrzeby.xlsx"
    path.write_bytes(result.data)
    sheet = openpyxl.load_workbook(path)[LAYERS["needs"].label]
    headers = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[_xlsx_row(sheet, area_id)]]
    names = resources.set_index("id").loc[linked, "name"]
    assert row[headers.index("Powiązane zasoby")] == "; ".join(names)
    _correct_xlsx(path, "needs", area_id, CORRECTED)
    before = _versions(store, "needs")

    plan = plan_import(path, "needs", CITY, store)
    assert plan.mapping["Powiązane zasoby (id)"] == "linked_resources"
    assert plan.mapping["Powiązane zasoby"] is None  # names are for people, not matched
    outcome = commit_import(plan, store, "Ala")

    assert outcome.updated == [area_id] and outcome.created == []
    after = _versions(store, "needs")
    assert after.pop(area_id) == before.pop(area_id) + 1 and after == before
    record = store.get("needs", area_id)
    assert record["title"] == CORRECTED and record["linked_resources"] == linked
