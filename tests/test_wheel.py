"""The built wheel carries the data and answers from a fresh venv outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=600,
    )
    (built,) = out.glob("therapy_lookup-*.whl")
    return built


def test_wheel_contains_the_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "therapy_lookup/data/therapy_classes.csv" in names
    assert any(n.startswith("therapy_lookup/data/approvals/") for n in names)
    assert "therapy_lookup/py.typed" in names


def test_wheel_answers_from_a_fresh_venv(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=600)
    code = (
        "import therapy_lookup as t, pathlib;"
        "a = t.check_availability('lipo sarcoma', 'CAR-T');"
        "print(a.status.value, pathlib.Path(t.__file__).parent)"
    )
    proc = subprocess.run(
        [str(python), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    status, location = proc.stdout.split()
    assert status == "not_approved"
    assert str(ROOT) not in location
