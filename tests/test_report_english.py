"""The annual report in English: its own words in English, the records' as written.

The Polish report is the default and does not change; the English one
(``lang="en"``) says every fixed text from the catalogue, which a missing
entry would leave Polish (``misses``).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pandas as pd
import pytest

from mapping.__main__ import main
from mapping.language import forget_misses, misses, writing
from mapping.report import render_report, report_content
from mapping.report.cells import as_when
from mapping.report.docx import template_context
from mapping.schema import DATE_MONTH_ONLY, Audience
from tests.test_report import PARTNERSHIP, SENTENCE, YEAR, _build_year, _docx_text, _template

ENGLISH_SECTIONS = (
    "Annual report for",
    "Who we are",
    "Key figures",
    "Partnership meetings",
    "Actions",
    "Results",
    "Residents' needs reported in the year",
    "Plans for the next period",
    "The area on the map",
)
#: The report's own Polish words (none of them is in the fixture's records).
POLISH_WORDS = (
    "Sprawozdanie z działalności",
    "Kim jesteśmy",
    "Najważniejsze liczby",
    "Spotkania partnerstwa",
    "Efekty",
    "Potrzeby mieszkańców",
    "Obszar działania",
    "Temat spotkania",
    "Razem",
    "łącznie",
    "Uczestnicy",
    "Wersja dla zespołu",
    "instytucji",
    "uczestników",
    "Strona",
)
ENGLISH_SENTENCE = "12 partners: 6 institutions and 6 NGOs"


@pytest.fixture
def year_store(store):
    _build_year(store)
    return store


def _content(store, lang: str | None, partnership: str | None = PARTNERSHIP):
    language = {} if lang is None else {"lang": lang}
    return report_content(
        store,
        city="Gdańsk",
        year=YEAR,
        partnership=partnership,
        today=date(YEAR, 12, 31),
        audience=Audience.TEAM,
        **language,
    )


@pytest.fixture
def english(year_store):
    forget_misses()
    return _content(year_store, "en")


def _docx_document(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def test_english_html_has_english_sections_and_no_catalogue_misses(english):
    html = render_report(english, "html").decode("utf-8")
    assert '<html lang="en">' in html
    assert [s for s in ENGLISH_SECTIONS if s not in html] == []
    assert [w for w in POLISH_WORDS if w in html] == []
    assert ENGLISH_SENTENCE in html
    assert 'content: "Page " counter(page) " of " counter(pages)' in html
    # The records stay as written: names of the partnership, actions, needs.
    assert PARTNERSHIP in html and "Festyn sąsiedzki" in html and "Sala dla seniorów" in html
    assert not misses()


def test_english_docx_has_english_sections_footer_and_proofing(english, tmp_path):
    data = render_report(english, "docx")
    document = _docx_document(data)
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert [s for s in ENGLISH_SECTIONS if not any(h.startswith(s) for h in headings)] == []
    path = tmp_path / "report.docx"
    path.write_bytes(data)
    text = _docx_text(path)
    assert [w for w in POLISH_WORDS if w in text] == []
    assert ENGLISH_SENTENCE in text
    footer = document.sections[0].footer.paragraphs[0].text
    assert "· Page " in footer and " of " in footer and "Strona" not in footer
    assert document.core_properties.language == "en-GB"
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    assert 'w:val="en-GB"' in styles
    assert not misses()


def test_english_key_numbers_and_tables_follow_the_language(english):
    numbers = dict(english.key_numbers())
    assert numbers["Partnership meetings"] == "4 meetings, 45 participants in all"
    assert numbers["Actions"] == "2 actions, 72 participants in all"
    assert numbers["Needs reported in the year"] == "4 needs"
    assert english.meetings.headers == ("Date", "Title", "Place", "Participants")
    assert english.meetings.footer is not None and english.meetings.footer[0] == "Total"
    assert english.status_table().headers == ("Status", "Number of needs")
    assert english.effects[0] == "The partnership met 4 times."
    # Schema choices are said by their own English labels (label_en).
    assert english.needs_by_status == {"reported": 2, "in progress": 1, "met": 1, "rejected": 0}
    assert [row[-1] for row in english.needs.rows] == ["reported", "reported", "in progress", "met"]
    assert not misses()


def test_english_template_keeps_polish_placeholders_with_english_values(english, tmp_path):
    template = _template(tmp_path, "{{ tytul }} / {{ wersja }}", "{{p tresc }}")
    context = template_context(english)
    assert context["tytul"] == f"Annual report for {YEAR}"
    assert context["partnerstwa"][0]["sklad"] == ENGLISH_SENTENCE
    assert context["liczby"][0]["etykieta"] == "Partnership meetings"
    text = "\n".join(
        p.text for p in _docx_document(render_report(english, "docx", template)).paragraphs
    )
    assert f"Annual report for {YEAR} / Version for the partnership's team" in text
    assert "Who we are" in text
    assert not misses()


def test_a_city_report_in_english(year_store):
    forget_misses()
    content = _content(year_store, "en", partnership=None)
    assert content.subtitle == "Gdańsk — all partnerships"
    assert content.effects[0] == "The partnerships met 4 times in all."
    html = render_report(content, "html").decode("utf-8")
    assert "Who we are" in html and "Kim jesteśmy" not in html
    public = report_content(year_store, city="Gdańsk", year=YEAR, lang="en")
    assert public.audience_note.startswith("Public version: no private persons")
    assert not misses()


def test_the_polish_report_is_the_default_and_unchanged(year_store):
    default, polish = _content(year_store, None), _content(year_store, "pl")
    assert default.lang == "pl"
    assert render_report(default, "html") == render_report(polish, "html")
    html = render_report(default, "html").decode("utf-8")
    assert '<html lang="pl">' in html and "<h2>Kim jesteśmy</h2>" in html
    assert SENTENCE in html and 'content: "Strona " counter(page) " z " counter(pages)' in html
    assert (
        dict(default.key_numbers())["Spotkania partnerstwa"]
        == "4 spotkania, łącznie 45 uczestników"
    )
    assert _docx_document(render_report(default, "docx")).core_properties.language == "pl-PL"


def test_a_month_only_date_is_named_in_the_language_written():
    record = pd.Series({"date": "2015-09-01", "source": f"kronika; {DATE_MONTH_ONLY}"})
    assert as_when(record) == "wrzesień 2015"
    with writing("en"):
        assert as_when(record) == "September 2015"


def test_cli_writes_the_report_in_english(year_store, tmp_path, capsys):
    forget_misses()
    target = tmp_path / "report.html"
    argv = ["report", "--city", "Gdańsk", "--year", str(YEAR), "--partnership", PARTNERSHIP]
    argv += ["--lang", "en", "--db", year_store.location, "-o", str(target)]
    assert main(argv) == 0
    html = target.read_text(encoding="utf-8")
    assert "Who we are" in html and ENGLISH_SENTENCE in html and "Kim jesteśmy" not in html
    assert "Zapisano sprawozdanie" in capsys.readouterr().out  # the command line stays Polish
    assert not misses()


def test_cli_refuses_an_unknown_language(year_store, tmp_path, capsys):
    argv = ["report", "--city", "Gdańsk", "--year", str(YEAR), "--lang", "de"]
    argv += ["--db", year_store.location, "-o", str(tmp_path / "r.html")]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "de" in capsys.readouterr().err
