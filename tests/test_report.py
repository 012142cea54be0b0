"""The annual report: numbers match the store; HTML and DOCX carry them; the CLI writes both.

The fixture year is the current year, because "resources added" is read from
the change history, which is stamped with today's date.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import docx
import pytest
from PIL import Image
from shapely.geometry import Point, box

from mapping.__main__ import main
from mapping.errors import MapError
from mapping.report import report_content, write_report
from mapping.report.content import NO_MEMBERS
from mapping.report.html import OSM_COPYRIGHT_URL, to_html
from mapping.schema import Audience
from mapping.seed import SEED_AUTHOR
from tests.factories import need_values, resource_values

YEAR = date.today().year
PARTNERSHIP = "Partnerstwo lokalne Stogi"
SENTENCE = "12 partnerów: 6 instytucji i 6 organizacji pozarządowych"
LAST_PLANS = "Festyn sąsiedzki w czerwcu.\nNabór wolontariuszy."
HOSTILE = "<script>alert(1)</script>"


def _day(month: int, day: int, year: int = YEAR) -> str:
    return date(year, month, day).isoformat()


def _build_year(store) -> dict:
    """A partnership of 12 on Stogi and one year of its work (plus noise around it)."""
    for name, shape in [
        ("Stogi", box(18.69, 54.35, 18.73, 54.38)),
        ("Oliwa", box(18.53, 54.39, 18.58, 54.43)),
    ]:
        area = {"name": name, "kind": "dzielnica", "city": "Gdańsk", "geometry": shape}
        store.create("areas", area, author="test")
    members = []
    for i in range(12):
        kind, subtype = ("instytucja", "szkoła") if i < 6 else ("organizacja", "stowarzyszenie")
        values = resource_values(
            name=f"Partner {i:02d}",
            kind=kind,
            subtype=subtype,
            district="Stogi",
            geometry=Point(18.70 + i * 0.002, 54.36),
            last_verified=_day(3, 1) if i < 2 else _day(3, 1, YEAR - 1),
        )
        members.append(store.create("resources", values, author="Ala")["id"])
    # Not added by the team (start data) and not in the partnership's area:
    store.create(
        "resources", resource_values(name="Ze startu", district="Stogi"), author=SEED_AUTHOR
    )
    store.create("resources", resource_values(name="W Oliwie", district="Oliwa"), author="Ala")
    partnership = store.create(
        "partnerships",
        {
            "name": PARTNERSHIP,
            "city": "Gdańsk",
            "districts": "Stogi",
            "members": members,
            "coordinator": "Partner 00",
        },
        author="Ala",
    )
    pid = [partnership["id"]]
    meetings = [
        (_day(12, 1, YEAR - 1), 30, "Plan sprzed roku."),
        (_day(2, 10), 10, ""),
        (_day(5, 12), 12, "Stary plan."),
        (_day(9, 8), 8, ""),
        (_day(12, 10), 15, LAST_PLANS),
    ]
    for day, participants, plans in meetings:
        values = {
            "title": f"Spotkanie {day}",
            "date": day,
            "city": "Gdańsk",
            "place": "GAK",
            "partnership": pid,
            "participants": participants,
            "plans": plans,
        }
        store.create("meetings", values, author="Ala")
    for name, day, participants in [
        ("Festyn sąsiedzki", _day(6, 14), 60),
        ("Warsztaty rękodzieła", _day(10, 3), 12),
        ("Zeszłoroczne mikołajki", _day(12, 6, YEAR - 1), 100),
    ]:
        values = {
            "name": name,
            "date": day,
            "city": "Gdańsk",
            "district": "Stogi",
            "partnership": pid,
            "partners": members[:2],
            "participants": participants,
            "geometry": Point(18.71, 54.362),
        }
        store.create("actions", values, author="Ala")
    for title, status, day in [
        ("Sala dla seniorów", "zgloszona", _day(2, 10)),
        ("Boisko", "zgloszona", _day(5, 12)),
        ("Korepetycje", "w_realizacji", _day(5, 12)),
        ("Ławki", "zaspokojona", _day(9, 8)),
        ("Zeszłoroczna potrzeba", "zgloszona", _day(11, 1, YEAR - 1)),
    ]:
        values = need_values(
            title=title,
            status=status,
            reported_on=day,
            district="Stogi",
            geometry=Point(18.705, 54.365),
        )
        store.create("needs", values, author="Ala")
    return partnership


@pytest.fixture
def year_store(store):
    _build_year(store)
    return store


@pytest.fixture
def content(year_store):
    # The team's version: it carries the meeting plans the public one leaves out.
    return report_content(
        year_store,
        city="Gdańsk",
        year=YEAR,
        partnership=PARTNERSHIP,
        today=date(YEAR, 12, 31),
        audience=Audience.TEAM,
    )


def test_numbers_match_the_store(content):
    (part,) = content.partnerships
    assert part.sentence == SENTENCE
    assert part.composition == {"instytucja": 6, "organizacja": 6}
    assert len(part.members) == 12
    assert (content.meetings_count, content.meeting_participants) == (4, 45)
    assert (content.actions_count, content.action_participants) == (2, 72)
    assert content.needs_count == 4
    assert content.needs_by_status == {
        "zgłoszona": 2,
        "w realizacji": 1,
        "zaspokojona": 1,
        "odrzucona": 0,
    }
    assert content.resources_added == 12  # start data and Oliwa left out
    assert content.resources_verified == 2
    assert content.plans == LAST_PLANS
    assert content.plans_meeting.startswith(f"10.12.{YEAR}")
    assert content.map_png is not None and content.map_png.startswith(b"\x89PNG")


def test_key_numbers_read_in_polish(content):
    numbers = dict(content.key_numbers())
    assert numbers["Spotkania partnerstwa"] == "4 spotkania, łącznie 45 uczestników"
    assert numbers["Działania"] == "2 działania, łącznie 72 uczestników"
    assert numbers["Potrzeby zgłoszone w roku"] == "4 potrzeby"
    assert numbers["Nowo rozpoznane zasoby"] == "12 zasobów"
    assert not any("mapy" in label or "mapie" in label for label in numbers)


def test_tables_are_by_date_with_totals(content):
    assert [row[1] for row in content.actions.rows] == ["Festyn sąsiedzki", "Warsztaty rękodzieła"]
    assert content.actions.rows[0][0] == f"14.06.{YEAR}"
    assert content.actions.rows[0][3] == "Partner 00, Partner 01"
    assert content.actions.footer[-1] == "72"
    assert content.meetings.footer[-1] == "45"
    assert len(content.meetings) == 4


def test_city_report_counts_every_partnership_and_resource(year_store):
    city = report_content(year_store, city="Gdańsk", year=YEAR)
    assert city.subtitle == "Gdańsk — wszystkie partnerstwa"
    assert city.resources_added == 13  # the Oliwa resource too, start data still not
    assert city.action_participants == 72


def test_unknown_city_and_partnership_are_polish_errors(year_store):
    with pytest.raises(MapError, match="nie ma miasta „Gdynia”"):
        report_content(year_store, city="Gdynia", year=YEAR)
    with pytest.raises(MapError, match="nie ma partnerstwa „Oliwa”"):
        report_content(year_store, city="Gdańsk", year=YEAR, partnership="Oliwa")


def _docx_text(path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_docx_opens_and_carries_the_numbers(content, tmp_path):
    path = write_report(content, tmp_path / "sprawozdanie.docx")
    document = docx.Document(str(path))
    text = _docx_text(path)
    assert SENTENCE in text
    assert "4 spotkania, łącznie 45 uczestników" in text
    assert "2 działania, łącznie 72 uczestników" in text
    assert "Festyn sąsiedzki w czerwcu." in text and "Nabór wolontariuszy." in text
    action_table = next(t for t in document.tables if t.cell(0, 1).text == "Działanie")
    assert [c.text for c in action_table.rows[-1].cells][-1] == "72"
    assert len(document.inline_shapes) == 1  # the map
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
    assert document.core_properties.language == "pl-PL"


def test_html_is_printable_self_contained_and_carries_the_numbers(content):
    page = to_html(content)
    assert "@page { size: A4; margin: 18mm;" in page
    assert "counter(page)" in page and "counter(pages)" in page  # "Strona X z Y"
    assert '<html lang="pl">' in page
    for text in (SENTENCE, "4 spotkania, łącznie 45 uczestników", "72", "Nabór wolontariuszy."):
        assert text in page
    assert "data:image/png;base64," in page
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {OSM_COPYRIGHT_URL}
    assert "<script" not in page and ' src="http' not in page


def test_html_escapes_a_hostile_partnership_name(year_store):
    partnership = year_store.read_layer("partnerships").iloc[0]
    year_store.update(
        "partnerships", partnership["id"], {"name": HOSTILE}, expected_version=1, author="Zły"
    )
    content = report_content(year_store, city="Gdańsk", year=YEAR, partnership=partnership["id"])
    page = to_html(content)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_unknown_extension_is_a_polish_error(content, tmp_path):
    expected = "nieznany format sprawozdania „.pdf”; dostępne: .html, .docx"
    with pytest.raises(MapError, match=re.escape(expected)):
        write_report(content, tmp_path / "sprawozdanie.pdf")
    assert not (tmp_path / "sprawozdanie.pdf").exists()


def test_cli_writes_both_formats(year_store, tmp_path, capsys):
    for suffix in ("html", "docx"):
        target = tmp_path / f"sprawozdanie.{suffix}"
        argv = [
            "report",
            "--city",
            "Gdańsk",
            "--year",
            str(YEAR),
            "--partnership",
            PARTNERSHIP,
            "--db",
            year_store.location,
            "-o",
            str(target),
        ]
        assert main(argv) == 0
        assert target.stat().st_size > 1000
    assert SENTENCE in (tmp_path / "sprawozdanie.html").read_text(encoding="utf-8")
    assert SENTENCE in _docx_text(tmp_path / "sprawozdanie.docx")
    assert "Zapisano sprawozdanie" in capsys.readouterr().out


def test_cli_unknown_extension_exits_2(year_store, tmp_path, capsys):
    argv = [
        "report",
        "--city",
        "Gdańsk",
        "--year",
        str(YEAR),
        "--db",
        year_store.location,
        "-o",
        str(tmp_path / "sprawozdanie.odt"),
    ]
    assert main(argv) == 2
    assert "nieznany format sprawozdania" in capsys.readouterr().err


def test_partnership_without_members_says_so_once_and_shows_no_table(year_store):
    year_store.create("partnerships", {"name": "Nowe partnerstwo", "city": "Gdańsk"}, author="Ala")
    content = report_content(year_store, city="Gdańsk", year=YEAR, partnership="Nowe partnerstwo")
    (part,) = content.partnerships
    assert part.sentence == NO_MEMBERS and not part.members.rows
    page = to_html(content)
    path = write_report(content, Path(year_store.location).parent / "nowe.docx")
    for text in (page, _docx_text(path)):
        assert text.count(NO_MEMBERS) == 1
        assert "Brak partnerów" not in text and "Lista członków jest pusta" not in text


def test_an_undone_import_is_not_counted(year_store):
    before = report_content(year_store, city="Gdańsk", year=YEAR, partnership=PARTNERSHIP)
    pid = year_store.read_layer("partnerships").iloc[0]["id"]
    with year_store.batch("Ala", note="import lista.csv") as batch:
        for i in range(3):
            batch.create("resources", resource_values(name=f"Z importu {i}", district="Stogi"))
        meeting = {"title": "Z importu", "date": _day(3, 3), "city": "Gdańsk", "partnership": [pid]}
        batch.create("meetings", meeting)
        batch_id = batch.batch_id
    grown = report_content(year_store, city="Gdańsk", year=YEAR, partnership=PARTNERSHIP)
    assert grown.resources_added == before.resources_added + 3
    year_store.undo_batch(batch_id, author="Ala")
    after = report_content(year_store, city="Gdańsk", year=YEAR, partnership=PARTNERSHIP)
    assert after.resources_added == before.resources_added
    assert after.meetings_count == before.meetings_count


def _template(tmp_path, *lines: str) -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "LETTERHEAD {{ organizacja }}"
    for line in lines:
        document.add_paragraph(line)
    path = tmp_path / "szablon.docx"
    document.save(str(path))
    return path.read_bytes()


def test_docx_fills_the_organisations_own_template(content, tmp_path):
    template = _template(
        tmp_path,
        "{{ tytul }} — {{ podtytul }}",
        "{% for d in dzialania %}{{ d.data }} {{ d.nazwa }} ({{ d.uczestnicy }}); {% endfor %}",
        "{{p tresc }}",
    )
    path = write_report(content, tmp_path / "z-szablonu.docx", template)
    document = docx.Document(str(path))
    text = _docx_text(path)
    assert document.sections[0].header.paragraphs[0].text == f"LETTERHEAD {PARTNERSHIP}"
    assert f"Sprawozdanie z działalności za rok {YEAR} — {PARTNERSHIP} — Gdańsk" in text
    assert f"14.06.{YEAR} Festyn sąsiedzki (60);" in text
    assert SENTENCE in text  # the whole built-in body where {{p tresc}} stood
    assert len(document.inline_shapes) == 1  # its map came along
    assert "{{" not in text


def test_template_placeholders_are_documented_in_the_readme():
    from mapping.report import TEMPLATE_FIELDS

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for name in TEMPLATE_FIELDS:
        assert f"`{name}`" in readme, name


def test_a_broken_template_is_a_polish_error(content, tmp_path):
    with pytest.raises(MapError, match="szablon nie jest plikiem Word"):
        write_report(content, tmp_path / "a.docx", b"to nie jest docx")
    broken = _template(tmp_path, "{{ tytul ")
    with pytest.raises(MapError, match="błąd w szablonie sprawozdania"):
        write_report(content, tmp_path / "b.docx", broken)
    assert not (tmp_path / "a.docx").exists() and not (tmp_path / "b.docx").exists()


def test_docx_has_letterhead_logo_and_page_numbers(year_store, tmp_path):
    logo_file = io.BytesIO()
    Image.new("RGB", (40, 20), "#336699").save(logo_file, format="PNG")
    logo = logo_file.getvalue()
    content = report_content(
        year_store, city="Gdańsk", year=YEAR, organisation="MOPR Gdańsk", logo=logo
    )
    path = write_report(content, tmp_path / "r.docx")
    section = docx.Document(str(path)).sections[0]
    assert "MOPR Gdańsk" in section.header.paragraphs[0].text
    assert section.header.part.package is not None
    assert len(section.header.paragraphs[0].runs[0]._r.xpath(".//pic:pic")) == 1
    footer = section.footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Strona " in footer
    page = to_html(content)
    assert '<header class="letterhead"><img src="data:image/png;base64,' in page
    assert "MOPR Gdańsk" in page


def test_html_running_header_cannot_break_out_of_the_style(year_store):
    hostile = '"; } </style><script>alert(1)</script>'
    content = report_content(year_store, city="Gdańsk", year=YEAR, organisation=hostile)
    page = to_html(content)
    style = page[page.index("<style>") : page.index("</style>")]
    assert "<" not in style[len("<style>") :] and '"; }' not in style
    assert "<script" not in page


def test_cli_fills_a_template_and_names_a_missing_logo(year_store, tmp_path, capsys):
    template = tmp_path / "szablon.docx"
    template.write_bytes(_template(tmp_path, "{{ organizacja }}: {{ tytul }}", "{{p tresc }}"))
    argv = ["report", "--city", "gdansk", "--year", str(YEAR), "--db", year_store.location]
    target = tmp_path / "r.docx"
    assert (
        main([*argv, "--organisation", "MOPR", "--template", str(template), "-o", str(target)]) == 0
    )
    assert f"MOPR: Sprawozdanie z działalności za rok {YEAR}" in _docx_text(target)
    assert main([*argv, "--logo", str(tmp_path / "brak.png"), "-o", str(target)]) == 2
    assert "nie można odczytać pliku" in capsys.readouterr().err


def test_a_meeting_still_running_on_the_projector_is_not_reported(year_store):
    from mapping.schema import MEETING_MODE_SOURCE

    before = report_content(year_store, city="Gdańsk", year=YEAR, partnership=PARTNERSHIP)
    pid = year_store.read_layer("partnerships").iloc[0]["id"]
    running = {
        "title": "Spotkanie robocze partnerstwa",
        "date": _day(5, 5),
        "city": "Gdańsk",
        "partnership": [pid],
        "source": MEETING_MODE_SOURCE,
    }
    opened = year_store.create("meetings", running, author="Ala")
    during = report_content(year_store, city="Gdańsk", year=YEAR, partnership=PARTNERSHIP)
    assert during.meetings_count == before.meetings_count  # started, not held yet
    year_store.update(
        "meetings", opened["id"], {"participants": 9}, expected_version=1, author="Ala"
    )
    closed = report_content(year_store, city="Gdańsk", year=YEAR, partnership=PARTNERSHIP)
    assert closed.meetings_count == before.meetings_count + 1
