"""GeoPackages that open styled in QGIS, and GeoJSON that uMap shows: the store and the exports.

Both the store and the exported ``.gpkg`` carry QGIS's ``layer_styles`` (a
categorised renderer in the map's colours, labels, Polish aliases, value
maps), an R-tree spatial index kept by the standard triggers and, in the
export, DATE columns.  A test with QGIS itself runs where Debian's
``python3-qgis`` is installed (``scripts/install-test-system.sh``).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from mapping.export import FORMATS, ExportRequest, export
from mapping.importing.columns import guess_mapping
from mapping.qgis_style import OTHER_LABEL
from mapping.schema import CATEGORIES, LAYERS, SYSTEM_FIELDS, Audience, FieldType, Layer
from mapping.store import GeoPackageStore
from mapping.store.gpkg_extras import ensure_extras
from mapping.webmap.styles import CATEGORY_COLORS
from tests.export_fixtures import CITY, POLISH_NAME, fill_store
from tests.factories import resource_values

VALIDATE_GPKG = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")
QGIS_PYTHON = Path("/usr/lib/python3/dist-packages/qgis/core/__init__.py")


@pytest.fixture
def filled(store: GeoPackageStore) -> GeoPackageStore:
    fill_store(store)
    return store


@pytest.fixture
def exported(filled: GeoPackageStore, tmp_path: Path) -> Path:
    path = tmp_path / "eksport.gpkg"
    path.write_bytes(export(filled, "gpkg", ExportRequest(CITY, audience=Audience.TEAM)).data)
    return path


def _styles(path: Path) -> dict[str, tuple[str, ET.Element]]:
    """Default style per table: (geometry column, parsed QML)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT f_table_name, f_geometry_column, styleQML FROM layer_styles "
            "WHERE useAsDefault AND f_table_catalog = '' AND f_table_schema = ''"
        ).fetchall()
    return {table: (column, ET.fromstring(qml.split("\n", 1)[1])) for table, column, qml in rows}


def _rgb(color: str) -> str:
    return ",".join(str(int(color.lstrip("#")[i : i + 2], 16)) for i in (0, 2, 4))


def _check_style(layer: Layer, qml: ET.Element, columns: set[str]) -> None:
    """The style QGIS reads: aliases, value maps, hidden system columns, renderer."""
    aliases = {a.get("field"): a.get("name") for a in qml.iter("alias")}
    for field in layer.fields:
        if field.name in columns:
            assert aliases[field.name] == field.label  # Polish, as in the app
    for field in layer.fields:
        if field.type != FieldType.CHOICE or field.name not in columns:
            continue
        (entry,) = [
            f for f in qml.iterfind("fieldConfiguration/field") if f.get("name") == field.name
        ]
        widget = entry.find("editWidget")
        assert widget is not None and widget.get("type") == "ValueMap"
        pairs = [
            (option.get("name"), option.get("value"))
            for option in widget.iterfind("config/Option/Option[@name='map']/Option/Option")
        ]
        assert pairs == [(c.label, c.code) for c in field.choices]
    hidden = {c.get("name") for c in qml.iter("column") if c.get("hidden") == "1"}
    assert {"fid", "version", "created_at", "updated_at", "author"} <= hidden
    assert "id" not in hidden and not hidden & set(layer.field_names)
    read_only = {f.get("name") for f in qml.find("editable") or () if f.get("editable") == "0"}
    assert {f.name for f in SYSTEM_FIELDS} & columns <= read_only
    if layer.geometry is None:
        assert qml.find("renderer-v2") is None
        return
    labels = qml.find("labeling/settings/text-style")
    assert labels is not None and labels.get("fieldName") == layer.title_field
    assert qml.get("labelsEnabled") == "1"


def _check_category_renderer(qml: ET.Element) -> None:
    renderer = qml.find("renderer-v2")
    assert renderer is not None
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == "category"
    categories = [(c.get("value"), c.get("label"), c.get("symbol")) for c in qml.iter("category")]
    assert [(v, label) for v, label, _ in categories] == [
        *((c.code, c.label) for c in CATEGORIES),
        ("", OTHER_LABEL),  # QGIS: every other value
    ]
    symbols = {s.get("name"): s for s in renderer.iterfind("symbols/symbol")}
    for value, _, symbol in categories[:-1]:
        colour = symbols[symbol].find("layer/Option/Option[@name='color']")
        assert colour is not None
        assert colour.get("value") == _rgb(CATEGORY_COLORS[value]) + ",255"


def test_exported_gpkg_carries_a_qgis_style_per_layer(exported: Path):
    styles = _styles(exported)
    assert set(styles) == set(LAYERS)
    for name, layer in LAYERS.items():
        column, qml = styles[name]
        assert column == ("geom" if layer.geometry else "")
        columns = set(pyogrio.read_info(exported, layer=name)["fields"]) | {"fid"}
        _check_style(layer, qml, columns)
    _check_category_renderer(styles["resources"][1])
    _check_category_renderer(styles["needs"][1])
    areas = styles["areas"][1].find("renderer-v2")
    assert areas is not None and areas.get("attr") == "kind"
    fills = areas.findall("symbols/symbol/layer/Option/Option[@name='style']")
    assert {f.get("value") for f in fills} == {"no"}  # plain outlines


def test_a_public_export_styles_only_the_columns_it_holds(filled: GeoPackageStore, tmp_path):
    path = tmp_path / "publiczny.gpkg"
    path.write_bytes(export(filled, "gpkg", ExportRequest(CITY)).data)
    _, qml = _styles(path)["resources"]
    named = {f.get("name") for f in qml.iterfind("fieldConfiguration/field")}
    assert "contact_person" not in named and "phone" not in named
    assert named == set(pyogrio.read_info(path, layer="resources")["fields"]) | {"fid"}


def test_store_carries_the_same_styles(store: GeoPackageStore):
    styles = _styles(store.path)
    assert set(styles) == set(LAYERS)
    for name, layer in LAYERS.items():
        _check_style(layer, styles[name][1], set(_store_columns(store, name)))
    _check_category_renderer(styles["resources"][1])


def _store_columns(store: GeoPackageStore, table: str) -> list[str]:
    with sqlite3.connect(store.path) as conn:
        return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _rtree_extensions(path: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM gpkg_extensions "
            "WHERE extension_name = 'gpkg_rtree_index' AND scope = 'write-only'"
        ).fetchall()
    return set(rows)


def test_exported_gpkg_has_a_spatial_index_per_feature_table(exported: Path):
    spatial = {(name, "geom") for name, layer in LAYERS.items() if layer.geometry}
    assert _rtree_extensions(exported) == spatial
    with sqlite3.connect(exported) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM rtree_resources_geom").fetchone()
    located = pyogrio.read_dataframe(exported, layer="resources")
    assert count == int((~located.geometry.isna()).sum()) > 0


def test_store_spatial_index_follows_every_write(store: GeoPackageStore):
    spatial = {(name, "geom") for name, layer in LAYERS.items() if layer.geometry}
    assert _rtree_extensions(store.path) == spatial
    record = store.create("resources", resource_values(geometry=Point(18.5, 54.3)), author="Ala")
    moved = store.update(
        "resources",
        record["id"],
        {"geometry": Point(18.7, 54.4)},
        expected_version=1,
        author="Ola",
    )
    store.create("needs", {**_need(), "geometry": box(18.6, 54.3, 18.7, 54.4)}, author="Ala")

    def index(table: str) -> list[tuple[float, float, float, float]]:
        with sqlite3.connect(store.path) as conn:
            rows = conn.execute(f"SELECT minx, maxx, miny, maxy FROM rtree_{table}_geom")
            return [tuple(round(v, 3) for v in row) for row in rows]

    assert index("resources") == [(18.7, 18.7, 54.4, 54.4)]
    assert index("needs") == [(18.6, 18.7, 54.3, 54.4)]
    store.update(
        "resources", record["id"], {"geometry": None}, expected_version=moved["version"],
        author="Ola",
    )  # fmt: skip
    assert index("resources") == []
    assert [v for v in store.history("resources", record["id"])["version"]] == [3, 2, 1]


def _need() -> dict[str, str]:
    return {"title": "Sala", "category": "miejsce_spotkan", "city": CITY, "status": "zgloszona"}


@pytest.mark.skipif(
    not (VALIDATE_GPKG.exists() and SYSTEM_PYTHON.exists()), reason="no GDAL validator"
)
@pytest.mark.parametrize("which", ["store", "export"])
def test_styled_and_indexed_gpkg_passes_gdal_validator(filled, exported, which):
    path = filled.path if which == "store" else exported
    run = subprocess.run(
        [str(SYSTEM_PYTHON), str(VALIDATE_GPKG), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Error" not in run.stdout + run.stderr


def test_exported_dates_are_dates(exported: Path):
    with sqlite3.connect(exported) as conn:
        types = {row[1]: row[2] for row in conn.execute('PRAGMA table_info("meetings")')}
    assert types["date"] == "DATE"
    meetings = pyogrio.read_dataframe(exported, layer="meetings")
    assert pd.api.types.is_datetime64_any_dtype(meetings["date"])
    assert meetings.at[0, "date"].date() == date(2025, 2, 1)
    actions = pyogrio.read_dataframe(exported, layer="actions")
    assert actions.at[0, "date"].date() == date(2025, 6, 1)


# --- GeoJSON for uMap -----------------------------------------------------------------


def test_geojson_features_carry_name_and_description_for_umap(filled: GeoPackageStore):
    request = ExportRequest(CITY, layers=("resources",))
    collection = json.loads(export(filled, "geojson", request).data)
    by_name = {f["properties"]["name"]: f["properties"] for f in collection["features"]}
    library = by_name[POLISH_NAME]
    assert "Kategoria: Kultura i biblioteki" in library["description"]
    assert library["category"] == "kultura"  # the code stays, for the way back
    assert "id" in library  # (the version is a team field)
    needs = json.loads(export(filled, "geojson", ExportRequest(CITY, layers=("needs",))).data)
    room = next(
        f["properties"]
        for f in needs["features"]
        if f["properties"]["title"] == "Miejsce spotkań dla seniorów"
    )
    assert room["name"] == "Miejsce spotkań dla seniorów"
    assert room["description"] == "Potrzeba sali"  # the need's own field keeps its value


def test_geojson_all_is_one_collection_with_a_layer_property(filled: GeoPackageStore):
    assert FORMATS["geojson-all"].label == "GeoJSON (wszystkie warstwy w jednym pliku)"
    result = export(filled, "geojson-all", ExportRequest(CITY))
    assert result.filename.endswith(".geojson")
    collection = json.loads(result.data)
    assert collection["type"] == "FeatureCollection"
    layers = {f["properties"]["layer"] for f in collection["features"]}
    assert layers == set(LAYERS)
    ids = [f["id"] for f in collection["features"]]
    assert len(ids) == len(set(ids))
    festival = next(f for f in collection["features"] if f["properties"]["layer"] == "actions")
    assert festival["id"] == "actions/" + festival["properties"]["id"]
    assert festival["properties"]["name"] == "Festyn sąsiedzki"


def test_exported_geojson_columns_map_back_onto_their_fields(filled: GeoPackageStore):
    request = ExportRequest(CITY, layers=("resources",), audience=Audience.TEAM)
    (feature, *_) = json.loads(export(filled, "geojson", request).data)["features"]
    headers = list(feature["properties"])
    mapping = guess_mapping(headers, "resources")
    assert mapping["offer"] == "offer" and mapping["name"] == "name"
    assert mapping["description"] != "offer"  # the popup text never overwrites the offer


# --- QGIS itself ---------------------------------------------------------------------

_QGIS_CHECK = """
import json, os, sys
from qgis.core import QgsApplication, QgsVectorLayer
QgsApplication.setPrefixPath("/usr", True)
app = QgsApplication([], False)
app.initQgis()
out = {}
for name in ("resources", "needs", "areas", "meetings"):
    layer = QgsVectorLayer(f"{sys.argv[1]}|layername={name}", name, "ogr")
    renderer = layer.renderer()
    fields = layer.fields()
    out[name] = {
        "valid": layer.isValid(),
        "renderer": renderer.type() if renderer else None,
        "categories": [c.value() for c in renderer.categories()]
        if renderer and renderer.type() == "categorizedSymbol" else [],
        "alias": layer.attributeAlias(fields.indexOf("city")),
        "widget": layer.editorWidgetSetup(fields.indexOf("status" if name == "resources"
                                                         else "city")).type(),
    }
print(json.dumps(out), flush=True)
os._exit(0)  # QGIS 3.22 may crash tearing down in a headless process; the answer is out
"""


@pytest.mark.qgis
@pytest.mark.skipif(
    not QGIS_PYTHON.exists(),
    reason="QGIS not installed (Debian python3-qgis, scripts/install-test-system.sh)",
)
@pytest.mark.parametrize("which", ["store", "export"])
def test_qgis_opens_the_map_with_its_styles(filled, exported: Path, which: str):
    path = filled.path if which == "store" else exported
    run = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", _QGIS_CHECK, str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(exported.parent)},
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    resources = seen["resources"]
    assert resources["valid"] and resources["renderer"] == "categorizedSymbol"
    assert resources["categories"][:2] == [c.code for c in CATEGORIES[:2]]
    assert resources["alias"] == "Miasto" and resources["widget"] == "ValueMap"
    assert seen["needs"]["renderer"] == "categorizedSymbol"
    assert seen["areas"]["renderer"] == "categorizedSymbol"
    assert seen["meetings"]["valid"] and seen["meetings"]["alias"] == "Miasto"


def test_a_store_file_without_styles_gets_them_once_on_open(store: GeoPackageStore):
    with sqlite3.connect(store.path) as conn:  # as a file of an older version
        conn.execute("DROP TABLE layer_styles")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'layer_styles'")
    conn.close()
    reopened = GeoPackageStore(store.path)
    assert set(_styles(reopened.path)) == set(LAYERS)
    with sqlite3.connect(store.path) as conn:
        assert ensure_extras(conn) is False  # the next open writes nothing
    conn.close()
