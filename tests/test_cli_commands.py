"""The CLI as a user's shell runs it: a subprocess, its stdout, stderr and exit status."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import therapy_lookup


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "therapy_lookup", *args],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, **(env or {})},
    )


def test_version() -> None:
    proc = _run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"therapy_lookup {therapy_lookup.__version__}"


def test_products_as_text_json_and_csv() -> None:
    text = _run("products", "--class", "CAR-T", "--region", "US")
    assert text.returncode == 0, text.stderr
    assert "Kymriah (tisagenlecleucel)" in text.stdout and "FDA" in text.stdout
    data = json.loads(_run("products", "--class", "CAR-T", "--json").stdout)
    assert {"Yescarta", "Carvykti"} <= {r["brand"] for r in data}
    assert all(r["therapy_class"] == "car_t" for r in data)
    rows = list(csv.DictReader(io.StringIO(_run("products", "--class", "TIL", "--csv").stdout)))
    assert rows and all(r["therapy_class"] == "til" for r in rows)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("products", "--class", "unobtainium"), 1),
        (("products", "--class", "CAR-T", "--region", "Mars"), 1),
        (("available", "DLBCL", "CAR-T", "--region", ""), 2),
        (("trials", "DLBCL", "--near", ""), 2),
        (("trials", "DLBCL", "--near", "1,2"), 2),
        (("trials", "DLBCL", "--limit", "0"), 2),
        (("products", "--csv", "--json"), 2),
        (("cache", "explode"), 2),
    ],
)
def test_bad_input_is_one_line_and_the_right_status(args: tuple[str, ...], status: int) -> None:
    proc = _run(*args)
    assert proc.returncode == status
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    if status == 1:
        assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1


def test_nothing_found_exits_1() -> None:
    proc = _run("resolve", "headache")
    assert proc.returncode == 1 and proc.stderr.startswith("error: no confident match")


def test_undecodable_bytes_still_give_json() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "therapy_lookup", "resolve", "--json", b"DLBCL \xff".decode(
            "utf-8", "surrogateescape")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["cancer_type"]["id"] == "DLBCLNOS"


def test_a_closed_pipe_is_no_traceback() -> None:
    # `true` has exited before the CLI writes, so every write meets a closed pipe.
    cmd = f"{sys.executable} -m therapy_lookup available DLBCL CAR-T"
    script = f"{cmd} | true; echo status=${{PIPESTATUS[0]}}"
    proc = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.stdout.strip() == "status=1"
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_a_full_disk_is_one_line() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    proc = subprocess.run(
        f"{sys.executable} -m therapy_lookup products > /dev/full",
        shell=True, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: cannot write the output")
    assert "Traceback" not in proc.stderr


def _fill_cache(folder: Path) -> None:
    import diskcache

    with diskcache.Cache(str(folder)) as store:
        for i in range(3):
            store.set(f"k{i}", f"v{i}")


def test_cache_info_and_clear_on_an_empty_and_a_full_cache(tmp_path: Path) -> None:
    env = {"THERAPY_LOOKUP_CACHE_DIR": str(tmp_path / "cache")}
    empty = _run("cache", "info", env=env)
    assert empty.returncode == 0 and "no cache yet" in empty.stdout
    assert _run("cache", "clear", env=env).returncode == 0
    _fill_cache(tmp_path / "cache")
    info = json.loads(_run("cache", "info", "--json", env=env).stdout)
    assert info[0]["entries"] == 3 and info[0]["bytes"] > 0
    cleared = _run("cache", "clear", env=env)
    assert cleared.returncode == 0 and "removed 3 entries" in cleared.stdout
    assert json.loads(_run("cache", "info", "--json", env=env).stdout)[0]["entries"] == 0


def test_verbose_logs_on_stderr_only() -> None:
    quiet = _run("available", "DLBCL", "CAR-T")
    loud = _run("-v", "available", "DLBCL", "CAR-T")
    assert quiet.stdout == loud.stdout
    assert quiet.stderr == ""


def test_cache_clear_also_removes_the_stored_resolver_index(tmp_path: Path) -> None:
    env = {"THERAPY_LOOKUP_CACHE_DIR": str(tmp_path / "cache"),
           "THERAPY_LOOKUP_INDEX_DIR": str(tmp_path / "index")}
    assert _run("available", "DLBCL", "CAR-T", env=env).returncode == 0  # stores the index
    info = json.loads(_run("cache", "info", "--json", env=env).stdout)
    index = [e for e in info if e["folder"] == str(tmp_path / "index")]
    assert index and index[0]["entries"] == 2 and index[0]["bytes"] > 0  # index and tables
    cleared = _run("cache", "clear", env=env)
    assert cleared.returncode == 0 and f"{tmp_path / 'index'}: removed 2 entries" in cleared.stdout
    assert list((tmp_path / "index").glob("*.json")) == []
