"""The annual report as an editable Word document (python-docx, docxtpl).

Same sections as the HTML report, built from the same ``ReportContent``.
Organisers usually add a foreword and photos before sending it on, so the
document uses Word's own heading and table styles (the navigation pane and a
table of contents work), A4 pages with 18 mm margins, the organisation's
name (and logo) in the page header and "Strona X z Y" in the footer.

An organisation's own template (a ``.docx`` with its letterhead) is filled
with docxtpl: the placeholders are ``TEMPLATE_FIELDS`` (documented in the
README); ``{{p tresc}}`` puts the whole built-in report body where it stands.
The placeholders keep their Polish names in either language (they are the
template's interface); their values are in the report's language.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from mapping.errors import MapError
from mapping.export.about import format_day
from mapping.language import say, writing
from mapping.report.content import ReportContent, Table, printable

__all__ = ["TEMPLATE_FIELDS", "template_context", "to_docx"]

#: The proofing language Word checks the text in, by the report's language.
_PROOFING = {"pl": "pl-PL", "en": "en-GB"}
_NUMERIC = ("Uczestnicy", "Liczba potrzeb")
_TEXT_WIDTH_MM = 174.0  # A4 width less two 18 mm margins
_LOGO_HEIGHT_MM = 14.0

#: Placeholders an organisation's template may use, with what each holds.
TEMPLATE_FIELDS: dict[str, str] = {
    "tytul": "tytuł, np. „Sprawozdanie z działalności za rok 2025”",
    "podtytul": "partnerstwo i miasto",
    "organizacja": "nazwa organizacji (nadawcy)",
    "miasto": "miasto",
    "rok": "rok sprawozdania",
    "data": "data przygotowania (dd.mm.rrrr)",
    "wersja": "zdanie o wersji (publiczna / dla zespołu)",
    "liczby": "lista: {{ l.etykieta }}, {{ l.wartosc }} — najważniejsze liczby",
    "partnerstwa": (
        "lista: nazwa, opis, koordynator, obszar, sklad (zdanie o składzie), "
        "czlonkowie (lista: nazwa, rodzaj, typ, dzielnica)"
    ),
    "cele": "lista zdań o celach (potrzeby, na które partnerstwo odpowiada)",
    "spotkania": "lista: data, temat, miejsce, uczestnicy",
    "dzialania": "lista: data, nazwa, miejsce, partnerzy, uczestnicy, dla_kogo, opis",
    "efekty": "lista zdań o efektach roku",
    "potrzeby": "lista: zgloszono, potrzeba, dzielnica, kategoria, status",
    "plany": "plany z ostatniego spotkania (tylko wersja dla zespołu)",
    "uwagi": "lista uwag (źródła danych, dane przykładowe)",
    "mapa": "mapa obszaru (obraz) — {{ mapa }} w osobnym akapicie",
    "logo": "logo organizacji (obraz), gdy zostało podane",
    "tresc": "cała treść sprawozdania — {{p tresc}} w osobnym akapicie",
}


def _setup(document: DocxDocument, content: ReportContent) -> None:
    """A4 pages, 18 mm margins, the report's proofing language and document properties."""
    language_tag = _PROOFING.get(content.lang, _PROOFING["pl"])
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(18))
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    # Word checks spelling in the language of the text; the template says
    # en-US, which would underline the whole Polish report in red.
    for language in document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        language.set(qn("w:val"), language_tag)
    properties = document.core_properties
    properties.title = f"{content.title} — {content.subtitle}"
    properties.language = language_tag
    properties.author = content.organisation or content.city


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when laying out."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), ("end", None)):
        if kind is None:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        if kind == "separate":
            shown = OxmlElement("w:t")
            shown.text = "1"  # shown until the fields are updated
            run._r.append(shown)


def _letterhead(document: DocxDocument, content: ReportContent) -> None:
    """The organisation (and logo) in the page header; "Strona X z Y" in the footer."""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    if content.logo:
        header.add_run().add_picture(io.BytesIO(content.logo), height=Mm(_LOGO_HEIGHT_MM))
        header.add_run("  ")
    header.add_run(content.organisation or content.city).bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{content.title} — {content.subtitle} · {say('Strona')} ")
    _field(footer, "PAGE")
    footer.add_run(f" {say('z')} ")
    _field(footer, "NUMPAGES")


def _borders(grid: Any) -> None:
    """Cell borders set on the table itself, so they survive a template without "Table Grid"."""
    properties = grid._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "999999")):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    properties.append(borders)


def _add_table(document: DocxDocument, table: Table, empty: str) -> None:
    if not table.rows:
        if empty:
            document.add_paragraph(say(empty))
        return
    numeric = {say(header) for header in _NUMERIC}
    rows = [table.headers, *table.rows, *([table.footer] if table.footer else [])]
    grid = document.add_table(rows=len(rows), cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(grid)
    last = len(rows) - 1
    for r, values in enumerate(rows):
        bold = r == 0 or (table.footer is not None and r == last)
        for c, value in enumerate(values):
            paragraph = grid.cell(r, c).paragraphs[0]
            paragraph.add_run(value).bold = bold
            if table.headers[c] in numeric:
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


def _add_lines(document: DocxDocument, lines: tuple[str, ...], empty: str = "") -> None:
    for line in lines:
        document.add_paragraph(line, style="List Bullet")
    if not lines and empty:
        document.add_paragraph(say(empty))


def _add_partnerships(document: DocxDocument, content: ReportContent) -> None:
    document.add_heading(say("Kim jesteśmy"), level=1)
    if not content.partnerships:
        document.add_paragraph(say("W mieście {city} nie zapisano partnerstw.", city=content.city))
    for p in content.partnerships:
        if len(content.partnerships) > 1:
            document.add_heading(p.name, level=2)
        if p.description:
            document.add_paragraph(p.description)
        _add_facts(document, p.facts())
        document.add_heading(say("Członkowie wymienieni z nazwy"), level=3)
        document.add_paragraph().add_run(p.sentence).bold = True
        _add_table(document, p.members, "")  # the sentence already says when it is empty


def _add_actions(document: DocxDocument, content: ReportContent) -> None:
    document.add_heading(say("Działania"), level=1)
    _add_table(document, content.actions, "W tym roku nie zapisano działań.")
    for action in content.action_entries:
        document.add_heading(f"{action.day} — {action.name}", level=2)
        _add_facts(document, action.facts())
        if action.description:
            document.add_paragraph(action.description)


def _add_map(document: DocxDocument, content: ReportContent) -> None:
    if content.map_png is None:
        return
    document.add_heading(say("Obszar działania na mapie"), level=1)
    document.add_picture(io.BytesIO(content.map_png), width=Mm(_TEXT_WIDTH_MM))
    if content.map_note:
        document.add_paragraph(say("Źródło granic: {credit}.", credit=content.map_note))


def _add_plans(document: DocxDocument, content: ReportContent) -> None:
    document.add_heading(say("Plany na kolejny okres"), level=1)
    if content.plans:
        document.add_paragraph(say("Ze spotkania: {meeting}", meeting=content.plans_meeting))
        for line in content.plans.splitlines():
            document.add_paragraph(line)
    else:
        document.add_paragraph(say("Na spotkaniach w tym roku nie zapisano planów."))


def _add_body(document: DocxDocument, content: ReportContent) -> None:
    """Every section after the title, in the order a partnership report has them."""
    _add_partnerships(document, content)
    if content.aims:
        document.add_heading(say("Cele"), level=1)
        _add_lines(document, content.aims)
    document.add_heading(say("Najważniejsze liczby"), level=1)
    _add_facts(document, content.key_numbers())
    document.add_heading(say("Spotkania partnerstwa"), level=1)
    _add_table(document, content.meetings, "W tym roku nie zapisano spotkań.")
    _add_actions(document, content)
    document.add_heading(say("Efekty"), level=1)
    _add_lines(document, content.effects, "W tym roku nie zapisano działań ani ich efektów.")
    document.add_heading(say("Potrzeby mieszkańców zgłoszone w roku"), level=1)
    if content.needs_count:
        _add_table(document, content.status_table(), "")
    _add_table(document, content.needs, "W tym roku nie zgłoszono potrzeb.")
    if content.shows_plans:  # the team's own plans stay out of the public version
        _add_plans(document, content)
    _add_map(document, content)
    for note in (content.audience_note, *content.notes):
        document.add_paragraph(note).runs[0].italic = True


def _built_in(content: ReportContent) -> DocxDocument:
    document = Document()
    _setup(document, content)
    _letterhead(document, content)
    document.add_heading(content.title, level=0)
    document.add_paragraph(content.subtitle)
    document.add_paragraph(f"{content.city}, {format_day(content.generated_on)}")
    _add_body(document, content)
    return document


def _rows(table: Table, keys: tuple[str, ...]) -> list[dict[str, str]]:
    return [dict(zip(keys, row, strict=True)) for row in table.rows]


def template_context(content: ReportContent) -> dict[str, Any]:
    """The plain values of ``TEMPLATE_FIELDS`` (without the pictures and ``tresc``)."""
    content = printable(content)
    with writing(content.lang):
        return _context(content)


def _context(content: ReportContent) -> dict[str, Any]:
    return {
        "tytul": content.title,
        "podtytul": content.subtitle,
        "organizacja": content.organisation,
        "miasto": content.city,
        "rok": content.year,
        "data": format_day(content.generated_on),
        "wersja": content.audience_note,
        "liczby": [{"etykieta": k, "wartosc": v} for k, v in content.key_numbers()],
        "partnerstwa": [
            {
                "nazwa": p.name,
                "opis": p.description,
                "koordynator": p.coordinator,
                "obszar": ", ".join(p.districts),
                "sklad": p.sentence,
                "czlonkowie": _rows(p.members, ("nazwa", "rodzaj", "typ", "dzielnica")),
            }
            for p in content.partnerships
        ],
        "cele": list(content.aims),
        "spotkania": _rows(content.meetings, ("data", "temat", "miejsce", "uczestnicy")),
        "dzialania": [
            {
                "data": a.day,
                "nazwa": a.name,
                "miejsce": a.place,
                "partnerzy": a.partners,
                "uczestnicy": a.participants,
                "dla_kogo": a.groups,
                "opis": a.description,
            }
            for a in content.action_entries
        ],
        "efekty": list(content.effects),
        "potrzeby": _rows(
            content.needs, ("zgloszono", "potrzeba", "dzielnica", "kategoria", "status")
        ),
        "plany": content.plans if content.shows_plans else "",
        "uwagi": [content.audience_note, *content.notes],
    }


def _from_template(content: ReportContent, template: bytes) -> bytes:
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import TemplateError

    try:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.get_docx()  # a file that is not a Word document fails here, not later
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise MapError(f"szablon nie jest plikiem Word (.docx): {exc}", field="szablon") from None
    body = Document()
    _add_body(body, content)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tresc.docx"
        body.save(str(path))
        context: dict[str, Any] = template_context(content)
        context["tresc"] = tpl.new_subdoc(str(path))
        images: Mapping[str, tuple[bytes | None, float]] = {
            "mapa": (content.map_png, _TEXT_WIDTH_MM),
            "logo": (content.logo, 0.0),
        }
        for name, (data, width) in images.items():
            if data is None:
                context[name] = ""
            elif width:
                context[name] = InlineImage(tpl, io.BytesIO(data), width=Mm(width))
            else:
                context[name] = InlineImage(tpl, io.BytesIO(data), height=Mm(_LOGO_HEIGHT_MM))
        try:
            tpl.render(context, autoescape=True)
        except TemplateError as exc:
            raise MapError(
                f"błąd w szablonie sprawozdania: {exc} — sprawdź pola {{{{ … }}}} "
                "(lista pól w README)",
                field="szablon",
            ) from None
        buffer = io.BytesIO()
        tpl.save(buffer)
    return buffer.getvalue()


def to_docx(content: ReportContent, template: bytes | None = None) -> bytes:
    """The report as a ``.docx`` file (bytes), in ``template`` when one is given.

    Written in the report's language (``content.lang``).

    Raises
    ------
    MapError
        When the template is not a Word file or its placeholders are malformed.
    """
    content = printable(content)
    with writing(content.lang):
        if template is not None:
            return _from_template(content, template)
        buffer = io.BytesIO()
        _built_in(content).save(buffer)
        return buffer.getvalue()
