"""Reading files for import: encodings, separators, merged Excel headers, GIS formats."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
from shapely.geometry import Point

from mapping.importing import SourceReadError, read_source

HEADER = "Nazwa;Adres;Szer.;Dł."
ROW = "Biblioteka „Żółć” – Łódź;ul. Świętej Barbary 5;50,81;19,12"


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("cp1250", "Windows-1250"), ("utf-8-sig", "UTF-8 (z BOM)"), ("utf-8", "UTF-8")],
)
def test_csv_encodings_keep_polish_letters(tmp_path: Path, encoding: str, expected: str) -> None:
    path = _write(tmp_path / "a.csv", f"{HEADER}\r\n{ROW}\r\n", encoding)
    table = read_source(path)
    assert table.encoding == expected
    assert table.columns == ["Nazwa", "Adres", "Szer.", "Dł."]  # no BOM glued to "Nazwa"
    assert table.frame.loc[2, "Nazwa"] == "Biblioteka „Żółć” – Łódź"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = ["nazwa,lat,lon", '"Klub, seniora",54.35,18.64', "Szkoła,54.36,18.65"]
    text = "\n".join(r.replace(",", delimiter) if delimiter != "," else r for r in rows)
    if delimiter != ",":
        text = text.replace('"Klub' + delimiter + ' seniora"', "Klub, seniora")
    table = read_source(_write(tmp_path / "a.csv", text, "utf-8"))
    assert table.delimiter == delimiter
    assert table.frame.loc[2, table.columns[0]] == "Klub, seniora"


def test_semicolon_wins_over_decimal_commas(tmp_path: Path) -> None:
    text = "nazwa;lat;lon\nA;54,35;18,64\nB;54,36;18,65\n"
    table = read_source(_write(tmp_path / "a.csv", text, "cp1250"))
    assert table.delimiter == ";"
    assert table.frame.loc[3, "lon"] == "18,65"


def test_csv_row_numbers_count_empty_rows_and_skip_them(tmp_path: Path) -> None:
    text = "nazwa;adres\nA;x\n;\n\nB;y\n"
    table = read_source(_write(tmp_path / "a.csv", text, "utf-8"))
    assert table.row_numbers == [2, 5]
    assert table.skipped_empty == 2


def test_csv_title_row_above_header_is_skipped(tmp_path: Path) -> None:
    text = "Lista partnerów 2024;;\nNazwa;Adres;Telefon\nA;x;1\n"
    table = read_source(_write(tmp_path / "a.csv", text, "utf-8"))
    assert table.columns == ["Nazwa", "Adres", "Telefon"]
    assert table.row_numbers == [3]


def test_binary_file_named_csv_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(SourceReadError, match="nie jest plikiem tekstowym"):
        read_source(path)


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(SourceReadError, match="nie ma pliku"):
        read_source(tmp_path / "brak.csv")
    (tmp_path / "stary.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(SourceReadError, match=r"\.xls"):
        read_source(tmp_path / "stary.xls")


# -- XLSX -----------------------------------------------------------------------------


def test_xlsx_merged_title_and_two_level_header(tmp_path: Path) -> None:
    """A merged title row, then "Adres" merged over "ulica" | "numer"."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Partnerzy dzielnicy Raków"
    ws.merge_cells("A1:E1")
    ws["A2"], ws["B2"], ws["D2"], ws["E2"] = "Nazwa", "Adres", "Telefon", "Szer."
    ws.merge_cells("B2:C2")
    for col in "ADE":
        ws.merge_cells(f"{col}2:{col}3")
    ws["B3"], ws["C3"] = "ulica", "numer"
    ws.append(["Biblioteka", "Łukasińskiego", "40", 343709404, 50.79])
    ws.append([None, None, None, None, None])
    ws.append(["Klub", "Orkana", "3a", None, None])
    path = tmp_path / "partnerzy.xlsx"
    wb.save(path)
    table = read_source(path)
    assert table.columns == ["Nazwa", "ulica", "numer", "Telefon", "Szer."]
    assert table.row_numbers == [4, 6]  # the sheet's own row numbers
    assert table.skipped_empty == 1
    first = table.frame.loc[4]
    assert (first["ulica"], first["numer"], first["Szer."]) == ("Łukasińskiego", "40", 50.79)


def test_xlsx_merged_header_without_subheader_joins_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nazwa", "Adres", None, "Dzielnica"])
    ws.merge_cells("B1:C1")
    ws.append(["Szkoła", "ul. Orkana", 3, "Raków"])
    ws.append(["Przedszkole", "ul. Jasna", 7, None])
    ws.merge_cells("D2:D3")  # one district for a block of rows
    path = tmp_path / "a.xlsx"
    wb.save(path)
    table = read_source(path)
    assert table.columns == ["Nazwa", "Adres", "Dzielnica"]
    assert list(table.frame["Adres"]) == ["ul. Orkana 3", "ul. Jasna 7"]
    assert list(table.frame["Dzielnica"]) == ["Raków", "Raków"]


def test_xlsx_sheet_choice(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Opis"
    wb.create_sheet("Dane").append(["Nazwa", "Adres"])
    wb["Dane"].append(["A", "x"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    assert read_source(path, sheet="Dane").row_numbers == [2]
    with pytest.raises(SourceReadError, match="nie ma arkusza"):
        read_source(path, sheet="Brak")


def test_damaged_xlsx_is_a_read_error(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    path.write_text("to nie jest arkusz")
    with pytest.raises(SourceReadError):
        read_source(path)


# -- GIS formats ----------------------------------------------------------------------


def _points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"NAZWA": ["Świetlica „Źdźbło”", "Parafia św. Łukasza"]},
        geometry=[Point(19.12, 50.81), Point(19.13, 50.82)],
        crs="EPSG:4326",
    )


def test_geojson(tmp_path: Path) -> None:
    path = tmp_path / "a.geojson"
    _points().to_file(path, driver="GeoJSON")
    table = read_source(path)
    assert table.format == "geojson"
    assert table.frame.loc[2, "NAZWA"] == "Świetlica „Źdźbło”"
    assert table.geometry is not None and table.geometry.loc[3].x == pytest.approx(19.13)


def test_geopackage_prefers_layer_named_like_target(tmp_path: Path) -> None:
    path = tmp_path / "a.gpkg"
    _points().iloc[:1].to_file(path, layer="inne", driver="GPKG")
    _points().to_file(path, layer="resources", driver="GPKG")
    assert len(read_source(path).frame) == 1  # the first layer
    table = read_source(path, prefer_layer="resources")
    assert (table.layer_name, len(table.frame)) == ("resources", 2)
    assert "pominięte warstwy: inne" in table.notes[0]
    assert read_source(path, source_layer="inne").layer_name == "inne"


def _zip_shapefile(tmp_path: Path, *, keep_cpg: bool) -> Path:
    folder = tmp_path / "shp"
    folder.mkdir()
    _points().to_file(folder / "punkty.shp", encoding="cp1250")
    archive = tmp_path / "punkty.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in folder.iterdir():
            if keep_cpg or part.suffix != ".cpg":
                zf.write(part, f"dane/{part.name}")
    return archive


@pytest.mark.parametrize("keep_cpg", [True, False])
def test_zipped_shapefile_in_windows_1250(tmp_path: Path, keep_cpg: bool) -> None:
    table = read_source(_zip_shapefile(tmp_path, keep_cpg=keep_cpg))
    assert table.format == "shp"
    assert list(table.frame["NAZWA"]) == ["Świetlica „Źdźbło”", "Parafia św. Łukasza"]
    assert ("Windows-1250" in " ".join(table.notes)) is not keep_cpg


def test_zip_without_gis_file(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("opis.txt", "nic")
    with pytest.raises(SourceReadError, match="nie ma pliku Shapefile"):
        read_source(archive)


def test_ods_through_gdal(tmp_path: Path) -> None:
    import pandas as pd
    import pyogrio

    path = tmp_path / "a.ods"
    frame = pd.DataFrame({"Nazwa": ["Klub „Żak”"], "Szer.": [50.81]})
    pyogrio.write_dataframe(frame, path, driver="ODS")
    table = read_source(path)
    assert (table.format, table.columns) == ("ods", ["Nazwa", "Szer."])
    assert table.frame.loc[2, "Nazwa"] == "Klub „Żak”"
