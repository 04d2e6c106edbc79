"""The versions of the conflict being decided: numbered (the number keys select one), each
with who gave it and what gold says of it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from models.review.places import Conflict

STATE_TEXT = {None: "open", "accept": "✓ in gold", "reject": "✗ rejected",
              "replaced": "↺ replaced"}
STATE_COLOR = {None: "#c07a00", "accept": "#2e7d32", "reject": "#b3261e", "replaced": "#777777"}

HELP = ("1–9 select a version · Enter/A accept (replaces gold's version here) · "
        "Shift+A accept also · X reject · N / Shift+N next / previous conflict · "
        "Ctrl+Z undo · Ctrl+Shift+Z redo · in gold: drag edges to resize, Delete removes, "
        "L labels the selected text")


def describe_version(kind: str, key: tuple, text: str) -> str:
    if kind == "category":
        return f"{key[0]}  (the whole document)"
    if kind == "span":
        return f"{key[2]}  “{text[key[0]:key[1]]}”"
    if kind == "relation":
        return f"{key[4]}:  “{text[key[0]:key[1]]}” → “{text[key[2]:key[3]]}”"
    args = ", ".join(f"{role}=“{text[t[1]:t[2]]}”" for role, t in key[3])
    return f"{key[2]}  “{text[key[0]:key[1]]}”" + (f"  ({args})" if args else "")


class VersionsPanel(QWidget):
    chosen = Signal(int)  # row of the selected version
    activated = Signal(int)  # a version double-clicked: accept it

    def __init__(self, parent=None):
        super().__init__(parent)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 0, 0, 0)
        self.header = QLabel()
        self.header.setTextFormat(Qt.PlainText)
        self.header.setWordWrap(True)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.header.setFont(font)
        self.detail = QLabel()
        self.detail.setTextFormat(Qt.PlainText)
        self.detail.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("versions")
        self.list.setFocusPolicy(Qt.NoFocus)  # the keys belong to the window
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(self.chosen)
        self.list.itemDoubleClicked.connect(lambda it: self.activated.emit(self.list.row(it)))
        self.help = QLabel(HELP)
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.PlainText)
        for label in (self.header, self.detail, self.help):
            label.setMinimumWidth(1)  # wrap to the panel, never widen it past the window
            label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        box.addWidget(self.header)
        box.addWidget(self.detail)
        box.addWidget(self.list, 1)
        box.addWidget(self.help)

    def show_conflict(self, c: Conflict | None, text: str, position: str, row: int = 0) -> None:
        self.list.blockSignals(True)
        if c is None:
            self.list.clear()
            self.header.setText(position)
            self.detail.setText("")
            self.list.blockSignals(False)
            return
        snippet = c.place if c.kind == "category" else text[c.start:c.end].replace("\n", " ")
        if len(snippet) > 70:
            snippet = snippet[:67] + "…"
        self.header.setText(f"{position} · {c.kind} “{snippet}”")
        missing = f"missing in {', '.join(c.missing)}" if c.missing else \
            "every annotator labeled here"
        where = "the whole document" if c.kind == "category" else f"[{c.start}, {c.end})"
        self.detail.setText(f"{where} · {missing}")
        big = QFont(self.list.font())
        big.setPointSizeF(big.pointSizeF() * 1.1)
        rows = [(f"{i + 1}.  {describe_version(c.kind, v.key, text)}\n"
                 f"      {', '.join(v.annotators)} · {STATE_TEXT[v.decided]}",
                 QColor(STATE_COLOR[v.decided]) if v.decided else
                 self.list.palette().text().color()) for i, v in enumerate(c.versions)]
        if self.list.count() == len(rows):  # as many as shown: the items take the new
            for i, (label, color) in enumerate(rows):  # text (a clear and new items cost
                item = self.list.item(i)  # a third of a millisecond a decision)
                if item.text() != label:
                    item.setText(label)
                if item.font() != big:
                    item.setFont(big)
                if item.foreground().color() != color:
                    item.setForeground(color)
            self.list.scrollToTop()  # where a list filled anew starts
        else:
            self.list.clear()
            for label, color in rows:
                item = QListWidgetItem(label)
                item.setFont(big)
                item.setForeground(color)
                self.list.addItem(item)
        self.list.setCurrentRow(max(0, min(row, len(c.versions) - 1)))
        self.list.blockSignals(False)

    def row(self) -> int:
        return self.list.currentRow()

    def select(self, row: int) -> bool:
        if 0 <= row < self.list.count():
            self.list.setCurrentRow(row)
            return True
        return False
