"""Re-run every example notebook and save it with its outputs, so it renders on GitHub.

Run from the repository root after changing a notebook or the tables::

    python examples/refresh_outputs.py            # every notebook
    python examples/refresh_outputs.py trials     # notebooks whose name contains "trials"

Trial searches go to the fake ClinicalTrials.gov server of the tests (127.0.0.1), never the
network, so the outputs are the same on every machine; ``tests/test_examples.py`` checks that the
committed outputs match a fresh run, dates and timings aside.
"""

from __future__ import annotations

import base64
import html
import os
import re
import sys
import tempfile
from pathlib import Path

import nbclient
import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ctgov.fake_server import FakeCTGov  # noqa: E402

PICTURES = {
    "car_t_fact_tables.ipynb": "cell_therapy_timeline.png",
    "trials.ipynb": "trial_distances.png",
}
"""The first chart of these notebooks is also saved beside them, for the README."""

SEED_BEGIN = "<!-- seed answers: written by examples/refresh_outputs.py from quickstart.ipynb -->"
SEED_END = "<!-- /seed answers -->"
"""The README shows the quickstart's seed answers as they print, between these two lines."""

FAKE_STUDIES = 40
"""Studies the fake registry holds while the notebooks run (the tests use the same number)."""


def execute(path: Path, cache_dir: Path) -> nbformat.NotebookNode:
    """Run one notebook top to bottom against the fake registry; return it with its outputs."""
    with FakeCTGov(n_studies=FAKE_STUDIES) as server:
        os.environ["THERAPY_LOOKUP_CTGOV_URL"] = server.url
        os.environ["THERAPY_LOOKUP_CACHE_DIR"] = str(cache_dir)
        nb = nbformat.read(path, as_version=4)
        nbclient.NotebookClient(
            nb, timeout=300, kernel_name="python3",
            resources={"metadata": {"path": str(cache_dir)}},
        ).execute()
    return nb


def _save_first_picture(nb: nbformat.NotebookNode, target: Path) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                target.write_bytes(base64.b64decode(png))
                print(f"saved {target.relative_to(ROOT)}")
                return


_ASKED = re.compile(r'tl\.ask\("([^"]+)"')


def seed_answers(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """(question, printed answer) of the notebook's ``print(tl.ask(...))`` cells."""
    found = []
    for cell in nb.cells:
        asked = _ASKED.search(cell.source) if cell.cell_type == "code" else None
        if asked and "print(answer)" in cell.source:
            text = "".join(o.text for o in cell.outputs if o.output_type == "stream")
            found.append((asked.group(1), text))
    return found


def seed_block(nb: nbformat.NotebookNode) -> str:
    """The README's block of seed answers (between SEED_BEGIN and SEED_END)."""
    parts = [SEED_BEGIN]
    for question, text in seed_answers(nb):
        parts += ["<details>", f"<summary><code>tl.ask({html.escape(question)!r})</code></summary>",
                  "", "```text", text.rstrip("\n"), "```", "", "</details>"]
    parts.append(SEED_END)
    return "\n".join(parts)


def _update_readme(nb: nbformat.NotebookNode) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(SEED_BEGIN), text.find(SEED_END)
    if start < 0 or end < start:
        print("README.md has no seed-answers block; left as it is")
        return
    readme.write_text(text[:start] + seed_block(nb) + text[end + len(SEED_END):],
                      encoding="utf-8")
    print("refreshed the seed answers in README.md")


def main(argv: list[str]) -> int:
    """Refresh the notebooks named (by substring) in ``argv``, or all of them."""
    for path in sorted((ROOT / "examples").glob("*.ipynb")):
        if argv and not any(a in path.name for a in argv):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            nb = execute(path, Path(tmp))
        nbformat.write(nb, path)
        print(f"refreshed {path.relative_to(ROOT)}")
        if path.name in PICTURES:
            _save_first_picture(nb, path.parent / PICTURES[path.name])
        if path.name == "quickstart.ipynb":
            _update_readme(nb)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
