"""Retry policy (a pure unit) and the ``Retry-After`` parser."""

from __future__ import annotations

import email.utils
import math
import random
import time
from dataclasses import dataclass

__all__ = ["RETRYABLE_STATUSES", "RetryPolicy", "jitter", "parse_retry_after"]

#: HTTP statuses worth retrying (GET only): rate limiting and server errors.
RETRYABLE_STATUSES = frozenset({429, *range(500, 600)})


def jitter() -> float:
    """Return a random multiplier in ``[0.75, 1.25]`` (±25 %); tests stub this function."""
    return random.uniform(0.75, 1.25)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse a ``Retry-After`` header (delta-seconds or HTTP-date) into seconds, or ``None``."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        current = time.time() if now is None else now
        return max(0.0, when.timestamp() - current)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Capped exponential backoff with jitter; honours ``Retry-After`` up to a ceiling.

    ``attempt`` counts retries from 0: the delay before retry *n* is
    ``min(cap, base * 2**n) * jitter()``, clamped to ``cap``.
    """

    max_retries: int = 4
    base: float = 1.0
    cap: float = 30.0
    max_retry_after: float = 120.0

    def should_retry(self, attempt: int) -> bool:
        """Whether retry number ``attempt`` (0-based) is still allowed."""
        return attempt < self.max_retries

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait before retry ``attempt``; ``None`` means give up now.

        A server-sent ``retry_after`` is honoured exactly when it does not exceed
        ``max_retry_after``; a longer demand makes the client give up instead of hanging.
        """
        if not self.should_retry(attempt):
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            return retry_after
        raw = min(self.cap, self.base * (2.0**attempt))
        return max(0.0, min(self.cap, raw * jitter()))

    def schedule(self) -> list[float]:
        """Delays for every allowed retry without ``Retry-After`` (for inspection/tests)."""
        out: list[float] = []
        for attempt in range(self.max_retries):
            d = self.delay(attempt)
            assert d is not None
            out.append(d)
        return out
