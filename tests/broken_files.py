"""A corpus of broken and odd import files, written on demand into a folder.

Each entry is what animators really send (or what a damaged download
leaves): empty files, files with only a header, wrong separators, every
byte-order mark, mixed encodings, NUL bytes, truncated workbooks, HTML saved
as .csv, invalid GeoJSON, unclosed rings, features without geometry,
swapped or impossible coordinates, huge cells, repeated headers, merged
cells.  ``tests/test_import_broken_files.py`` imports every one.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

__all__ = ["BROKEN_FILES", "BrokenFile", "write_broken_file"]

HEADER = "Nazwa;Rodzaj;Kategoria;Adres;Szer.;Dł."
ROW = "Biblioteka Łąkowa;instytucja;kultura;ul. Żółta 1;50,81;19,12"
# Inside Częstochowa (the test store's city), lon/lat.
INSIDE = (19.12, 50.81)


@dataclass(frozen=True)
class BrokenFile:
    """One file of the corpus: its name, the import layer, and how to write it."""

    name: str
    layer: str
    write: Callable[[Path], None]

    def __str__(self) -> str:
        return self.name


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _text(text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return _bytes(text.encode(encoding))


def _feature(geometry: dict | None, name: str = "Punkt") -> dict:
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def _geojson(*features: dict) -> Callable[[Path], None]:
    return _text(json.dumps({"type": "FeatureCollection", "features": list(features)}))


def _point(lon: float, lat: float) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _polygon(*ring: tuple[float, float]) -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def _workbook(fill: Callable[[openpyxl.Workbook], None]) -> bytes:
    workbook = openpyxl.Workbook()
    fill(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows(*rows: tuple) -> Callable[[openpyxl.Workbook], None]:
    def fill(workbook: openpyxl.Workbook) -> None:
        for row in rows:
            workbook.active.append(row)

    return fill


def _merged(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.append(("Lista partnerów 2024",))
    sheet.merge_cells("A1:D1")
    sheet.append(("Nazwa", "Adres", None, "Dzielnica"))
    sheet.merge_cells("B2:C2")
    sheet.append(("Klub", "ul. Długa", "5", "Śródmieście"))
    sheet.append(("Świetlica", "ul. Krótka", "1", None))
    sheet.merge_cells("D3:D4")


def _formula_errors(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.active
    sheet.append(("Nazwa", "Telefon", "Liczba"))
    sheet.append(("Klub", "#N/A", "=1/0"))
    sheet.append(('=HYPERLINK("http://x","kliknij")', None, None))


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_GOOD_XLSX = _workbook(_rows(("Nazwa", "Rodzaj", "Kategoria"), ("Klub", "organizacja", "sport")))
_MANY_ROWS = "\n".join([HEADER, *[ROW.replace("Łąkowa", f"nr {i}") for i in range(400)]])
_NUL_LATE = _MANY_ROWS.encode("utf-8").replace(b"nr 300;", b"nr 3\x0000;")

BROKEN_FILES: tuple[BrokenFile, ...] = (
    # --- text tables --------------------------------------------------------------
    BrokenFile("pusty.csv", "resources", _bytes(b"")),
    BrokenFile("same-spacje.csv", "resources", _text("   \n\n  \n")),
    BrokenFile("tylko-naglowek.csv", "resources", _text(HEADER + "\n")),
    BrokenFile("zly-separator.csv", "resources", _text("Nazwa:Adres\nKlub:ul. Długa 1\n")),
    BrokenFile("bom-utf8.csv", "resources", _bytes(b"\xef\xbb\xbf" + f"{HEADER}\n{ROW}".encode())),
    BrokenFile("bom-utf16le.csv", "resources", _text(f"\ufeff{HEADER}\n{ROW}", "utf-16-le")),
    BrokenFile("bom-utf16be.csv", "resources", _text(f"\ufeff{HEADER}\n{ROW}", "utf-16-be")),
    BrokenFile("utf16-bez-bom.csv", "resources", _text(f"{HEADER}\n{ROW}", "utf-16-le")),
    BrokenFile(
        "mieszane-kodowanie.csv",
        "resources",
        _bytes(
            f"{HEADER}\n{ROW}\n".encode()
            + "Świetlica Żółwik;instytucja;kultura;ul. Łąkowa 2;50,82;19,13\n".encode("cp1250")
        ),
    ),
    BrokenFile("iso-8859-2.csv", "resources", _text(f"{HEADER}\n{ROW}", "iso-8859-2")),
    BrokenFile("nul-po-4kb.csv", "resources", _bytes(_NUL_LATE)),
    BrokenFile("nul-na-poczatku.csv", "resources", _bytes(b"Na\x00zwa;Adres\nKlub;ul. A 1\n")),
    BrokenFile(
        "html-jako.csv",
        "resources",
        _text("<!DOCTYPE html><html><body><table><tr><td>Nazwa</td></tr></table></body></html>"),
    ),
    BrokenFile("xlsx-jako.csv", "resources", _bytes(_GOOD_XLSX)),
    BrokenFile("pdf-jako.csv", "resources", _bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")),
    BrokenFile("smieci.csv", "resources", _bytes(bytes(range(256)) * 20)),
    BrokenFile("ogromne-pole.csv", "resources", _text(f"Nazwa;Oferta\nKlub;{'x' * 300_000}\n")),
    BrokenFile("za-dluga-nazwa.csv", "resources", _text(f"Nazwa;Adres\n{'N' * 400};ul. A 1\n")),
    BrokenFile(
        "powtorzone-naglowki.csv",
        "resources",
        _text("Nazwa;Nazwa;Adres;Adres\nKlub;Klub Sportowy;ul. A 1;ul. B 2\n"),
    ),
    BrokenFile("niezamkniety-cudzyslow.csv", "resources", _text('Nazwa;Adres\n"Klub;ul. A 1\n')),
    BrokenFile(
        "wspolrzedne-poza-zakresem.csv",
        "resources",
        _text("Nazwa;Adres;Szer.;Dł.\nBez adresu;;95,0;200,0\nZ adresem;ul. Długa 1;95,0;200,0\n"),
    ),
    BrokenFile(
        "wspolrzedne-zamienione.csv",
        "resources",
        _text(f"Nazwa;Szer.;Dł.\nKlub;{INSIDE[0]};{INSIDE[1]}\n".replace(".", ",")),
    ),
    BrokenFile(
        "wspolrzedne-tekst.csv",
        "resources",
        _text("Nazwa;Szer.;Dł.\nKlub;koło;kościoła\nDom;50,8;\n"),
    ),
    BrokenFile(
        "znaki-sterujace.csv",
        "resources",
        _text("Nazwa;Oferta\nKlub\x0bSeniora;zajęcia\x0cruchowe\x07\n"),
    ),
    BrokenFile(
        "zly-telefon-email.csv",
        "resources",
        _text("Nazwa;Telefon;E-mail;Strona www\nKlub;tel. nieczynny;ktoś@;ht!tp://\n"),
    ),
    BrokenFile("stary-excel.xls", "resources", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" * 64)),
    # --- workbooks ------------------------------------------------------------------
    BrokenFile("uciety.xlsx", "resources", _bytes(_GOOD_XLSX[: len(_GOOD_XLSX) // 2])),
    BrokenFile("pusty-skoroszyt.xlsx", "resources", _bytes(_workbook(lambda wb: None))),
    BrokenFile("tylko-naglowek.xlsx", "resources", _bytes(_workbook(_rows(("Nazwa", "Adres"))))),
    BrokenFile("scalone-komorki.xlsx", "resources", _bytes(_workbook(_merged))),
    BrokenFile("bledy-formul.xlsx", "resources", _bytes(_workbook(_formula_errors))),
    BrokenFile("zip-jako.xlsx", "resources", _bytes(_zip({"notatka.txt": b"nie arkusz"}))),
    BrokenFile("tekst-jako.xlsx", "resources", _text("Nazwa;Adres\nKlub;ul. A 1\n")),
    # --- GIS files ------------------------------------------------------------------
    BrokenFile("zly-json.geojson", "resources", _text('{"type": "FeatureCollection", "feat')),
    BrokenFile("pusta-kolekcja.geojson", "resources", _geojson()),
    BrokenFile(
        "niezamkniety-pierscien.geojson",
        "needs",
        _geojson(
            _feature(_polygon((19.10, 50.80), (19.12, 50.80), (19.12, 50.82)), "Plac"),
            _feature(_point(*INSIDE), "Ławka"),
        ),
    ),
    BrokenFile(
        "samoprzeciecie.geojson",
        "needs",
        _geojson(
            _feature(
                _polygon(
                    (19.10, 50.80), (19.12, 50.82), (19.12, 50.80), (19.10, 50.82), (19.10, 50.80)
                ),
                "Kokarda",
            )
        ),
    ),
    BrokenFile(
        "bez-geometrii.geojson",
        "resources",
        _geojson(_feature(None, "Klub"), _feature(None, "Świetlica")),
    ),
    BrokenFile(
        "zamienione-osie.geojson", "resources", _geojson(_feature(_point(INSIDE[1], INSIDE[0])))
    ),
    BrokenFile(
        "poza-zakresem.geojson", "resources", _geojson(_feature(_point(500.0, -300.0), "Daleko"))
    ),
    BrokenFile(
        "uciety.geojson", "resources", _text(json.dumps({"type": "FeatureCollection"})[:-5])
    ),
    BrokenFile("uszkodzony.zip", "resources", _bytes(b"PK\x03\x04" + b"\x00" * 50)),
    BrokenFile("zip-bez-shp.zip", "resources", _bytes(_zip({"czytaj.txt": b"nic"}))),
    BrokenFile("zly-xml.kml", "resources", _text("<kml><Document><Placemark><name>A</name>")),
    BrokenFile("tekst-jako.gpkg", "resources", _text("to nie jest GeoPackage")),
)


def write_broken_file(entry: BrokenFile, folder: Path) -> Path:
    """Write ``entry`` into ``folder``; return its path."""
    path = folder / entry.name
    entry.write(path)
    return path


# -- broken maps: the store's own file in trouble ---------------------------------


@dataclass(frozen=True)
class BrokenStore:
    """A map file in trouble: how to make it from a good map, and what the user is told.

    ``make`` gets a good, closed map file and returns the location to open;
    ``message`` is a regular expression of the Polish message.
    """

    name: str
    make: Callable[[Path], Path]
    message: str

    def __str__(self) -> str:
        return self.name


def _mistyped(good: Path) -> Path:
    return good.with_name("mapa-literówka.gpkg")  # MAPA_DB with a typo


def _missing_folder(good: Path) -> Path:
    return good.parent / "nie-ma-takiego-folderu" / good.name


def _a_folder(good: Path) -> Path:
    folder = good.parent / "folder.gpkg"
    folder.mkdir()
    return folder


def _damaged_pages(good: Path) -> Path:
    data = bytearray(good.read_bytes())
    page = 4096
    for number in range(2, len(data) // page):  # every page but the header's
        data[number * page + 8 : number * page + 64] = b"\xa5" * 56
    good.write_bytes(bytes(data))
    return good


def _truncated(good: Path) -> Path:
    good.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    return good


def _not_sqlite(good: Path) -> Path:
    good.write_bytes(b"PK\x03\x04 to jest plik ZIP, a nie mapa" * 100)
    return good


def _copied_mid_write(good: Path) -> Path:
    """The file alone copied while an import was being written (its journal left behind)."""
    from tests.store_writes import copied_mid_write

    copy = good.with_name("kopia-w-trakcie.gpkg")
    copied_mid_write(good, copy)
    return copy


def _copied_after_kill(good: Path) -> Path:
    """The file alone copied after an import was killed (kill -9) in the middle."""
    from tests.store_writes import killed_mid_write

    killed_mid_write(good)
    copy = good.with_name("kopia-po-awarii.gpkg")
    copy.write_bytes(good.read_bytes())
    return copy


BROKEN_STORES: tuple[BrokenStore, ...] = (
    BrokenStore("literówka w MAPA_DB", _mistyped, r"Nie ma mapy .*mapping init"),
    BrokenStore("brak folderu", _missing_folder, r"nie ma folderu .*mapping init"),
    BrokenStore("folder zamiast pliku", _a_folder, r"to folder, a nie plik mapy"),
    BrokenStore("uszkodzone strony", _damaged_pages, r"uszkodzony.*kopii zapasowej"),
    BrokenStore("ucięty plik", _truncated, r"uszkodzony.*kopii zapasowej"),
    BrokenStore("nie SQLite", _not_sqlite, r"nie jest bazą GeoPackage albo jest uszkodzony"),
    BrokenStore(
        "kopia bez pliku -journal", _copied_mid_write, r"skopiowany w trakcie zapisu.*backup"
    ),
    BrokenStore(
        "kopia po kill -9 bez -journal", _copied_after_kill, r"skopiowany w trakcie zapisu"
    ),
)
