"""A yes/no question answered by keys: Enter goes ahead, Esc cancels."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QMessageBox


def confirm(parent, title: str, text: str, go: str) -> bool:
    """True when the person accepts (the default button, "go"), False on Esc or Cancel."""
    previous = QApplication.focusWidget()
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("confirm")
    ok = box.addButton(go, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(ok)
    box.setEscapeButton(cancel)
    box.exec()
    accepted = box.clickedButton() is ok
    box.deleteLater()
    if previous is not None:  # keys go back to where the annotator was working
        previous.activateWindow()
        previous.setFocus()
    return accepted
