"""Bytes of a text table to text, line by line, never garbling Polish letters silently.

Polish files come in UTF-8 (with or without a byte-order mark), Windows-1250
(Excel's "CSV"), ISO-8859-2 (old Unix and web tools) and UTF-16 (Excel's
"Tekst Unicode").  A file pasted together from two sources mixes them.  So:

- UTF-16 is recognised by its byte-order mark (or by its zero bytes);
- other files are decoded line by line: UTF-8 first (a Windows-1250 line is
  almost never valid UTF-8), the rest as Windows-1250 or ISO-8859-2,
  whichever gives Polish letters rather than symbols ("ą" is 0xB9 in one and
  0xB1 in the other, where the other has "±");
- a file whose lines mix encodings is read line by line and a note names the
  lines, so nobody is surprised by "Å‚" in a name;
- NUL bytes (a damaged export, a spreadsheet cell pasted from a binary) are
  removed wherever they are, with a note naming the lines;
- binary files renamed to .csv (an XLSX, an old XLS, a PDF) are refused with
  a message saying what the file really is.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from mapping.importing.source import SourceReadError
from mapping.language import Message

__all__ = ["Decoded", "decode_table_bytes"]

_POLISH = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# What a wrong legacy code page shows instead of Polish letters.
_SUSPECT = set("±¶¬¦ˇ¡¼¹¥Ľľšťž") | {chr(c) for c in range(0x80, 0xA0)}
_LEGACY = ("cp1250", "iso-8859-2")
_NAMES = {"utf-8": "UTF-8", "cp1250": "Windows-1250", "iso-8859-2": "ISO-8859-2"}
_MAGIC = (
    (
        b"PK\x03\x04",
        Message("to arkusz Excela (.xlsx) lub archiwum ZIP — zmień rozszerzenie na .xlsx"),
    ),
    (b"\xd0\xcf\x11\xe0", Message("to stary arkusz Excela (.xls) — zapisz go jako .xlsx lub CSV")),
    (b"%PDF", Message("to dokument PDF, nie tabela — wyeksportuj tabelę do CSV lub XLSX")),
)
_MAX_LISTED = 10


@dataclass
class Decoded:
    """A decoded text table: the text, the encoding's name for people, notes about the file."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)


def _listed(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:_MAX_LISTED]))
    if len(lines) <= _MAX_LISTED:
        return shown
    return Message("{lines} i {more} innych", lines=shown, more=len(lines) - _MAX_LISTED)


def _refuse_binary(data: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise SourceReadError(
                Message("{file} nie jest plikiem tekstowym CSV: {what}", file=name, what=what)
            )
    sample = data[:4096]
    start = sample.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise SourceReadError(
            Message(
                "{file} to strona internetowa (HTML/XML), nie tabela CSV — otwórz ją w Excelu "
                "i zapisz jako .xlsx lub „CSV UTF-8”",
                file=name,
            )
        )
    if sample and sample.count(0) > len(sample) // 3:
        raise SourceReadError(
            Message(
                "{file} nie jest plikiem tekstowym CSV (same bajty zerowe lub plik binarny)",
                file=name,
            )
        )


def _utf16(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    sample = data[:4096]
    # UTF-16 without a mark: every other byte of ASCII text is zero.
    if len(sample) >= 8 and sample[1::2].count(0) > 0.9 * len(sample[1::2]):
        return data.decode("utf-16-le", errors="replace")
    if len(sample) >= 8 and sample[0::2].count(0) > 0.9 * len(sample[0::2]):
        return data.decode("utf-16-be", errors="replace")
    return None


def _strip_nul(data: bytes, notes: list[str]) -> bytes:
    if b"\x00" not in data:
        return data
    lines = [n for n, line in enumerate(data.split(b"\n"), start=1) if b"\x00" in line]
    notes.append(
        Message("usunięto bajty zerowe (NUL) z linii pliku: {lines}", lines=_listed(lines))
    )
    return data.replace(b"\x00", b"")


@cache
def _byte_scores(encoding: str) -> np.ndarray:
    """What each byte read in ``encoding`` adds to the score: +1 a Polish letter, -2 a
    suspect sign, 0 anything else (an undefined byte reads as one "\ufffd")."""
    chars = bytes(range(256)).decode(encoding, errors="replace")
    assert len(chars) == 256  # a code page: one character per byte
    return np.array([(ch in _POLISH) - 2 * (ch in _SUSPECT) for ch in chars], dtype=np.int64)


def _legacy_encoding(lines: list[bytes]) -> str:
    """Windows-1250 or ISO-8859-2: the one that reads more Polish letters."""
    # Each byte is one character in either code page: the letters are counted by byte,
    # in one pass over the file (counting each letter in the decoded text took seconds).
    counts = np.bincount(np.frombuffer(b"\n".join(lines), dtype=np.uint8), minlength=256)
    scores = {enc: int(counts @ _byte_scores(enc)) for enc in _LEGACY}
    return max(_LEGACY, key=lambda enc: (scores[enc], enc == "cp1250"))


def decode_table_bytes(data: bytes, name: str = "plik") -> Decoded:
    """Decode a text table (see the module docstring).

    Raises
    ------
    SourceReadError when the bytes are not text (an XLSX renamed to .csv…).
    """
    text = _utf16(data)
    if text is not None:
        return Decoded(text.lstrip("\ufeff").replace("\x00", ""), "UTF-16")
    _refuse_binary(data, name)
    notes: list[str] = []
    data = _strip_nul(data, notes)
    bom = data.startswith(codecs.BOM_UTF8)
    if bom:
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return Decoded(data.decode("utf-8"), Message("UTF-8 (z BOM)") if bom else "UTF-8", notes)
    except UnicodeDecodeError:
        pass
    raw_lines = data.split(b"\n")
    legacy_lines: list[int] = []
    utf8_non_ascii = 0
    decoded: list[str | None] = []
    for number, line in enumerate(raw_lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
            utf8_non_ascii += not line.isascii()
        except UnicodeDecodeError:
            decoded.append(None)
            legacy_lines.append(number)
    legacy = _legacy_encoding([raw_lines[n - 1] for n in legacy_lines])
    lines = [
        text if text is not None else raw_lines[i].decode(legacy, errors="replace")
        for i, text in enumerate(decoded)
    ]
    encoding = _NAMES[legacy]
    if utf8_non_ascii:
        encoding = Message("mieszane (UTF-8 i {encoding})", encoding=_NAMES[legacy])
        notes.append(
            Message(
                "plik ma mieszane kodowanie znaków: linie {lines} odczytano jako "
                "{encoding}, pozostałe jako UTF-8 — sprawdź polskie litery w tych wierszach",
                lines=_listed(legacy_lines),
                encoding=_NAMES[legacy],
            )
        )
    garbled = [n for n in legacy_lines if "\ufffd" in lines[n - 1]]
    if garbled:
        notes.append(
            Message(
                "w liniach {lines} są bajty, które nie są literami w kodowaniu "
                "{encoding} — zastąpiono je znakiem „�”; zapisz plik jako „CSV UTF-8”",
                lines=_listed(garbled),
                encoding=_NAMES[legacy],
            )
        )
    return Decoded("\n".join(lines), encoding, notes)
