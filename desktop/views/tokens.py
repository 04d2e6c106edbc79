"""Token boundaries for snapping a selection: words, numbers, single punctuation marks."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# Numbers keep their inner separators (1,200.50); words keep inner apostrophes (don't);
# any other non-space character is a token of its own. \w is Unicode-aware.
TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*|[^\w\s]")


class Tokens:
    """The tokens of one text, computed once (on first use) and searched by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None

    def _ensure(self) -> None:
        if self._starts is None:
            starts: list[int] = []
            ends: list[int] = []
            for m in TOKEN_RE.finditer(self.text):
                starts.append(m.start())
                ends.append(m.end())
            self._starts, self._ends = starts, ends

    @property
    def starts(self) -> list[int]:
        self._ensure()
        return self._starts  # type: ignore[return-value]

    @property
    def ends(self) -> list[int]:
        self._ensure()
        return self._ends  # type: ignore[return-value]

    def token_at(self, pos: int) -> tuple[int, int] | None:
        """The token containing the character at pos, if any."""
        i = bisect_right(self.ends, pos)
        if i < len(self.starts) and self.starts[i] <= pos < self.ends[i]:
            return self.starts[i], self.ends[i]
        return None

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen [start, end) to whole tokens and drop the whitespace at its edges.

        None when the range holds no token (only whitespace).
        """
        if start > end:
            start, end = end, start
        starts, ends = self.starts, self.ends
        i = bisect_right(ends, start)  # first token ending after start
        j = bisect_left(starts, end) - 1  # last token starting before end
        if i >= len(starts) or j < i:
            return None
        return starts[i], ends[j]

    def snap_start(self, pos: int) -> int:
        """The token boundary a dragged start edge lands on: the start of the token at pos."""
        starts, ends = self.starts, self.ends
        i = bisect_right(ends, pos)
        if i >= len(starts):
            return starts[-1] if starts else pos
        return starts[i]

    def snap_end(self, pos: int) -> int:
        """The end of the token before or containing pos (for a dragged end edge)."""
        starts, ends = self.starts, self.ends
        j = bisect_left(starts, pos) - 1
        if j < 0:
            return ends[0] if ends else pos
        return ends[j]

    def next_end(self, pos: int) -> int | None:
        i = bisect_right(self.ends, pos)
        return self.ends[i] if i < len(self.ends) else None

    def next_start(self, pos: int) -> int | None:
        i = bisect_right(self.starts, pos)
        return self.starts[i] if i < len(self.starts) else None

    def prev_start(self, pos: int) -> int | None:
        i = bisect_left(self.starts, pos) - 1
        return self.starts[i] if i >= 0 else None

    def prev_end(self, pos: int) -> int | None:
        i = bisect_left(self.ends, pos) - 1
        return self.ends[i] if i >= 0 else None


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
