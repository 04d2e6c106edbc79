"""Token boundaries for snapping a selection: words, numbers, single punctuation marks."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Abbreviations of single letters with dots stay whole (D.C., U.S., e.g.: spaCy's English
# tokenizer keeps them too, so a label snapped here lines up with the exported tokens);
# numbers keep their inner separators (1,200.50); words keep inner apostrophes (don't);
# any other non-space character is a token of its own. \w is Unicode-aware.
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*|[^\w\s]")


class Tokens:
    """The tokens of one text, found paragraph by paragraph on first use and then kept.

    Tokens never cross a newline, so a paragraph's tokens can be found on their own: snapping
    in a 100,000-word article costs the paragraphs it touches, not the whole text.
    """

    def __init__(self, text: str, paras: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        self.paras = paras if paras is not None else [(0, len(text))]
        self._para_starts = [p[0] for p in self.paras]
        self._cache: dict[int, tuple[list[int], list[int]]] = {}

    def _para(self, pos: int) -> int:
        return max(0, bisect_right(self._para_starts, pos) - 1)

    def _tokens(self, p: int) -> tuple[list[int], list[int]]:
        hit = self._cache.get(p)
        if hit is None:
            s, e = self.paras[p]
            starts, ends = [], []
            for m in TOKEN_RE.finditer(self.text, s, e):
                starts.append(m.start())
                ends.append(m.end())
            hit = self._cache[p] = (starts, ends)
        return hit

    def _first_end_after(self, pos: int) -> tuple[int, int] | None:
        """The first token whose end is > pos."""
        for p in range(self._para(pos), len(self.paras)):
            starts, ends = self._tokens(p)
            i = bisect_right(ends, pos)
            if i < len(ends):
                return starts[i], ends[i]
        return None

    def _last_start_before(self, pos: int) -> tuple[int, int] | None:
        """The last token whose start is < pos."""
        for p in range(min(self._para(pos), len(self.paras) - 1), -1, -1):
            starts, ends = self._tokens(p)
            j = bisect_left(starts, pos) - 1
            if j >= 0:
                return starts[j], ends[j]
        return None

    def token_at(self, pos: int) -> tuple[int, int] | None:
        """The token containing the character at pos, if any."""
        tok = self._first_end_after(pos)
        return tok if tok and tok[0] <= pos else None

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen [start, end) to whole tokens and drop the whitespace at its edges.

        None when the range holds no token (only whitespace).
        """
        if start > end:
            start, end = end, start
        first = self._first_end_after(start)
        last = self._last_start_before(end)
        if first is None or last is None or last[0] < first[0]:
            return None
        return first[0], last[1]

    def snap_start(self, pos: int) -> int:
        """Where a dragged start edge lands: the start of the token at or after pos."""
        tok = self._first_end_after(pos) or self._last_start_before(pos)
        return tok[0] if tok else pos

    def snap_end(self, pos: int) -> int:
        """Where a dragged end edge lands: the end of the token before or containing pos."""
        tok = self._last_start_before(pos) or self._first_end_after(pos)
        return tok[1] if tok else pos

    def next_end(self, pos: int) -> int | None:
        tok = self._first_end_after(pos)
        return tok[1] if tok else None

    def next_start(self, pos: int) -> int | None:
        tok = self._first_end_after(pos)
        if tok is None:
            return None
        if tok[0] > pos:
            return tok[0]
        following = self._first_end_after(tok[1])
        return following[0] if following else None

    def prev_start(self, pos: int) -> int | None:
        tok = self._last_start_before(pos)
        return tok[0] if tok else None

    def prev_end(self, pos: int) -> int | None:
        tok = self._last_start_before(pos)
        if tok and tok[1] < pos:
            return tok[1]
        if tok:
            before = self._last_start_before(tok[0])
            return before[1] if before else None
        return None


WORD_RE = re.compile(r"\w+")


def next_word_end(text: str, pos: int) -> int:
    m = WORD_RE.search(text, pos)
    return m.end() if m else len(text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def prev_word_start(text: str, pos: int) -> int:
    i = min(pos, len(text))
    while i > 0 and not _is_word(text[i - 1]):
        i -= 1
    while i > 0 and _is_word(text[i - 1]):
        i -= 1
    return i
