"""The annual report as an editable Word document (python-docx).

Same sections as the HTML report, built from the same ``ReportContent``;
organisers usually add a foreword and photos before sending it on, so the
document uses Word's own heading and table styles (the navigation pane and a
table of contents work) and A4 pages with 18 mm margins.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from mapping.export.about import APP_TITLE, format_day
from mapping.report.content import ReportContent, Table

__all__ = ["to_docx"]

_LANGUAGE = "pl-PL"
_NUMERIC = {"Uczestnicy", "Liczba potrzeb"}
_TEXT_WIDTH_MM = 174.0  # A4 width less two 18 mm margins


def _setup(document: DocxDocument, content: ReportContent) -> None:
    """A4 pages, 18 mm margins, Polish proofing language and document properties."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(18))
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    # Word checks spelling in the language of the text; the template says
    # en-US, which would underline the whole Polish report in red.
    for language in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        language.set(qn("w:val"), _LANGUAGE)
    properties = document.core_properties
    properties.title = f"{content.title} — {content.subtitle}"
    properties.language = _LANGUAGE
    properties.author = APP_TITLE


def _add_table(document: DocxDocument, table: Table, empty: str) -> None:
    if not table.rows:
        document.add_paragraph(empty)
        return
    rows = [table.headers, *table.rows, *([table.footer] if table.footer else [])]
    grid = document.add_table(rows=len(rows), cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    last = len(rows) - 1
    for r, values in enumerate(rows):
        bold = r == 0 or (table.footer is not None and r == last)
        for c, value in enumerate(values):
            paragraph = grid.cell(r, c).paragraphs[0]
            paragraph.add_run(value).bold = bold
            if table.headers[c] in _NUMERIC:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Repeat the header row on every page the table spans.
    header_properties = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    document.add_paragraph()


def _add_facts(document: DocxDocument, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)


def _add_partnerships(document: DocxDocument, content: ReportContent) -> None:
    document.add_heading("Partnerstwo i jego członkowie", level=1)
    if not content.partnerships:
        document.add_paragraph("Brak partnerstw na mapie tego miasta.")
    for p in content.partnerships:
        document.add_heading(p.name, level=2)
        _add_facts(document, p.facts())
        document.add_paragraph().add_run(p.sentence).bold = True
        _add_table(document, p.members, "Lista członków jest pusta.")


def _add_map(document: DocxDocument, content: ReportContent) -> None:
    document.add_heading("Mapa obszaru", level=1)
    if content.map_png is None:
        document.add_paragraph(content.map_note)
        return
    document.add_picture(io.BytesIO(content.map_png), width=Mm(_TEXT_WIDTH_MM))
    document.add_paragraph(
        f"Granice i położenie: {content.map_note}. Wypełnione: obszar partnerstwa; "
        "trójkąty: działania; romby: potrzeby zgłoszone w roku."
    )


def to_docx(content: ReportContent) -> bytes:
    """The report as a ``.docx`` file (bytes)."""
    document = Document()
    _setup(document, content)
    document.add_heading(content.title, level=0)
    document.add_paragraph(content.subtitle)
    document.add_paragraph(
        f"Przygotowano {format_day(content.generated_on)} w aplikacji „{APP_TITLE}”. "
        "Wszystkie liczby pochodzą z wpisów na mapie."
    )
    for note in content.notes:
        document.add_paragraph(note)
    document.add_heading("Najważniejsze liczby", level=1)
    _add_facts(document, content.key_numbers())
    _add_partnerships(document, content)
    document.add_heading("Spotkania partnerstwa", level=1)
    _add_table(document, content.meetings, "W tym roku nie zapisano spotkań.")
    document.add_heading("Działania", level=1)
    _add_table(document, content.actions, "W tym roku nie zapisano działań.")
    document.add_heading("Potrzeby zgłoszone w roku", level=1)
    if content.needs_count:
        _add_table(document, content.status_table(), "")
    _add_table(document, content.needs, "W tym roku nie zgłoszono potrzeb.")
    document.add_heading("Zasoby", level=1)
    document.add_paragraph(
        f"Dodane do mapy w {content.year} r.: {content.resources_added}; "
        f"zweryfikowane w {content.year} r.: {content.resources_verified}."
    )
    document.add_heading("Plany na kolejny okres", level=1)
    if content.plans:
        document.add_paragraph(f"Ze spotkania: {content.plans_meeting}")
        for line in content.plans.splitlines():
            document.add_paragraph(line)
    else:
        document.add_paragraph("Na spotkaniach w tym roku nie zapisano planów.")
    _add_map(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
