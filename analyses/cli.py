"""Command line: ``python -m analyses import|run ...``.

Every expected failure (bad file, unknown LA) is reported in one line on stderr with a
non-zero exit code; no traceback.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

from analyses.data.paths import DATA_DIR, REPORTS_DIR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analyses", description="Evidence for Prevention tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser(
        "import", help="Import DfE EES CSV files (or LAIT Parquet) into the project's tidy tables.",
        description="Import published statistics into tidy tables. By default the imported rows are "
                    "merged over the bundled dataset, so the output works with `run --data DIR`.")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")
    imp.add_argument("--out", type=Path, required=True, metavar="DIR", help="Folder to write the tables to.")
    base = imp.add_mutually_exclusive_group()
    base.add_argument("--base", type=Path, default=DATA_DIR, metavar="DIR",
                      help="Dataset to merge the imported rows over (default: the bundled data/).")
    base.add_argument("--no-base", action="store_true", help="Write only the rows in FILE(s).")
    imp.add_argument("--la-lookup", nargs=2, type=Path, metavar=("SN_MODEL_CSV", "LA_LIST_CSV"),
                     help="Rebuild the LA lookup from DfE's statistical neighbour model and EES LA list.")

    run = commands.add_parser("run", help="Run the guide's analyses for one LA (or all) and write a report.")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--la", metavar="LA", help="LA name, GSS code or 3-digit DfE code, or England.")
    which.add_argument("--all", action="store_true", help="Every current LA, then England.")
    run.add_argument("--data", type=Path, default=None, metavar="DIR", help="Dataset folder (default: bundled data/).")
    run.add_argument("--out", type=Path, default=REPORTS_DIR, metavar="DIR", help="Where reports go (default: reports/).")
    run.add_argument("--jobs", type=int, default=2, metavar="N", help="Parallel LAs for --all (default: 2).")
    run.add_argument("--timeout", type=int, default=180, metavar="SECONDS", help="Per-cell execution timeout.")
    run.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="settings",
                     help="Change a chapter setting, e.g. --set pre_proceedings_children=120 --set coverage=0.5.")

    workshop = commands.add_parser(
        "workshop", help="Serve the live workshop widgets with Voilà on this computer (offline).",
        description="Start Voilà on 127.0.0.1 with the workshop notebooks, print the address, run until Ctrl-C.")
    workshop.add_argument("--port", type=int, default=8866, metavar="N", help="Port to serve on (default: 8866).")
    return parser


def cmd_import(args: argparse.Namespace) -> int:
    from analyses.data import lookups, tables
    from analyses.ingest.importer import import_files

    if args.la_lookup:
        las = lookups.build_local_authorities(*args.la_lookup)
    else:
        las = lookups.load_local_authorities(None if args.no_base else args.base)
    base = None if args.no_base else tables.load_indicators_file(args.base / "indicators.csv")
    table, report = import_files(args.files, base=base, las=las)
    tables.write_dataset(args.out, table, las)
    for line in report.lines():
        print(line)
    n_las = table.loc[table["geographic_level"] == "Local authority", "old_la_code"].nunique()
    print(f"Wrote {_count(len(table), 'row')} ({_count(table['indicator'].nunique(), 'indicator')}, "
          f"{_count(n_las, 'LA')}) to {args.out}")
    return 0


def parse_settings(pairs: list[str]) -> dict:
    """``["coverage=0.5", "note=text"]`` -> ``{"coverage": 0.5, "note": "text"}``."""
    settings = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise SettingError(f"--set {pair!r}: expected NAME=VALUE, e.g. --set coverage=0.5")
        try:
            settings[name.strip()] = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            settings[name.strip()] = text.strip()
    return settings


class SettingError(ValueError):
    """A malformed --set option."""


def _count(n: int, noun: str) -> str:
    """'1 row', '2,500 rows'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def cmd_run(args: argparse.Namespace) -> int:
    from analyses.report import runner

    settings = parse_settings(args.settings)
    _check_fgc_settings(settings, args)
    if args.all:
        return runner.run_all(data_dir=args.data, out_dir=args.out, jobs=args.jobs, timeout=args.timeout,
                              settings=settings)
    return runner.run_one(args.la, data_dir=args.data, out_dir=args.out, timeout=args.timeout, settings=settings)


def _check_fgc_settings(settings: dict, args: argparse.Namespace) -> None:
    """Refuse FGC settings outside their bounds before anything runs (``analyses.models.fgc.SETTINGS``);
    children entering pre-proceedings are bounded by the LA's child population."""
    from analyses.models import fgc

    population = None
    if args.la and settings.get("pre_proceedings_children") is not None:
        from analyses.data import dataset

        ds = dataset.load(args.data)
        population = fgc.child_population(ds, ds.area(args.la))
    for warning in fgc.check_settings(settings, population):
        print(f"warning: {warning}", file=sys.stderr)


def cmd_workshop(args: argparse.Namespace) -> int:
    from analyses.workshop.server import WorkshopError, serve

    try:
        return serve(args.port)
    except WorkshopError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    from analyses.data.geography import UnknownAreaError
    from analyses.data.schema import DataFileError, TableError
    from analyses.models.fgc import SettingError as FgcSettingError

    args = build_parser().parse_args(argv)
    try:
        return {"import": cmd_import, "run": cmd_run, "workshop": cmd_workshop}[args.command](args)
    except (DataFileError, TableError, UnknownAreaError, SettingError, FgcSettingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
