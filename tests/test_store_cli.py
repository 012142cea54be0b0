"""The command line on a PostGIS map: init creates the database, every command works on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapping.__main__ import main
from mapping.export import ExportRequest, export, export_frames
from mapping.schema import LAYERS, SYSTEM_FIELDS, Audience, FieldType
from mapping.store import GeoPackageStore, open_store
from tests.export_fixtures import CITY, PRIVATE, PUBLIC_NAME, fill_store, texts_of

psycopg = pytest.importorskip("psycopg")
pytestmark = pytest.mark.postgis

ROWS = [
    "Nazwa;Rodzaj;Kategoria;Szer.;Dł.",
    "Biblioteka Testowa;instytucja;kultura;50,81;19,12",
    "Klub Testowy;organizacja;aktywnosc;;",
]


@pytest.fixture
def new_database(postgis_database: str) -> Iterator[str]:
    """The location of a database that does not exist yet (dropped after the test)."""
    name = f"mapa_test_{uuid.uuid4().hex[:10]}"
    yield postgis_database.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(postgis_database, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "partnerzy.csv"
    path.write_bytes("\r\n".join(ROWS).encode("cp1250"))
    return path


def test_init_creates_the_database_and_every_command_works_on_it(
    new_database: str, csv_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture
):
    assert main(["init", "--db", new_database]) == 0
    assert "Utworzono mapę" in capsys.readouterr().out
    assert main(["init", "--db", new_database]) == 0
    assert "Mapa już istnieje" in capsys.readouterr().out
    store = open_store(new_database)
    assert "Gdańsk" in store.cities() and len(store.read_layer("resources")) > 100

    imported = ["import", str(csv_file), "--layer", "resources", "--city", "Częstochowa"]
    assert main([*imported, "--db", new_database, "--author", "Ala"]) == 0
    assert "nowe 2" in capsys.readouterr().out
    batch_id = store.history().iloc[0]["batch_id"]
    assert set(store.history()["author"]) == {"dane startowe", "Ala"}

    out = tmp_path / "mapa.geojson"
    assert main(["export", "geojson", "--city", "Częstochowa", "--db", new_database,
                 "-o", str(out)]) == 0  # fmt: skip
    assert "Biblioteka Testowa" in "\n".join(texts_of(out.read_bytes()))
    report = tmp_path / "sprawozdanie.docx"
    assert main(["report", "--city", "Częstochowa", "--year", "2025", "--db", new_database,
                 "-o", str(report)]) == 0  # fmt: skip
    assert report.stat().st_size > 0
    assert main(["history", "--db", new_database, "--limit", "5"]) == 0
    assert main(["undo", batch_id, "--db", new_database]) == 0
    assert "Cofnięto 2 zmian" in capsys.readouterr().out
    assert store.read_layer("resources", city="Częstochowa").query("name == 'Klub Testowy'").empty


def test_a_server_without_the_map_is_a_polish_message_not_a_traceback(
    capsys: pytest.CaptureFixture,
):
    assert main(["history", "--db", "postgresql://postgres@127.0.0.1:1/mapa"]) == 2
    assert "Błąd: Nie można połączyć się z serwerem PostgreSQL" in capsys.readouterr().err


def _comparable(frames: dict) -> dict[str, list[dict]]:
    """Exported rows without ids and times (each store made its own), references counted."""
    system = [f.name for f in SYSTEM_FIELDS]
    rows = {}
    for name, frame in frames.items():
        table = frame.drop(columns=system, errors="ignore").to_wkt().astype(object)
        table = table.where(table.notna(), None)
        for f in LAYERS[name].fields:
            if f.type == FieldType.REFS and f.name in table:
                table[f.name] = table[f.name].map(len)
        rows[name] = sorted(table.to_dict("records"), key=repr)
    return rows


def test_the_same_map_gives_the_same_public_export_on_file_and_server(
    tmp_path: Path, postgis_location: str
):
    file_store, server_store = GeoPackageStore(tmp_path / "mapa.gpkg"), open_store(postgis_location)
    frames = {}
    for store in (file_store, server_store):
        fill_store(store)
        frames[store.location] = export_frames(store, CITY, audience=Audience.PUBLIC)
        text = "\n".join(texts_of(export(store, "geojson", ExportRequest(CITY)).data))
        assert PUBLIC_NAME in text and PRIVATE not in text
    file_frames, server_frames = frames.values()
    assert _comparable(file_frames) == _comparable(server_frames)
