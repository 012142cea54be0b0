"""Data exports: GeoJSON (RFC 7946), GeoPackage, CSV and XLSX, and reading them back."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely

from mapping.export import FORMATS, ExportRequest, export, export_frames
from mapping.export.sheets import LATITUDE, LONGITUDE, WKT_COLUMN, neutralise, to_xlsx
from mapping.schema import LAYERS, Audience
from mapping.store import GeoPackageStore
from tests.export_fixtures import CITY, HOSTILE_NAMES, POLISH_NAME, fill_store

VALIDATE_GPKG = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")


@pytest.fixture
def filled(store: GeoPackageStore) -> tuple[GeoPackageStore, dict[str, str]]:
    return store, fill_store(store)


def _export(store: GeoPackageStore, fmt: str, **options: Any) -> bytes:
    return export(store, fmt, ExportRequest(CITY, **options)).data


# --- an RFC 7946 check, by hand (no validator package exists) ---------------------------

_GEOMETRY_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _positions(coords: Any, depth: int) -> list[list[Decimal]]:
    if depth == 0:
        return [coords]
    return [p for part in coords for p in _positions(part, depth - 1)]


def _signed_area(ring: list[list[Decimal]]) -> float:
    return sum(
        float(x1) * float(y2) - float(x2) * float(y1)
        for (x1, y1, *_), (x2, y2, *_) in pairwise(ring)
    )


def _check_ring(ring: list, exterior: bool) -> None:
    assert len(ring) >= 4, "a ring needs at least 4 positions"
    assert ring[0] == ring[-1], "ring not closed"
    area = _signed_area(ring)
    # RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise.
    assert (area > 0) if exterior else (area < 0), "ring wound against the right-hand rule"


def _check_geometry(geometry: Any) -> None:
    if geometry is None:
        return
    kind = geometry["type"]
    assert kind in _GEOMETRY_DEPTH, kind
    assert "crs" not in geometry
    for position in _positions(geometry["coordinates"], _GEOMETRY_DEPTH[kind]):
        assert len(position) in (2, 3)
        lon, lat = position[0], position[1]
        assert -180 <= lon <= 180 and -90 <= lat <= 90, position
        for number in position:
            assert -number.as_tuple().exponent <= 7, f"more than 7 decimals: {number}"
    polygons = {"Polygon": [geometry["coordinates"]], "MultiPolygon": geometry["coordinates"]}
    for polygon in polygons.get(kind, []):
        for i, ring in enumerate(polygon):
            _check_ring(ring, exterior=i == 0)


def check_rfc7946(data: bytes) -> dict[str, Any]:
    """Assert ``data`` is an RFC 7946 FeatureCollection; return it (numbers as Decimal)."""
    document = json.loads(data.decode("utf-8"), parse_float=Decimal, parse_int=Decimal)
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    assert isinstance(document["features"], list)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) <= {"type", "id", "properties", "geometry", "bbox"}
        assert feature["properties"] is None or isinstance(feature["properties"], dict)
        assert "geometry" in feature
        _check_geometry(feature["geometry"])
    return document


def test_geojson_is_rfc7946_for_every_layer(filled):
    store, _ = filled
    with zipfile.ZipFile(io.BytesIO(_export(store, "geojson"))) as archive:
        assert sorted(archive.namelist()) == sorted(f"{n}.geojson" for n in LAYERS)
        documents = {n: check_rfc7946(archive.read(f"{n}.geojson")) for n in LAYERS}
    oliwa = next(f for f in documents["areas"]["features"] if f["properties"]["name"] == "Oliwa")
    assert len(oliwa["geometry"]["coordinates"][0]) == 2  # exterior and the hole, re-wound
    nowhere = [f for f in documents["needs"]["features"] if f["geometry"] is None]
    assert [f["properties"]["title"] for f in nowhere] == ["Opieka wytchnieniowa"]


def test_geojson_single_layer_is_one_feature_collection(filled):
    store, ids = filled
    result = export(store, "geojson", ExportRequest(CITY, layers=("resources",)))
    assert "-zasoby-publiczna-" in result.filename and result.filename.endswith(".geojson")
    document = check_rfc7946(result.data)
    library = next(f for f in document["features"] if f["id"] == ids["library"])
    assert library["properties"]["name"] == POLISH_NAME
    assert library["properties"]["target_groups"] == ["dzieci", "seniorzy"]
    # 18.571234567 rounded to 7 decimals (about 1 cm).
    assert library["geometry"]["coordinates"] == [Decimal("18.5712346"), Decimal("54.3812346")]


def test_rfc7946_check_rejects_wrong_winding():
    bad = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": shapely.geometry.mapping(
                    shapely.orient_polygons(shapely.box(0, 0, 1, 1), exterior_cw=True)
                ),
            }
        ],
    }
    with pytest.raises(AssertionError, match="right-hand rule"):
        check_rfc7946(json.dumps(bad).encode())


# --- GeoPackage ------------------------------------------------------------------------


def test_gpkg_has_one_layer_per_dataset(filled, tmp_path):
    store, ids = filled
    path = tmp_path / "eksport.gpkg"
    path.write_bytes(_export(store, "gpkg", audience=Audience.TEAM))
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {*LAYERS, "layer_styles"}  # QGIS's styles: an attribute table
    assert layers["resources"] == "Point" and layers["areas"] == "MultiPolygon"
    assert layers["partnerships"] is None  # an attribute table
    resources = pyogrio.read_dataframe(path, layer="resources").set_index("id")
    assert resources.at[ids["library"], "name"] == POLISH_NAME
    assert resources.at[ids["library"], "target_groups"] == "dzieci; seniorzy"
    assert resources.crs.to_epsg() == 4326
    partnership = pyogrio.read_dataframe(path, layer="partnerships")
    assert partnership.at[0, "members"] == f"{ids['person']}; {ids['sample']}"


@pytest.mark.skipif(
    not (VALIDATE_GPKG.exists() and SYSTEM_PYTHON.exists()), reason="no GDAL validator"
)
def test_gpkg_passes_gdal_validator(filled, tmp_path):
    store, _ = filled
    path = tmp_path / "eksport.gpkg"
    path.write_bytes(_export(store, "gpkg"))
    run = subprocess.run(
        [str(SYSTEM_PYTHON), str(VALIDATE_GPKG), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


# --- CSV and XLSX -----------------------------------------------------------------------


def _csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)


def test_csv_is_utf8_bom_semicolon_with_polish_headers(filled):
    store, ids = filled
    data = _export(store, "csv", layers=("resources",))
    assert data.startswith(b"\xef\xbb\xbf")
    table = _csv(data).set_index("id")
    assert table.at[ids["library"], "Nazwa"] == POLISH_NAME
    assert table.at[ids["library"], "Kategoria"] == "Kultura i biblioteki"
    assert table.at[ids["library"], "Dla kogo"] == "dzieci, seniorzy"
    # Decimal commas, for Polish Excel.
    assert table.at[ids["library"], LATITUDE] == "54,3812346"
    assert table.at[ids["library"], LONGITUDE] == "18,5712346"
    assert pd.isna(table.at[ids["unplaced"], LATITUDE])


def test_csv_of_polygons_has_wkt(filled):
    store, _ = filled
    with zipfile.ZipFile(io.BytesIO(_export(store, "csv"))) as archive:
        areas = _csv(archive.read("areas.csv")).set_index("Nazwa")
        needs = _csv(archive.read("needs.csv")).set_index("Potrzeba")
    oliwa = shapely.from_wkt(areas.at["Oliwa", WKT_COLUMN])
    assert len(oliwa.geoms[0].interiors) == 1
    assert shapely.from_wkt(needs.at["Plac zabaw", WKT_COLUMN]).geom_type == "Polygon"
    assert pd.isna(needs.at["Plac zabaw", LATITUDE])


def test_hostile_names_are_data_not_formulas_in_csv(filled):
    store, _ = filled
    table = _csv(_export(store, "csv", layers=("resources",), audience=Audience.TEAM))
    names = set(table["Nazwa"])
    for hostile in HOSTILE_NAMES:
        assert "'" + hostile in names
    # A phone number is a number, not a formula: left as it is.
    assert set(table["Telefon kontaktowy"]) == {"+48 600 100 200"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+48 600 100 200", "+48 600 100 200"),
        ("-5", "-5"),
        ("-cmd", "'-cmd"),
        ("@SUMA(A1)", "'@SUMA(A1)"),
        ("\t=1", "'\t=1"),
        ("Zwykła nazwa", "Zwykła nazwa"),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected


def test_xlsx_sheets_headers_and_hostile_names(filled):
    store, ids = filled
    data = _export(store, "xlsx", audience=Audience.TEAM)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [*(layer.label for layer in LAYERS.values()), "O danych"]
    sheet = book["Zasoby"]
    headers = [c.value for c in sheet[1]]
    assert headers[:2] == ["Nazwa", "Rodzaj"]
    assert headers[-1] == "id"  # read first by people, matched last by a re-import
    assert {"Autor zmiany", LATITUDE, LONGITUDE} <= set(headers)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > 10
    cells = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert POLISH_NAME in cells
    for hostile in HOSTILE_NAMES:
        cell = cells[hostile]  # the value is exact…
        assert cell.data_type == "s" and cell.quotePrefix  # …and stays text in Excel
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if "worksheets" in n)
    assert "<f>" not in xml
    column = headers.index(LATITUDE)
    latitudes = {row[-1].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert latitudes[ids["library"]] == pytest.approx(54.3812346)


def _with_a_dated_resource(store: GeoPackageStore) -> None:
    fill_store(store)
    store.create(
        "resources",
        {
            "name": "Świetlica z datą",
            "kind": "miejsce",
            "category": "inne",
            "city": CITY,
            "status": "aktywny",
            "last_verified": "2026-03-15",
        },
        author="test",
    )


def test_xlsx_has_date_cells_and_prints_one_page_wide_with_the_header_repeated(store):
    _with_a_dated_resource(store)
    book = openpyxl.load_workbook(io.BytesIO(_export(store, "xlsx", layers=("resources",))))
    sheet = book["Zasoby"]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Świetlica z datą")
    cell = row[headers.index("Ostatnia weryfikacja")]
    assert cell.is_date and cell.value.date() == date(2026, 3, 15)
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.auto_filter.ref.startswith("A1:")


def test_csv_writes_dates_as_iso_text(store):
    _with_a_dated_resource(store)
    text = _export(store, "csv", layers=("resources",)).decode("utf-8-sig")
    line = next(x for x in text.splitlines() if "Świetlica z datą" in x)
    assert ";2026-03-15;" in line + ";"


def test_xlsx_survives_control_characters(store):
    fill_store(store)
    store.create(
        "resources",
        {
            "name": "Dzwonek\x07 i\x1b ucieczka",
            "kind": "miejsce",
            "category": "inne",
            "city": CITY,
            "status": "aktywny",
        },
        author="test",
    )
    book = openpyxl.load_workbook(io.BytesIO(_export(store, "xlsx", layers=("resources",))))
    names = [row[0].value for row in book["Zasoby"].iter_rows(min_row=2)]
    assert "Dzwonek i ucieczka" in names


# --- reading the exports back -----------------------------------------------------------


def _decimal_commas(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.str.replace(",", "."))


def _reread(fmt: str, data: bytes, tmp_path: Path) -> pd.DataFrame:
    """Resources from an export: id, name, category (code or label), lon, lat."""
    if fmt in ("geojson", "gpkg"):
        path = tmp_path / f"zasoby.{fmt}"
        path.write_bytes(data)
        frame = pyogrio.read_dataframe(path, layer="resources" if fmt == "gpkg" else None)
        points = frame.geometry
        return pd.DataFrame(
            {
                "id": frame["id"],
                "name": frame["name"],
                "category": frame["category"],
                "lon": [g.x if g is not None else None for g in points],
                "lat": [g.y if g is not None else None for g in points],
            }
        )
    if fmt == "csv":
        table = _csv(data)
        lon, lat = _decimal_commas(table[LONGITUDE]), _decimal_commas(table[LATITUDE])
    else:
        table = pd.read_excel(io.BytesIO(data), sheet_name="Zasoby", dtype={"id": str})
        lon, lat = table[LONGITUDE], table[LATITUDE]
    codes = {c.label: c.code for c in LAYERS["resources"].field("category").choices}
    return pd.DataFrame(
        {
            "id": table["id"],
            "name": table["Nazwa"],
            "category": table["Kategoria"].map(codes),
            "lon": lon,
            "lat": lat,
        }
    )


#: The data formats ``_reread`` reads (the HTML map is textual, but not data).
_DATA_FORMATS = ("csv", "geojson", "gpkg", "xlsx")


@pytest.mark.parametrize("fmt", _DATA_FORMATS)
def test_export_reads_back_to_the_same_records(filled, tmp_path, fmt):
    """Read straight back (ids included: the importer gives imported entries new ids)."""
    store, _ = filled
    data = _export(store, fmt, layers=("resources",), audience=Audience.TEAM)
    back = _reread(fmt, data, tmp_path).set_index("id").sort_index()
    stored = export_frames(store, CITY, audience=Audience.TEAM)["resources"]
    stored = stored.set_index("id").sort_index()
    assert list(back.index) == list(stored.index)
    names = back["name"].map(lambda n: n[1:] if fmt == "csv" and n[1:] in HOSTILE_NAMES else n)
    assert list(names) == list(stored["name"])
    assert list(back["category"]) == list(stored["category"])
    for record_id, geom in stored.geometry.items():
        if geom is None:
            assert pd.isna(back.at[record_id, "lon"])
        else:
            assert back.at[record_id, "lon"] == pytest.approx(geom.x, abs=1e-6)
            assert back.at[record_id, "lat"] == pytest.approx(geom.y, abs=1e-6)


# --- through the importer ----------------------------------------------------------------

_COMPARED = ("kind", "category", "target_groups", "district", "status", "email")


def _values(column: pd.Series) -> list[Any]:
    return [v if isinstance(v, list) or not pd.isna(v) else None for v in column]


def _unneutralised(name: str) -> str:
    """A name as exported before CSV neutralisation (the importer keeps the apostrophe)."""
    return name[1:] if name.startswith("'") and neutralise(name[1:]) == name else name


def _import_back(tmp_path: Path, fmt: str, layer: str, data: bytes) -> pd.DataFrame:
    from mapping.importing import commit_import, plan_import

    path = tmp_path / f"{layer}{FORMATS[fmt].suffix}"
    path.write_bytes(data)
    target = GeoPackageStore(tmp_path / f"nowa-{fmt}-{layer}.gpkg")
    plan = plan_import(path, layer, CITY, target)
    assert not plan.rejected, [r.notes for r in plan.rejected]
    commit_import(plan, target, "test", remember_mapping=False)
    return target.read_layer(layer)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "xlsx"])
def test_export_then_import_gives_the_same_resources(filled, tmp_path, fmt):
    store, _ = filled
    data = _export(store, fmt, layers=("resources",), audience=Audience.TEAM)
    back = _import_back(tmp_path, fmt, "resources", data)
    back["name"] = back["name"].map(_unneutralised)
    stored = export_frames(store, CITY, audience=Audience.TEAM)["resources"]
    back, stored = back.set_index("name").sort_index(), stored.set_index("name").sort_index()
    assert list(back.index) == list(stored.index)
    for column in _COMPARED:
        assert _values(back[column]) == _values(stored[column]), column
    # The importer names the file as the source of entries without one; the
    # sample marker must survive.
    assert back.at["Świetlica przykładowa", "source"] == "przykład"
    for name, geom in stored.geometry.items():
        again = back.geometry[name]
        assert (again is None) == (geom is None), name
        if geom is not None:
            assert again.distance(geom) < 1e-6, name


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_export_then_import_keeps_need_areas(filled, tmp_path, fmt):
    store, _ = filled
    back = _import_back(tmp_path, fmt, "needs", _export(store, fmt, layers=("needs",)))
    stored = export_frames(store, CITY)["needs"].set_index("title")
    back = back.set_index("title")
    assert sorted(back.index) == sorted(stored.index)
    area = back.geometry["Plac zabaw"]
    assert area.geom_type == "Polygon"
    assert area.symmetric_difference(stored.geometry["Plac zabaw"]).area < 1e-12


def _rows(sheet: Any) -> list[dict[str, Any]]:
    headers = [c.value for c in sheet[1]]
    return [
        dict(zip(headers, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)
    ]


def test_xlsx_names_references_and_keeps_their_ids_in_the_last_columns(filled):
    store, ids = filled
    book = openpyxl.load_workbook(io.BytesIO(_export(store, "xlsx", audience=Audience.TEAM)))
    meetings = book[LAYERS["meetings"].label]
    headers = [c.value for c in meetings[1]]
    assert headers[-2:] == ["Partnerstwo (id)", "id"]
    (meeting,) = _rows(meetings)
    assert meeting["Partnerstwo"] == "Partnerstwo Oliwa"
    assert meeting["Partnerstwo (id)"] == ids["partnership"]
    (partnership,) = _rows(book[LAYERS["partnerships"].label])
    members = [store.get("resources", ids[k])["name"] for k in ("person", "sample")]
    assert partnership["Członkowie"] == "; ".join(members)  # in the order the team gave
    assert partnership["Członkowie (id)"] == f"{ids['person']}, {ids['sample']}"


def test_xlsx_reference_outside_the_export_shows_its_id_not_a_blank(filled):
    store, ids = filled
    frames = export_frames(store, CITY, audience=Audience.TEAM, layers=["meetings"])
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frames, Audience.TEAM)))
    (meeting,) = _rows(book[LAYERS["meetings"].label])
    assert meeting["Partnerstwo"] == meeting["Partnerstwo (id)"] == ids["partnership"]


def test_csv_keeps_reference_ids_in_the_fields_own_column(filled):
    store, ids = filled
    text = _export(store, "csv", layers=("meetings",), audience=Audience.TEAM)
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))
    assert rows[0]["Partnerstwo"] == ids["partnership"]
    assert rows[0]["id"] and "Partnerstwo (id)" not in rows[0]
    assert next(iter(rows[0])) == "id"  # CSV unchanged: the id first


def test_public_xlsx_has_no_column_for_team_only_references(filled):
    store, _ = filled
    book = openpyxl.load_workbook(io.BytesIO(_export(store, "xlsx")))
    for layer in LAYERS.values():
        if layer.label not in book.sheetnames:
            continue
        headers = {c.value for c in book[layer.label][1]}
        for f in layer.fields:
            if not Audience.PUBLIC.can_view(f.visibility):
                assert f.label not in headers and f.ids_label not in headers, f.name
