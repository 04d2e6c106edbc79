"""Snapping a selection to the document's tokens: its one stored tokenization (models/tokens),
the same tokens every export aligns to. White-space tokens are left out."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from models.records import Tokenization

Source = Tokenization | Callable[[], Tokenization] | None


class Tokens:
    """The tokens of one text, asked for (`source`, e.g. a Service call) the first time a
    selection snaps and then kept: opening a document costs nothing, and spaCy is only
    loaded when a document has no stored tokens yet. No source: no tokens."""

    def __init__(self, text: str, source: Source = None) -> None:
        self.text = text
        self._source = source
        self._arrays: tuple[list[int], list[int]] | None = None

    @property
    def known(self) -> bool:
        """Whether there are tokens to snap to (a view shown without any does not snap)."""
        return self._source is not None

    def _se(self) -> tuple[list[int], list[int]]:
        if self._arrays is None:
            tok = self._source() if callable(self._source) else self._source
            if tok is None:
                self._arrays = ([], [])
            else:
                keep = tok.content(self.text)
                self._arrays = ([tok.starts[i] for i in keep], [tok.ends[i] for i in keep])
        return self._arrays

    def _first_end_after(self, pos: int) -> tuple[int, int] | None:
        """The first token whose end is > pos."""
        starts, ends = self._se()
        i = bisect_right(ends, pos)
        return (starts[i], ends[i]) if i < len(ends) else None

    def _last_start_before(self, pos: int) -> tuple[int, int] | None:
        """The last token whose start is < pos."""
        starts, ends = self._se()
        j = bisect_left(starts, pos) - 1
        return (starts[j], ends[j]) if j >= 0 else None

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
