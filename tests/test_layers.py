"""Data flows one way: face → answers → knowledge and resolver; the registry client stands alone.

Layers are folders of the package: ``answers/``, ``knowledge/``, ``resolver/``, ``ctgov/``; the
modules at the top are the face. ``errors`` (the exception roots) and ``collector`` (the paused
garbage collector), importing nothing of the package, may be used by every layer.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "therapy_lookup"

SHARED = {"errors", "collector"}
"""Top-level modules every layer may import: they import nothing of the package."""

ALLOWED: dict[str, set[str]] = {
    "knowledge": {"knowledge"},
    "resolver": {"resolver", "knowledge"},
    "answers": {"answers", "knowledge", "resolver", "ctgov"},
    "ctgov": {"ctgov"},
    "snapshot": {"snapshot", "answers", "knowledge", "resolver", "ctgov"},
}
"""Which layers (folders) a layer's modules may import, besides :data:`SHARED`."""


def _imports(path: Path) -> set[str]:
    """First components (folder or top-level module) of the package modules the file imports."""
    out: set[str] = set()
    package = path.relative_to(PACKAGE).parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                if not parts:  # "from . import x" at the top
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


def _layer_files(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def test_every_folder_is_a_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders - {"data"} == set(ALLOWED)


def test_the_shared_modules_import_nothing_of_the_package() -> None:
    for name in SHARED:
        assert _imports(PACKAGE / f"{name}.py") == set()


@pytest.mark.parametrize(
    "path",
    [p for layer in sorted(ALLOWED) for p in _layer_files(layer)],
    ids=lambda p: str(p.relative_to(PACKAGE)),
)
def test_a_layer_imports_only_the_layers_below_it(path: Path) -> None:
    layer = path.relative_to(PACKAGE).parts[0]
    assert _imports(path) <= ALLOWED[layer] | SHARED


def test_the_import_helper_sees_relative_imports() -> None:
    # The checks above are only as good as _imports: it must see both kinds of import.
    assert "knowledge" in _imports(PACKAGE / "answers" / "availability.py")
    assert "errors" in _imports(PACKAGE / "ctgov" / "errors.py")


def test_importing_the_package_touches_no_network_code() -> None:
    code = (
        "import sys, therapy_lookup\n"
        "bad = [m for m in ('requests', 'urllib3', 'diskcache', 'rapidfuzz.process')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_an_offline_answer_loads_no_registry_client() -> None:
    code = (
        "import sys\n"
        # Only what answering loads counts (a coverage tracer may have loaded sqlite3 already).
        "before = set(sys.modules)\n"
        "from therapy_lookup.cli import main\n"
        "main(['available', 'liposarcoma', 'CAR-T'])\n"
        "bad = [m for m in ('requests', 'diskcache', 'sqlite3', 'therapy_lookup.ctgov')"
        " if m in sys.modules and m not in before]\n"
        "print(','.join(bad), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stderr.strip() == ""
