"""The cancer type hierarchy: a single-parent tree with OncoTree codes, and its helpers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from .models import CancerType

__all__ = ["CancerTypeTree", "UnknownCancerTypeError"]


class UnknownCancerTypeError(LookupError):
    """A cancer type id that the tree does not hold."""

    def __init__(self, type_id: str) -> None:
        """Name the unknown id."""
        super().__init__(f"unknown cancer type id {type_id!r}")
        self.type_id = type_id


class CancerTypeTree(Mapping[str, CancerType]):
    """Cancer types by id, with parent/child navigation.

    A mapping from id to :class:`~therapy_lookup.models.CancerType`. Built once from the
    table; every method is a dictionary look-up or a walk along parent links.
    """

    def __init__(self, types: Iterable[CancerType]) -> None:
        """Index ``types``; parents must be in the same collection (checked by the data tests)."""
        self._by_id: dict[str, CancerType] = {}
        for t in types:
            self._by_id[t.id] = t
        self._children: dict[str, list[str]] = {}
        for t in self._by_id.values():
            if t.parent is not None:
                self._children.setdefault(t.parent, []).append(t.id)
        for kids in self._children.values():
            kids.sort()
        self._by_oncotree: dict[str, str] = {}
        for t in self._by_id.values():
            if t.oncotree_code:
                self._by_oncotree.setdefault(t.oncotree_code.upper(), t.id)

    def __getitem__(self, type_id: str) -> CancerType:
        """The type with this id; raises :class:`UnknownCancerTypeError`."""
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
        """Number of types."""
        return len(self._by_id)

    def by_oncotree_code(self, code: str) -> CancerType | None:
        """The type carrying this OncoTree code, or ``None``."""
        type_id = self._by_oncotree.get(code.strip().upper())
        return self._by_id[type_id] if type_id is not None else None

    def parent(self, type_id: str) -> CancerType | None:
        """The parent type, or ``None`` at a root."""
        parent = self[type_id].parent
        return self._by_id.get(parent) if parent is not None else None

    def children(self, type_id: str) -> list[CancerType]:
        """Direct children, sorted by id."""
        self[type_id]
        return [self._by_id[c] for c in self._children.get(type_id, ())]

    def ancestors(self, type_id: str) -> list[CancerType]:
        """Ancestors from the parent up to the root (the type itself excluded)."""
        out: list[CancerType] = []
        seen = {type_id}
        current = self[type_id].parent
        while current is not None and current in self._by_id and current not in seen:
            seen.add(current)
            node = self._by_id[current]
            out.append(node)
            current = node.parent
        return out

    def lineage(self, type_id: str) -> list[str]:
        """The id itself followed by its ancestors' ids."""
        return [type_id, *(a.id for a in self.ancestors(type_id))]

    def descendants(self, type_id: str) -> list[CancerType]:
        """All types below this one, depth first, children sorted by id."""
        self[type_id]
        out: list[CancerType] = []
        stack = list(reversed(self._children.get(type_id, ())))
        while stack:
            current = stack.pop()
            out.append(self._by_id[current])
            stack.extend(reversed(self._children.get(current, ())))
        return out

    def is_a(self, type_id: str, other_id: str) -> bool:
        """Whether ``type_id`` is ``other_id`` or one of its descendants."""
        self[other_id]
        return other_id in self.lineage(type_id)

    def related(self, type_id: str, other_id: str) -> bool:
        """Whether either type is the other or a descendant of it."""
        return self.is_a(type_id, other_id) or self.is_a(other_id, type_id)

    def main_type(self, type_id: str) -> CancerType:
        """The broadest type below the top-level groups (e.g. 'Liposarcoma' → 'Soft tissue sarcoma').

        Top-level groups are the roots and their direct children (e.g. 'Cancer' → 'Solid tumor').
        """
        line = self.lineage(type_id)
        if len(line) <= 2:
            return self[type_id]
        return self[line[-3]]

    def nearest_oncotree_code(self, type_id: str) -> str | None:
        """The type's OncoTree code, or the nearest ancestor's, or ``None``."""
        for current in self.lineage(type_id):
            code = self._by_id[current].oncotree_code
            if code:
                return code
        return None
