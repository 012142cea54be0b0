"""Creating a working store from the bundled seed data (``data/seed/*.geojson``)."""

from __future__ import annotations

import json
from pathlib import Path

import shapely

from mapping.schema import LAYERS
from mapping.store import REPO_ROOT, Store, open_store

__all__ = ["SEED_AUTHOR", "SEED_DIR", "init_store", "load_seed"]

SEED_DIR = REPO_ROOT / "data" / "seed"
SEED_AUTHOR = "dane startowe"


def load_seed(store: Store, seed_dir: Path = SEED_DIR) -> dict[str, int]:
    """Add every seed record to ``store`` in one transaction; return counts per layer.

    Layers are loaded in schema order, so references (partnership members,
    linked resources) point at records that already exist.
    """
    counts: dict[str, int] = {}
    with store.batch(SEED_AUTHOR, note="dane startowe") as batch:
        for name in LAYERS:
            path = seed_dir / f"{name}.geojson"
            if not path.exists():
                continue
            features = json.loads(path.read_text(encoding="utf-8"))["features"]
            for feature in features:
                values = dict(feature["properties"])
                record_id = values.pop("id")
                geometry = feature.get("geometry")
                values["geometry"] = shapely.geometry.shape(geometry) if geometry else None
                batch.create(name, values, record_id=record_id)
            counts[name] = len(features)
    return counts


def init_store(location: str | None = None, seed_dir: Path = SEED_DIR) -> dict[str, int] | None:
    """Create the store from the seed data if it does not exist yet (idempotent).

    Returns the counts loaded, or None when the store already existed.
    """
    from mapping.store import default_location

    path = Path(location or default_location())
    if path.exists():
        open_store(path)  # checks it is a valid map file
        return None
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    counts = load_seed(open_store(tmp, create=True), seed_dir)
    tmp.replace(path)  # only a fully loaded store takes the real name
    return counts
