"""A label for text that changes with every edit (the selected label's title, the document
list's totals). A QLabel asks its parents for a new layout on every setText, which relayouts
and repaints half the window on each keystroke; this one keeps the height of `lines` lines
whatever it shows and repaints only itself.

The text is always plain (never interpreted as markup: it quotes the article); its first
`bold` characters are drawn bold. It wraps to at most `lines` lines; the rest is cut, and the
tooltip shows all of it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QFont, QPainter, QPalette, QTextCharFormat, QTextLayout, QTextOption
from PySide6.QtWidgets import QSizePolicy, QWidget


class QuietLabel(QWidget):
    def __init__(self, text: str = "", *, lines: int = 1, parent=None):
        super().__init__(parent)
        self.lines = lines
        self._text, self._bold = "", 0
        self._layout: QTextLayout | None = None  # made when painted, for the current width
        self._laid_width = -1
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str, bold: int = 0) -> None:
        if (text, bold) == (self._text, self._bold):
            return
        self._text, self._bold = text, bold
        self._layout = None
        self.setToolTip(text if self.lines > 1 or len(text) > 40 else "")
        self.update()  # never updateGeometry(): the size does not depend on the text

    def sizeHint(self) -> QSize:
        return QSize(120, self.fontMetrics().lineSpacing() * self.lines + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(1, self.sizeHint().height())

    def _laid_out(self) -> QTextLayout:
        width = max(1, self.width())
        if self._layout is not None and self._laid_width == width:
            return self._layout
        layout = QTextLayout(self._text.replace("\n", " "), self.font())
        opt = QTextOption()
        opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(opt)
        if self._bold:
            fmt = QTextCharFormat()
            fmt.setFontWeight(QFont.Weight.Bold)
            rng = QTextLayout.FormatRange()
            rng.start, rng.length, rng.format = 0, self._bold, fmt
            layout.setFormats([rng])
        layout.beginLayout()
        y = 0.0
        for _ in range(self.lines):
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        self._layout, self._laid_width = layout, width
        return layout

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        p.setClipRect(self.rect())
        self._laid_out().draw(p, QPointF(0, 1))
        p.end()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._layout = None
            self.updateGeometry()  # a new line height: the one time the size changes
