"""Every page, with a hostile city and hostile records, renders no user text as markup.

The pages run under Streamlit's AppTest on a store where the city's name is
a markdown image and every record, district and partnership carries one of
the hostile strings.  Every text Streamlit would render as markdown (titles,
messages, widget and expander labels, radio options …) is read from the
element tree and checked with ``live_markup``; and no page may open a
connection to another machine while it runs.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from mapping.store import GeoPackageStore
from tests import navigation
from tests.hostile.fixtures import HOSTILE_CITIES, fill_hostile
from tests.hostile.markup import live_markup
from tests.hostile.strings import REMOTE_HOST

PAGES = list(navigation.app_pages())
#: Proto fields Streamlit renders as markdown.
MARKDOWN_FIELDS = frozenset({"body", "label", "help", "options", "captions", "content"})
#: Elements whose text is shown as plain text, or is the app's own HTML or data.
PLAIN_ELEMENTS = frozenset(
    {"Selectbox", "MultiSelect", "Arrow", "Dataframe", "Json", "Text", "Code", "Html",
     "IFrame", "ComponentInstance", "Exception", "DateInput", "TextInput", "TextArea"}
)  # fmt: skip
#: The city named with a markdown image that would load from REMOTE_HOST.
CITY = HOSTILE_CITIES[1]


@pytest.fixture(scope="module")
def hostile_map(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    store = GeoPackageStore(tmp_path_factory.mktemp("hostile-pages") / "mapa.gpkg")
    fill_hostile(store, CITY)
    return store.path, store.cities()[0]


@pytest.fixture
def app(hostile_map, monkeypatch) -> AppTest:
    path, city = hostile_map
    monkeypatch.setenv("MAPA_DB", str(path))
    at = AppTest.from_file(str(navigation.APP), default_timeout=120)
    at.session_state["city"] = city
    at.session_state["author"] = CITY  # the author's name is shown too
    return at


class _Connections:
    """Addresses of connections opened while recording (an audit hook, PEP 578)."""

    def __init__(self) -> None:
        self.recording = False
        self.seen: list[str] = []

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.recording or event not in ("socket.connect", "socket.getaddrinfo"):
            return
        address = args[1] if event == "socket.connect" else args
        host = str(address[0]) if isinstance(address, tuple) and address else str(address)
        if host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            self.seen.append(f"{event} {address}")


_CONNECTIONS = _Connections()
sys.addaudithook(_CONNECTIONS)  # hooks cannot be removed: it records only when asked


@pytest.fixture
def connections() -> Iterator[_Connections]:
    _CONNECTIONS.seen.clear()
    _CONNECTIONS.recording = True
    try:
        yield _CONNECTIONS
    finally:
        _CONNECTIONS.recording = False


def _markdown_texts(message: Message, element: str) -> Iterator[tuple[str, bool]]:
    """Every markdown string of a proto, with whether it may hold the app's own HTML."""
    if element in PLAIN_ELEMENTS:
        return
    allow_html = bool(getattr(message, "allow_html", False))
    for field, value in message.ListFields():
        for item in (
            value if isinstance(value, Iterable) and not isinstance(value, str) else [value]
        ):
            if isinstance(item, Message):
                yield from _markdown_texts(item, element)
            elif isinstance(item, str) and field.name in MARKDOWN_FIELDS:
                yield item, allow_html


def _rendered(at: AppTest) -> Iterator[tuple[str, bool]]:
    def walk(node: Any) -> Iterator[tuple[str, bool]]:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            yield from _markdown_texts(proto, type(proto).__name__)
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at._tree)


def _assert_no_markup(at: AppTest, where: str) -> int:
    assert not at.exception, f"{where}: {at.exception}"
    texts = list(_rendered(at))
    live = [
        (text[:80], found)
        for text, allow in texts
        if (found := live_markup(text, allow_html=allow))
    ]
    assert not live, f"{where}: live markup in {live[:5]}"
    return len(texts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_hostile_names_as_text(app, connections, page):
    at = app.run()
    _assert_no_markup(at, "sidebar")
    at.switch_page(page).run()
    assert _assert_no_markup(at, page) > 0
    assert not connections.seen, f"{page} connected to {connections.seen}"


def test_the_map_focused_on_a_hostile_district_shows_its_name_as_text(app, connections):
    at = app.run()
    focus = at.selectbox(key="map_focus")
    district = next(o for o in focus.options if o and REMOTE_HOST in o)
    focus.set_value(district).run()
    _assert_no_markup(at, f"mapa, dzielnica {district!r}")
    assert not connections.seen


def test_the_edit_page_with_a_hostile_record_open_shows_it_as_text(app, connections):
    at = app.run()
    at.switch_page("pages/edycja.py").run()
    picker = at.selectbox[0]
    picker.set_value(picker.options[2]).run()  # a record named with a hostile string
    _assert_no_markup(at, "edycja")
    assert not connections.seen


def test_the_checks_see_a_raw_city_in_a_title(tmp_path, monkeypatch, hostile_map):
    page = tmp_path / "strona.py"
    page.write_text(f"import streamlit as st\nst.title('Mapa — ' + {CITY!r})\n", encoding="utf-8")
    at = AppTest.from_file(str(page)).run()
    with pytest.raises(AssertionError, match="live markup"):
        _assert_no_markup(at, "strona")


def test_the_connection_recorder_sees_an_outside_address(connections):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((REMOTE_HOST, 9))  # UDP: nothing is sent
    assert connections.seen
