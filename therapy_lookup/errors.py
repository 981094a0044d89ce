"""Every exception and warning therapy_lookup raises, under one root each.

``TherapyLookupError`` is the root of every error the package raises, the ClinicalTrials.gov
client's included (:class:`therapy_lookup.ctgov.CTGovError` derives from it);
``TherapyLookupWarning`` is the root of its warnings. Catch the root to handle all of them; a
``TypeError`` or an ``AttributeError`` from therapy_lookup is a bug, not bad input.

This module imports nothing of the package, so every layer (the registry client too) may use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DataError",
    "InvalidInputError",
    "InvalidRegionError",
    "OncoTreeError",
    "RecordError",
    "StaleOncoTreeWarning",
    "TherapyLookupError",
    "TherapyLookupWarning",
    "UnknownCancerTypeError",
    "UnknownDiagnosisError",
    "UnknownTherapyError",
]


class TherapyLookupError(Exception):
    """Root of every error raised by therapy_lookup."""


class TherapyLookupWarning(UserWarning):
    """Root of every warning issued by therapy_lookup."""


class _NotFound(TherapyLookupError, LookupError):
    """Text that could not be resolved; carries suggestions."""

    what = "value"

    def __init__(self, text: str, suggestions: Sequence[str] = ()) -> None:
        """Keep the text and the suggestions and build a one-line message."""
        self.text = text
        self.suggestions = tuple(suggestions)
        shown = text if len(text) <= 80 else text[:77] + "..."
        message = f"unknown {self.what} {shown!r}"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the text and the suggestions."""
        return (type(self), (self.text, self.suggestions))

    def __str__(self) -> str:
        """The one-line message."""
        return str(self.args[0])


class UnknownDiagnosisError(_NotFound):
    """A diagnosis that matches no known cancer type."""

    what = "diagnosis"


class UnknownTherapyError(_NotFound):
    """A therapy that matches no known product or therapy class."""

    what = "therapy"


class InvalidInputError(TherapyLookupError, ValueError):
    """An argument that cannot be used: too long, empty where text is needed, conflicting."""


class InvalidRegionError(TherapyLookupError, ValueError):
    """A region code that is not one of the supported ones."""


class UnknownCancerTypeError(TherapyLookupError, KeyError):
    """A cancer type id that the tree does not hold (a ``KeyError``, so ``Mapping.get`` works)."""

    def __init__(self, type_id: str) -> None:
        """Name the unknown id."""
        super().__init__(f"unknown cancer type id {type_id!r}")
        self.type_id = type_id

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the id."""
        return (type(self), (self.type_id,))

    def __str__(self) -> str:
        """The message (not ``KeyError``'s quoted repr)."""
        return str(self.args[0])


class OncoTreeError(TherapyLookupError, ValueError):
    """The OncoTree data could not be read or fetched."""


class StaleOncoTreeWarning(TherapyLookupWarning):
    """OncoTree could not be downloaded; an older cached copy was used."""


@dataclass(frozen=True)
class RecordError:
    """One bad record in the curated tables: where it is and what is wrong with it."""

    file: str
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        """Render as ``file:line [key] message``."""
        return f"{self.file}:{self.line} [{self.key}] {self.message}"


class DataError(TherapyLookupError):
    """The curated tables hold bad records; every one of them is listed in ``errors``."""

    def __init__(self, errors: Sequence[RecordError] = ()) -> None:
        """Keep every bad record."""
        self.errors = list(errors)
        super().__init__(self.errors)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the records."""
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        """List every bad record, one a line."""
        lines = "\n".join(f"  {e}" for e in self.errors)
        return f"{len(self.errors)} bad record(s) in therapy_lookup's data:\n{lines}"
