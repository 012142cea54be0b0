"""The report of the field report's partnership: Partnerstwo Lokalne „Wspólnie”, Szczecinek, 2015.

Built from the committed seed (``data/seed``), exactly as ``python -m mapping
init`` loads it, so the shipped data and the report are checked together.
"""

from __future__ import annotations

from datetime import date

import docx
import pytest

from mapping.__main__ import main, resolve_city
from mapping.report import report_content, write_report
from mapping.report.html import to_html
from mapping.seed import load_seed

PARTNERSHIP = "Partnerstwo Lokalne „Wspólnie”"
COMPOSITION = "6 instytucji i 6 organizacji pozarządowych"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from mapping.store import open_store

    store = open_store(tmp_path_factory.mktemp("seed") / "mapa.gpkg", create=True)
    load_seed(store)
    return store


@pytest.fixture(scope="module")
def content(seeded):
    return report_content(
        seeded, city="Szczecinek", year=2015, partnership=PARTNERSHIP, today=date(2016, 1, 15)
    )


def _docx_text(path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_szczecinek_is_a_city_of_the_map_and_of_the_cli(seeded):
    assert "Szczecinek" in seeded.cities()
    assert resolve_city(seeded, "SZCZECINEK") == "Szczecinek"


def test_report_2015_names_the_composition_meetings_picnic_and_workshop(content):
    (part,) = content.partnerships
    assert COMPOSITION in part.description
    assert part.coordinator == "animator MOPS w Szczecinku"
    assert content.meetings_count == 4
    actions = {a.name: a for a in content.action_entries}
    assert actions["Piknik sąsiedzki"].participants == "60"
    assert actions["Piknik sąsiedzki"].day == "wrzesień 2015"  # the report gives no day
    assert {row[0] for row in content.meetings.rows} == {"2015"}  # nor the meetings' dates
    workshop = actions["Warsztaty dla mieszkańców"]
    assert (workshop.day, workshop.participants) == ("15.10.2015", "12")
    assert workshop.place == "Biblioteka Miejska, ul. Jeziorna"
    assert "Partnerstwo spotkało się 4 razy." in content.effects
    assert content.organisation == PARTNERSHIP
    assert (
        "Źródła danych: raport z terenu (Partnerstwo Lokalne „Wspólnie” w Szczecinku, 2015)."
        in (content.notes)
    )


def test_docx_and_html_of_2015_carry_it_for_the_city(content, tmp_path):
    path = write_report(content, tmp_path / "sprawozdanie.docx")
    for text in (_docx_text(path), to_html(content)):
        assert COMPOSITION in text
        assert "4 spotkania" in text
        assert "Piknik sąsiedzki" in text and "60" in text
        assert "Warsztaty dla mieszkańców" in text and "12" in text
        assert "Miejski Ośrodek Pomocy Społecznej w Szczecinku" in text
        # Written for the city: nothing about the app or "the map" in the headings.
        assert "Zasoby dodane do mapy" not in text and "w aplikacji" not in text


def test_cli_writes_the_szczecinek_report(seeded, tmp_path):
    target = tmp_path / "szczecinek.html"
    argv = ["report", "--city", "szczecinek", "--year", "2015", "--db", seeded.location]
    assert main([*argv, "--partnership", "wspolnie", "-o", str(target)]) != 0  # no such name
    assert main([*argv, "--partnership", PARTNERSHIP, "-o", str(target)]) == 0
    assert COMPOSITION in target.read_text(encoding="utf-8")


def test_meetings_nobody_counted_get_no_total_of_people(content):
    numbers = dict(content.key_numbers())
    assert numbers["Spotkania partnerstwa"] == "4 spotkania"  # not "łącznie 0 uczestników"
    assert numbers["Działania"] == "2 działania, łącznie 72 uczestników"
    assert content.meetings.footer[-1] == "—"


def test_the_map_credits_the_boundaries_own_source(content, seeded):
    assert content.map_png is not None
    assert content.map_note == "granice: Państwowy Rejestr Granic (GUGiK)"
    page = to_html(content)
    assert "Państwowy Rejestr Granic" in page and "OpenStreetMap" not in page
    gdansk = report_content(
        seeded, city="Gdańsk", year=2025, partnership="Partnerstwo lokalne Stogi"
    )
    assert "© OpenStreetMap contributors" in gdansk.map_note
    assert 'href="https://www.openstreetmap.org/copyright"' in to_html(gdansk)
