"""What a map ships to the browser: record frames as compact, audience-filtered data.

Only fields the audience may see are written, and only when they hold a
value: a private field's value is never part of the page, not even hidden.

The format is a packed form of a GeoJSON FeatureCollection: the map runtime
turns its points straight into canvas markers (``MAPA.markers``), whose
``feature.properties`` are read from the columns on demand, and its other
geometries into GeoJSON features (``MAPA.shapes``).  It exists because at
50,000 records the page size and the browser's parse time are dominated by
repeated keys and values::

    {"n": 3,                         number of features
     "s": 100000,                    coordinate scale (5 decimals ≈ 1 m)
     "x0": 1843000, "y0": 5427000,   offsets, in scaled units
     "x": [..], "y": [..],           points: x offset; y as deltas (rows sorted by y)
     "g": [{geometry}, ..],          then lines and polygons as GeoJSON geometries
     "p": {"name": {"v": ["A", null, "C"]},           a plain column (null: no value)
           "kind": {"d": ["miejsce"], "i": [0, -1, 0]}}}  a dictionary column (-1: none)

Points come first, sorted north to south (so southern markers, drawn later,
overlap northern ones consistently); polygons are simplified to the
coordinate precision.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.frames import WGS84, decode_list, has_location, is_list_field
from mapping.schema import Audience, Field, FieldType, Layer
from mapping.webmap.layers import escape_json_text

__all__ = [
    "PRECISION",
    "LayerData",
    "Packer",
    "pack_layer",
    "pack_whole",
    "shape_bounds",
    "shipped_fields",
]

#: Decimal places kept in coordinates: 1e-5° is about 1.1 m in latitude.
PRECISION = 5
_SCALE = 10**PRECISION
#: Types cleaned value by value (the rest are text, cleaned a column at a time).
_SPECIAL = (FieldType.INTEGER, FieldType.REAL, FieldType.DATE)


@dataclass(frozen=True)
class LayerData:
    """A layer ready for the page.

    Attributes
    ----------
    packed : the packed FeatureCollection (see the module docstring), as JSON
        text escaped for a ``<script>`` element
    count : features written (records with a location)
    unplaced : records left out because they have no location
    bounds : ``[[south, west], [north, east]]`` or None when nothing is placed
    has_shapes : whether any feature is a line or polygon (not a point)
    rows : the frame's row of each packed feature, in packed order
    patch_of : ``(key, dropped rows)`` when ``packed`` only says what changed
        since the layer in data file ``key`` (``mapping.webmap.bases``)
    """

    packed: str
    count: int
    unplaced: int
    bounds: list[list[float]] | None
    has_shapes: bool
    rows: tuple[int, ...] = ()
    patch_of: tuple[str, tuple[int, ...]] | None = None


def shipped_fields(layer: Layer, audience: Audience, frame: pd.DataFrame) -> list[Field]:
    """The fields of ``layer`` the audience may see that ``frame`` has, in schema order."""
    return [f for f in layer.visible_fields(audience) if f.name in frame.columns]


def pack_layer(
    frame: gpd.GeoDataFrame,
    fields: Sequence[Field],
    *,
    extra: Mapping[str, Sequence[Any]] | None = None,
    simplify: bool = False,
) -> LayerData:
    """Pack ``frame`` with only ``fields`` (and ``extra`` columns) as properties.

    Parameters
    ----------
    frame : a record frame in EPSG:4326
    fields : the fields to write (already filtered by visibility)
    extra : more properties, one value per row of ``frame``; None values are
        left out (used for computed flags such as ``_stale``)
    simplify : simplify lines and polygons to the coordinate precision

    Raises
    ------
    ValueError
        if the frame is not in EPSG:4326 or an ``extra`` column has the
        wrong length.
    """
    _check_frame(frame, extra)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    placed = np.flatnonzero(has_location(frame.geometry).to_numpy())
    shapes = geoms[placed]
    is_point = shapely.get_type_id(shapes) == shapely.GeometryType.POINT
    xs = np.round(shapely.get_x(shapes[is_point]) * _SCALE).astype(np.int64)
    ys = np.round(shapely.get_y(shapes[is_point]) * _SCALE).astype(np.int64)
    by_y = np.argsort(-ys, kind="stable")
    # Feature order: points north to south, then the other geometries.
    rows = np.concatenate([placed[is_point][by_y], placed[~is_point]]).tolist()
    others = shapes[~is_point]
    if simplify and len(others):
        others = shapely.simplify(others, 1.0 / _SCALE, preserve_topology=True)
    xs, ys = xs[by_y], ys[by_y]
    x0 = int(xs.min()) if len(xs) else 0
    y0 = int(ys.max()) if len(ys) else 0
    packed = {
        "n": len(rows),
        "s": _SCALE,
        "x0": x0,
        "y0": y0,
        "x": (xs - x0).tolist(),
        "y": (-np.diff(ys, prepend=y0)).tolist(),
        "g": [shapely.geometry.mapping(_rounded(g)) for g in others],
        "p": _columns(frame, fields, extra, rows),
    }
    text = json.dumps(packed, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return LayerData(
        packed=escape_json_text(text),
        count=len(rows),
        unplaced=len(frame) - len(rows),
        bounds=shape_bounds(shapes),
        has_shapes=bool(len(others)),
        rows=tuple(rows),
    )


#: How a map packs one record layer: (layer name, frame, fields, extra) → data.
Packer = Callable[[str, gpd.GeoDataFrame, Sequence[Field], Mapping[str, Sequence[Any]]], LayerData]


def pack_whole(
    layer: str, frame: gpd.GeoDataFrame, fields: Sequence[Field], extra: Mapping[str, Sequence[Any]]
) -> LayerData:
    """The ``Packer`` of every map but the app's: the whole layer, every time."""
    return pack_layer(frame, fields, extra=extra)


def _columns(
    frame: gpd.GeoDataFrame,
    fields: Sequence[Field],
    extra: Mapping[str, Sequence[Any]] | None,
    rows: list[int],
) -> dict[str, dict[str, list[Any]]]:
    columns: dict[str, dict[str, list[Any]]] = {}
    for f in fields:
        column = frame[f.name]
        if isinstance(column.dtype, pd.StringDtype) and _is_text(f):
            columns[f.name] = _encode_text(column.take(rows))
            continue
        values = column.to_numpy(dtype=object, na_value=None)[rows]
        if is_list_field(f.type):
            columns[f.name] = _encode_lists(values)
            continue
        columns[f.name] = _encode(_clean_values(values, f), False)
    for name, given in (extra or {}).items():
        values = np.empty(len(given), dtype=object)
        values[:] = list(given)  # slice assignment keeps list values as objects
        picked = values[rows].tolist()
        # Flags and ids from Python (``_stale``: 1 or None) need no cleaning.
        plain = {type(v) for v in picked} <= {int, str, type(None)}
        cleaned = picked if plain else [_clean_extra(v) for v in picked]
        columns[name] = _encode(cleaned, any(isinstance(v, list) for v in cleaned))
    return {name: column for name, column in columns.items() if column}


def _is_text(field: Field) -> bool:
    return field.type not in _SPECIAL and not is_list_field(field.type)


def _encode_text(column: pd.Series) -> dict[str, list[Any]]:
    """``_encode`` of a text column read as strings (pandas' ``str``): stripped,
    blanks as None, repeated texts as a dictionary — in the column's own arrays,
    with no Python object per row until the lists for JSON."""
    text = column.str.strip()
    text = text.mask(text == "")
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    if len(uniques) == 0:
        return {}
    if len(uniques) * 2 <= len(text):
        return {"d": list(uniques), "i": codes.tolist()}
    return {"v": text.to_numpy(dtype=object, na_value=None).tolist()}


def _clean_values(values: np.ndarray, field: Field) -> list[Any]:
    """Values for the page: None where empty; lists, numbers and ISO dates as such."""
    as_text = _is_text(field)
    if field.type == FieldType.DATE:
        # Dates are ISO strings in frames; other date objects go value by value.
        as_text = pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")
    if as_text:
        # Vectorised: pandas strips a whole column far faster than a loop.
        text = pd.Series(values, dtype="string").str.strip()
        return text.mask(text == "").to_numpy(dtype=object, na_value=None).tolist()
    clean = _cleaner(field)
    if clean is _clean_list:
        return _clean_lists(values)
    return [clean(v) for v in values]


def _clean_lists(values: np.ndarray) -> list[Any]:
    # A list column holds a few combinations ("dzieci; seniorzy") many times
    # over: each distinct one is cleaned once (50,000 rows, a few dozen lists).
    memo: dict[Any, list[str] | None] = {}
    out: list[Any] = []
    for value in values:
        key = tuple(value) if isinstance(value, list | tuple) else value
        try:
            cleaned = memo[key]
        except KeyError:
            cleaned = memo[key] = _clean_list(value)
        except TypeError:  # an unhashable item: clean it on its own
            cleaned = _clean_list(value)
        out.append(cleaned)
    return out


def _encode_lists(values: np.ndarray) -> dict[str, list[Any]]:
    """``_encode`` of a list column's cleaned values, each distinct list cleaned once
    (50,000 rows hold a few dozen combinations of target groups)."""
    keys = pd.Series(
        [tuple(v) if isinstance(v, list | tuple) else v for v in values.tolist()], dtype=object
    )
    try:
        codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    except TypeError:  # an unhashable item: row by row
        return _encode(_clean_lists(values), True)
    cleaned = [_clean_list(list(u) if isinstance(u, tuple) else u) for u in uniques.tolist()]
    # Lists that clean to nothing are blanks; equal cleaned lists share one entry.
    final: dict[tuple[str, ...], int] = {}
    remap = np.full(len(cleaned) + 1, -1, dtype=np.int64)
    for k, items in enumerate(cleaned):
        if items:
            remap[k] = final.setdefault(tuple(items), len(final))
    codes = remap[codes]  # the sentinel -1 picks the last entry, -1
    if not final:
        return {}
    distinct = [list(t) for t in final]
    if len(distinct) * 2 <= len(codes):
        return {"d": distinct, "i": codes.tolist()}
    return {"v": [distinct[c] if c >= 0 else None for c in codes.tolist()]}


def _encode(values: list[Any], is_list: bool) -> dict[str, list[Any]]:
    """A column as plain values or, when values repeat, a dictionary and indices."""
    keys = pd.Series(
        [tuple(v) if v is not None else None for v in values] if is_list else values, dtype=object
    )
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    if len(uniques) == 0:
        return {}  # no row has a value: the property is left out entirely
    if len(uniques) * 2 <= len(values):
        distinct = [list(u) if is_list else u for u in uniques.tolist()]
        return {"d": distinct, "i": codes.tolist()}
    return {"v": values}


def _rounded(geom: Any) -> Any:
    return shapely.transform(geom, lambda c: np.round(c, PRECISION))


def _check_frame(frame: gpd.GeoDataFrame, extra: Mapping[str, Sequence[Any]] | None) -> None:
    if frame.crs is not None and not frame.crs.equals(WGS84):
        raise ValueError(f"Ramka musi być w EPSG:4326, jest w {frame.crs.to_string()}")
    for name, values in (extra or {}).items():
        if len(values) != len(frame):
            raise ValueError(f"Kolumna {name!r}: {len(values)} wartości, wierszy {len(frame)}")


def shape_bounds(shapes: np.ndarray) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of ``shapes``, or None for none."""
    if len(shapes) == 0:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(shapes).tolist()
    return [[miny, minx], [maxy, maxx]]


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pd.NA or value is pd.NaT


def _clean_text(value: Any) -> str | None:
    if _is_blank(value):
        return None
    text = str(value).strip()
    return text or None


def _clean_list(value: Any) -> list[str] | None:
    if isinstance(value, list | tuple):
        items = [str(v) for v in value if v is not None and str(v).strip()]
    elif _is_blank(value):
        return None
    else:
        items = decode_list(value)
    return items or None


def _clean_number(value: Any) -> int | float | None:
    if _is_blank(value) or isinstance(value, str | bool):
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return int(number) if number.is_integer() else number


def _clean_date(value: Any) -> str | None:
    if _is_blank(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return _clean_text(value)


def _cleaner(field: Field) -> Callable[[Any], Any]:
    if is_list_field(field.type):
        return _clean_list
    if field.type in (FieldType.INTEGER, FieldType.REAL):
        return _clean_number
    if field.type == FieldType.DATE:
        return _clean_date
    return _clean_text


def _clean_extra(value: Any) -> Any:
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
