"""Real-browser fixtures: a `streamlit run` per test module and headless Chromium.

As in Streamlit's own e2e harness: the server starts on a free port, we poll
``/_stcore/health`` until it answers, dump its output if it dies, and always
terminate it.  The browser is Debian's Chromium driven by Playwright's Python
API (never ``playwright install``).  Every request that is not to localhost is
aborted and recorded; tile requests get a blank local tile, so tests prove the
app works offline.
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
# A 1×1 transparent PNG stands in for every map tile.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A running `streamlit run app.py`."""

    url: str
    store_path: Path
    process: subprocess.Popen


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer in {timeout}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a free port over a fresh copy of the bundled data."""
    tmp = tmp_path_factory.mktemp("server")
    store_path = tmp / "mapa.gpkg"
    env = {**os.environ, "MAPA_DB": str(store_path), "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, "-m", "mapping", "init", "--db", str(store_path)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = tmp / "streamlit.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(port), "--server.headless", "true",
                "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        _wait_healthy(url, process, log)
        yield Server(url, store_path, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@dataclass
class Traffic:
    """What the page tried to reach and what it logged."""

    blocked: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Headless Debian Chromium, shared by the session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/install-test-system.sh)")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def _route(traffic: Traffic):
    def handler(route, request) -> None:
        url = request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:", "file:")) or host in LOCAL_HOSTS:
            route.continue_()
        elif any(host.endswith(t) for t in TILE_HOSTS):
            traffic.tiles.append(url)
            route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        else:
            traffic.blocked.append(url)
            route.abort()

    return handler


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator:
    """A fresh 1366×900 page with the network cut off; screenshot on failure."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="pl-PL")
    traffic = Traffic()
    context.route("**/*", _route(traffic))
    tab = context.new_page()
    tab.on(
        "console",
        lambda msg: traffic.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    tab.on("pageerror", lambda exc: traffic.console_errors.append(str(exc)))
    tab.traffic = traffic
    yield tab
    outcome = getattr(request.node, "rep_call", None)
    if outcome is not None and outcome.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (for screenshot-on-failure)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
