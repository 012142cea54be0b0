"""Command line over the same functions the pages use.

python -m mapping data build [--raw DIR] [--out DIR]
python -m mapping init [--db FILE]
python -m mapping history [--db FILE] [--layer L] [--id ID]
python -m mapping undo BATCH_ID [--db FILE] [--author NAME]
python -m mapping export FORMAT --city CITY [--district NAME] [--audience public|team]
    [--layer L ...] [--paper A4|A3] [--orientation portrait|landscape] [--dpi N]
    [--tiles light|osm|none] [--style standard|projector] [-o FILE]
python -m mapping import FILE --layer resources|needs|districts --city CITY [--dry-run]
    [--report FILE.json] [--db FILE] [--author NAME] [--mapping "kolumna=pole,…"]
    [--crs EPSG:2180] [--part SHEET_OR_LAYER] [--duplicates skip|add|merge]
python -m mapping report --city CITY --year YYYY [--partnership NAME] [--db FILE] -o FILE
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mapping.errors import MapError
from mapping.store import REPO_ROOT, default_location, open_store

if TYPE_CHECKING:
    from mapping.importing import ImportPlan

DEFAULT_RAW = REPO_ROOT.parent / "shared" / "data" / "raw"


def _data_build(args: argparse.Namespace) -> int:
    from mapping.databuild import build_data

    counts = build_data(Path(args.raw), Path(args.out))
    for layer, count in counts.items():
        print(f"{layer}: {count}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from mapping.seed import init_store

    counts = init_store(args.db)
    if counts is None:
        print(f"Mapa już istnieje: {args.db}")
    else:
        summary = ", ".join(f"{k}: {v}" for k, v in counts.items())
        print(f"Utworzono mapę {args.db} ({summary})")
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

    request = ExportRequest(
        city=args.city,
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
    result = export(open_store(args.db), args.format, request)
    target = Path(args.output or result.filename)
    target.write_bytes(result.data)
    print(f"Zapisano {target} ({len(result.data):,} B)".replace(",", " "))
    return 0


def _add_export_parser(sub: argparse._SubParsersAction) -> None:
    from datetime import date

    from mapping.export import FORMATS
    from mapping.export.request import MAP_TILES
    from mapping.schema import LAYERS
    from mapping.styles import STYLES

    p = sub.add_parser("export", help="eksport danych lub mapy do druku (bez danych prywatnych)")
    p.add_argument("format", choices=list(FORMATS), help="format pliku")
    p.add_argument("--city", required=True, help="miasto")
    p.add_argument("--district", help="tylko ta dzielnica lub obszar roboczy")
    p.add_argument("--audience", choices=["public", "team"], default="public", help="odbiorcy")
    p.add_argument(
        "--layer", action="append", choices=list(LAYERS), help="warstwa (można powtórzyć)"
    )
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="papier (druk)")
    p.add_argument("--orientation", choices=["portrait", "landscape"], default="portrait")
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
        f"bez lokalizacji: {report['unlocated']}"
    )
    sections = [
        ("Odrzucone", report["rejected"]),
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


def _duplicate_line(entry: dict) -> str:
    other = entry["duplicate_of"]
    what = f"wiersza {other['row']}" if other["row"] else f"„{other['name']}” ({other['id']})"
    head = f"wiersz {entry['row']} „{entry['name']}”"
    return f"{head}: duplikat {what}, {other['reason']} → {entry['decision']}"


def _import(args: argparse.Namespace) -> int:
    from mapping.importing import Decision, build_report, commit_import, plan_import

    store = open_store(args.db)
    plan = plan_import(
        args.file, args.layer, args.city, store, mapping=args.mapping, crs=args.crs, part=args.part
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
        print(
            f"Zapisano: nowe {len(result.created)}, zaktualizowane {len(result.updated)}. "
            f"Cofnięcie całego importu: python -m mapping undo {result.batch_id}"
        )
    else:
        print("Nic nie zapisano (brak wierszy do dodania).")
    return 0


def _add_import_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="wczytaj zasoby, potrzeby lub granice dzielnic z pliku")
    p.add_argument("file", help="CSV, XLSX, GeoJSON, GeoPackage lub Shapefile w .zip")
    p.add_argument("--layer", required=True, choices=["resources", "needs", "districts"])
    p.add_argument("--city", required=True, help="miasto, do którego trafią dane")
    p.add_argument("--dry-run", action="store_true", help="tylko sprawdź, nic nie zapisuj")
    p.add_argument("--report", help="zapisz raport JSON do tego pliku")
    p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
    p.add_argument("--author", default="import z wiersza poleceń", help="kto importuje")
    p.add_argument("--mapping", help='przypisanie kolumn: "kolumna=pole,kolumna2=pole2"')
    p.add_argument("--crs", help="układ współrzędnych, np. EPSG:2180 (domyślnie rozpoznany)")
    p.add_argument("--part", help="arkusz XLSX lub warstwa pliku GIS")
    p.add_argument(
        "--duplicates",
        choices=["skip", "add", "merge"],
        default="skip",
        help="co zrobić z możliwymi duplikatami (domyślnie: pomiń)",
    )
    p.set_defaults(func=_import)


def _report(args: argparse.Namespace) -> int:
    from mapping.report import report_content, report_format, write_report

    report_format(args.output)  # a wrong extension fails before the work
    content = report_content(
        open_store(args.db), city=args.city, year=args.year, partnership=args.partnership
    )
    target = write_report(content, args.output)
    print(f"Zapisano sprawozdanie {target}")
    return 0


def _add_report_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="sprawozdanie roczne (HTML do druku lub DOCX)")
    p.add_argument("--city", required=True, help="miasto")
    p.add_argument("--year", type=int, required=True, help="rok sprawozdania, np. 2025")
    p.add_argument("--partnership", help="nazwa partnerstwa (domyślnie wszystkie w mieście)")
    p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
    p.add_argument("-o", "--output", required=True, help="plik wynikowy: .html albo .docx")
    p.set_defaults(func=_report)


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
        p.add_argument("--db", default=default_location(), help="plik mapy (.gpkg)")
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
    _add_export_parser(sub)
    _add_import_parser(sub)
    _add_report_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; domain errors print in Polish and exit with 2."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except MapError as exc:
        print(f"Błąd: {exc.describe()}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
