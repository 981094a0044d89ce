"""The biomarker vocabulary: ``data/biomarkers.csv`` and ``data/biomarker_patterns.csv``.

One table says what each biomarker is (id, the display string the resolver reports and the
approvals require, what it implies, phrasings it is recognised from); the other says how people
write it (regular expressions, tried in ``rank`` order, each taking its match out of the text).
The resolver extracts biomarkers with the patterns; answers compare what a text states with
what an approval requires through :meth:`BiomarkerTable.closure` (``PD-L1 TPS >=50%`` implies
``PD-L1 TPS >=1%``; ``ETV6-NTRK3 fusion`` implies ``NTRK fusion``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import overload

from pydantic import BaseModel, ConfigDict, Field

from ..collector import pausing_collector
from ..errors import DataError, RecordError
from . import table_store
from . import tables as _tables

__all__ = [
    "BIOMARKERS_TABLE",
    "PATTERNS_TABLE",
    "Biomarker",
    "BiomarkerPattern",
    "BiomarkerTable",
    "format_tables",
    "load_biomarkers",
]

BIOMARKERS_TABLE = "biomarkers"
"""Name of the table of biomarkers in ``data/``."""
PATTERNS_TABLE = "biomarker_patterns"
"""Name of the table of the ways biomarkers are written, in ``data/``."""

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Biomarker(BaseModel):
    """One biomarker: what the resolver reports and approvals require."""

    model_config = _FROZEN

    id: str = Field(pattern=_SLUG, description="Canonical id (lower-case slug).")
    display: str = Field(
        min_length=1,
        description="The canonical string: in DiagnosisMatch.biomarkers and the approvals' "
        "biomarkers column.",
    )
    implies: tuple[str, ...] = Field(
        default=(), description="Ids of biomarkers a tumour with this one also has."
    )
    examples: tuple[str, ...] = Field(
        default=(), description="Phrasings the resolver must recognise it (or one implying it) in."
    )
    note: str | None = Field(default=None, description="Why, where it is not obvious.")


class BiomarkerPattern(BaseModel):
    """One way of writing one or more biomarkers: a regular expression (case-insensitive)."""

    model_config = _FROZEN

    rank: str = Field(
        pattern=r"^\d{4}$", description="Order in which patterns are tried (4 digits)."
    )
    biomarkers: tuple[str, ...] = Field(min_length=1, description="Ids of what a match names.")
    triggers: tuple[str, ...] = Field(
        min_length=1,
        description="Words (or word starts of 3+ letters) one of which the text must hold "
        "before the pattern is tried.",
    )
    pattern: str = Field(min_length=1, description="The regular expression.")


class BiomarkerTable:
    """The biomarkers and their patterns, cross-checked (raises :class:`DataError`)."""

    def __init__(
        self,
        biomarkers: Iterable[Biomarker],
        patterns: Iterable[BiomarkerPattern],
        *,
        compiled: bool = True,
    ) -> None:
        """Index the records and check every reference and pattern.

        ``compiled=False`` for patterns known to compile (rows stored after a table built
        from them compiled them all): each is then compiled when first asked for.
        """
        self.by_id: dict[str, Biomarker] = {}
        errors: list[RecordError] = []
        for b in biomarkers:
            if b.id in self.by_id:
                errors.append(_ref(BIOMARKERS_TABLE, b.id, "duplicate id"))
            self.by_id[b.id] = b
        self.patterns = tuple(sorted(patterns, key=lambda p: p.rank))
        self._by_display: dict[str, str] = {}
        for b in self.by_id.values():
            key = b.display.casefold()
            if key in self._by_display:
                errors.append(_ref(BIOMARKERS_TABLE, b.id, f"display {b.display!r} used twice"))
            self._by_display[key] = b.id
            errors += [
                _ref(BIOMARKERS_TABLE, b.id, f"implies unknown biomarker {i!r}")
                for i in b.implies
                if i not in self.by_id
            ]
        ranks: set[str] = set()
        plain: list[re.Pattern[str]] = []
        for p in self.patterns:
            if p.rank in ranks:
                errors.append(_ref(PATTERNS_TABLE, p.rank, "duplicate rank"))
            ranks.add(p.rank)
            errors += [
                _ref(PATTERNS_TABLE, p.rank, f"unknown biomarker {i!r}")
                for i in p.biomarkers
                if i not in self.by_id
            ]
            if not compiled:
                continue
            try:  # the flags change no syntax: one compile checks the pattern
                plain.append(re.compile(p.pattern))
            except re.error as exc:
                errors.append(_ref(PATTERNS_TABLE, p.rank, f"bad pattern: {exc}"))
        if errors:
            raise DataError(errors)
        self.plain: Sequence[re.Pattern[str]] = (
            tuple(plain) if compiled else _OnDemand([p.pattern for p in self.patterns])
        )
        """The patterns compiled as written (case-sensitive), in the order of ``patterns``: the
        resolver's ASCII twins (:mod:`therapy_lookup.resolver.ascii_twin`) where it vouches."""
        self._insensitive: dict[int, re.Pattern[str]] = {}
        self._closure: dict[str, frozenset[str]] = {i: self._reach(i) for i in self.by_id}

    def case_insensitive(self, i: int) -> re.Pattern[str]:
        """Pattern ``i`` compiled case-insensitive, as the resolver applies it (once, on demand)."""
        found = self._insensitive.get(i)
        if found is None:
            found = self._insensitive[i] = re.compile(self.patterns[i].pattern, re.IGNORECASE)
        return found

    def _reach(self, start: str) -> frozenset[str]:
        seen = {start}
        todo = [start]
        while todo:
            for nxt in self.by_id[todo.pop()].implies:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)

    def id_of(self, display: str) -> str | None:
        """The id of the biomarker shown as ``display`` (any case), or None."""
        return self._by_display.get(display.casefold())

    def closure(self, displays: Iterable[str]) -> frozenset[str]:
        """The display strings of the given biomarkers and of all they imply (any depth).

        Strings the table does not know are kept as they are.
        """
        out: set[str] = set()
        for d in displays:
            i = self.id_of(d)
            if i is None:
                out.add(d)
            else:
                out.update(self.by_id[j].display for j in self._closure[i])
        return frozenset(out)


class _OnDemand(Sequence[re.Pattern[str]]):
    """Patterns compiled as written, each when first asked for (then kept)."""

    def __init__(self, sources: list[str]) -> None:
        self._sources = sources
        self._done: dict[int, re.Pattern[str]] = {}

    @overload
    def __getitem__(self, i: int) -> re.Pattern[str]: ...

    @overload
    def __getitem__(self, i: slice) -> Sequence[re.Pattern[str]]: ...

    def __getitem__(self, i: int | slice) -> re.Pattern[str] | Sequence[re.Pattern[str]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        found = self._done.get(i)
        if found is None:
            found = self._done[i] = re.compile(self._sources[i])
        return found

    def __len__(self) -> int:
        return len(self._sources)


def _ref(table: str, key: str, message: str) -> RecordError:
    return RecordError(table, 0, key, message)


@lru_cache(maxsize=1)
@pausing_collector
def load_biomarkers() -> BiomarkerTable:
    """Load and check the packaged biomarker tables (once); raise :class:`DataError`.

    The rows come from the stored tables (:mod:`.table_store`) when they were validated from
    these same files by this same code, else they are validated here.
    """
    biomarkers = table_store.rows(BIOMARKERS_TABLE)
    patterns = table_store.rows(PATTERNS_TABLE)
    if biomarkers is None or patterns is None:
        return BiomarkerTable(*validated_rows())
    return BiomarkerTable(biomarkers, patterns, compiled=False)  # they compiled when stored


def validated_rows() -> tuple[list[Biomarker], list[BiomarkerPattern]]:
    """The rows of both biomarker tables, validated (:class:`BiomarkerTable` checks the rest)."""
    errors: list[RecordError] = []
    biomarkers = _tables.parse_rows(
        Biomarker, _tables.table_files(BIOMARKERS_TABLE), errors=errors
    )
    patterns = _tables.parse_rows(
        BiomarkerPattern, _tables.table_files(PATTERNS_TABLE), key="rank", errors=errors
    )
    if errors:
        raise DataError(errors)
    return biomarkers, patterns


def format_tables(*, write: bool = True) -> list[str]:
    """Rewrite the biomarker tables in canonical form; return the files that (would) change."""
    changed: list[str] = []
    for name, model, key in (
        (BIOMARKERS_TABLE, Biomarker, "id"),
        (PATTERNS_TABLE, BiomarkerPattern, "rank"),
    ):
        for file in _tables.table_files(name):
            path = Path(str(file))
            _, rows = _tables.read_csv_rows(file)
            rows.sort(key=lambda r: r.get(key, ""))
            text = _tables.dump_csv(model, rows)
            if path.read_text(encoding="utf-8") != text:
                if write:
                    path.write_text(text, encoding="utf-8")
                changed.append(str(path))
    return changed
