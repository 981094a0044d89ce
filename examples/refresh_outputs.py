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
import os
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
