"""Rejecting a trigger span rejects the events it triggers, undone and redone exactly; an
event whose trigger is rejected cannot be accepted. The offsets and states expected are
written out by hand from TEXT."""

from __future__ import annotations

import pytest

from models import operations as ops
from models.errors import ValidationError
from models.layer_patch import apply_changes
from models.records import DocumentRecord

TEXT = "Police walked the migrants to Tenosique and met the mayor."
WALKED, MET, TENOSIQUE = (7, 13), (44, 47), (30, 39)


@pytest.fixture
def doc(service):
    service.import_records("news", [DocumentRecord(text=TEXT, title="walk")])
    doc = service.documents(service.project_id("news"))[0].id
    assert TEXT[slice(*WALKED)] == "walked" and TEXT[slice(*MET)] == "met"
    return doc


def states(service, doc) -> dict:
    """(start, end) -> state of every span, and ("event", type) -> state of every event."""
    view = service.load(doc)
    out = {(s.start, s.end): s.state for s in view.spans}
    out.update({("event", e.type): e.state for e in view.events})
    return out


def suggested_event(service, doc, where, etype):
    ev = service.create_event_at(doc, *where, etype, state="suggested", source="model",
                                 suggester="rules")
    return ev.children[0].id, ev.id  # (trigger span, event)


def test_rejecting_a_suggested_trigger_rejects_its_event_undo_and_redo(service, doc):
    trigger, event = suggested_event(service, doc, WALKED, "Transport")
    suggested_event(service, doc, MET, "Meet")  # another trigger: left alone
    rejected = service.reject("span", trigger)
    assert [(c.kind, c.id, c.before["state"], c.after["state"])
            for c in rejected.children] == [("event", event, "suggested", "rejected")]
    after_reject = {WALKED: "rejected", ("event", "Transport"): "rejected",
                    MET: "suggested", ("event", "Meet"): "suggested"}
    before = {**after_reject, WALKED: "suggested", ("event", "Transport"): "suggested"}
    assert states(service, doc) == after_reject

    undo = ops.inverses([rejected])
    for _ in range(2):  # undo, redo, undo, redo: they keep alternating
        redo = ops.inverses(service.run(undo))
        assert states(service, doc) == before
        undo = ops.inverses(service.run(redo))
        assert states(service, doc) == after_reject


def test_undo_gives_an_accepted_event_back_after_its_trigger(service, doc):
    made = service.create_event_at(doc, *WALKED, "Transport")
    trigger, event = made.children[0].id, made.id
    rejected = service.set_state("span", trigger, "rejected")
    assert states(service, doc) == {WALKED: "rejected", ("event", "Transport"): "rejected"}
    # the event cannot be accepted again before its trigger is: the trigger goes back first
    assert rejected.inverse == ops.Several((ops.SetState("span", trigger, "accepted"),
                                            ops.SetState("event", event, "accepted")))
    (undone,) = service.run([rejected.inverse])
    assert states(service, doc) == {WALKED: "accepted", ("event", "Transport"): "accepted"}
    (redone,) = service.run([undone.inverse])
    assert states(service, doc) == {WALKED: "rejected", ("event", "Transport"): "rejected"}
    service.run([redone.inverse])
    assert states(service, doc) == {WALKED: "accepted", ("event", "Transport"): "accepted"}


def test_each_cascaded_reject_is_audited(service, doc):
    trigger, event = suggested_event(service, doc, WALKED, "Transport")
    service.reject("span", trigger)
    rows = [(h["action"], h["table"], h["row"]) for h in service.history(doc)
            if h["action"] == "reject"]
    assert rows == [("reject", "spans", trigger), ("reject", "events", event)]


def test_an_event_rejected_already_is_left_as_it_is(service, doc):
    trigger, event = suggested_event(service, doc, WALKED, "Transport")
    service.reject("event", event)
    version = service.load(doc).events[0].version
    rejected = service.reject("span", trigger)
    assert rejected.children == [] and isinstance(rejected.inverse, ops.SetState)
    assert service.load(doc).events[0].version == version


def test_the_core_refuses_to_accept_an_event_whose_trigger_was_rejected(service, doc):
    trigger, event = suggested_event(service, doc, WALKED, "Transport")
    service.reject("span", trigger)
    message = f"event {event} (Transport) cannot be accepted: its trigger “walked” was rejected"
    with pytest.raises(ValidationError) as refused:
        service.accept("event", event)
    assert str(refused.value) == message
    with pytest.raises(ValidationError, match="cannot be accepted"):
        service.run([ops.SetState("event", event, "accepted")])
    with pytest.raises(ValidationError) as refused:
        service.create_event(trigger, "Meet")  # a new accepted event on it: the same rule
    assert str(refused.value) == "a Meet event cannot be accepted: its trigger “walked” " \
                                 "was rejected"
    assert states(service, doc) == {WALKED: "rejected", ("event", "Transport"): "rejected"}


def test_patched_view_follows_the_reject_its_undo_and_redo(service, doc):
    service.create_span(doc, *TENOSIQUE, "GPE")  # the layer exists: later edits patch
    trigger, _event = suggested_event(service, doc, WALKED, "Transport")
    view = service.load(doc)
    changes = [service.reject("span", trigger)]
    for _ in range(3):  # reject, undo, redo
        view = apply_changes(view, changes)
        assert view == service.load(doc)
        changes = service.run(ops.inverses(changes))
    assert [e.state for e in apply_changes(view, changes).events] == ["suggested"]
