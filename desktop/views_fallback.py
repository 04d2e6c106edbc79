"""A minimal document view with the interface of desktop.views.document_view.DocumentView.

Used only until the full view (arcs, stacked labels) is available: a read-only
QPlainTextEdit (plain text, never HTML) with spans painted as ExtraSelections.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from desktop.tokens import Tokens
from models.schema import Schema
from models.views import LayerView


class _Offsets:
    """Python code-point offsets <-> Qt UTF-16 positions (they differ past the BMP)."""

    def __init__(self, text: str):
        self.wide = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def to_qt(self, i: int) -> int:
        if not self.wide:
            return i
        from bisect import bisect_left
        return i + bisect_left(self.wide, i)

    def from_qt(self, q: int) -> int:
        if not self.wide:
            return q
        i = q
        for w in self.wide:  # few in practice; each wide char before i costs one unit
            if self.to_qt(w) < q:
                i -= 1
        return i


class _Editor(QPlainTextEdit):
    clicked = Signal(int)  # qt position of a plain click
    released = Signal()

    def mouseReleaseEvent(self, e):
        super().mouseReleaseEvent(e)
        if e.button() == Qt.LeftButton:
            if not self.textCursor().hasSelection():
                self.clicked.emit(self.cursorForPosition(e.position().toPoint()).position())
            self.released.emit()


class DocumentView(QWidget):
    selectionChanged = Signal(int, int)
    spanActivated = Signal(int)
    relationDragged = Signal(int, int)
    resizeRequested = Signal(int, int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.editor = _Editor(self)
        self.editor.setReadOnly(True)
        self.editor.setTextInteractionFlags(Qt.TextSelectableByMouse |
                                            Qt.TextSelectableByKeyboard)
        self.editor.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        font = QFont(self.editor.font())
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.15)
        self.editor.setFont(font)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.editor)
        self._view: LayerView | None = None
        self._schema: Schema | None = None
        self._tokens = Tokens("")
        self._off = _Offsets("")
        self._snap = True
        self._dark = False
        self._selected: int | None = None
        self._sel: tuple[int, int] | None = None
        self._mouse_down = False
        self.editor.selectionChanged.connect(self._on_cursor_selection)
        self.editor.released.connect(self._on_release)
        self.editor.clicked.connect(self._on_click)
        self.setFocusProxy(self.editor)

    # ---- content ---------------------------------------------------------------------------
    def set_document(self, view: LayerView, schema: Schema) -> None:
        self._schema = schema
        self._tokens = Tokens(view.text)
        self._off = _Offsets(view.text)
        # \r and the Unicode separators would become block breaks: keep offsets one-to-one
        shown = view.text.replace("\r", " ").replace("\u2028", "\n").replace("\u2029", "\n")
        self.editor.setPlainText(shown)
        self._selected = None
        self._sel = None
        self._view = view
        self._paint()

    def apply(self, view: LayerView) -> None:
        self._view = view
        if self._selected is not None and view.span(self._selected) is None:
            self._selected = None
        self._paint()

    def _paint(self) -> None:
        if self._view is None or self._schema is None:
            return
        out = []
        doc = self.editor.document()
        for sp in self._view.spans:
            if sp.state == "rejected":
                continue
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(doc)
            cur.setPosition(self._off.to_qt(sp.start))
            cur.setPosition(self._off.to_qt(sp.end), QTextCursor.KeepAnchor)
            sel.cursor = cur
            fmt = QTextCharFormat()
            color = QColor(self._schema.color_of(sp.label))
            if sp.state == "suggested":
                color.setAlpha(70)
                fmt.setUnderlineStyle(QTextCharFormat.DashUnderline)
                fmt.setUnderlineColor(QColor(self._schema.color_of(sp.label)))
            else:
                color.setAlpha(150 if self._dark else 170)
            if sp.id == self._selected:
                color.setAlpha(255)
                fmt.setFontWeight(QFont.Bold)
                fmt.setUnderlineStyle(QTextCharFormat.SingleUnderline)
            fmt.setBackground(color)
            fmt.setToolTip(f"{sp.label} ({sp.state})")
            sel.format = fmt
            out.append(sel)
        self.editor.setExtraSelections(out)

    # ---- selection ----------------------------------------------------------------------------
    def _cursor_range(self) -> tuple[int, int] | None:
        cur = self.editor.textCursor()
        if not cur.hasSelection():
            return None
        return self._off.from_qt(cur.selectionStart()), self._off.from_qt(cur.selectionEnd())

    def _on_cursor_selection(self) -> None:
        rng = self._cursor_range()
        if rng is None:
            if self._sel is not None:
                self._sel = None
                self.selectionChanged.emit(-1, -1)
            return
        s, e = self._tokens.snap(*rng) if self._snap else rng
        if (s, e) != self._sel:
            self._sel = (s, e)
            self.selectionChanged.emit(s, e)

    def _on_release(self) -> None:
        if self._sel and self._snap:  # show the snapped range the label will cover
            self._show_selection(*self._sel)

    def _on_click(self, qpos: int) -> None:
        pos = self._off.from_qt(qpos)
        hit = None
        if self._view is not None:
            inside = [sp for sp in self._view.spans
                      if sp.state != "rejected" and sp.start <= pos < sp.end]
            if inside:
                hit = min(inside, key=lambda sp: sp.end - sp.start).id
        self._selected = hit
        self._paint()
        self.spanActivated.emit(hit if hit is not None else -1)

    def _show_selection(self, start: int, end: int) -> None:
        cur = self.editor.textCursor()
        cur.setPosition(self._off.to_qt(start))
        cur.setPosition(self._off.to_qt(end), QTextCursor.KeepAnchor)
        self.editor.blockSignals(True)
        self.editor.setTextCursor(cur)
        self.editor.blockSignals(False)

    def selection(self) -> tuple[int, int] | None:
        return self._sel

    def set_selection(self, start: int, end: int) -> None:
        if start < 0 or end <= start:
            cur = self.editor.textCursor()
            cur.clearSelection()
            self.editor.setTextCursor(cur)
            return
        s, e = self._tokens.snap(start, end) if self._snap else (start, end)
        self._show_selection(s, e)
        self._sel = (s, e)
        self.selectionChanged.emit(s, e)

    def selected_span(self) -> int | None:
        return self._selected

    def select_span(self, span_id: int | None) -> None:
        self._selected = span_id
        if span_id is not None and self._view is not None:
            sp = self._view.span(span_id)
            if sp is not None:
                cur = self.editor.textCursor()
                cur.setPosition(self._off.to_qt(sp.start))
                self.editor.blockSignals(True)
                self.editor.setTextCursor(cur)
                self.editor.blockSignals(False)
                self._sel = None
                self.editor.ensureCursorVisible()
        self._paint()

    def set_snap_to_tokens(self, on: bool) -> None:
        self._snap = on

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        self._paint()

    def find(self, text: str, forward: bool = True) -> bool:
        if not text:
            return False
        flags = QTextDocument.FindFlags() if forward else QTextDocument.FindBackward
        found = self.editor.find(text, flags)
        if not found:  # wrap around once
            cur = self.editor.textCursor()
            cur.movePosition(QTextCursor.Start if forward else QTextCursor.End)
            self.editor.setTextCursor(cur)
            found = self.editor.find(text, flags)
        return found

    def visible_range(self) -> tuple[int, int]:
        top = self.editor.cursorForPosition(self.editor.viewport().rect().topLeft())
        bottom = self.editor.cursorForPosition(self.editor.viewport().rect().bottomRight())
        return self._off.from_qt(top.position()), self._off.from_qt(bottom.position())
