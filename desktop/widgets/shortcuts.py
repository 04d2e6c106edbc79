"""Help > Keyboard shortcuts: every menu action and its keys, generated from the menus."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from desktop.actions import shortcut_rows

EXTRA = [
    ("Text", "Select text", "mouse drag, or Shift+arrows"),
    ("Text", "Select a label", "click it"),
    ("Text", "Relation by mouse", "drag from the head label onto the tail label"),
]


class ShortcutsDialog(QDialog):
    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(620, 640)
        lay = QVBoxLayout(self)
        self.filter = QLineEdit(placeholderText="Filter…")
        lay.addWidget(self.filter)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Menu", "Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(1, QHeaderView.Stretch)
        for menu, action, keys in shortcut_rows(window.menuBar()) + EXTRA:
            QTreeWidgetItem(self.tree, [menu, action, keys])
        self.tree.resizeColumnToContents(0)
        lay.addWidget(self.tree)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.close)
        lay.addWidget(buttons)
        self.filter.textChanged.connect(self._filter)

    def _filter(self, text: str) -> None:
        t = text.lower()
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            it.setHidden(bool(t) and not any(t in it.text(c).lower() for c in range(3)))

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.tree.topLevelItem(i).text(c) for c in range(3))
                for i in range(self.tree.topLevelItemCount())]
