"""Undo in the core: every operation's Change carries its exact inverse. Random edit
sequences undone in reverse give back the layer as it was, row by row, ids included."""

from __future__ import annotations

import itertools
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import operations as ops
from models.errors import DomainError
from models.orm import DocumentCategory, Event, EventArgument, Layer, Relation, Span
from models.records import DocumentRecord
from tests.conftest import ROOT

# Not a reader: each example is dozens of stored edits (a second each on PostgreSQL), so
# `make fuzz` gives it a count of its own rather than the readers' 2,000.
EXAMPLES = int(os.environ.get("MARGINALIA_UNDO_FUZZ_EXAMPLES", "20"))
TEXT = (ROOT / "seeds" / "000_8c189482ad872ddc.txt").read_text(encoding="utf-8")
ENTITIES = ["PERSON", "ORG", "GPE", "LOC", "DATE", "NORP"]
EVENTS = ["Arrest", "Transport", "Meet"]
ROLES = ["Person", "Agent", "Place", "Time", "Artifact", "Origin", "Entity"]
RELATIONS = ["located_in", "member_of", "part_of", "employed_by", "citizen_of"]
CATEGORIES = ["politics", "crime", "sports"]  # the news schema's Topic: one of


def layer_rows(store, layer_id: int) -> dict:
    """Every column of every row of the layer, read from the tables (not from the kinds'
    field lists), but `version`: the optimistic-concurrency counter moves on every write,
    an undo included, by design."""

    def rows(model, where):
        cols = [c.key for c in model.__table__.columns if c.key != "version"]
        return sorted(({c: getattr(r, c) for c in cols}
                       for r in s.scalars(select(model).where(where))), key=lambda d: d["id"])

    with store.session() as s:
        events = select(Event.id).where(Event.layer_id == layer_id)
        return {"status": s.get(Layer, layer_id).status,
                "spans": rows(Span, Span.layer_id == layer_id),
                "relations": rows(Relation, Relation.layer_id == layer_id),
                "events": rows(Event, Event.layer_id == layer_id),
                "arguments": rows(EventArgument, EventArgument.event_id.in_(events)),
                "categories": rows(DocumentCategory, DocumentCategory.layer_id == layer_id)}


class Editor:
    """Turns drawn numbers into operations on what the layer holds right now."""

    def __init__(self, service, doc: int):
        self.svc, self.doc = service, doc
        self.tokens = [m.span() for m in re.finditer(r"\w+", TEXT)][:120]

    def op(self, action: str, a: int, b: int, c: int):
        view = self.svc.load(self.doc)
        spans, rels, evs = view.spans, view.relations, view.events
        sp = spans[a % len(spans)] if spans else None
        other = spans[b % len(spans)] if spans else None
        tok = self.tokens[a % (len(self.tokens) - 3)]
        if action == "create":
            end = self.tokens[a % (len(self.tokens) - 3) + b % 2][1]
            return ops.CreateSpan(self.doc, tok[0], end, ENTITIES[c % len(ENTITIES)],
                                  state="suggested" if b % 3 == 0 else "accepted")
        if action == "create_fragments":  # a discontinuous span: first and third word
            i = a % (len(self.tokens) - 3)
            first, third = self.tokens[i], self.tokens[i + 2]
            return ops.CreateSpan(self.doc, first[0], third[1], ENTITIES[c % len(ENTITIES)],
                                  fragments=[list(first), list(third)])
        if action == "event_at":
            return ops.CreateEventAt(self.doc, tok[0], tok[1], EVENTS[c % len(EVENTS)])
        if action == "toggle_category":
            return ops.ToggleCategory(self.doc, CATEGORIES[c % len(CATEGORIES)])
        if action == "suggest_category":
            return ops.SetCategory(self.doc, CATEGORIES[c % len(CATEGORIES)],
                                   state="suggested", source="model", score=0.5)
        if action in ("decide_category", "delete_category"):
            cats = view.categories
            if not cats:
                return None
            cat = cats[b % len(cats)]
            if action == "delete_category":
                return ops.DeleteCategory(cat.id)
            return ops.SetState("category", cat.id,
                                ["suggested", "accepted", "rejected"][c % 3])
        if sp is None:
            return None
        if action == "relabel":
            return ops.RelabelSpan(sp.id, ENTITIES[c % len(ENTITIES)])
        if action == "resize":
            split = [s for s in spans if s.fragments]
            if split and b % 2:  # a discontinuous span: it loses its fragments
                sp = split[a % len(split)]
            start = max(0, sp.start - (b % 5))
            return ops.ResizeSpan(sp.id, start, min(len(TEXT), sp.end + c % 7))
        if action == "delete":
            return ops.DeleteSpan(sp.id)
        if action == "accept":
            return ops.Accept("span", sp.id, label=ENTITIES[c % len(ENTITIES)]
                              if b % 2 else None)
        if action == "reject":
            return ops.Reject("span", sp.id)
        if action == "state":
            return ops.SetState("span", sp.id, ["suggested", "accepted", "rejected"][c % 3])
        if action == "attribute":
            if b % 2:
                return ops.SetAttribute("span", sp.id, "Negated", [True, False, None][c % 3])
            return ops.SetAttribute("span", sp.id, "Certainty",
                                    ["certain", "likely", None][c % 3])
        if action == "note":
            return ops.SetNote(sp.id, ["check the date", "", None][c % 3])
        if action == "kb":
            return ops.SetKbId(sp.id, ["Q1", "Q42", ""][c % 3])
        if action == "relation":
            return ops.CreateRelation(sp.id, other.id, RELATIONS[c % len(RELATIONS)])
        if action == "event":
            return ops.CreateEvent(sp.id, EVENTS[c % len(EVENTS)])
        if action == "status":
            return ops.SetStatus(self.doc, ["in_progress", "done"][c % 2])
        if action in ("relabel_relation", "delete_relation", "accept_relation") and rels:
            rel = rels[b % len(rels)]
            if action == "relabel_relation":
                return ops.RelabelRelation(rel.id, RELATIONS[c % len(RELATIONS)])
            if action == "accept_relation":
                return ops.SetState("relation", rel.id, ["accepted", "rejected"][c % 2])
            return ops.DeleteRelation(rel.id)
        if not evs:
            return None
        ev = evs[b % len(evs)]
        if action == "argument":
            if c % 4 == 0 and len(evs) > 1:
                target = evs[(b + 1) % len(evs)]
                return ops.AddArgument(ev.id, "Place", target_event_id=target.id)
            return ops.AddArgument(ev.id, ROLES[c % len(ROLES)], span_id=sp.id)
        if action == "remove_argument":
            args = [x for e in evs for x in e.arguments]
            return ops.RemoveArgument(args[c % len(args)].id) if args else None
        if action == "delete_event":
            return ops.DeleteEvent(ev.id)
        if action == "event_attribute":
            return ops.SetAttribute("event", ev.id, "Negated", [True, None][c % 2])
        if action == "reject_event":
            return ops.SetState("event", ev.id, ["rejected", "accepted"][c % 2])
        return None


ACTIONS = ["create", "create", "create_fragments", "event_at", "relabel", "resize",
           "resize", "delete", "accept", "reject", "state", "attribute", "note", "kb",
           "relation", "relation", "event", "status", "relabel_relation", "delete_relation",
           "accept_relation", "argument", "argument", "remove_argument", "delete_event",
           "event_attribute", "reject_event", "toggle_category", "toggle_category",
           "suggest_category", "decide_category", "delete_category"]
edits = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 10_000),
                           st.integers(0, 10_000), st.integers(0, 10_000)),
                 min_size=1, max_size=18)


@pytest.fixture
def news(service):
    """Documents made on demand, each with a started layer holding a bit of everything."""
    counter = itertools.count()

    def make() -> tuple[int, int]:
        n = next(counter)
        # a text of its own (the same text twice is one document); the offsets stay
        service.import_records("news", [DocumentRecord(text=f"{TEXT}\nCopy {n}.",
                                                       title=f"copy {n}")])
        doc = max(d.id for d in service.documents(service.project_id("news")))
        tokens = [m.span() for m in re.finditer(r"\w+", TEXT)]
        person = service.create_span(doc, *tokens[0], "PERSON").id
        org = service.create_span(doc, tokens[4][0], tokens[6][1], "ORG",
                                  fragments=[list(tokens[4]), list(tokens[6])]).id
        service.create_span(doc, *tokens[9], "GPE", state="suggested", source="model",
                            score=0.4, suggester="spacy")
        service.create_relation(person, org, "employed_by")
        ev = service.create_event_at(doc, *tokens[12], "Meet")
        service.add_argument(ev.id, "Entity", span_id=person)
        layer = service.load(doc).layer_id
        return doc, layer

    return make


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits, st.integers(0, 100))
def test_fuzz_random_edits_undone_in_reverse_give_back_the_layer(service, store, news,
                                                                  steps, pair_every):
    doc, layer = news()
    editor = Editor(service, doc)
    start = layer_rows(store, layer)
    undo: list[list[ops.Operation]] = []  # one entry per command, as EditCommand holds
    for i, (action, a, b, c) in enumerate(steps):
        first = editor.op(action, a, b, c)
        if first is None:
            continue
        batch = [first]
        if pair_every and i % pair_every == 1:  # now and then two edits in one command
            second = editor.op(ACTIONS[(a + b) % len(ACTIONS)], b, c, a)
            batch += [second] if second is not None else []
        try:
            changes = service.run(batch)
        except DomainError:
            continue  # refused: nothing stored
        undo.append(ops.inverses(changes))
    edited = layer_rows(store, layer)

    redo = []
    for inverse in reversed(undo):
        redo.append(ops.inverses(service.run(inverse)))
    assert layer_rows(store, layer) == start

    # the inverses of the undo redo everything, rows with the same ids again
    undo = [ops.inverses(service.run(r)) for r in reversed(redo)]
    assert layer_rows(store, layer) == edited
    for inverse in reversed(undo):
        service.run(inverse)
    assert layer_rows(store, layer) == start


def test_undo_of_a_resize_gives_a_discontinuous_span_its_fragments_back(service, project):
    _pid, doc = project
    words = [m.span() for m in re.finditer(r"\w+", service.load(doc).text)][:3]
    span = service.create_span(doc, words[0][0], words[2][1], "PERSON",
                               fragments=[list(words[0]), list(words[2])])
    resized = service.resize_span(span.id, words[0][0], words[1][1])
    assert service.load(doc).span(span.id).fragments is None
    assert resized.inverse == ops.UpdateSpan(
        span.id, {"start": words[0][0], "end": words[2][1],
                  "fragments": [list(words[0]), list(words[2])]}, "resize")
    (undone,) = service.run([resized.inverse])
    back = service.load(doc).span(span.id)
    assert (back.start, back.end, back.fragments) == (words[0][0], words[2][1],
                                                      (words[0], words[2]))
    # and the inverse of the undo is the resize again
    service.run([undone.inverse])
    again = service.load(doc).span(span.id)
    assert (again.start, again.end, again.fragments) == (words[0][0], words[1][1], None)


def test_a_delete_is_undone_with_every_dependent_row_and_its_id(service, project, store):
    _pid, doc = project
    words = [m.span() for m in re.finditer(r"\w+", service.load(doc).text)]
    head = service.create_span(doc, *words[0], "PERSON").id
    tail = service.create_span(doc, *words[2], "ORG").id
    rel = service.create_relation(head, tail, "employed_by").id
    ev = service.create_event_at(doc, *words[5], "Arrest")
    arg = service.add_argument(ev.id, "Agent", span_id=head).id
    layer = service.load(doc).layer_id
    before = layer_rows(store, layer)
    gone = service.delete_span(head)
    assert isinstance(gone.inverse, ops.Restore)
    assert service.load(doc).relations == []
    (restored,) = service.run([gone.inverse])
    assert layer_rows(store, layer) == before
    view = service.load(doc)
    assert [r.id for r in view.relations] == [rel]
    assert [a.id for a in view.events[0].arguments] == [arg]
    assert restored.inverse == ops.DeleteSpan(head)


def test_a_create_is_undone_by_a_delete_whose_inverse_restores(service, project):
    _pid, doc = project
    made = service.create_span(doc, 0, 3, "PERSON")
    assert made.inverse == ops.DeleteSpan(made.id)
    (deleted,) = service.run([made.inverse])
    assert service.load(doc).spans == []
    (restored,) = service.run([deleted.inverse])
    assert [s.id for s in service.load(doc).spans] == [made.id]
    assert restored.inverse == ops.DeleteSpan(made.id)


def test_delete_and_undo_give_back_what_a_format_said_brat_notes_included(service, store):
    """brat's notes on an event (and on its trigger's relations) and a category's format
    fields live in `extra`: a delete and its undo give every row back, column by column."""
    from exports import brat
    from models.records import CategoryRecord

    fix = ROOT / "tests" / "fixtures" / "formats" / "brat_full"
    (rec,) = list(brat.read(fix))
    rec.categories = [CategoryRecord("politics", extra={"note": "by the desk", "line": 3})]
    service.import_records("bionlp", [rec], schema=brat.read_schema(fix))
    doc = service.documents(service.project_id("bionlp"))[0].id
    view = service.load(doc)
    layer = view.layer_id
    before = layer_rows(store, layer)
    extras = [e["extra"] for e in before["events"]]
    e2 = {"notes": [["AnnotatorNotes", "hearsay", "", "#3"]], "brat_id": "E2",
          "brat_attribute_ids": {"Negation": "A1"}}
    assert e2 in extras  # E2's note, and the IDs it was read with
    assert {"m": ["Negation"], "brat_id": "E3",
            "brat_attribute_ids": {"Negation": "M1"}} in extras  # E3's modifier
    noted = before["events"][extras.index(e2)]
    event_id, trigger = noted["id"], noted["trigger_id"]

    gone = service.delete_event(event_id)
    assert all(e["id"] != event_id for e in layer_rows(store, layer)["events"])
    service.run([gone.inverse])
    assert layer_rows(store, layer) == before

    gone = service.delete_span(trigger)  # the event goes with its trigger, and comes back
    assert all(e["id"] != event_id for e in layer_rows(store, layer)["events"])
    service.run([gone.inverse])
    assert layer_rows(store, layer) == before

    (cat,) = view.categories
    gone = service.delete_category(cat.id)
    assert layer_rows(store, layer)["categories"] == []
    service.run([gone.inverse])
    assert layer_rows(store, layer) == before
