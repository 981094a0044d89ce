"""Plain-language questions: read them (:func:`read_question`) and answer them (:func:`ask`).

Kept as the one import point for the question layer; the parts live in ``question.py`` (the
reading's model), ``question_reading.py`` (reading), ``patient_facts.py`` (the patient's facts),
``ask.py`` (answering) and ``answer_text.py`` (the answer as text).
"""

from __future__ import annotations

from .ask import Answer, OptionGroup, PatientCheck, ask
from .question import DiagnosisMention, DiagnosisRole, Intent, PatientFacts, Question
from .question_reading import MAX_QUESTION_LENGTH, read_question

__all__ = [
    "MAX_QUESTION_LENGTH",
    "Answer",
    "DiagnosisMention",
    "DiagnosisRole",
    "Intent",
    "OptionGroup",
    "PatientCheck",
    "PatientFacts",
    "Question",
    "ask",
    "is_trial_question",
    "read_question",
]


def is_trial_question(question: str) -> bool:
    """Whether a question asks for clinical trials rather than approvals."""
    return read_question(question).intent is Intent.TRIALS
