"""Command line over the same functions the pages use.

python -m mapping data build [--raw DIR] [--out DIR]
python -m mapping init [--db FILE_OR_URL]
python -m mapping copy SOURCE TARGET   (a .gpkg file or a postgresql:// URL each)
python -m mapping backup OUT.gpkg [--db FILE]   (a consistent copy, even during a write)
python -m mapping history [--db FILE] [--layer L] [--id ID]
python -m mapping undo BATCH_ID [--db FILE] [--author NAME]
python -m mapping export FORMAT --city CITY [--district NAME] [--audience public|team]
    [--layer L ...] [--paper A4|A3] [--orientation auto|portrait|landscape] [--dpi N]
    [--tiles light|osm|none] [--style standard|projector] [-o FILE]
python -m mapping import FILE --layer resources|needs|districts --city CITY [--dry-run]
    [--report FILE.json] [--db FILE] [--author NAME] [--mapping "kolumna=pole,…"]
    [--crs EPSG:2180] [--part SHEET_OR_LAYER] [--duplicates skip|add|merge]
    [--set kind=organizacja --set category=kultura]
python -m mapping osm --city CITY --district NAME -o FILE.json [--db FILE]
    (asks the Overpass API, MAPA_OVERPASS_URL; the file then goes to "import")

Every --city is matched to the map's own spelling ignoring case and Polish
letters: "gdansk", "GDAŃSK" and "Gdańsk" are the same city.
python -m mapping report --city CITY --year YYYY [--partnership NAME] [--audience public|team]
    [--organisation NAME] [--logo FILE.png] [--template FILE.docx] [--lang pl|en]
    [--db FILE] -o FILE
python -m mapping users add LOGIN --role administrator|animator|partner [--name NAME]
    [--email E-MAIL] [--password-stdin] [--db FILE]
python -m mapping users list|check [--db FILE]
python -m mapping users disable|enable LOGIN [--db FILE]
python -m mapping users set-role LOGIN ROLE [--db FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mapping.errors import MapError
from mapping.language import DEFAULT_LANGUAGE, LANGUAGES
from mapping.store import (
    REPO_ROOT,
    Store,
    default_location,
    is_server_location,
    open_store,
    shown_location,
)
from mapping.text import fold

if TYPE_CHECKING:
    from mapping.importing import ImportPlan

DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data" / "raw"


def resolve_city(store: Store, given: str, *, new_allowed: bool = False) -> str:
    """The map's own spelling of ``given`` ("czestochowa", "CZĘSTOCHOWA" → "Częstochowa").

    Case, Polish letters and extra spaces are ignored.  A city the map does
    not have is an error listing those it has, unless ``new_allowed`` (an
    import may bring the first data of a new city).
    """
    text = " ".join(str(given).split())
    cities = store.cities()
    for known in cities:
        if fold(known) == fold(text):
            return known
    if new_allowed and text:
        return text
    known_list = ", ".join(cities) or "brak"
    raise MapError(f"nie ma miasta „{text}” na mapie; dostępne: {known_list}", field="miasto")


def _data_build(args: argparse.Namespace) -> int:
    from mapping.databuild import build_data

    counts = build_data(Path(args.raw), Path(args.out))
    for layer, count in counts.items():
        print(f"{layer}: {count}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from mapping.seed import init_store

    counts = _init_server(args.db) if is_server_location(args.db) else init_store(args.db)
    if counts is None:
        print(f"Mapa już istnieje: {shown_location(args.db)}")
    else:
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        print(f"Utworzono mapę {shown_location(args.db)} ({summary})")
    return 0


def _init_server(location: str) -> dict[str, int] | None:
    """Create the database (if missing) and the map on a server; None if it holds one already."""
    from mapping.seed import load_seed
    from mapping.store.postgis import PostGISStore
    from mapping.store.postgis_server import create_database

    create_database(location)
    store = PostGISStore(location)
    if not store.is_empty():
        return None
    return load_seed(store)  # one transaction: a failed seed leaves the map empty


def _copy(args: argparse.Namespace) -> int:
    from mapping.store.copy import copy_map

    counts = copy_map(args.source, args.target)
    history = counts.pop("history")
    summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
    print(
        f"Skopiowano mapę do {shown_location(args.target)} ({summary}; historia: {history} zmian)"
    )
    return 0


def _backup(args: argparse.Namespace) -> int:
    from mapping.store.backup import back_up

    target = back_up(args.db, args.target)
    print(f"Zapisano kopię zapasową mapy {args.db}: {target} ({target.stat().st_size:,} B)"
          .replace(",", " "))  # fmt: skip
    return 0


def _history(args: argparse.Namespace) -> int:
    log = open_store(args.db).history(args.layer, args.id)
    columns = ["fid", "at", "author", "action", "layer", "record_id", "version", "batch_id"]
    print(log[columns].head(args.limit).to_string(index=False))
    return 0


def _undo(args: argparse.Namespace) -> int:
    count = open_store(args.db).undo_batch(args.batch_id, author=args.author)
    print(f"Cofnięto {count} zmian.")
    return 0


def _export(args: argparse.Namespace) -> int:
    from mapping.export import ExportRequest, export

    store = open_store(args.db)
    request = ExportRequest(
        city=resolve_city(store, args.city),
        district=args.district,
        audience=args.audience,
        layers=tuple(args.layer) if args.layer else None,
        paper=args.paper,
        orientation=args.orientation,
        dpi=args.dpi,
        as_of=args.date,
        tiles=args.tiles,
        style=args.style,
    )
    result = export(store, args.format, request)
    target = Path(args.output or result.filename)
    target.write_bytes(result.data)
    print(f"Zapisano {target} ({len(result.data):,} B)".replace(",", " "))
    return 0


def _add_export_parser(sub: argparse._SubParsersAction) -> None:
    from datetime import date

    from mapping.export import FORMATS
    from mapping.export.request import AUTO_ORIENTATION, MAP_TILES, ORIENTATIONS
    from mapping.schema import LAYERS
    from mapping.webmap.styles import STYLES

    p = sub.add_parser("export", help="eksport danych lub mapy do druku (bez danych prywatnych)")
    p.add_argument("format", choices=list(FORMATS), help="format pliku")
    p.add_argument("--city", required=True, help="miasto")
    p.add_argument("--district", help="tylko ta dzielnica lub obszar roboczy")
    p.add_argument("--audience", choices=["public", "team"], default="public", help="odbiorcy")
    p.add_argument(
        "--layer", action="append", choices=list(LAYERS), help="warstwa (można powtórzyć)"
    )
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="papier (druk)")
    p.add_argument("--orientation", choices=list(ORIENTATIONS), default=AUTO_ORIENTATION)
    p.add_argument("--dpi", type=int, default=300, help="rozdzielczość PNG")
    p.add_argument(
        "--tiles",
        choices=list(MAP_TILES),
        default=MAP_TILES[0],
        help="podkład mapy HTML (none: bez internetu, żadnych zapytań)",
    )
    p.add_argument(
        "--style",
        choices=list(STYLES),
        default="standard",
        help="styl mapy HTML (projector: rzutnik)",
    )
    p.add_argument(
        "--date", type=date.fromisoformat, help="„stan na dzień” RRRR-MM-DD (domyślnie dziś)"
    )
    p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
    p.add_argument("-o", "--output", help="plik wynikowy (domyślnie nazwa z miasta i daty)")
    p.set_defaults(func=_export)


def _print_import(plan: ImportPlan, report: dict, limit: int = 30) -> None:
    """A Polish summary of an import (the full lists are in the JSON report)."""
    print(f"Plik: {plan.path.name} ({plan.describe_source()}); miasto: {plan.city}")
    labels = plan.mapping_table()
    pairs = [f"{r.kolumna} → {r.etykieta}" for r in labels.itertuples()]
    print(f"Kolumny ({plan.mapping_origin}): " + ", ".join(pairs))
    print(
        f"Przyjęto: {report['accepted']}, odrzucone wiersze: {len(plan.rejected)}, "
        f"możliwe duplikaty: {len(report['duplicates'])}, "
        f"puste wiersze: {report['skipped_empty']}, z adresu: {report['geocoded']}, "
        f"bez lokalizacji: {report['unlocated']}, do uzupełnienia: {report['incomplete']}"
    )
    if plan.updates or plan.unchanged or plan.conflicts:
        print(
            f"Wpisy rozpoznane po identyfikatorze: do zmiany {len(report['updates'])}, "
            f"bez zmian {report['unchanged']}, konflikty wersji {len(report['conflicts'])}"
        )
    sections = [
        ("Odrzucone", report["rejected"]),
        ("Konflikty wersji (nie zastosowano)", [_conflict_line(c) for c in report["conflicts"]]),
        ("Zmiany wpisów", [_update_line(u) for u in report["updates"]]),
        ("Możliwe duplikaty", [_duplicate_line(d) for d in report["duplicates"]]),
        ("Uwagi", report["warnings"]),
    ]
    for title, items in sections:
        if items:
            print(f"{title}:")
        for item in items[:limit]:
            print("  " + (item if isinstance(item, str) else _note_line(item)))
        if len(items) > limit:
            print(f"  … i {len(items) - limit} więcej (pełna lista: --report plik.json)")


def _note_line(note: dict) -> str:
    where = [f"wiersz {note['row']}"] if note["row"] is not None else []
    where += [f"pole „{note['field']}”"] if note["field"] else []
    return f"{', '.join(where)}: {note['message']}" if where else note["message"]


def _conflict_line(entry: dict) -> str:
    return f"wiersz {entry['row']}: {entry['message']}"


def _update_line(entry: dict) -> str:
    return f"wiersz {entry['row']} „{entry['name']}” ({entry['id']}): {entry['description']}"


def _duplicate_line(entry: dict) -> str:
    other = entry["duplicate_of"]
    what = f"wiersza {other['row']}" if other["row"] else f"„{other['name']}” ({other['id']})"
    head = f"wiersz {entry['row']} „{entry['name']}”"
    return f"{head}: duplikat {what}, {other['reason']} → {entry['decision']}"


def _import(args: argparse.Namespace) -> int:
    from mapping.importing import Decision, build_report, commit_import, plan_import
    from mapping.importing.completion import parse_defaults

    store = open_store(args.db)
    plan = plan_import(
        args.file,
        args.layer,
        resolve_city(store, args.city, new_allowed=True),
        store,
        mapping=args.mapping,
        crs=args.crs,
        part=args.part,
        defaults=parse_defaults(args.set, args.layer),
    )
    for row in plan.duplicates:
        if Decision(args.duplicates) in row.allowed_decisions:
            plan.decide(row.row, args.duplicates)
    result = None if args.dry_run else commit_import(plan, store, args.author)
    report = build_report(plan, result)
    if args.report:
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
        Path(args.report).write_text(text + "\n", encoding="utf-8")
    _print_import(plan, report)
    if result is None:
        print("Próba (--dry-run): nic nie zapisano.")
    elif result.batch_id:
        if result.added_meanwhile:
            print(
                f"Pominięto {len(result.added_meanwhile)} wierszy zapisanych w międzyczasie "
                "(równoległy lub powtórzony import)."
            )
        print(
            f"Zapisano: nowe {len(result.created)}, zaktualizowane {len(result.updated)}, "
            f"bez zmian {result.unchanged}, konflikty {len(result.conflicts)}. "
            f"Cofnięcie całego importu: python -m mapping undo {result.batch_id}"
        )
    else:
        print(
            f"Nic nie zapisano (brak wierszy do dodania ani zmian; bez zmian {result.unchanged}, "
            f"konflikty {len(result.conflicts)})."
        )
    if result is not None and result.warning:
        print(f"Uwaga: {result.warning}", file=sys.stderr)
    if report["conflicts"]:
        # A script (or cron) running the import must notice rows left out.
        print(
            f"Uwaga: pominięte wiersze z konfliktem wersji: {len(report['conflicts'])} "
            "(lista wyżej) — kod wyjścia 1.",
            file=sys.stderr,
        )
        return 1
    return 0


def _add_import_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="wczytaj zasoby, potrzeby lub granice dzielnic z pliku")
    p.add_argument(
        "file",
        help="CSV, XLSX, GeoJSON, GeoPackage, Shapefile w .zip, KML/KMZ (My Maps), "
        ".umap (uMap), JSON z OpenStreetMap (Overpass)",
    )
    p.add_argument("--layer", required=True, choices=["resources", "needs", "districts"])
    p.add_argument("--city", required=True, help="miasto, do którego trafią dane")
    p.add_argument("--dry-run", action="store_true", help="tylko sprawdź, nic nie zapisuj")
    p.add_argument("--report", help="zapisz raport JSON do tego pliku")
    p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
    p.add_argument("--author", default="import z wiersza poleceń", help="kto importuje")
    p.add_argument("--mapping", help='przypisanie kolumn: "kolumna=pole,kolumna2=pole2"')
    p.add_argument("--crs", help="układ współrzędnych, np. EPSG:2180 (domyślnie rozpoznany)")
    p.add_argument("--part", help="arkusz XLSX, warstwa pliku GIS lub uMap, folder KML")
    p.add_argument(
        "--set",
        action="append",
        metavar="POLE=WARTOŚĆ",
        help="domyślny rodzaj lub kategoria dla wierszy, które ich nie podają, np. "
        "--set kind=organizacja --set category=kultura (można powtórzyć); "
        "bez tego takie wiersze trafią na listę „do uzupełnienia”",
    )
    p.add_argument(
        "--duplicates",
        choices=["skip", "add", "merge"],
        default="skip",
        help="co zrobić z możliwymi duplikatami (domyślnie: pomiń)",
    )
    p.set_defaults(func=_import)


def _osm(args: argparse.Namespace) -> int:
    from mapping.importing.overpass import fetch_district

    store = open_store(args.db)
    download = fetch_district(store, resolve_city(store, args.city), args.district)
    Path(args.output).write_bytes(download.content)
    print(
        f"Pobrano z OpenStreetMap: {download.district}, miejsc: {download.places} → {args.output}. "
        f"Import: python -m mapping import {args.output} --layer resources --city {args.city}"
    )
    return 0


def _add_osm_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("osm", help="pobierz miejsca dzielnicy z OpenStreetMap (wymaga internetu)")
    p.add_argument("--city", required=True, help="miasto")
    p.add_argument("--district", required=True, help="dzielnica (z granicami na mapie)")
    p.add_argument("-o", "--output", required=True, help="plik JSON do zapisania")
    p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
    p.set_defaults(func=_osm)


def _report(args: argparse.Namespace) -> int:
    from mapping.report import report_content, report_format, write_report
    from mapping.schema import Audience

    report_format(args.output)  # a wrong extension fails before the work
    template = _read_input(args.template, "szablon") if args.template else None
    logo = _read_input(args.logo, "logo") if args.logo else None
    store = open_store(args.db)
    content = report_content(
        store,
        city=resolve_city(store, args.city),
        year=args.year,
        partnership=args.partnership,
        audience=Audience(args.audience),
        organisation=args.organisation,
        logo=logo,
        lang=args.lang,
    )
    target = write_report(content, args.output, template)
    print(f"Zapisano sprawozdanie {target}")
    return 0


def _read_input(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise MapError(f"nie można odczytać pliku {path}: {exc.strerror}", field=what) from None


def _add_report_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="sprawozdanie roczne (HTML do druku lub DOCX)")
    p.add_argument("--city", required=True, help="miasto")
    p.add_argument("--year", type=int, required=True, help="rok sprawozdania, np. 2025")
    p.add_argument("--partnership", help="nazwa partnerstwa (domyślnie wszystkie w mieście)")
    p.add_argument(
        "--audience",
        choices=["public", "team"],
        default="public",
        help="odbiorcy: public (do miasta, bez osób i planów zespołu) lub team",
    )
    p.add_argument("--organisation", help="nadawca w nagłówku (domyślnie nazwa partnerstwa)")
    p.add_argument(
        "--lang",
        choices=list(LANGUAGES),
        default=DEFAULT_LANGUAGE,
        help="język sprawozdania: pl (domyślnie) lub en; wpisy zostają, jak je zapisano",
    )
    p.add_argument("--logo", help="logo organizacji do nagłówka (PNG lub JPEG)")
    p.add_argument("--template", help="własny szablon Word (.docx) z polami {{ … }} (zob. README)")
    p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
    p.add_argument("-o", "--output", required=True, help="plik wynikowy: .html albo .docx")
    p.set_defaults(func=_report)


def _read_password(args: argparse.Namespace) -> str:
    """The new password from standard input or typed twice (never echoed, never printed)."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Hasło: ")
    if getpass.getpass("Powtórz hasło: ") != first:
        raise MapError("hasła się różnią", field="hasło")
    return first


def _users(args: argparse.Namespace) -> int:
    from mapping import accounts

    store = open_store(args.db)
    if args.action == "add":
        account = accounts.add_account(
            store, args.login, _read_password(args), args.role,
            display_name=args.name, email=args.email,
        )  # fmt: skip
        print(f"Dodano konto {account.login} ({account.role.value}): {account.author}")
    elif args.action == "list":
        for a in accounts.list_accounts(store):
            state = "wyłączone" if a.disabled else ("zablokowane" if a.locked_until else "aktywne")
            print(f"{a.login}\t{a.role.value}\t{a.display_name}\t{a.email or '—'}\t{state}")
    elif args.action in ("disable", "enable"):
        account = accounts.set_disabled(store, args.login, args.action == "disable")
        print(f"Konto {account.login}: {'wyłączone' if account.disabled else 'aktywne'}")
    elif args.action == "set-role":
        account = accounts.set_role(store, args.login, args.role)
        print(f"Konto {account.login}: rola {account.role.value}")
    elif not accounts.has_administrator(store):  # check
        print(
            "Błąd: tryb zespołowy wymaga konta administratora. Utwórz je:\n"
            f"  .venv/bin/python -m mapping users add LOGIN --role administrator --db {args.db}",
            file=sys.stderr,
        )
        return 2
    return 0


def _add_users_parser(sub: argparse._SubParsersAction) -> None:
    from mapping.permissions import ACCOUNT_ROLES

    roles = [r.value for r in ACCOUNT_ROLES]
    users = sub.add_parser("users", help="konta trybu zespołowego (make serve)")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="dodaj konto (hasło z klawiatury lub --password-stdin)")
    add.add_argument("login")
    add.add_argument("--role", required=True, choices=roles)
    add.add_argument("--name", help="imię i nazwisko do historii zmian (domyślnie login)")
    add.add_argument("--email", help="e-mail do logowania przez dostawcę tożsamości (OIDC)")
    add.add_argument("--password-stdin", action="store_true", help="czytaj hasło z wejścia")
    actions.add_parser("list", help="lista kont")
    actions.add_parser("check", help="sprawdź, że jest konto administratora")
    for name, text in (("disable", "wyłącz konto"), ("enable", "włącz i odblokuj konto")):
        actions.add_parser(name, help=text).add_argument("login")
    set_role = actions.add_parser("set-role", help="zmień rolę konta")
    set_role.add_argument("login")
    set_role.add_argument("role", choices=roles)
    for p in actions.choices.values():
        p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
    users.set_defaults(func=_users)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (one sub-command per function)."""
    parser = argparse.ArgumentParser(prog="python -m mapping", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="dane wbudowane").add_subparsers(
        dest="action", required=True
    )
    build = data.add_parser("build", help="zbuduj data/ z surowych źródeł")
    build.add_argument("--raw", default=str(DEFAULT_RAW), help="katalog surowych źródeł")
    build.add_argument("--out", default=str(REPO_ROOT / "data"), help="katalog wynikowy")
    build.set_defaults(func=_data_build)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--db", default=default_location(), help="plik mapy (.gpkg) lub adres postgresql://"
        )
        return p

    with_db(sub.add_parser("init", help="utwórz mapę z danych wbudowanych")).set_defaults(
        func=_init
    )
    hist = with_db(sub.add_parser("history", help="historia zmian"))
    hist.add_argument("--layer")
    hist.add_argument("--id")
    hist.add_argument("--limit", type=int, default=50)
    hist.set_defaults(func=_history)
    undo = with_db(sub.add_parser("undo", help="cofnij całą partię zmian (np. import)"))
    undo.add_argument("batch_id")
    undo.add_argument("--author", default="wiersz poleceń")
    undo.set_defaults(func=_undo)
    copy = sub.add_parser("copy", help="skopiuj całą mapę z historią (plik .gpkg ↔ PostGIS)")
    copy.add_argument("source", help="mapa źródłowa: plik .gpkg lub adres postgresql://")
    copy.add_argument("target", help="nowa mapa docelowa: plik .gpkg lub adres postgresql://")
    copy.set_defaults(func=_copy)
    backup = with_db(sub.add_parser("backup", help="kopia zapasowa mapy w jednym pliku .gpkg"))
    backup.add_argument("target", help="nowy plik kopii, np. kopia-2026-03-01.gpkg")
    backup.set_defaults(func=_backup)
    _add_export_parser(sub)
    _add_import_parser(sub)
    _add_osm_parser(sub)
    _add_report_parser(sub)
    _add_users_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; domain errors print in Polish and exit with 2.

    ``import`` exits with 1 when it stored what it could but left rows with a
    version conflict out.
    """
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except MapError as exc:
        print(f"Błąd: {exc.describe()}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
