"""The edit screen ("Aktualizacja") through Streamlit's AppTest: every action says what it did."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mapping.ui.editor import _Question
from tests import navigation

EDIT = "pages/edycja.py"
NEW_FORM = "form_resources___nowy___0"


@pytest.fixture
def app(seeded_store, monkeypatch) -> AppTest:
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    return AppTest.from_file(str(navigation.APP), default_timeout=90)


def open_edit(app: AppTest, author: str = "") -> AppTest:
    # Sidebar values go in through session state (see tests/test_pages.py).
    app.session_state["author"] = author
    app.run()
    return app.switch_page(EDIT).run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def picker(at: AppTest):
    return next(s for s in at.selectbox if s.label == "Wpis")


def messages(at: AppTest) -> list[str]:
    return [m.value for m in (*at.success, *at.warning, *at.error)]


def fill_new_resource(at: AppTest, name: str) -> None:
    at.text_input(key=f"{NEW_FORM}_name").set_value(name)
    at.selectbox(key=f"{NEW_FORM}_kind").set_value("organizacja")
    at.selectbox(key=f"{NEW_FORM}_category").set_value("aktywnosc")


def test_an_empty_name_is_marked_on_its_field_right_after_the_submit(app, seeded_store):
    at = open_edit(app, author="Ala")
    button(at, "Dodaj wpis").click()
    at.run()
    # The field's own message (not only a summary) on the very run after the click.
    assert "pole jest wymagane" in [e.value for e in at.error]
    assert any(m.startswith("Nie zapisano — popraw pola") for m in messages(at))
    assert len(seeded_store.read_layer("resources", city="Gdańsk")) == 85


def test_a_saved_record_stays_open_says_where_it_is_and_the_next_form_is_empty(app, seeded_store):
    at = open_edit(app, author="Ala")
    fill_new_resource(at, "Klub Seniora „Zorza”")
    button(at, "Dodaj wpis").click()
    at.run()
    frame = seeded_store.read_layer("resources", city="Gdańsk")
    added = frame[frame["name"] == "Klub Seniora „Zorza”"].iloc[0]
    assert picker(at).value == added["id"]
    assert any(
        m.startswith("Dodano: „Klub Seniora „Zorza”” — jest bez lokalizacji") for m in messages(at)
    )
    # The next new record starts from an empty form, not from the one just saved.
    picker(at).set_value("__nowy__").run()
    assert at.text_input(key="form_resources___nowy___1_name").value == ""


def test_archiving_keeps_the_record_open_and_undo_brings_it_back(app, seeded_store):
    record_id = seeded_store.read_layer("resources", city="Gdańsk").iloc[0]["id"]
    at = open_edit(app, author="Ala")
    picker(at).set_value(record_id).run()

    button(at, "🗄️ Archiwizuj").click()
    at.run()
    button(at, "Tak, archiwizuj").click()
    at.run()
    assert seeded_store.get("resources", record_id)["archived_at"]
    assert picker(at).value == record_id
    assert any("Zarchiwizowano" in m and "jest w archiwum" in m for m in messages(at))
    assert [b.label for b in at.button if b.label.startswith("↩️")] == ["↩️ Cofnij ostatnią zmianę"]

    button(at, "↩️ Cofnij ostatnią zmianę").click()
    at.run()
    button(at, "Tak, cofnij").click()
    at.run()
    assert not seeded_store.get("resources", record_id)["archived_at"]
    assert picker(at).value == record_id
    assert any(m.startswith("Cofnięto ostatnią zmianę") for m in messages(at))


def test_a_missing_author_is_asked_for_on_the_page_and_nothing_is_lost(app, seeded_store):
    at = open_edit(app)
    fill_new_resource(at, "Świetlica „Promyk”")
    button(at, "Dodaj wpis").click()
    at.run()
    assert any("wpisz swoje imię" in m for m in messages(at))
    assert "Świetlica „Promyk”" not in set(seeded_store.read_layer("resources")["name"])
    # The name typed on the page goes to the sidebar's field, which every page
    # reads (that the sidebar then shows it is checked in the browser:
    # tests/e2e/test_edit_page.py); the form kept what was typed.
    at.text_input(key="edit_author").set_value("Ola z MOPS").run()
    assert at.session_state["author"] == "Ola z MOPS"
    assert at.text_input(key=f"{NEW_FORM}_name").value == "Świetlica „Promyk”"


def test_archiving_asks_first_and_cancelling_changes_nothing(app, seeded_store):
    record = seeded_store.read_layer("resources", city="Gdańsk").iloc[0]
    at = open_edit(app, author="Ala")
    picker(at).set_value(record["id"]).run()

    button(at, "🗄️ Archiwizuj").click()
    at.run()
    # The question says what will happen, beside the button; nothing is written yet.
    question = [w.value for w in at.warning if w.value.startswith("Zarchiwizować „")]
    assert question and "nic nie zostanie usunięte" in question[0]
    assert seeded_store.get("resources", record["id"])["version"] == record["version"]

    button(at, "Anuluj").click()
    at.run()
    assert not [w for w in at.warning if w.value.startswith("Zarchiwizować")]
    assert seeded_store.get("resources", record["id"])["version"] == record["version"]
    assert picker(at).value == record["id"]


def test_confirming_many_records_asks_first_then_says_how_many(app, seeded_store):
    at = open_edit(app, author="Ala")
    frame = seeded_store.read_layer("resources", city="Gdańsk").iloc[:3]
    versions = dict(zip(frame["id"], frame["version"], strict=True))
    verify = next(b for b in at.button if b.label.startswith("✅ Potwierdzam aktualność zaznacz"))
    assert verify.disabled  # no rows chosen: nothing to confirm
    # AppTest cannot pick table rows; put the question the button asks with three.
    at.session_state["_edit_confirm"] = _Question(
        "stale_resources", "Potwierdzić aktualność: 3 wpisy?", "Tak, potwierdź (3)",
        "verify_many", {"layer": "resources", "record_ids": list(versions)},
    )  # fmt: skip
    at.run()
    assert all(seeded_store.get("resources", i)["version"] == v for i, v in versions.items())
    button(at, "Tak, potwierdź (3)").click()
    at.run()
    assert any(m.startswith("Potwierdzono aktualność 3 wpisów") for m in messages(at))
    assert all(seeded_store.get("resources", i)["version"] == v + 1 for i, v in versions.items())
