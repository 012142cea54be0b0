"""Shared fixtures: a temporary store built from the schema, and record factories."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point

from mapping.store import GeoPackageStore

GDANSK_CENTRE = Point(18.6466, 54.3520)


@pytest.fixture
def store(tmp_path: Path) -> GeoPackageStore:
    """An empty GeoPackage store in a temporary directory."""
    return GeoPackageStore(tmp_path / "mapa.gpkg")


def resource_values(**overrides: Any) -> dict[str, Any]:
    """A valid resource (a library in Gdańsk) with ``overrides`` applied."""
    values: dict[str, Any] = {
        "name": "Biblioteka Dzielnicowa",
        "kind": "instytucja",
        "category": "kultura",
        "city": "Gdańsk",
        "status": "aktywny",
        "target_groups": ["dzieci", "seniorzy"],
        "geometry": GDANSK_CENTRE,
    }
    values.update(overrides)
    return values


def need_values(**overrides: Any) -> dict[str, Any]:
    """A valid open need with ``overrides`` applied."""
    values: dict[str, Any] = {
        "title": "Miejsce spotkań dla seniorów",
        "category": "miejsce_spotkan",
        "city": "Gdańsk",
        "status": "zgloszona",
        "target_groups": ["seniorzy"],
        "geometry": GDANSK_CENTRE,
    }
    values.update(overrides)
    return values


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


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps trying to reach Google's hosts on a closed network.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


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
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
