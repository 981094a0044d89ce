"""The example notebooks run top to bottom against a fake ClinicalTrials.gov server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ctgov.fake_server import FakeCTGov

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", sorted(EXAMPLES.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_runs(
    notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeCTGov(n_studies=40) as server:
        monkeypatch.setenv("THERAPY_LOOKUP_CTGOV_URL", server.url)
        monkeypatch.setenv("THERAPY_LOOKUP_CACHE_DIR", str(tmp_path / "cache"))
        nb = nbformat.read(notebook, as_version=4)
        client = nbclient.NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
        )
        client.execute()
        assert server.request_count >= 1
    outputs = "".join(
        o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
    )
    assert "not_approved" in outputs
    assert "Not medical advice" in outputs
    assert "studies from ClinicalTrials.gov" in outputs
