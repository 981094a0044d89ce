"""A cancer named once in a text about a person: "high risk neuroblastoma, my daughter is 3, …".

People write a diagnosis inside sentences about treatment, age, tests and feelings, and the
tiers before this one only cut the text at a few linking words. This last tier reads the names
found anywhere in the text: when, leaving out organs named without a cancer word (where it
spread, where a scan looked) and names right after a negation ("NOT a melanoma", "MGUS not
myeloma"), the names left all lie on one line of the tree, the deepest is the answer. Two
cancers, a past one ("… ago", "history", "in remission") or nothing but organs give ``None``.
"""

from __future__ import annotations

import re

from .context import DESCRIPTORS
from .icd import ICD_RE
from .index import Hit, NameIndex
from .lexicon import CANCER_WORDS, FILLERS, NEGATION, SITE_WORDS, STOPWORDS, TOP_GROUPS
from .models import MatchMethod
from .normalise import tokens_of

__all__ = ["MentionReading"]

_PAST = frozenset(
    "ago history previous previously remission survivor cured former formerly".split()
)
"""Words that say a cancer named is (or may be) a past one: the text is left unread."""
_NEGATORS = (NEGATION - {"non"}) | {"isnt", "isn", "nt", "ruled"}
_SCORE = 75.0
_LEADS = frozenset(
    "its it got has have had having called calling diagnosed dx told said says say with is was "
    "be being now found confirmed shows showed".split()
)
"""Words that introduce a diagnosis ("told its", "they're calling it")."""
_NEUTRAL = STOPWORDS | FILLERS | SITE_WORDS | CANCER_WORDS | NEGATION | DESCRIPTORS
"""Words beside a name that never make it another kind."""


# "… but still no diagnosis", "not confirmed", "with melanotic differentiation": the text
# leaves the cancer open or says more of it than its names do.
_UNSETTLED = re.compile(
    r"\b(?:no|not|without|awaiting|pending)\s+(?:\w+\s+)?(?:diagnos\w*|confirm\w*)"
    r"|differentiat|features?\b|transform",
    re.IGNORECASE,
)


_YEAR = re.compile(r"^(?:19|20)\d\d$")
_UNKNOWN_START = re.compile(
    r"\b(?:can'?t|cannot|could\s*n'?t|don'?t|do\s+not|does\s*n'?t|unable\s+to|not\s+able\s+to)"
    r"\s+(?:\w+\s+){0,2}?(?:find|know|tell|say|work\s+out|figure\s+out)\s+where\s+"
    r"(?:it|the\s+cancer)\s+(?:started|starts|began|begins|came\s+from|comes\s+from)",
    re.IGNORECASE,
)
"""A primary no one can find: the text names a cancer of unknown primary."""
_ALL_CLEAR = re.compile(r"\ball[\s-]+clear\b", re.IGNORECASE)


def _after_the_past(tokens: list[str]) -> int | None:
    """Where "now" starts the present after a past cancer ("had X 10 years ago, now Y").

    ``None`` when there is no "now", or the words before it say nothing of a past.
    """
    if "now" not in tokens:
        return None
    at = len(tokens) - 1 - tokens[::-1].index("now")
    before = tokens[:at]
    if _PAST.isdisjoint(tokens[at:]) and (
        _PAST.intersection(before) or {"had", "was", "teenager", "child", "finished", "clear"}
        & set(before) or any(_YEAR.match(t) for t in before)
    ):
        return at + 1
    return None


class MentionReading(NameIndex):
    """Reading the one cancer a longer text names, wherever it stands."""

    def _sole_mention(self, text: str, whole: str) -> Hit | None:
        """The deepest of the names ``text`` holds, if they name one cancer, else ``None``.

        ``whole`` is the text as written (before notes were cut off: "… still no diagnosis").
        """
        tokens = list(tokens_of(text))
        if len(tokens) < 3 or _UNSETTLED.search(whole) or ICD_RE.match(text) is not None:
            return None  # an ICD-10 code and its label are read by their own rules
        current = 0  # where the cancer the person has now is told
        past = _PAST.intersection(tokens_of(whole)) or _ALL_CLEAR.search(whole) is not None
        if past or ("now" in tokens and _after_the_past(tokens) is not None):
            now = _after_the_past(tokens)
            if now is None:
                return None  # a past cancer, and nothing said of now
            current = now
        kinds: list[Hit] = []
        organs: list[Hit] = []
        groups: list[str] = []
        spans = self._ngrams(tokens, text)
        starts = {start for _, _, start in spans}
        # "got AML 3 years after chemo for my breast cancer": what follows "after" is history
        after = next(
            (i for i, t in enumerate(tokens) if t == "after" and tokens[i + 1:i + 2] != ["all"]),
            len(tokens),
        )  # not "… wasn't thyroid after all"
        if not any(start < after for _, _, start in spans if start >= current):
            after = len(tokens)
        for entries, size, start in spans:
            if start < current or start > after:
                continue  # "had breast cancer 10 years ago, now …": the past one
            if _NEGATORS.intersection(tokens[max(0, start - 2):start]):
                continue  # "NOT a melanoma", "MGUS not myeloma"
            hit = self._hit_from(entries)
            span = tokens[start:start + size]
            if hit is None or hit.ambiguous or "other" in span:
                continue  # "… and some other cancers": a residual category is no mention
            if hit.type_id in TOP_GROUPS:
                groups.append(hit.type_id)  # "… and a lymphoma": some cancer of that group
                continue
            if self._main[hit.type_id] == hit.type_id and not (
                CANCER_WORDS.intersection(span)
                or CANCER_WORDS.intersection(tokens[start + size:start + size + 1])
            ):
                continue  # a bare organ ("spread to his liver") is a site
            if self._modified(tokens, start, size, hit.type_id, starts):
                return None  # "Lower grade glioma": a word beside the name that is not read
            if self._main[hit.type_id] == hit.type_id:
                organs.append(hit)  # "pancreatic cancer", "skin cancer": a cancer of it
            else:
                kinds.append(hit)
        found = kinds + organs
        if not found:
            # "cancer in my liver and bones and they can't find where it started"
            if _UNKNOWN_START.search(whole) is not None and "CUP" in self._tree:
                return Hit("CUP", self._tree["CUP"].name, MatchMethod.SYNONYM, _SCORE)
            return None
        deepest = max(found, key=lambda h: self._depth[h.type_id])
        if not all(self._tree.is_a(deepest.type_id, h.type_id) for h in found) or not all(
            self._tree.is_a(deepest.type_id, g) for g in groups
        ):
            return None  # two cancers, or two readings of one
        if deepest.type_id not in ("CUP", "CUPNOS") and "CUP" in self._tree.lineage(
            deepest.type_id
        ):
            return None  # "SCC of the larnyx": a histology whose organ was not read
        return Hit(deepest.type_id, deepest.name, deepest.method, min(deepest.score, _SCORE))

    def _modified(
        self, tokens: list[str], start: int, size: int, type_id: str, starts: set[int]
    ) -> bool:
        """Whether a word right beside a name may make it another kind.

        After the name, a word of names the tiers did not read ("glioma, lower grade"); before
        it, any word but the small ones that introduce a diagnosis ("its", "has a", "called
        it"): "zebra stripe liposarcoma" may be a kind the tree does not hold.
        """
        if start > 0 and self._tree.children(type_id):  # a word before may name a kind of it
            word = tokens[start - 1]
            if word not in _NEUTRAL and word not in _LEADS and len(word) > 2:
                return True
        if start + size < len(tokens) and start + size not in starts:  # not another name
            word = tokens[start + size]
            if word in self._vocab_set and word not in _NEUTRAL and not word.isdigit():
                return True
        return False
