"""Offline map assets: Leaflet and its plugins come from ``static/vendor``, never a CDN.

A folium map links its JavaScript and CSS from public CDNs (``default_js`` and
``default_css`` of ``folium.Map`` and of plugins such as ``MarkerCluster``).
Our own browser code, ``static/mapa/`` (the runtime, the filter panel and
their styles), and supercluster, which clusters our large point layers, are
linked the same way by our elements (``mapping.webmap.layers``).
Leaflet.markercluster stays vendored for folium's own cluster plugins
(``MarkerCluster``, ``FastMarkerCluster``); our maps do not use it.
``make_offline`` rewrites those links on every element of a map, in one of
two modes:

``"served"``
    links point at the app's own static files, ``/app/static/vendor/...`` and
    ``/app/static/mapa/...`` (Streamlit serves ``static/`` when ``[server]
    enableStaticServing = true`` is set in ``.streamlit/config.toml``), each
    with ``?v=`` and the start of the file's SHA-256, so a browser never runs
    a cached copy of a changed file.  Used for the map inside the app.
``"inline"``
    every script and stylesheet is copied into the page, Leaflet's images as
    ``data:`` URIs, so the HTML is one self-contained file.  Used for exported
    HTML and in tests.

Bootstrap, Font Awesome, glyphicons and Awesome Markers, which ``folium.Map``
links by default, are dropped: nothing we draw uses them.  jQuery is kept only
when an element needs it (``folium.Popup`` builds its content with ``$()``;
``Map.keep_in_front`` and ``GeoJson(embed=False)`` use it too).  An element
needing any other remote file raises ``OfflineError`` instead of silently
reaching a CDN.  Only map tiles may come from the internet.

How streamlit-folium 0.27.4 loads Leaflet (read from its installed
``__init__.py`` and the source map of ``frontend/build/static/js/main.*.js``):

- the component's frontend bundle does *not* contain Leaflet (only its
  TypeScript types); ``st_folium`` walks the map's elements, collects the
  ``default_js``/``default_css`` URLs of every ``JSCSSMixin`` and sends them as
  ``js_links``/``css_links``; the iframe adds them as ``<script src>`` (in
  order, awaiting each) and ``<link rel=stylesheet>``.  Rewriting
  ``default_js``/``default_css`` on the element *instances* is therefore what
  decides where the iframe loads Leaflet from.
- the figure header is sent too, with every ``<script src=...>`` and
  ``<link rel="stylesheet" href=.../>`` removed, and appended with
  ``head.innerHTML +=``: inline ``<style>`` works, inline ``<script>`` in the
  header never runs there.  Map code must live in elements' ``script`` macros,
  which st_folium concatenates (renaming the map variable to ``map_div``) and
  runs after the links have loaded.
- any ``branca.colormap.ColorMap`` in the map makes st_folium add d3 from two
  CDNs; ``make_offline`` rejects such maps.
- the iframe is served by the Streamlit server itself
  (``/component/streamlit_folium.st_folium/index.html``), so the absolute path
  ``/app/static/vendor/...`` resolves to the same server.  Streamlit 1.67
  serves ``static/`` with its real content type (``application/javascript``,
  ``text/css``) and ``X-Content-Type-Options: nosniff``, so the scripts run.
- Leaflet finds its marker images through ``leaflet.css``
  (``.leaflet-default-icon-path``), which resolves ``images/`` next to the
  served CSS; inline mode sets ``L.Icon.Default`` to ``data:`` URIs instead.
- the frontend's own files (React bundle; a ``bootstrap.min.css`` that its
  ``index.html`` does not reference) come from the Streamlit server too.

Checked in Chromium against ``streamlit run`` with every request to another
host aborted: the page and the map iframe request nothing outside localhost
except map tiles (with ``[browser] gatherUsageStats = false``, also set in
``.streamlit/config.toml``).

In a page::

    m = build_map(areas, layers, audience=..., assets="served")
    out = st_folium(m, key="mapa", height=600, use_container_width=True,
                    returned_objects=["last_object_clicked_popup"])

``returned_objects`` decides what reruns the script: with ``[]`` nothing
does; with ``["last_object_clicked_popup"]`` only a click on a record does
(its popup text, one field per line, ends in ``id: ...`` for editors).
Panning and zooming never rerun as long as "bounds", "zoom" and "center"
are not listed; do not pass ``zoom=``/``center=``, which re-apply a view on
every rerun.  With ``server.baseUrlPath`` set, call
``make_offline(m, prefix=served_prefix(base_url_path))`` after ``build_map``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, get_args

import branca.colormap
import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin

from mapping.errors import MapError

__all__ = [
    "SERVED_PREFIX",
    "STATIC_DIR",
    "VENDOR_DIR",
    "AssetMode",
    "OfflineError",
    "RawElement",
    "figure_of",
    "make_offline",
    "own_links",
    "render_once",
    "served_prefix",
    "static_text",
]

AssetMode = Literal["served", "inline"]
STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
#: Where Streamlit serves ``static/vendor`` (no ``server.baseUrlPath``); our
#: own files are served from its parent, ``/app/static``.
SERVED_PREFIX = "/app/static/vendor"
#: Length of the content hash in ``?v=``: 48 bits, ample against collisions
#: between two versions of one file.
_HASH_CHARS = 12


class OfflineError(MapError):
    """A map element needs a remote script or stylesheet we do not vendor."""


@dataclass(frozen=True)
class _Asset:
    path: str  # relative to STATIC_DIR
    kind: Literal["js", "css"]


#: Vendored and own files, keyed by the link names folium, its plugins and our
#: elements use, in the order they must load: Leaflet before its plugins and
#: our runtime, our styles after Leaflet's (they override it at equal
#: specificity), the pure modules before the code using them.
_ASSETS: dict[str, _Asset] = {
    "leaflet_css": _Asset("vendor/leaflet/leaflet.css", "css"),
    "markerclustercss": _Asset("vendor/leaflet.markercluster/MarkerCluster.css", "css"),
    "markerclusterdefaultcss": _Asset(
        "vendor/leaflet.markercluster/MarkerCluster.Default.css", "css"
    ),
    "leaflet_draw_css": _Asset("vendor/leaflet-draw/leaflet.draw.css", "css"),
    "mapa_runtime_css": _Asset("mapa/runtime.css", "css"),
    "mapa_panel_css": _Asset("mapa/panel.css", "css"),
    "leaflet": _Asset("vendor/leaflet/leaflet.js", "js"),
    "jquery": _Asset("vendor/jquery/jquery.min.js", "js"),
    "markerclusterjs": _Asset("vendor/leaflet.markercluster/leaflet.markercluster.js", "js"),
    "leaflet_draw_js": _Asset("vendor/leaflet-draw/leaflet.draw.js", "js"),
    "supercluster": _Asset("vendor/supercluster/supercluster.min.js", "js"),
    "mapa_packed": _Asset("mapa/packed.js", "js"),
    "mapa_layout": _Asset("mapa/layout.js", "js"),
    "mapa_clusters": _Asset("mapa/clusters.js", "js"),
    "mapa_runtime": _Asset("mapa/runtime.js", "js"),
    "mapa_filters": _Asset("mapa/filters.js", "js"),
    "mapa_panel": _Asset("mapa/panel.js", "js"),
}
#: folium.Map links these by default for Bootstrap and Awesome Markers icons.
_UNUSED = frozenset(
    {
        "bootstrap",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers",
        "awesome_markers_css",
        "awesome_markers_font_css",
        "awesome_rotate_css",
    }
)
_LEAFLET_IMAGES = (
    "layers.png",
    "layers-2x.png",
    "marker-icon.png",
    "marker-icon-2x.png",
    "marker-shadow.png",
)


class RawElement(Element):
    """An element whose text is emitted as is.

    branca compiles the text of a plain ``Element`` as a Jinja template, so
    ``{{`` in a vendored script (or in user data) would be evaluated.  This
    element returns its text untouched.
    """

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawElement"
        self.text = text

    def render(self, **kwargs: object) -> str:
        """Return the text unchanged."""
        return self.text


def figure_of(element: Element) -> Figure:
    """The page (``branca`` ``Figure``) ``element`` is on; a ``folium.Map`` always has one.

    Raises
    ------
    ValueError
        when the element is not (yet) on a page.
    """
    figure = element.get_root()
    if not isinstance(figure, Figure):
        raise ValueError("Element musi należeć do folium.Figure")
    return figure


def render_once(element: MacroElement, **kwargs: object) -> None:
    """Render ``element``'s macros into its figure in one pass, then its children.

    ``MacroElement.render`` wraps each macro's output in a plain ``Element``,
    which compiles it as a Jinja template a second time: ``{{ ... }}`` inside
    user data would then be *evaluated* on the server (a template injection).
    Elements that embed user data render through this function instead.
    """
    figure = figure_of(element)
    module = element._template.module
    for part in ("header", "html", "script"):
        macro = getattr(module, part, None)
        if macro is not None:
            getattr(figure, part).add_child(
                RawElement(macro(element, kwargs)), name=element.get_name()
            )
    for child in element._children.values():
        child.render(**kwargs)


#: Where the app serves its maps' data files (``mapping.webmap.served_data``).
DATA_URL = "/app/static/mapdata"


#: How a data file's link is named among an element's scripts (``RecordLayer``).
DATA_LINK = "mapa_data_"


def data_url(key: str) -> str:
    """The URL of the map data file ``key`` (a hash of its content)."""
    return f"{DATA_URL}/{key}.js"


def served_prefix(base_url_path: str = "") -> str:
    """URL prefix of the vendored files for a Streamlit ``server.baseUrlPath``."""
    base = base_url_path.strip("/")
    return f"/{base}{SERVED_PREFIX}" if base else SERVED_PREFIX


def own_links(names: list[str] | tuple[str, ...]) -> list[tuple[str, str]]:
    """``(name, url)`` links to our own files, as an element's ``default_js``/``default_css``.

    The URLs are the served ones; ``make_offline`` rewrites them for the mode
    (and a ``server.baseUrlPath``), as it does folium's CDN links.
    """
    return [(name, _url(name, SERVED_PREFIX)) for name in names]


@cache
def static_text(path: str) -> str:
    """The text of ``static/<path>`` (read once per process)."""
    return (STATIC_DIR / path).read_text(encoding="utf-8")


def make_offline(
    m: folium.Map, mode: AssetMode = "served", *, prefix: str = SERVED_PREFIX
) -> folium.Map:
    """Point every script and stylesheet of ``m`` at vendored files; return ``m``.

    Call it after the last element has been added (again if more are added
    later; it is idempotent).

    Parameters
    ----------
    m : the map, modified in place
    mode : ``"served"`` (links to ``prefix``) or ``"inline"`` (copied into the page)
    prefix : URL of ``static/vendor`` as the browser sees it (served mode);
        our own files are linked from its parent (``static/``)

    Raises
    ------
    ValueError
        for an unknown ``mode``.
    OfflineError
        when an element needs a remote file that is not vendored.
    """
    if mode not in get_args(AssetMode):
        raise ValueError(f"Nieznany tryb zasobów {mode!r}; dostępne: served, inline")
    figure = m.get_root()
    if not isinstance(figure, Figure):
        raise ValueError("Mapa musi należeć do folium.Figure (utwórz ją przez folium.Map)")
    needed: list[str] = []
    keep_jquery = _needs_jquery(m)
    for element in walk(figure):
        if isinstance(element, branca.colormap.ColorMap):
            raise OfflineError(
                "Skale barw branca (ColorMap) ładują d3 z internetu w streamlit-folium; "
                "użyj legendy z mapping.webmap.legend"
            )
        if isinstance(element, JSCSSMixin):
            data = [(n, url) for n, url in element.default_js if n.startswith(DATA_LINK)]
            if data and mode == "inline":
                raise OfflineError("mapa z plikiem danych aplikacji nie może być jednym plikiem")
            names = _local_names(element, keep_jquery)
            needed.extend(n for n in names if n not in needed)
            element.default_js = _links(names, "js", mode, prefix) + data
            element.default_css = _links(names, "css", mode, prefix)
    if mode == "inline":
        _inline(figure, needed)
    return m


def walk(element: Element) -> Iterator[Element]:
    """``element`` and every element under it, depth first."""
    yield element
    for child in element._children.values():
        yield from walk(child)


def _needs_jquery(m: folium.Map) -> bool:
    if getattr(m, "objects_to_stay_in_front", None):
        return True
    for element in walk(m):
        if isinstance(element, folium.Popup):
            return True
        if isinstance(element, folium.GeoJson) and not element.embed:
            return True
    return False


def _local_names(element: JSCSSMixin, keep_jquery: bool) -> list[str]:
    """Names of the vendored assets ``element`` needs; raise for anything remote."""
    names: list[str] = []
    for name, url in [*element.default_js, *element.default_css]:
        if name.startswith(DATA_LINK) and url.startswith(DATA_URL + "/"):
            continue  # the app's own data file (kept as it is by make_offline)
        if name in _ASSETS:
            if name != "jquery" or keep_jquery:
                names.append(name)
        elif name in _UNUSED:
            if isinstance(element, folium.Map) and _uses_awesome_markers(element):
                raise OfflineError(
                    "folium.Icon (Awesome Markers, Font Awesome) nie działa offline; "
                    "użyj CircleMarker albo DivIcon"
                )
        else:
            raise OfflineError(
                f"element {element.get_name()} potrzebuje pliku z internetu ({url}); "
                "dodaj go do static/vendor (scripts/vendor_assets.sh) i do mapping/webmap/assets.py"
            )
    return names


def _uses_awesome_markers(m: folium.Map) -> bool:
    return any(isinstance(e, folium.Icon) for e in walk(m))


def _links(names: list[str], kind: str, mode: AssetMode, prefix: str) -> list[tuple[str, str]]:
    if mode == "inline":
        return []  # the content goes into the page header instead
    return [(name, _url(name, prefix)) for name in names if _ASSETS[name].kind == kind]


def _url(name: str, prefix: str) -> str:
    """The served URL of an asset: under ``prefix``'s parent, with its content hash."""
    root = prefix.rstrip("/").removesuffix("/vendor")
    path = _ASSETS[name].path
    return f"{root}/{path}?v={_digest(path)}"


@cache
def _digest(path: str) -> str:
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:_HASH_CHARS]


def _inline(figure: Figure, needed: list[str]) -> None:
    """Put the needed assets at the top of the page header, in load order."""
    header = figure.header
    # A second call (elements added later) merges with what is already inlined
    # and re-inserts everything, so Leaflet still loads before its plugins.
    inlined = [key for key in header._children if key.startswith("offline_")]
    wanted = set(needed) | {key.removeprefix("offline_") for key in inlined}
    for key in inlined:
        del header._children[key]
    ordered = [name for name in _ASSETS if name in wanted]
    if "leaflet" in ordered:
        ordered.append("leaflet_icons")
    # After the charset <meta>, before every element's own <style>, so our
    # rules override Leaflet's at equal specificity.
    for index, name in enumerate(ordered, start=1):
        figure.header.add_child(RawElement(_inline_tag(name)), name=f"offline_{name}", index=index)


@cache
def _inline_tag(name: str) -> str:
    if name == "leaflet_icons":
        return _icon_script()
    asset = _ASSETS[name]
    text = static_text(asset.path)
    if asset.kind == "css":
        # Comments only cost bytes (and hold URLs of browser bug reports).
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
        text = re.sub(
            r"url\((?:images/)([\w-]+\.png)\)",
            lambda match: f'url("{_data_uri(match.group(1))}")',
            text,
        )
        return f"<style>\n{text}\n</style>"
    # "</script" inside the code would end the inline script element early.
    return "<script>\n" + text.replace("</script", "<\\/script") + "\n</script>"


def _icon_script() -> str:
    # An imagePath that is a string (even empty) stops Leaflet from guessing
    # it from the stylesheet's URL, which a data: URI would break.
    return (
        "<script>\n"
        'L.Icon.Default.imagePath = "";\n'
        "L.Icon.Default.mergeOptions({"
        f'iconUrl: "{_data_uri("marker-icon.png")}", '
        f'iconRetinaUrl: "{_data_uri("marker-icon-2x.png")}", '
        f'shadowUrl: "{_data_uri("marker-shadow.png")}"}});\n'
        "</script>"
    )


@cache
def _data_uri(image: str) -> str:
    if image not in _LEAFLET_IMAGES:
        raise OfflineError(f"brak obrazka Leaflet {image!r} w static/vendor/leaflet/images")
    data = (VENDOR_DIR / "leaflet" / "images" / image).read_bytes()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
