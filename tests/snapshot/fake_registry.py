"""A fake registry for snapshot tests: a data timestamp that changes, and dated updates.

It extends the client tests' fake (``tests/ctgov/fake_server.py``) with what a sync relies on:
``/version`` answers the instance's ``data_timestamp``, and ``filter.advanced`` understands
``AREA[LastUpdatePostDate]RANGE[date,MAX]`` and ``AREA[StudyType]INTERVENTIONAL``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.ctgov.fake_server import API_PREFIX, API_VERSION, FakeCTGov, make_study

_RANGE = re.compile(r"AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}),MAX\]")


class SnapshotRegistry(FakeCTGov):
    """:class:`FakeCTGov` with a mutable ``data_timestamp`` and update-date filtering."""

    def __init__(self, n_studies: int = 50, **kwargs: Any) -> None:
        super().__init__(n_studies, **kwargs)
        self.data_timestamp = "2026-09-11T09:00:04"
        # Which studies a query matches, computed once per query (not once per page): the
        # base fake filters every study for every page, 3.7 s a page at 20,000 studies.
        self._matched: dict[tuple[tuple[str, str], ...], frozenset[str]] = {}

    def handle(self, method: str, path: str, params: dict[str, str]) -> tuple[
        int, str, str, dict[str, str]
    ]:
        if method == "GET" and path == API_PREFIX + "/version":
            body = {"apiVersion": API_VERSION, "dataTimestamp": self.data_timestamp}
            return 200, "application/json", json.dumps(body), {}
        return super().handle(method, path, params)

    def _matches(self, study: dict[str, Any], params: dict[str, str]) -> bool:
        key = tuple(sorted((k, v) for k, v in params.items() if k != "pageToken"))
        with self._lock:
            matched = self._matched.get(key)
        if matched is None:
            matched = frozenset(
                s["protocolSection"]["identificationModule"]["nctId"]
                for s in self.studies if self._matches_now(s, params)
            )
            with self._lock:
                self._matched[key] = matched
        return study["protocolSection"]["identificationModule"]["nctId"] in matched

    def _matches_now(self, study: dict[str, Any], params: dict[str, str]) -> bool:
        if not super()._matches(study, params):
            return False
        adv = params.get("filter.advanced", "")
        ps = study["protocolSection"]
        if "AREA[StudyType]INTERVENTIONAL" in adv and ps["designModule"].get(
            "studyType"
        ) != "INTERVENTIONAL":
            return False
        m = _RANGE.search(adv)
        if m:
            updated = ps["statusModule"]["lastUpdatePostDateStruct"]["date"]
            if updated < m.group(1):
                return False
        return True

    def update(self, indices: list[int], *, date: str, status: str | None = None) -> None:
        """Mark studies as updated on ``date`` (and give them a new status)."""
        with self._lock:
            self._matched.clear()
            for i in indices:
                module = self.studies[i]["protocolSection"]["statusModule"]
                module["lastUpdatePostDateStruct"]["date"] = date
                if status is not None:
                    module["overallStatus"] = status
                self.studies[i]["protocolSection"]["identificationModule"]["briefTitle"] += " (v2)"


def studies(n: int) -> list[dict[str, Any]]:
    """``n`` synthetic studies."""
    return [make_study(i) for i in range(n)]
