"""Exception hierarchy of the ClinicalTrials.gov client.

Every error raised by :mod:`therapy_lookup.ctgov` derives from :class:`CTGovError`.
HTTP status codes are mapped to classes in exactly one place, :func:`error_for_status`.
"""

from __future__ import annotations

from ..errors import TherapyLookupError

__all__ = [
    "REGISTRY_UNREACHABLE",
    "CTGovBadRequest",
    "CTGovDeadlineExceeded",
    "CTGovDecodeError",
    "CTGovError",
    "CTGovHTTPError",
    "CTGovNotFound",
    "CTGovOfflineCacheMiss",
    "CTGovOutagePage",
    "CTGovPagingError",
    "CTGovRateLimited",
    "CTGovResponseTooLarge",
    "CTGovServerError",
    "CTGovUnavailable",
    "InvalidConfig",
    "InvalidNCTId",
    "InvalidQuery",
    "error_for_status",
]

_EXCERPT_CHARS = 500


def _excerpt(body: str | None) -> str:
    if not body:
        return ""
    body = body.strip()
    if len(body) > _EXCERPT_CHARS:
        return body[:_EXCERPT_CHARS] + "…"
    return body


class CTGovError(TherapyLookupError):
    """Root of all errors raised by the ClinicalTrials.gov client."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        url: str | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.url = url
        self.body = _excerpt(body)

    def __str__(self) -> str:
        parts = [self.message]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.url:
            parts.append(self.url)
        return " | ".join(parts)


class CTGovHTTPError(CTGovError):
    """The service answered with an HTTP error status."""


class CTGovBadRequest(CTGovHTTPError):
    """HTTP 400: the service rejected the request; ``body`` holds its plain-text reason."""


class CTGovNotFound(CTGovHTTPError, LookupError):
    """HTTP 404: the study (or endpoint) does not exist."""


class CTGovRateLimited(CTGovHTTPError):
    """HTTP 429: rate limited, and retries were exhausted or not allowed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = 429,
        url: str | None = None,
        body: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, url=url, body=body)
        self.retry_after = retry_after


class CTGovServerError(CTGovHTTPError):
    """HTTP 5xx after retries were exhausted."""


class CTGovUnavailable(CTGovError):
    """Registry unreachable: connection errors or timeouts after retries were exhausted."""


class CTGovDeadlineExceeded(CTGovUnavailable):
    """A request or a search ran past its overall deadline (``ClientConfig``)."""


class CTGovOfflineCacheMiss(CTGovUnavailable):
    """Offline mode was requested and the cache holds no answer for the request."""


class CTGovDecodeError(CTGovError):
    """The service answered 200 but the body is not the JSON that was expected."""


class CTGovResponseTooLarge(CTGovDecodeError):
    """A response body (after decompression) exceeded ``ClientConfig.max_response_bytes``."""


class CTGovOutagePage(CTGovUnavailable, CTGovDecodeError):
    """The service answered 2xx with an HTML page (a proxy or maintenance page), not JSON.

    An outage, not schema drift: it is retried like a 503 and counts as unreachable.
    """


class CTGovPagingError(CTGovError):
    """A search failed after some pages were received; the result is incomplete.

    ``received`` is the number of studies already yielded to the caller; the original
    error is available as ``__cause__`` (and as ``cause``).
    """

    def __init__(
        self,
        message: str,
        *,
        received: int,
        cause: BaseException | None = None,
        status: int | None = None,
        url: str | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message, status=status, url=url, body=body)
        self.received = received
        self.cause = cause


class InvalidNCTId(CTGovError, ValueError):
    """The given string is not a valid NCT identifier."""


class InvalidConfig(CTGovError, ValueError, TypeError):
    """A client setting is invalid (a value out of range, of the wrong type, or conflicting).

    A ``ValueError`` and a ``TypeError`` too, so callers catching either keep working.
    """


class InvalidQuery(CTGovError, ValueError):
    """Search arguments are invalid or conflicting (checked before any request)."""


#: Errors meaning the registry could not be reached or would not answer (connection errors,
#: deadlines, outage pages, 5xx and 429 after retries): callers serve the cache or say
#: "unreachable" instead of failing.
REGISTRY_UNREACHABLE: tuple[type[CTGovError], ...] = (CTGovUnavailable, CTGovServerError,
                                                      CTGovRateLimited)


def error_for_status(
    status: int,
    *,
    url: str | None,
    body: str | None,
    retry_after: float | None = None,
) -> CTGovHTTPError:
    """Build the error instance for a non-2xx HTTP ``status`` (the single mapping point)."""
    text = _excerpt(body)
    if status == 400:
        return CTGovBadRequest(f"bad request: {text or 'no reason given'}", status=400, url=url,
                               body=body)
    if status == 404:
        return CTGovNotFound(f"not found: {text or 'no reason given'}", status=404, url=url,
                             body=body)
    if status == 429:
        return CTGovRateLimited("rate limited by ClinicalTrials.gov", status=429, url=url,
                                body=body, retry_after=retry_after)
    if 500 <= status <= 599:
        return CTGovServerError(f"server error: {text or 'no body'}", status=status, url=url,
                                body=body)
    return CTGovHTTPError(f"unexpected HTTP status: {text or 'no body'}", status=status, url=url,
                          body=body)
