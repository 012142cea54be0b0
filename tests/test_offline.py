"""Offline maps: vendored assets only, inline or served by Streamlit, never a CDN."""

from __future__ import annotations

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
from mapping.mapview import build_map
from mapping.offline import SERVED_PREFIX, VENDOR_DIR, OfflineError, make_offline, served_prefix
from mapping.schema import AREAS, RESOURCES
from tests.conftest import resource_values

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


def test_inline_clustered_map_contains_markercluster() -> None:
    html = small_map("inline", cluster=True).get_root().render()
    assert "L.MarkerClusterGroup" in html
    assert ".marker-cluster" in html
    assert remote_urls(html) == set()


def test_served_map_points_at_app_static() -> None:
    html = small_map("served", cluster=True).get_root().render()
    srcs = re.findall(r'<script src="([^"]+)"', html)
    hrefs = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert srcs == [
        f"{SERVED_PREFIX}/leaflet/leaflet.js",
        f"{SERVED_PREFIX}/leaflet.markercluster/leaflet.markercluster.js",
    ]
    assert f"{SERVED_PREFIX}/leaflet/leaflet.css" in hrefs
    assert all(h.startswith("/app/static/vendor/") for h in hrefs)
    assert remote_urls(html) == set()
    for url in srcs + hrefs:
        assert (VENDOR_DIR / url.removeprefix(SERVED_PREFIX + "/")).is_file()


def test_served_prefix_follows_base_url_path() -> None:
    assert served_prefix("") == "/app/static/vendor"
    assert served_prefix("/mapa/") == "/mapa/app/static/vendor"


def test_plain_folium_map_drops_bootstrap_font_awesome_and_jquery() -> None:
    m = folium.Map(tiles=None)
    folium.CircleMarker([54.35, 18.65]).add_to(m)
    html = make_offline(m, "served").get_root().render()
    assert re.findall(r'<script src="([^"]+)"', html) == ["/app/static/vendor/leaflet/leaflet.js"]
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
    assert links and all(link.startswith("/app/static/vendor/") for link in links)
    assert links[0] == "/app/static/vendor/leaflet/leaflet.js"
    assert remote_urls(str(sent["header"]) + str(sent["html"]) + str(sent["script"])) == set()
    assert "MAPA.layer(map_div" in str(sent["script"])


def test_vendored_files_keep_their_licences() -> None:
    for package, licence in (
        ("leaflet", "LICENSE"),
        ("leaflet.markercluster", "MIT-LICENCE.txt"),
        ("jquery", "LICENSE.txt"),
    ):
        assert (VENDOR_DIR / package / licence).is_file()
    assert "1.9.4" in (VENDOR_DIR / "README.md").read_text(encoding="utf-8")


def test_streamlit_serves_static_files() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    assert config["browser"]["gatherUsageStats"] is False
