"""The click-to-place / draw-an-area map of the edit page."""

from __future__ import annotations

import re

from shapely.geometry import Point, box

from mapping.frames import records_to_frame
from mapping.schema import AREAS
from mapping.webmap.picker import picker_map

STOGI = box(18.70, 54.36, 18.74, 54.38)


def _areas(name: str = "Stogi"):
    return records_to_frame(
        AREAS, [{"name": name, "kind": "dzielnica", "city": "Gdańsk", "geometry": STOGI}]
    )


def _html(m) -> str:
    return m.get_root().render()


def _remote_scripts(page: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', page)


def test_point_picker_uses_only_local_assets_and_shows_the_current_point():
    page = _html(picker_map(_areas(), Point(18.72, 54.37)))
    assert _remote_scripts(page) == []
    assert "/app/static/vendor/leaflet/leaflet.js" in page
    assert "leaflet.draw" not in page
    assert "Obecna lokalizacja" in page


def test_area_picker_loads_the_vendored_draw_plugin():
    page = _html(picker_map(_areas(), STOGI.buffer(-0.005), draw_areas=True))
    assert _remote_scripts(page) == []
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in page
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.css" in page


def test_district_names_are_data_not_templates_or_markup():
    page = _html(picker_map(_areas("{{ 7*7 }} <b>x</b>"), None))
    # The name travels as escaped JSON text: no template ran ("49"), no tag exists.
    assert "\\u007b{ 7*7 }} \\u003cb\\u003ex" in page
    assert "<b>x</b>" not in page
