"""How an approval's cancer types relate to an asked type: covers it, a kind of it, or not."""

from __future__ import annotations

from ..knowledge.cancer_types import CancerTypeTree
from ..knowledge.models import Approval
from .availability_models import Coverage

__all__ = ["LabelCoverage"]

# Per approval: the types it names, the types at or above them, the types it excludes.
_Span = tuple[frozenset[str], frozenset[str], frozenset[str]]


class LabelCoverage:
    """Coverage of cancer types by approval rows over one tree (answers cached per type)."""

    def __init__(self, tree: CancerTypeTree) -> None:
        """Answer over ``tree``, which must not change while this object is used."""
        self.tree = tree
        self._lineages: dict[str, frozenset[str]] = {}
        self._spans: dict[str, _Span] = {}
        self._kinds: dict[str, frozenset[str]] = {}

    def _lineage(self, type_id: str) -> frozenset[str]:
        lineage = self._lineages.get(type_id)
        if lineage is None:
            lineage = self._lineages[type_id] = frozenset(self.tree.lineage(type_id))
        return lineage

    def is_a(self, type_id: str, other_id: str) -> bool:
        """Cached ``tree.is_a``: whether ``type_id`` is ``other_id`` or below it."""
        return other_id in self._lineage(type_id)

    def _span(self, approval: Approval) -> _Span:
        span = self._spans.get(approval.id)
        if span is None:
            above = frozenset(x for t in approval.cancer_types for x in self.tree.lineage(t))
            span = (frozenset(approval.cancer_types), above, frozenset(approval.excluded_types))
            self._spans[approval.id] = span
        return span

    def coverage(self, approval: Approval, type_id: str) -> Coverage | None:
        """How ``approval`` relates to cancer type ``type_id``, or None if it does not."""
        named, above, excluded = self._span(approval)
        lineage = self._lineage(type_id)
        if excluded and not excluded.isdisjoint(lineage):
            return None
        if not named.isdisjoint(lineage):
            return Coverage.COVERS
        if type_id in above:
            # Naming every kind of the type names the type ("CLL or SLL" is CLL/SLL).
            kinds = self.kinds_of(type_id)
            return Coverage.COVERS if kinds and kinds <= named else Coverage.SUBTYPE
        return None

    def kinds_of(self, type_id: str) -> frozenset[str]:
        """The kinds that together make up ``type_id``, or nothing (cached).

        Only a split the tables made (two or more children, none an OncoTree node: CLL and SLL
        of CLL/SLL) is known to be whole; OncoTree's children, or one curated child (mCRPC of
        prostate adenocarcinoma), leave the rest of the type unnamed.
        """
        kinds = self._kinds.get(type_id)
        if kinds is None:
            children = self.tree.children(type_id)
            whole = len(children) >= 2 and not any(c.oncotree_code for c in children)
            kinds = self._kinds[type_id] = frozenset(c.id for c in children if whole)
        return kinds

    def kinds_named(self, approval: Approval, type_id: str) -> list[str]:
        """The types below ``type_id`` that ``approval`` names; all kinds of one type as it."""
        named = [t for t in approval.cancer_types if self.is_a(t, type_id)]
        out: list[str] = []
        for t in named:
            parent = self.tree[t].parent
            whole = (
                parent is not None and parent != type_id and self.is_a(parent, type_id)
                and bool(self.kinds_of(parent)) and self.kinds_of(parent) <= set(named)
            )
            out.append(parent if whole and parent is not None else t)
        return list(dict.fromkeys(out))
