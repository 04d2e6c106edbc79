"""The document's entity labels as a lazy table model: only the rows on screen are drawn,
so a layer of thousands of spans refreshes in constant time after an edit."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop.widgets.palette import swatch

STATE_MARK = {"suggested": " ?", "rejected": " ✗", "accepted": ""}
STATE_TIP = {"suggested": "suggested: Enter accepts, Backspace rejects",
             "rejected": "rejected suggestion"}
_GREY = QColor(128, 128, 128)  # readable in both themes
# Roles as plain ints: comparing with Qt's enum members costs microseconds each, and the
# view asks data() for every role of every visible cell on each repaint.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_HORIZONTAL = Qt.Orientation.Horizontal
_USED = {_DISPLAY, _DECORATION, _FOREGROUND, _FONT, _TOOLTIP}


class SpanTableModel(QAbstractTableModel):
    HEADERS = ("Label", "Text")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.view = None
        self.schema = None
        self._icons: dict[str, object] = {}
        self._italic = QFont()
        self._italic.setItalic(True)

    def set_layer(self, view, schema) -> None:
        """Show a layer. After an edit (same document, a patched layer whose untouched
        SpanViews are the same objects) only the rows that changed are signalled, so the
        table does not lay itself out again for one label."""
        old = self.view
        if (old is None or view is None or schema is not self.schema
                or old.document_id != view.document_id or old.text is not view.text):
            self.beginResetModel()
            self.view, self.schema = view, schema
            self.endResetModel()
            return
        a, b = old.spans, view.spans
        n = min(len(a), len(b))
        lo = 0
        while lo < n and a[lo] is b[lo]:
            lo += 1
        hi_a, hi_b = len(a), len(b)  # a[lo:hi_a] became b[lo:hi_b]
        while hi_a > lo and hi_b > lo and a[hi_a - 1] is b[hi_b - 1]:
            hi_a -= 1
            hi_b -= 1
        if hi_a - lo > 64 or hi_b - lo > 64:  # a bulk change: simpler to start over
            self.beginResetModel()
            self.view = view
            self.endResetModel()
            return
        common = min(hi_a, hi_b)
        if hi_a > common:
            self.beginRemoveRows(QModelIndex(), common, hi_a - 1)
            self.view = view  # rows common..hi_a-1 of the old list are gone
            self.endRemoveRows()
        elif hi_b > common:
            self.beginInsertRows(QModelIndex(), common, hi_b - 1)
            self.view = view
            self.endInsertRows()
        self.view = view
        if common > lo:
            self.dataChanged.emit(self.index(lo, 0), self.index(common - 1, 1))

    def span_at(self, row: int):
        return self.view.spans[row] if self.view and 0 <= row < len(self.view.spans) else None

    def row_of(self, span_id: int) -> int:
        for i, sp in enumerate(self.view.spans if self.view else []):
            if sp.id == span_id:
                return i
        return -1

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() or self.view is None else len(self.view.spans)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 2

    def headerData(self, section, orientation, role=_DISPLAY):
        if getattr(role, "value", role) == _DISPLAY and orientation == _HORIZONTAL:
            return self.HEADERS[section]
        return None

    def data(self, index, role=_DISPLAY):
        role = getattr(role, "value", role)
        if role not in _USED:
            return None
        sp = self.span_at(index.row())
        if sp is None:
            return None
        col = index.column()
        if role == _DISPLAY:
            if col == 0:
                return sp.label + STATE_MARK.get(sp.state, "")
            return self.view.text[sp.start:sp.end].replace("\n", " ")
        if role == _DECORATION:
            if col != 0:
                return None
            icon = self._icons.get(sp.label)
            if icon is None:
                icon = self._icons[sp.label] = swatch(self.schema.color_of(sp.label))
            return icon
        if role == _FOREGROUND:
            return _GREY if sp.state != "accepted" else None
        if role == _FONT:
            return self._italic if sp.state != "accepted" else None
        tip = STATE_TIP.get(sp.state, "")
        kb = f"kb_id {sp.kb_id}" if sp.kb_id else ""
        return "\n".join(x for x in (f"[{sp.start}, {sp.end})", kb, tip) if x)
