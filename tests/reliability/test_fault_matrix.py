"""The fault matrix: every registry fault of issue 14 against the fake registry, on the first
page and on a later one, with its documented outcome.

A search either completes (every study once, in order, ``complete=True``) or raises a typed
:class:`~therapy_lookup.ctgov.CTGovError`; after the first page that error is a
:class:`~therapy_lookup.ctgov.CTGovPagingError` carrying how many studies arrived. Never silent
truncation, duplicates, or a hang past the deadline; and a fault never poisons the cache (the
same search, once the fault is gone, is complete).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.ctgov.fake_server import FakeCTGov
from tests.reliability.conftest import make_client
from tests.reliability.test_client_defects import finishes_within
from therapy_lookup.ctgov import (
    CTGovBadRequest,
    CTGovDeadlineExceeded,
    CTGovDecodeError,
    CTGovError,
    CTGovOutagePage,
    CTGovPagingError,
    CTGovRateLimited,
    CTGovResponseTooLarge,
    CTGovServerError,
    CTGovUnavailable,
)

PAGE = 10
STUDIES = "/api/v2/studies"
Inject = Callable[[FakeCTGov, int], None]  # (fake, page number 1 or 2)


@dataclass(frozen=True)
class Fault:
    """A fault, how to inject it, and what the search must end in (None: complete)."""

    name: str
    inject: Inject
    outcome: type[CTGovError] | None
    page_one_only: bool = False


def _status(code: int, times: int, retry_after: str | None = None, body: str = "") -> Inject:
    return lambda fake, page: fake.fail_next(code, times, body, retry_after=retry_after,
                                             path=STUDIES)


def _hostile(kind: str, times: int) -> Inject:
    return lambda fake, page: fake.hostile_next(kind, times, path=STUDIES)


def _hook(edit: Callable[[dict[str, Any], FakeCTGov], dict[str, Any]]) -> Inject:
    def inject(fake: FakeCTGov, page: int) -> None:
        fake.page_hook = lambda body, n: edit(body, fake) if n == page else body
    return inject


def _drift(body: dict[str, Any], fake: FakeCTGov) -> dict[str, Any]:
    body["studies"][0]["protocolSection"]["conditionsModule"]["conditions"] = [None]
    return body


FAULTS = [
    Fault("429 burst with Retry-After", _status(429, 2, retry_after="0"), None),
    Fault("429 burst without Retry-After", _status(429, 2), None),
    Fault("429 persistent", _status(429, 20), CTGovRateLimited),
    *(Fault(f"{code} transient", _status(code, 2), None) for code in (500, 502, 503, 504)),
    *(Fault(f"{code} persistent", _status(code, 20), CTGovServerError)
      for code in (500, 502, 503, 504)),
    Fault("read timeout, transient", _hostile("silent", 1), None),
    Fault("read timeout, persistent", _hostile("silent", 20), CTGovUnavailable),
    Fault("dropped connection, transient", lambda f, p: f.drop_next(2, path=STUDIES), None),
    Fault("reset mid-body, transient", _hostile("reset", 1), None),
    Fault("reset mid-body, persistent", _hostile("reset", 20), CTGovUnavailable),
    Fault("trickling server", _hostile("trickle", 20), CTGovDeadlineExceeded),
    Fault("truncated JSON", lambda f, p: f.malformed_next(20, path=STUDIES), CTGovDecodeError),
    Fault("HTML page with 200, transient", _hostile("html", 1), None),
    Fault("HTML page with 200, persistent", _hostile("html", 20), CTGovOutagePage),
    Fault("endless body", _hostile("endless", 1), CTGovResponseTooLarge),
    Fault("gzip bomb", _hostile("bomb", 1), CTGovResponseTooLarge),
    Fault("stale page token", _status(400, 1, body="Invalid pageToken"), CTGovBadRequest),
    Fault("empty page with a token", _hook(lambda b, f: {**b, "studies": []}), CTGovPagingError),
    Fault("total count too low", _hook(lambda b, f: {**b, "totalCount": PAGE}), None,
          page_one_only=True),
    Fault("numeric page token", _hook(lambda b, f: {**b, "nextPageToken": 7}), CTGovDecodeError),
    Fault("duplicates across pages",
          _hook(lambda b, f: {**b, "studies": [*b["studies"], f.studies[0]]}), CTGovPagingError),
    Fault("a record without an id",
          _hook(lambda b, f: {**b, "studies": [*b["studies"], {"protocolSection": {}}]}),
          CTGovDecodeError),
    Fault("schema drift (null in a list)", _hook(_drift), CTGovDecodeError),
]


def _ids(fake: FakeCTGov) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in fake.studies]


@pytest.fixture
def fake() -> Iterator[FakeCTGov]:
    with FakeCTGov(n_studies=3 * PAGE) as server:
        yield server


@pytest.mark.parametrize("page", [1, 2])
@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault(fault: Fault, page: int, fake: FakeCTGov, tmp_path: Path) -> None:
    if fault.page_one_only and page == 2:
        pytest.skip("a total count is read from the first page only")
    if fault.name == "stale page token" and page == 1:
        pytest.skip("the first page carries no token")
    expected = _ids(fake)
    got: list[str | None] = []
    with make_client(fake.url, tmp_path / "cache", read_timeout=0.5, request_deadline=1.5,
                     max_response_bytes=8 * 2**20) as client:
        results = client.search(page_size=PAGE)

        def run() -> None:
            if page == 2:
                got.extend(next(results).nct_id for _ in range(PAGE))
            fault.inject(fake, page)
            got.extend(s.nct_id for s in results)

        if fault.outcome is None:
            finishes_within(20, run)
            assert got == expected and results.complete
        else:
            with pytest.raises(CTGovError) as info:
                finishes_within(20, run)
            error = info.value
            assert "\n" not in error.message
            assert not results.complete and len(set(got)) == len(got)
            assert [i for i in expected if i in set(got)] == got  # in order, none invented
            if isinstance(error, CTGovPagingError) and fault.outcome is not CTGovPagingError:
                assert isinstance(error.cause, fault.outcome)
            else:
                assert isinstance(error, fault.outcome)
            if got:
                assert isinstance(error, CTGovPagingError) and error.received == len(got)
            if page == 2:
                assert got[:PAGE] == expected[:PAGE]
        # The fault is gone: the same search is whole again (nothing poisoned the cache).
        fake.clear_faults()
        fake.page_hook = None
        again = client.search(page_size=PAGE)
        assert [s.nct_id for s in again] == expected and again.complete
