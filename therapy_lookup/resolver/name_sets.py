"""The words that make up names, as sets: to skip lookups that cannot find a name (issue 15).

Whatever :meth:`~.index.NameIndex._lookup_tokens` finds for a phrase (by its words in order, its
content words in order, or their sorted set) is a key of the index whose content words, the
small words aside, are the phrase's. So a phrase whose content-word set is no key's finds
nothing, in any order. :class:`NameWordSets` answers that for "these words beside that name"
with a set difference, the name's part computed once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .lexicon import STOPWORDS

__all__ = ["NameWordSets"]

_MEMO_SIZE = 4096


def content_set(words: Iterable[str]) -> frozenset[str]:
    """The words that are not small words, as a set."""
    return frozenset(w for w in words if w not in STOPWORDS)


class NameWordSets:
    """The content-word sets of an index's keys, found by word; memos tied to that index."""

    def __init__(self, keys: Iterable[str]) -> None:
        """Index the content-word set of every key (tokens joined by single spaces)."""
        self.sets = frozenset(content_set(k.split()) for k in keys)
        postings: dict[str, list[frozenset[str]]] = {}
        for words in self.sets:
            for w in words:
                postings.setdefault(w, []).append(words)
        self._postings = postings
        self._extensions: dict[str, tuple[frozenset[str], frozenset[frozenset[str]]]] = {}
        self.memo: dict[tuple[str, str], list[list[str]]] = {}
        """Room for a caller's results that depend only on the index (bounded by the caller)."""

    def extensions(
        self, base: Sequence[str]
    ) -> tuple[frozenset[str], frozenset[frozenset[str]]]:
        """``base``'s content set, and what added to it makes a key's content set.

        With ``words, more = extensions(base)``, for any set ``other``:
        ``(other | words) in self.sets`` exactly when ``other - words in more`` (the empty set
        in ``more``: ``words`` is a key's content set itself). Remembered by ``base``.
        """
        key = " ".join(base)
        found = self._extensions.get(key)
        if found is None:
            words = content_set(base)
            if words:
                rarest = min(words, key=lambda w: len(self._postings.get(w, ())))
                supersets: Iterable[frozenset[str]] = self._postings.get(rarest, ())
            else:
                supersets = self.sets
            found = (words, frozenset(k - words for k in supersets if words <= k))
            if len(self._extensions) >= _MEMO_SIZE:
                self._extensions.clear()
            self._extensions[key] = found
        return found
