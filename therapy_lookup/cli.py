"""The command line: ``python -m therapy_lookup``.

Usage::

    python -m therapy_lookup "Is CAR-T cell therapy available for liposarcoma?"
    python -m therapy_lookup available DIAGNOSIS THERAPY [--region R] [--json]
    python -m therapy_lookup resolve TEXT [--json]
    python -m therapy_lookup trials DIAGNOSIS [--therapy T] [--near LAT,LON,RADIUS] [--json]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from .answers.availability import Availability, check_availability, default_service
from .answers.questions import ask, is_trial_question, parse_question
from .answers.trials import OPEN_STATUSES, TrialSearch, find_trials
from .ctgov import CTGovError, GeoFilter
from .errors import TherapyLookupError, UnknownDiagnosisError
from .resolver import DiagnosisMatch, resolve, search_diagnoses

__all__ = ["format_availability", "format_trials", "main"]

_COMMANDS = ("available", "ask", "resolve", "trials")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m therapy_lookup",
        description="Sourced answers on cancer therapy approvals. Not medical advice.",
        epilog='A bare question also works: python -m therapy_lookup "Is CAR-T approved '
        'for liposarcoma?"',
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
    res = sub.add_parser("resolve", help="resolve diagnosis text to a cancer type")
    res.add_argument("text", help="diagnosis text")
    res.add_argument("--json", action="store_true", help="print the match as JSON")
    trials = sub.add_parser("trials", help="find studies on ClinicalTrials.gov")
    trials.add_argument("diagnosis", help="diagnosis text")
    trials.add_argument("--therapy", default=None, help="therapy class or product")
    trials.add_argument(
        "--near",
        default=None,
        metavar="LAT,LON,RADIUS",
        help="only studies with a site within RADIUS (e.g. 50mi or 80km) of LAT,LON",
    )
    trials.add_argument("--all-statuses", action="store_true", help="not only recruiting")
    trials.add_argument("--limit", type=int, default=20, help="at most this many studies")
    trials.add_argument("--offline", action="store_true", help="serve only from the cache")
    trials.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _parse_near(text: str) -> GeoFilter:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 3:
        raise ValueError(f"--near takes LAT,LON,RADIUS (e.g. 42.36,-71.06,50mi), not {text!r}")
    lat, lon, radius = parts
    number = radius.lower().removesuffix("km").removesuffix("mi")
    try:
        if radius.lower().endswith("km"):
            return GeoFilter(lat=float(lat), lon=float(lon), radius=float(number), unit="km")
        return GeoFilter(lat=float(lat), lon=float(lon), radius=float(number), unit="mi")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"--near: {exc}") from exc


def format_trials(result: TrialSearch) -> str:
    """Render a trial search as plain text for a terminal."""
    therapy = f" and {result.therapy.name}" if result.therapy else ""
    lines = [f"Trials for {result.cancer_type.name}{therapy}: {result.message}"]
    if result.total_count is not None:
        lines.append(f"The registry reports {result.total_count} matching studies.")
    for s in result.studies:
        phases = "/".join(str(getattr(p, "value", p)) for p in s.phases) or "n/a"
        status = getattr(s.overall_status, "value", s.overall_status)
        lines.append(f"  - {s.nct_id} [{status}, {phases}] {s.brief_title}")
        lines.append(f"    {s.url}")
    lines.append("")
    lines.append(result.disclaimer)
    return "\n".join(lines)


def format_match(match: DiagnosisMatch) -> str:
    """Render a resolved diagnosis as one line (plus what normalisation took out)."""
    ct = match.cancer_type
    if match.oncotree_code and match.oncotree_exact:
        code = f"OncoTree {match.oncotree_code}"
    elif match.oncotree_code:
        code = f"not in OncoTree; nearest broader: {match.oncotree_code}"
    else:
        code = "no OncoTree code"
    line = f"{ct.name} ({ct.id}; {code}) — {match.method.value}, score {match.score}"
    extra = [*match.qualifiers, *match.biomarkers]
    return line + (f"\n  also read: {', '.join(extra)}" if extra else "")


def format_availability(answer: Availability) -> str:
    """Render an availability answer as plain text for a terminal."""
    lines = [answer.summary, ""]
    ct = answer.cancer_type
    code = f", OncoTree {ct.oncotree_code}" if ct.oncotree_code else ""
    lines.append(f"Diagnosis: {answer.diagnosis_text!r} → {ct.name} ({ct.id}{code})")
    match = answer.diagnosis_match
    if match is not None and (match.qualifiers or match.biomarkers):
        extra = [*match.qualifiers, *match.biomarkers]
        lines.append(f"  also read: {', '.join(extra)}")
    lines.append(f"Therapy: {answer.therapy.name}   Region: {answer.region}")
    lines.append(f"Status: {answer.status.value}")

    def approval_lines(title: str, matches: Sequence[object]) -> None:
        if not matches:
            return
        lines.append("")
        lines.append(title)
        for m in matches:
            a = getattr(m, "approval")  # noqa: B009 - ApprovalMatch and RelatedApproval
            p = getattr(m, "product")  # noqa: B009
            name = f"{p.brand_name} ({p.generic_name})" if p.brand_name else p.generic_name
            head = f"  - {name} — {a.agency.value} {a.date}, {a.approval_type.value}"
            if a.status.value != "active":
                head += f", {a.status.value}" + (f" {a.status_date}" if a.status_date else "")
            lines.append(head)
            lines.append(f"    {a.indication}")
            conds = [
                a.line_of_therapy,
                a.population,
                ("biomarker: " + " or ".join(a.biomarkers)) if a.biomarkers else None,
                ("HLA: " + " or ".join(a.hla)) if a.hla else None,
            ]
            if any(conds):
                lines.append("    " + "; ".join(c for c in conds if c))
            if a.notes:
                lines.append(f"    note: {a.notes}")
            lines.append(f"    source: {a.sources[0]} (checked {a.checked_on})")

    approval_lines("Approvals:", answer.approvals)
    approval_lines("Approved by other agencies:", answer.approved_elsewhere)
    approval_lines("Not approved (withdrawn, refused or pending):", answer.other_decisions)
    if answer.related:
        lines.append("")
        lines.append("Related:")
        for r in answer.related[:15]:
            p = r.product
            name = f"{p.brand_name} ({p.generic_name})" if p.brand_name else p.generic_name
            needs = f" with {' or '.join(r.approval.biomarkers)}" if r.approval.biomarkers else ""
            lines.append(
                f"  - {name} [{p.therapy_class_name}] for {', '.join(r.covered_types)}{needs} — "
                f"{r.approval.agency.value} {r.approval.date}"
            )
        if len(answer.related) > 15:
            lines.append(f"  … and {len(answer.related) - 15} more (use --json)")
    if answer.safety:
        lines.append("")
        lines.append("Safety:")
        for s in answer.safety:
            lines.append(f"  - {s.date} {s.kind.value}: {s.summary}")
    lines.append("")
    lines.append(f"Coverage: {answer.coverage_note}")
    lines.append(f"As of {answer.as_of}. {answer.disclaimer}")
    return "\n".join(lines)


def _emit(answer: Availability, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(answer.model_dump_json(indent=2) + "\n")
    else:
        out.write(format_availability(answer) + "\n")


def _emit_trials(result: TrialSearch, as_json: bool, out: TextIO) -> int:
    if as_json:
        dump = result.model_dump_json(indent=2, exclude={"studies": {"__all__": {"raw"}}})
        out.write(dump + "\n")
    else:
        out.write(format_trials(result) + "\n")
    return 0 if result.studies or result.registry_reachable else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 1 error, 2 usage)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] not in _COMMANDS and not args_list[0].startswith("-"):
        args_list = ["ask", *args_list]
    args = _parser().parse_args(args_list)
    out = sys.stdout
    try:
        if args.command == "available":
            _emit(check_availability(args.diagnosis, args.therapy, args.region), args.json, out)
        elif args.command == "ask" and is_trial_question(" ".join(args.question)):
            question = " ".join(args.question)
            diagnosis, therapy, _region = parse_question(question, default_service())
            if not diagnosis:
                raise UnknownDiagnosisError(question)
            therapy_text = None if therapy == "systemic_therapy" else therapy
            return _emit_trials(find_trials(diagnosis, therapy_text), args.json, out)
        elif args.command == "ask":
            _emit(ask(" ".join(args.question), args.region), args.json, out)
        elif args.command == "trials":
            result = find_trials(
                args.diagnosis,
                args.therapy,
                statuses=None if args.all_statuses else OPEN_STATUSES,
                near=_parse_near(args.near) if args.near else None,
                limit=args.limit,
                offline=args.offline,
            )
            return _emit_trials(result, args.json, out)
        else:
            match = resolve(args.text)
            if args.json:
                out.write((match.model_dump_json(indent=2) if match else "null") + "\n")
            elif match is None:
                near = ", ".join(m.cancer_type.name for m in search_diagnoses(args.text, 5))
                print(
                    f"error: no confident match for {args.text!r}"
                    + (f"; closest: {near}" if near else ""),
                    file=sys.stderr,
                )
                return 1
            else:
                out.write(format_match(match) + "\n")
    except (TherapyLookupError, CTGovError, LookupError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
