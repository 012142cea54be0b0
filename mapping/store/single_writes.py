"""One-record writes, restore and undo: the same on every backend, built on its batches.

A backend (``GeoPackageStore``, ``PostGISStore``) inherits ``SingleWrites``
and provides ``batch``, ``history`` and two reads of its history table:
``_record_log`` (a record now and its raw history rows) and ``_batch_entries``
(what a batch changed, newest first).  Earlier states are rebuilt from the
record and the deltas of its history (``mapping.store.deltas``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

import pandas as pd

from mapping.errors import NotFoundError
from mapping.schema import get_layer
from mapping.store.base import Batch
from mapping.store.deltas import Entry, state_before, walk_back
from mapping.store.records import UNDO_NOTE_PREFIX

__all__ = ["BatchEntry", "SingleWrites", "StateWriter"]

#: One history row of a batch: layer, record id, version, action, before, after (raw).
BatchEntry = tuple[str, str, int, str, str | None, str]


class StateWriter(Batch, Protocol):
    """A backend's batch, which can also make a stored snapshot current again."""

    def put_state(
        self,
        layer: str,
        record_id: str,
        state: Mapping[str, Any],
        action: str,
        *,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        """Make ``state`` current (restore, undo), also of a deleted record."""
        ...


class SingleWrites:
    """The store's single writes, each in its own batch (see ``mapping.store.base.Store``)."""

    def batch(self, author: str, note: str = "") -> AbstractContextManager[StateWriter]:
        """One transaction (the backend's)."""
        raise NotImplementedError

    def history(self, layer: str | None = None, record_id: str | None = None) -> pd.DataFrame:
        """Changes, newest first (the backend's)."""
        raise NotImplementedError

    def _record_log(
        self, layer: str, record_id: str
    ) -> tuple[dict[str, Any] | None, Sequence[Entry]]:
        """The record now (None if deleted) and its raw history rows, newest first."""
        raise NotImplementedError

    def _batch_entries(self, batch_id: str) -> list[BatchEntry]:
        raise NotImplementedError

    def create(
        self,
        layer: str,
        values: Mapping[str, Any],
        *,
        author: str,
        record_id: str | None = None,
    ) -> dict[str, Any]:
        """Create one record in its own transaction."""
        with self.batch(author) as b:
            return b.create(layer, values, record_id=record_id)

    def update(
        self,
        layer: str,
        record_id: str,
        values: Mapping[str, Any],
        *,
        expected_version: int,
        author: str,
    ) -> dict[str, Any]:
        """Change some fields of one record; ``ConflictError`` if it changed meanwhile."""
        with self.batch(author) as b:
            return b.update(layer, record_id, values, expected_version=expected_version)

    def archive(
        self, layer: str, record_id: str, *, expected_version: int, author: str
    ) -> dict[str, Any]:
        """Hide one record from normal use (kept in the store and its history)."""
        with self.batch(author) as b:
            return b.archive(layer, record_id, expected_version=expected_version)

    def unarchive(
        self, layer: str, record_id: str, *, expected_version: int, author: str
    ) -> dict[str, Any]:
        """Bring an archived record back."""
        with self.batch(author) as b:
            return b.unarchive(layer, record_id, expected_version=expected_version)

    def restore(self, layer: str, record_id: str, version: int, *, author: str) -> dict[str, Any]:
        """Make the state of an earlier ``version`` current again, as a new version."""
        snapshot = self._snapshot_at(layer, record_id, version)
        with self.batch(author, note=f"przywrócenie wersji {version}") as b:
            return b.put_state(layer, record_id, snapshot, "restore")

    def undo_last(self, layer: str, record_id: str, *, author: str) -> dict[str, Any]:
        """Undo the latest change of a record (a creation is undone by archiving).

        A record deleted outside the app comes back as it was before the deletion.
        """
        log = self.history(layer, record_id)
        if log.empty:
            raise NotFoundError(f"nie ma wpisu {record_id} w warstwie „{layer}”")
        last = log.iloc[0]
        if last["action"] == "create" and int(last["version"]) == 1:
            return self.archive(layer, record_id, expected_version=1, author=author)
        return self.restore(layer, record_id, int(last["version"]) - 1, author=author)

    def undo_batch(self, batch_id: str, *, author: str) -> int:
        """Undo every change of a batch, newest first, as one new batch.

        Raises ``ConflictError`` (and changes nothing) if a record of the batch
        was changed again afterwards.
        """
        entries = self._batch_entries(batch_id)
        if not entries:
            raise NotFoundError(f"nie ma zmian o numerze {batch_id}")
        with self.batch(author, note=f"{UNDO_NOTE_PREFIX}{batch_id}") as b:
            for layer, record_id, version, action, before, after in entries:
                if before is None:  # a creation (or a record put back): archived again
                    b.archive(layer, record_id, expected_version=version)
                    continue
                entry = {"before": before, "after": after}
                if action == "delete":
                    state = state_before(get_layer(layer), {}, entry)
                    b.put_state(layer, record_id, state or {}, "undo")
                    continue
                try:
                    current = b.current_record(layer, record_id)
                except NotFoundError:  # deleted outside the app since: back as it was before
                    state = self._state_before(layer, record_id, version)
                    b.put_state(layer, record_id, state, "undo")
                    continue
                # Changed again since: put_state refuses it (ConflictError) before writing.
                if current["version"] == version:
                    current = state_before(get_layer(layer), current, entry) or current
                b.put_state(layer, record_id, current, "undo", expected_version=version)
            return len(entries)

    def _snapshot_at(self, layer: str, record_id: str, version: int) -> dict[str, Any]:
        """The record as ``version`` left it: the record now, later changes undone."""
        return self._states_of(layer, record_id, version)[1]

    def _state_before(self, layer: str, record_id: str, version: int) -> dict[str, Any]:
        """The record as it was before the change that made ``version``."""
        return self._states_of(layer, record_id, version)[0] or {}

    def _states_of(
        self, layer: str, record_id: str, version: int
    ) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The states before and after the (latest) change that made ``version``."""
        current, entries = self._record_log(layer, record_id)
        wanted = [n for n, e in enumerate(entries) if int(e["version"]) == version]
        if wanted:
            before, after = walk_back(get_layer(layer), current, entries[: wanted[0] + 1])[-1]
            if after is not None:
                return before, after
        raise NotFoundError(f"wpis {record_id} nie ma wersji {version}")
