"""Shared fixtures: a temporary store built from the schema, the bundled data, the browser.

Record factories are in ``tests/factories.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mapping.store import GeoPackageStore, Store, open_store
from tests.chromium import CHROMIUM, launch

REPO = Path(__file__).resolve().parents[1]
#: The PostGIS test database (scripts/test-db.sh creates it on the local server).
POSTGIS_TEST_DB = os.environ.get("MAPA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/mapa_test")


#: pytest's own ``__main__``, as it was before any page ran.
_PYTEST_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _restore_main_module() -> Iterator[None]:
    """Put pytest's ``__main__`` back after each test.

    Streamlit's script runner (AppTest) installs the page it ran as
    ``sys.modules["__main__"]`` and leaves it there; a process started later
    by ``multiprocessing`` (forkserver or spawn) then re-runs that page as its
    own main module, opening the default map before it does its work.
    """
    yield
    sys.modules["__main__"] = _PYTEST_MAIN


@pytest.fixture
def store(tmp_path: Path) -> GeoPackageStore:
    """An empty GeoPackage store in a temporary directory."""
    return GeoPackageStore(tmp_path / "mapa.gpkg")


def _postgis_problem() -> str | None:
    """Why the PostGIS tests cannot run here, or None when they can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -r requirements.txt)"
    for attempt in range(2):
        try:
            with psycopg.connect(POSTGIS_TEST_DB, connect_timeout=5) as conn:
                if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
                    return None
                problem = "PostGIS is not installed (scripts/install-test-system.sh)"
        except psycopg.OperationalError as exc:
            reason = (str(exc).strip().splitlines() or ["?"])[0]
            problem = f"no PostgreSQL test server at {POSTGIS_TEST_DB}: {reason}"
        if attempt == 0:  # the server answers but lacks the database or the extension
            subprocess.run(["bash", str(REPO / "scripts" / "test-db.sh")], check=False)
    return problem


@pytest.fixture(scope="session")
def postgis_database() -> str:
    """The PostGIS test database; the test is skipped, saying why, if no server answers."""
    problem = _postgis_problem()
    if problem:
        pytest.skip(problem)
    return POSTGIS_TEST_DB


@pytest.fixture
def postgis_location(postgis_database: str) -> Iterator[str]:
    """A ``postgresql://`` location of a fresh schema of the test database, dropped after."""
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgis_database, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    # No fsync per commit: the tests check visibility and locking, not surviving a power cut.
    options = f"-csearch_path%3D{schema},public%20-csynchronous_commit%3Doff"
    yield f"{postgis_database}?options={options}"
    with psycopg.connect(postgis_database, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def each_store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """An empty store of each backend in turn: a GeoPackage file, then a PostGIS schema."""
    if request.param == "gpkg":
        return GeoPackageStore(tmp_path / "mapa.gpkg")
    return open_store(request.getfixturevalue("postgis_location"))


@pytest.fixture(scope="session")
def seeded_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once per test session from the bundled seed data (do not write to it)."""
    from mapping.seed import init_store

    path = tmp_path_factory.mktemp("seeded") / "mapa.gpkg"
    init_store(str(path))
    return path


@pytest.fixture
def seeded_store(seeded_store_file: Path, tmp_path: Path) -> GeoPackageStore:
    """A private, writable copy of the bundled data."""
    copy = tmp_path / "mapa.gpkg"
    shutil.copyfile(seeded_store_file, copy)
    return GeoPackageStore(copy)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (never ``playwright install``), one for the whole session.

    Playwright's sync API allows one running instance per thread, so every
    browser test — unit or e2e — shares this one.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/install-test-system.sh)")
    with sync_api.sync_playwright() as p:
        launched = launch(p)
        yield launched
        launched.close()
