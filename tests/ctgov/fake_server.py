"""A small fake ClinicalTrials.gov API v2 server for tests, notebooks and benchmarks.

Stdlib only (``http.server`` on 127.0.0.1, port 0 by default). It serves generated
studies in the real API shape from ``/api/v2/studies``, ``/api/v2/studies/{nctId}`` and
``/api/v2/version``, with switchable faults and a request log.

From a test::

    from tests.ctgov.fake_server import FakeCTGov

    with FakeCTGov(n_studies=120) as server:
        config = ClientConfig(base_url=server.url, min_interval=0, cache_dir=tmp_path)
        server.fail_next(503, times=2)
        ...
        assert server.request_count == 3

From a subprocess (prints the base URL on the first stdout line, runs until killed)::

    python tests/ctgov/fake_server.py --port 0 --studies 50
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import copy
import gzip
import hashlib
import json
import re
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["FakeCTGov", "Fault", "RecordedRequest", "make_study"]

API_PREFIX = "/api/v2"
API_VERSION = "2.0.5"
DATA_TIMESTAMP = "2026-09-11T09:00:04"

STUDIES_PARAMS = frozenset({
    "format", "markupFormat", "query.cond", "query.term", "query.locn", "query.titles",
    "query.intr", "query.outc", "query.spons", "query.lead", "query.id", "query.patient",
    "filter.overallStatus", "filter.geo", "filter.ids", "filter.advanced", "filter.synonyms",
    "postFilter.overallStatus", "postFilter.geo", "postFilter.ids", "postFilter.advanced",
    "postFilter.synonyms", "aggFilters", "geoDecay", "fields", "sort", "countTotal",
    "pageSize", "pageToken",
})
STUDY_PARAMS = frozenset({"format", "markupFormat", "fields"})
PAGING_ONLY = frozenset({"countTotal", "pageSize", "pageToken"})
ALL_STATUSES = frozenset({
    "ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
    "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN",
})
GEO_RE = re.compile(r"^distance\(-?\d+(\.\d+)?,-?\d+(\.\d+)?,\d+(\.\d+)?(km|mi)?\)$")
NCT_RE = re.compile(r"^[Nn][Cc][Tt]0*[1-9]\d{0,7}$")
STATUSES = ["RECRUITING", "COMPLETED", "ACTIVE_NOT_RECRUITING", "NOT_YET_RECRUITING",
            "TERMINATED", "WITHDRAWN", "UNKNOWN"]
CONDITIONS = ["Multiple Myeloma", "Melanoma", "Non-Small Cell Lung Cancer", "Breast Cancer",
              "Diffuse Large B-Cell Lymphoma", "Acute Lymphoblastic Leukemia",
              "Chronic Myeloid Leukemia"]
DRUGS = [("Pembrolizumab", ["Keytruda", "MK-3475"]), ("Nivolumab", ["Opdivo"]),
         ("Dasatinib", ["Sprycel"]), ("Tisagenlecleucel", ["Kymriah", "CTL019"]),
         ("Carboplatin", []), ("Daratumumab", ["Darzalex"])]
PHASES = [["PHASE1"], ["PHASE1", "PHASE2"], ["PHASE2"], ["PHASE3"], ["NA"], ["EARLY_PHASE1"],
          ["PHASE4"]]
CITIES = [("Boston", "Massachusetts", "United States", 42.35843, -71.05977),
          ("Houston", "Texas", "United States", 29.76328, -95.36327),
          ("Paris", None, "France", 48.85341, 2.3488),
          ("Toronto", "Ontario", "Canada", 43.70643, -79.39864)]
PIECES = {
    "NCTId": ("protocolSection", "identificationModule", "nctId"),
    "BriefTitle": ("protocolSection", "identificationModule", "briefTitle"),
    "OfficialTitle": ("protocolSection", "identificationModule", "officialTitle"),
    "OverallStatus": ("protocolSection", "statusModule", "overallStatus"),
    "Condition": ("protocolSection", "conditionsModule", "conditions"),
    "Keyword": ("protocolSection", "conditionsModule", "keywords"),
    "Phase": ("protocolSection", "designModule", "phases"),
    "BriefSummary": ("protocolSection", "descriptionModule", "briefSummary"),
    "EligibilityCriteria": ("protocolSection", "eligibilityModule", "eligibilityCriteria"),
    "HasResults": ("hasResults",),
}


def make_study(i: int) -> dict[str, Any]:
    """Generate synthetic study number ``i`` (0-based) in the API's JSON shape."""
    nct = f"NCT{i + 1:08d}"
    cond = CONDITIONS[i % len(CONDITIONS)]
    drug, other = DRUGS[i % len(DRUGS)]
    status = STATUSES[(i // 2) % len(STATUSES)]
    year = 2000 + i % 26
    start = f"{year}" if i % 3 == 0 else (f"{year}-{i % 12 + 1:02d}" if i % 3 == 1
                                          else f"{year}-{i % 12 + 1:02d}-{i % 28 + 1:02d}")
    locations = []
    for k in range(1 + i % 3):
        city, state, country, lat, lon = CITIES[(i + k) % len(CITIES)]
        loc: dict[str, Any] = {"facility": f"{city} Cancer Center {k + 1}", "city": city,
                               "country": country, "zip": f"{10000 + i % 9000}",
                               "geoPoint": {"lat": lat, "lon": lon}}
        if state:
            loc["state"] = state
        if status == "RECRUITING":
            loc["status"] = "RECRUITING"
        locations.append(loc)
    elig: dict[str, Any] = {
        "eligibilityCriteria": (
            "Inclusion Criteria:\n\n* Age 18 years or older\n* Histologically confirmed "
            f"{cond.lower()}\n* ECOG performance status 0-2\n\nExclusion Criteria:\n\n"
            "* Prior treatment with the study drug\n* Active CNS metastases\n"
            "* Pregnancy or breast-feeding"
        ),
        "healthyVolunteers": False,
        "sex": ["ALL", "FEMALE", "MALE"][i % 3],
        "minimumAge": "18 Years" if i % 4 else "6 Months",
        "stdAges": ["ADULT", "OLDER_ADULT"],
    }
    if i % 2:
        elig["maximumAge"] = "75 Years"
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct,
                "orgStudyIdInfo": {"id": f"FAKE-{i}"},
                "organization": {"fullName": "Fake Oncology Group", "class": "OTHER"},
                "briefTitle": f"{drug} in {cond} (synthetic study {i})",
                "officialTitle": f"A Synthetic Trial of {drug} for Patients With {cond}",
            },
            "statusModule": {
                "statusVerifiedDate": f"{year}-01",
                "overallStatus": status,
                "startDateStruct": {"date": start, "type": "ACTUAL"},
                "completionDateStruct": {"date": f"{year + 3}-06", "type": "ESTIMATED"},
                "studyFirstSubmitDate": f"{year}-01-15",
                "lastUpdatePostDateStruct": {"date": "2026-08-01", "type": "ACTUAL"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": ["Fake Pharma", "National Fake Institute"][i % 2],
                                "class": ["INDUSTRY", "NIH"][i % 2]},
            },
            "descriptionModule": {
                "briefSummary": (f"This synthetic study evaluates {drug} in {cond}. " * 8).strip(),
            },
            "conditionsModule": {"conditions": [cond], "keywords": [drug.lower(), "cancer"]},
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": PHASES[(i // 3) % len(PHASES)],
                "enrollmentInfo": {"count": 20 + i % 300, "type": "ESTIMATED"},
            },
            "armsInterventionsModule": {
                "armGroups": [{"label": f"{drug} arm", "type": "EXPERIMENTAL",
                               "interventionNames": [f"Drug: {drug}"]}],
                "interventions": [{"type": "DRUG", "name": drug, "otherNames": other,
                                   "armGroupLabels": [f"{drug} arm"]}],
            },
            "eligibilityModule": elig,
            "contactsLocationsModule": {
                "centralContacts": [{"name": "Study Coordinator", "role": "CONTACT",
                                     "phone": "555-0100", "email": "trials@example.org"}],
                "locations": locations,
            },
        },
        "derivedSection": {
            "miscInfoModule": {"versionHolder": DATA_TIMESTAMP[:10]},
            "conditionBrowseModule": {"meshes": [{"id": f"D{i % 1000:06d}", "term": cond}]},
        },
        "hasResults": i % 5 == 0,
    }


#: Hostile answers :meth:`FakeCTGov.hostile_next` can queue (see ``_Handler._hostile``).
HOSTILE = ("trickle", "reset", "endless", "bomb", "html", "silent")
PageHook = Callable[[dict[str, Any], int], dict[str, Any]]


@dataclass
class Fault:
    """One queued fault: an HTTP error, malformed JSON, a dropped connection or a delay."""

    kind: str  # "status" | "malformed" | "drop" | "empty" | one of HOSTILE
    status: int = 500
    body: str = ""
    retry_after: str | None = None
    path: str | None = None  # only requests whose path starts with this
    delay: float = 0.0


@dataclass
class RecordedRequest:
    """One request the fake server received."""

    method: str
    path: str
    params: dict[str, str]
    status: int = 0
    bytes_sent: int = 0
    headers: dict[str, str] = field(default_factory=dict)


def _token_hash(params: dict[str, str]) -> str:
    items = sorted((k, v) for k, v in params.items() if k not in PAGING_ONLY)
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()[:12]


def _plain(text: str) -> str:
    return re.sub(r'[\\"()\[\]]', " ", text).strip().lower()


def _pick(study: dict[str, Any], path: tuple[str, ...], out: dict[str, Any]) -> bool:
    node: Any = study
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return True  # valid field, absent in this record
        node = node[key]
    target = out
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = copy.deepcopy(node)
    return True


def _module_paths(study: dict[str, Any], name: str) -> list[tuple[str, ...]]:
    want = name.lower()
    found: list[tuple[str, ...]] = []
    for section, modules in study.items():
        if section.lower() == want:
            found.append((section,))
        if isinstance(modules, dict):
            for module in modules:
                if module.lower() == want:
                    found.append((section, module))
    return found


class FakeCTGov:
    """Fake ClinicalTrials.gov v2 server; use as a context manager or ``start``/``stop``.

    Faults (queued, each consumed by one matching request): :meth:`fail_next`,
    :meth:`malformed_next`, :meth:`drop_next`, :meth:`empty_next`; :attr:`delay` slows
    every response. :attr:`requests` logs every request; :attr:`request_count` and
    :attr:`bytes_sent` summarise it. Page tokens are bound to the query: reusing one with
    different parameters gives 400 (stricter than the real service, to catch client bugs).
    """

    def __init__(self, n_studies: int = 50, *, host: str = "127.0.0.1", port: int = 0,
                 studies: list[dict[str, Any]] | None = None) -> None:
        self.studies = studies if studies is not None else [make_study(i) for i in range(n_studies)]
        self._by_id = {s["protocolSection"]["identificationModule"]["nctId"]: s
                       for s in self.studies}
        self.host = host
        self.port = port
        self.delay = 0.0
        self.empty_last_page_token = False
        #: ``hook(page, n)`` rewrites the n-th (1-based) ``/studies`` page before it is sent.
        self.page_hook: PageHook | None = None
        #: ``dataTimestamp`` served by ``/version`` (change it to simulate a data refresh).
        self.data_timestamp = DATA_TIMESTAMP
        self.requests: list[RecordedRequest] = []
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeCTGov:
        """Start serving in a daemon thread."""
        handler = type("_Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True, name="FakeCTGov")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeCTGov:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL for ``ClientConfig(base_url=...)`` / ``THERAPY_LOOKUP_CTGOV_URL``."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    # -- faults and log ----------------------------------------------------------------
    def fail_next(self, status: int, times: int = 1, body: str = "", *,
                  retry_after: str | float | None = None, path: str | None = None) -> None:
        """Answer the next ``times`` requests with ``status`` and a plain-text ``body``."""
        ra = None if retry_after is None else str(retry_after)
        with self._lock:
            self._faults.extend(Fault("status", status=status, body=body or f"fake error {status}",
                                      retry_after=ra, path=path) for _ in range(times))

    def malformed_next(self, times: int = 1, *, path: str | None = None) -> None:
        """Answer the next ``times`` requests with 200 and truncated JSON."""
        with self._lock:
            self._faults.extend(Fault("malformed", path=path) for _ in range(times))

    def drop_next(self, times: int = 1, *, path: str | None = None) -> None:
        """Close the connection without answering the next ``times`` requests."""
        with self._lock:
            self._faults.extend(Fault("drop", path=path) for _ in range(times))

    def empty_next(self, times: int = 1) -> None:
        """Answer the next ``times`` /studies requests with an empty page that has a token."""
        with self._lock:
            self._faults.extend(Fault("empty", path=API_PREFIX + "/studies")
                                for _ in range(times))

    def hostile_next(self, kind: str, times: int = 1, *, path: str | None = None) -> None:
        """Answer the next ``times`` requests in a hostile way (``kind`` in :data:`HOSTILE`).

        ``trickle``: 200 with one byte every 0.2 s; ``reset``: half a body, then the
        connection is reset; ``endless``: a chunked body that never ends; ``bomb``: a
        gzip body expanding to 256 MiB; ``html``: an HTML outage page with 200; ``silent``:
        headers, then nothing.
        """
        if kind not in HOSTILE:
            raise ValueError(f"unknown hostile kind {kind!r}")
        with self._lock:
            self._faults.extend(Fault(kind, path=path) for _ in range(times))

    def clear_faults(self) -> None:
        """Drop every queued fault."""
        with self._lock:
            self._faults.clear()

    def reset_log(self) -> None:
        """Forget logged requests."""
        with self._lock:
            self.requests.clear()

    @property
    def request_count(self) -> int:
        """Number of requests received (including failed ones)."""
        return len(self.requests)

    @property
    def bytes_sent(self) -> int:
        """Total response body bytes sent."""
        return sum(r.bytes_sent for r in self.requests)

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for idx, fault in enumerate(self._faults):
                if fault.path is None or path.startswith(fault.path):
                    return self._faults.pop(idx)
        return None

    # -- API logic ---------------------------------------------------------------------
    def _matches(self, study: dict[str, Any], params: dict[str, str]) -> bool:
        ps = study["protocolSection"]
        checks = {
            "query.cond": " ".join(ps["conditionsModule"]["conditions"]
                                   + [ps["identificationModule"]["briefTitle"]]),
            "query.intr": " ".join([i["name"] for i in ps["armsInterventionsModule"]
                                    ["interventions"]]
                                   + [n for i in ps["armsInterventionsModule"]["interventions"]
                                      for n in i.get("otherNames", [])]),
            "query.titles": ps["identificationModule"]["briefTitle"] + " "
                            + ps["identificationModule"].get("officialTitle", ""),
            "query.spons": ps["sponsorCollaboratorsModule"]["leadSponsor"]["name"],
            "query.locn": json.dumps(ps["contactsLocationsModule"].get("locations", [])),
            "query.term": json.dumps(study),
        }
        for key, haystack in checks.items():
            # '"a" OR "b"' (quoted phrases joined by OR) matches either phrase.
            options = [_plain(p) for p in re.split(r'"\s+OR\s+"', params.get(key, ""))]
            if key in params and not any(o in haystack.lower() for o in options):
                return False
        if "filter.overallStatus" in params:
            wanted = set(re.split(r"[,|]", params["filter.overallStatus"]))
            if ps["statusModule"]["overallStatus"] not in wanted:
                return False
        adv = params.get("filter.advanced", "")
        m = re.search(r"AREA\[Phase\]\(?([A-Z0-9_ ]+?(?: OR [A-Z0-9_]+)*)\)?(?:$|\s*AND|\))", adv)
        if m:
            wanted = {p.strip() for p in m.group(1).split(" OR ")}
            if not wanted & set(ps["designModule"].get("phases", [])):
                return False
        return True

    def _project(self, study: dict[str, Any], fields: str | None) -> dict[str, Any] | str:
        if not fields:
            return study
        out: dict[str, Any] = {}
        for name in (f.strip() for f in re.split(r"[,|]", fields)):
            if name in PIECES:
                _pick(study, PIECES[name], out)
            elif "." in name:
                _pick(study, tuple(name.split(".")), out)
            elif (paths := _module_paths(study, name)) or name.lower() in {
                "protocolsection", "derivedsection", "resultssection", "annotationsection",
                "documentsection", "identificationmodule", "statusmodule",
                "conditionsmodule", "designmodule", "eligibilitymodule",
                "contactslocationsmodule", "armsinterventionsmodule",
                "sponsorcollaboratorsmodule", "descriptionmodule",
            }:
                for path in paths:
                    _pick(study, path, out)
            else:
                return f"Parameter 'fields' contains invalid field name: '{name}'"
        return out

    def handle(self, method: str, path: str, params: dict[str, str]) -> tuple[int, str, str,
                                                                               dict[str, str]]:
        """Compute ``(status, content_type, body, extra_headers)`` for a request."""
        text = "text/plain; charset=UTF-8"
        js = "application/json"
        if method != "GET":
            return 405, text, "Method not allowed", {}
        if path == API_PREFIX + "/version":
            return 200, js, json.dumps({"apiVersion": API_VERSION,
                                        "dataTimestamp": self.data_timestamp}, indent=2), {}
        if path == API_PREFIX + "/studies":
            return self._studies(params)
        if path.startswith(API_PREFIX + "/studies/"):
            nct = path.rsplit("/", 1)[1]
            for key in params:
                if key not in STUDY_PARAMS:
                    return 400, text, f"`{key}` is unknown parameter", {}
            if not NCT_RE.match(nct):
                return 400, text, "Parameter `nctId` has incorrect format", {}
            study = self._by_id.get("NCT" + nct[3:].zfill(8))
            if study is None:
                return 404, text, f"NCT number {nct} not found", {}
            projected = self._project(study, params.get("fields"))
            if isinstance(projected, str):
                return 400, text, projected, {}
            return 200, js, json.dumps(projected), {}
        return 404, text, "Not found", {}

    def _studies(self, params: dict[str, str]) -> tuple[int, str, str, dict[str, str]]:
        text = "text/plain; charset=UTF-8"
        for key in params:
            if key not in STUDIES_PARAMS:
                return 400, text, f"`{key}` is unknown parameter", {}
        if "filter.geo" in params and not GEO_RE.match(params["filter.geo"]):
            return 400, text, "Invalid value in parameter `filter.geo`", {}
        statuses = params.get("filter.overallStatus")
        for value in re.split(r"[,|]", statuses) if statuses is not None else []:
            if value not in ALL_STATUSES:
                return 400, text, f"Invalid value in parameter `overallStatus`: `{value}`", {}
        try:
            size = int(params.get("pageSize", "0") or 0)
        except ValueError:
            return 400, text, "Invalid value in parameter `pageSize`", {}
        size = 10 if size <= 0 else min(size, 1000)
        qhash = _token_hash(params)
        offset = 0
        if "pageToken" in params:
            try:
                raw = base64.urlsafe_b64decode(params["pageToken"].encode() + b"==").decode()
                offset_s, token_hash = raw.split(":", 1)
                offset = int(offset_s)
            except (ValueError, UnicodeDecodeError):
                return 400, text, "Invalid page token", {}
            if token_hash != qhash:
                return 400, text, "Page token does not belong to this query", {}
        matched = [s for s in self.studies if self._matches(s, params)]
        page = matched[offset:offset + size]
        projected = []
        for study in page:
            p = self._project(study, params.get("fields"))
            if isinstance(p, str):
                return 400, text, p, {}
            projected.append(p)
        head = ""
        if params.get("countTotal", "").lower() == "true" and "pageToken" not in params:
            head = f'"totalCount":{len(matched)},'
        body = "{" + head + '"studies":[\n' + ",\n".join(
            json.dumps(p, separators=(",", ":")) for p in projected) + "\n]"
        nxt = offset + size
        token = None
        if nxt < len(matched) or (self.empty_last_page_token and page and nxt == len(matched)):
            token = base64.urlsafe_b64encode(f"{nxt}:{qhash}".encode()).decode().rstrip("=")
            body += f',"nextPageToken":"{token}"'
        hook = self.page_hook
        if hook is not None:
            data = json.loads(body + "}")
            return 200, "application/json", json.dumps(hook(data, offset // size + 1)), {}
        return 200, "application/json", body + "}", {}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeCTGov
    protocol_version = "HTTP/1.1"
    server_version = "FakeCTGov/1.0"
    # Headers and body are separate writes: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        fake = self.fake
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        record = RecordedRequest(method, parts.path, params,
                                 headers={k: v for k, v in self.headers.items()})
        with fake._lock:
            fake.requests.append(record)
        if fake.delay:
            time.sleep(fake.delay)
        fault = fake._take_fault(parts.path)
        headers: dict[str, str] = {}
        if fault is not None and fault.kind == "drop":
            record.status = -1
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)
            return
        if fault is not None and fault.kind == "status":
            status, ctype, body = fault.status, "text/plain; charset=UTF-8", fault.body
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
        elif fault is not None and fault.kind == "malformed":
            status, ctype, body = 200, "application/json", '{"studies":[{"protocolSection":'
        elif fault is not None and fault.kind in HOSTILE:
            record.status = 200
            self._hostile(fault.kind)
            return
        elif fault is not None and fault.kind == "empty":
            status, ctype, body = 200, "application/json", (
                '{"studies":[\n\n],"nextPageToken":"bm9wZTpub3Bl"}')
        else:
            status, ctype, body, headers = fake.handle(method, parts.path, params)
        data = body.encode("utf-8")
        record.status = status
        record.bytes_sent = len(data)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


    def _hostile(self, kind: str) -> None:
        """Send one of the :data:`HOSTILE` answers (the connection is closed after it)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            if kind == "html":
                data = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if kind == "bomb":
                blob = _bomb()
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(blob)))
                self.end_headers()
                self.wfile.write(blob)
            elif kind == "endless":
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                chunk = b" " * (1 << 20)
                self.wfile.write(b'c\r\n{"studies":[\r\n')
                for _ in range(300):  # 300 MiB, then the server gives up
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            elif kind == "trickle":
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(600):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif kind == "reset":
                body = json.dumps({"studies": [make_study(i) for i in range(5)]}).encode()
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.connection.close()
            elif kind == "silent":
                self.send_header("Content-Length", "100")
                self.end_headers()
                self.wfile.flush()
                time.sleep(30)


_BOMB: list[bytes] = []


def _bomb() -> bytes:
    """Gzip of 256 MiB of spaces (about 250 kB), built once in ~0.1 s.

    Sixteen gzip members of 16 MiB each: decoders (urllib3's too) read concatenated members
    as one stream, and compressing one member is sixteen times cheaper than the whole.
    """
    if not _BOMB:
        _BOMB.append(gzip.compress(b" " * (16 << 20), 9) * 16)
    return _BOMB[0]


def main(argv: list[str] | None = None) -> int:
    """Run the fake server until interrupted; print its base URL first."""
    parser = argparse.ArgumentParser(description="Fake ClinicalTrials.gov API v2 server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--studies", type=int, default=50)
    args = parser.parse_args(argv)
    server = FakeCTGov(args.studies, host=args.host, port=args.port).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
