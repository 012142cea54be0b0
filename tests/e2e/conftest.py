"""Real-browser fixtures: a `streamlit run` per test module and headless Chromium.

As in Streamlit's own e2e harness: the server starts on a free port, we poll
``/_stcore/health`` until it answers, dump its output if it dies, and always
terminate it.  The browser is Debian's Chromium driven by Playwright's Python
API (never ``playwright install``).  Every request that is not to localhost is
aborted and recorded; tile requests get a blank local tile, so tests prove the
app works offline.  What the page says to the server over Streamlit's websocket
is decoded too (``page.traffic.sent``), so a test can tell whether an
interaction reran the script.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.appserver import REPO, Server, app_env, init_store, running_app

__all__ = ["REPO", "Server", "app_env", "init_store", "running_app"]

ARTIFACTS = REPO / "test-artifacts"
# A 1×1 transparent PNG (RGBA 0, 0, 0, 0) stands in for every map tile.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com")
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on a free port over a fresh copy of the bundled data."""
    tmp = tmp_path_factory.mktemp("server")
    store_path = tmp / "mapa.gpkg"
    env = app_env(store_path)
    init_store(store_path, env)
    with running_app(store_path, env, tmp / "streamlit.log") as running:
        yield running


@dataclass
class Traffic:
    """What the page tried to reach, what it logged and what it asked Streamlit for."""

    blocked: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list, repr=False)
    console_errors: list[str] = field(default_factory=list)
    #: Type of every message the page sent over Streamlit's websocket
    #: ("rerun_script", "app_heartbeat", …), in order.
    sent: list[str] = field(default_factory=list, repr=False)
    #: The page's websocket to Streamlit (``appdriver.script_run`` listens on it).
    socket: Any = field(default=None, repr=False)

    @property
    def reruns(self) -> int:
        """How many times the page asked the server to run the script.

        Every widget change (a component value included) and every page
        switch is one ``rerun_script`` BackMsg, so this counts reruns the page
        caused, whatever the screen shows meanwhile.
        """
        return self.sent.count("rerun_script")


def _watch_session(traffic: Traffic):
    """Record the type of each message the page sends to Streamlit in ``traffic``."""

    def as_bytes(payload: str | bytes) -> bytes:
        return payload if isinstance(payload, bytes) else payload.encode()

    def on_sent(payload: str | bytes) -> None:
        traffic.sent.append(BackMsg.FromString(as_bytes(payload)).WhichOneof("type") or "")

    def handler(socket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            traffic.socket = socket
            socket.on("framesent", on_sent)

    return handler


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


# Opening a page's own URL (e.g. reloading /edycja) makes the Streamlit
# frontend look for its server under that path first: two 404s from
# /edycja/_stcore/health and /edycja/_stcore/host-config, then it finds it at
# the root.  That probing is Streamlit's, not the app's.
_BASE_PATH_PROBE = re.compile(r"^/[^/]+/_stcore/(health|host-config)$")


def _console_errors(traffic: Traffic):
    def handler(msg) -> None:
        if msg.type != "error":
            return
        source = urlparse(msg.location.get("url") or "")
        if source.hostname in LOCAL_HOSTS and _BASE_PATH_PROBE.match(source.path):
            return
        traffic.console_errors.append(f"{msg.text} ({msg.location.get('url') or 'page'})")

    return handler


@pytest.fixture
def viewport() -> dict[str, int]:
    """The page size; a module overrides it (meeting mode runs on a 1920×1080 projector)."""
    return {"width": 1366, "height": 900}


@pytest.fixture
def page(browser, viewport: dict[str, int], request: pytest.FixtureRequest) -> Iterator:
    """A fresh page (1366×900 unless ``viewport`` says otherwise) with the network
    cut off and Streamlit's websocket watched; screenshot on failure."""
    context = browser.new_context(viewport=viewport, locale="pl-PL")
    traffic = Traffic()
    context.route("**/*", _route(traffic))
    tab = context.new_page()
    tab.on("websocket", _watch_session(traffic))
    tab.on("console", _console_errors(traffic))
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
