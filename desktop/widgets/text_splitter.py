"""The window's horizontal splitter: the text column keeps at least half the width.

Side panels keep the widths they had when the window was large; on a small screen (800x600)
that left the text about 120 px. On every resize the panels give up width, each in
proportion to what it has above its minimum, until the text has half."""

from __future__ import annotations

from PySide6.QtWidgets import QSplitter

TEXT_SHARE = 0.5


class TextFirstSplitter(QSplitter):
    def __init__(self, orientation, text_index: int = 1, parent=None):
        super().__init__(orientation, parent)
        self.text_index = text_index

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self.keep_text_wide()

    def keep_text_wide(self) -> None:
        sizes = self.sizes()
        if len(sizes) <= self.text_index or not sum(sizes):
            return
        total = sum(sizes)
        need = int(total * TEXT_SHARE) - sizes[self.text_index]
        if need <= 0:
            return
        spare = {i: max(0, s - self.widget(i).minimumSizeHint().width())
                 for i, s in enumerate(sizes) if i != self.text_index}
        room = sum(spare.values())
        if room <= 0:
            return
        take = min(need, room)
        for i, s in spare.items():
            cut = take * s // room
            sizes[i] -= cut
            sizes[self.text_index] += cut
        self.setSizes(sizes)
