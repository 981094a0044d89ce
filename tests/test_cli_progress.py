"""The CLI progress bar: on stderr for multi-page downloads on a terminal, never when piped."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from tests.ctgov.fake_server import FakeCTGov
from therapy_lookup.ctgov import ClientConfig
from therapy_lookup.progress import ProgressClient, progress_client, wants_progress

pytest.importorskip("tqdm")

ROOT = Path(__file__).resolve().parents[1]


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _client(url: str, cache: Path, stream: io.StringIO) -> ProgressClient:
    return ProgressClient(ClientConfig(base_url=url, min_interval=0, cache_dir=cache),
                          stream=stream)


def test_a_search_of_several_pages_draws_a_bar_and_keeps_its_provenance(tmp_path: Path) -> None:
    screen = _Terminal()
    with FakeCTGov(n_studies=30) as server, _client(server.url, tmp_path, screen) as client:
        results = client.search(page_size=10)
        studies = list(results)
    assert len(studies) == 30
    assert "ClinicalTrials.gov:" in screen.getvalue() and "/30 [" in screen.getvalue()
    # what find_trials reads after iterating is the inner search's
    assert results.total_count == 30 and results.complete and results.pages == 3
    assert results.requests_made >= 3 and results.shortfall == 0 and not results.from_cache


def test_a_single_page_draws_nothing(tmp_path: Path) -> None:
    screen = _Terminal()
    with FakeCTGov(n_studies=30) as server, _client(server.url, tmp_path, screen) as client:
        assert len(client.search(page_size=100).to_list()) == 30
    assert screen.getvalue() == ""


def test_no_client_of_its_own_when_the_stream_is_not_a_terminal() -> None:
    assert not wants_progress(io.StringIO())
    assert progress_client(io.StringIO()) is None


_DRIVER = (
    "import sys, therapy_lookup.answers.trials as t; t._PAGE_SIZE = 10; "
    "from therapy_lookup.cli import main; raise SystemExit(main(sys.argv[1:]))"
)
"""The CLI with pages of 10 studies, so a small fake registry gives a multi-page download."""


def _run(
    server: FakeCTGov, cache: Path, command: tuple[str, ...], *, stderr_terminal: bool
) -> tuple[int, str, str]:
    env = {**os.environ, "THERAPY_LOOKUP_CTGOV_URL": server.url,
           "THERAPY_LOOKUP_CACHE_DIR": str(cache)}
    args = [sys.executable, "-c", _DRIVER, *command, "--json"]
    if not stderr_terminal:
        proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT,
                              timeout=120, check=False)
        return proc.returncode, proc.stdout, proc.stderr
    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 24x100
    answer = cache.parent / f"{cache.name}.json"  # a file: a full pipe would block the child
    with answer.open("w") as stdout, subprocess.Popen(
        args, stdout=stdout, stderr=child_fd, env=env, cwd=ROOT
    ) as child:
        os.close(child_fd)
        seen = b""
        while True:
            ready, _, _ = select.select([main_fd], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        code = child.wait(timeout=60)
    os.close(main_fd)
    return code, answer.read_text(encoding="utf-8"), seen.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("command", "total"),
    [(("trials", "melanoma", "--all-statuses"), "/29 ["),  # 29 melanoma studies of 200
     (("ask", "Which melanoma trials are recruiting?"), "/15 [")],  # open ones
    ids=["trials", "ask"],
)
def test_the_cli_draws_a_bar_on_a_terminal_and_none_when_piped(
    tmp_path: Path, command: tuple[str, ...], total: str
) -> None:
    with FakeCTGov(n_studies=200) as server:
        code, out, screen = _run(server, tmp_path / "tty", command, stderr_terminal=True)
        assert code == 0 and out.startswith("{"), screen
        assert "ClinicalTrials.gov:" in screen and total in screen, screen
        code, out, err = _run(server, tmp_path / "pipe", command, stderr_terminal=False)
    assert code == 0 and out.startswith("{")
    assert err == ""  # piped: no bar, no carriage returns, nothing
