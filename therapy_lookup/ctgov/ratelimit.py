"""Process-wide, thread-safe minimum-interval rate limiter."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

__all__ = ["RateLimiter", "limiter_for"]


class RateLimiter:
    """Spaces request starts at least ``min_interval`` seconds apart across all threads.

    Slots are reserved under a lock and slept for outside it, so concurrent callers queue
    up fairly without holding the lock while waiting.
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._next_free: float | None = None
        self._clock = clock

    def reserve(self, min_interval: float) -> float:
        """Reserve the next slot and return how long the caller must wait for it."""
        with self._lock:
            now = self._clock()
            start = now if self._next_free is None else max(now, self._next_free)
            self._next_free = start + max(0.0, min_interval)
            return start - now

    def acquire(self, min_interval: float, sleep: Callable[[float], None] = time.sleep) -> float:
        """Wait (via ``sleep``) until a request may start; return the time waited."""
        wait = self.reserve(min_interval)
        if wait > 0:
            sleep(wait)
        return wait


_registry_lock = threading.Lock()
_registry: dict[str, RateLimiter] = {}


def limiter_for(base_url: str) -> RateLimiter:
    """Return the process-wide limiter for the host of ``base_url`` (one per scheme+host)."""
    parts = urlsplit(base_url)
    key = f"{parts.scheme}://{parts.netloc}".lower()
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            limiter = _registry[key] = RateLimiter()
        return limiter
