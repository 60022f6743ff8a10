"""Command line: ``python -m analyses import|run ...``.

Every expected failure (bad file, unknown LA) is reported in one line on stderr with a
non-zero exit code; no traceback. Help and argument errors answer at once: pandas, plotly,
papermill and the models are imported only by the command that needs them.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from analyses.data.paths import DATA_DIR, REPORTS_DIR
from analyses.data.schema import SettingError

if TYPE_CHECKING:
    from analyses.data.geography import Area
    from analyses.report.config import RunConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analyses", description="Evidence for Prevention tools.")
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser(
        "import",
        help="Import DfE EES CSV files (or LAIT Parquet) into the project's tidy tables.",
        description="Import published statistics into tidy tables. By default the imported rows are "
        "merged over the bundled dataset, so the output works with `run --data DIR`.",
    )
    imp.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="CSV (or LAIT Parquet) files; FILE@2024 states the release a file comes from.",
    )
    imp.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="Folder to write the tables to (not the folder of an input file, nor the bundled data/).",
    )
    imp.add_argument(
        "--allow-bundled",
        action="store_true",
        help="Let --out be the bundled data/ folder (`make data` rebuilds it so).",
    )
    base = imp.add_mutually_exclusive_group()
    base.add_argument(
        "--base",
        type=Path,
        default=DATA_DIR,
        metavar="DIR",
        help="Dataset to merge the imported rows over (default: the bundled data/).",
    )
    base.add_argument("--no-base", action="store_true", help="Write only the rows in FILE(s).")
    imp.add_argument(
        "--prefer-imported",
        action="store_true",
        help="Let the files' rows replace the base dataset's even where the base holds a newer release.",
    )
    imp.add_argument(
        "--skip-unrecognised",
        action="store_true",
        help="Import the files the guide reads; list and skip the others (not CSV, or a layout it "
        "does not use) instead of stopping.",
    )
    imp.add_argument(
        "--la-lookup",
        nargs=2,
        type=Path,
        metavar=("SN_MODEL_CSV", "LA_LIST_CSV"),
        help="Rebuild the LA lookup from DfE's statistical neighbour model and EES LA list.",
    )

    run = commands.add_parser("run", help="Run the guide's analyses for one LA (or all) and write a report.")
    which = run.add_mutually_exclusive_group(required=True)
    which.add_argument("--la", metavar="LA", help="LA name, GSS code or 3-digit DfE code, or England.")
    which.add_argument("--all", action="store_true", help="Every current LA, then England.")
    run.add_argument("--data", type=Path, default=None, metavar="DIR", help="Dataset folder (default: bundled data/).")
    run.add_argument(
        "--out", type=Path, default=REPORTS_DIR, metavar="DIR", help="Where reports go (default: reports/)."
    )
    run.add_argument("--jobs", type=int, default=2, metavar="N", help="Parallel LAs for --all (default: 2).")
    run.add_argument("--timeout", type=int, default=180, metavar="SECONDS", help="Per-cell execution timeout.")
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="settings",
        help="Change a chapter setting (a number), e.g. --set pre_proceedings_children=120 --set coverage=0.5.",
    )
    run.add_argument("--verbose", action="store_true", help="Also show papermill's and the kernels' own messages.")

    workshop = commands.add_parser(
        "workshop",
        help="Serve the live workshop widgets with Voilà on this computer (offline).",
        description="Start Voilà with the workshop notebooks (on 127.0.0.1, or the network with --lan), print the address, run until Ctrl-C.",
    )
    workshop.add_argument("--port", type=int, default=8866, metavar="N", help="Port to serve on (default: 8866).")
    workshop.add_argument(
        "--lan",
        action="store_true",
        help="Serve to this computer's network too, so participants can open the tools (prints the address and a warning).",
    )
    return parser


RELEASE_SUFFIX = re.compile(r"(.+)@((?:19|20)\d{2})")


def import_inputs(given: list[str]) -> tuple[list[Path], dict[str, int]]:
    """The files to import and the releases stated for them: ``cla.csv@2024`` is cla.csv, release 2024
    (a file whose own name ends so is taken as it is)."""
    paths, releases = [], {}
    for text in given:
        match = RELEASE_SUFFIX.fullmatch(text)
        if match and not Path(text).exists():
            text = match.group(1)
            releases[text] = int(match.group(2))
        paths.append(Path(text))
    return paths, releases


def check_import_out(out: Path, files: list[Path], allow_bundled: bool) -> None:
    """``--out`` must be a folder that can be made, neither an input's folder nor the bundled data/
    (unless ``allow_bundled``); checked before anything is read."""
    where = Path(out).absolute()
    blocking = next((p for p in [where, *where.parents] if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        what = "is a file" if blocking == where else f"cannot be made: {blocking} is a file"
        raise RunArgumentError(f"--out {out}: {what}; expected a folder for the dataset")
    if where.resolve() == DATA_DIR.resolve() and not allow_bundled:
        raise RunArgumentError(
            f"--out {out}: this is the guide's bundled data folder, which later runs call 'bundled'; choose "
            "another folder (or rebuild the bundled data with `make data`)"
        )
    for path in files:
        if path.parent.absolute().resolve() == where.resolve():
            raise RunArgumentError(
                f"--out {out}: {path} is in that folder, and the import would replace files beside it; "
                "choose another folder"
            )


def cmd_import(args: argparse.Namespace) -> int:
    from analyses.data.lookups import lookup_of
    from analyses.ingest.importer import import_dataset

    files, releases = import_inputs(args.files)
    check_import_out(args.out, files, args.allow_bundled)
    table, report = import_dataset(
        files,
        args.out,
        base=None if args.no_base else args.base,
        la_lookup=args.la_lookup,
        prefer_imported=args.prefer_imported,
        skip_unrecognised=args.skip_unrecognised,
        releases=releases,
    )
    for line in report.lines():
        print(line, file=sys.stderr if line.startswith("warning: ") else sys.stdout)
    codes = set(table.loc[table["geographic_level"] == "Local authority", "old_la_code"])
    las = lookup_of(args.out)
    former = codes & set(las.loc[las["status"] == "historic", "old_la_code"])
    councils = _count(len(codes - former), "LA") + (f" and {_count(len(former), 'former council')}" if former else "")
    print(
        f"Wrote {_count(len(table), 'row')} ({_count(table['indicator'].nunique(), 'indicator')}, {councils}) "
        f"to {args.out}"
    )
    return 0


NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
THOUSANDS = re.compile(r"[-+]?\d{1,3}(,\d{3})+(\.\d+)?")  # '3,000', as the importer reads Excel's numbers
SETTING_EXAMPLES = {"coverage": "0.5", "already_offered": "0.2", "pre_proceedings_children": "120"}
WHOLE_NUMBERS = {"pre_proceedings_children"}  # a count of children


def parse_settings(pairs: list[str]) -> dict:
    """``["coverage=0.5", "pre_proceedings_children=120"]`` -> ``{"coverage": 0.5, "pre_proceedings_children": 120}``.

    Every value must be a finite number (``120``, ``0.5``, ``1e3``, ``3,000``); a whole number stays
    an int, and a count of children must be one. Ranges are the chapters' own
    (``analyses.models.fgc.check_settings``); a message names the range where one is known and gives
    an example for the setting at hand. Raises SettingError.
    """
    from analyses.models import fgc

    settings = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name.isidentifier():
            raise SettingError(f"--set {pair!r}: expected NAME=VALUE, e.g. --set coverage=0.5")
        allowed = (fgc.allowed_range(name) or "").removesuffix(" or None")
        whole = name in WHOLE_NUMBERS
        expected = f"{'a whole number' if whole else 'a number'} {allowed}".strip()
        example = f"e.g. --set {name}={SETTING_EXAMPLES.get(name, '3,000' if name == 'conference_cost' else '1')}"
        number = text.replace(",", "") if THOUSANDS.fullmatch(text) else text
        if not NUMBER.fullmatch(number):
            hint = (
                f" (a share is written as a fraction: {float(text[:-1]) / 100:g} for {text})"
                if (text.endswith("%") and NUMBER.fullmatch(text[:-1]))
                else ""
            )
            raise SettingError(f"--set {name}={text}: expected {expected}, {example}{hint}")
        value = float(number)
        if not math.isfinite(value):
            raise SettingError(f"--set {name}={text}: the number is too large; expected {expected}")
        if whole and not value.is_integer():
            raise SettingError(f"--set {name}={text}: expected a whole number of children a year, {example}")
        value = int(value) if value.is_integer() and (whole or not any(c in number for c in ".eE")) else value
        settings[name] = value
    return settings


class RunArgumentError(ValueError):
    """A ``run`` argument that cannot work (an --out that is a file, an area folder that is a file...)."""


def check_out_dir(out: Path) -> None:
    """``--out`` must be a folder this user can write in, or a new one that can be made. Makes nothing."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RunArgumentError(f"--out {out}: is a file; expected a folder for the reports")
    existing = next((p for p in [out, *out.absolute().parents] if p.exists()), None)
    if existing is None or not existing.is_dir():
        raise RunArgumentError(f"--out {out}: {existing} is not a folder; expected a folder for the reports")
    try:  # the real test (os.access says yes to root on a read-only file system)
        probe = tempfile.mkdtemp(prefix=".write-test.", dir=existing)
        os.rmdir(probe)
    except OSError as exc:
        raise RunArgumentError(
            f"--out {out}: cannot write in {existing} ({exc.strerror or exc}); choose a folder you can write to"
        ) from None


def check_area_folders(out: Path, slugs: list[str]) -> None:
    """Refuse (never replace) a file where an area's report folder would go."""
    files = [
        Path(out) / slug
        for slug in slugs
        if (Path(out) / slug).is_symlink() or ((Path(out) / slug).exists() and not (Path(out) / slug).is_dir())
    ]
    if files:
        more = f" (and {len(files) - 1} more)" if len(files) > 1 else ""
        raise RunArgumentError(
            f"{files[0]}: is a file where the report folder goes{more}; move it away or choose another --out"
        )


def _count(n: int, noun: str) -> str:
    """'1 row', '2,500 rows'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def cmd_run(args: argparse.Namespace) -> int:
    """Check every argument (in well under a second, before papermill is imported or any kernel
    starts), then run with one ``RunConfig``."""
    from analyses.data import lookups
    from analyses.data.geography import resolve_area
    from analyses.report.config import RunConfig, chapter_settings

    settings = parse_settings(args.settings)
    if args.jobs < 1 or args.timeout < 1:
        raise RunArgumentError(f"--{'jobs' if args.jobs < 1 else 'timeout'}: expected a whole number of 1 or more")
    if args.data is not None and not (Path(args.data) / "indicators.csv").is_file():
        raise RunArgumentError(
            f"--data {args.data}: no indicators.csv there; expected a folder made by "
            "`python -m analyses import ... --out DIR`"
        )
    check_out_dir(args.out)
    las = lookups.lookup_of(args.data)
    if args.all:
        from analyses.data.geography import ENGLAND, current_areas

        check_area_folders(args.out, [area.slug for area in [*current_areas(las), ENGLAND]])
        area = None
    else:
        area = resolve_area(args.la, las)
        check_area_folders(args.out, [area.slug])
    config = RunConfig(
        data_dir=args.data,
        out_dir=args.out,
        timeout=args.timeout,
        settings=settings,
        verbose=args.verbose,
        jobs=args.jobs,
    )
    known = chapter_settings(config.chapters)
    if unknown := sorted(set(settings) - known):
        raise SettingError(f"--set {unknown[0]}: unknown setting; the chapters take: {', '.join(sorted(known))}")
    _check_fgc_settings(settings, area, config.data_dir)
    return report_all(config) if area is None else report_one(area, config)


def report_one(la: str | Area, config: RunConfig) -> int:
    """Write one area's report and say so in one line; the exit code (0, 1 a chapter failed, 2 refused)."""
    import time

    from analyses.data import lookups
    from analyses.data.geography import Area, UnknownAreaError, resolve_area
    from analyses.report import runner
    from analyses.report.config import ReportError, WriteError

    if not isinstance(la, Area):
        try:
            la = resolve_area(la, lookups.lookup_of(config.data_dir))
        except UnknownAreaError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    start = time.perf_counter()
    try:
        folder = runner.run_one(la, config)
    except ReportError as exc:
        print(f"error: {la.name}: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, WriteError) else 1
    print(f"{la.name}: wrote {folder / 'report.html'} ({time.perf_counter() - start:.1f} s)")
    return 0


def report_all(config: RunConfig) -> int:
    """Write every area's report: a line per area (and a progress bar on a terminal), a final count;
    the exit code (0, 1 if any report failed, 2 if the folder cannot be written)."""
    from tqdm import tqdm

    from analyses.report import runner
    from analyses.report.config import WriteError

    with tqdm(unit="report", desc="Reports", postfix={"failed": 0}, disable=None, leave=False) as bar:
        failed = 0

        def said(area: Area, error: str | None) -> None:
            nonlocal failed
            if error:
                failed += 1
                bar.set_postfix(failed=failed)
                tqdm.write(f"error: {area.name}: {error}", file=sys.stderr)
            else:
                tqdm.write(f"{area.name}: wrote {config.out_dir / area.slug / 'report.html'}")
            bar.update()

        try:
            result = runner.run_all(config, on_result=said)
        except WriteError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if result.skipped:
        print(f"{result.skipped} of {result.areas} reports up to date, skipped")
    names = ", ".join(sorted(name for name, _ in result.failures))
    failures = f"; {len(result.failures)} failed: {names}" if result.failures else ""
    todo = result.areas - result.skipped
    print(f"{todo - len(result.failures)} of {todo} reports written to {config.out_dir}{failures}")
    return 1 if result.failures else 0


def _check_fgc_settings(settings: dict, area: Area | None, data_dir: Path | None) -> None:
    """Refuse FGC settings outside their bounds before anything runs (``analyses.models.fgc.SETTINGS``);
    children entering pre-proceedings are bounded by the area's child population."""
    from analyses.models import fgc

    population = None
    if area is not None and settings.get("pre_proceedings_children") is not None:
        population = child_populations(data_dir).get(area.code)
    for warning in fgc.check_settings(settings, population):
        print(f"warning: {warning}", file=sys.stderr)


def child_populations(data_dir: Path | None) -> dict[str, float]:
    """Children aged 0 to 17 in every current LA and England, by GSS code: a small index worked
    out once per version of the data (``analyses.data.cache``), so a bound is checked without
    loading the dataset."""
    from analyses.data import cache, dataset
    from analyses.data.geography import ENGLAND
    from analyses.models import fgc

    def index() -> dict[str, float]:
        ds = dataset.load(data_dir)
        areas = [*ds.areas(), ENGLAND]
        return {a.code: p for a in areas if (p := fgc.child_population(ds, a)) is not None}

    return cache.cached_json("child-population", cache.data_version(data_dir), index)


def cmd_workshop(args: argparse.Namespace) -> int:
    from analyses.workshop.server import WorkshopError, serve

    try:
        return serve(args.port, lan=args.lan)
    except WorkshopError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # --help and malformed arguments end here, at once
    from analyses.data.geography import UnknownAreaError
    from analyses.data.schema import DataFileError, ImportErrors, TableError

    try:
        return {"import": cmd_import, "run": cmd_run, "workshop": cmd_workshop}[args.command](args)
    except ImportErrors as exc:
        for message in exc.messages:
            print(f"error: {message}", file=sys.stderr)
        print(f"error: {len(exc.messages)} problems; nothing was written", file=sys.stderr)
        return 2
    except (DataFileError, TableError, UnknownAreaError, SettingError, RunArgumentError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # anything the checks could not foresee (a disk filling up): one line, no traceback
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
