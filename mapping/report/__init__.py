"""The annual report ("sprawozdanie") of a partnership or a city, from the store.

``report_content`` gathers the numbers (``content``); ``write_report`` writes
them as printable HTML (``html``) or an editable Word document (``docx``),
chosen by the file's extension.  Pages use ``render_report`` to offer the
same bytes as a download.  A DOCX can be filled into the organisation's own
Word template (``template``: the ``.docx`` bytes, see ``TEMPLATE_FIELDS``).

The language is chosen once, when the content is gathered
(``report_content(..., lang="en")``); the content remembers it
(``ReportContent.lang``) and every writer follows it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mapping.errors import MapError
from mapping.report.content import PartnershipPart, ReportContent, Table, report_content
from mapping.report.docx import TEMPLATE_FIELDS, to_docx
from mapping.report.html import to_html

__all__ = [
    "FORMATS",
    "FORMAT_LABELS",
    "TEMPLATE_FIELDS",
    "PartnershipPart",
    "ReportContent",
    "Table",
    "render_report",
    "report_content",
    "report_format",
    "write_report",
]


def _html_bytes(content: ReportContent, template: bytes | None = None) -> bytes:
    del template  # the HTML report has one layout: the printable page
    return to_html(content).encode("utf-8")


#: File extension → (writer taking the content and an optional template, MIME type).
FORMATS: dict[str, tuple[Callable[[ReportContent, bytes | None], bytes], str]] = {
    ".html": (_html_bytes, "text/html"),
    ".docx": (
        to_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
#: How the partnerships page names the formats.
FORMAT_LABELS: dict[str, str] = {".html": "HTML (do druku)", ".docx": "Word (DOCX)"}


def report_format(path: str | Path) -> str:
    """The format of a report file from its extension (``".html"`` or ``".docx"``).

    Raises
    ------
    MapError
        For any other extension, naming the ones there are.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        allowed = ", ".join(FORMATS)
        raise MapError(
            f"nieznany format sprawozdania „{suffix or Path(path).name}”; dostępne: {allowed}",
            field="plik",
        )
    return suffix


def render_report(content: ReportContent, fmt: str, template: bytes | None = None) -> bytes:
    """The report as bytes in ``fmt`` (``".html"`` or ``".docx"``, dot optional).

    ``template`` (a ``.docx``'s bytes) is used by the DOCX format only.
    """
    suffix = report_format(f"sprawozdanie.{fmt.lstrip('.')}")
    writer, _mime = FORMATS[suffix]
    return writer(content, template)


def write_report(content: ReportContent, path: str | Path, template: bytes | None = None) -> Path:
    """Write the report to ``path``, in the format its extension names; return the path.

    The file is written under a temporary name and renamed, so an interrupted
    write never leaves half a report where the old one was.
    """
    target = Path(path)
    data = render_report(content, report_format(target), template)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target
