"""One GET with retries, bounded in time (an overall deadline) and in size (a body cap)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

import requests
import urllib3.exceptions

from .config import ClientConfig
from .errors import (
    CTGovDeadlineExceeded,
    CTGovDecodeError,
    CTGovError,
    CTGovOutagePage,
    CTGovResponseTooLarge,
    CTGovUnavailable,
    error_for_status,
)
from .ratelimit import RateLimiter
from .retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

__all__ = ["Counter", "Transport"]

_CHUNK = 1 << 16
_READ_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
    OSError,
)


def _is_html(content_type: str, body: bytes) -> bool:
    """Whether a 2xx body is an HTML page (declared so, or opening with a tag)."""
    return "html" in content_type.lower() or body[:512].lstrip().startswith(b"<")


class Counter:
    """A mutable request counter shared by the pages of one search."""

    def __init__(self) -> None:
        self.value = 0


class _Retry(Exception):
    """An attempt failed in a way worth retrying (connection or read failure)."""


class Transport:
    """HTTP GETs for the client: rate limit, retries, deadline and size cap in one place."""

    def __init__(self, config: ClientConfig, session: requests.Session,
                 limiter: RateLimiter, sleep: Callable[[float], None],
                 policy: RetryPolicy) -> None:
        self.config = config
        self.session = session
        self.limiter = limiter
        self.sleep = sleep
        self.policy = policy
        self.requests_made = 0
        self._lock = threading.Lock()

    def get(self, path: str, params: Mapping[str, str], counter: Counter,
            deadline: float | None = None) -> tuple[bytes, str]:
        """GET ``path``; return ``(body bytes, final URL)`` or raise a :class:`CTGovError`.

        ``deadline`` is an absolute :func:`time.monotonic` bound; the request's own
        ``request_deadline`` applies too (the earlier one wins).
        """
        cfg = self.config
        url = cfg.base_url + path
        end = time.monotonic() + cfg.request_deadline
        if deadline is not None:
            end = min(end, deadline)
        query = sorted(params.items())
        headers = {"User-Agent": cfg.user_agent, "Accept": "application/json"}
        attempt = 0
        while True:
            self.limiter.acquire(cfg.min_interval, self.sleep)
            left = end - time.monotonic()
            if left <= 0:
                raise CTGovDeadlineExceeded(
                    f"no answer within the deadline after {attempt} attempt(s)", url=url)
            counter.value += 1
            with self._lock:
                self.requests_made += 1
            error: CTGovError
            try:
                status, body, full_url, retry_after_header, content_type = self._attempt(
                    url, query, headers, end, left)
            except _Retry as exc:
                cause = exc.__cause__ or exc
                if time.monotonic() >= end - 0.05:  # a timeout shortened by the deadline
                    raise CTGovDeadlineExceeded(
                        f"no answer within the deadline after {attempt + 1} attempt(s): "
                        f"{cause}", url=url) from cause
                error = CTGovUnavailable(
                    f"registry unreachable after {attempt + 1} attempt(s): {cause}", url=url)
                delay = self.policy.delay(attempt)
                if delay is None or time.monotonic() + delay >= end:
                    raise error from cause
                self.sleep(delay)
                attempt += 1
                continue
            retry_after = parse_retry_after(retry_after_header)
            if 200 <= status < 300:
                if not _is_html(content_type, body):
                    return body, full_url
                # A proxy's or the registry's maintenance page with 200: an outage.
                text = body[:2000].decode("utf-8", errors="replace")
                error = CTGovOutagePage("the registry answered with an HTML page, not JSON "
                                        "(an outage or maintenance page)", status=status,
                                        url=full_url, body=text)
            else:
                text = body.decode("utf-8", errors="replace")
                error = error_for_status(status, url=full_url, body=text,
                                         retry_after=retry_after)
            if status in RETRYABLE_STATUSES or isinstance(error, CTGovOutagePage):
                delay = self.policy.delay(attempt, retry_after)
                if delay is not None and time.monotonic() + delay < end:
                    self.sleep(delay)
                    attempt += 1
                    continue
            raise error

    def _attempt(self, url: str, query: list[tuple[str, str]], headers: dict[str, str],
                 end: float, left: float) -> tuple[int, bytes, str, str | None, str]:
        cfg = self.config
        timeout = (min(cfg.connect_timeout, left), min(cfg.read_timeout, left))
        try:
            resp = self.session.get(url, params=query, headers=headers, timeout=timeout,
                                    stream=True)
        except (requests.ConnectionError, requests.Timeout,
                requests.exceptions.ChunkedEncodingError) as exc:
            raise _Retry() from exc
        except requests.RequestException as exc:
            raise CTGovUnavailable(f"request failed: {exc}", url=url) from exc
        with resp:
            full_url = resp.url or url
            status = resp.status_code
            retry_after = resp.headers.get("Retry-After")
            content_type = resp.headers.get("Content-Type", "")
            body = self._read_body(resp, full_url, status, end)
        return status, body, full_url, retry_after, content_type

    def _read_body(self, resp: requests.Response, url: str, status: int, end: float) -> bytes:
        cap = self.config.max_response_bytes
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap and not resp.headers.get(
                "Content-Encoding"):
            raise CTGovResponseTooLarge(
                f"response of {int(declared):,} bytes exceeds the cap of {cap:,} bytes",
                status=status, url=url)
        raw = resp.raw
        parts: list[bytes] = []
        total = 0
        try:
            while True:
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                total += len(chunk)
                if total > cap:
                    raise CTGovResponseTooLarge(
                        f"response exceeds the cap of {cap:,} bytes (after decompression)",
                        status=status, url=url)
                parts.append(chunk)
                if time.monotonic() > end:
                    raise CTGovDeadlineExceeded(
                        f"response body still arriving at the deadline ({total:,} bytes)",
                        status=status, url=url)
        except urllib3.exceptions.DecodeError as exc:
            raise CTGovDecodeError(f"cannot decode the response body: {exc}", status=status,
                                   url=url) from exc
        except _READ_ERRORS as exc:
            raise _Retry() from exc
        return b"".join(parts)
