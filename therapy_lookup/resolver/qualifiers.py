"""Qualifiers: what a text says besides the diagnosis (stage, line of therapy, site, …)."""

from __future__ import annotations

import functools
import re

from .ascii_twin import ascii_twin
from .lexicon import NOTE_LINKS, NOTE_WORDS
from .normalise import WORD_RE

_QUALIFIER_PATTERNS: list[tuple[str, str, str]] = [
    (r"\b(?:r\s*/\s*r|rel(?:apsed)?\s*(?:/|or|and)\s*ref(?:ractory)?)\b", "relapsed/refractory",
     "/ rela"),
    (r"\b(?:triple|quad(?:ruple)?|penta|double)[\s-]*(?:class[\s-]*)?(?:refractory|exposed)\b",
     "multi-class refractory", "trip quad pent doub"),
    (r"\brelapsed\b", "relapsed", "rela"),
    (r"\brefractory\b", "refractory", "refr"),
    (r"\brecurrent\b", "recurrent", "recu"),
    (r"\b(?:after|following|post|failed|progressed on|progressing after)\s+(?:\d+|one|two|three|"
     r"four|five|several|multiple|≥\s*\d+|>=\s*\d+|\d\+)\s*(?:or more\s+)?(?:prior\s+)?"
     r"(?:lines?|regimens?|therapies|treatments?|rounds?)(?:\s+of\s+(?:systemic\s+)?"
     r"(?:therapy|treatment|chemo\w*))?", "prior lines", "afte foll post fail prog"),
    (r"\b(?:\d|one|two|three|four|first|second|third|fourth)(?:st|nd|rd|th)?[\s-]*(?:line|l)\b"
     r"(?:\s+(?:therapy|treatment|setting))?|\b[1-4]l\+?", "line of therapy", "line 1l 2l 3l 4l"),
    (r"\b(?:after|post|following|failed|progressed\s+(?:on|after)|previously\s+treated\s+with|"
     r"refractory\s+to|relapsed\s+after|prior)\s+(?:\w+\s+){0,2}?(?:car[\s-]*t|cart|car\s+t[\s-]*cell"
     r"|(?:auto\w*|allo\w*|stem\s+cell\s+|bone\s+marrow\s+)?(?:transplant\w*|sct|asct|hsct)"
     r"|chemo\w*|immunotherap\w*|radio\w*|radiation|surgery|resection|bispecific\w*"
     r"|(?:anti[\s_-]*)?(?:pd[\s-]*1|pd[\s-]*l1|cd38|bcma|cd20)\w*|\w+mab|\w+nib|\w+lib"
     # drug classes ("a BTK inhibitor", "BTKi", "IMiDs") and more generic-name endings
     r"|(?:\w+[\s-]+)?inhibitors?|btkis?|tkis?|imids?|\w+(?:clax|zomib|mide|stat|cel))\b",
     "prior therapy", "afte post foll fail prog prev refr rela prio"),
    (r"\b(?:on|taking|receiving|currently\s+on|treated\s+with|started\s+on|starting)\s+"
     r"(?:\w+[\s-]+){0,2}?(?:\w+(?:mab|nib|lib|cel|platin|taxel|rubicin|mide|ciclib|parib|lisib"
     r"|clax|zomib|stat)"
     r"|r[\s-]?chop|chop|folfox|folfiri(?:nox)?|abvd|bcg|adt|capox|xelox|flot|chemo\w*"
     r"|immunotherap\w*|radiation|radiotherapy|maintenance)\b", "current therapy",
     "on taki rece curr trea star"),
    (r"\b(?:transplant|asct|sct)[\s-]*(?:in)?eligible\b|\b(?:in)?eligible\s+for\s+"
     r"(?:a\s+)?(?:stem\s+cell\s+)?transplant\w*", "transplant eligibility",
     "tran asct sct elig inel"),
    # Risk groups ("high-risk myeloma", "low risk MDS"); "high risk of/for X" is no diagnosis.
    (r"\b(?:very[\s-]+)?(?:low(?:er)?|high(?:er)?|standard|average|intermediate(?:[\s-]+[12])?|"
     r"favou?rable|unfavou?rable|adverse|poor|good)(?:[\s-]*(?:to|/)[\s-]*"
     r"(?:low|high|intermediate))?[\s-]*risk\b(?![\s-]+(?:of|for)\b)", "risk group", "risk"),
    (r"\bstage\s*(?:0|iv|i{1,3}|[1-4])[abc]?[0-9]?\b", "stage", "stag"),
    (r"\b(?:who\s+)?grade\s*(?:[1-4]|i{1,3}v?|iv)[ab]?\b|\bg[1-4]\b", "grade",
     "grad g1 g2 g3 g4"),
    (r"\b(?:locally\s+advanced|advanced|metastatic|metastasi[sz]ed|widespread|disseminated|"
     r"met(?:s)?\s+to\s+\w+|(?:with\s+)?mets)\b", "advanced/metastatic",
     "loca adva meta wide diss mets met"),
    (r"\b(?:unresectable|inoperable|non-?resectable)\b", "unresectable", "unre inop nonr non"),
    (r"\bnewly\s+diagnosed\b|\bnew\s+diagnosis\b", "newly diagnosed", "newl new"),
    (r"\b(?:pediatric|paediatric|childhood|children|child|infant|infantile|adolescent|juvenile)"
     r"\b", "pediatric", "pedi paed chil infa adol juve"),
    (r"\b(?:adults?|elderly)\b", "adult", "adul elde"),
    (r"\b(?:sporadic|hereditary|familial|inherited|non[\s-]*hereditary|germline)\b",
     "hereditary/sporadic", "spor here fami inhe non germ"),
    (r"\b(?:bilateral|unilateral|multifocal|multi[\s-]*centric)\b", "laterality", "bila unil mult"),
    (r"\b(?:personal\s+)?history\s+of\b", "history of", "pers hist"),
    (r"\b(?:(?:of|in|on|at|near)\s+(?:the\s+|my\s+|his\s+|her\s+)?(?:left\s+|right\s+|upper\s+|"
     r"lower\s+)?(?:knee|leg|arm|thigh|shoulder|hip|back|chest|abdomen|retroperitoneum|pelvis|"
     r"face|scalp|trunk|foot|hand|finger|toe|buttock|groin|flank|calf|forearm|elbow|wrist|"
     r"ankle|heel|spine|axilla|orbit|jaw|mandible|maxilla|skull|rib|sternum|femur|tibia|fibula|"
     r"humerus|radius|ulna|sacrum|clavicle|scapula)s?|(?:retroperitoneal|paraspinal|abdominal|"
     r"pelvic|mediastinal|axillary|inguinal)(?:\s+region)?)\b",
     "site",
     "abdo ankl arm axil back butt calf ches clav elbo face femu fibu fing flan foot fore "
     "groi hand heel hip hume ingu jaw knee leg mand maxi medi orbi para pelv radi retr rib "
     "sacr scal scap shou skul spin ster thig tibi toe trun ulna wris"),
    (r"\b(?:suspected|probable|possible|presumed)\b", "uncertain diagnosis", "susp prob poss pres"),
    # Nodal status ("lymph node positive breast cancer", "node-negative").
    (r"\b(?:lymph[\s-]+)?nodes?[\s-]*(?:positive|negative|pos|neg|involvement|involved|"
     r"\+|-(?=\s))", "nodal status", "lymp node"),
    # ICD-O-3 morphology code before its label ("8500/3 Infiltrating duct carcinoma, NOS").
    (r"^\s*(?:m-?)?\d{4}/\d\b", "ICD-O-3 code", "/"),
    # Staging-system edition, as in ClinicalTrials.gov conditions ("Stage IV … AJCC v8").
    (r"\bajcc\s*(?:v(?:ersion)?\s*)?\d+\b", "staging system", "ajcc"),
]
_QUALIFIERS = [
    (frozenset(stems.split()), pattern, label) for pattern, label, stems in _QUALIFIER_PATTERNS
]
_QUALIFIER_BY_STEM: dict[str, list[int]] = {}
for _i, _qualifier in enumerate(_QUALIFIERS):
    for _stem in _qualifier[0]:
        _QUALIFIER_BY_STEM.setdefault(_stem, []).append(_i)

@functools.cache
def _compiled(i: int) -> re.Pattern[str]:
    """Qualifier pattern ``i``, compiled when a text first holds one of its stems."""
    return re.compile(_QUALIFIERS[i][1], re.IGNORECASE)


def take_qualifiers(text: str) -> tuple[tuple[str, ...], str]:
    """Return the qualifiers named in ``text`` and the text without them."""
    stems = {w[:4] for w in WORD_RE.findall(text.casefold())}
    if "/" in text:
        stems.add("/")
    candidates = sorted({i for stem in stems for i in _QUALIFIER_BY_STEM.get(stem, ())})
    found: list[str] = []
    ascii_text = text.isascii()  # stays so: only ASCII pieces and spaces are joined below
    for i in candidates:
        label = _QUALIFIERS[i][2]
        twin = ascii_twin(_QUALIFIERS[i][1]) if ascii_text else None
        if twin is not None:  # the same spans, case-sensitively on the lowercased text
            matches = list(twin.finditer(text.lower()))
        else:
            matches = list(_compiled(i).finditer(text))
        if not matches:
            continue
        pieces: list[str] = []
        end = 0
        for m in matches:
            said = text[m.start():m.end()]  # as written (a twin matched the lowercased text)
            phrase = " ".join(said.replace("anti_", "anti-").split())
            value = label if label == "relapsed/refractory" else f"{label}: {phrase}"
            if label == phrase.casefold():
                value = label
            if value not in found:
                found.append(value)
            pieces.append(text[end:m.start()])
            end = m.end()
        pieces.append(text[end:])
        text = " ".join(pieces)  # what pattern.sub(" ", text) gives, without a second scan
    return tuple(found), text


_NOTE_TOKEN = re.compile(r"[\s,;:()\[\]/.-]*([A-Za-z]+|(?:19|20)\d\d)[\s,;:()\[\]/.-]*$")


_NOTE_SEPARATORS = ",;:()[]/.-"
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NOTE_OR_LINK = NOTE_WORDS | NOTE_LINKS


def _may_end_in_a_note(text: str) -> bool:
    """False when :func:`take_trailing_note` surely finds no note (most texts), cheaply.

    Its first step reads the last word before trailing separators (whitespace and
    :data:`_NOTE_SEPARATORS`): a run of ASCII letters, or a year. A text ending otherwise
    (``"…!"``, ``"…é"``), or in letters that are neither a note word nor a link word, has no note.
    Digits are left to the full reading.
    """
    rest = text
    while True:
        stripped = rest.rstrip().rstrip(_NOTE_SEPARATORS)
        if stripped == rest:
            break
        rest = stripped
    if not rest:
        return True
    last = rest[-1]
    if last not in _ASCII_LETTERS:
        return last.isdigit()
    start = len(rest) - 1
    while start and rest[start - 1] in _ASCII_LETTERS:
        start -= 1
    return rest[start:].lower() in _NOTE_OR_LINK


def take_trailing_note(text: str) -> tuple[tuple[str, ...], str]:
    """Take a note off the end of ``text`` ("… (dx)", "…, biopsy proven", "… 2019").

    A note is a trailing run of note words, years and the small words between them, after
    something that is not a note. Returns the qualifiers the note holds ("suspected") and the
    text without it; text without a note comes back as it is.
    """
    if not _may_end_in_a_note(text):
        return (), text
    return _read_trailing_note(text)


def _read_trailing_note(text: str) -> tuple[tuple[str, ...], str]:
    """:func:`take_trailing_note` without the shortcut."""
    end = len(text)
    cut = end
    noted = False
    while True:
        m = _NOTE_TOKEN.search(text, 0, cut)
        if m is None or m.start() == 0:
            break
        word = m.group(1).casefold()
        if word in NOTE_WORDS or word.isdigit():
            noted = True
        elif word not in NOTE_LINKS:
            break
        cut = m.start()
        if not text[:cut].strip():
            return (), text  # nothing but a note: leave it to the tiers
    if not noted:
        return (), text
    found, _ = take_qualifiers(text[cut:])
    return found, text[:cut]
