"""KML and KMZ from Google My Maps: every folder, ExtendedData columns, HTML as text."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mapping.importing import (
    ImportPlan,
    SourceReadError,
    commit_import,
    plan_import,
    read_source,
)
from mapping.importing.kml_reader import FOLDER_COLUMN
from mapping.importing.markup import html_text
from mapping.importing.preview import PlannedRow
from mapping.schema import TO_COMPLETE
from mapping.store import GeoPackageStore
from tests.cli_import import import_resources

CITY = "Gdańsk"

#: What My Maps exports: a Document, one Folder per map layer, ExtendedData
#: for the layer's table columns, descriptions as HTML in CDATA.
MY_MAPS = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Zasoby Stogów i Śródmieścia</name>
    <Style id="icon-1899-0288D1-normal"><IconStyle><scale>1</scale></IconStyle></Style>
    <Folder>
      <name>Biblioteki</name>
      <Placemark>
        <name>Filia nr 12 „Stogi”</name>
        <description><![CDATA[<b>Wypożyczalnia</b> i czytelnia<br>zajęcia dla dzieci
          &amp; seniorów]]></description>
        <styleUrl>#icon-1899-0288D1</styleUrl>
        <ExtendedData>
          <Data name="Telefon"><value>58 123 45 67</value></Data>
          <Data name="Adres"><value>ul. Stryjewskiego 25</value></Data>
        </ExtendedData>
        <Point><coordinates>18.7001,54.3818,0</coordinates></Point>
      </Placemark>
      <Placemark>
        <name>Biblioteka Manhattan</name>
        <description>Czytelnia&lt;br&gt;ul. Długa</description>
        <ExtendedData>
          <Data name="Telefon"><value>58 765 43 21</value></Data>
          <Data name="Godziny otwarcia"><value>pn–pt 10–18</value></Data>
        </ExtendedData>
        <Point><coordinates>18.6571,54.3499,0</coordinates></Point>
      </Placemark>
    </Folder>
    <Folder>
      <name>Organizacje pozarządowe</name>
      <Placemark>
        <name>Stowarzyszenie „Wspólne Stogi”</name>
        <description><![CDATA[Spotkania sąsiedzkie<br><br>w każdy czwartek]]></description>
        <Point><coordinates>18.7050,54.3790,0</coordinates></Point>
      </Placemark>
    </Folder>
    <Folder>
      <name>Warstwa bez nazwy</name>
      <Placemark>
        <name>Ławka pod dębem</name>
        <Point><coordinates>18.6990,54.3830,0</coordinates></Point>
      </Placemark>
      <Placemark>
        <name>Skwer Świętopełka</name>
        <Polygon><outerBoundaryIs><LinearRing><coordinates>
          18.650,54.345,0 18.652,54.345,0 18.652,54.347,0 18.650,54.347,0 18.650,54.345,0
        </coordinates></LinearRing></outerBoundaryIs></Polygon>
      </Placemark>
    </Folder>
  </Document>
</kml>
"""
NAMES = [
    "Filia nr 12 „Stogi”",
    "Biblioteka Manhattan",
    "Stowarzyszenie „Wspólne Stogi”",
    "Ławka pod dębem",
    "Skwer Świętopełka",
]


def _kmz(folder: Path, name: str = "Zasoby Stogów.kmz") -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doc.kml", MY_MAPS)
        archive.writestr("images/icon-1.png", b"\x89PNG\r\n\x1a\n")
    return path


def _rows_by_name(plan: ImportPlan) -> dict[str, PlannedRow]:
    return {r.title: r for r in plan.rows}


def test_html_description_becomes_text_with_line_breaks() -> None:
    text = html_text("<b>Wypożyczalnia</b> i czytelnia<br>zajęcia dla dzieci &amp; seniorów")
    assert text == "Wypożyczalnia i czytelnia\nzajęcia dla dzieci & seniorów"
    assert html_text("<p>Akapit</p><p>drugi&nbsp;akapit</p><script>x()</script>") == (
        "Akapit\n\ndrugi akapit"  # a no-break space is a space in a record
    )


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<ul>\n  <li>dzieci</li>\n  <li>seniorzy</li>\n</ul>", "dzieci\nseniorzy"),
        ("Czynne:<br><br>pn–pt", "Czynne:\n\npn–pt"),
        ("<div>Świetlica</div><div>ul. Hallera 1</div>tel.", "Świetlica\nul. Hallera 1\ntel."),
        (
            '<img src="zdj.jpg" alt="Zdjęcie świetlicy"> &quot;Iskra&quot;',
            'Zdjęcie świetlicy "Iskra"',
        ),
        ("Zwykły opis\nw dwóch liniach", "Zwykły opis\nw dwóch liniach"),
    ],
)
def test_html_lists_breaks_and_images_read_as_people_read_them(html: str, text: str) -> None:
    assert html_text(html) == text


def test_kmz_reads_every_folder_and_extended_data(tmp_path: Path) -> None:
    table = read_source(_kmz(tmp_path))
    assert table.format == "kmz"
    assert table.frame["name"].tolist() == NAMES
    assert table.frame[FOLDER_COLUMN].tolist() == [
        "Biblioteki",
        "Biblioteki",
        "Organizacje pozarządowe",
        None,  # My Maps' name for a layer nobody named says nothing of its places
        None,
    ]
    assert {"Telefon", "Adres", "Godziny otwarcia"} <= set(table.columns)
    assert table.frame.loc[2, "description"] == (
        "Wypożyczalnia i czytelnia\nzajęcia dla dzieci & seniorów"
    )
    assert table.frame.loc[3, "description"] == "Czytelnia\nul. Długa"
    assert table.frame.loc[4, "description"] == "Spotkania sąsiedzkie\n\nw każdy czwartek"
    assert str(table.geometry.crs) == "EPSG:4326"
    assert any("Organizacje pozarządowe" in n for n in table.notes)


def test_my_maps_kmz_keeps_every_named_place(tmp_path: Path, seeded_store: GeoPackageStore) -> None:
    plan = plan_import(_kmz(tmp_path), "resources", CITY, seeded_store)
    assert plan.mapping[FOLDER_COLUMN] == "category"
    assert plan.mapping["Telefon"] == "phone"
    assert plan.mapping["Godziny otwarcia"] == "opening_hours"
    assert not plan.rejected
    assert sorted(r.title for r in plan.to_write) == sorted(NAMES)
    rows = _rows_by_name(plan)
    library = rows["Filia nr 12 „Stogi”"].values
    assert (library["category"], library["kind"]) == ("kultura", "instytucja")
    assert library["offer"] == "Wypożyczalnia i czytelnia\nzajęcia dla dzieci & seniorów"
    assert library["address"] == "ul. Stryjewskiego 25"
    assert library["district"] == "Stogi"
    assert rows["Stowarzyszenie „Wspólne Stogi”"].values["kind"] == "organizacja"
    bench = rows["Ławka pod dębem"]
    assert bench.values["status"] == TO_COMPLETE  # kept, listed for completion
    square = rows["Skwer Świętopełka"]
    assert square.values["geometry"].geom_type == "Point"
    assert any("obszar (wielokąt) zamieniono na punkt" in w.message for w in square.warnings)
    result = commit_import(plan, seeded_store, "Ala")
    assert len(result.created) == len(NAMES)


def test_folder_mapping_can_be_changed_in_the_preview(
    tmp_path: Path, seeded_store: GeoPackageStore
) -> None:
    plan = plan_import(_kmz(tmp_path), "resources", CITY, seeded_store, {FOLDER_COLUMN: "subtype"})
    rows = _rows_by_name(plan)
    assert rows["Biblioteka Manhattan"].values["subtype"] == "Biblioteki"
    assert rows["Biblioteka Manhattan"].values["category"] == "kultura"  # from the name now


def test_one_folder_can_be_chosen_and_a_wrong_one_is_named(tmp_path: Path) -> None:
    path = _kmz(tmp_path)
    table = read_source(path, source_layer="organizacje pozarządowe")
    assert table.frame["name"].tolist() == ["Stowarzyszenie „Wspólne Stogi”"]
    with pytest.raises(SourceReadError, match=r"nie ma folderu „Parki”.*„Biblioteki”"):
        read_source(path, source_layer="Parki")


def test_plain_kml_with_nested_folders_uses_the_nearest_folder(tmp_path: Path) -> None:
    path = tmp_path / "mapa.kml"
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>Sport</name>'
        "<Folder><name>Boiska</name><Placemark><name>Orlik przy SP 92</name>"
        "<Point><coordinates>18.70,54.38</coordinates></Point></Placemark></Folder>"
        "<Placemark><name>Hala „Stogi”</name></Placemark></Folder></Document></kml>",
        encoding="utf-8",
    )
    table = read_source(path)
    assert table.frame[FOLDER_COLUMN].tolist() == ["Boiska", "Sport"]
    assert table.geometry.iloc[1] is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("uszkodzony.kmz", b"PK\x03\x04" + b"\x00" * 30, "KMZ .*uszkodzony"),
        ("pusty.kml", b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>', "miejsc"),
        ("zly.kml", b"<kml><Document><Placemark>", "poprawny plik KML"),
    ],
)
def test_broken_kml_gets_a_polish_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceReadError, match=message):
        read_source(path)


def test_kmz_imports_in_one_command(
    tmp_path: Path, seeded_store: GeoPackageStore, capsys: pytest.CaptureFixture
) -> None:
    code, report = import_resources(_kmz(tmp_path), seeded_store, tmp_path)
    assert code == 0
    assert report["accepted"] == len(NAMES)
    stored = seeded_store.read_layer("resources", city=CITY)
    assert set(NAMES) <= set(stored["name"])
    assert "Zapisano: nowe 5" in capsys.readouterr().out


def test_extended_data_called_name_keeps_the_placemark_name(tmp_path: Path) -> None:
    path = tmp_path / "mapa.kml"
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Świetlica</name>'
        '<ExtendedData><Data name="name"><value>Świetlica „Iskra”, Stogi</value></Data>'
        "</ExtendedData><Point><coordinates>18.70,54.38</coordinates></Point></Placemark>"
        "</Document></kml>",
        encoding="utf-8",
    )
    table = read_source(path)
    assert table.frame.loc[2, "name"] == "Świetlica"
    assert table.frame.loc[2, "name (dane)"] == "Świetlica „Iskra”, Stogi"


def test_my_maps_network_link_export_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "Zasoby Stogów.kml"
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Zasoby Stogów</name>'
        "<NetworkLink><name>Zasoby Stogów</name><Link><href>"
        "https://www.google.com/maps/d/kml?mid=1AbC&amp;forcekml=1</href></Link></NetworkLink>"
        "</Document></kml>",
        encoding="utf-8",
    )
    with pytest.raises(SourceReadError, match="łącze do danych w sieci") as caught:
        read_source(path)
    assert "https://www.google.com/maps/d/kml?mid=1AbC&forcekml=1" in str(caught.value)


def test_kml_address_and_phone_elements_are_columns(
    tmp_path: Path, seeded_store: GeoPackageStore
) -> None:
    path = tmp_path / "earth.kml"
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
        "<name>Świetlica „Iskra”</name><address>ul. Hallera 1, Gdańsk</address>"
        "<phoneNumber>tel:+48 58 123 45 67</phoneNumber>"
        "<Point><coordinates>18.6571,54.3499</coordinates></Point></Placemark></Document></kml>",
        encoding="utf-8",
    )
    row = plan_import(path, "resources", CITY, seeded_store).rows[0]
    assert row.values["address"] == "ul. Hallera 1, Gdańsk"
    assert row.values["phone"] == "+48 58 123 45 67"
