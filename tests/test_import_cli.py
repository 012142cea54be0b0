"""``python -m mapping import``: exit codes, the JSON report, dry runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapping.__main__ import main
from mapping.store import GeoPackageStore

ROWS = [
    "Nazwa;Rodzaj;Kategoria;Szer.;Dł.",
    "Biblioteka;instytucja;kultura;50,81;19,12",
    ";;;;",
    ";instytucja;kultura;50,81;19,12",
    "Biblioteka;instytucja;kultura;50,81;19,12",
    "Klub;organizacja;aktywnosc;;",
]


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "partnerzy.csv"
    path.write_bytes("\r\n".join(ROWS).encode("cp1250"))
    return path


@pytest.fixture(autouse=True)
def _maps(tmp_path: Path) -> None:
    """The maps the commands below import into: no command but ``init`` creates one."""
    for name in ("mapa.gpkg", "m.gpkg"):
        GeoPackageStore(tmp_path / name)


def _run(*args: str) -> int:
    return main(["import", *map(str, args)])


def test_report_shape_and_dry_run(
    tmp_path: Path, csv_file: Path, capsys: pytest.CaptureFixture
) -> None:
    db, report_path = tmp_path / "mapa.gpkg", tmp_path / "raport.json"
    code = _run(
        csv_file,
        "--layer",
        "resources",
        "--city",
        "Częstochowa",
        "--db",
        db,
        "--dry-run",
        "--report",
        report_path,
    )
    assert code == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert {"accepted", "rejected", "duplicates", "geocoded", "unlocated"} <= set(report)
    assert report["accepted"] == 2
    assert report["rejected"] == [{"row": 4, "field": "Nazwa", "message": "pole jest wymagane"}]
    assert [d["row"] for d in report["duplicates"]] == [5]
    assert report["duplicates"][0]["duplicate_of"]["row"] == 2
    assert (report["geocoded"], report["unlocated"], report["skipped_empty"]) == (0, 1, 1)
    assert report["dry_run"] is True
    assert GeoPackageStore(db).read_layer("resources").empty
    out = capsys.readouterr().out
    assert "Próba (--dry-run): nic nie zapisano." in out
    assert "wiersz 4, pole „Nazwa”: pole jest wymagane" in out


def test_import_writes_and_can_be_undone(tmp_path: Path, csv_file: Path) -> None:
    db, report_path = tmp_path / "mapa.gpkg", tmp_path / "raport.json"
    code = _run(
        csv_file,
        "--layer",
        "resources",
        "--city",
        "Częstochowa",
        "--db",
        db,
        "--report",
        report_path,
        "--author",
        "Ala",
    )
    assert code == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert (report["created"], report["accepted"]) == (2, 2)
    store = GeoPackageStore(db)
    assert sorted(store.read_layer("resources")["name"]) == ["Biblioteka", "Klub"]
    assert set(store.history()["author"]) == {"Ala"}
    assert main(["undo", report["batch_id"], "--db", str(db)]) == 0
    assert store.read_layer("resources").empty


def test_duplicates_option_and_mapping_option(tmp_path: Path, csv_file: Path) -> None:
    db, report_path = tmp_path / "mapa.gpkg", tmp_path / "r.json"
    code = _run(
        csv_file,
        "--layer",
        "resources",
        "--city",
        "Częstochowa",
        "--db",
        db,
        "--duplicates",
        "add",
        "--mapping",
        "Rodzaj=subtype",
        "--report",
        report_path,
    )
    assert code == 0
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["mapping"]["Rodzaj"] == "subtype"
    assert report["duplicates"][0]["decision"] == "add"
    assert report["accepted"] == 3  # kinds guessed from the subtype words


def test_unreadable_file_exits_2_with_polish_error(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "zepsuty.xlsx"
    bad.write_text("to nie jest arkusz")
    code = _run(bad, "--layer", "resources", "--city", "Częstochowa", "--db", tmp_path / "m.gpkg")
    assert code == 2
    assert "Błąd: nie można otworzyć arkusza zepsuty.xlsx" in capsys.readouterr().err
    assert (
        _run(tmp_path / "brak.csv", "--layer", "needs", "--city", "X", "--db", tmp_path / "m.gpkg")
        == 2
    )


def test_wrong_mapping_is_an_error_not_a_crash(
    tmp_path: Path, csv_file: Path, capsys: pytest.CaptureFixture
) -> None:
    code = _run(
        csv_file,
        "--layer",
        "resources",
        "--city",
        "Częstochowa",
        "--db",
        tmp_path / "m.gpkg",
        "--mapping",
        "Nazwa=nic",
    )
    assert code == 2
    assert "nieznane pole „nic”" in capsys.readouterr().err
