"""The click-to-place / draw-an-area map of the edit page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, box

from mapping.frames import records_to_frame
from mapping.schema import AREAS
from mapping.webmap.assets import make_offline
from mapping.webmap.picker import picker_map

STOGI = box(18.70, 54.36, 18.74, 54.38)


def _areas(name: str = "Stogi", *more: tuple[str, Any]):
    rows = [(name, STOGI), *more]
    return records_to_frame(
        AREAS, [{"name": n, "kind": "dzielnica", "city": "Gdańsk", "geometry": g} for n, g in rows]
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


# Whether exactly the named labels are shown, each wholly inside the map.
_SHOWN_LABELS_JS = """
(names) => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  if (!map || !map.mapaLabelsPlaced || map._animatingZoom) { return false; }
  const view = map.getContainer().getBoundingClientRect();
  const shown = [...document.querySelectorAll(".mapa-label:not(.mapa-label-off) span")];
  return shown.length === names.length && shown.every((s) => {
    const r = s.getBoundingClientRect();
    return names.includes(s.textContent) && r.left >= view.left && r.right <= view.right
      && r.top >= view.top && r.bottom <= view.bottom;
  });
}
"""


@pytest.mark.browser
def test_district_names_show_at_every_zoom_in_chromium(tmp_path: Path, browser) -> None:
    """Zoomed in on a record, its district's label point is far off screen; the
    name still shows, inside the part of the district in view (issue 17)."""
    areas = _areas("Stogi", ("Przeróbka", box(18.66, 54.36, 18.70, 54.38)))
    # The record at Stogi's eastern end: the district's label point is off screen.
    m = make_offline(picker_map(areas, Point(18.738, 54.365), tiles="none"), "inline")
    page_file = tmp_path / "picker.html"
    page_file.write_text(_html(m), encoding="utf-8")
    page = browser.new_page(viewport={"width": 800, "height": 500})
    try:
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_file.as_uri())
        page.wait_for_function(_SHOWN_LABELS_JS, arg=["Stogi"])
        for zoom in (16, 18, 19):
            page.evaluate(
                "(z) => Object.values(window).find((v) => v instanceof L.Map)"
                ".setZoom(z, {animate: false})",
                zoom,
            )
            page.wait_for_function(_SHOWN_LABELS_JS, arg=["Stogi"])
            assert (
                page.evaluate(
                    "() => Object.values(window).find((v) => v instanceof L.Map).getZoom()"
                )
                == zoom
            )
        assert errors == []
    finally:
        page.close()
