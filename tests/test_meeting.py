"""Meeting mode: the meeting record, needs captured live, the agenda, Polish plurals."""

from __future__ import annotations

import threading

import pytest
from shapely.geometry import Point, box

from mapping import meeting as meeting_module
from mapping.errors import ConflictError, MapError
from mapping.meeting import (
    SLIDES,
    capture_need,
    close_meeting,
    describe_place,
    guess_need_category,
    is_open_meeting,
    needs_of_meeting,
    open_meetings,
    slide_title,
    start_meeting,
)
from mapping.plural import Forms, plural_form, with_count
from mapping.schema import MEETING_MODE_SOURCE, MEETINGS
from mapping.webmap.layers import RecordLayer
from mapping.webmap.meeting import LEGEND_STORAGE_KEY, meeting_map


def _districts(store):
    """Two Gdańsk districts side by side (simplified to boxes)."""
    for name, shape in [
        ("Stogi", box(18.69, 54.35, 18.73, 54.38)),
        ("Przeróbka", box(18.65, 54.35, 18.69, 54.38)),
    ]:
        values = {"name": name, "kind": "dzielnica", "city": "Gdańsk", "geometry": shape}
        store.create("areas", values, author="test")


@pytest.fixture
def meeting(store):
    _districts(store)
    return start_meeting(
        store,
        city="Gdańsk",
        partnership_id="gdansk-pship-stogi",
        title="Spotkanie partnerstwa — jesień",
        date="2025-10-14",
        place="Dom Sztuki GAK",
        author="Ala",
    )


def test_start_meeting_creates_the_record(store, meeting):
    stored = store.get("meetings", meeting["id"])
    assert stored["date"] == "2025-10-14"
    assert stored["partnership"] == ["gdansk-pship-stogi"]
    assert stored["version"] == 1


def test_need_named_by_district_is_linked_to_the_meeting(store, meeting):
    need = capture_need(
        store,
        meeting,
        what="Świetlica dla seniorów",
        for_whom=["seniorzy"],
        where="stogi",
        author="Ala",
    )
    stored = store.get("needs", need["id"])
    assert stored["meeting"] == [meeting["id"]]
    assert stored["district"] == "Stogi"  # the city's spelling, not the typed one
    assert stored["geometry"] is None
    assert (stored["reported_by"], stored["reported_on"]) == ("spotkanie", "2025-10-14")
    assert (stored["status"], stored["category"]) == ("zgloszona", "miejsce_spotkan")
    assert stored["target_groups"] == ["seniorzy"]


def test_need_clicked_on_the_map_gets_the_district_from_the_point(store, meeting):
    need = capture_need(
        store,
        meeting,
        what="Boisko przy szkole",
        for_whom=["mlodziez"],
        where=Point(18.67, 54.36),
        author="Ala",
    )
    assert need["district"] == "Przeróbka"
    assert need["category"] == "sport"
    assert need["geometry"].equals(Point(18.67, 54.36))


def test_given_category_wins_over_the_guess(store, meeting):
    need = capture_need(
        store,
        meeting,
        what="Sala na zebrania",
        for_whom=[],
        where="Stogi",
        category="kultura",
        author="Ala",
    )
    assert need["category"] == "kultura"


def test_unknown_district_is_refused_in_polish(store, meeting):
    with pytest.raises(MapError, match="nie ma dzielnicy „Oliwa” w mieście Gdańsk"):
        capture_need(store, meeting, what="Ławki", for_whom=[], where="Oliwa", author="Ala")


def test_needs_of_meeting_lists_only_its_needs(store, meeting):
    other = start_meeting(
        store,
        city="Gdańsk",
        partnership_id=None,
        title="Inne spotkanie",
        date="2025-11-02",
        author="Ola",
    )
    for what, met in [("Korepetycje", meeting), ("Ławki w parku", meeting), ("Basen", other)]:
        capture_need(store, met, what=what, for_whom=[], where="Stogi", author="Ala")
    assert list(needs_of_meeting(store, meeting["id"])["title"]) == ["Korepetycje", "Ławki w parku"]


def test_close_meeting_saves_the_outcome(store, meeting):
    closed = close_meeting(
        store,
        meeting,
        participants=14,
        decisions="Szukamy sali dla seniorów.",
        tasks="Ala sprawdza salę w GAK.",
        plans="Spotkanie mikołajkowe.",
        author="Ala",
    )
    stored = store.get("meetings", meeting["id"])
    assert stored["participants"] == 14 and stored["version"] == 2 == closed["version"]
    assert stored["decisions"] == "Szukamy sali dla seniorów."
    assert stored["plans"] == "Spotkanie mikołajkowe."


def test_close_meeting_on_a_stale_version_raises_conflict(store, meeting):
    store.update(
        "meetings", meeting["id"], {"place": "Biblioteka"}, expected_version=1, author="Ola"
    )
    with pytest.raises(ConflictError) as caught:
        close_meeting(
            store, meeting, participants=9, decisions="", tasks="", plans="", author="Ala"
        )
    assert caught.value.current["place"] == "Biblioteka"
    assert store.get("meetings", meeting["id"])["participants"] is None


@pytest.mark.parametrize(
    ("what", "category"),
    [
        ("Klub dla seniorów", "miejsce_spotkan"),
        ("Świetlica po lekcjach", "miejsce_spotkan"),
        ("Boisko do piłki", "sport"),
        ("Zajęcia z matematyki i korepetycje", "edukacja"),
        ("Oświetlenie przejścia", "bezpieczenstwo"),
        ("Coś zupełnie innego", "inne"),
    ],
)
def test_category_guess_from_polish_words(what, category):
    assert guess_need_category(what) == category


def test_agenda_goes_from_overview_to_partners():
    assert [s.key for s in SLIDES] == ["overview", "resources", "needs", "gaps", "partners"]
    assert all("areas" in s.layers for s in SLIDES)
    assert "partnerships" in SLIDES[-1].layers


def test_slide_titles_name_the_district():
    assert slide_title(SLIDES[1], "Stogi") == "Zasoby — Stogi"
    assert slide_title(SLIDES[0], None) == "Przegląd"
    assert slide_title(SLIDES[3], " ") == "Luki"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0, "0 spotkań"),
        (1, "1 spotkanie"),
        (2, "2 spotkania"),
        (4, "4 spotkania"),
        (5, "5 spotkań"),
        (12, "12 spotkań"),
        (14, "14 spotkań"),
        (21, "21 spotkań"),
        (22, "22 spotkania"),
        (112, "112 spotkań"),
        (124, "124 spotkania"),
    ],
)
def test_polish_plural_of_meetings(number, text):
    assert with_count(number, MEETINGS.count_forms) == text


def test_plural_form_alone_for_genitive_phrases():
    of_resources = Forms("zasobu", "zasobów", "zasobów")
    assert plural_form(1, of_resources) == "zasobu"
    assert plural_form(85, of_resources) == "zasobów"


# --- a meeting is a durable object ---------------------------------------------------------


def test_a_started_meeting_is_open_and_found_again_from_the_store(store, meeting):
    # A reload, another browser or a crash: only the store remembers the meeting.
    assert store.get("meetings", meeting["id"])["source"] == MEETING_MODE_SOURCE
    assert is_open_meeting(meeting)
    assert list(open_meetings(store, "Gdańsk")["id"]) == [meeting["id"]]
    assert open_meetings(store, "Częstochowa").empty


def test_a_partnership_has_one_open_meeting_at_a_time(store, meeting):
    with pytest.raises(
        MapError, match="ma już trwające spotkanie „Spotkanie partnerstwa — jesień”"
    ):
        start_meeting(
            store, city="Gdańsk", partnership_id="gdansk-pship-stogi", title="Drugie",
            date="2025-10-14", author="Ola",
        )  # fmt: skip
    other = start_meeting(
        store, city="Gdańsk", partnership_id="gdansk-pship-orunia", title="Orunia",
        date="2025-10-14", author="Ola",
    )  # fmt: skip
    assert set(open_meetings(store, "Gdańsk")["id"]) == {meeting["id"], other["id"]}


def test_closing_a_meeting_closes_it_and_frees_the_partnership(store, meeting):
    closed = close_meeting(
        store, meeting, participants=12, decisions="", tasks="", plans="", author="Ala"
    )
    assert not is_open_meeting(closed)
    assert open_meetings(store, "Gdańsk").empty
    again = start_meeting(
        store, city="Gdańsk", partnership_id="gdansk-pship-stogi", title="Następne",
        date="2025-11-14", author="Ala",
    )  # fmt: skip
    assert is_open_meeting(again)


def test_closing_asks_for_the_number_of_participants(store, meeting):
    with pytest.raises(MapError, match="liczbę uczestników"):
        close_meeting(
            store, meeting, participants=None, decisions="", tasks="", plans="", author="Ala"
        )
    assert is_open_meeting(store.get("meetings", meeting["id"]))


def test_meetings_entered_as_minutes_are_never_open(store):
    minutes = store.create(
        "meetings",
        {"title": "Spotkanie z 2015", "date": "2015-03-10", "city": "Gdańsk"},
        author="Ala",
    )
    assert not is_open_meeting(minutes)
    assert open_meetings(store, "Gdańsk").empty


# --- needs land where they were said ----------------------------------------------------


def test_two_needs_in_a_row_each_keep_their_own_place(store, meeting):
    clicked = capture_need(
        store, meeting, what="Ławki", for_whom=[], where=Point(18.67, 54.36), author="Ala"
    )
    unplaced = capture_need(
        store, meeting, what="Korepetycje", for_whom=[], where=None, author="Ala"
    )
    assert clicked["district"] == "Przeróbka" and clicked["geometry"].equals(Point(18.67, 54.36))
    assert (unplaced["geometry"], unplaced["district"]) == (None, None)
    assert describe_place(clicked) == "punkt na mapie (Przeróbka)"
    assert describe_place(unplaced).startswith("bez miejsca")
    assert len(needs_of_meeting(store, meeting["id"])) == 2


def test_a_district_need_without_district_boundaries_says_it_is_not_on_the_map(store):
    # Częstochowa's districts are names without polygons.
    store.create(
        "areas", {"name": "Raków", "kind": "dzielnica", "city": "Częstochowa"}, author="test"
    )
    met = start_meeting(
        store, city="Częstochowa", partnership_id=None, title="Raków", date="2025-10-14",
        author="Ala",
    )  # fmt: skip
    need = capture_need(store, met, what="Świetlica", for_whom=[], where="rakow", author="Ala")
    assert (need["geometry"], need["district"]) == (None, "Raków")
    text = describe_place(need)
    assert text.startswith("dzielnica Raków — bez lokalizacji na mapie")
    assert "na liście" in text


def test_a_district_outline_places_the_need_in_the_district(store, meeting):
    stogi = store.read_layer("areas", city="Gdańsk").set_index("name").loc["Stogi", "geometry"]
    need = capture_need(store, meeting, what="Plac zabaw", for_whom=[], where=stogi, author="Ala")
    assert need["district"] == "Stogi"
    assert describe_place(need) == "dzielnica Stogi (na mapie cała dzielnica)"


def test_projector_map_has_quiet_districts_a_folded_layer_list_and_a_remembered_legend(store):
    _districts(store)
    records = {
        name: store.read_layer(name, city="Gdańsk")
        for name in ("resources", "needs", "actions", "partnerships")
    }
    built = meeting_map(SLIDES[0], store.read_layer("areas", city="Gdańsk"), records, focus=None)
    layers = [c for c in built.map._children.values() if isinstance(c, RecordLayer)]
    areas = [layer for layer in layers if layer.settings.kind == "areas"]
    assert areas and all(not layer.settings.popups for layer in areas)  # a click places a need
    assert all(layer.settings.popups for layer in layers if layer.settings.kind != "areas")
    html = built.map.get_root().render()
    assert '"collapsed": true' in html
    assert f'"remember":"{LEGEND_STORAGE_KEY}"' in html


def test_two_laptops_starting_one_partnerships_meeting_at_once_start_it_once(
    each_store, monkeypatch
):
    """The "one open meeting" check is held against a start racing it, on both backends."""
    pship = each_store.create(
        "partnerships", {"name": "Partnerstwo Stogi", "city": "Gdańsk"}, author="test"
    )
    both_read = threading.Barrier(2)
    read = meeting_module.open_meetings

    def read_then_wait_for_the_other(store, city):
        found = read(store, city)
        try:  # without the lock both laptops get here before either writes
            both_read.wait(timeout=3)
        except threading.BrokenBarrierError:
            pass  # the other laptop waits for this one's commit: the lock holds
        return found

    monkeypatch.setattr(meeting_module, "open_meetings", read_then_wait_for_the_other)
    outcomes: list[str] = []

    def start(who: str) -> None:
        try:
            start_meeting(
                each_store, city="Gdańsk", partnership_id=pship["id"], title=f"Spotkanie {who}",
                date="2026-12-04", author=who,
            )  # fmt: skip
            outcomes.append("started")
        except MapError:
            outcomes.append("refused")

    laptops = [threading.Thread(target=start, args=(who,)) for who in ("Ala", "Ola")]
    for laptop in laptops:
        laptop.start()
    for laptop in laptops:
        laptop.join()
    assert sorted(outcomes) == ["refused", "started"]
    assert len(open_meetings(each_store, "Gdańsk")) == 1
