"""Labeling the whole document (Ctrl+A, then a label key) or a long stretch asks first
(issue 18): Enter labels it, Esc leaves it unlabeled."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.desktop.helpers import press, select_text, spans


def answer_confirm(qtbot, key, seen: list) -> None:
    def handle():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, handle)
            return
        seen.append(box.text())
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, handle)


def test_a_whole_document_selection_is_asked_about(qtbot, window, db):
    doc = window.ws.view.document_id
    text = window.ws.view.text
    window.docview.setFocus()
    press(qtbot, window, Qt.Key_A, Qt.ControlModifier)
    assert window.docview.selection() == (0, len(text))
    seen: list[str] = []
    answer_confirm(qtbot, Qt.Key_Escape, seen)
    press(qtbot, window, Qt.Key_3)  # GPE
    assert seen == ["Label the whole document as GPE?"]
    assert spans(db, doc) == []
    assert window.undo.count() == 0
    # asked again, Enter goes ahead: one span over the whole text
    answer_confirm(qtbot, Qt.Key_Return, seen)
    press(qtbot, window, Qt.Key_3)
    assert len(seen) == 2
    [span] = spans(db, doc)
    assert (span.start, span.end, span.label) == (0, len(text), "GPE")


def test_over_300_characters_is_asked_about_and_a_sentence_is_not(qtbot, window, db):
    doc = window.ws.view.document_id
    text = window.ws.view.text
    start = text.index("President Joe Biden")
    window.docview.set_selection(start, start + 301)
    seen: list[str] = []
    answer_confirm(qtbot, Qt.Key_Escape, seen)
    press(qtbot, window, Qt.Key_3)
    assert seen == ["Label 301 characters as GPE?"]
    assert spans(db, doc) == []
    # an ordinary selection is labeled at once, no question
    select_text(window, "Honduras")
    press(qtbot, window, Qt.Key_3)
    qtbot.wait(50)
    assert len(seen) == 1
    assert [(s.label, text[s.start:s.end]) for s in spans(db, doc)] == [("GPE", "Honduras")]
