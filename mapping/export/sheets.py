"""Exports for spreadsheets: CSV and XLSX, with the tables people read in the app.

The columns are those of ``mapping.tables.display_table`` (Polish headers,
choice labels, rows in Polish order) plus ``id`` and ``Wersja`` (what a
re-import matches records by), the team's system columns when the audience
may see them, and the location: ``szerokość``/``długość`` for points,
``geometria (WKT)`` for other shapes.

In XLSX, references show the names of the records they point to
("Partnerstwo Stogi; Rada Dzielnicy"), the ids they hold follow in the
last columns ("Partnerstwa (id)", then the record's own ``id``): a person
reads names, a re-import matches by ids.  CSV keeps ids in the field's own
column, as it always has.

CSV is written for Polish Excel: UTF-8 with BOM (otherwise Excel reads the
bytes as cp1250 and breaks the diacritics), ``;`` as separator and decimal
commas (``,`` is the Polish decimal separator, so Excel splits on ``;``).

Cells are data, never formulas.  Text starting with ``=``, ``+``, ``-``, ``@``
(or a tab / carriage return) could run as a formula when the file is opened
("CSV injection"): in CSV such text is prefixed with an apostrophe; in XLSX
it is stored as a text cell with Excel's quote prefix, so the value stays
exact and Excel still never evaluates it.  Plain numbers and phone numbers
("+48 58 123 45 67", "-5") are left alone: they cannot call anything.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from mapping.frames import WGS84, has_location
from mapping.schema import LAYERS, SYSTEM_FIELDS, Audience, FieldType, Layer
from mapping.tables import display_table
from mapping.validation import clean_text

__all__ = [
    "CSV_ENCODING",
    "CSV_SEPARATOR",
    "LATITUDE",
    "LONGITUDE",
    "VERSION_COLUMN",
    "WKT_COLUMN",
    "neutralise",
    "reference_names",
    "restore_neutralised",
    "sheet_name",
    "sheet_table",
    "to_csv",
    "to_xlsx",
]

CSV_ENCODING = "utf-8-sig"
CSV_SEPARATOR = ";"
LATITUDE = "szerokość"
LONGITUDE = "długość"
WKT_COLUMN = "geometria (WKT)"
VERSION_COLUMN = next(f.label for f in SYSTEM_FIELDS if f.name == "version")
#: Excel keeps at most this many characters in a cell.
CELL_LIMIT = 32_767
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[0-9][0-9 ().,/-]*")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NUMERIC = (FieldType.INTEGER, FieldType.REAL)
_MAX_WIDTH = 60
_DATE_FORMAT = "yyyy-mm-dd"


def neutralise(text: str) -> str:
    """Text made safe for a CSV cell: an apostrophe before a formula-like start."""
    return "'" + text if _is_risky(text) else text


def restore_neutralised(text: str) -> str:
    """The text ``neutralise`` was given: a CSV cell read back, the apostrophe dropped."""
    return text[1:] if text.startswith("'") and _is_risky(text[1:]) else text


def _is_risky(text: str) -> bool:
    return text.startswith(_RISKY_START) and not _NUMBER_LIKE.fullmatch(text)


def _wkt(geom: shapely.Geometry) -> str:
    """WKT short enough for one Excel cell, simplified step by step if needed."""
    text = shapely.to_wkt(geom, rounding_precision=7)
    for tolerance in (1e-6, 1e-5, 1e-4, 1e-3):  # degrees: ~0.1 m … ~100 m
        if len(text) <= CELL_LIMIT:
            break
        simpler = shapely.simplify(geom, tolerance, preserve_topology=True)
        text = shapely.to_wkt(simpler, rounding_precision=7)
    return text if len(text) <= CELL_LIMIT else ""


def _location_columns(layer: Layer, geometry: gpd.GeoSeries) -> dict[str, list[Any]]:
    """``szerokość``/``długość`` for points, WKT for other shapes (by layer type)."""
    if layer.geometry is None:
        return {}
    lat: list[Any] = []
    lon: list[Any] = []
    wkt: list[Any] = []
    for geom, located in zip(geometry, has_location(geometry), strict=True):
        point = located and geom.geom_type == "Point"
        shaped = located and not point
        lat.append(round(geom.y, 7) if point else None)
        lon.append(round(geom.x, 7) if point else None)
        wkt.append(_wkt(geom) if shaped else None)
    columns: dict[str, list[Any]] = {}
    if layer.geometry != "MULTIPOLYGON":
        columns |= {LATITUDE: lat, LONGITUDE: lon}
    if layer.geometry != "POINT":
        columns[WKT_COLUMN] = wkt
    return columns


#: Layer → record id → its title, for showing references by name.
Names = Mapping[str, Mapping[str, str]]


def reference_names(frames: Mapping[str, gpd.GeoDataFrame]) -> dict[str, dict[str, str]]:
    """The title of every exported record, by layer and id (what references show in XLSX)."""
    names: dict[str, dict[str, str]] = {}
    for name, frame in frames.items():
        title = LAYERS[name].title_field
        if title in frame:
            names[name] = {
                str(i): str(t) for i, t in zip(frame["id"], frame[title], strict=True) if t
            }
    return names


def _named_references(
    table: pd.DataFrame, layer: Layer, by_id: pd.DataFrame, audience: Audience, names: Names
) -> None:
    """References as names in their own column, their ids in a column at the end.

    An id whose record is not in the export (archived, another district) is
    shown as itself, so the cell never hides that a reference is there.
    """
    for f in layer.visible_fields(audience):
        if f.type != FieldType.REFS or f.ref_layer is None:
            continue
        known = names.get(f.ref_layer, {})
        held = [
            list(v) if isinstance(v, list | tuple | np.ndarray) else []
            for v in table["id"].map(by_id[f.name])
        ]
        table[f.label] = ["; ".join(known.get(i, i) for i in ids) for ids in held]
        table[f.ids_label] = [", ".join(ids) for ids in held]


def sheet_table(
    layer: Layer, frame: gpd.GeoDataFrame, audience: Audience, *, names: Names | None = None
) -> pd.DataFrame:
    """The table a person gets in CSV/XLSX (numbers kept as numbers).

    Parameters
    ----------
    layer : the schema layer
    frame : its records as exported (``export_frames``)
    audience : who the table is for (decides the columns)
    names : titles of referenced records (``reference_names``): references
        then show names, their ids and the record's own id move to the last
        columns (XLSX); None keeps ids in place (CSV)
    """
    table = display_table(layer, frame, audience, with_id=True)
    by_id = frame.set_index("id")
    ids = table["id"]
    for f in layer.visible_fields(audience):
        if f.type in _NUMERIC:
            table[f.label] = ids.map(by_id[f.name]).astype(object)
        elif f.type == FieldType.DATE:
            # Real dates, so Excel sorts and filters them as dates (CSV writes them ISO).
            days = pd.to_datetime(ids.map(by_id[f.name]), errors="coerce", format="ISO8601")
            table[f.label] = [None if pd.isna(d) else d.date() for d in days]
    for f in SYSTEM_FIELDS:
        # "Wersja" is public: a re-import updates a record only at the version exported.
        if f.name != "id" and audience.can_view(f.visibility) and f.name in by_id:
            table[f.label] = ids.map(by_id[f.name]).astype(object)
    geometry = gpd.GeoSeries(ids.map(by_id.geometry).to_numpy(), crs=frame.crs)
    for label, values in _location_columns(layer, geometry.to_crs(WGS84)).items():
        table[label] = values
    if names is not None:
        _named_references(table, layer, by_id, audience, names)
        table = table[[c for c in table.columns if c != "id"] + ["id"]]
    return table


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _plain(value: Any) -> Any:
    """numpy scalars as Python values (so int/float checks below hold)."""
    return value.item() if isinstance(value, np.generic) else value


def _csv_cell(value: Any) -> str:
    value = _plain(value)
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return "tak" if value else "nie"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".7f").rstrip("0").rstrip(".").replace(".", ",")
    # No raw NUL or control bytes in the file, whatever an older store holds.
    return neutralise(clean_text(str(value)))


def to_csv(layer: Layer, frame: gpd.GeoDataFrame, audience: Audience) -> bytes:
    """One layer as CSV for Polish Excel (UTF-8 with BOM, ``;``, decimal commas)."""
    table = sheet_table(layer, frame, audience)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue().encode(CSV_ENCODING)


def sheet_name(label: str) -> str:
    """A valid Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    return _SHEET_NAME_FORBIDDEN.sub(" ", label).strip()[:31] or "Arkusz"


def _put(sheet: Worksheet, row: int, column: int, value: Any) -> int:
    """Write one cell as data; return the length of its text (for the width)."""
    value = _plain(value)
    if _blank(value):
        return 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        sheet.cell(row, column, value)
        return len(f"{value:g}")
    if isinstance(value, date):
        sheet.cell(row, column, value).number_format = _DATE_FORMAT
        return len(_DATE_FORMAT)
    # openpyxl refuses control characters; a formula-like start stays text.
    text = ILLEGAL_CHARACTERS_RE.sub("", clean_text(str(value)))
    cell = sheet.cell(row, column, text)
    cell.data_type = "s"
    if _is_risky(text):
        cell.quotePrefix = True
    return max((len(line) for line in text.splitlines()), default=0)


def _fill_sheet(sheet: Worksheet, table: pd.DataFrame) -> None:
    widths = [len(str(c)) for c in table.columns]
    bold = Font(bold=True)
    for col, header in enumerate(table.columns, start=1):
        cell = sheet.cell(1, col, str(header))
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(table.itertuples(index=False, name=None), start=2):
        for c, value in enumerate(row, start=1):
            widths[c - 1] = max(widths[c - 1], _put(sheet, r, c, value))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(width + 2, _MAX_WIDTH)
    sheet.freeze_panes = "A2"
    if len(table.columns):
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table) + 1}"
    _print_setup(sheet)


def _print_setup(sheet: Worksheet) -> None:
    """Print as a table people read: landscape, one page wide, the header on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "&P / &N"


def to_xlsx(
    frames: Mapping[str, gpd.GeoDataFrame],
    audience: Audience,
    *,
    about: Sequence[tuple[str, str]] = (),
    names: Names | None = None,
) -> bytes:
    """Layers as one workbook: a sheet per layer named in Polish, then "O danych".

    Parameters
    ----------
    frames : layer name → record frame as exported
    audience : who the workbook is for (decides the columns)
    about : (label, value) rows for the closing "O danych" sheet (none if empty)
    names : titles of the records references may point to (default: those
        in ``frames``; pass ``reference_names`` of every layer so a sheet of
        needs names the meetings even when meetings are not exported)
    """
    names = reference_names(frames) if names is None else names
    book = Workbook()
    book.remove(book.active)
    for name, frame in frames.items():
        layer = LAYERS[name]
        table = sheet_table(layer, frame, audience, names=names)
        _fill_sheet(book.create_sheet(sheet_name(layer.label)), table)
    if about:
        _fill_sheet(
            book.create_sheet("O danych"),
            pd.DataFrame(list(about), columns=["Informacja", "Wartość"]),
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
