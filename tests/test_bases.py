"""After an edit the app's map sends what changed and the browser patches the layer it
keeps (``mapping.webmap.bases``, ``MAPA_PACKED.patch``): the same features as packing
the whole layer again, checked by running the browser's own code in node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from mapping.frames import records_to_frame
from mapping.schema import RESOURCES
from mapping.webmap.assets import STATIC_DIR
from mapping.webmap.bases import MAX_CHANGED, LayerBases
from mapping.webmap.packing import pack_layer

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="brak node (scripts/test-js.sh go instaluje)")
FIELDS = [RESOURCES.field(n) for n in ("name", "category", "target_groups", "phone")]


def _frame(n: int, seed: int = 3) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    for i in range(n):
        rows.append(
            {
                "id": f"r{i:05d}",
                "version": 1,
                "name": f"Miejsce „{i}”",
                "category": ["kultura", "sport", None][i % 3],
                "target_groups": [["dzieci"], ["seniorzy", "dzieci"], []][i % 3],
                "phone": "58 123 45 67" if i % 4 == 0 else None,
                "geometry": Point(18.5 + rng.random() / 5, 54.3 + rng.random() / 5),
            }
        )
    if n > 7:  # a shape among the points
        rows[7]["geometry"] = box(18.6, 54.35, 18.61, 54.36)
    return records_to_frame(RESOURCES, rows)


def _edited(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Renamed, moved, deleted, added: what a day of edits does."""
    out = frame.copy()
    for row, name in ((2, "Nowa nazwa"), (7, "Obszar poprawiony")):
        out.loc[row, "name"] = name
        out.loc[row, "version"] = 2
    out.loc[5, "geometry"] = Point(18.55, 54.31)
    out.loc[5, "version"] = 2
    out = out.drop(index=[11, 12]).reset_index(drop=True)
    extra = _frame(2, seed=9).assign(id=["nowy1", "nowy2"], version=[1, 1])
    return gpd.GeoDataFrame(pd.concat([out, extra], ignore_index=True), crs=frame.crs)


def _extra(frame: gpd.GeoDataFrame) -> dict[str, list[Any]]:
    # A mark of the record itself (in the app: its last check and the day, one scope).
    return {"_stale": [1 if hash(i) % 5 == 0 else None for i in frame["id"]]}


def _features_in_node(script: str, data: dict[str, Any]) -> Any:
    assert NODE is not None
    program = (
        f"const P = require({json.dumps(str(STATIC_DIR / 'mapa' / 'packed.js'))});\n"
        f"const D = {json.dumps(data)};\n"
        "const key = (f) => JSON.stringify([f.geometry.type, f.geometry.coordinates,"
        " Object.keys(f.properties).sort().map((k) => [k, f.properties[k]])]);\n"
        f"console.log(JSON.stringify((() => {{ {script} }})()));"
    )
    done = subprocess.run(  # the program on stdin: too long for a command line
        [NODE, "-"], input=program, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


@needs_node
def test_a_patched_layer_holds_the_features_of_the_layer_packed_whole(tmp_path: Path) -> None:
    bases = LayerBases(tmp_path)
    first = _frame(3000)
    base = bases.packer("mapa")("resources", first, FIELDS, _extra(first))
    assert base.patch_of is None and len(base.packed) > 64 * 1024  # packed whole: the base
    later = _edited(first)
    packer = bases.packer("mapa")
    patch = packer("resources", later, FIELDS, _extra(later))
    assert patch.patch_of is not None
    key, dropped = patch.patch_of
    assert len(dropped) == 5  # 3 changed, 2 deleted
    assert len(patch.packed) < len(base.packed) / 100  # the changes only
    assert list(packer.files) == [tmp_path / f"{key}.js"] and (tmp_path / f"{key}.js").exists()
    whole = pack_layer(later, FIELDS, extra=_extra(later))
    assert (patch.count, patch.unplaced, patch.has_shapes) == (
        whole.count, whole.unplaced, whole.has_shapes,
    )  # fmt: skip
    assert patch.bounds == whole.bounds
    same = _features_in_node(
        "const a = P.unpack(P.patch(D.base, D.dropped, D.delta)).features.map(key).sort();"
        " const b = P.unpack(D.whole).features.map(key).sort();"
        " return [a.length, b.length, JSON.stringify(a) === JSON.stringify(b)];",
        {
            "base": json.loads(base.packed),
            "dropped": list(dropped),
            "delta": json.loads(patch.packed),
            "whole": json.loads(whole.packed),
        },
    )
    assert same == [whole.count, whole.count, True]


def test_many_changes_pack_the_layer_whole_again(tmp_path: Path) -> None:
    bases = LayerBases(tmp_path)
    first = _frame(3000)
    bases.packer("mapa")("resources", first, FIELDS, _extra(first))
    later = first.assign(version=2)  # every record changed
    assert len(later) > MAX_CHANGED
    data = bases.packer("mapa")("resources", later, FIELDS, _extra(later))
    assert data.patch_of is None
    # ... and that is the new base: the next edit is a patch of it.
    again = later.copy()
    again.loc[0, "version"] = 3
    assert bases.packer("mapa")("resources", again, FIELDS, _extra(again)).patch_of is not None


def test_another_scope_or_fields_start_from_the_whole_layer(tmp_path: Path) -> None:
    bases = LayerBases(tmp_path)
    first = _frame(3000)
    bases.packer("mapa")("resources", first, FIELDS, _extra(first))
    assert bases.packer("inna mapa")("resources", first, FIELDS, _extra(first)).patch_of is None
    fewer = FIELDS[:2]
    assert bases.packer("mapa")("resources", first, fewer, _extra(first)).patch_of is None


def test_a_small_layer_is_not_kept_as_a_base(tmp_path: Path) -> None:
    bases = LayerBases(tmp_path)
    small = _frame(20)
    bases.packer("mapa")("resources", small, FIELDS, _extra(small))
    assert bases.packer("mapa")("resources", small, FIELDS, _extra(small)).patch_of is None
