"""The cancer type hierarchy: a tree with OncoTree codes, grouping types, and its helpers."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from ..collector import pausing_collector
from ..errors import DataError, RecordError, UnknownCancerTypeError
from . import table_store
from . import tables as _tables
from .models import CancerType, CancerTypeName

__all__ = [
    "CancerTypeTree",
    "check_cancer_types",
    "format_tables",
    "load_cancer_type_names",
    "load_cancer_types",
]

TYPES_TABLE = "cancer_types"
NAMES_TABLE = "cancer_type_names"


class CancerTypeTree(Mapping[str, CancerType]):
    """Cancer types by id, with parent/child navigation.

    A mapping from id to :class:`~therapy_lookup.models.CancerType`. Each type has one
    *parent* (its place in the tree, which follows OncoTree where OncoTree has the type) and may
    also belong to *grouping types* (``also_under``): 'Follicular Lymphoma' sits under 'Mature
    B-Cell Neoplasms' like in OncoTree, and is also a 'B-Cell Non-Hodgkin Lymphoma', which
    plasma cell myeloma is not. :meth:`ancestors`, :meth:`lineage`, :meth:`descendants`,
    :meth:`is_a` and :meth:`common_ancestor` follow both kinds of link; :meth:`parent`,
    :meth:`main_type` and :meth:`nearest_oncotree_code` follow the parent links only.
    Built once from the table.
    """

    def __init__(self, types: Iterable[CancerType]) -> None:
        """Index ``types``; parents must be in the same collection (checked by the data tests)."""
        self._by_id: dict[str, CancerType] = {}
        for t in types:
            self._by_id[t.id] = t
        self._up: dict[str, tuple[str, ...]] = {}
        self._children: dict[str, list[str]] = {}
        for t in self._by_id.values():
            up = [p for p in (t.parent, *t.also_under) if p is not None and p in self._by_id]
            self._up[t.id] = tuple(dict.fromkeys(up))
            for p in self._up[t.id]:
                self._children.setdefault(p, []).append(t.id)
        for kids in self._children.values():
            kids.sort()
        self._rank: dict[str, int] = {}
        for type_id in self._by_id:
            self._rank_of(type_id)
        self._lineages: dict[str, tuple[str, ...]] = {}
        self._by_oncotree: dict[str, str] = {}
        for t in self._by_id.values():
            if t.oncotree_code:
                self._by_oncotree.setdefault(t.oncotree_code.upper(), t.id)

    def _rank_of(self, type_id: str) -> int:
        """Length of the longest upward path to a root (roots are 0); cycles are cut."""
        rank = self._rank.get(type_id)
        if rank is not None:
            return rank
        self._rank[type_id] = 0  # provisional: cuts cycles (which the data tests reject)
        rank = max((self._rank_of(p) + 1 for p in self._up[type_id]), default=0)
        self._rank[type_id] = rank
        return rank

    def __getitem__(self, type_id: str) -> CancerType:
        """Return the type with this id; raise :class:`UnknownCancerTypeError` if unknown."""
        try:
            return self._by_id[type_id]
        except KeyError:
            raise UnknownCancerTypeError(type_id) from None

    def __contains__(self, type_id: object) -> bool:
        """Whether the tree holds this id."""
        return type_id in self._by_id

    def __iter__(self) -> Iterator[str]:
        """Iterate over ids."""
        return iter(self._by_id)

    def __len__(self) -> int:
        """Count the types."""
        return len(self._by_id)

    def by_oncotree_code(self, code: str) -> CancerType | None:
        """Return the type carrying this OncoTree code, or ``None``."""
        type_id = self._by_oncotree.get(code.strip().upper())
        return self._by_id[type_id] if type_id is not None else None

    def parent(self, type_id: str) -> CancerType | None:
        """Return the parent type, or ``None`` at a root."""
        parent = self[type_id].parent
        return self._by_id.get(parent) if parent is not None else None

    def children(self, type_id: str) -> list[CancerType]:
        """Return the direct children and group members, sorted by id."""
        self[type_id]
        return [self._by_id[c] for c in self._children.get(type_id, ())]

    def ancestors(self, type_id: str) -> list[CancerType]:
        """Return every type above this one, most specific first (the type itself excluded).

        Parents and grouping types both count; the root comes last.
        """
        return [self._by_id[a] for a in self._line(type_id)[1:]]

    def lineage(self, type_id: str) -> list[str]:
        """Return the id itself followed by its ancestors' ids, most specific first."""
        return list(self._line(type_id))

    def _line(self, type_id: str) -> tuple[str, ...]:
        """:meth:`lineage` as a cached tuple."""
        cached = self._lineages.get(type_id)
        if cached is None:
            self[type_id]
            seen = {type_id}
            stack = list(self._up.get(type_id, ()))
            while stack:
                current = stack.pop()
                if current not in seen:
                    seen.add(current)
                    stack.extend(self._up.get(current, ()))
            seen.discard(type_id)
            order = sorted(seen, key=lambda a: (-self._rank[a], a))
            cached = self._lineages[type_id] = (type_id, *order)
        return cached

    def descendants(self, type_id: str) -> list[CancerType]:
        """Return all types below this one (children and group members), depth first."""
        self[type_id]
        out: list[CancerType] = []
        seen = {type_id}
        stack = list(reversed(self._children.get(type_id, ())))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            out.append(self._by_id[current])
            stack.extend(reversed(self._children.get(current, ())))
        return out

    def is_a(self, type_id: str, other_id: str) -> bool:
        """Tell whether ``type_id`` is ``other_id`` or one of its descendants."""
        self[other_id]
        return other_id in self._line(type_id)

    def related(self, type_id: str, other_id: str) -> bool:
        """Tell whether either type is the other or a descendant of it."""
        return self.is_a(type_id, other_id) or self.is_a(other_id, type_id)

    def _parent_chain(self, type_id: str) -> list[str]:
        """The id and its parents up to the root, following parent links only."""
        out = [type_id]
        seen = {type_id}
        current = self[type_id].parent
        while current is not None and current in self._by_id and current not in seen:
            seen.add(current)
            out.append(current)
            current = self._by_id[current].parent
        return out

    def main_type(self, type_id: str) -> CancerType:
        """Return the broadest type below the top-level groups.

        E.g. 'Dedifferentiated Liposarcoma' → 'Soft Tissue'.

        Top-level groups are the roots and their direct children (e.g. 'Cancer' → 'Solid tumor').
        """
        line = self._parent_chain(type_id)
        if len(line) <= 2:
            return self[type_id]
        return self[line[-3]]

    def common_ancestor(self, *type_ids: str) -> CancerType | None:
        """Return the deepest type that every given type is or descends from (``None`` if none).

        E.g. ``common_ancestor("DDLS", "WDLS")`` is Liposarcoma.
        """
        if not type_ids:
            return None
        lines = [self.lineage(t) for t in type_ids]
        shared = set(lines[0]).intersection(*lines[1:])
        for current in lines[0]:
            if current in shared:
                return self._by_id[current]
        return None

    def nearest_oncotree_code(self, type_id: str) -> str | None:
        """Return the type's OncoTree code, or the nearest parent's (parent links), or ``None``."""
        for current in self._parent_chain(type_id):
            code = self._by_id[current].oncotree_code
            if code:
                return code
        return None


# ------------------------------------------------------------------------------------------
# Loading and checking the curated tables


def check_cancer_types(types: Sequence[CancerType], file: str = "") -> list[RecordError]:
    """List every structural problem of ``types``.

    Duplicate ids or OncoTree codes, unknown parents, cycles (line numbers assume one type a
    row, in order, after a header).
    """
    errors: list[RecordError] = []
    by_id: dict[str, CancerType] = {}
    line = {}
    codes: dict[str, str] = {}
    for lineno, t in enumerate(types, start=2):
        if t.id in by_id:
            errors.append(RecordError(file, lineno, t.id, "duplicate id"))
            continue
        by_id[t.id] = t
        line[t.id] = lineno
        if t.oncotree_code:
            code = t.oncotree_code.upper()
            if code in codes:
                errors.append(
                    RecordError(
                        file, lineno, t.id, f"OncoTree code {code} also on {codes[code]}"
                    )
                )
            else:
                codes[code] = t.id
    for t in by_id.values():
        if t.parent is not None and t.parent not in by_id:
            errors.append(
                RecordError(file, line[t.id], t.id, f"unknown parent {t.parent!r}")
            )
        for group in t.also_under:
            if group not in by_id:
                errors.append(
                    RecordError(file, line[t.id], t.id, f"unknown group {group!r}")
                )
            elif group == t.parent or group == t.id:
                errors.append(
                    RecordError(file, line[t.id], t.id, f"{group!r} listed twice")
                )
    for t in by_id.values():
        seen = {t.id}
        current = t.parent
        while current is not None and current in by_id:
            if current in seen:
                errors.append(
                    RecordError(file, line[t.id], t.id, "parent links form a cycle")
                )
                break
            seen.add(current)
            current = by_id[current].parent
    errors.extend(_group_cycles(by_id, line, file))
    return errors


def _group_cycles(
    by_id: Mapping[str, CancerType], line: Mapping[str, int], file: str
) -> list[RecordError]:
    """Report types that are their own ancestor through parent and group links together."""
    errors: list[RecordError] = []
    for t in by_id.values():
        if not t.also_under:
            continue
        stack = [p for p in (t.parent, *t.also_under) if p is not None]
        seen: set[str] = set()
        while stack:
            current = stack.pop()
            if current == t.id:
                errors.append(
                    RecordError(file, line[t.id], t.id, "group links form a cycle")
                )
                break
            if current in seen or current not in by_id:
                continue
            seen.add(current)
            node = by_id[current]
            stack.extend(p for p in (node.parent, *node.also_under) if p is not None)
    return errors


@functools.lru_cache(maxsize=1)
@pausing_collector
def load_cancer_types() -> CancerTypeTree:
    """Load the curated cancer type tree (once); raise :class:`~.DataError` if bad.

    The rows come from the stored tables (:mod:`.table_store`) when they were validated from
    these same files by this same code, else they are validated here.
    """
    types = table_store.rows(TYPES_TABLE)
    return CancerTypeTree(types if types is not None else validated_types())


def validated_types() -> list[CancerType]:
    """The rows of the cancer type table, validated and checked; raise :class:`~.DataError`."""
    errors: list[RecordError] = []
    files = _tables.table_files(TYPES_TABLE)
    types = _tables.parse_rows(CancerType, files, key="id", errors=errors)
    errors.extend(check_cancer_types(types, files[0].name))
    if errors:
        raise DataError(errors)
    return types


@functools.lru_cache(maxsize=1)
@pausing_collector
def load_cancer_type_names() -> tuple[CancerTypeName, ...]:
    """Load the curated names of cancer types (once); raise :class:`~.DataError`.

    Every name must point at a known type.
    """
    names = table_store.rows(NAMES_TABLE)
    return tuple(names if names is not None else validated_names(load_cancer_types()))


def validated_names(tree: CancerTypeTree) -> list[CancerTypeName]:
    """The rows of the names table, validated, each naming a type of ``tree``."""
    errors: list[RecordError] = []
    files = _tables.table_files(NAMES_TABLE)
    names = _tables.parse_rows(CancerTypeName, files, key="cancer_type", errors=errors)
    for lineno, n in enumerate(names, start=2):
        if n.cancer_type not in tree:
            errors.append(
                RecordError(
                    files[0].name, lineno, n.cancer_type, f"unknown cancer type for {n.name!r}"
                )
            )
    if errors:
        raise DataError(errors)
    return names


def _sorted_rows(name: str) -> tuple[str, str, str]:
    """Return the current text, the canonical text and the file path of table ``name``."""
    (file,) = _tables.table_files(name)
    text = file.read_text(encoding="utf-8")
    _header, rows = _tables.read_csv_rows(file)
    if name == TYPES_TABLE:
        model: type[CancerType] | type[CancerTypeName] = CancerType
        rows.sort(key=lambda r: (r.get("id") or "").strip())
    else:
        model = CancerTypeName
        rows.sort(
            key=lambda r: (
                (r.get("cancer_type") or "").strip(),
                (r.get("name") or "").strip().casefold(),
                (r.get("name") or "").strip(),
            )
        )
    return text, _tables.dump_csv(model, rows), str(file)


def format_tables(*, write: bool = True) -> list[str]:
    """Rewrite the cancer type tables in canonical form; return the files that changed."""
    changed = []
    for name in (TYPES_TABLE, NAMES_TABLE):
        text, canonical, path = _sorted_rows(name)
        if text != canonical:
            changed.append(path)
            if write:
                Path(path).write_text(canonical, encoding="utf-8")
    return changed
