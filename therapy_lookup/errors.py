"""Exceptions raised by therapy_lookup's answers (the ClinicalTrials.gov client has its own)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "InvalidRegionError",
    "TherapyLookupError",
    "UnknownDiagnosisError",
    "UnknownTherapyError",
]


class TherapyLookupError(Exception):
    """Root of the errors raised by therapy_lookup's answers."""


class _NotFound(TherapyLookupError, LookupError):
    """Text that could not be resolved; carries suggestions."""

    what = "value"

    def __init__(self, text: str, suggestions: Sequence[str] = ()) -> None:
        """Keep the text and the suggestions and build a one-line message."""
        self.text = text
        self.suggestions = tuple(suggestions)
        message = f"unknown {self.what} {text!r}"
        if self.suggestions:
            message += "; did you mean: " + ", ".join(self.suggestions) + "?"
        super().__init__(message)

    def __str__(self) -> str:
        """The one-line message."""
        return str(self.args[0])


class UnknownDiagnosisError(_NotFound):
    """A diagnosis that matches no known cancer type."""

    what = "diagnosis"


class UnknownTherapyError(_NotFound):
    """A therapy that matches no known product or therapy class."""

    what = "therapy"


class InvalidRegionError(TherapyLookupError, ValueError):
    """A region code that is not one of the supported ones."""
