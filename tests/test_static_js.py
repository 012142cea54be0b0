"""Our browser code against the Python it mirrors: the packed format and the filter rules.

The node unit tests (``static/tests``, run by ``scripts/test-js.sh``) check
the pure parts of ``static/mapa`` on their own; these run the same code in
node on what Python produces right now, so the two sides cannot drift apart.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from mapping.export.interactive import SEARCH_FIELDS
from mapping.filters import RecordFilter, apply_filter
from mapping.frames import records_to_frame
from mapping.schema import EVERYONE, RESOURCES, AreaKind
from mapping.text import fold
from mapping.webmap.assets import STATIC_DIR
from tests.js_fixtures import PACKED_FIXTURE, packed_fixture, packed_layer_fixture, write_fixture

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="brak node (scripts/test-js.sh go instaluje)")
OWN_JS = sorted(p for p in (STATIC_DIR / "mapa").glob("*.js"))


def run_node(script: str, data: Any) -> Any:
    """Run ``script`` in node with ``data`` as the global DATA; return what it prints as JSON."""
    program = (
        f"const DATA = {json.dumps(data)};\n"
        f"const F = require({json.dumps(str(STATIC_DIR / 'mapa' / 'filters.js'))});\n"
        f"console.log(JSON.stringify((() => {{ {script} }})()));"
    )
    done = subprocess.run(
        [NODE, "-e", program], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def test_committed_decoder_fixture_is_what_packing_writes_now() -> None:
    committed = json.loads(PACKED_FIXTURE.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(packed_fixture())), (
        "static/tests/fixtures/packed.json jest nieaktualny: "
        "PYTHONPATH=. .venv/bin/python tests/js_fixtures.py"
    )


def test_decoder_round_trips_a_freshly_packed_layer(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    names = ["Biblioteka Łąkowa", "Świetlica <i>", "Klub {{x}}", "Dom „Źródło”", "Ogród & Co"]
    rows: list[dict[str, Any]] = [
        {
            "name": f"{names[i % len(names)]} {i}",
            "category": [None, "kultura", "sport", "zdrowie"][i % 4],
            "target_groups": [None, ["dzieci"], ["seniorzy", "dzieci"]][i % 3],
            "address": None if i % 5 else f"ul. Źródlana {i}",
            "_stale": 1 if i % 7 == 0 else None,
            "geometry": Point(rng.uniform(18.4, 18.9), rng.uniform(54.3, 54.45)),
        }
        for i in range(300)
    ]
    rows += [
        {
            "name": f"Obszar {k}",
            "category": "zielen",
            "target_groups": None,
            "address": None,
            "_stale": None,
            "geometry": box(18.5 + k / 100, 54.4, 18.505 + k / 100, 54.405),
        }
        for k in range(3)
    ]
    fixture = tmp_path / "packed.json"
    write_fixture(fixture, packed_layer_fixture(rows))
    test_file = STATIC_DIR / "tests" / "packed.test.js"
    done = subprocess.run(
        [NODE, "--test", str(test_file)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MAPA_PACKED_FIXTURE": str(fixture)},
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_search_folds_text_as_the_python_side() -> None:
    texts = [
        "Zażółć gęślą jaźń",
        "ŁÓDŹ Kaliska",
        "  Świętokrzyska 12  ",
        "Óbudai ÉÇ ñ",
        "Gdańsk–Oliwa, al. Grunwaldzka",
        "ﬁlia",
    ]
    assert run_node("return DATA.map(F.fold);", texts) == [fold(t) for t in texts]


@pytest.mark.parametrize(
    "flt",
    [
        RecordFilter(),
        RecordFilter(categories=("kultura",)),
        RecordFilter(categories=("kultura", "sport"), statuses=("aktywny",)),
        RecordFilter(target_groups=("seniorzy",)),
        RecordFilter(text="lakowa"),
        RecordFilter(text="ŹRÓDL"),
        RecordFilter(text="swietlica", target_groups=("mlodziez",)),
    ],
    ids=repr,
)
def test_panel_rules_keep_the_rows_mapping_filters_keeps(flt: RecordFilter) -> None:
    frame = records_to_frame(
        RESOURCES,
        [
            _resource("Biblioteka Łąkowa", "kultura", ["dzieci"], "aktywny", None),
            _resource("Klub Seniora", "kultura", ["seniorzy"], "nieaktywny", "ul. Źródlana 1"),
            _resource("Boisko", "sport", [EVERYONE], "aktywny", None),
            _resource("Świetlica", None, ["dzieci"], "aktywny", "ul. Łąkowa 3"),
            _resource("Siłownia", "sport", ["mlodziez"], "nieaktywny", None),
        ],
    )
    kept = apply_filter(RESOURCES, frame, flt).index.tolist()
    columns = [RESOURCES.title_field, *SEARCH_FIELDS]
    present = {"" if pd.isna(c) else c for c in frame["category"]}
    data = {
        "n": len(frame),
        "texts": frame[columns].astype(object).where(frame[columns].notna(), None).values.tolist(),
        "category": frame["category"]
        .astype(object)
        .where(frame["category"].notna(), None)
        .tolist(),
        "status": frame["status"].tolist(),
        "targetGroups": frame["target_groups"].tolist(),
        # The panel's checkboxes: a category is off when it is not wanted.
        "off": {c: True for c in present if flt.categories and c not in flt.categories},
        "needle": flt.text,
        "statuses": list(flt.statuses),
        "wanted": list(flt.target_groups),
        "everyone": EVERYONE,
    }
    keep = run_node(
        """
        const rows = {category: DATA.category, status: DATA.status,
          targetGroups: DATA.targetGroups, texts: DATA.texts.map(F.searchText)};
        return F.keepRows(DATA.n, rows, {off: DATA.off, needle: F.fold(DATA.needle),
          statuses: DATA.statuses, targetGroups: DATA.wanted, everyone: DATA.everyone});
        """,
        data,
    )
    assert [i for i, k in zip(frame.index, keep, strict=True) if k] == kept


def _resource(
    name: str, category: str | None, groups: list[str], status: str, address: str | None
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "miejsce",
        "category": category,
        "city": "Gdańsk",
        "status": status,
        "target_groups": groups,
        "address": address,
        "geometry": Point(18.6, 54.4),
    }


def test_browser_code_names_no_area_kind() -> None:
    """Area kinds come from mapping.schema through the settings, never from the JS."""
    assert OWN_JS
    for path in OWN_JS:
        text = path.read_text(encoding="utf-8")
        for kind in AreaKind:
            assert f'"{kind.value}"' not in text, (path.name, kind.value)
