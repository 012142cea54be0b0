"""Team mode in Chromium: what a visitor, a partner and an animator get, and locking.

The server runs with ``MAPA_TEAM=1`` over a store whose accounts were made with
the command line (``python -m mapping users add``), as an administrator would.
A resource and a need carry sentinel values in a private and a team field;
every message the server sends over Streamlit's websocket is kept, so a test
can prove a value never reached the browser at all (tables, popups and maps
all travel that way), not merely that it is not drawn.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mapping.editing import record_choices
from mapping.schema import NEEDS, RESOURCES
from mapping.store import GeoPackageStore
from tests.e2e.appdriver import TIMEOUT_MS, choose, field, map_frame, script_run, wait_for_idle
from tests.e2e.conftest import REPO, Server, app_env, init_store, running_app

pytestmark = pytest.mark.browser

CITY = "Gdańsk"
PRIVATE = "PRYWATNA-OSOBA-7731"
PRIVATE_NEED = "PRYWATNY-KONTAKT-4402"
TEAM = "NOTATKA-ZESPOLU-5521"
PASSWORD = "haslo-zespolu-2026"
ACCOUNTS = [
    ("admin", "administrator", "Koordynatorka"),
    ("anna", "animator", "Anna Nowak"),
    ("ola", "partner", "Ola z Rady"),
    ("zenon", "partner", "Zenon"),
]
EDITING_BUTTONS = ("Zapisz zmiany", "Dodaj wpis", "Archiwizuj", "💾 Zapisz import")


def _add_accounts(store_path: Path, env: dict[str, str]) -> None:
    for login, role, name in ACCOUNTS:
        subprocess.run(
            [sys.executable, "-m", "mapping", "users", "add", login, "--role", role,
             "--name", name, "--password-stdin", "--db", str(store_path)],
            cwd=REPO, env=env, input=PASSWORD + "\n", text=True, check=True,
            capture_output=True,
        )  # fmt: skip


def _seed_sentinels(store: GeoPackageStore) -> tuple[dict, dict]:
    resource = store.read_layer("resources", city=CITY).iloc[0]
    need = store.read_layer("needs", city=CITY).iloc[0]
    marked = store.update(
        "resources", resource["id"], {"contact_person": PRIVATE, "notes": TEAM},
        expected_version=int(resource["version"]), author="przygotowanie testu",
    )  # fmt: skip
    marked_need = store.update(
        "needs", need["id"], {"reporter_contact": PRIVATE_NEED},
        expected_version=int(need["version"]), author="przygotowanie testu",
    )  # fmt: skip
    return marked, marked_need


@pytest.fixture(scope="module")
def team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app in team mode over the bundled data, four accounts and the sentinels."""
    tmp = tmp_path_factory.mktemp("team")
    store_path = tmp / "mapa.gpkg"
    env = app_env(store_path, MAPA_TEAM="1")
    init_store(store_path, env)
    _add_accounts(store_path, env)
    _seed_sentinels(GeoPackageStore(store_path))
    with running_app(store_path, env, tmp / "streamlit.log") as running:
        yield running


def received_by(page) -> list[bytes]:
    """Every message the server sends the page over Streamlit's websocket, from now on."""
    received: list[bytes] = []

    def on_socket(socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on(
                "framereceived",
                lambda data: received.append(data if isinstance(data, bytes) else data.encode()),
            )

    page.on("websocket", on_socket)
    return received


def reached_browser(received: list[bytes], value: str) -> bool:
    return value.encode() in b"".join(received)


def open_app(page, server: Server) -> None:
    page.goto(server.url)
    map_frame(page)
    wait_for_idle(page)


def sign_in(page, login: str, password: str = PASSWORD) -> None:
    wait_for_idle(page)
    page.get_by_label("Login", exact=True).fill(login)
    page.get_by_label("Hasło", exact=True).fill(password)
    expect(page.get_by_label("Hasło", exact=True)).to_have_value(password)
    # Until the run the click starts has finished, the screen may still show
    # the previous attempt's answer.
    with script_run(page):
        page.get_by_role("button", name="Zaloguj").click()
    wait_for_idle(page)


def go_to(page, link: str, heading: str) -> None:
    page.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=TIMEOUT_MS)
    wait_for_idle(page)


def nav_links(page) -> list[str]:
    nav = page.locator("[data-testid='stSidebarNav'] a")
    # Each link reads "<icon name>\n\n<title>".
    return [text.strip().split("\n")[-1] for text in nav.all_inner_texts()]


def test_visitor_gets_the_public_map_and_export_and_nothing_private(page, team_server) -> None:
    received = received_by(page)
    open_app(page, team_server)
    assert nav_links(page) == ["Mapa", "Eksport"]
    expect(page.get_by_label("Twoje imię (zapisywane w historii zmian)")).to_have_count(0)
    expect(page.get_by_text("Kto patrzy na mapę")).to_have_count(0)

    go_to(page, "Eksport", f"Eksport — {CITY}")
    expect(page.get_by_text("wersja publiczna")).to_be_visible()
    expect(page.get_by_text("wersja dla zespołu")).to_have_count(0)
    with script_run(page):
        page.get_by_role("button", name="Przygotuj plik").click()
    download_button = page.get_by_role("button", name="⬇️ Pobierz")
    expect(download_button).to_be_visible(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        download_button.click()
    exported = Path(download.value.path()).read_bytes()
    for value in (PRIVATE, PRIVATE_NEED, TEAM):
        assert value.encode() not in exported

    # A bookmarked editing page is not served to a visitor: the map opens instead.
    page.goto(f"{team_server.url}/edycja")
    map_frame(page)
    wait_for_idle(page)
    expect(page.get_by_role("heading", name=f"Aktualizacja mapy — {CITY}")).to_have_count(0)
    for name in EDITING_BUTTONS:
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    for value in (PRIVATE, PRIVATE_NEED, TEAM):
        assert not reached_browser(received, value), value
    assert page.traffic.blocked == []


def test_partner_sees_team_fields_but_no_private_ones_and_cannot_edit_resources(
    page, team_server
) -> None:
    received = received_by(page)
    open_app(page, team_server)
    sign_in(page, "ola")
    expect(page.get_by_text("Zalogowano: Ola z Rady (ola)")).to_be_visible(timeout=TIMEOUT_MS)
    assert "Import" not in nav_links(page)
    assert "Dane" in nav_links(page)

    go_to(page, "Dane", f"Dane — {CITY}")
    expect(page.locator("[data-testid='stDataFrame']")).to_be_visible(timeout=TIMEOUT_MS)
    assert reached_browser(received, TEAM)  # the resources table holds the team note

    go_to(page, "Aktualizacja", f"Aktualizacja mapy — {CITY}")
    # The layer chooser (a segmented control: one radio per layer) offers what a partner edits.
    layers = page.get_by_role("radiogroup", name="Warstwa")
    expect(layers.get_by_role("radio", name="Potrzeby")).to_be_visible()
    expect(layers.get_by_role("radio", name="Zasoby")).to_have_count(0)
    # The need form has no widget for the private reporter contact.
    expect(field(page, "Potrzeba *")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(NEEDS.field("reporter_contact").label)).to_have_count(0)
    expect(page.get_by_role("button", name="Archiwizuj")).to_have_count(0)
    for value in (PRIVATE, PRIVATE_NEED):
        assert not reached_browser(received, value), value
    assert page.traffic.blocked == []


def test_animator_edits_and_the_history_names_the_account(page, team_server) -> None:
    store = GeoPackageStore(team_server.store_path)
    resources = store.read_layer("resources", city=CITY)
    record = resources[resources["contact_person"] == PRIVATE].iloc[0]
    hours = "pon.–pt. 9–17 (zmiana animatorki)"
    open_app(page, team_server)
    sign_in(page, "anna")
    expect(page.get_by_text("Zalogowano: Anna Nowak (anna)")).to_be_visible(timeout=TIMEOUT_MS)
    assert "Import" in nav_links(page)
    expect(page.get_by_label("Twoje imię (zapisywane w historii zmian)")).to_have_count(0)

    go_to(page, "Aktualizacja", f"Aktualizacja mapy — {CITY}")
    with script_run(page):
        choose(page, "Wpis", record_choices(RESOURCES, resources)[record["id"]])
    # While the form is replaced, the old copy may linger hidden: look at the visible one.
    expect(field(page, "Nazwa *")).to_have_value(record["name"], timeout=TIMEOUT_MS)
    # An animator sees private fields, as an editor does.
    expect(field(page, "Osoba kontaktowa 🔒")).to_have_value(PRIVATE)
    field(page, "Godziny otwarcia").fill(hours)
    wait_for_idle(page)
    page.get_by_role("button", name="Zapisz zmiany").click()
    expect(page.get_by_text(f"Zapisano: „{record['name']}”")).to_be_visible(timeout=TIMEOUT_MS)

    saved = store.get("resources", record["id"])
    assert saved["opening_hours"] == hours
    assert saved["contact_person"] == PRIVATE  # the private field kept
    assert store.history("resources", record["id"])["author"].iloc[0] == "Anna Nowak (anna)"
    assert page.traffic.blocked == []


def test_repeated_wrong_passwords_lock_the_account(page, team_server) -> None:
    open_app(page, team_server)
    for attempt in range(1, 6):
        sign_in(page, "zenon", "zle-haslo-0000")
        expect(page.get_by_text("Nieprawidłowy login lub hasło.")).to_be_visible()
        stored = GeoPackageStore(team_server.store_path).get_account("zenon")
        assert stored["failed_attempts"] == attempt  # each attempt counted, none lost
    sign_in(page, "zenon")
    expect(page.get_by_text("Zbyt wiele nieudanych prób logowania")).to_be_visible(
        timeout=TIMEOUT_MS
    )
    expect(page.get_by_text("Zalogowano:")).to_have_count(0)
    assert nav_links(page) == ["Mapa", "Eksport"]
    stored = GeoPackageStore(team_server.store_path).get_account("zenon")
    assert stored["failed_attempts"] == 5 and stored["locked_until"] is not None
