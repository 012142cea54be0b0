"""The text of ``data/SOURCES.md``: every source, its licence and attribution,
and what the build derived from it.

The decoding tables are printed from the same constants the build uses, so
the document cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Mapping

from mapping.databuild import widget_codes as codes
from mapping.databuild.czestochowa_places import EXCLUDED_OSM_IDS, OSM_CLASSES, SOCIAL_CATEGORIES
from mapping.databuild.gdansk import SIMPLIFY_TOLERANCE
from mapping.schema import LAYERS, TARGET_GROUPS

__all__ = ["SOURCE_ROWS", "sources_markdown"]

_HEADER = """\
# Źródła danych

Pliki w `data/seed/` są **wyprowadzone** z surowych źródeł poleceniem
`python -m mapping data build` (kod: `mapping/databuild/`). Nie poprawiaj ich
ręcznie — popraw skrypt lub źródło i zbuduj dane ponownie. Wynik jest
deterministyczny: ponowne uruchomienie daje identyczne pliki.

Każdy plik to jedna kolekcja obiektów GeoJSON (RFC 7946, EPSG:4326, WGS 84,
współrzędne zaokrąglone do 6 miejsc po przecinku). Właściwości obiektu to
`id` (stały identyfikator) i pola warstwy z `mapping/schema.py`.

## Wymagane oznaczenia autorstwa

Na każdej mapie i w każdym eksporcie z tymi danymi trzeba pokazać:

- **© OpenStreetMap contributors** (licencja ODbL 1.0) — granice dzielnic
  Gdańska i miejsca w Częstochowie. Pliki `areas.geojson` i `resources.geojson`
  zawierają dane z OpenStreetMap, więc jako baza danych są udostępniane na
  licencji ODbL (https://www.openstreetmap.org/copyright).
- **Wikipedia** (CC BY-SA 4.0) — liczba mieszkańców i powierzchnia dzielnic
  Gdańska (tabela „Dzielnice Gdańska”) oraz dane dzielnicy Wyczerpy-Aniołów.
- **Dane widżetu miejskiego Gdańska** (licencja MIT) — instytucje kultury,
  biblioteki i urzędy; przy rozpowszechnianiu należy zachować informację
  o licencji MIT.
- **Państwowy Rejestr Granic, GUGiK** (otwarte dane) — obrysy Częstochowy
  i Szczecinka.
"""

_OSM = "ODbL, © OpenStreetMap contributors"

#: (raw file, contents, origin, licence, date, CRS) — one row per source.
SOURCE_ROWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    (
        "`gdansk/districts_osm.geojson`",
        "35 dzielnic Gdańska (poligony)",
        "OpenStreetMap, admin_level=9",
        _OSM,
        "eksport 2026-02",
        "EPSG:4326",
    ),
    (
        "`gdansk/district_population.csv`",
        "ludność, powierzchnia, gęstość dzielnic",
        "Wikipedia, tabela „Dzielnice Gdańska”",
        "CC BY-SA",
        "rok stanu niepodany",
        "–",
    ),
    (
        "`gdansk/culture_and_city_offices.geojson`",
        "74 instytucje kultury i filie bibliotek, 11 urzędów",
        "dane widżetu miejskiego Gdańska",
        "MIT",
        "2020-06-25",
        "EPSG:4326 (przeliczone z EPSG:2177)",
    ),
    (
        "`czestochowa/pois_osm.geojson`",
        "553 nazwane punkty",
        "OpenStreetMap",
        _OSM,
        "data eksportu niepodana",
        "EPSG:4326",
    ),
    (
        "`czestochowa/district_population.csv`",
        "ludność i powierzchnia 18 z 20 dzielnic",
        "tabele podziału środków budżetu obywatelskiego Częstochowy; Wikipedia",
        "dane publiczne; CC BY-SA",
        "30.04.2014 (edycja 2015); edycja 2019 bez daty",
        "–",
    ),
    (
        "`czestochowa/district_points.csv`",
        "punkty odniesienia 7 dzielnic",
        "Wikipedia, strony TERYT",
        "CC BY-SA / dane publiczne",
        "–",
        "EPSG:4326",
    ),
    (
        "`czestochowa/social_points.csv`",
        "16 placówek społecznych z adresami",
        "strony miejskie i organizacji",
        "fakty publiczne",
        "2019–2021",
        "brak współrzędnych",
    ),
    (
        "`czestochowa/district_bo2021_allocation.csv`",
        "pula budżetu obywatelskiego 2021 w 20 dzielnicach",
        "budżet obywatelski Częstochowy",
        "dane publiczne",
        "2021",
        "–",
    ),
    (
        "`czestochowa/boundary_descriptions.md`",
        "słowne opisy granic 12 dzielnic",
        "Encyklopedia Częstochowy i in.",
        "fakty publiczne",
        "–",
        "–",
    ),
    (
        "`poland/gminy_prg_simplified.geojson`",
        "2477 gmin Polski (TERYT)",
        "PRG, GUGiK, przez publiczny pakiet R (uproszczone)",
        "otwarte dane PRG",
        "–",
        "EPSG:4326",
    ),
    (
        "raporty z terenu",
        "sieć partnerstw lokalnych w Gdańsku; OSL w Częstochowie",
        "relacje organizatorów",
        "fakty",
        "–",
        "–",
    ),
    (
        "raport z terenu, z którego wyrósł projekt",
        "Partnerstwo Lokalne „Wspólnie” w Szczecinku: skład, spotkania i działania",
        "relacja animatora MOPS w Szczecinku (w opisie zadania projektu, issue 16)",
        "fakty",
        "2015",
        "brak współrzędnych",
    ),
)

_SOURCES_FOOTER = """\
Surowe pliki leżą poza repozytorium (`../shared/data/raw/`, zob. tamtejszy
`README.md`); do repozytorium trafiają tylko dane wyprowadzone.
"""

_DERIVED = """\
## Co wyprowadzono

**Gdańsk** (TERYT 2261011)

- Obszary: miasto (suma granic dzielnic) i 35 dzielnic. Nazwy w pisowni
  urzędowej, zgodnej z tabelą ludności: „ - ” → „-”, „Święty” → „Św.”
  (np. „Orunia-Św. Wojciech-Lipce”). Geometria naprawiona (`make_valid`),
  uproszczona jako pokrycie (`shapely.coverage_simplify`, tolerancja
  {tolerance}°, ok. 3–5 m — wspólne granice sąsiadów pozostają wspólne)
  i dociągnięta do siatki 0,000001°.
- Ludność i powierzchnia z tabeli Wikipedii (suma 490 301). **Rok stanu ludności
  nie jest podany w źródle — pole `population_year` jest puste.** Dla miasta:
  sumy wartości dzielnic.
- Zasoby: 74 instytucje kultury i biblioteki (kategoria „kultura”) i 11 urzędów
  (kategoria „administracja”). Dzielnica **wyznaczona z położenia punktu**
  (kolumna DZIELNICA w źródle miesza dzielnice i osiedla, np. „Morena”,
  „Żabianka”); różnice zapisano w uwagach rekordu. Adres = ULICA + NUMER.
  `last_verified` = DATA_MOD (puste, gdy źródło go nie ma). Filie biblioteki
  nazwano „Filia nr N (WiMBP w Gdańsku)”. Obiekt z ADRESAT = „zamknięty” ma
  status „nieaktywny”. Poprawiono uszkodzone lub ucięte nazwy:
{name_fixes}

**Częstochowa** (TERYT 2464011)

- Obszary: obrys miasta z PRG (gmina 2464011; mocno uproszczony, powierzchnia
  policzona z obrysu w EPSG:2180, więc przybliżona) i 20 dzielnic **bez
  geometrii** — w żadnym dostępnym źródle nie ma ich granic; można je
  zaimportować. Słowne opisy granic (12 dzielnic) i pula BO 2021 są w uwagach.
- Ludność i powierzchnia: **stan na 30.04.2014** (tabela BO, edycja 2015), bo to
  najnowsze dane z podaną datą i obejmują 18 dzielnic w jednym terminie
  (Wyczerpy-Aniołów: ta sama wartość za Wikipedią). Liczby z tabeli edycji 2019
  nie mają daty stanu i brak w niej 3 dzielnic — zapisano je w uwagach.
  Wrzosowiak i Zawodzie-Dąbie: brak danych.
- Zasoby z OpenStreetMap: tylko zasoby społeczności; typ (`subtype`)
  wyznaczony z nazwy (np. „Kaplica …” → kaplica), dzielnica pusta (brak granic
  dzielnic):
{osm_classes}
- Pominięto sklepy, restauracje, kawiarnie, bary, hotele, galerie handlowe,
  kluby i „atrakcje”, a także 14 stacji Drogi Krzyżowej na Jasnej Górze
  (nazwy „I”–„XIV”) oraz punkty:
{osm_excluded}
- 16 placówek społecznych z `social_points.csv` — **bez geometrii**
  (lokalizacja do ustalenia), adresy jak w źródle; numery telefonów trafiły do
  pola `phone` (widoczne tylko dla zespołu). Dzielnica wpisana tylko tam, gdzie
  wynika z nazwy (DOSL Raków, OSL Stare Miasto itp.). Link do strony autora
  wpisu na stronie MOPS (zawierał identyfikator pracownika) zastąpiono adresem
  głównym MOPS, a link do prywatnej kopii zbioru PaBuLib — nazwą zbioru.

**Raporty z terenu**

- 10 partnerstw lokalnych w Gdańsku (Stogi, Dolne Miasto → Śródmieście,
  Śródmieście, Orunia → Orunia-Św. Wojciech-Lipce, Ujeścisko →
  Ujeścisko-Łostowice, Morena → Piecki-Migowo, Wrzeszcz → Wrzeszcz Dolny
  i Wrzeszcz Górny, Oliwa, Nowy Port, Przymorze → Przymorze Małe i Przymorze
  Wielkie); data podpisania nieznana.
- Częstochowa: OSL od 2012 r. na Rakowie, potem Stare Miasto (rok niepodany —
  pole `osl_since` puste, fakt w uwagach), od 2016 r. Stradom, Trzech Wieszczów,
  Zawodzie-Dąbie i Ostatni Grosz; partnerstwa podpisane w Ostatnim Groszu
  i w Trzech Wieszczów (data nieznana).

**Szczecinek** (TERYT 3215011) — z raportu z terenu o Partnerstwie Lokalnym
„Wspólnie” (rok 2015)

- Obszar: obrys miasta z PRG (gmina 3215011, uproszczony; powierzchnia
  z obrysu w EPSG:2180). Osiedli ani liczby mieszkańców źródła nie podają.
- Partnerstwo Lokalne „Wspólnie”, koordynowane przez animatora MOPS. Raport
  podaje skład liczbowo — **6 instytucji i 6 organizacji pozarządowych** — co
  zapisano w opisie partnerstwa. Nazwy pozostałych członków nie dotarły do
  danych projektu i **nie zostały wymyślone**: na liście członków jest MOPS
  (Miejski Ośrodek Pomocy Społecznej w Szczecinku), resztę można dopisać.
- Zasoby: MOPS i Biblioteka Miejska (ul. Jeziorna) — **bez lokalizacji**,
  bo raport nie podaje numeru budynku ani współrzędnych (bez geokodowania).
- 4 spotkania robocze w 2015 r.: raport nie podaje dat, tematów ani
  uczestników — zapisano datę 1 stycznia 2015, a w polu `source` „źródło podaje
  tylko rok”, więc sprawozdanie pokazuje „2015”, nie zmyślony dzień.
- Działania: wrześniowy piknik sąsiedzki (ok. 60 osób; dzień nieznany — data
  1 września 2015 i „źródło podaje tylko miesiąc” w `source`: „wrzesień
  2015”) i warsztaty dla 12 mieszkańców 15 października 2015 r. w Bibliotece
  Miejskiej przy ul. Jeziornej.

**Dane przykładowe** — kilka potrzeb, jedno spotkanie i jedno działanie mają
źródło „przykład” i dopisek „(przykład)” w tytule; nie opisują rzeczywistości
i można je usunąć. Żaden rekord nie zawiera danych osobowych.
"""

_ENGLISH = """\
## English summary

`data/seed/*.geojson` is derived by `python -m mapping data build` from raw
sources kept outside the repository. Attribution required on every map and
export: "© OpenStreetMap contributors" (ODbL; the files containing OSM data
are ODbL databases), Wikipedia (CC BY-SA; Gdańsk district population and
area), Gdańsk municipal widget data (MIT; culture venues, libraries, city
offices, 2020-06-25), PRG/GUGiK open data (Częstochowa and Szczecinek outlines), and field
reports (partnerships, OSL history; Szczecinek's Partnerstwo Lokalne
„Wspólnie” in 2015: its composition of 6 institutions and 6 NGOs as counts,
the MOPS as its listed member, 4 meetings, the September picnic and the
October workshop — no member names invented, no locations guessed).
Gdańsk's population year is not stated in the source and is left empty;
Częstochowa's district figures are as of 30 April 2014; Częstochowa's
districts have no geometry (no boundaries exist in any available source).
Records with source "przykład" are illustrative.
"""


def _sources() -> str:
    head = "| plik źródłowy | co zawiera | pochodzenie | licencja | data | układ |\n"
    rule = "|---|---|---|---|---|---|\n"
    rows = "".join("| " + " | ".join(row) + " |\n" for row in SOURCE_ROWS)
    return f"## Źródła\n\n{head}{rule}{rows}\n{_SOURCES_FOOTER}"


def _derived() -> str:
    def bullets(lines: list[str]) -> str:
        return "\n".join(f"  - {line}" for line in lines)

    return _DERIVED.format(
        tolerance=f"{SIMPLIFY_TOLERANCE:.5f}".replace(".", ","),
        name_fixes=bullets([f"„{k}” → „{v}”" for k, v in codes.NAME_FIXES.items()]),
        osm_classes=bullets(
            [f"`{k}` → {v.label} (kategoria `{v.category}`)" for k, v in OSM_CLASSES.items()]
        ),
        osm_excluded=bullets([f"osm_id {k}: {v}" for k, v in EXCLUDED_OSM_IDS.items()]),
    )


def _code_table(title: str, mapping: Mapping[str, str]) -> str:
    rows = "\n".join(f"| `{code}` | {meaning} |" for code, meaning in mapping.items())
    return f"| {title} | znaczenie |\n|---|---|\n{rows}\n"


def _decodings() -> str:
    labels = {c.code: c.label for c in TARGET_GROUPS}
    audience = {k: labels[v] for k, v in codes.AUDIENCE_CODES.items()}
    audience[codes.CLOSED_AUDIENCE] = "obiekt zamknięty → status „nieaktywny”"
    by_name = {f"nazwa zawiera „{k}”": v for k, v in codes.SUBTYPE_BY_NAME}
    social = {k: f"{v.category}, {v.subtype}" for k, v in SOCIAL_CATEGORIES.items()}
    return "\n".join(
        [
            "## Dekodowanie kodów\n",
            "Gdańsk, kolumna ADRESAT (dla kogo):\n",
            _code_table("ADRESAT", audience),
            "Gdańsk, kolumna NIEPELNOSPR (dostępność) — litery rozpisane, opisy "
            "słowne zachowane bez zmian; znaczenie „p” wywnioskowane z opisów "
            "(„nie wymaga podjazdów”, „p w sali”):\n",
            _code_table("NIEPELNOSPR", codes.ACCESSIBILITY_CODES),
            "Gdańsk, typ obiektu — najpierw z nazwy (pierwsze dopasowanie; także "
            "„GAK” → dom kultury, skrót MHMG → muzeum), w ostatniej kolejności "
            "z kolumny TYP, której litery źródło stosuje niekonsekwentnie (m przy "
            "muzeach, galeriach i teatrach). RODZAJ = p oznacza podmiot publiczny; "
            "kody źródłowe są zapisane w uwagach rekordu:\n",
            _code_table("reguła", by_name),
            _code_table("TYP", codes.TYP_SUBTYPES),
            "Częstochowa, kolumna category w `social_points.csv`:\n",
            _code_table("category", social),
        ]
    )


def _counts(counts: Mapping[str, int]) -> str:
    rows = "\n".join(
        f"| `{name}.geojson` | {LAYERS[name].label} | {counts.get(name, 0)} |" for name in LAYERS
    )
    return f"## Liczba rekordów\n\n| plik | warstwa | rekordów |\n|---|---|---|\n{rows}\n"


def sources_markdown(counts: Mapping[str, int]) -> str:
    """The whole ``SOURCES.md``, with the record count of each layer."""
    return "\n".join([_HEADER, _sources(), _derived(), _decodings(), _counts(counts), _ENGLISH])
