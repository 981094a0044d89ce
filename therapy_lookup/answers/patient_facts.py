"""The patient's facts in a question: who they are, their age and sex, and prior lines of therapy.

People write "my dad is 72", "my 8-year-old son", "My father (63)", "I'm 61 (male)", "she's 16";
"after 2 treatments", "relapsed twice", "grew after his first treatment". Facts are tied to the
person they are written of, so a mother's age or sex never becomes the patient's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Person", "find_ages", "find_people", "find_prior_lines", "stated_sex"]

# Relation words and the sex they imply (None: not implied). English kinship terms, kept here
# because they describe people, not medicine.
_RELATIONS: dict[str, str | None] = {
    "mother": "F", "mom": "F", "mum": "F", "mommy": "F", "mama": "F", "mam": "F",
    "father": "M", "dad": "M", "daddy": "M", "papa": "M", "pop": "M",
    "wife": "F", "husband": "M", "partner": None, "spouse": None,
    "girlfriend": "F", "boyfriend": "M", "fiancee": "F", "fiance": None,
    "son": "M", "daughter": "F", "child": None, "kid": None, "baby": None, "toddler": None,
    "boy": "M", "girl": "F", "teen": None, "teenager": None,
    "sister": "F", "brother": "M", "sibling": None, "twin": None,
    "grandmother": "F", "grandma": "F", "granny": "F", "nana": "F",
    "grandfather": "M", "grandpa": "M", "granddad": "M",
    "grandson": "M", "granddaughter": "F", "grandchild": None,
    "aunt": "F", "uncle": "M", "niece": "F", "nephew": "M", "cousin": None,
    "friend": None, "neighbor": None, "neighbour": None, "colleague": None, "coworker": None,
    "stepmother": "F", "stepfather": "M", "stepson": "M", "stepdaughter": "F",
    "patient": None, "client": None,
}
_CANONICAL = {
    "mom": "mother", "mum": "mother", "mommy": "mother", "mama": "mother", "mam": "mother",
    "dad": "father", "daddy": "father", "papa": "father", "pop": "father",
    "grandma": "grandmother", "granny": "grandmother", "nana": "grandmother",
    "grandpa": "grandfather", "granddad": "grandfather", "kid": "child",
}
_RELATION_RE = re.compile(
    r"\b(?:my|our|his|her|their)\s+(?:(?:\d{1,3}|little|older|younger|elderly|baby|"
    r"teenage|adult|big|step|late)[\s-]*(?:years?[\s-]*old[\s-]*|yo\s+|y/o\s+)?)?"
    r"(" + "|".join(sorted(_RELATIONS, key=len, reverse=True)) + r")s?(?:'s|\u2019s|s')?\b",
    re.IGNORECASE,
)
_RELATION_WORDS = "|".join(sorted(_RELATIONS, key=len, reverse=True))
# A relation named without "my": possessive ("mom's cancer"), after an age ("4 yo girl",
# "8-year-old boy"), or opening a sentence before a verb or an age ("Dad has DLBCL", "Dad (75)").
_BARE_RELATION_RE = re.compile(
    r"\b(" + _RELATION_WORDS + r")(?:'s|\u2019s)(?=\s)"
    r"|(?<=\d)(?:[\s-]*(?:years?|yrs?)[\s-]*old|\s*(?:yo|y/o|y\.o\.))[\s-]+(" + _RELATION_WORDS
    + r")\b"
    r"|(?:^|(?<=[.?!]\s))(" + _RELATION_WORDS + r")"
    # "Husband 59, hepatocellular …": an age set off after the relation
    r"(?=\s+(?:is|has|had|was|got|just|turned)\b|\s*\(\d|\s+\d{1,3}\s*[,;])",
    re.IGNORECASE,
)
_SELF_RE = re.compile(
    r"\b(?:I|I'm|I\u2019m|Im|I am|I've|I\u2019ve|I have|me|my|myself)\b"
    # Written in lower case ("im 19", "i have CLL"); a lone "i" after stage/type/grade is a numeral.
    r"|\b(?:i'm|i\u2019m|im|i've|i\u2019ve)\b|(?<!stage )(?<!type )(?<!grade )(?<!phase )\bi\b(?!-)"
)
_PRONOUN_RE = re.compile(r"\b(he|his|him|he's|he\u2019s|she|her|she's|she\u2019s)\b", re.IGNORECASE)

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "several": None,
    "once": 1, "twice": 2, "thrice": 3,
}
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6,
}
_COUNT = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"


@dataclass(frozen=True)
class Person:
    """Someone the question speaks of."""

    start: int
    end: int
    key: str
    """'self', a relation ('mother'), or 'he'/'she' when no relation was named."""
    sex: str | None


def find_people(text: str) -> list[Person]:
    """Every mention of a person: the asker ("I", "my"), relations, and he/she pronouns.

    A pronoun stands for the last relation of its sex named before it ("My dad is 72 and his
    lymphoma …"); with none, it stands for a patient of that sex ("She's 16").
    """
    people: list[Person] = []
    relations: list[tuple[int, int, str, str | None]] = []
    for m in _RELATION_RE.finditer(text):
        word = m.group(1).casefold()
        relations.append((m.start(), m.end(), _CANONICAL.get(word, word), _RELATIONS[word]))
    for m in _BARE_RELATION_RE.finditer(text):
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        if any(s <= m.start(group) < e for s, e, _, _ in relations):
            continue
        word = m.group(group).casefold()
        relations.append((m.start(group), m.end(), _CANONICAL.get(word, word), _RELATIONS[word]))
    relations.sort()
    taken = [(s, e) for s, e, _, _ in relations]
    for s, e, key, sex in relations:
        people.append(Person(s, e, key, sex))
    for m in _SELF_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        people.append(Person(m.start(), m.end(), "self", None))
    for m in _PRONOUN_RE.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        # "her" starts with "he": the sex is the pronoun's, not its first letters.
        sex = "F" if m.group(1).casefold().startswith(("she", "her")) else "M"
        named = [p for p in reversed(people) if p.start < m.start() and p.key != "self"
                 and p.key not in ("he", "she")]
        # The last relation of the pronoun's sex, else the last of unstated sex ("my partner").
        antecedent = next((p for p in named if p.sex == sex), None) or next(
            (p for p in named if p.sex is None), None
        )
        key = antecedent.key if antecedent else ("he" if sex == "M" else "she")
        people.append(Person(m.start(), m.end(), key, sex))
    return sorted(people, key=lambda p: p.start)


_AGE_PATTERNS = (
    # "my 14 year old son", "my 8-year-old", "a 45 yo woman"
    re.compile(r"\b(\d{1,3})[\s-]*(?:years?|yrs?)[\s-]*old\b|\b(\d{1,3})\s*(?:yo|y/o|y\.o\.)\b",
               re.IGNORECASE),
    # "my dad is 72", "she's 16", "I'm 24", "Our daughter is 10", "My son Ethan is 12"
    re.compile(
        r"(?:\b(?:is|was|'s|\u2019s|am|'m|\u2019m|im|turned|turning|aged?|age)\s+"
        r"(?:now\s+|only\s+|just\s+)?)"
        r"(\d{1,3})\b(?!\s*(?:%|lines?|treatments?|times|months?|weeks?|days?|cycles?|rounds?|"
        r"prior|mg|kg|cm|mm))",
        re.IGNORECASE,
    ),
    # "My father (63)", "I'm 61 (male)" is above; "(45)" after a person
    re.compile(r"\((\d{1,3})\s*(?:[MFmf]|yo|y/o|years?(?:\s+old)?)?\)"),
    # "62F", "45 M"
    re.compile(r"\b(\d{1,3})\s?([MF])\b"),
    # "My mother, 80, had …", "my husband, 58 and a smoker": an age set off by commas
    re.compile(
        r"\b(?:" + _RELATION_WORDS + r"|I)\s*,\s*(\d{1,3})\s*"
        r"(?=,|\s+(?:and|with|has|had|is|was|who)\b)",
        re.IGNORECASE,
    ),
    # "Husband 59, HCC …", "my son 19, relapsed": an age set off by a comma after the relation
    re.compile(
        r"\b(?:" + _RELATION_WORDS + r")\s+(\d{1,3})\s*(?=[,;])", re.IGNORECASE,
    ),
    # "I'm in Vancouver, 52, ALK+", "I live in Ohio, 45, with CLL": an age set off by commas in
    # the asker's own clause
    re.compile(
        r"\b(?:I'm|I\u2019m|Im|I\s+am|I\s+live|I\s+work|I\s+come)\s[^.?!\d,]{1,40},\s*(\d{1,3})"
        r"\s*(?=,|[.?!;]|$|\s+(?:and|with)\b)",
    ),
)
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_AGE_WORDS = re.compile(
    r"\b(?:is|was|'s|\u2019s|am|'m|\u2019m|turned|turning|aged?)\s+"
    r"(?:(" + "|".join(_TENS) + r")(?:[\s-]+(" + "|".join(_UNITS) + r"))?|("
    + "|".join([*_TEENS, *_UNITS]) + r"))\b(?!\s*(?:lines?|treatments?|times|months?|weeks?))",
    re.IGNORECASE,
)
_PAST_AGE = re.compile(r"\bwhen\s+(?:he|she|I|they)\s+(?:was|were)\s*$", re.IGNORECASE)


def find_ages(text: str, people: list[Person]) -> list[tuple[int, int, Person | None]]:
    """(offset, age, person) for each age stated; the person is the one named just before."""
    out: list[tuple[int, int, Person | None]] = []
    seen: set[int] = set()
    for pattern in _AGE_PATTERNS:
        for m in pattern.finditer(text):
            group = 1 if m.group(1) is not None else 2
            value = m.group(group)
            if value is None or m.start(group) in seen:
                continue
            if _PAST_AGE.search(text[max(0, m.start() - 20) : m.start()]):
                continue  # "diagnosed when he was 9": an age then, not now
            age = int(value)
            if not 0 < age <= 110:
                continue
            seen.add(m.start(group))
            before = [p for p in people if p.start < m.start()]
            after = [p for p in people if p.start >= m.end() and p.start - m.end() < 12]
            # "my 8-year-old son": the person follows the age
            person = after[0] if pattern is _AGE_PATTERNS[0] and after else (
                before[-1] if before else (after[0] if after else None)
            )
            out.append((m.start(group), age, person))
    for m in _AGE_WORDS.finditer(text):  # "my husband is sixty-eight"
        if m.start() in seen:
            continue
        tens, unit, small = (g.casefold() if g else None for g in m.groups())
        age = (_TENS[tens] + (_UNITS[unit] if unit else 0)) if tens else (
            _TEENS.get(small or "", 0) or _UNITS.get(small or "", 0)
        )
        before = [p for p in people if p.start < m.start()]
        out.append((m.start(), age, before[-1] if before else None))
    return sorted(out, key=lambda x: x[0])


_SELF_SEX = (
    (re.compile(r"\((?:male|man|m)\)|\bI'?\s*a?m\s+(?:a\s+)?(?:\d+[\s-]*(?:years?[\s-]*old\s+)?)?"
                r"(?:male|man|guy)\b|\bas\s+a\s+man\b", re.IGNORECASE), "M"),
    (re.compile(r"\((?:female|woman|f)\)|\bI'?\s*a?m\s+(?:a\s+)?(?:\d+[\s-]*(?:years?[\s-]*old\s+)?)?"
                r"(?:female|woman|lady)\b|\bas\s+a\s+woman\b", re.IGNORECASE), "F"),
)


_SELF_SEX_NEAR = re.compile(
    r"\bI(?:'m|\u2019m|\s+am)\b[^.?!]{0,24}?\b(male|man|guy|female|woman|lady)\b", re.IGNORECASE
)


def stated_sex(text: str) -> str | None:
    """The asker's own sex when they state it ("I'm 61 (male)", "I'm 55, male", "as a woman")."""
    for pattern, sex in _SELF_SEX:
        if pattern.search(text):
            return sex
    near = _SELF_SEX_NEAR.search(text)
    if near:
        return "M" if near.group(1).casefold() in ("male", "man", "guy") else "F"
    m = _AGE_PATTERNS[3].search(text)
    return m.group(2) if m else None


_LINES = re.compile(
    rf"\b{_COUNT}\s+(?:(?:different|prior|previous|other|separate|failed|kinds?\s+of|types?\s+of)\s+)*"
    r"(?:lines?|treatments?|therapies|regimens?|regimes?|courses?\s+of\s+treatment)\b",
    re.IGNORECASE,
)
_TIMES = re.compile(
    r"\b(?:relapsed|came\s+back|come\s+back|recurred|returned|progressed)\s+"
    rf"(?:{_COUNT}\s+times|twice|thrice|once)\b",
    re.IGNORECASE,
)
_ORDINAL_LINE = re.compile(
    r"\b(?:after|following|since|post)\s+(?:(?:his|her|my|their|the|a)\s+)?"
    r"(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th)"
    r"(?:[\s-]+line)?\s*(?:treatment|therapy|regimen|line|chemo\w*|immunotherapy|\w+)?",
    re.IGNORECASE,
)

# "already had first-line gem/cis", "received second-line chemo": the lines had so far.
_HAD_ORDINAL_LINE = re.compile(
    r"\b(?:had|received|completed|finished|done|through)\s+(?:(?:his|her|my|their|the|a)\s+)?"
    r"(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th)[\s-]+line\b",
    re.IGNORECASE,
)
# "Bavencio was my first treatment": that many lines had.
_WAS_ORDINAL_LINE = re.compile(
    r"\b(?:was|were)\s+(?:(?:his|her|my|their|our|the)\s+)?"
    r"(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th)[\s-]+"
    r"(?:line\s+)?(?:treatment|therapy|regimen|line)\b",
    re.IGNORECASE,
)
# "she's had R-CHOP, then BR, then len/rituximab": regimens one after another, one line each.
_ITEM = r"(?:(?:a|an|the|more)\s+)?[^\W_][\w+/-]*"
# Local treatments and tests are not lines of systemic therapy.
_NOT_A_LINE = frozenset(
    "surgery resection radiation radiotherapy rt srs sbrt biopsy scans scan".split()
)
_HAD_THEN = re.compile(
    r"\b(?:had|received|tried|got|been\s+through|been\s+on|went\s+through|was\s+on|were\s+on"
    # "came back after ABVD and then brentuximab": after therapies one after another
    r"|after)\s+(?:(?:his|her|my|their)\s+)?"
    rf"({_ITEM}(?:\s*,?\s*(?:and\s+)?then\s+{_ITEM})+)",
    re.IGNORECASE,
)
# "she had BR first, … and then when it came back she had len/rituximab": a regimen had after
# each relapse is one more line, on top of the one had before it.
_HAD_AFTER_RELAPSE = re.compile(
    r"\b(?:when|after|once)\s+(?:it|the\s+\w+)\s+(?:came\s+back|relapsed|returned|recurred"
    r"|progressed)\s*,?\s+(?:she|he|I|they|we)\s+(?:had|got|received|was\s+given|went\s+on|"
    r"started)\s+(?:(?:a|an|the)\s+)?[^\W_]",
    re.IGNORECASE,
)
_HAD_BEFORE = re.compile(r"\b(?:had|received|got|was\s+given|started)\s+[^\W_]", re.IGNORECASE)
# "back for the 3rd time", "relapsed for the second time": that many relapses.
_NTH_TIME = re.compile(
    r"\b(?:back|relapsed|recurred|returned|progressed)\s+(?:again\s+)?for\s+the\s+"
    r"(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|6th)\s+time\b",
    re.IGNORECASE,
)
# "imatinib and then sunitinib both stopped working": two therapies, two lines.
_BOTH_FAILED = re.compile(
    r"\b[\w-]+\s*(?:,|and\s+then|and|then|&|/)\s*[\w-]+\s+both\s+"
    r"(?:stopped\s+working|failed|quit\s+working|(?:did\s+not|didn't|didn\u2019t)\s+work)\b",
    re.IGNORECASE,
)

# Regimens written as abbreviations (R-CHOP, ABVD, FOLFOX, VRd): two or more capitals.
_REGIMEN = r"(?:[A-Z][\w+-]*[A-Z][\w+-]*)"
_AFTER_REGIMENS = re.compile(
    r"\b(?:came\s+back|come\s+back|relapsed|recurred|returned|progressed)\s+"
    r"(?:\w+\s+){0,2}?after\s+(?:(?:his|her|my|their|a|an)\s+)?"
    rf"({_REGIMEN}(?:\s*(?:,|and|then|&|/)\s*{_REGIMEN})*)(?![\w-])",
)
_LINE_ASKED = re.compile(
    r"\b(?:([2-9])L\+?|(second|2nd|third|3rd|fourth|4th|fifth|5th)[\s-]+line)(?![\w-])",
)


def _count(word: str) -> int | None:
    word = word.casefold()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def find_prior_lines(text: str, named_prior: int = 0) -> int | None:
    """Prior lines of therapy when a count is stated or plainly implied, else None.

    "3 lines of treatment", "two different treatments" → the count; "relapsed twice" → 2;
    "after his first treatment", "after first-line chemo", "had first-line gem/cis" → 1;
    "X and then Y both stopped working" → 2; "came back after R-CHOP" → the number of therapies
    named after it (``named_prior``). "Came back" alone → None.
    """
    m = _LINES.search(text)
    if m:
        return _count(m.group(1))
    m = _TIMES.search(text)
    if m:
        word = m.group(1) or m.group(0).split()[-1]
        return _count(word)
    m = _ORDINAL_LINE.search(text)
    if m:
        return _ORDINALS[m.group(1).casefold()]
    m = _HAD_ORDINAL_LINE.search(text)
    if m:
        return _ORDINALS[m.group(1).casefold()]
    m = _NTH_TIME.search(text)
    if m:
        return _ORDINALS[m.group(1).casefold()]
    m = _HAD_THEN.search(text)
    if m:
        items = re.split(r"\s*,?\s*(?:and\s+)?then\s+", m.group(1), flags=re.IGNORECASE)
        lines = sum(item.split()[-1].casefold() not in _NOT_A_LINE for item in items)
        if lines:
            return lines
    m = _WAS_ORDINAL_LINE.search(text)
    if m:
        return _ORDINALS[m.group(1).casefold()]
    relapses = list(_HAD_AFTER_RELAPSE.finditer(text))
    if relapses and _HAD_BEFORE.search(text[: relapses[0].start()]):
        return len(relapses) + 1
    if _BOTH_FAILED.search(text):
        return 2
    m = _AFTER_REGIMENS.search(text)
    if m and not named_prior:  # "came back after R-CHOP", "relapsed after ABVD and BV"
        return len(re.split(r"\s*(?:,|\band\b|\bthen\b|&|/)\s*", m.group(1).strip()))
    m = _LINE_ASKED.search(text)
    if m:  # "4L+ myeloma", "second-line DLBCL": the line being given, after n - 1 lines
        n = int(m.group(1)) if m.group(1) else _ORDINALS[m.group(2).casefold()]
        return n - 1 if n > 1 else None
    return named_prior or None
