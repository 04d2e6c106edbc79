"""The document's categories above its text: one row of chips per category group.

An accepted category is a filled chip in its colour; a suggestion is an outlined chip with
its score and a ✕ beside it (click the chip to accept, ✕ to reject); a rejected category
is struck through. Clicking a chip does what its key does (the Categories menu)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

from desktop.widgets.flow_layout import FlowLayout
from models.schema import Schema
from models.views import LayerView


def _text_on(color: str) -> str:
    """Black or white, whichever reads on `color`."""
    c = QColor(color)
    return "#000" if (0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()) > 150 else "#fff"


class CategoryBar(QWidget):
    toggleRequested = Signal(str)  # a category's name: what its key does
    decideRequested = Signal(int, bool)  # a category row's id, accept (True) or reject

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("category_bar")
        self.schema: Schema | None = None
        self.chips: dict[str, QToolButton] = {}
        self.reject_buttons: dict[str, QToolButton] = {}
        self._suggested: dict[str, int] = {}  # name -> the row id of a shown suggestion
        self._shown: dict[str, tuple] = {}  # name -> what its chip shows now
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(6, 0, 6, 2)
        self._rows.setSpacing(2)
        self.hide()

    def set_schema(self, schema: Schema) -> None:
        """One row per group: its name, then a chip per category."""
        self.schema = schema
        while self._rows.count():
            item = self._rows.takeAt(0)
            if item.layout() is not None:
                while item.layout().count():
                    w = item.layout().takeAt(0).widget()
                    if w is not None:
                        w.deleteLater()
        self.chips, self.reject_buttons, self._shown = {}, {}, {}
        for group in schema.categories:
            row = FlowLayout()
            head = QLabel(f"{group.name}:")
            head.setToolTip((group.description + "\n" if group.description else "")
                            + ("one of these" if group.exclusive else "any of these"))
            row.addWidget(head)
            for cat in group.categories:
                chip = QToolButton()
                chip.setObjectName(f"category_{cat.name}")
                chip.setAutoRaise(False)
                chip.clicked.connect(lambda _=False, n=cat.name: self.toggleRequested.emit(n))
                row.addWidget(chip)
                self.chips[cat.name] = chip
                head.setMinimumHeight(chip.sizeHint().height())  # on the chips' middle line
                no = QToolButton()
                no.setObjectName(f"reject_category_{cat.name}")
                no.setText("✕")
                no.setToolTip(f"Reject the suggestion {cat.name}")
                no.setAutoRaise(True)
                no.clicked.connect(lambda _=False, n=cat.name: self._reject(n))
                no.hide()
                row.addWidget(no)
                self.reject_buttons[cat.name] = no
            self._rows.addLayout(row)
        self.setVisible(bool(schema.categories))

    def show_layer(self, view: LayerView | None) -> None:
        if self.schema is None:
            return
        for name, chip in self.chips.items():
            cat = self.schema.category(name)
            row = view.category(name) if view is not None else None
            state = row.state if row is not None else None
            if state == "suggested":
                self._suggested[name] = row.id
            else:
                self._suggested.pop(name, None)
            shown = (state, row.score, row.suggester, row.source) if row is not None else ()
            if self._shown.get(name) == shown:
                continue  # restyling a chip relayouts the bar: only the ones that changed
            self._shown[name] = shown
            key = QKeySequence(cat.key).toString(QKeySequence.NativeText) if cat.key else ""
            score = f" {row.score:.2f}" if row is not None and row.score is not None else ""
            chip.setText(name + (score if state == "suggested" else ""))
            color = cat.color or "#888"
            if state == "accepted":
                style = (f"background: {color}; color: {_text_on(color)}; "
                         f"border: 1px solid {color}; font-weight: bold;")
                tip = "accepted: click (or the key) to take it off"
            elif state == "suggested":
                style = f"border: 2px dashed {color};"
                who = row.suggester or row.source
                tip = f"suggested by {who}{score}: click to accept, ✕ to reject"
            elif state == "rejected":
                style = "color: gray; text-decoration: line-through; border: 1px solid gray;"
                tip = "rejected: click to give the document this category after all"
            else:
                style = f"border: 1px solid {color};"
                tip = "click (or the key) to give the document this category"
            chip.setStyleSheet(f"QToolButton {{ {style} border-radius: 8px; "
                               "padding: 1px 8px; }")
            chip.setToolTip(f"{name}" + (f" ({key})" if key else "")
                            + (f": {cat.description}" if cat.description else "")
                            + f"\n{tip}")
            chip.setProperty("state", state or "")
            self.reject_buttons[name].setVisible(state == "suggested")
        if self.isEnabled() != (view is not None):
            self.setEnabled(view is not None)

    def _reject(self, name: str) -> None:
        if name in self._suggested:
            self.decideRequested.emit(self._suggested[name], False)

    def state_of(self, name: str) -> str:
        """What the chip shows: accepted, suggested, rejected or "" (for tests and tips)."""
        chip = self.chips.get(name)
        return chip.property("state") or "" if chip is not None else ""

