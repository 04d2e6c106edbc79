"""In the window: rejecting a suggested trigger rejects its event, one undo step; accept
all leaves an event whose trigger is rejected as it is and accepts the rest."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models.errors import ValidationError
from tests.desktop.helpers import press


def at(window, needle: str) -> tuple[int, int]:
    i = window.ws.view.text.index(needle)
    return i, i + len(needle)


def suggested_event(db, window, needle: str, etype: str) -> tuple[int, int]:
    ch = db.create_event_at(window.ws.document_id, *at(window, needle), etype,
                            state="suggested", source="model", suggester="rules")
    return ch.children[0].id, ch.id  # (trigger span, event)


def state(db, doc, kind: str, row_id: int) -> str:
    view = db.load(doc)
    rows = view.spans if kind == "span" else view.events
    return next(r.state for r in rows if r.id == row_id)


def test_rejecting_a_trigger_in_the_window_is_one_undo_step(qtbot, window, db):
    doc = window.ws.document_id
    trigger, event = suggested_event(db, window, "walk", "Transport")
    window.edits.refresh()  # as after a suggestion job
    window.edits.select(trigger)
    press(qtbot, window, Qt.Key_Backspace)

    def both():
        return state(db, doc, "span", trigger), state(db, doc, "event", event)

    assert both() == ("rejected", "rejected")
    assert window.undo.count() == 1
    for _ in range(2):  # undo and redo keep alternating
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
        assert both() == ("suggested", "suggested")
        assert window.ws.view == db.load(doc)  # the patched view is what is stored
        press(qtbot, window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
        assert both() == ("rejected", "rejected")
        assert window.ws.view == db.load(doc)


def test_accept_all_skips_an_event_whose_trigger_is_rejected(qtbot, window, db):
    doc = window.ws.document_id
    walk, walk_event = suggested_event(db, window, "walk", "Transport")
    briefed, briefed_event = suggested_event(db, window, "briefed", "Meet")
    honduras = db.create_span(doc, *at(window, "Honduras"), "GPE", state="suggested",
                              source="model").id
    # a suggested event on a trigger rejected before this rule (nothing took it along)
    discussed = db.create_span(doc, *at(window, "discussed"), "Meet", state="suggested",
                               source="model").id
    db.reject("span", discussed)
    stray = db.create_event(discussed, "Meet", state="suggested", source="model").id
    window.edits.refresh()
    window.edits.select(walk)
    press(qtbot, window, Qt.Key_Backspace)  # walk and its event: rejected

    press(qtbot, window, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)
    assert [state(db, doc, "span", i) for i in (walk, briefed, honduras, discussed)] == \
        ["rejected", "accepted", "accepted", "rejected"]
    assert [state(db, doc, "event", i) for i in (walk_event, briefed_event, stray)] == \
        ["rejected", "accepted", "suggested"]
    assert window.statusBar().currentMessage() == \
        "accepted 3 suggestions; 1 event skipped: its trigger was rejected"
    assert window.undo.count() == 2  # the reject, then accept all as one step

    with pytest.raises(ValidationError) as refused:
        db.accept("event", stray)
    assert str(refused.value) == \
        f"event {stray} (Meet) cannot be accepted: its trigger “discussed” was rejected"
