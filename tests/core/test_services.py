"""The service layer, on SQLite and on the real PostgreSQL server."""

import pytest
from sqlalchemy import func, select

from models.errors import (NotFoundError, PermissionDenied, StaleWriteError, ValidationError)
from models.orm import AuditLog
from models.service import Service

TEXT_BIDEN = "Joe Biden"


def _find(service, doc, needle, nth=0):
    text = service.load(doc).text
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def test_create_relabel_resize_delete_span(service, project):
    _, doc = project
    s, e = _find(service, doc, TEXT_BIDEN)
    ch = service.create_span(doc, s, e, "PERSON")
    view = service.load(doc)
    assert [(x.start, x.end, x.label, x.state) for x in view.spans] == [(s, e, "PERSON",
                                                                          "accepted")]
    assert view.status == "in_progress"
    service.relabel_span(ch.id, "ORG")
    service.resize_span(ch.id, s + 4, e)
    span = service.load(doc).span(ch.id)
    assert (span.start, span.end, span.label) == (s + 4, e, "ORG")
    gone = service.delete_span(ch.id)
    assert service.load(doc).spans == []
    assert gone.before["span"]["label"] == "ORG"


def test_span_validation(service, project):
    _, doc = project
    n = len(service.load(doc).text)
    with pytest.raises(ValidationError, match="outside the text"):
        service.create_span(doc, n - 2, n + 5, "PERSON")
    with pytest.raises(ValidationError, match="not in the schema"):
        service.create_span(doc, 0, 2, "ALIEN")
    service.create_span(doc, 0, 2, "GPE")
    with pytest.raises(ValidationError, match="already labeled"):
        service.create_span(doc, 0, 2, "GPE")
    assert len(service.load(doc).spans) == 1


def test_overlap_policy_nest_refuses_crossing(service, project):
    _, doc = project
    service.create_span(doc, 10, 20, "DATE")  # DATE may nest but not cross
    service.create_span(doc, 12, 15, "PERSON")  # nested: fine
    with pytest.raises(ValidationError, match="overlap"):
        service.create_span(doc, 15, 25, "PERSON")
    assert len(service.load(doc).spans) == 2


def test_relation_only_where_schema_allows(service, project):
    _, doc = project
    biden = service.create_span(doc, *_find(service, doc, TEXT_BIDEN), "PERSON").id
    us = service.create_span(doc, *_find(service, doc, "White House"), "ORG").id
    mexico = service.create_span(doc, *_find(service, doc, "Mexico City"), "GPE").id
    with pytest.raises(ValidationError, match="does not allow PERSON -> GPE"):
        service.create_relation(biden, mexico, "member_of")
    rel = service.create_relation(biden, us, "employed_by")
    view = service.load(doc)
    assert [(r.head_id, r.tail_id, r.label) for r in view.relations] == [(biden, us,
                                                                           "employed_by")]
    # deleting the head takes the relation along, and undo (restore) brings both back
    gone = service.delete_span(biden)
    assert service.load(doc).relations == []
    service.restore(gone.before)
    back = service.load(doc)
    assert [r.id for r in back.relations] == [rel.id]
    assert back.span(biden).label == "PERSON"


def test_event_with_arguments_and_roles_checked(service, project):
    _, doc = project
    harris = service.create_span(doc, *_find(service, doc, "Kamala Harris"), "PERSON").id
    biden = service.create_span(doc, *_find(service, doc, "Biden on Wednesday named")[0:1],
                                _find(service, doc, "Biden on Wednesday")[0] + 5, "PERSON").id
    wed = service.create_span(doc, *_find(service, doc, "Wednesday"), "DATE").id
    s, e = _find(service, doc, "named")
    ev = service.create_event_at(doc, s, e, "Appoint",
                                 arguments=[("Person", harris, None), ("Entity", biden, None)])
    with pytest.raises(ValidationError, match="takes DATE, TIME, not PERSON"):
        service.add_argument(ev.id, "Time", span_id=harris)
    service.add_argument(ev.id, "Time", span_id=wed)
    with pytest.raises(ValidationError, match="already filled"):
        service.add_argument(ev.id, "Time", span_id=wed)
    view = service.load(doc)
    (event,) = view.events
    assert event.type == "Appoint"
    assert sorted(a.role for a in event.arguments) == ["Entity", "Person", "Time"]
    assert view.span(event.trigger_id).label == "Appoint"


def test_event_can_be_argument_of_event(service, project):
    _, doc = project
    schema = service.schema(project[0])
    schema.event("Sentence").roles[0].labels.append("Arrest")
    service.save_schema(project[0], schema)
    a = service.create_event_at(doc, *_find(service, doc, "smuggling"), "Arrest").id
    b = service.create_event_at(doc, *_find(service, doc, "punish"), "Sentence").id
    service.add_argument(b, "Defendant", target_event_id=a)
    ev = [e for e in service.load(doc).events if e.id == b][0]
    assert ev.arguments[0].event_id == a


def test_accept_and_reject_suggestions(service, project):
    _, doc = project
    sug = service.create_span(doc, *_find(service, doc, TEXT_BIDEN), "ORG", state="suggested",
                              source="model", suggester="en", score=0.7).id
    other = service.create_span(doc, *_find(service, doc, "Mexico City"), "GPE",
                                state="suggested", source="model", suggester="en").id
    service.accept("span", sug, label="PERSON")
    service.reject("span", other)
    view = service.load(doc)
    assert view.span(sug).state == "accepted" and view.span(sug).label == "PERSON"
    assert view.span(other).state == "rejected"
    stats = service.stats("news")
    assert stats["spans"] == 1 and stats["suggestions"] == 0
    assert stats["suggesters"]["en"]["accepted"] == 1


def test_stale_write_is_refused(service, project):
    _, doc = project
    ch = service.create_span(doc, 0, 2, "GPE")
    seen = service.load(doc).span(ch.id).version
    service.relabel_span(ch.id, "LOC", expected_version=seen)
    with pytest.raises(StaleWriteError, match="changed by someone else"):
        service.relabel_span(ch.id, "ORG", expected_version=seen)
    assert service.load(doc).span(ch.id).label == "LOC"
    service.delete_span(ch.id)
    with pytest.raises(NotFoundError, match="no longer exists"):
        service.relabel_span(ch.id, "ORG")


def test_every_change_writes_an_audit_row(service, project, store):
    _, doc = project
    ch = service.create_span(doc, 0, 2, "GPE")
    service.relabel_span(ch.id, "LOC")
    service.set_attribute("span", ch.id, "Negated", True)
    service.set_kb_id(ch.id, "Q30")
    service.delete_span(ch.id)
    actions = [h["action"] for h in service.history(doc) if h["table"] == "spans"]
    assert actions == ["create", "relabel", "set_attribute", "set_kb_id", "delete"]
    relabel = [h for h in service.history(doc) if h["action"] == "relabel"][0]
    assert relabel["before"]["label"] == "GPE" and relabel["after"]["label"] == "LOC"
    assert relabel["user"] == "alice"


def test_attributes_checked_against_schema(service, project):
    _, doc = project
    ch = service.create_span(doc, 0, 2, "GPE")
    with pytest.raises(ValidationError, match="takes one of"):
        service.set_attribute("span", ch.id, "Certainty", "maybe")
    service.set_attribute("span", ch.id, "Certainty", "likely")
    assert service.load(doc).span(ch.id).attributes == {"Certainty": "likely"}


def test_annotators_keep_to_their_own_layer(service, project, store):
    _, doc = project
    service.add_user("bob", "annotator")
    service.add_user("rita", "reviewer")
    mine = service.create_span(doc, 0, 2, "GPE").id  # alice is admin
    bob = Service(store, "bob")
    bob.create_span(doc, 0, 2, "GPE")
    assert len(bob.load(doc).spans) == 1  # bob's own layer
    with pytest.raises(PermissionDenied, match="cannot change the layer of alice"):
        bob.relabel_span(mine, "LOC")
    with pytest.raises(PermissionDenied, match="gold"):
        bob.create_span(doc, 5, 8, "GPE", layer="gold")
    Service(store, "rita").create_span(doc, 5, 8, "GPE", layer="gold")
    with pytest.raises(PermissionDenied, match="only admins"):
        bob.rename_label(project[0], "GPE", "COUNTRY")


def test_workflow_status(service, project, store):
    _, doc = project
    service.add_user("bob", "annotator")
    bob = Service(store, "bob")
    bob.create_span(doc, 0, 2, "GPE")
    bob.set_status(doc, "done")
    with pytest.raises(PermissionDenied):
        bob.set_status(doc, "approved", layer="bob")
    with pytest.raises(ValidationError, match="needs a comment"):
        service.set_status(doc, "returned", layer="bob")
    service.set_status(doc, "returned", layer="bob", comment="GPE misses the dot")
    assert bob.load(doc).status == "returned"
    assert bob.load(doc).comments[-1].text == "GPE misses the dot"


def test_rename_and_delete_label_update_labels(service, project, store):
    pid, doc = project
    ch = service.create_span(doc, 0, 2, "GPE")
    service.rename_label(pid, "GPE", "COUNTRY")
    assert service.load(doc).span(ch.id).label == "COUNTRY"
    schema = service.schema(pid)
    assert schema.entity("COUNTRY") and not schema.entity("GPE")
    assert "COUNTRY" in schema.relation("located_in").tails
    with pytest.raises(ValidationError, match="used by 1 label"):
        service.delete_label(pid, "COUNTRY")
    service.delete_label(pid, "COUNTRY", merge_into="LOC")
    assert service.load(doc).span(ch.id).label == "LOC"
    assert not service.schema(pid).entity("COUNTRY")


def test_run_is_all_or_nothing(service, project):
    from models.operations import CreateSpan

    _, doc = project
    with pytest.raises(ValidationError):
        service.run([CreateSpan(doc, 0, 2, "GPE"), CreateSpan(doc, 5, 3, "GPE")])
    assert service.load(doc).spans == []


def test_audit_count_matches(service, project, store):
    _, doc = project
    with store.session() as s:
        before = s.scalar(select(func.count(AuditLog.id)))
    service.create_span(doc, 0, 2, "GPE")
    with store.session() as s:
        assert s.scalar(select(func.count(AuditLog.id))) == before + 1


def test_history_shows_annotators_only_their_own_layer(service, project, store):
    _, doc = project
    service.add_user("bob", "annotator")
    service.create_span(doc, 0, 2, "GPE")  # alice's layer
    bob = Service(store, "bob")
    mine = bob.create_span(doc, 5, 8, "GPE").id
    bob.relabel_span(mine, "LOC")
    bob.add_comment(doc, "unsure about this one")
    rows = bob.history(doc)
    assert {r["layer"] for r in rows} <= {"bob", None}
    assert [r["action"] for r in rows if r["table"] == "spans"] == ["create", "relabel"]
    assert any(r["action"] == "comment" for r in rows)
    everyone = service.history(doc)  # alice is admin: every layer
    assert {"alice", "bob"} <= {r["layer"] for r in everyone}


def test_a_schema_stored_within_a_unit_of_work_is_in_force_in_it_at_once(service, project):
    """The schema in force is looked up once per unit of work (shared_schema); storing a
    new version in it must not leave the old one in force there."""
    from models.schema import EntityLabel
    from models.services import labels, projects
    from models.services.context import get_actor

    pid, doc = project
    with service.store.session() as s:
        actor = get_actor(s, "alice")
        with pytest.raises(ValidationError):
            labels.create_span(s, actor, doc, 0, 3, "DISH")  # not a label yet
        grown = projects.current_schema(s, pid)
        grown.entities.append(EntityLabel("DISH"))
        projects.save_schema(s, actor, pid, grown)
        labels.create_span(s, actor, doc, 0, 3, "DISH")
    assert [(x.start, x.end, x.label) for x in service.load(doc).spans] == [(0, 3, "DISH")]
    assert service.schema(pid).entity("DISH") is not None
