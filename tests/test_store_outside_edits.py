"""Edits made outside the app (ogrinfo, QGIS through GDAL, a script) are versioned and in history.

The GeoPackage keeps the rules with plain-SQL triggers (``mapping.store.gpkg_triggers``);
these tests write the file the way other programs do and read it back through the store.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyogrio
import pytest
import shapely
from shapely.geometry import Point

from mapping.__main__ import main
from mapping.errors import ConflictError, NotFoundError
from mapping.schema import LAYERS
from mapping.store import GeoPackageStore, gpkg_triggers, open_store
from mapping.store.copy import copy_map
from mapping.store.gpkg_binary import add_spatial_functions
from tests.factories import resource_values

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
OGRINFO = shutil.which("ogrinfo")
needs_ogrinfo = pytest.mark.skipif(
    OGRINFO is None,
    reason="ogrinfo not installed (Debian gdal-bin; scripts/install-test-system.sh installs it)",
)
needs_validator = pytest.mark.skipif(
    not VALIDATOR.exists(), reason="GDAL's validate_gpkg.py not installed (Debian python3-gdal)"
)


def script_connect(path: Path, **options: Any) -> sqlite3.Connection:
    """A script's own connection: plain sqlite3 plus GDAL's ``ST_`` functions.

    The map's spatial indexes are kept by the standard GeoPackage triggers,
    which call them; GDAL, QGIS and the app define them, a script must too.
    """
    conn = sqlite3.connect(path, **options)
    add_spatial_functions(conn)
    return conn


def ogrinfo_sql(path: Path, sql: str) -> str:
    """Run one SQL statement through GDAL as a user would; return what GDAL printed."""
    assert OGRINFO is not None
    result = subprocess.run(
        [OGRINFO, "-q", str(path), "-sql", sql], capture_output=True, text=True, check=False
    )
    return result.stdout + result.stderr


def ogrinfo_ok(path: Path, sql: str) -> None:
    output = ogrinfo_sql(path, sql)
    assert "ERROR" not in output, output  # ogrinfo exits 0 even when the SQL fails


def assert_valid_geopackage(path: Path) -> None:
    result = subprocess.run(
        ["/usr/bin/python3", str(VALIDATOR), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "Error" not in result.stdout + result.stderr, (
        result.stdout + result.stderr
    )


def today() -> date:
    return datetime.now(UTC).date()


# -- ogrinfo -sql: UPDATE, INSERT without id, DELETE -----------------------------------


@needs_ogrinfo
def test_an_ogrinfo_update_bumps_the_version_and_is_in_history_as_made_outside(store):
    record = store.create("resources", resource_values(), author="Ala")
    opened = store.get("resources", record["id"])  # open in the app before the outside edit
    ogrinfo_ok(store.path, f"UPDATE resources SET name = 'Z GDAL' WHERE id = '{record['id']}'")

    after = store.get("resources", record["id"])
    assert after["name"] == "Z GDAL" and after["version"] == 2
    assert "poza aplikacją" in after["author"]
    entry = store.history("resources", record["id"]).iloc[0]
    assert entry["action"] == "update" and entry["version"] == 2
    assert "poza aplikacją" in entry["author"] and entry["note"] == "zmiana poza aplikacją"
    # Snapshots in the app's form: lists as lists, the geometry as WKT.
    before, now = json.loads(entry["before"]), json.loads(entry["after"])
    assert before["name"] == "Biblioteka Dzielnicowa" and now["name"] == "Z GDAL"
    assert now["target_groups"] == ["dzieci", "seniorzy"]
    assert shapely.from_wkt(now["geometry"]).equals(Point(18.6466, 54.3520))
    assert "geometry_gpkg" not in now

    with pytest.raises(ConflictError):  # the record opened before never overwrites it
        store.update(
            "resources", record["id"], {"name": "Z aplikacji"},
            expected_version=opened["version"], author="Ola",
        )  # fmt: skip
    assert store.get("resources", record["id"])["name"] == "Z GDAL"


@needs_ogrinfo
def test_an_outside_update_shows_in_stan_na_dzien_and_can_be_restored(store):
    record = store.create("resources", resource_values(), author="Ala")
    ogrinfo_ok(store.path, f"UPDATE resources SET name = 'Z GDAL' WHERE id = '{record['id']}'")
    assert list(store.read_layer_as_of("resources", today())["name"]) == ["Z GDAL"]
    assert store.read_layer_as_of("resources", today() - timedelta(days=1)).empty

    back = store.restore("resources", record["id"], 1, author="Ala")
    assert back["name"] == "Biblioteka Dzielnicowa" and back["version"] == 3
    assert list(store.history("resources", record["id"])["action"]) == [
        "restore",
        "update",
        "create",
    ]


@needs_ogrinfo
def test_an_ogrinfo_insert_without_id_gets_an_id_version_one_and_a_history_row(store):
    ogrinfo_ok(
        store.path,
        "INSERT INTO resources (name, kind, category, city, target_groups) "
        "VALUES ('Klub z GDAL', 'instytucja', 'kultura', 'Gdańsk', 'dzieci; seniorzy')",
    )
    (added,) = store.read_layer("resources").to_dict("records")
    assert len(added["id"]) == 12 and int(added["id"], 16) >= 0  # like the app's ids
    assert added["version"] == 1 and added["target_groups"] == ["dzieci", "seniorzy"]
    (entry,) = store.history("resources", added["id"]).to_dict("records")
    assert entry["action"] == "create" and entry["before"] is None
    assert json.loads(entry["after"])["target_groups"] == ["dzieci", "seniorzy"]
    # The app edits it like any other record.
    edited = store.update(
        "resources", added["id"], {"name": "Klub"}, expected_version=1, author="Ala"
    )
    assert edited["version"] == 2 and len(store.history("resources", added["id"])) == 2


@needs_ogrinfo
def test_an_ogrinfo_insert_with_a_typed_id_but_no_version_gets_version_one(store):
    ogrinfo_ok(
        store.path,
        "INSERT INTO resources (id, name, kind, category, city) "
        "VALUES ('wpisany-w-qgis', 'Świetlica', 'instytucja', 'kultura', 'Gdańsk')",
    )
    added = store.get("resources", "wpisany-w-qgis")
    assert added["version"] == 1 and added["created_at"] and added["updated_at"]
    assert store.history("resources", "wpisany-w-qgis").iloc[0]["action"] == "create"


@needs_ogrinfo
def test_an_ogrinfo_delete_is_in_history_and_restore_brings_the_record_back(store):
    record = store.create("resources", resource_values(name="Usunięty"), author="Ala")
    ogrinfo_ok(store.path, f"DELETE FROM resources WHERE id = '{record['id']}'")
    assert store.read_layer("resources", include_archived=True).empty
    entry = store.history("resources", record["id"]).iloc[0]
    assert entry["action"] == "delete" and entry["version"] == 2
    assert json.loads(entry["before"])["name"] == "Usunięty"
    assert store.read_layer_as_of("resources", today()).empty  # gone by the end of today
    with pytest.raises(NotFoundError, match=r"usunięto poza aplikacją.*mapping undo poza-"):
        store.update("resources", record["id"], {"name": "x"}, expected_version=1, author="Ala")

    back = store.restore("resources", record["id"], 1, author="Ala")
    assert back["name"] == "Usunięty" and back["version"] == 3 and back["archived_at"] is None
    assert store.get("resources", record["id"])["geometry"].equals(Point(18.6466, 54.3520))
    assert list(store.read_layer_as_of("resources", today())["name"]) == ["Usunięty"]


@needs_ogrinfo
def test_undo_brings_back_a_record_deleted_outside(store):
    record = store.create("resources", resource_values(name="Usunięty"), author="Ala")
    ogrinfo_ok(store.path, f"DELETE FROM resources WHERE id = '{record['id']}'")
    back = store.undo_last("resources", record["id"], author="Ala")
    assert back["name"] == "Usunięty" and back["version"] == 3
    assert list(store.history("resources", record["id"])["action"]) == [
        "restore",
        "delete",
        "create",
    ]


@needs_ogrinfo
def test_one_outside_statement_is_one_batch_that_can_be_undone(store):
    for name in ("Pierwszy", "Drugi"):
        store.create("resources", resource_values(name=name), author="Ala")
    ogrinfo_ok(store.path, "UPDATE resources SET status = 'nieaktywny'")
    log = store.history("resources")
    outside = log[log["action"] == "update"]
    assert len(outside) == 2 and outside["batch_id"].nunique() == 1
    assert store.undo_batch(outside["batch_id"].iloc[0], author="Ala") == 2
    assert set(store.read_layer("resources")["status"]) == {"aktywny"}


@needs_ogrinfo
def test_undoing_an_outside_delete_batch_brings_the_records_back(store):
    for name in ("Pierwszy", "Drugi"):
        store.create("resources", resource_values(name=name), author="Ala")
    ogrinfo_ok(store.path, "DELETE FROM resources")
    batch_id = store.history("resources").iloc[0]["batch_id"]  # python -m mapping history
    assert batch_id.startswith("poza-")
    assert store.undo_batch(batch_id, author="Ala") == 2  # python -m mapping undo BATCH_ID
    assert sorted(store.read_layer("resources")["name"]) == ["Drugi", "Pierwszy"]
    assert set(store.read_layer("resources")["version"]) == {3}


def test_a_deleted_record_typed_back_in_continues_its_versions(store):
    record = store.create("resources", resource_values(name="Wraca"), author="Ala")
    with script_connect(store.path) as conn:
        conn.execute("DELETE FROM resources WHERE id = ?", (record["id"],))
        conn.execute(
            "INSERT INTO resources (id, name, kind, category, city, version) "
            "VALUES (?, 'Wraca', 'instytucja', 'kultura', 'Gdańsk', 1)",
            (record["id"],),
        )
    conn.close()
    back = store.get("resources", record["id"])
    assert back["version"] == 3 and back["created_at"] == record["created_at"]
    assert list(store.history("resources", record["id"])["action"]) == [
        "create",
        "delete",
        "create",
    ]


@needs_ogrinfo
@needs_validator
def test_the_file_stays_a_valid_geopackage_after_outside_edits(store):
    record = store.create("resources", resource_values(), author="Ala")
    ogrinfo_ok(store.path, f"UPDATE resources SET name = 'Z GDAL' WHERE id = '{record['id']}'")
    ogrinfo_ok(
        store.path,
        "INSERT INTO resources (name, kind, category, city) "
        "VALUES ('Nowy', 'instytucja', 'kultura', 'Gdańsk')",
    )
    ogrinfo_ok(store.path, f"DELETE FROM resources WHERE id = '{record['id']}'")
    assert_valid_geopackage(store.path)
    assert {name for name, _ in pyogrio.list_layers(store.path)} >= set(LAYERS)
    assert list(pyogrio.read_dataframe(store.path, layer="resources")["name"]) == ["Nowy"]


@needs_ogrinfo
def test_history_cannot_be_edited_or_deleted_through_gdal(store):
    store.create("resources", resource_values(), author="Ala")
    before = store.history()
    output = ogrinfo_sql(store.path, "UPDATE history SET author = 'ktoś inny'")
    assert "Historii zmian nie można poprawiać" in output
    output = ogrinfo_sql(store.path, "DELETE FROM history")
    assert "Historii zmian nie można usuwać" in output
    assert store.history().equals(before)


@needs_ogrinfo
def test_a_stale_version_written_outside_is_refused(store):
    record = store.create("resources", resource_values(), author="Ala")
    store.update("resources", record["id"], {"name": "Nowsza"}, expected_version=1, author="Ola")
    output = ogrinfo_sql(
        store.path, f"UPDATE resources SET name = 'Stara', version = 1 WHERE id = '{record['id']}'"
    )
    assert "zmieniony" in output
    assert store.get("resources", record["id"])["name"] == "Nowsza"


@needs_ogrinfo
def test_the_app_sees_an_outside_edit_without_restart(store):
    record = store.create("resources", resource_values(), author="Ala")
    seen = store.data_version()  # the key of the app's caches (mapping.ui.shell)
    ogrinfo_ok(store.path, f"UPDATE resources SET name = 'Z GDAL' WHERE id = '{record['id']}'")
    assert store.data_version() > seen
    assert list(store.read_layer("resources")["name"]) == ["Z GDAL"]


@needs_ogrinfo
def test_a_record_deleted_outside_comes_back_with_the_undo_command(store, capsys):
    record = store.create("resources", resource_values(name="Usunięty"), author="Ala")
    ogrinfo_ok(store.path, f"DELETE FROM resources WHERE id = '{record['id']}'")
    assert main(["history", "--db", str(store.path), "--id", record["id"]]) == 0
    batch_id = store.history("resources", record["id"]).iloc[0]["batch_id"]
    assert batch_id in capsys.readouterr().out
    assert main(["undo", batch_id, "--db", str(store.path)]) == 0
    assert store.get("resources", record["id"])["name"] == "Usunięty"


@needs_ogrinfo
@needs_validator
def test_the_app_keeps_writing_a_layer_given_a_spatial_index_in_qgis(store):
    first = store.create("resources", resource_values(), author="Ala")
    # The app gives new maps an index; this one is QGIS's own, made anew.
    ogrinfo_ok(store.path, "SELECT DisableSpatialIndex('resources', 'geom')")
    ogrinfo_ok(store.path, "SELECT CreateSpatialIndex('resources', 'geom')")
    moved = store.update(
        "resources", first["id"], {"geometry": Point(18.7, 54.4)}, expected_version=1,
        author="Ala",
    )  # fmt: skip
    store.create("resources", resource_values(name="Drugi"), author="Ala")
    assert moved["version"] == 2
    with script_connect(store.path) as conn:  # the index follows the app's writes
        rows = conn.execute("SELECT id, minx, miny FROM rtree_resources_geom ORDER BY id")
        boxes = [(fid, round(x, 3), round(y, 3)) for fid, x, y in rows]
    conn.close()
    assert boxes == [(1, 18.7, 54.4), (2, 18.647, 54.352)]
    assert_valid_geopackage(store.path)


# -- GDAL's feature API, as QGIS uses it -------------------------------------------------

_GDAL_EDITS = textwrap.dedent(
    """
    import sys
    from osgeo import gdal, ogr
    gdal.UseExceptions()
    ds = ogr.Open(sys.argv[1], 1)
    layer = ds.GetLayerByName("resources")
    definition = layer.GetLayerDefn()
    for name in ("Dodany w QGIS", "Drugi z QGIS"):
        feature = ogr.Feature(definition)
        for i in range(definition.GetFieldCount()):
            feature.SetFieldNull(i)  # QGIS writes every attribute, empty ones as NULL
        for key, value in (("name", name), ("kind", "instytucja"), ("category", "kultura"),
                           ("city", "Gdańsk")):
            feature.SetField(key, value)
        feature.SetGeometry(ogr.CreateGeometryFromWkt("POINT (18.6 54.3)"))
        layer.CreateFeature(feature)
    edited = layer.GetFeature(1)
    edited.SetField("name", "Poprawiony w QGIS")
    layer.SetFeature(edited)
    layer.DeleteFeature(2)
    ds = None
    """
)


def _system_gdal() -> bool:
    found = subprocess.run(
        ["/usr/bin/python3", "-c", "import osgeo.ogr"], capture_output=True, check=False
    )
    return found.returncode == 0


@pytest.mark.skipif(not _system_gdal(), reason="GDAL's Python bindings (python3-gdal) missing")
def test_qgis_style_feature_edits_through_gdal_are_versioned(store):
    first = store.create("resources", resource_values(name="Pierwszy"), author="Ala")
    second = store.create("resources", resource_values(name="Drugi"), author="Ala")
    result = subprocess.run(
        ["/usr/bin/python3", "-c", _GDAL_EDITS, str(store.path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    records = store.read_layer("resources").set_index("name")
    assert list(records.index) == ["Poprawiony w QGIS", "Dodany w QGIS", "Drugi z QGIS"]
    assert records.loc["Poprawiony w QGIS", "version"] == 2
    added = records.loc[["Dodany w QGIS", "Drugi z QGIS"]]
    assert added["id"].str.fullmatch("[0-9a-f]{12}").all() and set(added["version"]) == {1}
    assert store.history("resources", second["id"]).iloc[0]["action"] == "delete"
    assert store.restore("resources", second["id"], 1, author="Ala")["name"] == "Drugi"
    assert store.history("resources", first["id"]).iloc[0]["action"] == "update"


# -- a script with Python's sqlite3 --------------------------------------------------------


def test_sqlite3_edits_are_versioned_and_logged_once(store):
    record = store.create("resources", resource_values(), author="Ala")
    store.update("resources", record["id"], {"name": "Z aplikacji"}, expected_version=1,
                 author="Ala")  # fmt: skip
    assert len(store.history("resources", record["id"])) == 2  # the app's writes, once each

    with script_connect(store.path) as conn:
        conn.execute("UPDATE resources SET name = 'Ze skryptu' WHERE id = ?", (record["id"],))
        conn.execute("UPDATE resources SET name = name")  # nothing changed: no new version
        conn.execute(
            "INSERT INTO resources (name, kind, category, city) "
            "VALUES ('Ze skryptu nowy', 'organizacja', 'kultura', 'Gdańsk')"
        )
    conn.close()
    assert store.get("resources", record["id"])["version"] == 3
    assert list(store.history("resources", record["id"])["version"]) == [3, 2, 1]
    added = store.read_layer("resources").set_index("name").loc["Ze skryptu nowy"]
    assert added["version"] == 1 and len(added["id"]) == 12

    with script_connect(store.path) as conn:
        conn.execute("DELETE FROM resources WHERE id = ?", (record["id"],))
    conn.close()
    assert store.undo_last("resources", record["id"], author="Ala")["name"] == "Ze skryptu"


@pytest.mark.parametrize("layer", list(LAYERS))
def test_every_layer_versions_an_outside_insert_update_and_delete(store, layer):
    title = LAYERS[layer].title_field
    conn = script_connect(store.path, isolation_level=None)
    try:
        conn.execute(f'INSERT INTO "{layer}" ("{title}") VALUES (?)', ("Pierwsza",))
        (record_id,) = conn.execute(f'SELECT id FROM "{layer}"').fetchone()
        conn.execute(f'UPDATE "{layer}" SET "{title}" = ? WHERE id = ?', ("Druga", record_id))
        conn.execute(f'DELETE FROM "{layer}" WHERE id = ?', (record_id,))
    finally:
        conn.close()
    assert list(store.history(layer, record_id)["action"]) == ["delete", "update", "create"]
    back = store.undo_last(layer, record_id, author="Ala")
    assert back[title] == "Druga" and back["version"] == 4


def test_a_client_with_recursive_triggers_on_is_logged_once_per_edit(store):
    record = store.create("resources", resource_values(), author="Ala")
    conn = script_connect(store.path, isolation_level=None)
    try:
        conn.execute("PRAGMA recursive_triggers = ON")
        conn.execute("UPDATE resources SET name = 'Raz' WHERE id = ?", (record["id"],))
        conn.execute("UPDATE resources SET name = 'Dwa', version = 3 WHERE id = ?", (record["id"],))
        conn.execute(
            "INSERT INTO resources (id, name, kind, category, city, version) "
            "VALUES ('', 'Pusty id', 'instytucja', 'kultura', 'Gdańsk', 9)"
        )
    finally:
        conn.close()
    assert list(store.history("resources", record["id"])["version"]) == [3, 2, 1]
    added = store.read_layer("resources").set_index("name").loc["Pusty id"]
    assert added["version"] == 1 and len(added["id"]) == 12
    assert len(store.history("resources", added["id"])) == 1


def test_sqlite3_cannot_rewrite_history_or_change_an_id(store):
    record = store.create("resources", resource_values(), author="Ala")
    conn = script_connect(store.path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="Historii zmian nie można"):
            conn.execute("UPDATE history SET after = '{}'")
        with pytest.raises(sqlite3.IntegrityError, match="Historii zmian nie można"):
            conn.execute("DELETE FROM history")
        with pytest.raises(sqlite3.IntegrityError, match="Identyfikatora wpisu"):
            conn.execute("UPDATE resources SET id = 'inny' WHERE id = ?", (record["id"],))
    finally:
        conn.close()
    assert len(store.history()) == 1 and store.get("resources", record["id"])["version"] == 1


# -- files made before the triggers existed ----------------------------------------------


def _make_old_file(path: Path) -> None:
    """A map as the app wrote it before: ``id NOT NULL``, no triggers, styles or index."""
    with script_connect(path, isolation_level=None) as conn:
        gpkg_triggers.drop_triggers(conn)
        for name, layer in LAYERS.items():
            if layer.geometry:
                for suffix in ("insert", "update1", "update2", "update3", "update4", "delete"):
                    conn.execute(f'DROP TRIGGER "rtree_{name}_geom_{suffix}"')
                conn.execute(f'DROP TABLE "rtree_{name}_geom"')
        conn.execute("DELETE FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'")
        conn.execute("DROP TABLE layer_styles")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name = 'layer_styles'")
        for name in LAYERS:
            (sql,) = conn.execute(
                "SELECT sql FROM sqlite_master WHERE name = ?", (name,)
            ).fetchone()
            old = sql.replace(gpkg_triggers.ID_COLUMN, '"id" TEXT NOT NULL UNIQUE')
            conn.execute(f'CREATE TABLE "old_{name}" {old[old.index("(") :]}')
            conn.execute(f'INSERT INTO "old_{name}" SELECT * FROM "{name}"')
            conn.execute(f'DROP TABLE "{name}"')
            conn.execute(f'ALTER TABLE "old_{name}" RENAME TO "{name}"')
    conn.close()


def test_an_older_file_gets_the_triggers_on_open_keeping_every_row(tmp_path):
    path = tmp_path / "stara.gpkg"
    record = GeoPackageStore(path).create("resources", resource_values(), author="Ala")
    _make_old_file(path)
    with script_connect(path) as conn:  # added outside before: typed id, no version
        conn.execute(
            "INSERT INTO resources (id, name, kind, category, city) "
            "VALUES ('z-qgis', 'Bez wersji', 'instytucja', 'kultura', 'Gdańsk')"
        )
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                            ).fetchone() == (0,)  # fmt: skip
    conn.close()

    store = GeoPackageStore(path)
    assert store.get("resources", record["id"])["name"] == "Biblioteka Dzielnicowa"
    assert store.get("resources", "z-qgis")["version"] == 1
    assert store.history("resources", "z-qgis").iloc[0]["action"] == "create"
    with script_connect(path) as conn:
        assert gpkg_triggers.ensure_versioning(conn) is False  # second open changes nothing
        (fids,) = conn.execute("SELECT group_concat(fid) FROM resources").fetchone()
    conn.close()
    assert fids == "1,2"
    with script_connect(path) as conn:
        conn.execute("INSERT INTO resources (name, kind, category, city) "
                     "VALUES ('Po migracji', 'instytucja', 'kultura', 'Gdańsk')")  # fmt: skip
    conn.close()
    assert store.read_layer("resources").set_index("name").loc["Po migracji", "version"] == 1


@needs_validator
def test_a_migrated_file_is_a_valid_geopackage(tmp_path):
    path = tmp_path / "stara.gpkg"
    GeoPackageStore(path).create("resources", resource_values(), author="Ala")
    _make_old_file(path)
    GeoPackageStore(path)
    assert_valid_geopackage(path)


def test_opening_a_current_file_writes_nothing(store):
    store.create("resources", resource_values(), author="Ala")
    with script_connect(store.path) as conn:
        assert gpkg_triggers.ensure_versioning(conn) is False
    conn.close()


@pytest.mark.postgis
def test_outside_edits_copied_to_the_server_keep_their_history(store, postgis_location):
    record = store.create("resources", resource_values(), author="Ala")
    with script_connect(store.path) as conn:
        conn.execute("UPDATE resources SET name = 'Ze skryptu' WHERE id = ?", (record["id"],))
    conn.close()
    copy_map(store.location, postgis_location)
    server = open_store(postgis_location)
    entry = server.history("resources", record["id"]).iloc[0]
    assert "poza aplikacją" in entry["author"]
    assert json.loads(entry["after"])["target_groups"] == ["dzieci", "seniorzy"]
    assert server.restore("resources", record["id"], 1, author="Ala")["version"] == 3


# -- the app on a file edited outside meanwhile ---------------------------------------------

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app_on_file(seeded_store: GeoPackageStore, monkeypatch) -> GeoPackageStore:
    """The bundled data in a temporary file, the app pointed at it."""
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    return seeded_store


def _edit_page(record_id: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["author"] = "Ala"
    at.session_state["_edit_open_resources"] = record_id  # the editor's open record
    at.run()
    at.switch_page("pages/edycja.py").run()
    return at


@needs_ogrinfo
def test_the_data_page_shows_an_outside_edit_on_the_next_rerun(app_on_file):
    from streamlit.testing.v1 import AppTest

    record = app_on_file.read_layer("resources", city="Gdańsk").iloc[0]
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["city"] = "Gdańsk"
    at.run()
    at.switch_page("pages/dane.py").run()

    def names() -> set[str]:
        return {n for frame in at.dataframe for n in frame.value.get("Nazwa", [])}

    assert record["name"] in names() and "Zmienione w GDAL" not in names()
    ogrinfo_ok(
        app_on_file.path,
        f"UPDATE resources SET name = 'Zmienione w GDAL' WHERE id = '{record['id']}'",
    )
    at.run()  # the same session, no restart: the layer cache keys on data_version()
    assert not at.exception
    assert "Zmienione w GDAL" in names() and record["name"] not in names()


@needs_ogrinfo
def test_an_edit_made_through_gdal_meanwhile_opens_the_conflict_panel(app_on_file):
    record = app_on_file.read_layer("resources", city="Gdańsk").iloc[0]
    at = _edit_page(record["id"])
    ogrinfo_ok(
        app_on_file.path, f"UPDATE resources SET name = 'Z GDAL' WHERE id = '{record['id']}'"
    )
    prefix = f"form_resources_{record['id']}_{record['version']}"
    at.text_input(key=f"{prefix}_name").set_value("Z aplikacji")
    next(b for b in at.button if b.label == "Zapisz zmiany").click()
    at.run()
    assert not at.exception
    assert any("Ktoś zapisał nowszą wersję" in e.value and "poza aplikacją" in e.value
               for e in at.error)  # fmt: skip
    assert app_on_file.get("resources", record["id"])["name"] == "Z GDAL"
