"""The annual report as one printable HTML file.

Self-contained: styles inline, the map embedded as a ``data:`` URI, no
scripts, fonts or requests from elsewhere, so it opens offline and prints the
same anywhere.  Print CSS sets A4 pages with 18 mm margins; tables repeat
their header row on each page and rows are not split, so "Drukuj → Zapisz
jako PDF" in a browser gives a clean PDF, with the organisation at the top of
the first page and "Strona X z Y" at the foot of each (CSS page margin
boxes).  Every piece of user text goes through ``html.escape``.  The fixed
words are in the report's language (``ReportContent.lang``).
"""

from __future__ import annotations

import base64
from html import escape

from mapping.export.about import format_day
from mapping.language import say, writing
from mapping.report.content import ReportContent, Table, printable
from mapping.webmap.tiles import OSM_CREDIT

__all__ = ["OSM_COPYRIGHT_URL", "to_html"]

#: The only link in the report: the OpenStreetMap credit the ODbL asks for.
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"


def _page_css() -> str:
    """A4 pages with "Strona X z Y" at the foot, in the language being written."""
    page, of = _css_string(say("Strona") + " "), _css_string(" " + say("z") + " ")
    return (
        "\n@page { size: A4; margin: 18mm;\n"
        f"        @bottom-center {{ content: {page} counter(page) {of} counter(pages);\n"
        '                         font-family: "DejaVu Sans", Arial, sans-serif; '
        "font-size: 8.5pt;\n"
        "                         color: #444; } }\n"
    )


_CSS = """* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #1a1a1a; max-width: 174mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; }
h2 { font-size: 13.5pt; margin: 8mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 1mm; break-after: avoid; }
h4 { font-size: 10.5pt; margin: 3mm 0 1mm; break-after: avoid; }
p.subtitle { font-size: 12pt; margin: 0 0 1mm; }
p.meta, p.note, figcaption { color: #444; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; font-size: 9.5pt; }
th, td { border: 1px solid #bbb; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.narrow { width: auto; min-width: 60%; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tfoot td { font-weight: bold; background: #f6f6f6; }
dl.numbers { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 5mm; margin: 2mm 0; }
dl.numbers dt { font-weight: bold; }
dl.numbers dd { margin: 0; }
.plans { white-space: pre-line; border-left: 3px solid #999; padding-left: 3mm; }
figure { margin: 3mm 0; break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; height: auto; border: 1px solid #bbb; }
a { color: inherit; }
header.letterhead { display: flex; align-items: center; gap: 4mm; border-bottom: 2px solid #333;
                    padding-bottom: 2mm; margin-bottom: 5mm; font-weight: bold; font-size: 12pt; }
header.letterhead img { height: 14mm; width: auto; }
ul.lines { margin: 1mm 0 3mm; padding-left: 6mm; }
div.action { break-inside: avoid; page-break-inside: avoid; margin: 3mm 0; }
div.action h3 { margin-bottom: 0.5mm; }
@media print { body { max-width: none; padding: 0; } }
"""

#: Columns holding numbers (aligned right), by header.
_NUMERIC = ("Uczestnicy", "Liczba potrzeb")


def _table(table: Table, empty: str, *, narrow: bool = False) -> str:
    if not table.rows:
        return f'<p class="note">{escape(say(empty))}</p>'
    numeric = {say(header) for header in _NUMERIC}

    def cells(values: tuple[str, ...], tag: str) -> str:
        return "".join(
            f'<{tag} class="num">{escape(v)}</{tag}>'
            if header in numeric
            else f"<{tag}>{escape(v)}</{tag}>"
            for header, v in zip(table.headers, values, strict=True)
        )

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in table.rows)
    foot = f"<tfoot><tr>{cells(table.footer, 'td')}</tr></tfoot>" if table.footer else ""
    opening = '<table class="narrow">' if narrow else "<table>"
    return (
        f"{opening}<thead><tr>{cells(table.headers, 'th')}</tr></thead>"
        f"<tbody>{body}</tbody>{foot}</table>"
    )


def _facts(facts: list[tuple[str, str]]) -> str:
    known = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in facts)
    return f'<dl class="numbers">{known}</dl>' if known else ""


def _lines(lines: tuple[str, ...], empty: str = "") -> str:
    if not lines:
        return f'<p class="note">{escape(say(empty))}</p>' if empty else ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<ul class="lines">{items}</ul>'


def _partnerships(content: ReportContent) -> list[str]:
    parts = [f"<h2>{say('Kim jesteśmy')}</h2>"]
    if not content.partnerships:
        none = say("W mieście {city} nie zapisano partnerstw.", city=escape(content.city))
        parts.append(f'<p class="note">{none}</p>')
    for p in content.partnerships:
        parts += [
            f"<h3>{escape(p.name)}</h3>" if len(content.partnerships) > 1 else "",
            f"<p>{escape(p.description)}</p>" if p.description else "",
            _facts(p.facts()),
            f"<h4>{say('Członkowie wymienieni z nazwy')}</h4>",
            f"<p><strong>{escape(p.sentence)}</strong></p>",
            _table(p.members, "") if p.members.rows else "",
        ]
    return parts


def _actions(content: ReportContent) -> list[str]:
    parts = [
        f"<h2>{say('Działania')}</h2>",
        _table(content.actions, "W tym roku nie zapisano działań."),
    ]
    for a in content.action_entries:
        description = f"<p>{escape(a.description)}</p>" if a.description else ""
        parts.append(
            f'<div class="action"><h3>{escape(a.day)} — {escape(a.name)}</h3>'
            f"{_facts(a.facts())}{description}</div>"
        )
    return parts


def _letterhead(content: ReportContent) -> str:
    logo = ""
    if content.logo:
        data = base64.b64encode(content.logo).decode("ascii")
        kind = "jpeg" if content.logo[:3] == b"\xff\xd8\xff" else "png"
        logo = f'<img src="data:image/{kind};base64,{data}" alt="Logo">'
    name = escape(content.organisation or content.city)
    return f'<header class="letterhead">{logo}<span>{name}</span></header>'


def _map(content: ReportContent) -> list[str]:
    parts = [f"<h2>{say('Obszar działania na mapie')}</h2>"]
    if content.map_png is None:
        return []
    data = base64.b64encode(content.map_png).decode("ascii")
    credit = escape(content.map_note)
    if OSM_CREDIT in content.map_note:  # the ODbL asks for the link
        link = f'<a href="{OSM_COPYRIGHT_URL}">{escape(OSM_CREDIT)}</a>'
        credit = credit.replace(escape(OSM_CREDIT), link)
    caption = (
        f"<figcaption>{say('Źródło granic: {credit}.', credit=credit)}</figcaption>"
        if credit
        else ""
    )
    return [
        *parts,
        f'<figure><img src="data:image/png;base64,{data}" '
        f'alt="{say("Mapa obszaru: {name}", name=escape(content.subtitle))}">'
        f"{caption}</figure>",
    ]


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal: anything but letters, digits and spaces escaped,
    so no user text can close the string or the ``<style>`` element."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _running_header(content: ReportContent) -> str:
    """The organisation at the top of every page but the first (which has the letterhead)."""
    name = _css_string(content.organisation or content.city)
    return (
        f'@page {{ @top-left {{ content: {name}; font-family: "DejaVu Sans", Arial, '
        "sans-serif; font-size: 8.5pt; color: #444; } }\n"
        "@page :first { @top-left { content: none; } }\n"
    )


def to_html(content: ReportContent) -> str:
    """The report as a complete HTML document (UTF-8 text), in the report's language."""
    content = printable(content)
    with writing(content.lang):
        return _document(content)


def _document(content: ReportContent) -> str:
    plans = (
        f'<p class="meta">{say("Ze spotkania: {meeting}", meeting=escape(content.plans_meeting))}'
        f'</p><div class="plans">{escape(content.plans)}</div>'
        if content.plans
        else f'<p class="note">{say("Na spotkaniach w tym roku nie zapisano planów.")}</p>'
    )
    body = [
        _letterhead(content),
        f"<h1>{escape(content.title)}</h1>",
        f'<p class="subtitle">{escape(content.subtitle)}</p>',
        f'<p class="meta">{escape(content.city)}, {format_day(content.generated_on)}</p>',
        *_partnerships(content),
        f"<h2>{say('Cele')}</h2>" if content.aims else "",
        _lines(content.aims),
        f"<h2>{say('Najważniejsze liczby')}</h2>",
        _facts(content.key_numbers()),
        f"<h2>{say('Spotkania partnerstwa')}</h2>",
        _table(content.meetings, "W tym roku nie zapisano spotkań."),
        *_actions(content),
        f"<h2>{say('Efekty')}</h2>",
        _lines(content.effects, "W tym roku nie zapisano działań ani ich efektów."),
        f"<h2>{say('Potrzeby mieszkańców zgłoszone w roku')}</h2>",
        _table(content.status_table(), "", narrow=True) if content.needs_count else "",
        _table(content.needs, "W tym roku nie zgłoszono potrzeb."),
        f"<h2>{say('Plany na kolejny okres')}</h2>" if content.shows_plans else "",
        plans if content.shows_plans else "",
        *_map(content),
        f'<p class="note">{escape(content.audience_note)}</p>',
        *(f'<p class="note">{escape(note)}</p>' for note in content.notes),
    ]
    title = escape(f"{content.title} — {content.subtitle}")
    return (
        f'<!DOCTYPE html>\n<html lang="{content.lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_page_css()}{_CSS}{_running_header(content)}</style>\n"
        "</head>\n<body>\n" + "\n".join(part for part in body if part) + "\n</body>\n</html>\n"
    )
