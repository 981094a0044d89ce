"""The command line, in-process and as `python -m therapy_lookup`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from therapy_lookup.cli import main


def test_available_prints_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["available", "liposarcoma", "CAR-T"]) == 0
    out = capsys.readouterr().out
    assert "Status: not_approved" in out
    assert "Not medical advice" in out and "As of 20" in out


def test_available_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["available", "DLBCL", "Yescarta", "--region", "US", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "approved"
    assert data["products"][0]["brand_name"] == "Yescarta"
    assert data["sources"] and data["disclaimer"]


def test_a_bare_question_is_answered(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["Is CAR-T cell therapy available for liposarcoma?", "--offline"]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("No:") and "Liposarcoma" in first
    assert "Not medical advice" in out


def test_a_question_names_its_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["Is CAR-T approved for gastric cancer in China?", "--json", "--offline"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question"]["region"] == "CN" and data["status"] == "approved"


@pytest.mark.parametrize(
    "argv",
    [
        ["available", "diabetes", "CAR-T"],
        ["available", "DLBCL", "unobtainium"],
        ["available", "DLBCL", "CAR-T", "--region", "Mars"],
        ["resolve", "headache"],
    ],
)
def test_errors_are_one_line_on_stderr(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as info:
        main(["available", "DLBCL"])
    assert info.value.code == 2


def test_resolve_prints_the_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "lipo sarcoma"]) == 0
    assert "LIPO" in capsys.readouterr().out


def test_resolve_says_when_oncotree_has_no_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "R/R LBCL after 2 lines"]) == 0
    out = capsys.readouterr().out
    assert "(LBCL; not in OncoTree; nearest broader: MBN)" in out
    assert "relapsed/refractory" in out
    assert main(["resolve", "NSCLC w/ KRAS G12C"]) == 0
    out = capsys.readouterr().out
    assert "OncoTree NSCLC" in out and "KRAS G12C" in out


def test_module_entry_point_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "therapy_lookup", "available", "lung cancer", "CAR-T"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "not_approved" in proc.stdout
