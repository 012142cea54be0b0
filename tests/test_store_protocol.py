"""Both backends implement the whole ``Store`` protocol, with its signatures.

Two guards: mypy checks this module (``[tool.mypy] files`` in pyproject.toml),
so the typed functions below fail type checking when a backend drifts from
``mapping.store.base`` (a missing ``unarchive``, a renamed keyword); the tests
compare the signatures at run time too, without a PostgreSQL server.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from mapping.store.base import Batch, Store
from mapping.store.geopackage import GeoPackageStore
from mapping.store.postgis import PostGISStore


def _geopackage_is_a_store(path: Path) -> Store:
    # mypy: an incompatible GeoPackageStore is an error on this line.
    return GeoPackageStore(path)


def _postgis_is_a_store(location: str) -> Store:
    # mypy: an incompatible PostGISStore is an error on this line.
    return PostGISStore(location)


def _batches_are_batches(store: GeoPackageStore | PostGISStore) -> AbstractContextManager[Batch]:
    # mypy: each backend's batch object must satisfy the Batch protocol.
    return store.batch("ala")


def _protocol_methods(protocol: type) -> list[str]:
    return sorted(
        name
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and not name.startswith("_")
    )


def _parameters(function: Callable[..., Any]) -> list[tuple[str, inspect._ParameterKind, object]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("backend", [GeoPackageStore, PostGISStore])
def test_backend_has_every_store_method_with_its_signature(backend: type) -> None:
    for name in _protocol_methods(Store):
        assert hasattr(backend, name), f"{backend.__name__} nie ma metody {name}"
        assert _parameters(getattr(backend, name)) == _parameters(getattr(Store, name)), name


def test_geopackage_store_passes_as_a_store(tmp_path: Path) -> None:
    store = _geopackage_is_a_store(tmp_path / "mapa.gpkg")
    assert store.location == str(tmp_path / "mapa.gpkg")
    with _batches_are_batches(GeoPackageStore(tmp_path / "mapa.gpkg")) as batch:
        assert batch.batch_id
