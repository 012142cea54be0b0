"""Command line over the same functions the pages use.

python -m mapping data build [--raw DIR] [--out DIR]
python -m mapping init [--db FILE]
python -m mapping history [--db FILE] [--layer L] [--id ID]
python -m mapping undo BATCH_ID [--db FILE] [--author NAME]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from mapping.errors import MapError
from mapping.store import REPO_ROOT, default_location, open_store

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
