"""Private data never leave the app; team data never reach the public.

Checked on the bytes of every textual export format (inside zips and XLSX
too), so a format added later (the HTML map) is covered by registering it in
``mapping.export.FORMATS``.
"""

from __future__ import annotations

import pytest

from mapping.errors import MapError
from mapping.export import FORMATS, ExportRequest, export, export_frames
from mapping.schema import LAYERS, SYSTEM_FIELDS, Audience, Visibility
from mapping.store import GeoPackageStore
from tests.export_fixtures import (
    ARCHIVED_NAME,
    CITY,
    PERSON_NAME,
    PRIVATE,
    PUBLIC_NAME,
    TEAM,
    TEAM_AUTHOR,
    TEAM_EMAIL,
    TEAM_SENTINELS,
    fill_store,
    texts_of,
)

TEXTUAL = sorted(name for name, fmt in FORMATS.items() if fmt.textual)
#: Formats carrying the system columns (an interactive map may leave them out).
DATA_FORMATS = ("geojson", "gpkg", "csv", "xlsx")


@pytest.fixture
def filled(store: GeoPackageStore) -> tuple[GeoPackageStore, dict[str, str]]:
    return store, fill_store(store)


def _export_text(store: GeoPackageStore, fmt: str, audience: Audience) -> str:
    result = export(store, fmt, ExportRequest(CITY, audience=audience))
    return "\n".join(texts_of(result.data))


@pytest.mark.parametrize("fmt", TEXTUAL)
def test_public_export_has_no_private_team_or_people(filled, fmt):
    store, ids = filled
    text = _export_text(store, fmt, Audience.PUBLIC)
    assert PRIVATE not in text
    for sentinel in TEAM_SENTINELS:
        assert sentinel not in text, sentinel
    assert PERSON_NAME not in text
    # Not even as a reference from the partnership or the action.
    assert ids["person"] not in text
    assert ARCHIVED_NAME not in text
    assert PUBLIC_NAME in text  # the export is not simply empty


@pytest.mark.parametrize("fmt", TEXTUAL)
def test_team_export_has_team_fields_but_no_private(filled, fmt):
    store, ids = filled
    text = _export_text(store, fmt, Audience.TEAM)
    assert PRIVATE not in text
    assert ids["person"] in text or fmt not in DATA_FORMATS
    for sentinel in (TEAM, TEAM_EMAIL, *([TEAM_AUTHOR] if fmt in DATA_FORMATS else [])):
        assert sentinel in text, sentinel
    assert PERSON_NAME in text
    assert ARCHIVED_NAME not in text


@pytest.mark.parametrize("audience", [Audience.PUBLIC, Audience.TEAM])
def test_frames_hold_only_allowed_columns_and_values(filled, audience):
    """The shared step every format (print included) draws from."""
    store, _ = filled
    frames = export_frames(store, CITY, audience=audience)
    for name, frame in frames.items():
        layer = LAYERS[name]
        declared = (*SYSTEM_FIELDS, *layer.fields)
        hidden = {f.name for f in declared if not audience.can_view(f.visibility)}
        assert not hidden & set(frame.columns), name
        values = " ".join(map(str, frame.drop(columns="geometry").to_numpy().ravel()))
        assert PRIVATE not in values, name
    private = [f.name for f in LAYERS["resources"].fields if f.visibility == Visibility.PRIVATE]
    assert private and not set(private) & set(frames["resources"].columns)
    people = (frames["resources"]["kind"] == "osoba").any()
    assert people == (audience == Audience.TEAM)


def test_editor_audience_is_refused(filled):
    store, _ = filled
    with pytest.raises(ValueError, match="nie jest dostępny"):
        export_frames(store, CITY, audience=Audience.EDITOR)
    with pytest.raises(ValueError, match="nie jest dostępny"):
        ExportRequest(CITY, audience="editor")


def test_sample_records_keep_their_marker(filled):
    store, ids = filled
    resources = export_frames(store, CITY)["resources"].set_index("id")
    assert resources.at[ids["sample"], "source"] == "przykład"
    text = _export_text(store, "csv", Audience.PUBLIC)
    assert "Świetlica przykładowa" in text and "przykład" in text


def test_district_limits_records(filled):
    store, ids = filled
    frames = export_frames(store, CITY, district="oliwa")
    assert set(frames["areas"]["name"]) == {"Oliwa"}
    # The sample lies in Oliwa; the unplaced club names Oliwa in its column;
    # the library names Wrzeszcz Górny.
    assert set(frames["resources"]["id"]) == {ids["sample"], ids["unplaced"]}
    assert list(frames["partnerships"]["id"]) == [ids["partnership"]]
    assert len(frames["meetings"]) == 1


def test_unknown_district_or_city_is_a_polish_error(filled):
    store, _ = filled
    with pytest.raises(MapError, match="Wrzeszcz Górny"):
        export_frames(store, CITY, district="Śródmieście")
    with pytest.raises(MapError, match="Brak wpisów"):
        export_frames(store, "Gdańks")
