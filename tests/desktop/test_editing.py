"""Labelling by keyboard in the real window, checked in the database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.desktop.helpers import press, select_text, spans


def doc_id(window) -> int:
    return window.ws.document_id


def test_label_key_labels_the_selection(qtbot, window, db):
    start, end = select_text(window, "Joe Biden")
    press(qtbot, window, Qt.Key_1)
    stored = spans(db, doc_id(window))
    assert [(s.start, s.end, s.label, s.state) for s in stored] == [
        (start, end, "PERSON", "accepted")]


def test_label_key_without_selection_is_refused(qtbot, window, db):
    window.docview.set_selection(-1, -1)
    press(qtbot, window, Qt.Key_1)
    assert spans(db, doc_id(window)) == []
    assert "select some text" in window.statusBar().currentMessage()


def test_relabel_resize_delete_with_undo_and_redo(qtbot, window, db):
    start, end = select_text(window, "Joe Biden")
    press(qtbot, window, Qt.Key_1)  # PERSON, and the new label is selected
    (sp,) = spans(db, doc_id(window))
    assert window.docview.selected_span() == sp.id

    press(qtbot, window, Qt.Key_2)  # relabel to ORG
    assert spans(db, doc_id(window))[0].label == "ORG"

    press(qtbot, window, Qt.Key_Left, Qt.AltModifier | Qt.ShiftModifier)  # grow start
    text = window.ws.view.text.replace("\xa0", " ")
    s = spans(db, doc_id(window))[0]
    assert text[s.start:s.end] == "President Joe Biden"

    press(qtbot, window, Qt.Key_Right, Qt.AltModifier | Qt.ControlModifier)  # shrink start
    s = spans(db, doc_id(window))[0]
    assert text[s.start:s.end] == "Joe Biden"

    press(qtbot, window, Qt.Key_Delete)
    assert spans(db, doc_id(window)) == []

    undo = (Qt.Key_Z, Qt.ControlModifier)
    redo = (Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    press(qtbot, window, *undo)  # the span is back, with its id
    (s,) = spans(db, doc_id(window))
    assert (s.id, s.label, text[s.start:s.end]) == (sp.id, "ORG", "Joe Biden")
    press(qtbot, window, *undo)  # un-shrink
    assert text[spans(db, doc_id(window))[0].start:end] == "President Joe Biden"
    press(qtbot, window, *undo)  # un-grow
    press(qtbot, window, *undo)  # un-relabel
    assert [(x.start, x.end, x.label) for x in spans(db, doc_id(window))] == [
        (start, end, "PERSON")]
    press(qtbot, window, *undo)  # un-create
    assert spans(db, doc_id(window)) == []
    press(qtbot, window, *redo)
    press(qtbot, window, *redo)
    assert [(x.id, x.label) for x in spans(db, doc_id(window))] == [(sp.id, "ORG")]
    for _ in range(3):
        press(qtbot, window, *redo)
    assert spans(db, doc_id(window)) == []


def test_edit_of_a_label_deleted_elsewhere_reloads_and_says_so(qtbot, window, db):
    select_text(window, "Joe Biden")
    press(qtbot, window, Qt.Key_1)
    (sp,) = spans(db, doc_id(window))
    db.delete_span(sp.id)  # someone else, meanwhile
    press(qtbot, window, Qt.Key_2)  # relabel what is no longer there
    assert spans(db, doc_id(window)) == []
    msg = window.statusBar().currentMessage()
    assert "no longer exists" in msg and "reloaded" in msg
    assert window.ws.view.spans == []


def test_label_all_occurrences_is_one_undo_step(qtbot, window, db):
    select_text(window, "Biden")
    press(qtbot, window, Qt.Key_1)
    n = window.ws.view.text.count("Biden")
    press(qtbot, window, Qt.Key_L, Qt.ControlModifier)
    assert len(spans(db, doc_id(window), label="PERSON")) == n > 2
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert len(spans(db, doc_id(window))) == 1


def test_undo_of_a_resize_gives_a_discontinuous_span_its_fragments_back(qtbot, window, db):
    text = window.ws.view.text
    first = text.index("Joe Biden")
    second = first + len("Joe ")
    made = db.create_span(doc_id(window), first, second + len("Biden"), "PERSON",
                          fragments=[[first, first + 3], [second, second + 5]])
    window.ws.reload()
    window.edits.select(made.id)
    press(qtbot, window, Qt.Key_Left, Qt.AltModifier | Qt.ShiftModifier)  # grow start
    (s,) = spans(db, doc_id(window))
    assert s.start < first and s.fragments is None
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    (s,) = spans(db, doc_id(window))
    assert (s.start, s.end) == (first, second + 5)
    assert [list(f) for f in s.fragments] == [[first, first + 3], [second, second + 5]]
    assert window.ws.view.span(made.id).fragments == ((first, first + 3), (second, second + 5))
