"""Gdańsk: the city and its 35 districts, culture venues and city offices.

District polygons come from OpenStreetMap, population and area from the
Wikipedia table "Dzielnice Gdańska"; venues and offices from the municipal
widget data.  A venue's district is recomputed from its location, because
the widget's own DZIELNICA column mixes districts and neighbourhoods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Point
from shapely.geometry.base import BaseGeometry

from mapping.databuild import widget_codes as codes
from mapping.databuild.geojson import GRID
from mapping.databuild.raw import clean_text, read_csv, read_frame
from mapping.databuild.records import DataBuildError, Record, new_record, slugify
from mapping.schema import AREAS, EVERYONE, RESOURCES, AreaKind

__all__ = [
    "CITY",
    "GDANSK_POPULATION",
    "SIMPLIFY_TOLERANCE",
    "TERYT",
    "GdanskData",
    "build_gdansk",
    "canonical_district_name",
]

CITY = "Gdańsk"
TERYT = "2261011"
#: Sum of the Wikipedia table, as stated in the raw README; a guard against a
#: truncated or re-encoded copy.
GDANSK_POPULATION = 490301
#: Coverage simplification tolerance in degrees (≈ 3–5 m): invisible at
#: district scale, and keeps data/seed small.
SIMPLIFY_TOLERANCE = 0.00005

DISTRICTS_FILE = "gdansk/districts_osm.geojson"
POPULATION_FILE = "gdansk/district_population.csv"
WIDGET_FILE = "gdansk/culture_and_city_offices.geojson"

AREA_SOURCE = (
    "OpenStreetMap (granice dzielnic, admin_level=9); ludność i powierzchnia: "
    "Wikipedia, tabela „Dzielnice Gdańska”"
)
VENUE_SOURCE = "Gdańsk – dane widżetu miejskiego: instytucje kultury i biblioteki (2020-06-25)"
OFFICE_SOURCE = "Gdańsk – dane widżetu miejskiego: urzędy miasta (2020-06-25)"
POPULATION_NOTE = (
    "Rok stanu ludności nie jest podany w źródle (tabela „Dzielnice Gdańska” w Wikipedii), "
    "dlatego pole roku jest puste."
)


@dataclass(frozen=True)
class GdanskData:
    """What the Gdańsk part of the build produces."""

    areas: list[Record]
    resources: list[Record]
    districts: dict[str, MultiPolygon]


def canonical_district_name(name: str) -> str:
    """The official spelling of a district name, as in the population table.

    ``"Orunia - Święty Wojciech - Lipce"`` → ``"Orunia-Św. Wojciech-Lipce"``.
    """
    text = re.sub(r"\s+-\s+", "-", " ".join(name.split()))
    return text.replace("Święty ", "Św. ")


def _as_multipolygon(geometry: BaseGeometry) -> MultiPolygon:
    if isinstance(geometry, MultiPolygon):
        return geometry
    if geometry.geom_type == "Polygon":
        return MultiPolygon([geometry])
    raise DataBuildError(f"Oczekiwano poligonu, jest {geometry.geom_type}")


def _district_polygons(raw: Path) -> dict[str, MultiPolygon]:
    frame = read_frame(raw / DISTRICTS_FILE)
    names = [canonical_district_name(n) for n in frame["name"]]
    geoms = frame.geometry.make_valid().to_numpy()
    # Coverage simplification moves each shared border once for both sides,
    # so neighbouring districts keep meeting without gaps or overlaps.
    simplified = shapely.coverage_simplify(geoms, SIMPLIFY_TOLERANCE)
    snapped = shapely.set_precision(simplified, GRID)
    if not shapely.coverage_is_valid(snapped) or not shapely.is_valid(snapped).all():
        raise DataBuildError("Uproszczone granice dzielnic Gdańska nie tworzą poprawnego pokrycia")
    return {name: _as_multipolygon(g) for name, g in zip(names, snapped, strict=True)}


def _population(raw: Path, names: set[str]) -> dict[str, dict[str, str]]:
    rows = {canonical_district_name(r["dzielnica"]): r for r in read_csv(raw / POPULATION_FILE)}
    if set(rows) != names:
        raise DataBuildError(
            "Nazwy dzielnic Gdańska w tabeli ludności i w granicach różnią się: "
            f"{sorted(set(rows) ^ names)}"
        )
    total = sum(int(r["ludnosc"]) for r in rows.values())
    if total != GDANSK_POPULATION:
        raise DataBuildError(
            f"Suma ludności dzielnic Gdańska to {total}, oczekiwano {GDANSK_POPULATION}"
        )
    return rows


def _areas(raw: Path, districts: dict[str, MultiPolygon]) -> list[Record]:
    rows = _population(raw, set(districts))
    records = [
        new_record(
            AREAS,
            f"gdansk-area-{slugify(name)}",
            geometry,
            name=name,
            kind=AreaKind.DISTRICT.value,
            city=CITY,
            population=int(rows[name]["ludnosc"]),
            area_km2=float(rows[name]["powierzchnia_km2"]),
            source=AREA_SOURCE,
            notes=POPULATION_NOTE,
        )
        for name, geometry in districts.items()
    ]
    # The city is the union of its districts, so outline and districts agree.
    outline = shapely.set_precision(shapely.coverage_union_all(list(districts.values())), GRID)
    city = new_record(
        AREAS,
        "gdansk-area-miasto",
        _as_multipolygon(outline),
        name=CITY,
        kind=AreaKind.CITY.value,
        city=CITY,
        teryt=TERYT,
        population=sum(r["population"] for r in records),
        area_km2=round(sum(r["area_km2"] for r in records), 1),
        source=AREA_SOURCE,
        notes=(
            "Obrys miasta to suma granic 35 dzielnic; ludność i powierzchnia to sumy "
            "wartości dzielnic. " + POPULATION_NOTE
        ),
    )
    return [city, *records]


def district_of(point: Point, districts: dict[str, MultiPolygon]) -> str:
    """The district covering ``point`` (first by name on a shared border)."""
    for name in sorted(districts):
        if districts[name].covers(point):
            return name
    raise DataBuildError(f"Punkt {point.wkt} leży poza dzielnicami Gdańska")


def _value(row: pd.Series, column: str) -> str | None:
    return clean_text(row.get(column))


def _address(row: pd.Series) -> str | None:
    street = _value(row, "ULICA")
    if street is None:
        return None
    street = codes.fix_name(street)
    if street.isupper():  # a few rows are in capitals ("DŁUGI TARG")
        street = street.title()
    number = _value(row, "NUMER")
    return f"{street} {number}, {CITY}" if number else f"{street}, {CITY}"


def _source_codes_note(row: pd.Series, district: str) -> str:
    # The raw codes stay with the record so a decoding can be checked later;
    # long free-text accessibility notes are already kept verbatim.
    given = {c: _value(row, c) for c in ("RODZAJ", "TYP", "ADRESAT", "NIEPELNOSPR")}
    listed = ", ".join(f"{c}=„{v}”" for c, v in given.items() if v and len(v) <= 40)
    note = f"Kody w źródle: {listed}." if listed else ""
    source_district = _value(row, "DZIELNICA")
    if source_district and source_district != district:
        note += f" Dzielnica w źródle: „{source_district}” (ustalona z położenia: {district})."
    return note.strip()


def _venue_name(row: pd.Series) -> str:
    name = codes.fix_name(_value(row, "NAZWA") or "")
    short = _value(row, "NAZWA_SKR")
    # Library branches all carry the library's full name; the branch is in
    # the short name ("Filia nr 7"), which is what residents look for.
    if name.startswith("Wojewódzka i Miejska Biblioteka Publiczna") and short:
        return f"{short} (WiMBP w Gdańsku)"
    return name


def _venue(row: pd.Series, point: Point, district: str) -> Record:
    name = codes.fix_name(_value(row, "NAZWA") or "")
    audience = _value(row, "ADRESAT")
    closed = audience == codes.CLOSED_AUDIENCE
    targets = [] if closed else codes.decode_audience(audience)
    if "niepełnosprawn" in name.lower() and "niepelnosprawni" not in targets:
        targets.append("niepelnosprawni")
    remark = _value(row, "UWAGI")
    notes = [f"Uwagi w źródle: {remark}." if remark else None, _source_codes_note(row, district)]
    if closed:
        notes.insert(0, "W źródle (2020) oznaczony jako zamknięty.")
    return new_record(
        RESOURCES,
        f"gdansk-res-culture-{int(row['ID'])}",
        point,
        name=_venue_name(row),
        kind="instytucja",
        subtype=codes.venue_subtype(
            name, _value(row, "NAZWA_SKR"), _value(row, "TYP"), _value(row, "RODZAJ")
        ),
        category="kultura",
        target_groups=targets,
        city=CITY,
        address=_address(row),
        district=district,
        accessibility=codes.decode_accessibility(_value(row, "NIEPELNOSPR")),
        status="nieaktywny" if closed else "aktywny",
        last_verified=_value(row, "DATA_MOD"),
        source=VENUE_SOURCE,
        notes=" ".join(n for n in notes if n) or None,
    )


def _office(row: pd.Series, point: Point, district: str) -> Record:
    name = codes.fix_name(_value(row, "NAZWA") or "")
    subtype = "urząd – obsługa mieszkańców" if name.startswith("Zespół Obsługi") else "urząd"
    return new_record(
        RESOURCES,
        f"gdansk-res-office-{int(row['ID'])}",
        point,
        name=f"{name} (Urząd Miejski w Gdańsku)",
        kind="instytucja",
        subtype=subtype,
        category="administracja",
        target_groups=[EVERYONE],
        city=CITY,
        address=_address(row),
        district=district,
        status="aktywny",
        last_verified=_value(row, "DATA_MOD"),
        source=OFFICE_SOURCE,
    )


def _resources(raw: Path, districts: dict[str, MultiPolygon]) -> list[Record]:
    frame = read_frame(raw / WIDGET_FILE)
    points = shapely.set_precision(frame.geometry.to_numpy(), GRID)
    records = []
    for (_, row), point in zip(frame.iterrows(), points, strict=True):
        district = district_of(point, districts)
        build = _venue if int(row["collection"]) == 0 else _office
        records.append(build(row, point, district))
    return records


def build_gdansk(raw: Path) -> GdanskData:
    """Areas and resources of Gdańsk from the raw directory ``raw``."""
    districts = _district_polygons(raw)
    return GdanskData(_areas(raw, districts), _resources(raw, districts), districts)
