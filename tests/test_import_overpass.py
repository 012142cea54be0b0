"""“Pobierz z OpenStreetMap”: the Overpass query, the answer, and every way it can fail.

The server is a local fake (``http.server`` in a thread) serving recorded
answers; ``MAPA_OVERPASS_URL`` points the code at it.  No test leaves the machine.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mapping.errors import MapError
from mapping.importing import plan_import
from mapping.importing.osm_tags import OSM_CREDIT
from mapping.importing.overpass import (
    OVERPASS_URL_ENV,
    OverpassError,
    build_query,
    district_area,
    fetch_district,
)
from mapping.store import GeoPackageStore
from tests.osm_fixtures import NAMED, overpass_json

CITY = "Gdańsk"


@dataclass
class _Answer:
    """What the fake server answers next, and what it was asked."""

    status: int = 200
    body: bytes = b""
    queries: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    hold: bool = False  # keep the client waiting until the test lets go


@pytest.fixture
def overpass(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Answer]:
    answer = _Answer(body=json.dumps(overpass_json(), ensure_ascii=False).encode("utf-8"))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
            answer.queries.append(form["data"][0])
            if answer.hold:
                answer.release.wait(10)  # a condition: the test releases it when done
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    monkeypatch.setenv(OVERPASS_URL_ENV, f"http://127.0.0.1:{server.server_port}/api/interpreter")
    try:
        yield answer
    finally:
        answer.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


def test_query_is_built_from_the_district_polygon_and_the_tag_table(
    seeded_store: GeoPackageStore,
) -> None:
    name, area = district_area(seeded_store, CITY, "stogi")
    assert name == "Stogi"
    query = build_query(area, timeout=30)
    assert query.startswith("[out:json][timeout:30];")
    assert 'nwr["amenity"~"^(library|' in query and "community_centre" in query
    assert 'nwr["club"](poly:"' in query  # any club
    assert query.rstrip().endswith("out center tags;")
    ring = query.split('(poly:"')[1].split('"')[0].split()
    lat, lon = float(ring[0]), float(ring[1])  # Overpass wants latitude first
    assert 54.3 < lat < 54.45 and 18.6 < lon < 18.8
    assert len(ring) // 2 <= 120


def test_district_download_imports_with_every_place_credited(
    overpass: _Answer, seeded_store: GeoPackageStore, tmp_path: Path
) -> None:
    download = fetch_district(seeded_store, CITY, "Stogi")
    assert len(overpass.queries) == 1 and "poly:" in overpass.queries[0]
    assert download.district == "Stogi" and download.places == 7
    assert download.name.startswith("osm-stogi-") and download.name.endswith(".json")
    path = tmp_path / download.name
    path.write_bytes(download.content)
    plan = plan_import(path, "resources", CITY, seeded_store)
    assert not plan.rejected
    assert set(NAMED) <= {r.title for r in plan.to_write}
    assert all(r.values["source"].startswith(OSM_CREDIT) for r in plan.to_write)


def test_no_network_gets_a_polish_message(
    seeded_store: GeoPackageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(OVERPASS_URL_ENV, f"http://127.0.0.1:{port}/api/interpreter")
    with pytest.raises(OverpassError, match="Nie udało się połączyć z OpenStreetMap") as caught:
        fetch_district(seeded_store, CITY, "Stogi")
    assert "sprawdź połączenie z internetem" in str(caught.value)


def test_a_silent_server_times_out(overpass: _Answer, seeded_store: GeoPackageStore) -> None:
    overpass.hold = True
    with pytest.raises(OverpassError, match=r"nie odpowiedział w ciągu 0\.3 s"):
        fetch_district(seeded_store, CITY, "Stogi", timeout=0.3)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (429, b"", "za dużo zapytań"),
        (504, b"", "przeciążony"),
        (200, b"<html>Internal error</html>", "nie da się odczytać"),
        (
            200,
            json.dumps({"elements": [], "remark": "runtime error: Query timed out"}).encode(),
            "Query timed out",
        ),
        (200, json.dumps({"elements": []}).encode(), "nie ma w dzielnicy Stogi"),
    ],
)
def test_server_trouble_is_explained(
    overpass: _Answer, seeded_store: GeoPackageStore, status: int, body: bytes, message: str
) -> None:
    overpass.status, overpass.body = status, body
    with pytest.raises(OverpassError, match=message):
        fetch_district(seeded_store, CITY, "Stogi")


def test_unknown_district_is_named(seeded_store: GeoPackageStore) -> None:
    with pytest.raises(MapError, match="nie ma dzielnicy „Sopot Dolny”"):
        fetch_district(seeded_store, CITY, "Sopot Dolny")


def test_district_without_a_boundary_asks_for_one(seeded_store: GeoPackageStore) -> None:
    with pytest.raises(MapError, match="Raków nie ma granic na mapie"):
        fetch_district(seeded_store, "Częstochowa", "Raków")


def test_import_page_fetches_a_district_and_previews_it(
    overpass: _Answer, seeded_store: GeoPackageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=90)
    at.session_state["city"] = CITY
    at.run()
    at.switch_page("pages/import_danych.py").run()
    assert not at.exception
    assert not overpass.queries  # nothing is asked before the button
    at.selectbox(key="imp_osm_district").set_value("Stogi").run()
    at.button(key="imp_osm_fetch").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    assert len(overpass.queries) == 1
    assert any("Stogi, miejsc: 7" in s.value for s in at.success)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Do zapisania"] == "7"
    assert any("ODbL" in w.value for w in at.warning)


def test_import_page_says_so_when_offline(
    seeded_store: GeoPackageStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv(OVERPASS_URL_ENV, f"http://127.0.0.1:{port}/api/interpreter")
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=90)
    at.session_state["city"] = CITY
    at.run()
    at.switch_page("pages/import_danych.py").run()
    at.button(key="imp_osm_fetch").click().run()
    assert not at.exception
    assert any("Nie udało się połączyć z OpenStreetMap" in e.value for e in at.error)


def test_osm_command_fetches_a_file_for_import(
    overpass: _Answer, seeded_store: GeoPackageStore, tmp_path: Path
) -> None:
    from mapping.__main__ import main

    output = tmp_path / "stogi.json"
    args = ["osm", "--city", "gdansk", "--district", "Stogi", "-o", str(output)]
    assert main([*args, "--db", str(seeded_store.location)]) == 0
    assert json.loads(output.read_text(encoding="utf-8"))["elements"]
    overpass.status = 504
    assert main([*args, "--db", str(seeded_store.location)]) == 2  # a Polish error, no traceback
