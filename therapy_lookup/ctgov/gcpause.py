"""The cyclic collector paused while one page is decoded and validated."""

from __future__ import annotations

import gc
from contextlib import AbstractContextManager

__all__ = ["gc_paused"]


class gc_paused(AbstractContextManager[None]):
    """Pause the cyclic collector while one page is parsed (restored afterwards, even on error).

    On the way out the objects made meanwhile (the page: acyclic JSON and models) go straight
    to the oldest generation, so the collector does not walk them again in young
    collections right after (~20 ms a page of 1,000): ``gc.freeze()`` then
    ``gc.unfreeze()``, done only when nothing else in the process uses ``gc.freeze`` (its
    frozen objects would be thawed). Nothing escapes collection: the oldest generation is
    still collected in full collections.
    """

    def __enter__(self) -> None:
        self.was = gc.isenabled()
        self.frozen = gc.get_freeze_count()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if not self.was:
            return
        if self.frozen == 0 and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()
