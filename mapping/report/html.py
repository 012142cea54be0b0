"""The annual report as one printable HTML file.

Self-contained: styles inline, the map embedded as a ``data:`` URI, no
scripts, fonts or requests from elsewhere, so it opens offline and prints the
same anywhere.  Print CSS sets A4 pages with 18 mm margins; tables repeat
their header row on each page and rows are not split, so "Drukuj → Zapisz
jako PDF" in a browser gives a clean PDF.  Every piece of user text goes
through ``html.escape``.
"""

from __future__ import annotations

import base64
from html import escape

from mapping.export.about import APP_TITLE, format_day
from mapping.report.content import ReportContent, Table

__all__ = ["OSM_COPYRIGHT_URL", "to_html"]

#: The only link in the report: the OpenStreetMap credit the ODbL asks for.
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"

_CSS = """
@page { size: A4; margin: 18mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #1a1a1a; max-width: 174mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 19pt; margin: 0 0 2mm; }
h2 { font-size: 13.5pt; margin: 8mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 1mm; break-after: avoid; }
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
@media print { body { max-width: none; padding: 0; } }
"""

#: Columns holding numbers (aligned right), by header.
_NUMERIC = {"Uczestnicy", "Liczba potrzeb"}


def _table(table: Table, empty: str, *, narrow: bool = False) -> str:
    if not table.rows:
        return f'<p class="note">{escape(empty)}</p>'

    def cells(values: tuple[str, ...], tag: str) -> str:
        return "".join(
            f'<{tag} class="num">{escape(v)}</{tag}>'
            if header in _NUMERIC
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


def _partnerships(content: ReportContent) -> list[str]:
    parts = ["<h2>Partnerstwo i jego członkowie</h2>"]
    if not content.partnerships:
        parts.append('<p class="note">Brak partnerstw na mapie tego miasta.</p>')
    for p in content.partnerships:
        known = "".join(
            f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in p.facts()
        )
        parts += [
            f"<h3>{escape(p.name)}</h3>",
            f'<dl class="numbers">{known}</dl>' if known else "",
            f"<p><strong>{escape(p.sentence)}</strong></p>",
            _table(p.members, "Lista członków jest pusta."),
        ]
    return parts


def _map(content: ReportContent) -> list[str]:
    parts = ["<h2>Mapa obszaru</h2>"]
    if content.map_png is None:
        return [*parts, f'<p class="note">{escape(content.map_note)}</p>']
    data = base64.b64encode(content.map_png).decode("ascii")
    credit = (
        f'Granice i położenie: <a href="{OSM_COPYRIGHT_URL}">{escape(content.map_note)}</a>. '
        "Wypełnione: obszar partnerstwa; trójkąty: działania; romby: potrzeby zgłoszone w roku."
    )
    return [
        *parts,
        f'<figure><img src="data:image/png;base64,{data}" '
        f'alt="Mapa obszaru: {escape(content.subtitle)}">'
        f"<figcaption>{credit}</figcaption></figure>",
    ]


def to_html(content: ReportContent) -> str:
    """The report as a complete HTML document (UTF-8 text)."""
    numbers = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>"
        for label, value in content.key_numbers()
    )
    plans = (
        f'<p class="meta">Ze spotkania: {escape(content.plans_meeting)}</p>'
        f'<div class="plans">{escape(content.plans)}</div>'
        if content.plans
        else '<p class="note">Na spotkaniach w tym roku nie zapisano planów.</p>'
    )
    body = [
        f"<h1>{escape(content.title)}</h1>",
        f'<p class="subtitle">{escape(content.subtitle)}</p>',
        f'<p class="meta">Przygotowano {format_day(content.generated_on)} w aplikacji '
        f"„{escape(APP_TITLE)}”. Wszystkie liczby pochodzą z wpisów na mapie.</p>",
        *(f'<p class="note">{escape(note)}</p>' for note in content.notes),
        "<h2>Najważniejsze liczby</h2>",
        f'<dl class="numbers">{numbers}</dl>',
        *_partnerships(content),
        "<h2>Spotkania partnerstwa</h2>",
        _table(content.meetings, "W tym roku nie zapisano spotkań."),
        "<h2>Działania</h2>",
        _table(content.actions, "W tym roku nie zapisano działań."),
        "<h2>Potrzeby zgłoszone w roku</h2>",
        _table(content.status_table(), "", narrow=True) if content.needs_count else "",
        _table(content.needs, "W tym roku nie zgłoszono potrzeb."),
        "<h2>Zasoby</h2>",
        f"<p>Dodane do mapy w {content.year} r.: {content.resources_added}; "
        f"zweryfikowane w {content.year} r.: {content.resources_verified}.</p>",
        "<h2>Plany na kolejny okres</h2>",
        plans,
        *_map(content),
    ]
    title = escape(f"{content.title} — {content.subtitle}")
    return (
        '<!DOCTYPE html>\n<html lang="pl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body>\n</html>\n"
    )
