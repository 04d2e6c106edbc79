"""Driving the window as a user: keys to the focused widget, selections by text."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication


def press(qtbot, window, key, modifier=Qt.NoModifier) -> None:
    if QApplication.activeWindow() is not window:  # a dialog just closed: back to the window
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    target = QApplication.focusWidget() or window.docview
    qtbot.keyClick(target, key, modifier)


def select_text(window, needle: str, nth: int = 0) -> tuple[int, int]:
    text = window.ws.view.text
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    window.docview.set_selection(start, start + len(needle))
    return start, start + len(needle)


def answer_picker(qtbot, choose: str | None, seen: list | None = None) -> None:
    """When the next picker dialog opens: record what it offers, then choose (None: cancel)."""

    def handle():
        from desktop.widgets.picker import PickerDialog

        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, PickerDialog):
            QTimer.singleShot(20, handle)
            return
        if seen is not None:
            seen.extend(dlg.items())
        if choose is None:
            dlg.reject()
            return
        dlg.list.setCurrentRow(dlg.items().index(choose))
        qtbot.keyClick(dlg.list, Qt.Key_Return)

    QTimer.singleShot(0, handle)


def spans(db, doc_id: int, **filters):
    view = db.load(doc_id)
    out = [s for s in view.spans if all(getattr(s, k) == v for k, v in filters.items())]
    return out
