"""Częstochowa: the city outline and its 20 districts (without boundaries).

No polygons of Częstochowa's districts exist in the sources, so district
areas carry figures and notes but no geometry; boundaries can be imported
later.  Population is the 2014 figure of the city's participatory-budget
table: it is the most recent figure with a stated date, and it covers 18 of
the 20 districts at the same date (the 2019 table has no date and covers 17).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mapping.databuild.czestochowa_places import CITY, build_places
from mapping.databuild.fieldreports import OSL_SINCE
from mapping.databuild.gminas import city_outline
from mapping.databuild.raw import read_csv
from mapping.databuild.records import DataBuildError, Record, new_record, slugify
from mapping.schema import AREAS, AreaKind

__all__ = ["CITY", "TERYT", "CzestochowaData", "build_czestochowa"]

TERYT = "2464011"

POPULATION_FILE = "czestochowa/district_population.csv"
ALLOCATION_FILE = "czestochowa/district_bo2021_allocation.csv"
BOUNDARIES_FILE = "czestochowa/boundary_descriptions.md"

#: Datasets of the population table: the dated 2014 figures, the undated 2019 ones.
DATASETS_2014 = ("BO2015_table", "BO2015_table_via_wikipedia")
DATASET_2019 = "BO2019_Vedycja_table"

SOURCE_2014 = (
    "Urząd Miasta Częstochowy – algorytm podziału środków budżetu obywatelskiego "
    "(I edycja, 2015; ludność wg stanu na 30.04.2014)"
)
SOURCE_2014_WIKI = "Wikipedia, hasło „Wyczerpy-Aniołów” (za tabelą podziału środków BO 2015)"
SOURCE_LIST = "Urząd Miasta Częstochowy – podział środków budżetu obywatelskiego 2021"
NO_BOUNDARY = (
    "Granic dzielnicy nie ma w dostępnych źródłach — można je zaimportować "
    "(np. z pliku GeoJSON lub GeoPackage) albo narysować na mapie."
)

_BOUNDARY_LINE = re.compile(r"^- (?P<name>[^(]+?) \((?P<source>[^)]*)\): (?P<text>.+)$")


@dataclass(frozen=True)
class CzestochowaData:
    """What the Częstochowa part of the build produces."""

    areas: list[Record]
    resources: list[Record]
    district_names: list[str]


def _outline(raw: Path) -> Record:
    return city_outline(
        raw,
        TERYT,
        CITY,
        "czest-area-miasto",
        "Liczby mieszkańców miasta źródła nie podają (znane są dane 18 z 20 dzielnic).",
    )


def _boundary_descriptions(raw: Path) -> dict[str, str]:
    text = (raw / BOUNDARIES_FILE).read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        match = _BOUNDARY_LINE.match(line.strip())
        if match:
            text = match["text"].rstrip(".")
            found[match["name"]] = f"Opis granic: {text} (źródło: {match['source']})."
    return found


def _pln(amount: str) -> str:
    return f"{int(amount):,}".replace(",", " ") + " zł"


def _district_notes(name: str, row: dict | None, later: dict | None, extra: dict) -> str:
    notes = [NO_BOUNDARY]
    if name in OSL_SINCE:
        notes.append(OSL_SINCE[name][1])
    if row is None:
        notes.append(
            "Liczby mieszkańców i powierzchni brak w dostępnych źródłach "
            "(wiersz tabeli budżetu obywatelskiego nieczytelny w zachowanej kopii)."
        )
    if later is not None and later["population"]:
        notes.append(
            f"Tabela budżetu obywatelskiego, V edycja (2019): {later['population']} "
            "mieszkańców (data stanu nieznana)."
        )
    notes.append(f"Pula budżetu obywatelskiego 2021 dla dzielnicy: {_pln(extra['pool'])}.")
    if extra.get("boundary"):
        notes.append(extra["boundary"])
    return " ".join(notes)


def _district(name: str, row: dict | None, later: dict | None, extra: dict) -> Record:
    values: dict = {"source": SOURCE_LIST}
    if row is not None:
        via_wiki = row["dataset"] == "BO2015_table_via_wikipedia"
        values = {
            "population": int(row["population"]),
            "population_year": int(row["year"]),
            "area_km2": round(float(row["area_km2"]), 2),
            "source": SOURCE_2014_WIKI if via_wiki else SOURCE_2014,
        }
    return new_record(
        AREAS,
        f"czest-area-{slugify(name)}",
        name=name,
        kind=AreaKind.DISTRICT.value,
        city=CITY,
        osl_since=OSL_SINCE.get(name, (None, ""))[0],
        notes=_district_notes(name, row, later, extra),
        **values,
    )


def _districts(raw: Path) -> list[Record]:
    pools = {r["name"]: r["bo_2021_district_pool_pln"] for r in read_csv(raw / ALLOCATION_FILE)}
    table = read_csv(raw / POPULATION_FILE)
    dated = {r["name"]: r for r in table if r["dataset"] in DATASETS_2014 and r["population"]}
    later = {r["name"]: r for r in table if r["dataset"] == DATASET_2019}
    unknown = sorted((set(dated) | set(later)) - set(pools))
    if len(pools) != 20 or unknown:
        raise DataBuildError(
            f"Oczekiwano 20 dzielnic Częstochowy; lista BO 2021 ma {len(pools)}, "
            f"nieznane nazwy w tabeli ludności: {unknown}"
        )
    boundaries = _boundary_descriptions(raw)
    return [
        _district(
            name,
            dated.get(name),
            later.get(name),
            {"pool": pools[name], "boundary": boundaries.get(name)},
        )
        for name in pools
    ]


def build_czestochowa(raw: Path) -> CzestochowaData:
    """Areas and resources of Częstochowa from the raw directory ``raw``."""
    districts = _districts(raw)
    names = [d["name"] for d in districts]
    return CzestochowaData([_outline(raw), *districts], build_places(raw, names), names)
