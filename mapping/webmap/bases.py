"""After an edit, the app's map says what changed, not the whole layer again (issue 14).

A large point layer travels as a data file the visitor's browser keeps
(``mapping.webmap.served_data``).  After one record changes, packing 50,000
records again, hashing and writing a new 3 MB file, and every browser
downloading and reading it, is the whole cost of the map after an edit.
Instead the app keeps, per map and layer, the layer it last packed whole
(the *base*: its data file, and which record version each packed row is);
the next map packs only the records not in the base as they are now, and
names the base rows that are gone (``LayerData.patch_of``).  The browser
takes the base from its cache and patches it (``MAPA_PACKED.patch`` in
``static/mapa/packed.js``): the same features as the layer packed whole.

A record is the same as in the base when its id and version are: every
change of a record, in the app or outside it, gives it a new version
(``mapping.store.gpkg_triggers``).  The base is packed whole again when the
changes pass ``MAX_CHANGED`` rows, and a base belongs to one ``scope`` (the
map's options, its audience and the day, which decides the stale marks).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from mapping.frames import has_location
from mapping.schema import Field
from mapping.webmap.packing import LayerData, pack_layer, shape_bounds
from mapping.webmap.served_data import DATA_DIR, MIN_SERVED, data_file, data_key, ensure_written

__all__ = ["MAX_CHANGED", "LayerBases", "ScopedPacker"]

#: Changed rows past which the layer is packed whole again (a new base).
MAX_CHANGED = 1000
#: Maps (scopes) whose bases are kept.
_SCOPES = 8


@dataclass(frozen=True)
class _Base:
    key: str  # the data file's name (``served_data.data_key``)
    packed: str
    rows: Mapping[tuple[str, int], int]  # (record id, version) → packed row


@dataclass
class ScopedPacker:
    """The ``Packer`` of one app map (``build_map(packer=...)``); ``files`` are the
    base data files its patched layers need (for ``AppMap.data_files``)."""

    bases: LayerBases
    scope: Hashable
    files: dict[Path, str] = field(default_factory=dict)

    def __call__(
        self,
        layer: str,
        frame: gpd.GeoDataFrame,
        fields: Sequence[Field],
        extra: Mapping[str, Sequence[Any]],
    ) -> LayerData:
        """The layer packed as a patch of its base, or whole (then the new base)."""
        signature = (self.scope, layer, tuple(f.name for f in fields), tuple(extra))
        base = self.bases.get(signature)
        if base is not None:
            patch = self._patch(base, frame, fields, extra)
            if patch is not None:
                return patch
        data = pack_layer(frame, fields, extra=extra)
        if len(data.packed) >= MIN_SERVED:
            ids = frame["id"].to_numpy(dtype=object)[list(data.rows)].tolist()
            versions = frame["version"].to_numpy()[list(data.rows)].tolist()
            rows = {(i, int(v)): n for n, (i, v) in enumerate(zip(ids, versions, strict=True))}
            self.bases.put(signature, _Base(data_key(data.packed), data.packed, rows))
        return data

    def _patch(
        self,
        base: _Base,
        frame: gpd.GeoDataFrame,
        fields: Sequence[Field],
        extra: Mapping[str, Sequence[Any]],
    ) -> LayerData | None:
        placed = np.flatnonzero(has_location(frame.geometry).to_numpy())
        ids = frame["id"].to_numpy(dtype=object)[placed].tolist()
        versions = frame["version"].to_numpy()[placed].tolist()
        keys = [(i, int(v)) for i, v in zip(ids, versions, strict=True)]
        new = [int(placed[n]) for n, k in enumerate(keys) if k not in base.rows]
        kept = len(keys) - len(new)
        if len(new) + len(base.rows) - kept > MAX_CHANGED:
            return None
        present = set(keys)
        dropped = tuple(sorted(row for k, row in base.rows.items() if k not in present))
        path, text = data_file(base.key, base.packed, self.bases.folder)
        try:
            ensure_written({path: text})  # the browser loads it: it must be there
        except OSError:
            return None
        self.files[path] = text
        chosen = {name: list(values) for name, values in extra.items()}
        delta = pack_layer(
            frame.iloc[new], fields, extra={n: [v[i] for i in new] for n, v in chosen.items()}
        )
        shapes = frame.geometry.to_numpy()[placed]
        is_point = shapely.get_type_id(shapes) == shapely.GeometryType.POINT
        return replace(
            delta,
            count=len(keys),
            unplaced=len(frame) - len(keys),
            bounds=shape_bounds(shapes),
            has_shapes=bool((~is_point).any()),
            rows=(),
            patch_of=(base.key, dropped),
        )


class LayerBases:
    """The bases of the app's maps, shared by every session (see the module)."""

    def __init__(self, folder: Path = DATA_DIR) -> None:
        self.folder = folder
        self._bases: dict[tuple[Any, ...], _Base] = {}
        self._scopes: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def packer(self, scope: Hashable) -> ScopedPacker:
        """A packer for one map of ``scope``."""
        return ScopedPacker(self, scope)

    def get(self, signature: tuple[Any, ...]) -> _Base | None:
        """The base of a layer of a scope, if any."""
        with self._lock:
            return self._bases.get(signature)

    def put(self, signature: tuple[Any, ...], base: _Base) -> None:
        """Keep ``base``; the bases of the least recently used scopes beyond ``_SCOPES`` go."""
        scope = signature[0]
        with self._lock:
            self._bases[signature] = base
            self._scopes[scope] = None
            self._scopes.move_to_end(scope)
            while len(self._scopes) > _SCOPES:
                old, _ = self._scopes.popitem(last=False)
                for key in [k for k in self._bases if k[0] == old]:
                    del self._bases[key]
