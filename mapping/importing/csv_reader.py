"""CSV and text tables as Polish Excel and LibreOffice save them.

Excel in Poland saves "CSV (rozdzielany przecinkami)" in Windows-1250 with
``;`` between cells (the comma is the decimal separator), "CSV UTF-8" with a
byte-order mark; other tools write plain UTF-8 with ``,`` or tabs.  We try
UTF-8 first because a Windows-1250 file is almost never valid UTF-8, while
any byte string decodes as Windows-1250.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

from mapping.importing.source import (
    SourceReadError,
    SourceTable,
    build_table,
    find_header_row,
    unique_headers,
)

__all__ = ["DELIMITERS", "decode_text", "read_csv_file", "sniff_delimiter"]

DELIMITERS = (";", ",", "\t", "|")
_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "cp1250": "Windows-1250", "utf-16": "UTF-16"}


def decode_text(data: bytes, name: str = "plik") -> tuple[str, str]:
    """Decode file bytes; return the text and the encoding used.

    Raises
    ------
    SourceReadError when the bytes are not text (e.g. an XLSX renamed to .csv).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Tekst Unicode" export.
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise SourceReadError(f"{name} nie jest plikiem tekstowym CSV (czy to nie arkusz .xlsx?)")
    for encoding in ("utf-8-sig", "cp1250"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SourceReadError(
        f"nie rozpoznano kodowania znaków pliku {name}; zapisz go jako „CSV UTF-8”"
    )


def _widths(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        return [len(row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:
        return []


def sniff_delimiter(text: str) -> str:
    """The cell separator: the one giving the most rows of the same width.

    A decimal comma in ``54,35;18,64`` makes the comma split data rows but not
    the header, so ``;`` wins on consistency; ties go to more columns.
    """
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    best, best_score = DELIMITERS[0], (-1.0, 0.0, 0)
    for delimiter in DELIMITERS:
        widths = _widths(sample, delimiter)
        if not widths or max(widths) < 2:
            continue
        modal, count = Counter(widths).most_common(1)[0]
        score = (float(widths[0] == modal), count / len(widths), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read_csv_file(path: Path) -> SourceTable:
    """Read a CSV (or TSV/TXT) table; see the module docstring for what is detected."""
    data = path.read_bytes()
    text, encoding = decode_text(data, path.name)
    delimiter = sniff_delimiter(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SourceReadError(f"plik {path.name} nie jest poprawnym plikiem CSV: {exc}") from None
    header_index = find_header_row(records)
    if header_index is None:
        raise SourceReadError(f"plik {path.name} jest pusty")
    width = max(len(r) for r in records)
    headers = unique_headers(records[header_index] + [""] * (width - len(records[header_index])))
    rows = records[header_index + 1 :]
    # One CSV record is one spreadsheet row, also when a quoted cell spans lines.
    numbers = range(header_index + 2, header_index + 2 + len(rows))
    name = _ENCODING_NAMES.get(encoding, encoding)
    if data.startswith(codecs.BOM_UTF8):
        name = "UTF-8 (z BOM)"
    return build_table(path, "csv", headers, rows, numbers, encoding=name, delimiter=delimiter)
