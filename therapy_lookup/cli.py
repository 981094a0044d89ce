"""The command line: ``python -m therapy_lookup`` (argument parsing and dispatch only).

Usage::

    python -m therapy_lookup "Is CAR-T cell therapy available for liposarcoma?"
    python -m therapy_lookup available DIAGNOSIS THERAPY [--region R] [--json]
    python -m therapy_lookup resolve TEXT [--json]
    python -m therapy_lookup trials DIAGNOSIS [--therapy T] [--near LAT,LON,RADIUS] [--json]
    python -m therapy_lookup trials DIAGNOSIS --snapshot DIR   (a synced snapshot, no request)
    python -m therapy_lookup snapshot sync|info|export [OUT_DIR] [--path DIR] [--json]
    python -m therapy_lookup products [--class CAR-T] [--region R] [--csv | --json]
    python -m therapy_lookup cache info|clear [--json]
    python -m therapy_lookup --version

Exit status: 0 when something was found, 1 when nothing was found or an error was reported
(one line on stderr), 2 for usage errors. The text output comes from :mod:`therapy_lookup.render`.
The registry client is imported only by the commands that search; they draw a progress bar
on stderr for downloads of more than one page when stderr is a terminal (:mod:`.progress`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._version import __version__
from .answers.availability import Availability, check_availability
from .errors import TherapyLookupError
from .resolver import resolve, search_diagnoses
from .snapshot_cli import (
    add_snapshot_parser,
    add_trials_snapshot_option,
    run_snapshot,
    snapshot_trials,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .answers.questions import Answer
    from .answers.trials import TrialSearch
    from .ctgov import ClinicalTrialsClient, GeoFilter

__all__ = ["main"]

_COMMANDS = ("available", "ask", "resolve", "trials", "products", "cache", "snapshot")


class _Usage(Exception):
    """A usage error found after argparse (an empty option value, a bad --near)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m therapy_lookup",
        description="Sourced answers on cancer therapy approvals. Not medical advice.",
        epilog='A bare question also works: python -m therapy_lookup "Is CAR-T approved '
        'for liposarcoma?"',
    )
    parser.add_argument("--version", action="version", version=f"therapy_lookup {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0,
        help="log what the library does on stderr (-vv for debug detail)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    avail = sub.add_parser("available", help="is THERAPY approved for DIAGNOSIS?")
    avail.add_argument("diagnosis", help="diagnosis text, e.g. 'lipo sarcoma' or 'R/R DLBCL'")
    avail.add_argument("therapy", help="class (CAR-T, TIL, checkpoint inhibitor) or product")
    avail.add_argument("--region", default="US", help="US, EU, CN, JP, KR, IN, CA, UK, ES or any")
    avail.add_argument("--json", action="store_true", help="print the answer as JSON")
    question = sub.add_parser("ask", help="answer a question in plain language")
    question.add_argument("question", nargs="+", help="the question")
    question.add_argument("--region", default=None, help="overrides a region in the question")
    question.add_argument("--json", action="store_true", help="print the answer as JSON")
    question.add_argument("--near", default=None, help="where to look for trials (a place)")
    question.add_argument(
        "--no-trials", action="store_true", help="never search ClinicalTrials.gov"
    )
    question.add_argument(
        "--offline", action="store_true", help="use the embedded tables and the cache only"
    )
    res = sub.add_parser("resolve", help="resolve diagnosis text to a cancer type")
    res.add_argument("text", help="diagnosis text")
    res.add_argument("--json", action="store_true", help="print the match as JSON")
    trials = sub.add_parser("trials", help="find studies on ClinicalTrials.gov")
    trials.add_argument("diagnosis", help="diagnosis text")
    trials.add_argument("--therapy", default=None, help="therapy class or product")
    trials.add_argument(
        "--near", default=None, metavar="LAT,LON,RADIUS",
        help="only studies with a site within RADIUS (e.g. 50mi or 80km) of LAT,LON",
    )
    trials.add_argument("--all-statuses", action="store_true", help="not only recruiting")
    trials.add_argument("--limit", type=int, default=20, help="at most this many studies")
    trials.add_argument("--offline", action="store_true", help="serve only from the cache")
    trials.add_argument("--json", action="store_true", help="print the result as JSON")
    products = sub.add_parser("products", help="list products and their approvals (fact table)")
    products.add_argument(
        "--class", dest="therapy", default="cell therapy", metavar="CLASS",
        help="therapy class or product (default: cell therapy); e.g. CAR-T, TIL, Carvykti",
    )
    products.add_argument("--region", default=None, help="US, EU, CN, … (default: every region)")
    products.add_argument("--approved", action="store_true", help="active approvals only")
    fmt = products.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="print the rows as CSV")
    fmt.add_argument("--json", action="store_true", help="print the rows as JSON")
    cache = sub.add_parser("cache", help="show or clear the local download cache")
    cache.add_argument("action", choices=("info", "clear"))
    cache.add_argument("--json", action="store_true", help="print the result as JSON")
    add_trials_snapshot_option(trials)
    add_snapshot_parser(sub)
    return parser


def _parse_near(text: str) -> GeoFilter:
    from .ctgov import GeoFilter

    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3:
        raise _Usage(f"--near takes LAT,LON,RADIUS (e.g. 42.36,-71.06,50mi), not {text!r}")
    lat, lon, radius = parts
    number = radius.lower().removesuffix("km").removesuffix("mi")
    try:
        if radius.lower().endswith("km"):
            return GeoFilter(lat=float(lat), lon=float(lon), radius=float(number), unit="km")
        return GeoFilter(lat=float(lat), lon=float(lon), radius=float(number), unit="mi")
    except (TypeError, ValueError) as exc:
        raise _Usage(f"--near: {exc}") from exc


def _clean(text: str) -> str:
    """Text from the command line, with undecodable bytes replaced (so JSON output works)."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _emit(answer: Availability, as_json: bool, out: TextIO) -> None:
    from .render import format_availability

    out.write(answer.model_dump_json(indent=2) if as_json else format_availability(answer))
    out.write("\n")


def _emit_answer(answer: Answer, as_json: bool, out: TextIO) -> int:
    from .answers.questions import Intent

    if as_json:
        raw = {"trials": {"studies": {"__all__": {"raw"}}}}
        out.write(answer.model_dump_json(indent=2, exclude=raw))
        out.write("\n")
    else:
        out.write(answer.to_text() + "\n")
    return 1 if answer.intent is Intent.UNKNOWN else 0


def _emit_trials(result: TrialSearch, as_json: bool, out: TextIO) -> int:
    from .render import format_trials

    if as_json:
        out.write(result.model_dump_json(indent=2, exclude={"studies": {"__all__": {"raw"}}}))
    else:
        out.write(format_trials(result))
    out.write("\n")
    return 0 if result.studies else 1


def _cache_folders() -> list[Path]:
    from .ctgov.config import CACHE_DIR_ENV, default_cache_dir

    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured:
        return [Path(configured).expanduser()]
    return [default_cache_dir("ctgov"), default_cache_dir("oncotree")]


def _index_entry(action: str) -> dict[str, Any]:
    """The stored resolver index and tables: a folder of plain JSON files, rebuilt when missing."""
    from .knowledge import table_store
    from .resolver import index_store

    where = index_store.folder()
    if where is None:
        return {"folder": "(resolver index storing is off)", "exists": False}
    patterns = ("names-*.json", "tables-*.json")
    files = sorted(p for pat in patterns for p in where.glob(pat)) if where.is_dir() else []
    entry: dict[str, Any] = {"folder": str(where), "exists": where.is_dir(), "entries": len(files),
                             "bytes": sum(p.stat().st_size for p in files)}
    if action == "clear" and files:
        entry["cleared"] = index_store.clear() + table_store.clear()
        entry["entries"] = sum(len(list(where.glob(pat))) for pat in patterns)
    elif action == "clear":
        entry["cleared"] = 0
    return entry


def _cache(action: str, as_json: bool, out: TextIO) -> int:
    import diskcache

    report: list[dict[str, Any]] = []
    for folder in _cache_folders():
        entry: dict[str, Any] = {"folder": str(folder), "exists": folder.is_dir()}
        if folder.is_dir():
            with diskcache.Cache(str(folder)) as store:
                entry["entries"] = len(store)
                if action == "clear":
                    store.clear(retry=True)
                    entry["cleared"] = entry["entries"]
                    entry["entries"] = len(store)
            files = [p for p in folder.rglob("*") if p.is_file()]
            entry["bytes"] = sum(p.stat().st_size for p in files)
        report.append(entry)
    report.append(_index_entry(action))
    if as_json:
        out.write(json.dumps(report, indent=2) + "\n")
        return 0
    for e in report:
        if not e["exists"]:
            out.write(f"{e['folder']}: no cache yet\n")
        elif action == "clear":
            out.write(f"{e['folder']}: removed {e['cleared']} entries\n")
        else:
            out.write(f"{e['folder']}: {e['entries']} entries, {e['bytes'] / 1e6:.1f} MB\n")
    return 0


def _products(args: argparse.Namespace, out: TextIO) -> int:
    from .answers.fact_table import fact_table
    from .export import to_csv
    from .render import format_products

    rows = fact_table(args.therapy, args.region, approved_only=args.approved)
    if args.csv:
        out.write(to_csv(rows))
    elif args.json:
        out.write(json.dumps([r.model_dump(mode="json") for r in rows], indent=2) + "\n")
    else:
        out.write(format_products(rows) + "\n")
    return 0 if rows else 1


def _resolve(text: str, as_json: bool, out: TextIO) -> int:
    from .render import format_match

    match = resolve(text)
    if as_json:
        out.write((match.model_dump_json(indent=2) if match else "null") + "\n")
        return 0 if match else 1
    if match is None:
        near = ", ".join(m.cancer_type.name for m in search_diagnoses(text, 5))
        closest = f"; closest: {near}" if near else ""
        raise _NothingFound(f"no confident match for {text!r}{closest}")
    out.write(format_match(match) + "\n")
    return 0


class _NothingFound(Exception):
    """Nothing matched: one line on stderr, exit status 1."""


def _check_options(args: argparse.Namespace) -> None:
    """Empty option values never silently widen the question."""
    for name in ("region", "therapy", "near"):
        value = getattr(args, name, None)
        if isinstance(value, str) and not value.strip():
            raise _Usage(f"--{name} must not be empty")
    if getattr(args, "limit", 1) < 1:
        raise _Usage("--limit must be at least 1")


@contextlib.contextmanager
def _registry_client(downloads: bool) -> Iterator[ClinicalTrialsClient | None]:
    """A client drawing a progress bar on stderr when it is a terminal; else None (default)."""
    from .progress import progress_client

    client = progress_client(sys.stderr) if downloads and sys.stderr is not None else None
    try:
        yield client
    finally:
        if client is not None:
            client.close()


def _dispatch(args: argparse.Namespace, out: TextIO) -> int:
    if args.command == "available":
        _emit(check_availability(args.diagnosis, args.therapy, args.region), args.json, out)
        return 0
    if args.command == "ask":
        from .answers.questions import ask  # the question layer, only for questions

        with _registry_client(not args.no_trials and not args.offline) as client:
            answer = ask(
                " ".join(args.question),
                region=args.region,
                trials=not args.no_trials,
                near=args.near,
                offline=args.offline,
                client=client,
            )
        return _emit_answer(answer, args.json, out)
    if args.command == "trials" and args.snapshot is not None:
        return _emit_trials(_snapshot_trials(args), args.json, out)
    if args.command == "trials":
        from .answers.trials import OPEN_STATUSES, find_trials

        with _registry_client(not args.offline) as client:
            result = find_trials(
                args.diagnosis,
                args.therapy,
                statuses=None if args.all_statuses else OPEN_STATUSES,
                near=_parse_near(args.near) if args.near is not None else None,
                limit=args.limit,
                offline=args.offline,
                client=client,
            )
        return _emit_trials(result, args.json, out)
    if args.command == "snapshot":
        return run_snapshot(args, out)
    if args.command == "products":
        return _products(args, out)
    if args.command == "cache":
        return _cache(args.action, args.json, out)
    return _resolve(args.text, args.json, out)


def _snapshot_trials(args: argparse.Namespace) -> TrialSearch:
    from .answers.trials import OPEN_STATUSES

    return snapshot_trials(
        args.snapshot, args.diagnosis, args.therapy,
        statuses=None if args.all_statuses else OPEN_STATUSES,
        near=_parse_near(args.near) if args.near is not None else None,
        limit=args.limit,
    )


def _configure_logging(verbosity: int) -> None:
    if verbosity <= 0:
        return
    import logging  # only when asked to log

    log = logging.getLogger("therapy_lookup")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO if verbosity == 1 else logging.DEBUG)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 found, 1 nothing found/error, 2 usage)."""
    args_list = [_clean(a) for a in (sys.argv[1:] if argv is None else argv)]
    if args_list and args_list[0] not in _COMMANDS and not args_list[0].startswith("-"):
        args_list = ["ask", *args_list]
    parser = _parser()
    args = parser.parse_args(args_list)
    _configure_logging(args.verbose)
    out = sys.stdout
    if out is None:  # started with stdout closed (`>&-`): nowhere to answer
        print("error: cannot write the output: standard output is closed", file=sys.stderr)
        return 1
    try:
        _check_options(args)
        code = _dispatch(args, out)
        out.flush()
    except _Usage as exc:
        parser.error(str(exc))  # exits with status 2
    except _NothingFound as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except TherapyLookupError as exc:
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as other shell tools do.
        _silence_stdout()
        return 1
    except OSError as exc:  # closed stdout, full disk: a one-line error, not a traceback
        _silence_stdout()
        print(f"error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return code


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
