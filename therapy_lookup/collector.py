"""Pausing Python's cyclic garbage collector while the package builds what it keeps.

Shared by every layer (it imports nothing of the package): importing the package (pydantic
builds every model's schema), loading the tables and the resolver's index, and the registry
client parsing a page make tens of thousands of objects; the collector would walk them
again and again meanwhile (about a sixth of an offline answer's CPU time).
:class:`paused_collector` pauses it for such a stretch and restores it afterwards, even on
error; it changes nothing when the collector was off already (nested or paused by the caller).
On the way out the objects made meanwhile go straight to the oldest generation
(``gc.freeze()`` then ``gc.unfreeze()``), so young collections right after do not walk them
again; this is skipped when anything else in the process uses ``gc.freeze`` (its frozen
objects would be thawed). Nothing escapes collection: the oldest generation is still
collected in full collections.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import ParamSpec, TypeVar

__all__ = ["paused_collector", "pausing_collector"]

P = ParamSpec("P")
R = TypeVar("R")


class paused_collector(AbstractContextManager[None]):
    """Pause the cyclic collector for a ``with`` block (restored afterwards)."""

    def __enter__(self) -> None:
        """Turn the collector off, remembering whether it was on."""
        self.was = gc.isenabled()
        self.frozen = gc.get_freeze_count()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        """Turn it on again if it was on; move what was made meanwhile to the oldest generation."""
        if not self.was:
            return
        if self.frozen == 0 and gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def pausing_collector(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function that builds lasting objects: each call runs with the collector paused."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_collector():
            return function(*args, **kwargs)

    return paused
