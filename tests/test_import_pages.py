"""The import page's defaults, the "do uzupełnienia" list, private uploads."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping.schema import TO_COMPLETE
from tests.factories import Upload, resource_values

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture
def app(seeded_store, monkeypatch) -> AppTest:
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    return AppTest.from_file(APP, default_timeout=90)


def test_import_page_offers_a_default_kind_and_category_per_file(app: AppTest) -> None:
    at = app.run()
    at.switch_page("pages/import_danych.py").run()
    assert not at.exception
    kind = at.selectbox(key="imp_default_resources_kind")
    assert kind.value is None and "organizacja" in kind.options
    assert at.selectbox(key="imp_default_resources_category").value is None


def test_edit_page_lists_records_to_complete(app: AppTest, seeded_store) -> None:
    values = resource_values(
        name="Koło bez kategorii", city="Gdańsk", category="inne", status=TO_COMPLETE
    )
    seeded_store.create("resources", values, author="import")
    at = app.run()
    at.switch_page("pages/edycja.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "1 zasób z importu" in captions
    picker = at.selectbox(key="incomplete_pick_resources")
    assert "Koło bez kategorii" in picker.format_func(picker.value)


def test_upload_is_private_and_removed_after_the_import() -> None:
    from mapping.ui.shell import discard_upload, saved_upload

    path = Path(saved_upload(Upload("../../partnerzy.csv", "f1", b"Nazwa\nKlub\n")))
    assert path.name == "partnerzy.csv" and path.read_bytes() == b"Nazwa\nKlub\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert saved_upload(Upload("partnerzy.csv", "f1", b"")) == str(path)  # a rerun
    discard_upload()
    assert not path.exists() and not path.parent.exists()
