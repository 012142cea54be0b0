"""The storage protocol every backend implements (GeoPackage and PostGIS).

Pages and the command line talk only to this protocol, so a backend can be
added without touching them.  The rules every backend keeps:

- records are never physically deleted by normal use: ``archive`` hides them;
- every change bumps ``version`` and appends a history entry (who, when,
  before, after), so any earlier state can be restored;
- saving with a stale ``expected_version`` raises ``ConflictError`` instead
  of overwriting someone else's newer change;
- a batch (an import) is one transaction: all of it is stored, or none;
- ``history`` rows keep what each change did (``mapping.store.deltas``), the
  same in every backend, so a map moves between backends with its history
  (``python -m mapping copy``); ``history()`` shows whole JSON snapshots of the
  record before and after (geometry as WKT, see ``mapping.store.records``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from typing import Any, Protocol

import geopandas as gpd
import pandas as pd

from mapping.store.refresh import LayerRead

__all__ = ["Batch", "Store"]


class Batch(Protocol):
    """Writes that commit together (see ``Store.batch``)."""

    batch_id: str

    def current_record(self, layer: str, record_id: str) -> dict[str, Any]:
        """The record as it is inside this transaction."""
        ...

    def serialise(self, key: str) -> None:
        """Hold ``key`` until the batch ends: batches that hold the same key run one by one.

        For a check that reads the store and then writes ("this partnership has
        no open meeting, so start one"): two batches checking at once would both
        pass.  Reads made after this call see what the batch before committed.
        """
        ...

    def create(
        self, layer: str, values: Mapping[str, Any], *, record_id: str | None = None
    ) -> dict[str, Any]:
        """Create a record; return it with its system fields."""
        ...

    def create_many(self, layer: str, many: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """``create`` of each of ``many`` in order, written in bulk (an import's new rows)."""
        ...

    def update(
        self, layer: str, record_id: str, values: Mapping[str, Any], *, expected_version: int
    ) -> dict[str, Any]:
        """Change the given fields of a record at ``expected_version``."""
        ...

    def archive(self, layer: str, record_id: str, *, expected_version: int) -> dict[str, Any]:
        """Hide a record from normal use (it stays in the store and history)."""
        ...

    def unarchive(self, layer: str, record_id: str, *, expected_version: int) -> dict[str, Any]:
        """Bring an archived record back into normal use."""
        ...


class Store(Protocol):
    """A place where one animator's (or one team's) map lives."""

    location: str

    def read_layer(
        self, layer: str, *, city: str | None = None, include_archived: bool = False
    ) -> gpd.GeoDataFrame:
        """All records of a layer as a record frame (see ``mapping.frames``)."""
        ...

    def read_tracked(self, layer: str, *, city: str | None = None) -> LayerRead:
        """The whole layer, archived records included, to be kept and ``refreshed``."""
        ...

    def refreshed(self, read: LayerRead) -> LayerRead:
        """``read`` brought up to date (``mapping.store.refresh``)."""
        ...

    def read_layer_as_of(
        self, layer: str, when: date, *, city: str | None = None
    ) -> gpd.GeoDataFrame:
        """The layer as it stood at the end of day ``when`` (rebuilt from history)."""
        ...

    def get(self, layer: str, record_id: str) -> dict[str, Any]:
        """One record; raise ``NotFoundError`` if there is none."""
        ...

    def batch(self, author: str, note: str = "") -> AbstractContextManager[Batch]:
        """A transaction: ``with store.batch("ala") as b: b.create(...)``."""
        ...

    def create(
        self,
        layer: str,
        values: Mapping[str, Any],
        *,
        author: str,
        record_id: str | None = None,
    ) -> dict[str, Any]:
        """Create one record in its own transaction."""
        ...

    def update(
        self,
        layer: str,
        record_id: str,
        values: Mapping[str, Any],
        *,
        expected_version: int,
        author: str,
    ) -> dict[str, Any]:
        """Update one record in its own transaction."""
        ...

    def archive(
        self, layer: str, record_id: str, *, expected_version: int, author: str
    ) -> dict[str, Any]:
        """Archive one record in its own transaction."""
        ...

    def unarchive(
        self, layer: str, record_id: str, *, expected_version: int, author: str
    ) -> dict[str, Any]:
        """Bring an archived record back, in its own transaction."""
        ...

    def restore(self, layer: str, record_id: str, version: int, *, author: str) -> dict[str, Any]:
        """Make the state of ``version`` current again (as a new version)."""
        ...

    def undo_last(self, layer: str, record_id: str, *, author: str) -> dict[str, Any]:
        """Undo the latest change of a record."""
        ...

    def undo_batch(self, batch_id: str, *, author: str) -> int:
        """Undo every change of a batch (e.g. an import) as one new batch."""
        ...

    def history(self, layer: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """Change log, newest first."""
        ...

    def data_version(self) -> int:
        """A number that grows with every change (for caching maps)."""
        ...

    def cities(self) -> list[str]:
        """Cities present in the store, in Polish order."""
        ...

    # -- team-mode accounts (columns: ``mapping.store.accounts``) --------------
    # Kept in the store but outside every layer: never exported, never shown.

    def get_account(self, login: str) -> dict[str, Any] | None:
        """The account row called ``login`` (a dict of the account columns), or None."""
        ...

    def put_account(self, account: Mapping[str, Any]) -> None:
        """Store an account row, replacing the one with the same login."""
        ...

    def list_accounts(self) -> list[dict[str, Any]]:
        """Every account row, by login."""
        ...
