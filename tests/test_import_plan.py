"""Planning and committing imports: rows accepted, rejected, duplicated; atomic; undoable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import openpyxl
import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from mapping.errors import ConflictError, MapError
from mapping.importing import (
    Decision,
    Located,
    RowStatus,
    build_report,
    commit_import,
    geocode_offline,
    plan_import,
)
from mapping.schema import TO_COMPLETE
from mapping.store import GeoPackageStore
from tests.factories import resource_values

CITY = "Częstochowa"
OUTLINE = box(18.98, 50.72, 19.27, 50.89)
WEST, EAST = box(18.98, 50.72, 19.12, 50.89), box(19.12, 50.72, 19.27, 50.89)
IN_WEST, IN_EAST = (19.05, 50.80), (19.20, 50.80)  # lon, lat
HEADER = "Nazwa;Typ;Kategoria;Adres;Szer.;Dł.;Dzielnica;E-mail"


def _city(store: GeoPackageStore, *, polygons: bool = True) -> None:
    with store.batch("test") as b:
        b.create("areas", {"name": CITY, "kind": "miasto", "city": CITY, "geometry": OUTLINE})
        for name, shape in (("Stare Miasto", WEST), ("Zawodzie-Dąbie", EAST)):
            area = {"name": name, "kind": "dzielnica", "city": CITY}
            b.create("areas", {**area, "geometry": shape if polygons else None})


def _csv(tmp_path: Path, *rows: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = tmp_path / "partnerzy.csv"
    path.write_bytes("\n".join([header, *rows]).encode(encoding))
    return path


def _row(name: str, kind: str = "instytucja", category: str = "kultura", **cells: str) -> str:
    lon, lat = cells.pop("lonlat", IN_WEST)
    values = {"address": "", "district": "", "email": "", **cells}
    lat_text, lon_text = (f"{lat}".replace(".", ","), f"{lon}".replace(".", ","))
    if cells.get("no_coords"):
        lat_text = lon_text = ""
    return ";".join(
        [
            name,
            kind,
            category,
            values["address"],
            lat_text,
            lon_text,
            values["district"],
            values["email"],
        ]
    )


def _resources(store: GeoPackageStore) -> gpd.GeoDataFrame:
    return store.read_layer("resources", city=CITY)


# -- encodings, values, rejections --------------------------------------------------


def test_windows_1250_csv_with_polish_letters_and_decimal_commas(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    _city(store)
    path = _csv(
        tmp_path,
        _row("Miejska Biblioteka Publiczna – Filia nr 5 „Źródło”"),
        _row("Stowarzyszenie Łączy Nas Żółw", "organizacja", "aktywnosc", lonlat=IN_EAST),
        encoding="cp1250",
    )
    plan = plan_import(path, "resources", "czestochowa", store)  # city spelled loosely
    assert plan.city == CITY
    assert plan.details["encoding"] == "Windows-1250"
    assert [r.status for r in plan.rows] == [RowStatus.ACCEPTED, RowStatus.ACCEPTED]
    commit_import(plan, store, "ala")
    frame = _resources(store).sort_values("name")
    assert list(frame["name"]) == [
        "Miejska Biblioteka Publiczna – Filia nr 5 „Źródło”",
        "Stowarzyszenie Łączy Nas Żółw",
    ]
    first = frame.iloc[0]
    assert (first.geometry.x, first.geometry.y) == pytest.approx(IN_WEST)


def test_html_in_names_is_kept_as_text(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    name = '<script>alert("x")</script> Klub <b>Seniora</b> & Co'
    path = _csv(tmp_path, _row(name.replace(";", ",")))
    result = commit_import(plan_import(path, "resources", CITY, store), store, "ala")
    assert store.get("resources", result.created[0])["name"] == name


def test_only_rows_that_cannot_be_a_record_are_rejected_naming_row_and_field(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    _city(store)
    path = _csv(
        tmp_path,
        _row("Dobra szkoła", "instytucja", "edukacja"),
        _row("", "instytucja", "edukacja"),
        _row("Zły e-mail", email="ktoś@"),
        _row("W Berlinie", lonlat=(13.40, 52.52)),
        "Złe współrzędne;instytucja;kultura;;koło;kościoła;;",
        _row("Nieznany rodzaj", "coś dziwnego", "inne"),
    )
    plan = plan_import(path, "resources", CITY, store)
    report = build_report(plan)
    by_row = {(e["row"], e["field"]): e["message"] for e in report["rejected"]}
    assert by_row[(3, "Nazwa")] == "pole jest wymagane"
    assert "poza Polską" in by_row[(5, "lokalizacja")]
    assert "nie jest współrzędną" in by_row[(6, "Szerokość geograficzna (Y)")]
    assert set(by_row) == {(3, "Nazwa"), (5, "lokalizacja"), (6, "Szerokość geograficzna (Y)")}
    # A bad optional value is a warning, the value kept in the team notes.
    email = plan.row(4)
    assert email.status == RowStatus.ACCEPTED and email.values["email"] is None
    assert "ktoś@" in email.values["notes"]
    assert any(w.field == "E-mail kontaktowy" and "ktoś@" in w.message for w in email.warnings)
    # An unknown kind: stored as "inne", marked for completion, the word kept.
    odd = plan.row(7)
    assert (odd.values["kind"], odd.values["status"]) == ("inne", TO_COMPLETE)
    assert "coś dziwnego" in odd.values["notes"]
    assert report["accepted"] == 3
    result = commit_import(plan, store, "ala")
    assert (len(result.created), result.rejected) == (3, 3)


def test_missing_kind_and_category_guessed_or_marked_to_complete(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    _city(store)
    path = _csv(
        tmp_path,
        "Fundacja Uśmiech;;;;50,8;19,05;;",
        "Filia nr 3 Biblioteki Publicznej;;;;50,8;19,06;;",
        "MOPS – Rejonowy Zespół nr 1;;;;50,8;19,07;;",
        "Coś bez opisu;;;;50,8;19,08;;",
    )
    plan = plan_import(path, "resources", CITY, store)
    values = {r.row: r.values for r in plan.rows}
    assert (values[3]["kind"], values[3]["category"]) == ("instytucja", "kultura")
    assert (values[4]["kind"], values[4]["category"]) == ("instytucja", "pomoc_spoleczna")
    assert values[3]["status"] == "aktywny" and values[3]["city"] == CITY
    assert values[3]["source"] == "import z pliku partnerzy.csv"
    assert not plan.rejected
    fundacja = plan.row(2)  # a foundation of what? the kind is guessed, the category not
    assert (fundacja.values["kind"], fundacja.values["category"]) == ("organizacja", "inne")
    assert fundacja.to_complete == ("Kategoria",)
    assert fundacja.values["status"] == TO_COMPLETE
    assert plan.row(5).to_complete == ("Rodzaj", "Kategoria")
    assert "do uzupełnienia" in next(w.message for w in plan.row(5).warnings)


def test_free_text_choices_become_codes(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    path = _csv(
        tmp_path,
        "Klub;stowarzyszenie;sport;;50,8;19,05;;;dzieci i młodzież, seniorzy 60+, kibice;aktywna",
        header=HEADER + ";Dla kogo;Status",
    )
    row = plan_import(path, "resources", CITY, store).row(2)
    assert row.status == RowStatus.ACCEPTED
    assert row.values["kind"] == "organizacja" and row.values["subtype"] == "stowarzyszenie"
    assert row.values["target_groups"] == ["dzieci", "mlodziez", "seniorzy"]
    assert row.values["status"] == "aktywny"
    assert any("kibice" in w.message for w in row.warnings)


def test_empty_rows_counted_and_repeated_rows_flagged(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    _city(store)
    path = _csv(
        tmp_path,
        _row("Świetlica Promyk"),
        ";;;;;;;",
        "",
        _row("Świetlica Promyk"),
        _row("Świetlica „Promyk”", lonlat=(IN_WEST[0] + 0.0003, IN_WEST[1])),  # ~20 m away
        "Bez miejsca;instytucja;kultura;ul. Jasna 1;;;;",
        "Bez miejsca;instytucja;kultura;ul. Jasna 1;;;;",
    )
    plan = plan_import(path, "resources", CITY, store)
    assert plan.skipped_empty == 2
    assert [r.row for r in plan.accepted] == [2, 7]
    duplicates = {r.row: r.duplicate for r in plan.duplicates}
    assert set(duplicates) == {5, 6, 8}
    assert all(d is not None and d.row is not None for d in duplicates.values())
    assert duplicates[6].row == 2
    assert duplicates[8].row == 7
    assert all(r.decision == Decision.SKIP for r in plan.duplicates)
    result = commit_import(plan, store, "ala")
    assert (len(result.created), result.skipped) == (2, 3)


# -- duplicates of entries already in the map ------------------------------------------


def _existing(store: GeoPackageStore, **overrides: Any) -> dict:
    values = resource_values(
        name="Biblioteka Publiczna Filia nr 5",
        city=CITY,
        address="ul. Jasna 5",
        offer="Wypożyczalnia",
        phone=None,
        geometry=Point(*IN_WEST),
    )
    values.update(overrides)
    return store.create("resources", values, author="test")


def test_possible_duplicate_of_existing_entry(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    existing = _existing(store)
    near = (IN_WEST[0] + 0.0005, IN_WEST[1])  # ~35 m
    path = _csv(
        tmp_path,
        _row("biblioteka publiczna - filia nr 5", lonlat=near),
        _row("Biblioteka Publiczna Filia nr 6", lonlat=near),  # another number: not the same
        _row("Biblioteka Publiczna Filia nr 5", lonlat=IN_EAST),  # far away
    )
    plan = plan_import(path, "resources", CITY, store)
    first = plan.row(2)
    assert first.status == RowStatus.DUPLICATE and first.decision == Decision.SKIP
    assert first.duplicate is not None and first.duplicate.record_id == existing["id"]
    assert first.duplicate.distance_m == pytest.approx(35, abs=5)
    assert first.allowed_decisions == (Decision.SKIP, Decision.MERGE, Decision.ADD)
    assert plan.row(3).status == RowStatus.ACCEPTED
    assert plan.row(4).status == RowStatus.ACCEPTED
    report = build_report(plan)
    assert report["duplicates"][0]["duplicate_of"]["id"] == existing["id"]


def test_unlocated_duplicate_by_name_and_address(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    existing = _existing(store, geometry=None)
    path = _csv(tmp_path, "Biblioteka Publiczna Filia nr 5;instytucja;kultura;Jasna 5;;;;")
    row = plan_import(path, "resources", CITY, store).row(2)
    assert row.duplicate is not None and row.duplicate.record_id == existing["id"]
    assert row.duplicate.reason == "ta sama nazwa i adres"


def test_merge_fills_and_updates_without_overwriting_with_defaults(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    _city(store)
    existing = _existing(store, status="nieaktywny", target_groups=["dzieci"])
    path = _csv(
        tmp_path,
        "Biblioteka Publiczna Filia nr 5;;;;;;;biblioteka@example.pl;seniorzy",
        header=HEADER + ";Dla kogo",
    )
    plan = plan_import(path, "resources", CITY, store)
    row = plan.row(2)
    assert row.duplicate is not None and row.duplicate.record_id == existing["id"]
    assert row.duplicate.reason.startswith("ta sama nazwa (brak adresu")
    result = commit_import(plan, store, "ala", decisions={2: "merge"})
    assert result.updated == [existing["id"]] and not result.created
    merged = store.get("resources", existing["id"])
    assert merged["email"] == "biblioteka@example.pl"
    assert merged["status"] == "nieaktywny"  # the file had no status; the default is not merged
    assert merged["target_groups"] == ["dzieci", "seniorzy"]
    assert merged["offer"] == "Wypożyczalnia"
    assert merged["version"] == 2


def test_merge_conflict_rolls_back_whole_import(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    existing = _existing(store)
    path = _csv(tmp_path, _row("Nowy klub"), _row("Biblioteka Publiczna Filia nr 5"))
    plan = plan_import(path, "resources", CITY, store)
    store.update("resources", existing["id"], {"offer": "zmiana"}, expected_version=1, author="ola")
    with pytest.raises(ConflictError):
        commit_import(plan, store, "ala", decisions={3: "merge"})
    assert list(_resources(store)["name"]) == ["Biblioteka Publiczna Filia nr 5"]


def test_decisions_are_checked(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    plan = plan_import(_csv(tmp_path, _row("A"), _row("")), "resources", CITY, store)
    with pytest.raises(MapError, match="można wybrać"):
        plan.decide(3, "add")  # a rejected row
    with pytest.raises(MapError, match="nieznana decyzja"):
        plan.decide(2, "maybe")
    with pytest.raises(MapError, match="nie ma wiersza"):
        plan.decide(99, "skip")
    plan.decide(2, "skip")
    assert commit_import(plan, store, "ala").batch_id is None


# -- districts ---------------------------------------------------------------------------


def test_district_from_location_wins_over_the_file(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    path = _csv(
        tmp_path,
        _row("A", district="Zawodzie-Dąbie"),  # the point is in Stare Miasto
        _row("B", lonlat=IN_EAST),
        _row("C", lonlat=(18.90, 50.80), district="zawodzie - dąbie"),  # outside the city
    )
    plan = plan_import(path, "resources", CITY, store)
    assert [r.values["district"] for r in plan.rows] == [
        "Stare Miasto",
        "Zawodzie-Dąbie",
        "Zawodzie-Dąbie",
    ]
    assert any("przyjęto Stare Miasto" in w.message for w in plan.row(2).warnings)
    assert any("poza granicami miasta Częstochowa" in w.message for w in plan.row(4).warnings)


def test_district_names_matched_when_there_are_no_polygons(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    _city(store, polygons=False)
    path = _csv(
        tmp_path,
        _row("A", district="ZAWODZIE – DĄBIE"),
        _row("B", district="Dzielnica Stare Miasto"),
        _row("C", district="Śródmieście Północ"),
    )
    plan = plan_import(path, "resources", CITY, store)
    assert [r.values["district"] for r in plan.rows] == [
        "Zawodzie-Dąbie",
        "Stare Miasto",
        "Śródmieście Północ",
    ]
    assert plan.row(4).status == RowStatus.ACCEPTED
    assert "nieznana dzielnica „Śródmieście Północ”" in plan.row(4).warnings[0].message


# -- geocoding ---------------------------------------------------------------------------


def test_offline_geocoding_from_known_addresses(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    _existing(store, name="MOPS", address="Aleja Niepodległości 20/22", geometry=Point(*IN_EAST))
    for address in (
        "al. Niepodległości 20/22, Częstochowa",
        "ALEJA NIEPODLEGLOSCI 20",
        "Niepodległości 20/22, 42-200 Częstochowa",
    ):
        assert geocode_offline(address, CITY, store) == Point(*IN_EAST), address
    assert geocode_offline("ul. Niepodległości 21", CITY, store) is None
    assert geocode_offline("al. Niepodległości 20/22", "Gdańsk", store) is None

    path = _csv(
        tmp_path,
        "Dzienny Dom Senior+;instytucja;pomoc_spoleczna;al. Niepodległości 20/22;;;;",
        "Klub bez adresu;organizacja;aktywnosc;;;;;",
        "Klub z nieznanym adresem;organizacja;aktywnosc;ul. Nieznana 1;;;;",
    )
    plan = plan_import(path, "resources", CITY, store)
    assert plan.row(2).located == Located.ADDRESS
    assert plan.row(2).values["geometry"] == Point(*IN_EAST)
    assert plan.row(2).values["district"] == "Zawodzie-Dąbie"
    assert [plan.row(n).values["geometry"] for n in (3, 4)] == [None, None]
    report = build_report(plan)
    assert (report["geocoded"], report["unlocated"], report["unlocated_rows"]) == (1, 2, [3, 4])
    result = commit_import(plan, store, "ala")
    assert len(result.created) == 3  # unlocated rows are kept, never dropped


def test_online_geocoder_hook_is_only_called_when_given(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    _city(store)
    path = _csv(tmp_path, "Klub;organizacja;aktywnosc;ul. Nowa 1;;;;")
    assert plan_import(path, "resources", CITY, store).row(2).located is None
    calls = []

    def fake(address: str, city: str) -> Point:
        calls.append((address, city))
        return Point(*IN_WEST)

    row = plan_import(path, "resources", CITY, store, geocoder=fake).row(2)
    assert calls == [("ul. Nowa 1", CITY)]
    assert row.located == Located.SERVICE and row.values["geometry"] == Point(*IN_WEST)


# -- atomicity, undo, progress, memory --------------------------------------------------


def test_failure_midway_leaves_the_store_unchanged(
    store: GeoPackageStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mapping.store import gpkg_writer

    _city(store)
    before = store.data_version()
    path = _csv(tmp_path, *(_row(f"Klub {i}", "organizacja", "aktywnosc") for i in range(10)))
    plan = plan_import(path, "resources", CITY, store)
    real_create_many = gpkg_writer.Writer.create_many
    calls = {"n": 0}

    def failing_create_many(self: Any, layer: str, many: Any) -> list[dict]:
        # Half the rows are written in the transaction, then the disk fills up.
        calls["n"] += 1
        real_create_many(self, layer, many[:5])
        raise OSError("dysk pełny")

    monkeypatch.setattr(gpkg_writer.Writer, "create_many", failing_create_many)
    # The store turns the file error into a Polish message naming it (not a traceback).
    with pytest.raises(MapError, match="dysk pełny"):
        commit_import(plan, store, "ala")
    assert calls["n"] == 1
    assert _resources(store).empty
    assert store.data_version() == before


def test_import_is_one_undoable_step(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    path = _csv(tmp_path, *(_row(f"Klub {i}", "organizacja", "aktywnosc") for i in range(5)))
    steps: list[tuple[int, int]] = []
    plan = plan_import(path, "resources", CITY, store)
    result = commit_import(
        plan, store, "ala", progress=lambda done, total: steps.append((done, total))
    )
    assert steps[-1] == (5, 5)
    assert len(_resources(store)) == 5
    history = store.history("resources")
    assert set(history["batch_id"]) == {result.batch_id}
    assert history["note"].iloc[0].startswith("import z pliku partnerzy.csv")
    with pytest.raises(MapError, match="już zapisany"):
        commit_import(plan, store, "ala")  # a double click imports once
    assert store.undo_batch(result.batch_id, author="ala") == 5
    assert _resources(store).empty


def test_mapping_is_remembered_for_the_same_columns(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    path = _csv(tmp_path, "Klub;Ogólnodostępny klub;aktywnosc", header="Nazwa;Uwagi;Kategoria")
    first = plan_import(path, "resources", CITY, store, mapping="Uwagi=offer")
    assert first.mapping_origin == "podane"
    commit_import(first, store, "ala")
    saved = json.loads(Path(store.location + ".mappings.json").read_text(encoding="utf-8"))
    (entry,) = saved["sources"].values()
    assert entry["mapping"]["Uwagi"] == "offer"
    other = tmp_path / "inny.csv"
    other.write_text("kategoria;UWAGI;nazwa\naktywnosc;x;Klub 2\n", encoding="utf-8")
    second = plan_import(other, "resources", CITY, store)
    assert second.mapping_origin == "zapamiętane"
    assert second.mapping["UWAGI"] == "offer"


# -- other formats and coordinate systems ----------------------------------------------


def test_xlsx_with_merged_address_header(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    _existing(store, name="Szkoła", address="ul. Orkana 3", geometry=Point(*IN_EAST))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Partnerzy"
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["D2"] = "Nazwa", "Adres", "Kategoria"
    ws.merge_cells("B2:C2")
    ws["B3"], ws["C3"] = "Ulica", "Nr"
    ws.merge_cells("A2:A3")
    ws.merge_cells("D2:D3")
    ws.append(["Przedszkole nr 7", "ul. Orkana", 3, "edukacja"])
    path = tmp_path / "partnerzy.xlsx"
    wb.save(path)
    plan = plan_import(path, "resources", CITY, store)
    row = plan.row(4)
    assert row.status == RowStatus.ACCEPTED, row.problems
    assert row.values["address"] == "ul. Orkana 3"
    assert row.located == Located.ADDRESS


def _gis_frame(crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"nazwa": ["Park Lisiniec", "Parafia św. Jakuba"], "kategoria": ["zielen", "religia"]},
        geometry=[Point(*IN_WEST), Point(*IN_EAST)],
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)


@pytest.mark.parametrize("suffix", ["geojson", "gpkg", "zip"])
def test_gis_files(store: GeoPackageStore, tmp_path: Path, suffix: str) -> None:
    import zipfile

    _city(store)
    frame = _gis_frame("EPSG:2180" if suffix == "zip" else "EPSG:4326")
    if suffix == "zip":
        frame.to_file(tmp_path / "punkty.shp")
        path = tmp_path / "punkty.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for part in tmp_path.glob("punkty.*"):
                if part.suffix != ".zip":
                    zf.write(part, part.name)
    else:
        path = tmp_path / f"punkty.{suffix}"
        frame.to_file(path)
    plan = plan_import(path, "resources", CITY, store)
    assert [r.status for r in plan.rows] == [RowStatus.ACCEPTED] * 2, [
        r.problems for r in plan.rows
    ]
    assert [r.values["kind"] for r in plan.rows] == ["miejsce", "instytucja"]
    park = plan.row(2).values["geometry"]
    assert (park.x, park.y) == pytest.approx(IN_WEST, abs=1e-7)
    assert plan.row(3).values["district"] == "Zawodzie-Dąbie"


@pytest.mark.parametrize(
    ("crs", "header"),
    [("EPSG:2180", "Nazwa;Kategoria;Rodzaj;X;Y"), ("EPSG:2177", "Nazwa;Kategoria;Rodzaj;x;y")],
)
def test_projected_coordinates_in_columns(
    store: GeoPackageStore, tmp_path: Path, crs: str, header: str
) -> None:
    _city(store)
    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(*IN_EAST)
    cells = f"{x:.2f}".replace(".", ","), f"{y:.2f}".replace(".", ",")
    path = _csv(tmp_path, f"Klub;aktywnosc;organizacja;{cells[0]};{cells[1]}", header=header)
    plan = plan_import(path, "resources", CITY, store)
    point = plan.row(2).values["geometry"]
    assert (point.x, point.y) == pytest.approx(IN_EAST, abs=1e-6)
    assert plan.details["crs"] == crs
    assert any(crs in note for note in plan.notes)


def test_needs_import(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    _existing(store, name="Szkoła", address="ul. Orkana 3", geometry=Point(*IN_EAST))
    path = _csv(
        tmp_path,
        "Brak miejsca spotkań dla seniorów;Seniorzy nie mają gdzie się spotykać;ul. Orkana 3",
        "Plac zabaw;;",
        header="Potrzeba;Opis;Adres",
    )
    plan = plan_import(path, "needs", CITY, store)
    first = plan.row(2)
    assert first.status == RowStatus.ACCEPTED, first.problems
    assert (first.values["status"], first.values["category"]) == ("zgloszona", "miejsce_spotkan")
    assert first.values["geometry"] == Point(*IN_EAST)
    assert plan.row(3).values["category"] == "zielen"
    result = commit_import(plan, store, "ala")
    assert len(result.created) == 2


def test_preview_table_for_the_page(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    plan = plan_import(_csv(tmp_path, _row("A"), _row("")), "resources", CITY, store)
    table = plan.preview()
    assert list(table.columns) == [
        "wiersz",
        "nazwa",
        "stan",
        "decyzja",
        "problemy",
        "duplikat",
        "lokalizacja",
        "uwagi",
        "zmiany",
    ]
    assert list(table["stan"]) == ["przyjęty", "odrzucony"]
    assert "Nazwa: pole jest wymagane" in table["problemy"].iloc[1]
    mapping = plan.mapping_table()
    assert (
        mapping.loc[mapping["kolumna"] == "Szer.", "etykieta"].item()
        == "Szerokość geograficzna (Y)"
    )


def test_geojson_in_metres_without_crs_member(store: GeoPackageStore, tmp_path: Path) -> None:
    """GeoJSON is WGS84 by definition, but files in PUWG 1992 metres exist."""
    _city(store)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:2180", always_xy=True).transform(*IN_EAST)
    feature = {
        "type": "Feature",
        "properties": {"nazwa": "Park", "kategoria": "zielen", "rodzaj": "miejsce"},
        "geometry": {"type": "Point", "coordinates": [x, y]},
    }
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    plan = plan_import(path, "resources", CITY, store)
    point = plan.row(2).values["geometry"]
    assert (point.x, point.y) == pytest.approx(IN_EAST, abs=1e-6)
    assert any("współrzędne są w metrach" in note for note in plan.notes)


def test_needs_keep_areas_from_gis_files(store: GeoPackageStore, tmp_path: Path) -> None:
    _city(store)
    area = box(19.13, 50.79, 19.14, 50.80)
    frame = gpd.GeoDataFrame({"potrzeba": ["Oświetlenie parku"]}, geometry=[area], crs="EPSG:4326")
    path = tmp_path / "potrzeby.geojson"
    frame.to_file(path)
    row = plan_import(path, "needs", CITY, store).row(2)
    assert row.status == RowStatus.ACCEPTED, row.problems
    assert row.values["geometry"].equals(area)
    assert (row.values["category"], row.values["district"]) == ("zielen", "Zawodzie-Dąbie")
