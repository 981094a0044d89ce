"""OncoTree import: extend the curated cancer type tree with a full OncoTree release.

OncoTree (Memorial Sloan Kettering Cancer Center, https://oncotree.mskcc.org, CC BY 4.0) is the
cancer type classification our ids follow. Our table holds a curated subset of it; this module
adds the rest at run time, from

- a JSON file or parsed JSON in either format of the OncoTree API: the tree
  (``/api/tumorTypes/tree``: ``{"TISSUE": {"code": …, "children": {…}}}``) or the flat list
  (``/api/tumorTypes``: ``[{"code": …, "parent": …}, …]``), or
- the OncoTree web API itself (:func:`fetch_oncotree`, cached on disk like other HTTP).

Our curation wins on conflicts: a code already in the tree keeps our name, parent and names;
OncoTree's tissue nodes hang under ``SOLID`` or ``HEME``; OncoTree's root (``TISSUE``) maps to our
``CANCER``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OncoTreeError
from .cancer_types import CancerTypeTree
from .models import CancerType, CancerTypeName, NameKind

__all__ = [
    "DEFAULT_MAX_AGE",
    "DEFAULT_URL",
    "HEME_TISSUES",
    "OncoTreeNode",
    "merge_oncotree",
    "parse_oncotree",
]

DEFAULT_URL = "https://oncotree.mskcc.org/api/tumorTypes/tree"
"""The OncoTree API's tree of the latest stable release."""

ROOT_CODE = "TISSUE"
HEME_TISSUES = frozenset({"LYMPH", "MYELOID"})
"""OncoTree tissues of blood cancers (placed under ``HEME``; other tissues under ``SOLID``)."""

_ID_SAFE = re.compile(r"[^A-Z0-9]+")
_NCIT = re.compile(r"^C\d+$")


DEFAULT_MAX_AGE = 7 * 86400.0
"""Seconds a cached OncoTree download is used before it is downloaded again."""


@dataclass(frozen=True)
class OncoTreeNode:
    """One OncoTree tumour type, as the API describes it."""

    code: str
    name: str
    parent: str | None
    ncit_code: str | None
    main_type: str | None


def _ncit(node: Mapping[str, Any]) -> str | None:
    refs = node.get("externalReferences") or {}
    codes = refs.get("NCI") if isinstance(refs, Mapping) else None
    if isinstance(codes, list):
        for code in codes:
            if isinstance(code, str) and _NCIT.match(code):
                return code
    return None


def _node(raw: Mapping[str, Any], parent: str | None) -> OncoTreeNode:
    code = raw.get("code")
    name = raw.get("name")
    if not isinstance(code, str) or not code.strip():
        raise OncoTreeError(f"OncoTree node without a code: {dict(raw)!r:.200}")
    if not isinstance(name, str) or not name.strip():
        raise OncoTreeError(f"OncoTree node {code} has no name")
    main = raw.get("mainType")
    return OncoTreeNode(
        code=code.strip(),
        name=name.strip(),
        parent=parent,
        ncit_code=_ncit(raw),
        main_type=main.strip() if isinstance(main, str) and main.strip() else None,
    )


def parse_oncotree(source: str | Path | Mapping[str, Any] | list[Any]) -> list[OncoTreeNode]:
    """Read OncoTree nodes from a file path, a JSON string, or parsed JSON (tree or flat list).

    The root (``TISSUE``) is not returned; the tissues' parent is ``None``.
    """
    data: Any = source
    if isinstance(source, Path) or (isinstance(source, str) and source.lstrip()[:1] not in "[{"):
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise OncoTreeError(f"cannot read OncoTree JSON from {source}: {exc}") from exc
    elif isinstance(source, str):
        try:
            data = json.loads(source)
        except ValueError as exc:
            raise OncoTreeError(f"invalid OncoTree JSON: {exc}") from exc
    if isinstance(data, list):
        return _parse_flat(data)
    if isinstance(data, Mapping):
        return _parse_tree(data)
    raise OncoTreeError(f"unexpected OncoTree JSON: {type(data).__name__}")


def _parse_tree(data: Mapping[str, Any]) -> list[OncoTreeNode]:
    root = data.get(ROOT_CODE, data if data.get("code") == ROOT_CODE else None)
    if not isinstance(root, Mapping):
        raise OncoTreeError("OncoTree tree JSON has no TISSUE root")
    out: list[OncoTreeNode] = []
    stack: list[tuple[Mapping[str, Any], str | None]] = []
    children = root.get("children") or {}
    if not isinstance(children, Mapping):
        raise OncoTreeError("OncoTree node children must be an object")
    stack.extend((c, None) for c in reversed(list(children.values())))
    while stack:
        raw, parent = stack.pop()
        if not isinstance(raw, Mapping):
            raise OncoTreeError("OncoTree node must be an object")
        node = _node(raw, parent)
        out.append(node)
        kids = raw.get("children") or {}
        if not isinstance(kids, Mapping):
            raise OncoTreeError(f"children of {node.code} must be an object")
        stack.extend((c, node.code) for c in reversed(list(kids.values())))
    return out


def _parse_flat(data: list[Any]) -> list[OncoTreeNode]:
    out: list[OncoTreeNode] = []
    for raw in data:
        if not isinstance(raw, Mapping):
            raise OncoTreeError("OncoTree list items must be objects")
        parent = raw.get("parent")
        if not isinstance(parent, str) or not parent.strip() or parent.strip() == ROOT_CODE:
            parent_code = None
        else:
            parent_code = parent.strip()
        if raw.get("code") == ROOT_CODE:
            continue
        out.append(_node(raw, parent_code))
    return out


def _type_id(code: str) -> str:
    return _ID_SAFE.sub("_", code.upper()).strip("_")


def merge_oncotree(
    tree: CancerTypeTree,
    names: Iterable[CancerTypeName],
    nodes: Iterable[OncoTreeNode],
) -> tuple[CancerTypeTree, tuple[CancerTypeName, ...]]:
    """``tree`` and ``names`` with OncoTree ``nodes`` added; our types and names win.

    A node whose code (or id made from it) is already in ``tree`` is skipped; a new node's
    parent is the type carrying its parent's code, or ``SOLID``/``HEME`` for tissues
    (``CANCER`` when the tree has neither). OncoTree names that another type already uses
    are not added (the name stays with our curated type).
    """
    nodes = list(nodes)
    types = dict(tree)
    by_code: dict[str, str] = {}
    for t in types.values():
        if t.oncotree_code:
            by_code[t.oncotree_code.upper()] = t.id
    root = "CANCER" if "CANCER" in types else None
    added: dict[str, CancerType] = {}
    new_names: list[CancerTypeName] = []
    pending = {n.code.upper(): n for n in nodes}
    for node in nodes:
        code = node.code.upper()
        if code in by_code or _type_id(code) in types:
            continue
        type_id = _type_id(code)
        if node.parent is None:
            group = "HEME" if code in HEME_TISSUES else "SOLID"
            parent: str | None = group if group in types else root
        else:
            parent_code = node.parent.upper()
            parent = by_code.get(parent_code)
            if parent is None:
                parent = _type_id(parent_code) if parent_code in pending else root
        added[type_id] = CancerType(
            id=type_id,
            name=node.name,
            parent=parent,
            also_under=_groups_for(tree, node.name, parent),
            oncotree_code=node.code,
            ncit_code=node.ncit_code,
        )
        by_code[code] = type_id
    merged = CancerTypeTree([*types.values(), *added.values()])
    existing = {(n.cancer_type, n.name.casefold()) for n in names}
    for type_id, t in added.items():
        if (type_id, t.oncotree_code.casefold() if t.oncotree_code else "") not in existing:
            new_names.append(
                CancerTypeName(cancer_type=type_id, name=t.oncotree_code or type_id,
                               kind=NameKind.ABBREVIATION)
            )
    return merged, (*names, *new_names)


def _groups_for(tree: CancerTypeTree, name: str, parent: str | None) -> tuple[str, ...]:
    """Grouping types a new OncoTree type joins by its name (a lymphoma under MBN is a B-NHL).

    Only for parents already in ``tree``; a type under a new parent inherits through it.
    """
    if parent is None or parent not in tree:
        return ()
    lineage = tree.lineage(parent)
    lowered = name.casefold()
    groups: list[str] = []
    if "lymphoma" in lowered and "lymphoblastic" not in lowered and "LYMPHOMA" not in lineage:
        for branch, group in (("MBN", "BNHL"), ("MTNN", "TNHL"), (None, "LYMPHOMA")):
            if group in tree and (branch is None or branch in lineage):
                groups.append(group)
                break
    leukaemia = "leukemia" in lowered or "leukaemia" in lowered
    if leukaemia and "LEUKEMIA" in tree and "LEUKEMIA" not in lineage:
        groups.append("LEUKEMIA")
    return tuple(groups)


