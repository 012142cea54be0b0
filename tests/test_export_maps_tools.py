"""Exports for other map tools: KML/KMZ (Google My Maps, Earth) and .umap (uMap)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pyogrio
import pytest

from mapping.export import ExportRequest, export
from mapping.export.kml import KML_NS
from mapping.schema import RESOURCES
from mapping.store import GeoPackageStore
from tests.export_fixtures import CITY, fill_store
from tests.factories import resource_values

NS = {"k": KML_NS}
SCRIPT = "<script>alert('x')</script> & <b>"


@pytest.fixture
def filled(store: GeoPackageStore) -> GeoPackageStore:
    fill_store(store)
    store.create(
        "resources",
        resource_values(name=SCRIPT, city=CITY, category="kultura", target_groups=["mlodziez"]),
        author="test",
    )
    return store


def _kml(store: GeoPackageStore, **options) -> ET.Element:
    return ET.fromstring(export(store, "kml", ExportRequest(CITY, **options)).data)


def test_kml_opens_in_gdal_with_a_folder_per_layer_and_category(filled, tmp_path: Path):
    path = tmp_path / "mapa.kml"
    path.write_bytes(export(filled, "kml", ExportRequest(CITY)).data)
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert "Zasoby: Kultura i biblioteki" in layers
    assert all(name.startswith(("Zasoby", "Potrzeby")) for name in layers)
    culture = pyogrio.read_dataframe(path, layer="Zasoby: Kultura i biblioteki")
    assert SCRIPT in set(culture["Name"])
    assert {"id", "category"} <= set(culture.columns)
    assert set(culture["category"]) == {"Kultura i biblioteki"}  # labels, never codes


def test_kml_descriptions_are_plain_escaped_text(filled):
    root = _kml(filled)
    marks = {m.findtext("k:name", namespaces=NS): m for m in root.iter(f"{{{KML_NS}}}Placemark")}
    hostile = marks[SCRIPT]  # the exact text, parsed back from escaped XML
    description = hostile.findtext("k:description", namespaces=NS)
    assert "Kategoria: Kultura i biblioteki" in description
    assert "Dla kogo: młodzież" in description  # the label of "mlodziez"
    raw = export(filled, "kml", ExportRequest(CITY)).data.decode()
    assert "<script>" not in raw and "&lt;script&gt;" in raw


def test_kml_styles_each_category_colour_and_links_every_placemark(filled):
    root = _kml(filled)
    styles = {s.get("id") for s in root.iter(f"{{{KML_NS}}}Style")}
    urls = {u.text.lstrip("#") for u in root.iter(f"{{{KML_NS}}}styleUrl")}
    assert urls and urls <= styles


def test_kml_carries_id_and_version_for_the_team_and_id_for_the_public(filled):
    for audience, expected in (("team", {"id", "version"}), ("public", {"id"})):
        root = _kml(filled, audience=audience)
        mark = next(root.iter(f"{{{KML_NS}}}Placemark"))
        names = {d.get("name") for d in mark.iter(f"{{{KML_NS}}}Data")}
        assert expected <= names


def test_kmz_is_the_kml_zipped_as_doc_kml(filled):
    kmz = export(filled, "kmz", ExportRequest(CITY)).data
    with zipfile.ZipFile(io.BytesIO(kmz)) as archive:
        assert archive.namelist() == ["doc.kml"]
        inner = archive.read("doc.kml")
    assert inner == export(filled, "kml", ExportRequest(CITY)).data


def test_umap_file_has_named_datalayers_and_readable_popups(filled):
    document = json.loads(export(filled, "umap", ExportRequest(CITY)).data)
    assert document["type"] == "umap"
    assert document["properties"]["name"] == f"Mapa zasobów i potrzeb — {CITY}"
    names = [layer["_umap_options"]["name"] for layer in document["layers"]]
    assert "Zasoby: Kultura i biblioteki" in names
    features = [f for layer in document["layers"] for f in layer["features"]]
    assert all(f["properties"]["name"] and f["geometry"] for f in features)
    hostile = next(f for f in features if f["properties"]["name"] == SCRIPT)
    assert "Dla kogo: młodzież" in hostile["properties"]["description"]
    assert "mlodziez" not in json.dumps(hostile, ensure_ascii=False)
    assert hostile["properties"]["id"]
    x, y = document["geometry"]["coordinates"]
    assert 18 < x < 19.5 and 54 < y < 55  # centred on Gdańsk


def test_kml_and_umap_export_only_the_chosen_layers(filled):
    only = ExportRequest(CITY, layers=("needs",))
    document = json.loads(export(filled, "umap", only).data)
    assert all(
        layer["_umap_options"]["name"].startswith("Potrzeby") for layer in document["layers"]
    )
    root = ET.fromstring(export(filled, "kml", only).data)
    folders = [f.findtext("k:name", namespaces=NS) for f in root.iter(f"{{{KML_NS}}}Folder")]
    assert folders and all(name.startswith("Potrzeby") for name in folders)
    assert RESOURCES.label not in " ".join(folders)
