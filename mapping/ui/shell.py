"""The app shell: the store of this server, cached layer reads, the shared sidebar, actions.

It opens the store once per server, caches layer reads by the store's data
version (so a change anywhere shows up everywhere, and nothing is re-read on a
plain rerun), and draws the shared sidebar.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import geopandas as gpd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from mapping.accounts import has_administrator, is_loopback, team_mode
from mapping.errors import ConflictError, MapError, ValidationError
from mapping.export.selection import audience_records
from mapping.permissions import Role, audience_for, can_see_page
from mapping.schema import Audience, Layer
from mapping.store import Store, default_location, open_store, shown_location
from mapping.store.refresh import LayerRead
from mapping.ui.i18n import language, language_switch, tr
from mapping.ui.login import login_panel
from mapping.ui.text import CHOOSE, md
from mapping.webmap.assets import static_text

__all__ = [
    "AUTHOR_KEY",
    "DEFAULT_CITY",
    "Context",
    "allowed_pages",
    "audience_layer",
    "cached_store",
    "context",
    "data_version",
    "discard_upload",
    "forget_opened",
    "get_store",
    "guard_listening",
    "load_layer",
    "load_shared",
    "opened_record",
    "run_action",
    "run_page",
    "saved_upload",
    "sidebar",
    "versioned",
]

T = TypeVar("T")


#: The sidebar's "your name" field; a page that asks for the name in place fills it.
AUTHOR_KEY = "author"


#: The city shown first: the richest bundled data set.
DEFAULT_CITY = "Gdańsk"


#: The sidebar's audiences, the widest view first (labels: ``Audience.label``).
_AUDIENCES = (Audience.EDITOR, Audience.TEAM, Audience.PUBLIC)
#: Polish in place of Streamlit's own English texts (static/app/).
_POLISH_CSS = "app/polish.css"


@dataclass(frozen=True)
class Context:
    """What the sidebar settled for this run: the city, who edits, who watches.

    ``role`` is ``Role.LOCAL`` without team mode; in team mode the signed-in
    account's role (``Role.VISITOR`` when nobody is signed in), and then
    ``author`` is the account's name and ``audience`` follows from the role.
    """

    city: str
    author: str
    audience: Audience
    role: Role = Role.LOCAL


@st.cache_resource
def _store_at(location: str) -> Store:
    return open_store(location)


def get_store() -> Store:
    """The store of this server (``$MAPA_DB`` or ``data/mapa.gpkg``).

    A missing, damaged or busy map stops the page with the Polish message
    (what to run, what to restore) instead of a traceback.
    """
    try:
        return _store_at(default_location())
    except MapError as exc:
        _stop(exc)


def _stop(exc: MapError) -> NoReturn:
    st.error(md(tr(exc.describe())))
    st.stop()
    raise exc  # st.stop() ends the run; this only tells type checkers so


#: Caches keyed by a data version (``versioned``); emptied when the version moves on.
_VERSIONED: list[Any] = []
_SEEN_VERSION: dict[str, int] = {}
_SEEN_LOCK = threading.Lock()


def versioned(cached: T) -> T:
    """Mark a ``st.cache_resource`` function whose second argument is the data version.

    Entries of an older version are never asked for again, yet they would
    hold whole layers until pushed out; ``data_version`` empties such caches
    as soon as the store has moved on.
    """
    _VERSIONED.append(cached)
    return cached


def data_version(store: Store) -> int:
    """The store's data version now; caches of older versions are let go."""
    version = store.data_version()
    with _SEEN_LOCK:
        seen = _SEEN_VERSION.get(store.location)
        _SEEN_VERSION[store.location] = version
    if seen is not None and seen < version:
        for cached in _VERSIONED:
            cached.clear()
    return version


@versioned
@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_layer(
    location: str, version: int, layer: str, city: str | None, include_archived: bool
) -> gpd.GeoDataFrame:
    # A resource, not data: one frame shared by every session and rerun, never
    # copied (st.cache_data unpickles a fresh copy on every call: 50,000 rows
    # each time).  Callers must not modify it; pandas operations return new frames.
    if include_archived:
        return _tracked_read(location, version, layer, city).frame
    # The live records are the archived-inclusive read without the archived
    # ones (the store's own rule, ``archived_at IS NULL``): one read per layer.
    every = _cached_layer(location, version, layer, city, True)
    return every[every["archived_at"].isna().to_numpy()].reset_index(drop=True)


#: The newest read of each layer (location, layer, city), to be brought up to date
#: by the records changed since rather than read again whole (issue 14).
_TRACKED: dict[tuple[str, str, str | None], LayerRead] = {}
_TRACKED_LOCK = threading.Lock()


def _tracked_read(location: str, version: int, layer: str, city: str | None) -> LayerRead:
    """The layer at ``version`` or newer: the last read refreshed, or a first read."""
    key = (location, layer, city)
    with _TRACKED_LOCK:
        last = _TRACKED.get(key)
    store = _store_at(location)
    if last is not None and last.version <= version:
        read = store.refreshed(last)
    else:  # none yet, or the map went back to an older version (a backup put back)
        read = store.read_tracked(layer, city=city)
    with _TRACKED_LOCK:
        newest = _TRACKED.get(key)
        if newest is None or newest.version <= read.version:
            _TRACKED[key] = read
    return read


def load_shared(
    store: Store, version: int, layer: str, city: str | None, *, include_archived: bool = False
) -> gpd.GeoDataFrame:
    """The layer as read at ``version``, the one frame every session shares (do not modify)."""
    return _cached_layer(store.location, version, layer, city, include_archived)


@versioned
@st.cache_resource(show_spinner=False, max_entries=16)
def _cached_audience_layer(
    location: str,
    version: int,
    layer: str,
    city: str | None,
    include_archived: bool,
    audience: Audience,
) -> gpd.GeoDataFrame:
    frame = _cached_layer(location, version, layer, city, include_archived)
    people = _cached_layer(location, version, "resources", city, True)
    return audience_records({layer: frame}, audience, resources=people)[layer]


def audience_layer(
    store: Store,
    version: int,
    layer: str,
    city: str | None,
    audience: Audience,
    *,
    include_archived: bool = False,
) -> gpd.GeoDataFrame:
    """``load_shared`` narrowed to what ``audience`` may see, also shared (do not modify)."""
    return _cached_audience_layer(store.location, version, layer, city, include_archived, audience)


class _SharedReads:
    """The store with ``read_layer`` served from the shared cache (see ``cached_store``)."""

    def __init__(self, store: Store, version: int):
        self._store = store
        self._version = version

    def read_layer(
        self, layer: str, *, city: str | None = None, include_archived: bool = False
    ) -> gpd.GeoDataFrame:
        return load_shared(
            self._store, self._version, layer, city, include_archived=include_archived
        ).copy()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def cached_store() -> Store:
    """The store, its layer reads taken from the cache the pages share.

    For work that reads whole layers on a click (an export): the records are
    the ones the screen shows, read once per data version, not again per click.
    """
    store = get_store()
    return cast(Store, _SharedReads(store, data_version(store)))


def load_layer(
    layer: str,
    city: str | None = None,
    *,
    include_archived: bool = False,
    audience: Audience | None = None,
) -> gpd.GeoDataFrame:
    """A layer's records, re-read only when the store changed (shared: do not modify).

    With ``audience``, only the records that audience may see (for the
    public: no people, the rule of every export — ``audience_records``).
    """
    store = get_store()
    try:
        version = data_version(store)
        if audience is None:
            return load_shared(store, version, layer, city, include_archived=include_archived)
        return audience_layer(
            store, version, layer, city, audience, include_archived=include_archived
        )
    except MapError as exc:  # e.g. the map stayed busy longer than the wait
        _stop(exc)


@versioned
@st.cache_resource(show_spinner=False, max_entries=4)
def _cached_cities(location: str, version: int) -> tuple[str, ...]:
    # Asked on every run of every page: one pass over the resources per data version.
    return tuple(_store_at(location).cities())


def sidebar() -> Context:
    """Draw the shared sidebar (city; sign-in or your name) and return its choices."""
    store = get_store()
    try:
        cities = list(_cached_cities(store.location, data_version(store))) or ["Gdańsk"]
    except MapError as exc:  # e.g. the map stayed busy longer than the wait
        _stop(exc)
    # The sidebar is drawn before ``st.navigation`` (the role picks the pages), and
    # Streamlit drops such widgets' values on a page change: keep them explicitly.
    for key in ("city", AUTHOR_KEY, "audience"):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    with st.sidebar:
        st.markdown(tr("### Mapa zasobów i potrzeb"))
        language_switch()
        default = cities.index(DEFAULT_CITY) if DEFAULT_CITY in cities else 0
        city = st.selectbox(tr("Miasto"), cities, index=default, key="city", placeholder=tr(CHOOSE))
    # Streamlit's own English texts (uploader, input hints) in Polish, on every Polish page.
    if language() == "pl":
        st.html(f"<style>\n{static_text(_POLISH_CSS)}</style>")
    with st.sidebar:
        if team_mode():
            ctx = _team_context(store, city)
        else:
            ctx = _local_context(store, city)
    st.session_state["_context"] = ctx
    return ctx


def _team_context(store: Store, city: str) -> Context:
    # The audience comes from the role only: no widget can widen it.
    session = login_panel(store)
    role = session.role if session else Role.VISITOR
    audience = audience_for(role)
    st.caption(tr("Widoczne pola: {who}", who=tr(audience.label)))
    return Context(
        city=city, author=session.author if session else "", audience=audience, role=role
    )


def _local_context(store: Store, city: str) -> Context:
    # One person's laptop: full rights; "who is watching" only narrows what is shown.
    author = st.text_input(
        tr("Twoje imię (zapisywane w historii zmian)"),
        key=AUTHOR_KEY,
        placeholder=tr("np. Anna z MOPS"),
    )
    audience = st.radio(
        tr("Kto patrzy na mapę"),
        _AUDIENCES,
        format_func=lambda a: tr(Audience(a).label),
        index=_AUDIENCES.index(Audience.PUBLIC),
        key="audience",
        help=tr("Publiczność widzi tylko pola publiczne; dane osobowe tylko edytor."),
    )
    st.caption(tr("Mapa: {where}", where=md(shown_location(store.location))))
    return Context(city=city, author=author.strip(), audience=Audience(audience), role=Role.LOCAL)


def guard_listening() -> None:
    """Stop unless the server may listen where it does.

    Without team mode the app is one person's tool with no login: it must
    listen on this machine only.  Team mode needs an administrator account.
    """
    address = st.get_option("server.address")
    if not team_mode():
        if not is_loopback(address):
            st.error(
                tr(
                    "Aplikacja nasłuchuje na adresie „{address}”, a tryb zespołowy (logowanie) "
                    "jest wyłączony — każdy w sieci mógłby czytać dane osobowe i zmieniać mapę. "
                    "Uruchom `make run` (tylko ten komputer, 127.0.0.1) albo `make serve` "
                    "(tryb zespołowy z logowaniem, MAPA_TEAM=1).",
                    address=md(address) if address else tr("wszystkie interfejsy"),
                )
            )
            st.stop()
        return
    if not has_administrator(get_store()):
        st.error(
            tr(
                "Tryb zespołowy wymaga co najmniej jednego konta administratora. Utwórz je: "
                "`.venv/bin/python -m mapping users add LOGIN --role administrator`."
            )
        )
        st.stop()


def allowed_pages(pages: dict[str, T]) -> list[T]:
    """Check where the server listens, draw the sidebar, and keep the pages the role may see.

    ``pages`` maps a page's file name (``mapa`` for ``pages/mapa.py``) to its
    ``st.Page``; pages left out are not reachable at all, not even by URL.
    """
    guard_listening()
    ctx = sidebar()
    return [page for name, page in pages.items() if can_see_page(ctx.role, name)]


def run_page(page: Any) -> None:
    """Run the page ``st.navigation`` chose; a domain error it lets out is shown in Polish.

    Pages show the errors of their actions (``run_action``); a read that meets
    a busy or damaged map anywhere else stops the page with its message too.
    """
    try:
        page.run()
    except MapError as exc:
        _stop(exc)


def leave_pages_folder_mode() -> None:
    """Rerun a fresh server's very first script run as the ``st.navigation`` app it is.

    Streamlit decides once per server, on its first session, whether the app
    is an old "pages directory" app: a ``pages/`` folder next to ``app.py``
    makes that first run go through its v1 multipage runner (``app.py`` or a
    bookmarked page run as a v1 page).  Widget ids include the running page's
    hash, which differs between that run and every later one, so a choice
    made in the sidebar then was lost on the next run.  Only ``st.navigation``
    clears the flag, and only once it is called: we clear it before anything
    is drawn and start the run again, the way every later run goes.  Only a
    session's first run, with nothing chosen yet, is started again: nothing a
    user did can be dropped by it.
    """
    if PagesManager.uses_pages_directory and not st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()


def context() -> Context:
    """The sidebar's choices for this run (drawn by ``app.py`` before the page).

    Right after a server start, a bookmarked page URL (``/edycja``) can run
    the page before ``app.py`` ever has; the sidebar is then drawn here.
    """
    leave_pages_folder_mode()
    if "_context" not in st.session_state:
        return sidebar()
    return st.session_state["_context"]


def run_action(action: Callable[[], T], success: str | None = None) -> T | None:
    """Run a store action; show domain errors in Polish instead of a traceback.

    Returns the action's result, or None when it failed with a ``MapError``.
    A conflict shows the record as it is now, so the user can compare.
    """
    try:
        result = action()
    except ConflictError as exc:
        st.error(md(tr(exc.message)))
        if exc.current is not None:
            st.caption(tr("Aktualna wersja w bazie:"))
            st.json(_printable(exc.current), expanded=False)
        return None
    except ValidationError as exc:
        for problem in exc.problems:
            st.error(md(tr(problem.describe())))
        return None
    except MapError as exc:
        st.error(md(tr(exc.describe())))
        return None
    forget_opened()
    if success:
        st.success(success)
    return result


def _printable(record: dict[str, Any]) -> dict[str, Any]:
    geometry = record.get("geometry")
    return {**record, "geometry": None if geometry is None else geometry.wkt[:200]}


_OPENED = "_opened_record"


def opened_record(layer: Layer, record_id: str) -> dict[str, Any]:
    """The record as this user opened it, kept until this session writes something.

    A save must be checked against the version the form was filled from.
    Reading the store afresh on the run that submits the form would take a
    version someone else saved meanwhile: a new form (its key holds the
    version), the user's edits dropped and no conflict shown.  Any successful
    write from this session (the record editor, ``run_action``, the conflict
    panel) forgets it, so the next run shows the record as stored.
    """
    opened = st.session_state.get(_OPENED)
    if opened is None or opened[0] != layer.name or opened[1]["id"] != record_id:
        opened = (layer.name, get_store().get(layer.name, record_id))
        st.session_state[_OPENED] = opened
    return opened[1]


def forget_opened() -> None:
    st.session_state.pop(_OPENED, None)


_UPLOAD = "_saved_upload"


def saved_upload(upload: Any) -> str:
    """Write an uploaded file to a private temporary path that keeps its name and suffix.

    The readers detect the format by suffix and GDAL needs a real path.  A
    partner list holds people's phones and addresses (RODO): the folder is
    this process's own (mode 0700, ``mkdtemp``), the file mode 0600, and
    ``discard_upload`` removes both once the import is saved or the file replaced.
    """
    kept = st.session_state.get(_UPLOAD)
    if kept is not None and kept[0] == upload.file_id and Path(kept[1]).is_file():
        return kept[1]
    discard_upload()
    folder = Path(tempfile.mkdtemp(prefix="mapa-import-"))
    name = Path(str(upload.name).replace("\\", "/")).name.replace("\x00", "")
    if name in ("", ".", ".."):
        name = "plik"
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(upload.getvalue())
    st.session_state[_UPLOAD] = (upload.file_id, str(path))
    return str(path)


def discard_upload() -> None:
    """Remove this session's uploaded file and its private folder, if any."""
    kept = st.session_state.pop(_UPLOAD, None)
    if kept is None:
        return
    path = Path(kept[1])
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty or already gone: nothing private stays
        path.parent.rmdir()
