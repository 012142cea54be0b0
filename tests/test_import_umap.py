"""uMap's ``.umap`` export: every data layer, its name as the category, shapes as points."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mapping.importing import SourceReadError, commit_import, plan_import, read_source
from mapping.importing.kml_reader import FOLDER_COLUMN
from mapping.store import GeoPackageStore
from tests.cli_import import import_resources

CITY = "Gdańsk"


def _point(name: str, x: float, y: float, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"name": name, **properties},
        "geometry": {"type": "Point", "coordinates": [x, y]},
    }


def _layer(name: str, *features: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": list(features),
        "_umap_options": {"displayOnLoad": True, "name": name, **options},
    }


SQUARE = {
    "type": "Feature",
    "properties": {"name": "Park Oruński", "_umap_options": {"color": "Green"}},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [18.640, 54.330],
                [18.646, 54.330],
                [18.646, 54.334],
                [18.640, 54.334],
                [18.640, 54.330],
            ]
        ],
    },
}
WALK = {
    "type": "Feature",
    "properties": {"name": "Ścieżka wzdłuż Motławy"},
    "geometry": {"type": "LineString", "coordinates": [[18.655, 54.347], [18.660, 54.350]]},
}


def _umap(*layers: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "umap",
        "uri": "https://umap.openstreetmap.fr/pl/map/zasoby-dolnego-miasta_123456",
        "properties": {"name": "Zasoby Dolnego Miasta", "zoom": 14, "easing": False},
        "geometry": {"type": "Point", "coordinates": [18.65, 54.34]},
        "layers": list(layers),
    }


MAP = _umap(
    _layer(
        "Kluby seniora",
        _point(
            "Klub Seniora „Złota Jesień”",
            18.6571,
            54.3499,
            description="**Spotkania** we wtorki\n[[https://zlotajesien.pl|strona klubu]]",
            telefon="58 301 22 33",
        ),
        _point("Klub „Pod Żurawiem”", 18.6580, 54.3510),
    ),
    _layer("Zieleń", SQUARE, WALK),
    _layer("Do sprawdzenia", _point("Pani Halina z podwórka", 18.6520, 54.3460)),
    _layer("Stare punkty"),
)
NAMES = [
    "Klub Seniora „Złota Jesień”",
    "Klub „Pod Żurawiem”",
    "Park Oruński",
    "Ścieżka wzdłuż Motławy",
    "Pani Halina z podwórka",
]


def _write(folder: Path, data: dict[str, Any], name: str = "zasoby-dolnego-miasta.umap") -> Path:
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_umap_reads_every_layer_with_its_name(tmp_path: Path) -> None:
    table = read_source(_write(tmp_path, MAP))
    assert table.format == "umap"
    assert table.frame["name"].tolist() == NAMES
    assert table.frame[FOLDER_COLUMN].tolist() == [
        "Kluby seniora",
        "Kluby seniora",
        "Zieleń",
        "Zieleń",
        "Do sprawdzenia",
    ]
    assert table.frame.loc[2, "description"] == (
        "Spotkania we wtorki\nstrona klubu (https://zlotajesien.pl)"
    )
    assert "_umap_options" not in table.columns
    assert any("„Stare punkty”" in n for n in table.notes)  # an empty layer is named


def test_umap_export_keeps_every_named_place(tmp_path: Path, seeded_store: GeoPackageStore) -> None:
    plan = plan_import(_write(tmp_path, MAP), "resources", CITY, seeded_store)
    assert plan.mapping[FOLDER_COLUMN] == "category"
    assert not plan.rejected
    assert [r.title for r in plan.to_write] == NAMES
    rows = {r.title: r for r in plan.rows}
    club = rows["Klub Seniora „Złota Jesień”"]
    assert club.values["category"] == "pomoc_spoleczna"  # "Kluby seniora" says it
    assert club.values["phone"] == "58 301 22 33"
    for name in ("Park Oruński", "Ścieżka wzdłuż Motławy"):
        assert rows[name].values["geometry"].geom_type == "Point"
        assert any("zamieniono na punkt" in w.message for w in rows[name].warnings)
    assert rows["Park Oruński"].values["category"] == "zielen"
    result = commit_import(plan, seeded_store, "Ala")
    assert len(result.created) == len(NAMES)


def test_umap_renamed_to_json_is_still_read_as_umap(tmp_path: Path) -> None:
    table = read_source(_write(tmp_path, MAP, "mapa.json"))
    assert table.format == "umap"
    assert len(table.frame) == len(NAMES)


def test_umap_label_key_names_the_rows(tmp_path: Path) -> None:
    data = _umap(_layer("Miejsca", _point("", 18.65, 54.35, nazwa="Świetlica „Promyk”")))
    data["properties"]["labelKey"] = "nazwa"
    table = read_source(_write(tmp_path, data))
    assert table.frame["name"].tolist() == ["Świetlica „Promyk”"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_umap(), "nie ma w nim żadnej warstwy"),
        (_umap(_layer("Puste"), _layer("Też puste")), "puste warstwy: „Puste”, „Też puste”"),
        (
            _umap(_layer("Z serwera", remoteData={"url": "https://example.org/dane.geojson"})),
            "https://example.org/dane.geojson",
        ),
    ],
)
def test_umap_with_nothing_to_import_says_why(
    tmp_path: Path, data: dict[str, Any], reason: str
) -> None:
    with pytest.raises(SourceReadError, match="nie zawiera żadnych obiektów") as caught:
        read_source(_write(tmp_path, data))
    assert reason in str(caught.value)


def test_umap_imports_in_one_command(tmp_path: Path, seeded_store: GeoPackageStore) -> None:
    code, report = import_resources(_write(tmp_path, MAP), seeded_store, tmp_path)
    assert code == 0
    assert report["accepted"] == len(NAMES)
    assert set(NAMES) <= set(seeded_store.read_layer("resources", city=CITY)["name"])


def test_broken_umap_gets_a_polish_error(tmp_path: Path) -> None:
    path = tmp_path / "mapa.umap"
    path.write_text('{"type": "umap", "layers": [', encoding="utf-8")
    with pytest.raises(SourceReadError, match="poprawny plik uMap"):
        read_source(path)
