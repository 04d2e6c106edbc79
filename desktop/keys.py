"""Single-key shortcuts (label keys, Enter, Backspace, Tab...) belong to the document view:
while the focus is in a text field (comment, kb_id, find), that field gets its keys."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit

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
    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.ShortcutOverride and _is_text_input(obj):
            mods = ev.modifiers() & ~Qt.KeypadModifier
            if mods in (Qt.NoModifier, Qt.ShiftModifier) and ev.key() != Qt.Key_Escape:
                ev.accept()  # the field takes the key instead of the window's shortcut
        return False
