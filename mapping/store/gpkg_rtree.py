"""An SQLite R-tree written at once (sort-tile-recursive packing), not entry by entry.

SQLite's R*-tree inserts an entry in ~8 µs, most of a bulk insert's time after the
rows themselves.  GDAL fills a new GeoPackage's index the way this module does
(``sqlite_rtree_bulk_load``): the tree is built in memory and its nodes written
straight into the index's own tables (``<name>_node``, ``_parent``, ``_rowid``) in
the format SQLite's ``rtree`` module reads and keeps up to date afterwards
(``ext/rtree/rtree.c``): node 1 is the root, whose first two bytes say the depth of
the tree; each node holds a cell count and cells of a 64-bit id and four 32-bit
floats (min x, max x, min y, max y), big-endian; boxes are rounded outwards to
floats as SQLite rounds them.

``pack_rtree`` rebuilds the whole index from the entries it holds and the new
ones: worth it only when the new ones are at least as many (``worth_packing``).
"""

from __future__ import annotations

import math
import sqlite3

import numpy as np

__all__ = ["pack_rtree", "worth_packing"]

#: Below this many new entries, inserting them one by one is as quick.
_FEWEST = 1000
_CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def worth_packing(conn: sqlite3.Connection, rtree: str, new: int) -> bool:
    """Whether rebuilding ``rtree`` with ``new`` more entries beats inserting them."""
    if new < _FEWEST:
        return False
    (held,) = conn.execute(f"SELECT count(*) FROM {_quote(rtree + '_rowid')}").fetchone()
    return bool(held <= new)


def _outwards(boxes: np.ndarray) -> np.ndarray:
    """Boxes (min x, max x, min y, max y) as 32-bit floats that contain them, as SQLite rounds.

    ``rtreeValueDown`` / ``rtreeValueUp``: a float past the double is moved by one
    part in 2**23 towards (min) or away from (max) zero, then rounded again.
    """
    rounded = boxes.astype(np.float32)
    towards, away = 1.0 - 1.0 / 8388608.0, 1.0 + 1.0 / 8388608.0
    lows, highs = boxes[:, [0, 2]], boxes[:, [1, 3]]
    low_f, high_f = rounded[:, [0, 2]], rounded[:, [1, 3]]
    low_fix = np.where(lows < 0, lows * away, lows * towards).astype(np.float32)
    high_fix = np.where(highs < 0, highs * towards, highs * away).astype(np.float32)
    low_f = np.where(low_f > lows, low_fix, low_f)
    high_f = np.where(high_f < highs, high_fix, high_f)
    return np.column_stack([low_f[:, 0], high_f[:, 0], low_f[:, 1], high_f[:, 1]])


def _tiles(boxes: np.ndarray, per_node: int) -> list[np.ndarray]:
    """Positions of ``boxes`` grouped into nodes: slices by x centre, runs by y centre."""
    count = len(boxes)
    nodes = math.ceil(count / per_node)
    slices = math.ceil(math.sqrt(nodes))
    x = (boxes[:, 0].astype(np.float64) + boxes[:, 1]) / 2
    y = (boxes[:, 2].astype(np.float64) + boxes[:, 3]) / 2
    by_x = np.argsort(x, kind="stable")
    step = slices * per_node
    groups = []
    for start in range(0, count, step):
        part = by_x[start : start + step]
        part = part[np.argsort(y[part], kind="stable")]
        groups += [part[i : i + per_node] for i in range(0, len(part), per_node)]
    return groups


def pack_rtree(conn: sqlite3.Connection, rtree: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Rebuild R-tree ``rtree`` holding what it holds and ``ids`` with their ``boxes``.

    ``boxes`` are doubles (min x, max x, min y, max y); inside the caller's
    transaction.  An id already in the index keeps its new box, as
    ``INSERT OR REPLACE`` would.
    """
    node_t, parent_t, rowid_t = (_quote(f"{rtree}_{part}") for part in ("node", "parent", "rowid"))
    (size,) = conn.execute(f"SELECT length(data) FROM {node_t} WHERE nodeno = 1").fetchone()
    per_node = (size - 4) // _CELL.itemsize
    held = np.array(
        conn.execute(f"SELECT id, minx, maxx, miny, maxy FROM {_quote(rtree)}").fetchall(),
        dtype=np.float64,
    ).reshape(-1, 5)
    keep = ~np.isin(held[:, 0].astype(np.int64), ids)
    all_ids = np.concatenate([held[keep, 0].astype(np.int64), np.asarray(ids, dtype=np.int64)])
    # Boxes read back from the index are floats already: rounding them changes nothing.
    all_boxes = _outwards(np.concatenate([held[keep, 1:], np.asarray(boxes, dtype=np.float64)]))
    conn.execute(f"DELETE FROM {node_t}")
    conn.execute(f"DELETE FROM {parent_t}")
    conn.execute(f"DELETE FROM {rowid_t}")
    nodes: list[tuple[int, bytes]] = []
    parents: list[tuple[int, int]] = []
    rowids: list[tuple[int, int]] = []
    level_ids, level_boxes, depth, next_node = all_ids, all_boxes, 0, 2
    if not len(all_ids):  # an empty tree: the root alone, with no cells
        conn.execute(f"INSERT INTO {node_t} VALUES (1, ?)", (bytes(size),))
        return
    while True:
        groups = (
            _tiles(level_boxes, per_node)
            if len(level_ids) > per_node
            else [np.arange(len(level_ids))]
        )
        root = len(groups) == 1
        numbers = [1] if root else list(range(next_node, next_node + len(groups)))
        next_node += 0 if root else len(groups)
        up_boxes = np.empty((len(groups), 4), dtype=np.float32)
        for number, group, up in zip(numbers, groups, up_boxes, strict=True):
            cells = np.empty(len(group), dtype=_CELL)
            cells["id"] = level_ids[group]
            cells["box"] = level_boxes[group]
            head = (depth if root else 0).to_bytes(2, "big") + len(group).to_bytes(2, "big")
            body = head + cells.tobytes()
            nodes.append((number, body + bytes(size - len(body))))
            children = level_ids[group].tolist()
            if depth == 0:
                rowids += [(child, number) for child in children]
            else:
                parents += [(child, number) for child in children]
            part = level_boxes[group]
            up[:] = (part[:, 0].min(), part[:, 1].max(), part[:, 2].min(), part[:, 3].max())
        if root:
            break
        level_ids, level_boxes, depth = np.array(numbers, dtype=np.int64), up_boxes, depth + 1
    conn.executemany(f"INSERT INTO {node_t} VALUES (?, ?)", nodes)
    conn.executemany(f"INSERT INTO {parent_t} VALUES (?, ?)", parents)
    conn.executemany(f"INSERT INTO {rowid_t} VALUES (?, ?)", rowids)
