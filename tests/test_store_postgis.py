"""PostGIS store: the rules hold in the database, for QGIS or psql connected straight to it."""

from __future__ import annotations

import pytest

from mapping.errors import MapError
from mapping.store import open_store
from mapping.store.postgis import PostGISStore
from tests.factories import resource_values

psycopg = pytest.importorskip("psycopg")
pytestmark = pytest.mark.postgis


@pytest.fixture
def store(postgis_location: str) -> PostGISStore:
    """An empty map in a fresh schema of the test database."""
    return open_store(postgis_location)


@pytest.fixture
def qgis(postgis_location: str):
    """A plain connection as a desktop GIS would open it (its own application_name)."""
    with psycopg.connect(postgis_location, autocommit=True, application_name="QGIS") as conn:
        yield conn


def test_an_edit_outside_the_app_is_versioned_and_signed_by_the_client(store, qgis):
    record = store.create("resources", resource_values(), author="Ala")
    qgis.execute("UPDATE resources SET name = 'Poprawione w QGIS' WHERE id = %s", (record["id"],))
    after = store.get("resources", record["id"])
    assert after["version"] == 2 and after["name"] == "Poprawione w QGIS"
    entry = store.history("resources", record["id"]).iloc[0]
    assert entry["action"] == "update" and entry["version"] == 2
    assert "QGIS" in entry["author"] and "poza aplikacją" in entry["author"]
    assert '"Biblioteka Dzielnicowa"' in entry["before"]
    assert store.restore("resources", record["id"], 1, author="Ala")["version"] == 3


def test_an_insert_without_id_gets_an_id_version_one_and_a_history_row(store, qgis):
    qgis.execute(
        "INSERT INTO resources (name, kind, category, city, target_groups, geom) VALUES "
        "('Klub z QGIS', 'instytucja', 'kultura', 'Gdańsk', 'dzieci; seniorzy', "
        "ST_SetSRID(ST_MakePoint(18.6, 54.3), 4326))"
    )
    (added,) = store.read_layer("resources").to_dict("records")
    assert len(added["id"]) == 12 and added["version"] == 1
    assert added["target_groups"] == ["dzieci", "seniorzy"]
    (entry,) = store.history("resources", added["id"]).to_dict("records")
    assert entry["action"] == "create" and entry["before"] is None
    assert '"target_groups": ["dzieci", "seniorzy"]' in entry["after"]


def test_a_deleted_record_is_in_history_and_comes_back_with_its_versions(store, qgis):
    record = store.create("resources", resource_values(name="Usunięty"), author="Ala")
    qgis.execute("DELETE FROM resources WHERE id = %s", (record["id"],))
    assert store.read_layer("resources", include_archived=True).empty
    entry = store.history("resources", record["id"]).iloc[0]
    assert entry["action"] == "delete" and entry["version"] == 2
    back = store.undo_last("resources", record["id"], author="Ala")
    assert back["name"] == "Usunięty" and back["version"] == 3 and back["archived_at"] is None
    assert list(store.history("resources", record["id"])["action"]) == [
        "restore",
        "delete",
        "create",
    ]


def test_the_database_refuses_a_stale_version_and_ignores_a_save_without_changes(store, qgis):
    record = store.create("resources", resource_values(), author="Ala")
    for version, name in enumerate(["Nowsza", "Najnowsza"], start=1):
        store.update("resources", record["id"], {"name": name}, expected_version=version,
                     author="Ola")  # fmt: skip
    stale = qgis.execute(
        "UPDATE resources SET name = 'Starsza' WHERE id = %s AND version = 1", (record["id"],)
    )
    assert stale.rowcount == 0
    # A client that sets the version it writes (edited version 1, so 2) is refused too.
    with pytest.raises(psycopg.errors.SerializationFailure, match="wersja 3"):
        qgis.execute("UPDATE resources SET name = 'Starsza', version = 2 WHERE id = %s",
                     (record["id"],))  # fmt: skip
    qgis.execute("UPDATE resources SET name = name WHERE id = %s", (record["id"],))
    assert store.get("resources", record["id"])["version"] == 3
    assert len(store.history("resources", record["id"])) == 3


def test_data_version_counts_only_committed_changes(store, qgis):
    store.create("resources", resource_values(), author="Ala")
    before = store.data_version()
    with pytest.raises(MapError), store.batch("Import") as batch:
        batch.create("resources", resource_values(name="Wycofany"))
        raise MapError("przerwany import")
    assert store.data_version() == before
    qgis.execute("UPDATE resources SET name = 'Z QGIS'")
    assert store.data_version() == before + 1


def test_geometry_is_wgs84_with_gist_indexes(store, qgis):
    srids = dict(  # this test's schema only: other runs share the database
        qgis.execute(
            "SELECT f_table_name, srid FROM geometry_columns "
            "WHERE f_table_schema = current_schema()"
        ).fetchall()
    )
    assert srids == {"areas": 4326, "resources": 4326, "needs": 4326, "actions": 4326}
    gist = {
        row[0]
        for row in qgis.execute(
            "SELECT tablename FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexdef LIKE '%USING gist%'"
        )
    }
    assert gist == set(srids)


def test_a_server_that_does_not_answer_is_a_polish_message():
    with pytest.raises(MapError, match="Nie można połączyć się z serwerem PostgreSQL"):
        open_store("postgresql://postgres@127.0.0.1:1/mapa")


def test_a_missing_database_names_the_init_command(postgis_database):
    missing = postgis_database.rsplit("/", 1)[0] + "/mapa_nie_ma_takiej_bazy"
    with pytest.raises(MapError, match="python -m mapping init"):
        open_store(missing)


def test_a_database_with_other_tables_is_refused(postgis_location, qgis):
    qgis.execute("CREATE TABLE resources (a int)")
    with pytest.raises(MapError, match="nie jest mapą zasobów i potrzeb"):
        open_store(postgis_location)


def test_a_read_inside_an_open_batch_sees_only_committed_data(store):
    with store.batch("Import") as batch:
        batch.create("resources", resource_values(name="W trakcie"))
        assert store.read_layer("resources").empty  # its own transaction, as in a file
    assert list(store.read_layer("resources")["name"]) == ["W trakcie"]


def test_a_client_cannot_switch_history_off_on_a_map_that_has_one(store, qgis):
    """``mapa.copying`` fills an empty map; set by QGIS or psql later, it changes nothing."""
    record = store.create("resources", resource_values(), author="Ala")
    qgis.execute("SET mapa.copying = 'on'")
    qgis.execute("UPDATE resources SET name = 'Bez śladu?' WHERE id = %s", (record["id"],))
    qgis.execute("DELETE FROM resources WHERE id = %s", (record["id"],))
    history = store.history("resources", record["id"])
    assert list(history["action"]) == ["delete", "update", "create"]
    assert store.restore("resources", record["id"], 2, author="Ala")["name"] == "Bez śladu?"
