"""Single-key shortcuts (label keys, Enter, Backspace, Tab...) belong to the document view:
while the focus is in a text field (comment, kb_id, find), that field gets its keys."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit)

_PLAIN = (Qt.NoModifier, Qt.ShiftModifier, Qt.KeypadModifier)


def _is_text_input(w) -> bool:
    if isinstance(w, QLineEdit):
        return not w.isReadOnly()
    if isinstance(w, (QTextEdit, QPlainTextEdit)):
        return not w.isReadOnly()
    if isinstance(w, QComboBox):
        return w.isEditable()
    return isinstance(w, QAbstractSpinBox)


class TextInputGuard(QObject):
    """Watches only the focused text field: a filter on the whole application would run
    Python for every event of every widget (each paint of each edit included)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._watched = None
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old, new) -> None:
        if self._watched is not None:
            try:
                self._watched.removeEventFilter(self)
            except RuntimeError:  # the field was deleted meanwhile
                pass
            self._watched = None
        if new is not None and _is_text_input(new):
            new.installEventFilter(self)
            self._watched = new

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.ShortcutOverride and _is_text_input(obj):
            mods = ev.modifiers() & ~Qt.KeypadModifier
            if mods in (Qt.NoModifier, Qt.ShiftModifier) and ev.key() != Qt.Key_Escape:
                ev.accept()  # the field takes the key instead of the window's shortcut
        return False
