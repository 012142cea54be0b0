"""The app map's large layers travel as cached files, not inside its script (issue 14).

``mapping.webmap.served_data`` moves them; ``mapping.ui.maps`` decides where
that is allowed.  The browser side (the iframe loads the file before the
map's script) is covered by the map's browser tests: Gdańsk's districts are
a served file there.
"""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest

from mapping.schema import Audience
from mapping.ui import maps
from mapping.webmap import served_data
from mapping.webmap.layers import RecordLayer
from mapping.webmap.served_data import (
    DATA_URL,
    MIN_SERVED,
    ensure_written,
    serve_layer_data,
)
from mapping.webmap.settings import LayerSettings

_SETTINGS = LayerSettings(
    kind="points", label="Zasoby", title="name", fields=(), choices={}, sample=None,
    freshness=None, show_id=False, has_shapes=False, stale_color="#888", stale_dash="4 4",
    line_weight=1.0, popup_width=300, no_data_color="#eee",
)  # fmt: skip


def _map(*sizes: int) -> tuple[folium.Map, list[RecordLayer]]:
    m = folium.Map(tiles=None)
    layers = []
    for n, size in enumerate(sizes):
        # Packed data as pack_layer writes it: a JSON object (here one long text).
        packed = '{"x": [], "g": [], "c": {"name": "' + "ą" * size + f'"}}, "n": {n}}}'
        layer = RecordLayer(packed, _SETTINGS, bounds=None, name=f"L{n}")
        layer.add_to(m)
        layers.append(layer)
    return m, layers


def test_large_layers_become_files_and_small_ones_stay_in_the_script(tmp_path: Path) -> None:
    m, (large, small) = _map(MIN_SERVED, 10)
    packed = large.packed
    files = serve_layer_data(m, tmp_path)
    assert len(files) == 1
    ((path, text),) = files.items()
    assert path.read_text(encoding="utf-8") == text
    key = path.stem
    assert text == f'(window.MAPA_DATA = window.MAPA_DATA || {{}})["{key}"] = {packed};\n'
    html = m.get_root().render()
    assert packed not in html
    assert f'window.MAPA_DATA["{key}"]' in html
    assert f'<script src="{DATA_URL}/{key}.js">' in html
    assert small.packed in html  # a small layer costs no request


def test_same_data_gives_the_same_file_and_other_data_another(tmp_path: Path) -> None:
    first = serve_layer_data(_map(MIN_SERVED)[0], tmp_path)
    again = serve_layer_data(_map(MIN_SERVED)[0], tmp_path)
    other = serve_layer_data(_map(MIN_SERVED + 1)[0], tmp_path)
    assert list(first) == list(again)
    assert list(first) != list(other)


def test_a_folder_that_cannot_be_written_keeps_the_data_in_the_script(tmp_path: Path) -> None:
    blocked = tmp_path / "plik"
    blocked.write_text("nie folder")  # a file where the folder should be
    m, (layer,) = _map(MIN_SERVED)
    assert serve_layer_data(m, blocked / "mapdata") == {}
    assert layer.packed in m.get_root().render()


def test_files_are_dated_long_ago_so_browsers_keep_them(tmp_path: Path) -> None:
    # Streamlit serves static/ without a cache header: the browser's heuristic
    # keeps a file for a tenth of its age since Last-Modified.
    (path,) = serve_layer_data(_map(MIN_SERVED)[0], tmp_path)
    assert path.stat().st_mtime < 1e9
    assert oct(path.stat().st_mode & 0o777) == "0o644"


def test_a_removed_file_is_written_again_when_the_map_is_shown(tmp_path: Path) -> None:
    files = serve_layer_data(_map(MIN_SERVED)[0], tmp_path)
    (path,) = files
    path.unlink()
    ensure_written(files)
    assert path.read_text(encoding="utf-8") == files[path]


def test_files_not_used_for_an_hour_go_beyond_the_newest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [serve_layer_data(_map(MIN_SERVED + n)[0], tmp_path) for n in range(40)]
    assert len(list(tmp_path.glob("*.js"))) == 40  # all used within the hour
    monkeypatch.setattr(served_data, "_MARKED", {})  # the marking interval has passed
    for files in made[:5]:  # the first five shown again (a map still on screen)
        ensure_written(files)
    later = 3601 + max(p.stat().st_ctime for p in tmp_path.glob("*.js"))
    newest = serve_layer_data(_map(MIN_SERVED + 99)[0], tmp_path, now=later)
    left = set(tmp_path.glob("*.js"))
    assert len(left) == 32
    assert {p for files in [*made[:5], newest] for p in files} <= left


@pytest.mark.parametrize(
    ("team", "audience", "served"),
    [
        (False, Audience.EDITOR, True),  # the single-user app: this machine only
        (True, Audience.PUBLIC, True),
        (True, Audience.EDITOR, False),  # personal data never in a file anyone may fetch
        (True, Audience.TEAM, False),
    ],
)
def test_data_files_only_where_anyone_reaching_the_server_may_see_them(
    monkeypatch: pytest.MonkeyPatch, team: bool, audience: Audience, served: bool
) -> None:
    monkeypatch.setenv("MAPA_TEAM", "1" if team else "0")
    assert maps._may_serve_data(audience) is served


def test_file_names_are_hashes_of_their_content(tmp_path: Path) -> None:
    (path,) = serve_layer_data(_map(MIN_SERVED)[0], tmp_path)
    assert re.fullmatch(r"[0-9a-f]{32}\.js", path.name)


def test_a_file_in_use_is_not_touched_on_every_run(tmp_path: Path) -> None:
    files = serve_layer_data(_map(MIN_SERVED)[0], tmp_path)
    (path,) = files
    before = path.stat().st_ctime_ns
    ensure_written(files)  # the next run of the page, a moment later
    assert path.stat().st_ctime_ns == before
