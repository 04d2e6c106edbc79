"""The window patches its LayerView from the Changes of an edit instead of reloading: after
any sequence of edits, undos and redos the patched view must equal a fresh load."""

from __future__ import annotations

import random
import re

import pytest

from models import operations as ops
from models.errors import DomainError
from models.layer_patch import NeedsReload, apply_changes

ENTITIES = ["PERSON", "ORG", "GPE", "LOC", "DATE", "NORP", "FAC"]
EVENTS = ["Arrest", "Transport", "Meet", "Attack"]
CATEGORIES = ["politics", "crime", "sports"]  # the news schema's Topic: one of


class Walker:
    """Random edits through the Service, undo/redo the way EditCommand does (the inverses
    the Changes carry, in one Service.run), patching a view after each and comparing it
    with a fresh load."""

    def __init__(self, service, doc: int, seed: int):
        self.svc, self.doc, self.rng = service, doc, random.Random(seed)
        self.view = service.load(doc)
        self.tokens = [m.span() for m in re.finditer(r"\w+", self.view.text)]
        self.done: list[list] = []  # undo stack: the operations that undo each command
        self.undone: list[list] = []
        self.patched = self.reloaded = self.category_patches = 0

    def apply(self, changes) -> None:
        try:
            self.view = apply_changes(self.view, changes)
            self.patched += 1
            self.category_patches += any(ch.kind == "category" for ch in changes)
        except NeedsReload:
            self.view = self.svc.load(self.doc)
            self.reloaded += 1
        fresh = self.svc.load(self.doc)
        assert self.view == fresh, self._diff(fresh)

    def _diff(self, fresh) -> str:
        v = self.view
        for name in ("spans", "relations", "events", "categories", "status", "version"):
            a, b = getattr(v, name), getattr(fresh, name)
            if a != b:
                if isinstance(a, list):
                    return f"{name}: patched-only {[x for x in a if x not in b]}, " \
                           f"loaded-only {[x for x in b if x not in a]}"
                return f"{name}: patched {a!r}, loaded {b!r}"
        return "views differ"

    # ---- random choices ------------------------------------------------------------------------
    def pick(self, rows):
        return self.rng.choice(rows) if rows else None

    def live_spans(self):
        return [s for s in self.view.spans if s.state != "rejected"]

    def op(self):
        """One operation the controller could send, or None."""
        r, v = self.rng, self.view
        choice = r.choice(["create", "create", "create", "suggest", "relabel", "resize",
                           "delete", "state", "attr", "kb", "note", "relation", "relation",
                           "relabel_rel", "state_rel", "delete_rel", "event", "event_at",
                           "argument", "remove_arg", "delete_event", "event_attr", "status",
                           "category", "category", "suggest_category", "state_category",
                           "delete_category"])
        if choice == "category":  # a key or a chip: in an exclusive group one of
            return ops.ToggleCategory(self.doc, r.choice(CATEGORIES))
        if choice == "suggest_category":
            return ops.SetCategory(self.doc, r.choice(CATEGORIES), state="suggested",
                                   source="model", score=0.7, suggester="textcat")
        cat = self.pick(v.categories)
        if choice == "state_category":
            return ops.SetState("category", cat.id, r.choice(["accepted", "rejected"])) \
                if cat else None
        if choice == "delete_category":
            return ops.DeleteCategory(cat.id) if cat else None
        sp = self.pick(v.spans)
        if choice in ("create", "suggest", "event_at"):
            i = r.randrange(len(self.tokens))
            a, b = self.tokens[i][0], self.tokens[min(len(self.tokens) - 1,
                                                      i + r.choice([0, 0, 1]))][1]
            if choice == "event_at":
                return ops.CreateEventAt(self.doc, a, b, r.choice(EVENTS))
            kw = {"state": "suggested", "source": "model", "score": 0.5,
                  "suggester": "spacy"} if choice == "suggest" else {}
            return ops.CreateSpan(self.doc, a, b, r.choice(ENTITIES), **kw)
        if sp is None:
            return None
        if choice == "relabel":
            return ops.RelabelSpan(sp.id, r.choice(ENTITIES))
        if choice == "resize":
            return ops.ResizeSpan(sp.id, sp.start, min(len(v.text), sp.end + 4))
        if choice == "delete":
            return ops.DeleteSpan(sp.id)
        if choice == "state":
            return ops.SetState("span", sp.id, r.choice(["accepted", "rejected"]))
        if choice == "attr":
            if r.random() < 0.5:
                return ops.SetAttribute("span", sp.id, "Negated", r.choice([True, None]))
            return ops.SetAttribute("span", sp.id, "Certainty",
                                    r.choice(["certain", "likely", None]))
        if choice == "kb":
            return ops.SetKbId(sp.id, r.choice(["Q1", "Q2", ""]))
        if choice == "note":
            return ops.SetNote(sp.id, r.choice(["check", None]))
        if choice == "relation":
            tail = self.pick(v.spans)
            return ops.CreateRelation(sp.id, tail.id, r.choice(
                ["located_in", "member_of", "part_of", "employed_by"]))
        rel = self.pick(v.relations)
        if choice == "relabel_rel" and rel:
            return ops.RelabelRelation(rel.id, r.choice(["located_in", "part_of"]))
        if choice == "state_rel" and rel:
            return ops.SetState("relation", rel.id, r.choice(["accepted", "rejected"]))
        if choice == "delete_rel" and rel:
            return ops.DeleteRelation(rel.id)
        if choice == "event":
            return ops.CreateEvent(sp.id, r.choice(EVENTS))
        ev = self.pick(v.events)
        if ev is None:
            return None
        if choice == "argument":
            if r.random() < 0.2 and len(v.events) > 1:
                other = self.pick([e for e in v.events if e.id != ev.id])
                return ops.AddArgument(ev.id, "Place", target_event_id=other.id)
            return ops.AddArgument(ev.id, r.choice(["Person", "Agent", "Place", "Artifact",
                                                    "Time", "Origin"]), span_id=sp.id)
        if choice == "remove_arg":
            arg = self.pick([a for e in v.events for a in e.arguments])
            return ops.RemoveArgument(arg.id) if arg else None
        if choice == "delete_event":
            return ops.DeleteEvent(ev.id)
        if choice == "event_attr":
            return ops.SetAttribute("event", ev.id, "Negated", r.choice([True, None]))
        if choice == "status":
            return ops.SetStatus(self.doc, r.choice(["in_progress", "done"]))
        return None

    # ---- one step: an edit (maybe a batch of two), an undo or a redo ------------------------------
    def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.2 and self.done:
            self._run_steps(self.done, self.undone, undo=True)
            return
        if roll < 0.3 and self.undone:
            self._run_steps(self.undone, self.done, undo=False)
            return
        todo = [o for o in (self.op() for _ in range(2 if roll > 0.9 else 1)) if o]
        if not todo:
            return
        try:
            changes = self.svc.run(todo)
        except DomainError:
            return  # refused edits store nothing; the view stays right
        self.done.append(ops.inverses(changes))
        self.undone.clear()
        self.apply(changes)

    def _run_steps(self, source: list, target: list, *, undo: bool) -> None:
        todo = source.pop()
        try:
            changes = self.svc.run(todo)
        except DomainError:
            return  # EditCommand drops such a command (setObsolete)
        target.append(ops.inverses(changes))
        self.apply(changes)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_patched_view_equals_a_fresh_load_after_random_edits_and_undos(service, project, seed):
    _pid, doc = project
    w = Walker(service, doc, seed)
    for _ in range(150):
        w.step()
    # most edits must really be patched, not silently reloaded
    assert w.patched > 5 * max(1, w.reloaded), (w.patched, w.reloaded)
    assert w.view.relations or w.view.events  # the walk reached relations and events too
    assert w.category_patches  # and document categories


def test_patch_of_a_delete_drops_the_relations_events_and_arguments_hanging_on_the_span(
        service, project):
    _pid, doc = project
    text = service.load(doc).text
    a, b = [m.span() for m in re.finditer(r"\w+", text)][:2]
    head = service.create_span(doc, *a, "PERSON").id
    tail = service.create_span(doc, *b, "ORG").id
    service.create_relation(head, tail, "employed_by")
    ev = service.create_event(head, "Arrest")
    service.add_argument(ev.id, "Agent", span_id=tail)
    view = service.load(doc)
    change = service.delete_span(tail)
    patched = apply_changes(view, [change])
    assert patched == service.load(doc)
    assert patched.relations == [] and patched.events[0].arguments == ()
    assert view.span(tail) is not None  # the old view is left as it was
    undo = service.restore(change.before)
    assert apply_changes(patched, [undo]) == service.load(doc) == view


def test_first_edit_of_a_new_layer_asks_for_a_reload(service, project):
    _pid, doc = project
    view = service.load(doc)
    assert view.layer_id is None
    change = service.create_span(doc, 0, 3, "PERSON")
    with pytest.raises(NeedsReload):
        apply_changes(view, [change])


def _index_state(idx):
    return (idx.spans, [[(pc.span, pc.start, pc.end, pc.first) for pc in plist]
                        for plist in idx.pieces],
            idx.arcs, idx.arcs_of_para, idx.tag_para, idx.signatures)


def test_incremental_index_equals_a_full_build_along_random_edits(service, project):
    """The document view redoes only the paragraphs an edit touched; what it draws must be
    what a full index build of the same layer gives."""
    from desktop.views.annotations import build_index, split_paragraphs, update_index

    _pid, doc = project
    schema = service.schema(service.project_id("news"))
    w = Walker(service, doc, 7)
    paras = split_paragraphs(w.view.text)
    assert len(paras) > 3
    idx = build_index(w.view, schema, paras)
    for _ in range(120):
        w.step()
        idx = update_index(idx, w.view, schema, paras)
        assert _index_state(idx) == _index_state(build_index(w.view, schema, paras))
