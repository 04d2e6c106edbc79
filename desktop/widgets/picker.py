"""A small modal list to pick one item by keyboard (arrows + Enter, or its number) or mouse."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)


class PickerDialog(QDialog):
    def __init__(self, parent, title: str, prompt: str, items: list[str],
                 current: str | None = None):
        super().__init__(parent)
        self.setObjectName("picker")
        self.setWindowTitle(title)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(prompt))
        self.list = QListWidget()
        for i, text in enumerate(items):
            QListWidgetItem(f"{i + 1}. {text}" if i < 9 else text, self.list).setData(
                Qt.UserRole, text)
        self.list.setCurrentRow(items.index(current) if current in items else 0)
        self.list.itemActivated.connect(lambda _: self.accept())
        self.list.installEventFilter(self)  # the list has the focus: it would eat the digits
        lay.addWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def items(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]

    def keyPressEvent(self, e):
        if not self._by_number(e):
            super().keyPressEvent(e)

    def eventFilter(self, obj, e):
        if obj is self.list and e.type() == QEvent.Type.KeyPress and self._by_number(e):
            return True
        return super().eventFilter(obj, e)

    def _by_number(self, e) -> bool:
        """A digit key picks the item of that number (the list would only move to it)."""
        text = e.text()
        if text.isdigit() and 0 < int(text) <= min(9, self.list.count()):
            self.list.setCurrentRow(int(text) - 1)
            self.accept()
            return True
        return False

    def choice(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.UserRole) if item else None


def pick(parent, title: str, prompt: str, items: list[str],
         current: str | None = None) -> str | None:
    """The chosen item, or None when cancelled. One item is still confirmed (no surprises)."""
    from PySide6.QtWidgets import QApplication

    previous = QApplication.focusWidget()
    dlg = PickerDialog(parent, title, prompt, items, current)
    choice = dlg.choice() if dlg.exec() == QDialog.Accepted else None
    dlg.deleteLater()
    if previous is not None:  # keys go back to where the annotator was working
        previous.activateWindow()
        previous.setFocus()
    return choice
