"""Which of several types found in one text the text names."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .index import Hit, NameIndex
from .lexicon import ANY_ORGAN, CONJUNCTIONS, GENERIC_HEADS, ORGAN_WORDS, TOP_GROUPS, TRANSFORMED
from .normalise import tokens_of


class Narrowing(NameIndex):
    """Narrowing several types found in one text to those it names."""

    def _narrow(
        self,
        hits: list[Hit],
        where: dict[str, tuple[int, int]],
        sites: set[str],
        tokens: list[str],
    ) -> list[Hit]:
        """Drop, of several types found in one text, those that are not what the text names.

        Short codes beside a real name, history after "after", what precedes "from", organs
        that are only a site; what stays may still be several cancers.
        """
        sites = set(sites)
        # "median OS in NSCLC": a 2-letter code beside a longer name is likely not a type.
        short = {
            h.type_id for h in hits
            if where[h.type_id][1] - where[h.type_id][0] == 1
            and len(tokens[where[h.type_id][0]]) <= 2
        }
        if short and len(short) < len(hits):
            hits = [h for h in hits if h.type_id not in short]
        if len(hits) > 1:
            # "leukemia after radiation for Hodgkin lymphoma": what follows is history.
            for word in ("after", "following"):
                if word in tokens:
                    cut = tokens.index(word)
                    before = [h for h in hits if where[h.type_id][0] < cut]
                    if before:
                        hits = before
                    break
        if len(hits) > 1 and "from" in tokens:
            # "pleural effusion from lung adenocarcinoma": the primary follows "from"; but in
            # "AML evolving from MDS" the disease is now what comes first.
            cut = tokens.index("from")
            side = (
                [h for h in hits if where[h.type_id][0] < cut]
                if cut > 0 and tokens[cut - 1] in TRANSFORMED
                else [h for h in hits if where[h.type_id][0] > cut]
            )
            if side:
                hits = side
        if len(hits) > 1:
            # "skin lymphoma", "thyroid lymphoma": an organ right before another kind of
            # cancer is where that cancer is, unless that kind says nothing of the tissue
            # ("bladder squamous cell carcinoma" stays bladder).
            for organ, other in itertools.pairwise(hits):
                if (
                    self._tree[organ.type_id].parent in TOP_GROUPS
                    and self._tree[other.type_id].parent not in TOP_GROUPS
                    and not self._tree.related(organ.type_id, other.type_id)
                    and self._main[other.type_id] != "OTHER"
                    and not CONJUNCTIONS.intersection(
                        tokens[where[organ.type_id][1]:where[other.type_id][0]]
                    )
                ):
                    sites.add(organ.type_id)
        if len(hits) > 1:
            # A histology filed under "unknown primary" (SCC, NOS; NET, NOS) never outranks a
            # site the text names ("SCC of the anal canal", "carcinoid of the small bowel").
            nos = [h for h in hits if self._main[h.type_id] == "OTHER"]
            if nos and len(nos) < len(hits):
                hits = [h for h in hits if h not in nos]
                # … and where the site has its own type of that histology, that is the answer
                # ("lung neuroendocrine cancer" is a lung NET, not lung cancer at large).
                own = self._site_histology(hits, nos)
                if own is not None:
                    hits = [own]
        if len(hits) > 1 and sites and len(sites) < len(hits):
            # An organ named as a site is where it is ("T-cell lymphoma of the skin") unless
            # the other type belongs to another organ ("papillary carcinoma of the kidney" is
            # no thyroid cancer) or is a histology of unknown primary ("SCC of the anal canal"):
            # then the organ is what the text says for sure (unless the type's name says its organ).
            site_mains = {self._main[t] for t in sites}
            clash = {
                h.type_id for h in hits
                if h.type_id not in sites
                and (main := self._main[h.type_id]) not in ANY_ORGAN
                and not self._tree.is_a(h.type_id, "HEME")
                and (main == "OTHER" or main not in site_mains)
                and not any(self._tree.related(h.type_id, t) for t in sites)
                # "cutaneous SCC of the head and neck" names its organ itself
                and not ORGAN_WORDS.intersection(tokens_of(h.name))
            }
            drop = clash if clash else sites
            hits = [h for h in hits if h.type_id not in drop]
        return hits

    def _site_histology(self, sites: Sequence[Hit], histologies: Sequence[Hit]) -> Hit | None:
        """The one type of a named site whose name carries a histology's own words, if any.

        The histology is filed under unknown primary ("Neuroendocrine Tumor, NOS"); its own
        words are its name's less the generic heads ("neuroendocrine"). The site's types are
        searched first, then those of its main type (small bowel → bowel's GI NETs); of those
        named with the words, the shallowest, and only if it is one.
        """
        if len(sites) != 1 or len(histologies) != 1:
            return None
        site, histology = sites[0], histologies[0]
        # The type's own name: the words matched may be another name of it ("carcinoid").
        words = set(tokens_of(self._tree[histology.type_id].name)) - GENERIC_HEADS - {"nos"}
        if not words or words <= set(tokens_of(self._tree[site.type_id].name)):
            return None  # no words of its own, or the site's type already is that histology
        for root in dict.fromkeys((site.type_id, self._main[site.type_id])):
            found = [
                t for t in self._tree.descendants(root)
                if t.id != root and words <= set(tokens_of(t.name))
            ]
            if found:
                top = min(self._depth[t.id] for t in found)
                shallowest = [t for t in found if self._depth[t.id] == top]
                if len(shallowest) == 1:
                    t = shallowest[0]
                    return Hit(t.id, t.name, site.method, min(site.score, histology.score))
                return None
        return None

    def _several(self, hits: Sequence[Hit]) -> Hit:
        """Several cancers named: their closest common type if still specific, else the first.

        "DLBCL, FL, MCL" → B-cell NHL; "breast and ovarian cancer" → Breast. Flagged either way.
        """
        alts = tuple((h.type_id, min(h.score, 90.0) * 0.7) for h in hits)
        common = self._common_ancestor([h.type_id for h in hits])
        first = hits[0]
        if common is not None and common not in TOP_GROUPS:
            return Hit(common, first.name, first.method, min(first.score, 75.0), alts,
                        ambiguous=True, note="several cancers named")
        return Hit(
            first.type_id, first.name, first.method, min(first.score, 75.0),
            alts[1:] + first.alternatives, True, note="several cancers named",
        )
