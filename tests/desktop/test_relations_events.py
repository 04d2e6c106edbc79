"""Relations (R + pick a type) and events (E + type, arguments from the side panel)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from tests.desktop.helpers import answer_picker, press, select_text, spans


def label(qtbot, window, needle: str, key) -> int:
    select_text(window, needle)
    press(qtbot, window, key)
    return window.docview.selected_span()


def test_relation_offers_only_allowed_types(qtbot, window, db):
    biden = label(qtbot, window, "Joe Biden", Qt.Key_1)  # PERSON
    mexico = label(qtbot, window, "Mexico City", Qt.Key_3)  # GPE
    window.edits.select(biden)
    press(qtbot, window, Qt.Key_R)
    offered: list[str] = []
    answer_picker(qtbot, "citizen_of", offered)
    window.docview.spanActivated.emit(mexico)  # the click on the tail label
    schema = window.ws.schema
    assert offered == schema.relations_allowed("PERSON", "GPE")
    assert "part_of" not in offered and "member_of" not in offered  # forbidden for PERSON->GPE
    rels = db.load(window.ws.document_id).relations
    assert [(r.head_id, r.tail_id, r.label) for r in rels] == [(biden, mexico, "citizen_of")]
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert db.load(window.ws.document_id).relations == []


def test_relation_by_drag_and_when_the_schema_allows_none(qtbot, window, db):
    date = label(qtbot, window, "March 8, 2021", Qt.Key_6)  # DATE
    biden = label(qtbot, window, "Joe Biden", Qt.Key_1)
    offered: list[str] = []
    answer_picker(qtbot, None, offered)
    window.docview.relationDragged.emit(date, biden)
    assert offered == []  # no picker: nothing is allowed from DATE
    assert "allows no relation from DATE to PERSON" in window.statusBar().currentMessage()
    assert db.load(window.ws.document_id).relations == []


def test_event_with_two_arguments(qtbot, window, db):
    migrants = label(qtbot, window, "Migrants", Qt.Key_5)  # NORP
    mexico = label(qtbot, window, "Tenosique", Qt.Key_3)  # GPE
    date = label(qtbot, window, "March 8, 2021", Qt.Key_6)  # DATE
    select_text(window, "walk")
    answer_picker(qtbot, "Transport")
    press(qtbot, window, Qt.Key_E)
    view = db.load(window.ws.document_id)
    (ev,) = view.events
    assert ev.type == "Transport" and view.span(ev.trigger_id).label == "Transport"

    side = window.side
    assert side.arg_box.isVisible()

    def add(role: str, span_id: int) -> None:
        side.role.setCurrentIndex(side.role.findData(role))
        side.target.setCurrentIndex(side.target.findData(f"span:{span_id}"))
        qtbot.mouseClick(side.add_arg, Qt.LeftButton)

    add("Artifact", migrants)
    add("Place", mexico)
    side.role.setCurrentIndex(side.role.findData("Destination"))
    offered = [side.target.itemData(i) for i in range(side.target.count())]
    assert f"span:{mexico}" in offered  # GPE is a Destination
    assert f"span:{date}" not in offered  # DATE is not: not even offered
    (ev,) = db.load(window.ws.document_id).events
    assert sorted((a.role, a.span_id) for a in ev.arguments) == [
        ("Artifact", migrants), ("Place", mexico)]
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)  # remove the last argument
    (ev,) = db.load(window.ws.document_id).events
    assert [(a.role, a.span_id) for a in ev.arguments] == [("Artifact", migrants)]
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier)  # the event and its trigger
    assert db.load(window.ws.document_id).events == []
    press(qtbot, window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    (ev,) = db.load(window.ws.document_id).events
    assert ev.type == "Transport"


def test_attribute_and_kb_id_from_the_side_panel(qtbot, window, db):
    biden = label(qtbot, window, "Joe Biden", Qt.Key_1)
    side = window.side
    side.findChild(type(side.kb), "kb_id").setFocus()
    qtbot.keyClicks(side.kb, "Q6279")
    qtbot.keyClick(side.kb, Qt.Key_Return)
    sp = next(s for s in db.load(window.ws.document_id).spans if s.id == biden)
    assert sp.kb_id == "Q6279"
    assert len(spans(db, window.ws.document_id)) == 1  # typing "1" etc. did not label
    from PySide6.QtWidgets import QCheckBox

    def shown():
        return [b for b in side.findChildren(QCheckBox, "attr_Negated") if b.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    (neg,) = shown()
    qtbot.mouseClick(neg, Qt.LeftButton, pos=QPoint(8, neg.height() // 2))  # the box
    sp = next(s for s in db.load(window.ws.document_id).spans if s.id == biden)
    assert sp.attributes == {"Negated": True}


def test_event_on_a_selected_label_and_a_comment(qtbot, window, db):
    walk = label(qtbot, window, "walk", Qt.Key_5)  # first marked as NORP by mistake
    window.edits.select(walk)
    answer_picker(qtbot, "Transport")
    press(qtbot, window, Qt.Key_E)
    (ev,) = db.load(window.ws.document_id).events
    assert (ev.trigger_id, ev.type) == (walk, "Transport")
    press(qtbot, window, Qt.Key_E)  # already a trigger: refused, no picker
    assert "already triggers an event" in window.statusBar().currentMessage()
    side = window.side
    side.comment_edit.setFocus()
    qtbot.keyClicks(side.comment_edit, "is walk a Transport? 1 2 R E")
    qtbot.keyClick(side.comment_edit, Qt.Key_Return)
    view = db.load(window.ws.document_id)
    assert [c.text for c in view.comments] == ["is walk a Transport? 1 2 R E"]
    assert len(view.spans) == 1 and len(view.events) == 1  # the typed keys did not label
