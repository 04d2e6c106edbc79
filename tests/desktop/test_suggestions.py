"""Reviewing suggestions by keyboard: Tab, Enter/A, Backspace/X, accept all."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.desktop.helpers import press, spans


def suggest(window, db, needle: str, label: str) -> int:
    text = window.ws.view.text
    i = text.index(needle)
    ch = db.create_span(window.ws.document_id, i, i + len(needle), label, state="suggested",
                        source="model", suggester="test-model", score=0.9)
    window.edits.refresh()  # as after a suggestion job: the window reloads the layer
    return ch.id


def state_of(db, doc, span_id):
    return next(s for s in db.load(doc).spans if s.id == span_id)


def test_tab_then_enter_accepts_and_backspace_rejects(qtbot, window, db):
    a = suggest(window, db, "Honduras", "GPE")
    b = suggest(window, db, "Tenosique", "GPE")
    doc = window.ws.document_id
    press(qtbot, window, Qt.Key_Tab)
    assert window.docview.selected_span() == a
    press(qtbot, window, Qt.Key_Return)
    assert state_of(db, doc, a).state == "accepted"
    assert window.docview.selected_span() == b  # moved on to the next suggestion
    press(qtbot, window, Qt.Key_Backspace)
    assert state_of(db, doc, b).state == "rejected"
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert state_of(db, doc, b).state == "suggested"


def test_letter_keys_and_a_label_key_on_a_suggestion(qtbot, window, db):
    a = suggest(window, db, "Honduras", "GPE")
    b = suggest(window, db, "Tenosique", "GPE")
    c = suggest(window, db, "Tabasco", "GPE")
    doc = window.ws.document_id
    press(qtbot, window, Qt.Key_Tab)
    press(qtbot, window, Qt.Key_A)
    press(qtbot, window, Qt.Key_X)
    assert window.docview.selected_span() == c
    press(qtbot, window, Qt.Key_4)  # accept as LOC instead of GPE
    assert (state_of(db, doc, a).state, state_of(db, doc, b).state) == ("accepted", "rejected")
    assert (state_of(db, doc, c).state, state_of(db, doc, c).label) == ("accepted", "LOC")
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert (state_of(db, doc, c).state, state_of(db, doc, c).label) == ("suggested", "GPE")


def test_accept_all_is_one_undo_step(qtbot, window, db):
    ids = [suggest(window, db, w, "GPE") for w in ("Honduras", "Tenosique", "Mexico")]
    doc = window.ws.document_id
    press(qtbot, window, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)
    assert {state_of(db, doc, i).state for i in ids} == {"accepted"}
    assert window.undo.count() == 1
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert {state_of(db, doc, i).state for i in ids} == {"suggested"}
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert {state_of(db, doc, i).state for i in ids} == {"accepted"}
    assert len(spans(db, doc, state="accepted")) == 3
