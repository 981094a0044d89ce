"""Whose cancer a question is about, and that person's age and sex."""

from __future__ import annotations

import re

from .patient_facts import Person, stated_sex
from .question import DiagnosisMention

__all__ = ["patient_age", "patient_sex", "the_patient"]


def the_patient(
    diagnosis: DiagnosisMention | None, people: list[Person], text: str, sentences: list[int]
) -> Person | None:
    """The person whose cancer it is: the diagnosis's owner, else the one relation named."""
    by_key = {p.key: p for p in people}
    if diagnosis is not None and diagnosis.person is not None:
        return by_key.get(diagnosis.person)
    relations = [p for p in people if p.key != "self"]
    keys = {p.key for p in relations}
    if len(keys) == 1 and not any(
        p.key == "self" and not _asker_only(text, p) for p in people
    ):
        return relations[0]
    selves = [p for p in people if p.key == "self" and not _asker_only(text, p)]
    if selves and not relations:
        return selves[0]
    return None


def _asker_only(text: str, person: Person) -> bool:
    """'Can you tell me', 'near me', 'I'm terrified': the asker, not necessarily the patient."""
    around = text[max(0, person.start - 12) : person.end + 12].casefold()
    return bool(re.search(r"\b(?:tell|show|help|give|near|for|to)\s+me\b|i'?m\s+(?:terrified|"
                          r"scared|worried|looking|wondering|asking)", around))


def patient_age(
    ages: list[tuple[int, int, Person | None]], patient: Person | None
) -> int | None:
    """The patient's age, of the ages the question states (None when unclear whose)."""
    if patient is not None:
        own = [age for _, age, p in ages if p is not None and p.key == patient.key]
        if own:
            return own[0]
        unowned = [age for _, age, p in ages if p is None]
        return unowned[0] if unowned else None
    return ages[0][1] if len(ages) == 1 and ages[0][2] is None else (
        ages[0][1] if len({(p.key if p else None) for _, _, p in ages}) == 1 and ages else None
    )


def patient_sex(patient: Person | None, people: list[Person], text: str) -> str | None:
    """The patient's sex, as stated or by the pronouns used for them."""
    if patient is None:
        # No person named: a clinical shorthand ("62F with NSCLC") is the patient's.
        return stated_sex(text) if not people else None
    if patient.key == "self":
        return stated_sex(text)
    if patient.sex is not None:
        return patient.sex
    pronouns = [p.sex for p in people if p.key == patient.key and p.sex is not None]
    return pronouns[0] if pronouns else None
