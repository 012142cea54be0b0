"""CSV and text tables as Polish Excel and LibreOffice save them.

Excel in Poland saves "CSV (rozdzielany przecinkami)" in Windows-1250 with
``;`` between cells (the comma is the decimal separator), "CSV UTF-8" with a
byte-order mark; other tools write plain UTF-8 with ``,`` or tabs.  We try
UTF-8 first because a Windows-1250 file is almost never valid UTF-8, while
any byte string decodes as Windows-1250 — and line by line, since a file
pasted together from two sources mixes them (``decoding``).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from mapping.export.sheets import restore_neutralised
from mapping.importing.decoding import decode_table_bytes
from mapping.importing.source import (
    SourceReadError,
    SourceTable,
    build_table,
    find_header_row,
    unique_headers,
)
from mapping.language import Message

__all__ = ["DELIMITERS", "decode_text", "read_csv_file", "sniff_delimiter"]

DELIMITERS = (";", ",", "\t", "|")
#: Longest cell read (Python's csv default is 128 KB); longer text is cut at validation.
_FIELD_LIMIT = 16 * 1024 * 1024


def decode_text(data: bytes, name: str = "plik") -> tuple[str, str]:
    """Decode file bytes; return the text and the encoding's name (see ``decoding``).

    Raises
    ------
    SourceReadError when the bytes are not text (e.g. an XLSX renamed to .csv).
    """
    decoded = decode_table_bytes(data, name)
    return decoded.text, decoded.encoding


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
    decoded = decode_table_bytes(path.read_bytes(), path.name)
    text = decoded.text
    delimiter = sniff_delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_LIMIT))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SourceReadError(
            Message(
                "plik {file} nie jest poprawnym plikiem CSV: {error}", file=path.name, error=exc
            )
        ) from None
    # The app's own CSV puts an apostrophe before text Excel would run as a formula
    # (a file without any apostrophe has no such cell).
    if "'" in text:
        records = [[restore_neutralised(c) if c[:1] == "'" else c for c in r] for r in records]
    header_index = find_header_row(records)
    if header_index is None:
        raise SourceReadError(Message("plik {file} jest pusty", file=path.name))
    width = max(len(r) for r in records)
    headers = unique_headers(records[header_index] + [""] * (width - len(records[header_index])))
    rows = records[header_index + 1 :]
    # One CSV record is one spreadsheet row, also when a quoted cell spans lines.
    numbers = range(header_index + 2, header_index + 2 + len(rows))
    return build_table(
        path,
        "csv",
        headers,
        rows,
        numbers,
        encoding=decoded.encoding,
        delimiter=delimiter,
        notes=decoded.notes,
    )
