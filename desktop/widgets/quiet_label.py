"""A label for text that changes with every edit (the selected label's title, the document
list's totals). A QLabel asks its parents for a new layout on every setText, which relayouts
and repaints half the window on each keystroke; this one keeps the height of `lines` lines
whatever it shows and repaints only itself. What does not fit is cut (plain text: elided),
and the tooltip shows all of it."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QSizePolicy, QWidget


class QuietLabel(QWidget):
    def __init__(self, text: str = "", *, lines: int = 1, rich: bool = False, parent=None):
        super().__init__(parent)
        self.lines, self.rich = lines, rich
        self._text = ""
        self._doc = QTextDocument(self) if rich else None  # rich text: laid out when painted
        if self._doc is not None:
            self._doc.setDocumentMargin(0)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def plain_text(self) -> str:
        return self._doc.toPlainText() if self._doc is not None else self._text

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        if self._doc is not None:
            self._doc.setHtml(text)
        self.setToolTip(self.plain_text())
        self.update()  # never updateGeometry(): the size does not depend on the text

    def sizeHint(self) -> QSize:
        return QSize(120, self.fontMetrics().lineSpacing() * self.lines + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(1, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        color = self.palette().color(QPalette.ColorRole.WindowText)
        if self._doc is None:
            p.setPen(color)
            shown = self.fontMetrics().elidedText(self._text.replace("\n", " "),
                                                  Qt.TextElideMode.ElideRight, self.width())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       shown)
        else:
            self._doc.setDefaultFont(self.font())
            self._doc.setTextWidth(self.width())
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.palette.setColor(QPalette.ColorRole.Text, color)
            ctx.clip = QRectF(self.rect())
            p.setClipRect(self.rect())
            self._doc.documentLayout().draw(p, ctx)
        p.end()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.updateGeometry()  # a new line height: the one time the size changes
