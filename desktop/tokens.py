"""Token boundaries for snapping selections and resizing spans by a token.

A light regex tokenizer (words, numbers, single punctuation marks) so the window never has to
import spaCy at start-up; it agrees with spaCy's tokens on ordinary news text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]", re.UNICODE)


class Tokens:
    def __init__(self, text: str):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in _TOKEN.finditer(text):
            self.starts.append(m.start())
            self.ends.append(m.end())
        self.length = len(text)

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Grow [start, end) to whole tokens; white space at the edges is dropped."""
        if start > end:
            start, end = end, start
        i = bisect_right(self.ends, start)  # first token ending after start
        j = bisect_left(self.starts, end) - 1  # last token starting before end
        if i > j or i >= len(self.starts):
            return start, end
        return min(start, self.starts[i]) if self.starts[i] <= start else self.starts[i], \
            max(end, self.ends[j]) if self.ends[j] >= end else self.ends[j]

    def grow_end(self, end: int) -> int:
        j = bisect_right(self.ends, end)
        return self.ends[j] if j < len(self.ends) else end

    def shrink_end(self, start: int, end: int) -> int:
        j = bisect_left(self.ends, end) - 1
        return self.ends[j] if j >= 0 and self.ends[j] > start else end

    def grow_start(self, start: int) -> int:
        i = bisect_left(self.starts, start) - 1
        return self.starts[i] if i >= 0 else start

    def shrink_start(self, start: int, end: int) -> int:
        i = bisect_right(self.starts, start)
        return self.starts[i] if i < len(self.starts) and self.starts[i] < end else start
