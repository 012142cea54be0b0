"""Every broken or odd file is imported or refused in Polish, never a traceback (issue 13.8).

After each import the store passes SQLite's integrity check.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from shapely.geometry import box

from mapping.errors import MapError
from mapping.importing import build_report, commit_import, plan_import, read_source
from mapping.store import GeoPackageStore
from tests.broken_files import BROKEN_FILES, BrokenFile, write_broken_file

CITY = "Częstochowa"
_POLISH_WORDS = re.compile(r"[ąćęłńóśźż]|\b(nie|plik|pole|wiersz|brak)\b", re.IGNORECASE)


@pytest.fixture
def city_store(tmp_path: Path) -> GeoPackageStore:
    store = GeoPackageStore(tmp_path / "mapa.gpkg")
    outline = box(18.98, 50.72, 19.27, 50.89)
    with store.batch("test") as batch:
        batch.create("areas", {"name": CITY, "kind": "miasto", "city": CITY, "geometry": outline})
    return store


def _integrity(store: GeoPackageStore) -> str:
    with sqlite3.connect(store.path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


def test_corpus_has_at_least_thirty_files() -> None:
    assert len(BROKEN_FILES) >= 30
    assert len({f.name for f in BROKEN_FILES}) == len(BROKEN_FILES)


@pytest.mark.parametrize("entry", BROKEN_FILES, ids=str)
def test_broken_file_is_imported_or_refused_in_polish_and_the_store_stays_valid(
    entry: BrokenFile, city_store: GeoPackageStore, tmp_path: Path
) -> None:
    path = write_broken_file(entry, tmp_path)
    try:
        plan = plan_import(path, entry.layer, CITY, city_store)
    except MapError as exc:
        message = exc.describe()
        assert _POLISH_WORDS.search(message), message
        assert "Traceback" not in message
    else:
        report = build_report(plan)
        for note in report["rejected"]:
            assert note["row"] is not None and note["field"], note
            assert _POLISH_WORDS.search(note["message"]), note
        if plan.to_write:
            result = commit_import(plan, city_store, "test", remember_mapping=False)
            assert len(result.created) == len(plan.to_write)
        stored = city_store.read_layer(entry.layer if entry.layer != "districts" else "areas")
        assert len(stored) <= len(plan.rows) + 1
    assert _integrity(city_store) == "ok"


def _one(name: str, tmp_path: Path) -> Path:
    entry = next(f for f in BROKEN_FILES if f.name == name)
    return write_broken_file(entry, tmp_path)


def test_unclosed_ring_is_repaired_on_its_row_and_the_rest_kept(
    city_store: GeoPackageStore, tmp_path: Path
) -> None:
    plan = plan_import(_one("niezamkniety-pierscien.geojson", tmp_path), "needs", CITY, city_store)
    assert len(plan.to_write) == 2
    square = plan.row(2)
    assert square.values["geometry"].geom_type in ("Polygon", "MultiPolygon")
    assert any("niezamknięty pierścień" in w.message and w.row == 2 for w in square.warnings)


def test_self_crossing_polygon_is_made_valid(city_store: GeoPackageStore, tmp_path: Path) -> None:
    plan = plan_import(_one("samoprzeciecie.geojson", tmp_path), "needs", CITY, city_store)
    row = plan.row(2)
    assert row.values["geometry"].is_valid
    assert any("naprawiono" in w.message for w in row.warnings)


def test_mixed_encoding_csv_reads_every_line_right_and_names_the_lines(tmp_path: Path) -> None:
    table = read_source(_one("mieszane-kodowanie.csv", tmp_path))
    assert list(table.frame["Nazwa"]) == ["Biblioteka Łąkowa", "Świetlica Żółwik"]
    assert any("mieszane kodowanie" in n and "linie 3" in n for n in table.notes)
    assert "mieszane" in (table.encoding or "")


def test_iso_8859_2_is_not_read_as_windows_1250(tmp_path: Path) -> None:
    table = read_source(_one("iso-8859-2.csv", tmp_path))
    assert table.frame["Nazwa"].iloc[0] == "Biblioteka Łąkowa"
    assert table.frame["Adres"].iloc[0] == "ul. Żółta 1"
    assert table.encoding == "ISO-8859-2"


def test_nul_bytes_anywhere_are_removed_with_a_note(tmp_path: Path) -> None:
    table = read_source(_one("nul-po-4kb.csv", tmp_path))
    assert "Biblioteka nr 300" in set(table.frame["Nazwa"])
    assert not any("\x00" in str(v) for v in table.frame.to_numpy().ravel())
    assert any("NUL" in n and "302" in n for n in table.notes)


def test_a_workbook_renamed_to_csv_is_refused_saying_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(MapError, match="xlsx"):
        read_source(_one("xlsx-jako.csv", tmp_path))


def test_impossible_coordinates_reject_only_the_row_without_address(
    city_store: GeoPackageStore, tmp_path: Path
) -> None:
    path = _one("wspolrzedne-poza-zakresem.csv", tmp_path)
    plan = plan_import(path, "resources", CITY, city_store)
    assert [r.row for r in plan.rejected] == [2]
    kept = plan.row(3)
    assert kept.writes and kept.values["geometry"] is None
    assert any("z adresu" in w.message for w in kept.warnings)


def test_huge_cell_and_overlong_name_are_cut_with_a_warning(
    city_store: GeoPackageStore, tmp_path: Path
) -> None:
    huge = plan_import(_one("ogromne-pole.csv", tmp_path), "resources", CITY, city_store).row(2)
    assert huge.writes and len(huge.values["offer"]) == 4000
    assert any(w.field == "Oferta" and "obcięto" in w.message for w in huge.warnings)
    long = plan_import(_one("za-dluga-nazwa.csv", tmp_path), "resources", CITY, city_store).row(2)
    assert long.writes and len(long.values["name"]) == 200


def test_html_saved_as_csv_is_refused_saying_what_it_is(tmp_path: Path) -> None:
    with pytest.raises(MapError, match="HTML"):
        read_source(_one("html-jako.csv", tmp_path))


def test_gdal_errors_are_polish_and_do_not_show_temporary_paths(tmp_path: Path) -> None:
    with pytest.raises(MapError) as caught:
        read_source(_one("uciety.geojson", tmp_path))
    assert str(tmp_path) not in caught.value.describe()
    assert "uszkodzony" in caught.value.describe()
