"""The window's horizontal splitter: the text column keeps at least half the width, and the
side panels get their widths back when the window grows again.

Side panels keep the widths they had when the window was large; on a small screen (800x600)
that left the text about 120 px. On every resize the panels give up width, each in
proportion to what it has above its minimum, until the text has half. The widths a panel
was given (at start, or by dragging the handle) are remembered: growing the window again
(800x600, then full screen) gives them back instead of leaving the panels squeezed beside a
text column of 1,500 px."""

from __future__ import annotations

from PySide6.QtWidgets import QSplitter

TEXT_SHARE = 0.5


class TextFirstSplitter(QSplitter):
    def __init__(self, orientation, text_index: int = 1, parent=None):
        super().__init__(orientation, parent)
        self.text_index = text_index
        self.wanted: dict[int, int] = {}  # side panel index -> the width it was given
        self.splitterMoved.connect(lambda *_: self._remember())

    def setSizes(self, sizes) -> None:  # noqa: N802 (Qt's name)
        super().setSizes(sizes)
        self.wanted = {i: s for i, s in enumerate(sizes) if i != self.text_index}

    def _remember(self) -> None:
        self.wanted = {i: s for i, s in enumerate(self.sizes()) if i != self.text_index}

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self.keep_text_wide()

    def keep_text_wide(self) -> None:
        sizes = self.sizes()
        if len(sizes) <= self.text_index or not sum(sizes):
            return
        total = sum(sizes)
        side = [i for i in range(len(sizes)) if i != self.text_index]
        want = {i: self.wanted.get(i, sizes[i]) for i in side}
        low = {i: min(want[i], self.widget(i).minimumSizeHint().width()) for i in side}
        room = total - int(total * TEXT_SHARE)  # what the panels may have together
        if sum(want.values()) > room:  # each gives up in proportion to what it has above
            above = sum(want[i] - low[i] for i in side)  # its minimum
            cut = min(above, sum(want.values()) - room)
            for i in side:
                want[i] -= cut * (want[i] - low[i]) // above if above else 0
        new = list(sizes)
        for i in side:
            new[i] = want[i]
        new[self.text_index] = total - sum(want.values())
        if new != sizes:
            super().setSizes(new)
