"""A progress bar on stderr while a registry search downloads more than one page (the CLI's).

Only when the stream is a terminal and ``tqdm`` is installed (the ``snapshot`` extra); piped
output gets no bar at all, so scripts and logs stay clean. The bar counts studies against the
registry's announced total and appears only when that total is more than one page.
"""

from __future__ import annotations

from typing import Any, TextIO

from .ctgov import ClinicalTrialsClient, Study
from .ctgov.results import SearchResults

__all__ = ["ProgressClient", "progress_client", "wants_progress"]


def wants_progress(stream: TextIO) -> bool:
    """Whether a bar should be drawn on ``stream``: a terminal, with tqdm importable."""
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    try:
        import tqdm  # noqa: F401
    except ImportError:  # pragma: no cover - tqdm is optional
        return False
    return True


def progress_client(stream: TextIO) -> ProgressClient | None:
    """A client drawing bars on ``stream`` when it is a terminal, else None (the default)."""
    return ProgressClient(stream=stream) if wants_progress(stream) else None


class ProgressClient(ClinicalTrialsClient):
    """A registry client whose searches draw a progress bar on ``stream`` as studies arrive."""

    def __init__(self, *args: Any, stream: TextIO, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream

    def search(self, **kwargs: Any) -> SearchResults:
        """:meth:`ClinicalTrialsClient.search`, counted on a bar when it spans pages."""
        page_size = int(kwargs.get("page_size") or 1000)
        return _Counted(super().search(**kwargs), self.stream, page_size)


class _Counted(SearchResults):
    """The same results, with a bar updated per study; every attribute is the inner one's."""

    def __init__(self, inner: SearchResults, stream: TextIO, page_size: int) -> None:
        # no super().__init__: provenance (total_count, from_cache, …) is read from ``inner``
        self._inner = inner
        self._stream = stream
        self._page_size = page_size
        self._bar: Any = None
        self._started = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_inner"], name)

    @property
    def requests_made(self) -> int:
        """HTTP requests of the inner search."""
        return self._inner.requests_made

    @property
    def shortfall(self) -> int | None:
        """The inner search's shortfall."""
        return self._inner.shortfall

    def __iter__(self) -> SearchResults:
        return self

    def __next__(self) -> Study:
        try:
            study = next(self._inner)
        except BaseException:
            self._close()
            raise
        if not self._started:
            self._started = True
            total = self._inner.total_count
            if total is not None and total > self._page_size:
                from tqdm import tqdm

                self._bar = tqdm(total=total, unit="study", desc="ClinicalTrials.gov",
                                 file=self._stream, leave=False)
        if self._bar is not None:
            self._bar.update(1)
        return study

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
