"""One call run ahead in a background thread (the next page's request while this one parses)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Ahead"]

T = TypeVar("T")


class Ahead(Generic[T]):
    """Start ``call`` now in a daemon thread; :meth:`result` returns it or re-raises its error."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ctgov-page-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._call()
        except BaseException as exc:  # handed to the thread that asks for the result
            self._error = exc

    def wait(self) -> None:
        """Wait until the call has finished (its result or error is dropped unless asked)."""
        self._thread.join()

    def result(self) -> T:
        """Wait, then return the call's value or raise its exception."""
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return self._value  # type: ignore[return-value]  # set when no error was
