"""Trial search: ``therapy_lookup.trials.find_trials`` (kept here, where users import it from).

The finder lives in :mod:`therapy_lookup.answers.trials`.
"""

from __future__ import annotations

from .answers.trials import OPEN_STATUSES, TrialSearch, find_trials, intervention_query

__all__ = ["OPEN_STATUSES", "TrialSearch", "find_trials", "intervention_query"]
