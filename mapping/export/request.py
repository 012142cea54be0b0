"""What an export is asked for (``ExportRequest``) and what it gives (``ExportFile``)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from mapping.language import DEFAULT_LANGUAGE, LANGUAGES
from mapping.schema import LAYERS, Audience
from mapping.text import fold
from mapping.webmap.styles import STYLES
from mapping.webmap.tiles import LIGHT_FIRST

__all__ = [
    "EXPORT_AUDIENCES",
    "MAP_TILES",
    "ORIENTATIONS",
    "PAPERS",
    "ExportFile",
    "ExportRequest",
    "zip_files",
]

#: Audiences an export may be made for.  The editor audience (private fields
#: included) is deliberately absent: personal data never leave the app.
EXPORT_AUDIENCES: tuple[Audience, ...] = (Audience.PUBLIC, Audience.TEAM)
#: Paper sizes in millimetres, portrait (width, height).
PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
#: Page orientations and their Polish names.
ORIENTATIONS: dict[str, str] = {
    "auto": "dopasowana do kształtu mapy",
    "portrait": "pionowa",
    "landscape": "pozioma",
}
#: The orientation chosen from the map's shape (landscape for a wide city).
AUTO_ORIENTATION = "auto"
#: Base maps of an interactive export (``mapping.webmap.tiles``), the light one
#: first and by default: the page is opened from disk.
MAP_TILES: tuple[str, ...] = LIGHT_FIRST
_DPI_RANGE = (72, 600)


@dataclass(frozen=True)
class ExportRequest:
    """Which records go out, to whom, and (for print) on what paper.

    Parameters
    ----------
    city : the city whose records are exported
    district : limit to one district or working area (by name), or None
    audience : ``Audience.PUBLIC`` or ``Audience.TEAM`` (never the editor)
    layers : layer names to export; None means the format's default
    paper, orientation, dpi : page setup for print formats
    as_of : the date printed as "stan na dzień"; None means today
    tiles : base map of an interactive map ("light", "osm" or "none")
    style : display style of an interactive map ("standard" or "projector",
        see ``mapping.webmap.styles.STYLES``)
    lang : the language of the file's own words ("pl" or "en"; so far the
        interactive and the printed map's); the records' texts stay as they
        were written
    """

    city: str
    district: str | None = None
    audience: Audience = Audience.PUBLIC
    layers: tuple[str, ...] | None = None
    paper: str = "A4"
    orientation: str = AUTO_ORIENTATION
    dpi: int = 300
    as_of: date | None = field(default=None)
    tiles: str = LIGHT_FIRST[0]
    style: str = "standard"
    lang: str = DEFAULT_LANGUAGE

    def __post_init__(self) -> None:
        _basic_checks(self)
        # Accept plain strings from the command line and forms.
        object.__setattr__(self, "audience", Audience(self.audience))
        if self.layers is not None:
            object.__setattr__(self, "layers", tuple(self.layers))

    @property
    def day(self) -> date:
        """The "stan na dzień" date."""
        return self.as_of or date.today()

    def stem(self, part: str | None = None) -> str:
        """A file name without suffix, e.g. ``mapa-gdansk-wrzeszcz-publiczna-2025-03-01``."""
        parts = ["mapa", self.city, self.district or "", part or ""]
        parts.append("zespol" if self.audience == Audience.TEAM else "publiczna")
        parts.append(self.day.isoformat())
        return "-".join(_slug(p) for p in parts if p)


@dataclass(frozen=True)
class ExportFile:
    """An export ready to save or download: bytes, a suggested file name, a MIME type."""

    data: bytes
    filename: str
    mime: str


def _basic_checks(request: ExportRequest) -> None:
    """Raise ValueError naming the expected values of whatever is wrong."""
    if not str(request.city).strip():
        raise ValueError("Nie podano miasta.")
    if request.audience not in {a.value for a in EXPORT_AUDIENCES}:
        allowed = ", ".join(a.value for a in EXPORT_AUDIENCES)
        raise ValueError(
            f"Eksport dla odbiorcy {request.audience!r} nie jest dostępny; dozwolone: {allowed}. "
            "Dane prywatne nie opuszczają aplikacji."
        )
    unknown = [name for name in request.layers or () if name not in LAYERS]
    if unknown:
        raise ValueError(f"Nieznane warstwy {unknown}; dostępne: {', '.join(LAYERS)}")
    if request.layers is not None and not request.layers:
        raise ValueError(f"Nie wybrano żadnej warstwy; dostępne: {', '.join(LAYERS)}")
    if request.paper not in PAPERS:
        raise ValueError(f"Nieznany format papieru {request.paper!r}; dostępne: A4, A3")
    if request.orientation not in ORIENTATIONS:
        raise ValueError(
            f"Nieznana orientacja {request.orientation!r}; dostępne: {', '.join(ORIENTATIONS)}"
        )
    if request.tiles not in MAP_TILES:
        raise ValueError(f"Nieznany podkład {request.tiles!r}; dostępne: {', '.join(MAP_TILES)}")
    if request.lang not in LANGUAGES:
        raise ValueError(f"Nieznany język {request.lang!r}; dostępne: {', '.join(LANGUAGES)}")
    if request.style not in STYLES:
        raise ValueError(f"Nieznany styl {request.style!r}; dostępne: {', '.join(STYLES)}")
    low, high = _DPI_RANGE
    if not low <= int(request.dpi) <= high:
        raise ValueError(f"Rozdzielczość {request.dpi} dpi poza zakresem {low}–{high}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def zip_files(members: Mapping[str, bytes]) -> bytes:
    """Pack ``{file name: bytes}`` into one zip archive (deflated, in the given order)."""
    buffer = io.BytesIO()
    stamp = datetime.now().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # rw-r--r--, not the 0o600 unzip would give
            archive.writestr(info, data)
    return buffer.getvalue()
