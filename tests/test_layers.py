"""Data flows one way: face → answers → knowledge and resolver; the registry client stands alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "therapy_lookup"

FACE = {"__init__", "__main__", "cli"}
ANSWERS = {"availability", "questions", "trials"}
KNOWLEDGE = {"models", "_tables", "catalog", "cancer_types", "therapies", "errors", "lint"}
RESOLVER = {"resolver", "oncotree"}


def _imports(path: Path) -> set[str]:
    """Top-level modules of ``therapy_lookup`` that the file imports."""
    out: set[str] = set()
    package = path.relative_to(PACKAGE).parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                if not parts:  # "from . import x"
                    parts = [alias.name for alias in node.names]
            elif node.module and node.module.startswith("therapy_lookup"):
                parts = node.module.split(".")[1:]
            else:
                continue
            if parts:
                out.add(parts[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("therapy_lookup."):
                    out.add(alias.name.split(".")[1])
    return out


def _module(name: str) -> Path:
    return PACKAGE / f"{name}.py"


def test_every_module_has_a_layer() -> None:
    known = FACE | ANSWERS | KNOWLEDGE | RESOLVER
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert modules - known == set()


@pytest.mark.parametrize("name", sorted(KNOWLEDGE))
def test_knowledge_uses_nothing_above_it(name: str) -> None:
    assert _imports(_module(name)) <= KNOWLEDGE, "knowledge must not import answers or clients"


@pytest.mark.parametrize("name", sorted(RESOLVER))
def test_resolver_uses_knowledge_only(name: str) -> None:
    # oncotree may reuse the registry client's disk cache for its opt-in download.
    allowed = KNOWLEDGE | RESOLVER | ({"ctgov"} if name == "oncotree" else set())
    assert _imports(_module(name)) <= allowed


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_answers_do_not_use_the_face(name: str) -> None:
    assert not _imports(_module(name)) & FACE


def test_the_registry_client_knows_nothing_of_the_rest() -> None:
    for path in (PACKAGE / "ctgov").glob("*.py"):
        assert _imports(path) <= {"ctgov"}, path.name
