"""Check and reformat every curated table in ``data/``.

``python -m therapy_lookup.lint --check`` lists every bad record at once (exit status 1 if any);
``python -m therapy_lookup.lint --format`` rewrites the tables in their canonical form.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import DataError
from .knowledge import biomarkers, cancer_types, catalog

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check (``--check``) or the rewrite (``--format``)."""
    parser = argparse.ArgumentParser(prog="python -m therapy_lookup.lint")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true", help="list every bad record")
    group.add_argument("--format", action="store_true", help="rewrite tables canonically")
    args = parser.parse_args(argv)
    if args.format:
        for path in [
            *catalog.format_tables(),
            *cancer_types.format_tables(write=True),
            *biomarkers.format_tables(write=True),
        ]:
            print(f"reformatted {path}")
        return 0
    unformatted = [
        *catalog.format_tables(write=False),
        *cancer_types.format_tables(write=False),
        *biomarkers.format_tables(write=False),
    ]
    for path in unformatted:
        print(f"not in canonical form (run with --format): {path}", file=sys.stderr)
    try:
        loaded = catalog.Catalog.load()
        names = cancer_types.load_cancer_type_names()
        vocabulary = biomarkers.load_biomarkers()
    except DataError as exc:
        print(exc, file=sys.stderr)
        return 1
    if unformatted:
        return 1
    print(
        f"ok: {len(loaded.therapy_classes)} therapy classes, {len(loaded.products)} products, "
        f"{len(loaded.approvals)} approvals, {len(loaded.safety)} safety facts, "
        f"{len(loaded.cancer_types)} cancer types with {len(names)} extra names, "
        f"{len(vocabulary.by_id)} biomarkers; "
        f"as of {loaded.as_of}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
