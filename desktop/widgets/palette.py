"""The label palette: entity labels (colour swatch and key) and event types."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QStyle

from models.schema import Schema


def swatch(color: str, size: int = 14) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(color))
    return QIcon(pm)


class LabelPalette(QListWidget):
    labelChosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("palette")
        self.setFocusPolicy(Qt.NoFocus)  # clicking a label must not steal the text selection
        # two columns: every label and its key stays in view without scrolling
        self.setFlow(QListView.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.Adjust)
        self.setGridSize(QSize(152, 22))
        self.setTextElideMode(Qt.ElideNone)
        self.itemClicked.connect(self._clicked)

    def set_schema(self, schema: Schema) -> None:
        self.clear()
        self._header("Entities")
        self._blank()
        for e in schema.entities:
            tip = e.description + "".join(f"\ne.g. {x}" for x in e.examples[:3])
            self._add(e.name, e.key, schema.color_of(e.name), tip)
        if schema.events:
            if self.count() % 2:
                self._blank()  # keep headers in the first column of the grid
            self._header("Events (E)")
            self._blank()
            for ev in schema.events:
                roles = ", ".join(r.name for r in ev.roles)
                tip = "\n".join(x for x in (ev.description, f"roles: {roles}" if roles else "")
                                 if x)
                self._add(ev.name, ev.key, schema.color_of(ev.name), tip)

    def _header(self, text: str) -> None:
        item = QListWidgetItem(text, self)
        f = item.font()
        f.setBold(True)
        item.setFont(f)
        item.setFlags(Qt.NoItemFlags)

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        # two columns that use the whole width, so long labels (WORK_OF_ART) stay readable.
        # The list wraps within its widest viewport less the style's scroll bar width, which
        # may be wider than the (flat) scroll bar shown: the narrower of the two, or one column
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None,
                                       self.verticalScrollBar())
        avail = min(self.viewport().width(), self.maximumViewportSize().width() - bar)
        self.setGridSize(QSize(max(110, (avail - 2) // 2), 22))

    def _blank(self) -> None:
        QListWidgetItem("", self).setFlags(Qt.NoItemFlags)

    def _add(self, name: str, key: str, color: str, tip: str) -> None:
        item = QListWidgetItem(swatch(color), (f"{key} " if key else "") + name, self)
        item.setData(Qt.UserRole, name)
        item.setToolTip(tip or name)

    def _clicked(self, item: QListWidgetItem) -> None:
        name = item.data(Qt.UserRole)
        if name:
            self.labelChosen.emit(name)
