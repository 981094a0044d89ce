"""The example notebooks run top to bottom offline, and their committed outputs are current.

Trial searches go to the fake ClinicalTrials.gov server on 127.0.0.1. The committed outputs
(what GitHub shows) must match a fresh run, dates and timings aside: refresh them with
``python examples/refresh_outputs.py``.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest


def _need(module: str) -> Any:
    """Import a notebook tool; skip without it, except in CI, where it is a failure."""
    if os.environ.get("CI"):
        return importlib.import_module(module)  # .ci/run installs the test extra: never skip
    return pytest.importorskip(module)


nbformat = _need("nbformat")
nbclient = _need("nbclient")
_need("ipykernel")  # the python3 kernel the notebooks run in
_need("matplotlib")
_need("pandas")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))

sys.path.insert(0, str(EXAMPLES))
from refresh_outputs import SEED_BEGIN, SEED_END, execute, seed_block  # noqa: E402

_VOLATILE = [
    (re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?"), "<date>"),
    (re.compile(r"\d+(?:\.\d+)?\s?(?:s|ms|µs|us|seconds)\b"), "<time>"),
    (re.compile(r"0x[0-9a-f]+"), "<addr>"),
]


def _normalise(text: str) -> str:
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text


def _outputs(nb: Any) -> list[list[str]]:
    """Per code cell: its text outputs (normalised) and a marker per image."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        parts = []
        for out in cell.outputs:
            if out.output_type == "stream":
                parts.append(_normalise(out.text))
            elif out.output_type in ("execute_result", "display_data"):
                data = out.get("data", {})
                if "image/png" in data:
                    parts.append("<image/png>")
                elif "text/plain" in data:
                    parts.append(_normalise(data["text/plain"]))
            elif out.output_type == "error":
                parts.append(f"error: {out.ename}")
        cells.append(parts)
    return cells


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=lambda p: p.name)
def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Any]:
    path: Path = request.param
    return path, execute(path, tmp_path_factory.mktemp("cache"))


def test_there_are_the_three_notebooks() -> None:
    assert {p.name for p in NOTEBOOKS} >= {
        "quickstart.ipynb", "car_t_fact_tables.ipynb", "trials.ipynb"
    }


def _committed_text(name: str) -> str:
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    return "".join(part for cell in _outputs(nb) for part in cell)


def test_quickstart_prints_the_two_seed_answers_in_full() -> None:
    nb = nbformat.read(EXAMPLES / "quickstart.ipynb", as_version=4)
    sources = "".join(c.source for c in nb.cells if c.cell_type == "code")
    assert 'tl.ask("Is CAR-T cell therapy available for Liposarcoma"' in sources
    assert 'tl.ask("How does CAR-T cell therapy work for Lung Cancer"' in sources
    text = _committed_text("quickstart.ipynb")
    # the whole printed answer, not a field of it: headline, reading, why, sources, disclaimer
    for part in ("Read as: intent: availability; cancer: Liposarcoma",
                 "Read as: intent: explain; cancer: Lung", "How it works:", "Why:",
                 "Worth asking the care team:", "Sources: https://", "Not medical advice."):
        assert part in text, part
    assert "Traceback" not in text


@pytest.mark.slow
def test_notebook_runs_without_error(fresh: tuple[Path, Any]) -> None:
    _, nb = fresh
    assert not any("error" in part for cell in _outputs(nb) for part in cell)
    assert all(cell.outputs for cell in nb.cells if cell.cell_type == "code")


@pytest.mark.slow
def test_committed_outputs_match_a_fresh_run(fresh: tuple[Path, Any]) -> None:
    path, nb = fresh
    committed = nbformat.read(path, as_version=4)
    assert _outputs(committed) == _outputs(nb), (
        f"{path.name}: committed outputs are stale; run python examples/refresh_outputs.py"
    )


@pytest.mark.slow
def test_the_fact_table_notebook_draws_its_charts(fresh: tuple[Path, Any]) -> None:
    path, nb = fresh
    if path.name != "car_t_fact_tables.ipynb":
        pytest.skip("charts are checked in the fact-table notebook")
    flat = [part for cell in _outputs(nb) for part in cell]
    assert "<image/png>" in flat
    text = "".join(flat)
    assert "Carvykti" in text and "Kymriah" in text


def test_normalise_hides_dates_and_timings_only() -> None:
    assert _normalise("as of 2026-11-22, 0.12 s, 3 ms") == "as of <date>, <time>, <time>"
    assert _normalise("Kymriah FDA") == "Kymriah FDA"


@pytest.mark.slow
def test_the_trials_notebook_matches_with_reasons_and_draws_distances(
    fresh: tuple[Path, Any],
) -> None:
    path, nb = fresh
    if path.name != "trials.ipynb":
        pytest.skip("trial matches are checked in the trials notebook")
    flat = [part for cell in _outputs(nb) for part in cell]
    text = "".join(flat)
    assert "registry: the fake one on 127.0.0.1" in text  # never the real registry
    assert "<image/png>" in flat
    assert "synthetic study" in text and "km away" in text and "men only" in text
    assert re.search(r"\d+ of \d+ studies from ClinicalTrials.gov fit", text)


def test_the_readme_links_every_notebook_and_shows_the_committed_pictures() -> None:
    from refresh_outputs import PICTURES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"(examples/{path.name})" in readme, path.name
    for name in PICTURES.values():
        assert f"](examples/{name})" in readme, name
        assert (EXAMPLES / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_the_readme_shows_the_seed_answers_as_the_quickstart_prints_them() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = readme.index(SEED_BEGIN), readme.index(SEED_END) + len(SEED_END)
    committed = nbformat.read(EXAMPLES / "quickstart.ipynb", as_version=4)
    assert readme[start:end] == seed_block(committed), (
        "README seed answers differ from quickstart.ipynb; run python examples/refresh_outputs.py"
    )
    assert readme[start:end].count("```text") == 2
