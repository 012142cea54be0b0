"""``pack_rtree`` writes the R-tree SQLite itself would hold, and SQLite keeps it up to date."""

from __future__ import annotations

import random
import sqlite3

import numpy as np
import pytest

from mapping.store.gpkg_rtree import pack_rtree

_QUERY = "SELECT id FROM r WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? ORDER BY id"


def _rtree() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("CREATE VIRTUAL TABLE r USING rtree(id, minx, maxx, miny, maxy)")
    return conn


@pytest.mark.parametrize(("new", "held"), [(0, 0), (1, 0), (51, 0), (52, 3), (2602, 900)])
def test_a_packed_tree_holds_and_finds_what_inserts_would(new: int, held: int) -> None:
    rng = random.Random(new)
    rows = []
    for fid in range(1, new + held + 1):
        x, y = rng.uniform(-180, 180), rng.uniform(-90, 90)
        size = rng.choice([0.0, rng.uniform(0, 1)])  # points and small boxes
        rows.append((fid, x, x + size, y, y + size))
    packed, inserted = _rtree(), _rtree()
    for conn in (packed, inserted):
        conn.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?)", rows[:held])
    inserted.executemany("INSERT INTO r VALUES (?, ?, ?, ?, ?)", rows[held:])
    entries = np.array(rows[held:], dtype=float).reshape(-1, 5)
    pack_rtree(packed, "r", entries[:, 0].astype(np.int64), entries[:, 1:])

    def same() -> None:
        assert packed.execute("SELECT rtreecheck('r')").fetchone() == ("ok",)
        every = "SELECT * FROM r ORDER BY id"
        assert packed.execute(every).fetchall() == inserted.execute(every).fetchall()
        for _ in range(20):
            x, y = rng.uniform(-180, 180), rng.uniform(-90, 90)
            box = (x, x + rng.uniform(0, 40), y, y + rng.uniform(0, 40))
            assert (
                packed.execute(_QUERY, box).fetchall() == inserted.execute(_QUERY, box).fetchall()
            )

    same()
    # Later writes go through SQLite's own code, on the packed nodes.
    for fid in range(new + held + 1, new + held + 200):
        x, y = rng.uniform(-180, 180), rng.uniform(-90, 90)
        for conn in (packed, inserted):
            conn.execute("INSERT INTO r VALUES (?, ?, ?, ?, ?)", (fid, x, x, y, y))
    for fid in rng.sample(range(1, new + held + 1), min(new + held, 300)):
        for conn in (packed, inserted):
            conn.execute("DELETE FROM r WHERE id = ?", (fid,))
    same()


def test_blob_bounds_read_points_from_their_bytes_and_parse_the_rest() -> None:
    import shapely

    from mapping.store.gpkg_binary import blob_bounds, encode_geometry

    shapes = [
        shapely.Point(18.6, 54.3),
        shapely.MultiPolygon([shapely.box(18.0, 54.0, 18.5, 54.2)]),
        shapely.Point(-0.5, 51.25),
        shapely.LineString([(1, 2), (3, -4)]),
    ]
    blobs = [encode_geometry(g) for g in shapes]
    expected = [[g.bounds[0], g.bounds[2], g.bounds[1], g.bounds[3]] for g in shapes]
    assert blob_bounds([b for b in blobs if b is not None]).tolist() == expected
