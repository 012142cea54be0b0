"""Offline maps: vendored assets only, inline or served by Streamlit, never a CDN."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import branca.colormap
import folium
import pytest
import streamlit_folium
from folium.plugins import MarkerCluster

from mapping.errors import MapError
from mapping.frames import records_to_frame
from mapping.schema import AREAS, RESOURCES
from mapping.webmap.assets import (
    SERVED_PREFIX,
    STATIC_DIR,
    VENDOR_DIR,
    OfflineError,
    make_offline,
    served_prefix,
)
from mapping.webmap.build import build_map
from tests.factories import resource_values

REPO = Path(__file__).resolve().parent.parent

#: URLs an offline page may contain: tile templates (the only thing fetched
#: from the internet, and only when a base map is chosen), attribution links
#: (followed only when clicked) and the SVG namespace.
_ALLOWED = (
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
    "https://www.openstreetmap.org/copyright",
    "https://carto.com/attributions",
    "https://leafletjs.com",
    "http://www.w3.org/2000/svg",
)
_URL = re.compile(r"https?://[^\s\"'<>()\\]+")


def remote_urls(html: str) -> set[str]:
    """Every http(s) URL in ``html`` that is not allowed offline."""
    return {url for url in _URL.findall(html) if url not in _ALLOWED}


def small_map(assets: str, **kwargs: object) -> folium.Map:
    resources = records_to_frame(RESOURCES, [resource_values(id="r1")])
    return build_map(records_to_frame(AREAS, []), {"resources": resources}, assets=assets, **kwargs)


def test_inline_map_loads_nothing_but_tiles() -> None:
    html = small_map("inline").get_root().render()
    assert remote_urls(html) == set()
    assert "<script src=" not in html
    assert '<link rel="stylesheet" href=' not in html


def test_inline_map_contains_leaflet_and_its_images() -> None:
    html = small_map("inline").get_root().render()
    assert 't.version="1.9.4"' in html  # Leaflet itself, not a link to it
    assert "url(images/" not in html  # layer-control icons became data: URIs
    assert 'L.Icon.Default.imagePath = ""' in html
    assert "data:image/png;base64," in html


def test_inline_clustered_map_contains_supercluster_not_markercluster() -> None:
    html = small_map("inline", cluster=True).get_root().render()
    supercluster = (VENDOR_DIR / "supercluster" / "supercluster.min.js").read_text("utf-8")
    assert supercluster.strip() in html  # the vendored file itself, not a link to it
    assert ".mapa-cluster" in html  # the bubbles' styles (runtime.css)
    assert "MarkerClusterGroup" not in html and ".marker-cluster" not in html
    assert remote_urls(html) == set()


def test_unclustered_map_does_without_supercluster() -> None:
    html = small_map("inline", cluster=False).get_root().render()
    assert "Supercluster=" not in html
    assert remote_urls(html) == set()


def without_hash(urls: list[str]) -> list[str]:
    return [url.split("?v=")[0] for url in urls]


def assert_served_with_content_hash(urls: list[str], prefix: str = "/app/static/") -> None:
    """Each URL names a file under static/ and ends in ?v= and the start of its SHA-256."""
    assert urls
    for url in urls:
        path, _, digest = url.partition("?v=")
        assert path.startswith(prefix), url
        file = STATIC_DIR / path.removeprefix(prefix)
        assert file.is_file(), url
        assert len(digest) >= 8 and hashlib.sha256(file.read_bytes()).hexdigest().startswith(digest)


def test_served_map_points_at_app_static() -> None:
    html = small_map("served", cluster=True).get_root().render()
    srcs = re.findall(r'<script src="([^"]+)"', html)
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    # Leaflet first, then our runtime (the pure modules before the code
    # using them); supercluster before the layer script that indexes with it.
    assert without_hash(srcs) == [
        f"{SERVED_PREFIX}/leaflet/leaflet.js",
        "/app/static/mapa/packed.js",
        "/app/static/mapa/layout.js",
        "/app/static/mapa/clusters.js",
        "/app/static/mapa/runtime.js",
        f"{SERVED_PREFIX}/supercluster/supercluster.min.js",
    ]
    assert without_hash(hrefs)[:2] == [
        f"{SERVED_PREFIX}/leaflet/leaflet.css",
        "/app/static/mapa/runtime.css",
    ]
    assert remote_urls(html) == set()
    assert_served_with_content_hash(srcs + hrefs)


def test_app_map_links_own_files_with_content_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the app's iframe loads: every static file exists and its URL changes with it."""
    sent: dict[str, object] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(small_map("served", cluster=True), returned_objects=[])
    links = [*sent["js_links"], *sent["css_links"]]  # type: ignore[misc]
    assert "/app/static/mapa/runtime.js" in without_hash(links)
    assert_served_with_content_hash(links)
    # No runtime code or style travels in the page itself any more.
    assert ".mapa-popup" not in str(sent["header"])
    assert "L.Canvas.include" not in str(sent["script"])


def test_served_links_follow_base_url_path() -> None:
    m = make_offline(small_map("served"), prefix=served_prefix("/mapa/"))
    srcs = re.findall(r'<script src="([^"]+)"', m.get_root().render())
    assert_served_with_content_hash(srcs, prefix="/mapa/app/static/")


def test_served_prefix_follows_base_url_path() -> None:
    assert served_prefix("") == "/app/static/vendor"
    assert served_prefix("/mapa/") == "/mapa/app/static/vendor"


def test_plain_folium_map_drops_bootstrap_font_awesome_and_jquery() -> None:
    m = folium.Map(tiles=None)
    folium.CircleMarker([54.35, 18.65]).add_to(m)
    html = make_offline(m, "served").get_root().render()
    srcs = re.findall(r'<script src="([^"]+)"', html)
    assert without_hash(srcs) == ["/app/static/vendor/leaflet/leaflet.js"]
    assert "bootstrap" not in html
    assert "fontawesome" not in html
    assert remote_urls(html) == set()


def test_jquery_is_kept_for_folium_popups() -> None:
    m = folium.Map(tiles=None)
    folium.CircleMarker([54.35, 18.65], popup=folium.Popup("<b>x</b>")).add_to(m)
    html = make_offline(m, "inline").get_root().render()
    assert "jQuery" in html
    assert remote_urls(html) == set()


def test_make_offline_is_idempotent_and_keeps_load_order() -> None:
    # folium's own cluster plugin (the benchmark's FastMarkerCluster peer)
    # still finds the vendored markercluster.
    m = folium.Map(tiles=None)
    make_offline(m, "inline")
    MarkerCluster().add_to(m)
    make_offline(m, "inline")
    keys = [k for k in m.get_root().header._children if k.startswith("offline_")]
    assert keys.index("offline_leaflet") < keys.index("offline_markerclusterjs")
    assert len(keys) == len(set(keys))


def test_awesome_marker_icons_are_refused() -> None:
    m = folium.Map(tiles=None)
    folium.Marker([54.35, 18.65], icon=folium.Icon(icon="info-sign")).add_to(m)
    with pytest.raises(OfflineError, match="Awesome Markers"):
        make_offline(m)


def test_branca_colormaps_are_refused() -> None:
    # streamlit-folium adds d3 from two CDNs for any ColorMap in the map.
    m = folium.Map(tiles=None)
    branca.colormap.linear.YlGnBu_05.scale(0, 1).add_to(m)
    with pytest.raises(OfflineError) as raised:
        make_offline(m)
    assert isinstance(raised.value, MapError)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="served, inline"):
        make_offline(folium.Map(tiles=None), "cdn")  # type: ignore[arg-type]


def test_st_folium_is_sent_only_local_links(monkeypatch: pytest.MonkeyPatch) -> None:
    """What streamlit-folium hands its iframe: links and header, all local."""
    sent: dict[str, object] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(small_map("served", cluster=True), returned_objects=[])
    links = [*sent["js_links"], *sent["css_links"]]  # type: ignore[misc]
    assert links and all(link.startswith("/app/static/") for link in links)
    assert without_hash(links)[0] == "/app/static/vendor/leaflet/leaflet.js"
    assert remote_urls(str(sent["header"]) + str(sent["html"]) + str(sent["script"])) == set()
    assert "MAPA.layer(map_div" in str(sent["script"])


def test_vendored_files_keep_their_licences() -> None:
    for package, licence in (
        ("leaflet", "LICENSE"),
        ("leaflet.markercluster", "MIT-LICENCE.txt"),
        ("supercluster", "LICENSE"),
        # supercluster.min.js bundles kdbush: its licence travels with it.
        ("supercluster", "kdbush-LICENSE"),
        ("jquery", "LICENSE.txt"),
    ):
        assert (VENDOR_DIR / package / licence).is_file()
    readme = (VENDOR_DIR / "README.md").read_text(encoding="utf-8")
    assert "| leaflet | 1.9.4 |" in readme and "| supercluster | 9.1.0 |" in readme
    assert "kdbush" in readme


def test_streamlit_serves_static_files() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False


def test_the_app_sends_the_once_rendered_map_exactly_as_st_folium_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``show_map`` of a cached map skips st_folium's per-run rendering, not its output."""
    from mapping.ui.maps import AppMap, _component_args, show_map
    from mapping.webmap.citymap import CityMap

    m = small_map("served", cluster=True)
    cached = _component_args(m)
    sent: dict[str, object] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: sent.update(kw))
    streamlit_folium.st_folium(m, key="mapa", returned_objects=[], use_container_width=True)
    assert cached == {k: sent[k] for k in cached}
    direct = dict(sent)
    sent.clear()
    built = AppMap(m, None, {}, {}, True, component=cached)  # type: ignore[arg-type]
    assert isinstance(built, CityMap)
    show_map(built, key="mapa", height=700)
    assert {k: v for k, v in sent.items() if k != "on_change"} == {
        k: v for k, v in direct.items() if k != "on_change"
    }
