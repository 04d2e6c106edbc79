"""Writing review decisions into gold with the annotation operations (so each has its exact
inverse), one place at a time.

- accept a span: it goes into gold and the competing versions gold held at its place go
  out (their relations and events move onto it); `also` keeps them, where the label's
  overlap policy allows both;
- accept a relation or an event: it attaches to the gold span standing at each end's place
  (overlapping, same label); where there is none, the annotator's span goes in and counts as
  that place's decision;
- accept a document category: gold accepts it; of an exclusive group the category gold
  had accepted there goes out (`also` is refused: one of);
- reject: out of gold, and recorded in the decision log; a rejected trigger rejects the
  events on it, and an event whose trigger is rejected cannot be accepted.
Every write runs under the document's lock, after reading the state fresh (two reviewers
at once see each other's work).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models import operations as op
from models.errors import NotFoundError, PermissionDenied, StaleWriteError, ValidationError
from models.orm import GOLD, DocumentCategory, Event, EventArgument, Layer, Relation, Span
from models.review.labels import Item
from models.review.places import (
    Annotations,
    GoldSeen,
    ReviewState,
    Version,
    as_json,
    decisions,
    event_matches,
    last_audit_id,
    overlaps,
)
from models.rules import Placed, broken_policy, policy_message
from models.services.bulk import lock_document
from models.services.context import Actor, audit
from models.services.layers import get_document, known_document
from models.views import Change

MODELS = {"span": Span, "relation": Relation, "event": Event, "category": DocumentCategory}
_SOURCE = select(Span.start, Span.end, Span.label, Span.fragments, Span.attributes, Span.kb_id,
                 Span.note).where(Span.id == bindparam("id"))


class GoldWriter:
    def __init__(self, s: Session, actor: Actor, document_id: int,
                 annotations: Annotations | None = None, since: int | None = None,
                 seen: GoldSeen | None = None):
        """`annotations`, `since` (and `seen`): the annotators' labels (and gold and the
        decisions) as a review window read them at change marker `since`; they are reused
        when nothing of the document was stored since, else every layer is read fresh."""
        if not actor.is_reviewer:
            raise PermissionDenied(f"{actor.name} ({actor.role}) cannot adjudicate; only "
                                   "reviewers can")
        self.s, self.actor, self.document_id = s, actor, document_id
        known = lock_document(s, document_id)  # before reading: the other reviewer's
        if known is not None:  # work is seen
            known_document(s, document_id, *known)
        self.reused = annotations is not None and since is not None \
            and last_audit_id(s, document_id) == since
        self.state = ReviewState(s, document_id, annotations if self.reused else None,
                                 seen if self.reused else None)
        self.changes: list[Change] = []
        self._held = None
        self._synced = (0, 0)  # (changes, state.reads) when the state was last brought up

    # ---- running operations ---------------------------------------------------------------
    def run(self, operation: op.Operation) -> Change:
        ch = operation.apply(self.s, self.actor)
        self.changes.append(ch)
        return ch

    def _wrote(self) -> None:
        """Bring the state up to this step's writes: patched in memory when they are what
        ReviewState.patch_gold knows and gold was not read again meanwhile, else read."""
        st, new = self.state, self.changes[self._synced[0]:]
        if st.reads != self._synced[1] or not st.patch_gold(_flat(new)):
            st.reload_gold()
        self._synced = (len(self.changes), st.reads)

    def record(self, kind: str, key: tuple, decision: str) -> None:
        if decision == "reject" and (kind, key) in self.state.rejected:
            return
        if decision == "open" and (kind, key) not in self.state.rejected:
            return
        self.run(RecordDecision(self.document_id, kind, key, decision))

    # ---- finding what a decision names --------------------------------------------------------
    def item(self, kind: str, row_id: int, seen: int) -> Item:
        if kind not in MODELS:
            raise ValidationError(f"cannot adjudicate a {kind} (span, relation, event or "
                                  "category)")
        if self.reused:  # the labels as read at the marker are the rows as they are now
            hit = next((i for i in self.state.items(kind) if i.id == row_id), None)
            if hit is not None and hit.version == seen:
                return hit
        row = self.s.get(MODELS[kind], row_id)
        self._held = row  # the identity map is weak: the decision reads this row again
        if row is None:
            raise NotFoundError(f"no {kind} {row_id} (deleted since it was shown?); reload the "
                                "review and decide again")
        if row.version != seen:
            raise StaleWriteError(f"{kind} {row_id} was changed since it was shown (version "
                                  f"{row.version}, not {seen}); reload the review and decide "
                                  "again")
        hit = next((i for i in self.state.items(kind) if i.id == row_id), None)
        if hit is not None:
            return hit  # an annotator's accepted label of this document
        layer = self.s.get(Layer, row.layer_id)
        if layer.document_id != self.document_id or layer.name == GOLD:
            raise ValidationError(f"{kind} {row_id} is not an annotator's label of document "
                                  f"{self.document_id}")
        raise ValidationError(f"{kind} {row_id} is not an accepted label (suggestions and "
                              "rejected labels are not reviewed)")

    def version_item(self, v: Version) -> Item:
        row_id = v.refs[0][0]
        return next(i for i in self.state.items(v.kind) if i.id == row_id)

    # ---- decisions ------------------------------------------------------------------------
    def accept(self, it: Item, also: bool = False) -> None:
        if it.kind == "span":
            self._span_in(it, also)
        elif it.kind == "relation":
            self._relation_in(it, also)
        elif it.kind == "category":
            self._category_in(it, also)
        else:
            self._event_in(it, also)
        self.record(it.kind, it.key, "open")
        self._wrote()

    def reject(self, it: Item) -> None:
        st = self.state
        if it.kind == "span":
            for g in [g for g in st.gold_items("span") if g.key == it.key]:
                self.run(op.DeleteSpan(g.id))
            for ev in st.items("event"):  # a rejected trigger takes its events along
                if ev.key[:3] == it.key:
                    self.record("event", ev.key, "reject")
        elif it.kind == "relation":
            for g in st.gold_items("relation"):
                if g.key[4] == it.key[4] and overlaps(g.key[0:2], it.key[0:2]) \
                        and overlaps(g.key[2:4], it.key[2:4]):
                    self.run(op.DeleteRelation(g.id))
        elif it.kind == "category":
            for g in st.gold_items("category"):
                if g.key == it.key:
                    self.run(op.DeleteCategory(g.id))
        else:
            for g in st.gold_items("event"):
                if event_matches(g.key, it.key):
                    self.run(op.DeleteEvent(g.id))
        self.record(it.kind, it.key, "reject")
        self._wrote()

    # ---- spans ---------------------------------------------------------------------------
    def _span_in(self, it: Item, also: bool) -> int:
        st = self.state
        same = next((g for g in st.gold_items("span") if g.key == it.key), None)
        rivals = [g for g in st.gold_items("span") if g.key != it.key
                  and st.competes(it.key, g.key)]
        if also:
            for g in rivals:
                hit = broken_policy(st.policy, it.key[2], it.key[0], it.key[1],
                                    Placed(g.id, g.key[0], g.key[1], g.key[2]))
                if hit:
                    raise ValidationError(f"cannot keep both “{g.key[2]}” and “{it.key[2]}” "
                                          f"here: {policy_message(*hit)}")
                if g.key[:2] == it.key[:2] and g.key[2] == it.key[2]:
                    raise ValidationError(f"[{it.key[0]}, {it.key[1]}) is {g.key[2]} in gold "
                                          "already")
            rivals = []
        if same is not None:  # accepted again at a place that holds two: it is the one now
            for g in rivals:
                self._merge_into(g.id, same.id)
            return same.id
        row = self._source(it.id)
        if not rivals:
            return self.run(op.CreateSpan(
                self.document_id, row.start, row.end, row.label, layer=GOLD,
                attributes=row.attributes, kb_id=row.kb_id, fragments=row.fragments,
                note=row.note)).id
        # the decision made here before becomes this version: the gold row is updated in
        # place, so the relations and events on it stay on it
        keep, others = rivals[0], rivals[1:]
        for g in others:
            self._merge_into(g.id, keep.id)
        self.run(op.UpdateSpan(keep.id, {
            "start": row.start, "end": row.end, "label": row.label, "fragments": row.fragments,
            "attributes": row.attributes, "kb_id": row.kb_id, "note": row.note}, "adjudicate"))
        return keep.id

    def _source(self, span_id: int):
        """What of an annotator's span goes into gold: the row as `item` read it, else
        those columns alone (a decision on labels reused from the marker reads no row)."""
        row = self.s.get(Span, span_id) if self._held is not None else None
        if row is not None:
            return row
        return self.s.connection().execute(_SOURCE, {"id": span_id}).one()

    def _merge_into(self, old_id: int, new_id: int) -> None:
        """Move what hangs on gold span `old_id` onto `new_id`, then delete `old_id`."""
        s = self.s
        for r in s.scalars(select(Relation).where((Relation.head_id == old_id) |
                                                  (Relation.tail_id == old_id))).all():
            fields = {k: new_id for k in ("head_id", "tail_id") if getattr(r, k) == old_id}
            self.run(op.UpdateRelation(r.id, fields, "adjudicate"))
        for e in s.scalars(select(Event).where(Event.trigger_id == old_id)).all():
            self.run(op.UpdateEvent(e.id, {"trigger_id": new_id}, "adjudicate"))
        for a in s.scalars(select(EventArgument).where(EventArgument.span_id == old_id)).all():
            event_id, role = a.event_id, a.role
            self.run(op.RemoveArgument(a.id))
            self.run(op.AddArgument(event_id, role, span_id=new_id))
        self.run(op.DeleteSpan(old_id))

    def _gold_span_for(self, start: int, end: int, label: str, source_id: int | None) -> int:
        """The gold span at this place with this label; else the annotator's span goes in."""
        st = self.state
        here = [g for g in st.gold_items("span") if g.key[2] == label
                and overlaps(g.key, (start, end))]
        if here:
            return min(here, key=lambda g: (g.key[:2] != (start, end), g.id)).id
        key = (start, end, label)
        blocking = [g for g in st.gold_items("span") if st.competes(key, g.key)]
        if blocking:
            g = blocking[0]
            raise ValidationError(
                f"gold has {g.key[2]} at [{g.key[0]}, {g.key[1]}) where this needs {label} "
                f"at [{start}, {end}): decide that place first")
        if ("span", key) in st.rejected:
            raise ValidationError(f"{label} at [{start}, {end}) was rejected; accept it "
                                  "first to attach to it")
        src = self.s.get(Span, source_id) if source_id else None
        new = self.run(op.CreateSpan(self.document_id, start, end, label, layer=GOLD,
                                     attributes=src.attributes if src else None,
                                     kb_id=src.kb_id if src else None,
                                     note=src.note if src else None))
        self.record("span", key, "open")
        st.reload_gold()
        return new.id

    # ---- document categories --------------------------------------------------------------
    def _category_in(self, it: Item, also: bool) -> None:
        st = self.state
        name = it.key[0]
        place = st.category_place(name)
        rivals = [g for g in st.gold_items("category") if g.key[0] != name
                  and place != name and st.category_place(g.key[0]) == place]
        if also and rivals:
            raise ValidationError(f"category group {place} is exclusive (one of): gold has "
                                  f"{rivals[0].key[0]}; accept {name} instead of it")
        for g in rivals:
            self.run(op.DeleteCategory(g.id))
        if not any(g.key == it.key for g in st.gold_items("category")):
            self.run(op.SetCategory(self.document_id, name, layer=GOLD))

    # ---- relations and events ---------------------------------------------------------------
    def _relation_in(self, it: Item, also: bool) -> None:
        st = self.state
        if st.state("relation", it.key) == "accept":
            return
        rel = self.s.get(Relation, it.id)
        head, tail = self.s.get(Span, rel.head_id), self.s.get(Span, rel.tail_id)
        if not also:
            for g in st.gold_items("relation"):
                if overlaps(g.key[0:2], it.key[0:2]) and overlaps(g.key[2:4], it.key[2:4]):
                    self.run(op.DeleteRelation(g.id))
            st.reload_gold()
        h = self._gold_span_for(head.start, head.end, head.label, head.id)
        t = self._gold_span_for(tail.start, tail.end, tail.label, tail.id)
        self.run(op.CreateRelation(h, t, rel.label))

    def _event_in(self, it: Item, also: bool, seen: dict[int, int] | None = None) -> int:
        st = self.state
        if st.trigger_rejected(it.key):
            raise ValidationError(f"event {it.id} ({it.key[2]}) cannot be accepted: its "
                                  "trigger was rejected")
        seen = {} if seen is None else seen  # annotator event id -> gold id (brat cycles)
        hit = next((g for g in st.gold_items("event") if event_matches(g.key, it.key)), None)
        if hit is not None:
            return hit.id
        if not also:
            for g in st.gold_items("event"):
                if overlaps(g.key, it.key):
                    self.run(op.DeleteEvent(g.id))
            st.reload_gold()
        ev = self.s.get(Event, it.id)
        trig = self.s.get(Span, ev.trigger_id)
        trigger = self._gold_span_for(trig.start, trig.end, trig.label, trig.id)
        span_args, event_args = [], []
        for a in self.s.scalars(select(EventArgument).where(EventArgument.event_id == ev.id)
                                .order_by(EventArgument.id)):
            if a.span_id is not None:
                sp = self.s.get(Span, a.span_id)
                span_args.append((a.role, self._gold_span_for(sp.start, sp.end, sp.label,
                                                              sp.id), None))
            else:
                event_args.append(a)
        new_id = self.run(op.CreateEvent(trigger, ev.type, arguments=tuple(span_args))).id
        seen[ev.id] = new_id
        for a in event_args:
            target = seen.get(a.target_event_id)
            if target is None:
                target = self._gold_event_for(a.target_event_id, seen)
            self.run(op.AddArgument(new_id, a.role, target_event_id=target))
        st.reload_gold()
        return new_id

    def _gold_event_for(self, event_id: int, seen: dict[int, int]) -> int:
        ev = self.s.get(Event, event_id)
        trig = self.s.get(Span, ev.trigger_id)
        for g in self.state.gold_items("event"):
            if g.key[2] == ev.type and overlaps(g.key, (trig.start, trig.end)):
                return g.id
        src = next((i for i in self.state.items("event") if i.id == event_id), None)
        if src is None:
            raise ValidationError(f"event {event_id}, an argument, is not an accepted label")
        return self._event_in(src, True, seen)

    # ---- the result ------------------------------------------------------------------------
    def result(self, what: str) -> Change:
        """One Change for the whole decision; its inverse undoes all of it in one step."""
        return Change("update", "review", None, self.document_id, after={"what": what},
                      children=self.changes,
                      inverse=Batch(self.document_id, tuple(op.inverses(self.changes))))


def _flat(changes: list[Change]) -> list[Change]:
    """The Changes of a step, children of its batches in their place."""
    return [c for ch in changes
            for c in (_flat(ch.children) if ch.kind == "review" else [ch])]


# ---- operations --------------------------------------------------------------------------------

class RecordDecision(op.Operation):
    """Write a reviewer's word on a version into the decision log (append only); its inverse
    writes the word it replaced ('open': no word)."""

    def __init__(self, document_id: int, kind: str, key: tuple, decision: str):
        self.document_id, self.kind, self.key, self.decision = document_id, kind, key, decision

    def __repr__(self) -> str:
        return f"RecordDecision({self.kind}, {self.key}, {self.decision})"

    def apply(self, s, actor):
        before = decisions(s, self.document_id).get((self.kind, self.key), "open")
        doc = get_document(s, self.document_id)
        audit(s, actor, "adjudicate", "review", None, project_id=doc.project_id,
              document_id=doc.id,
              after={"keys": [[self.kind, as_json(self.key), self.decision]]})
        ch = Change("update", "decision", None, doc.id, before={"decision": before},
                    after={"decision": self.decision, "kind": self.kind, "key": self.key})
        ch.inverse = RecordDecision(self.document_id, self.kind, self.key, before)
        return ch


class Batch(op.Operation):
    """Several operations of one review step, under the document's lock."""

    def __init__(self, document_id: int, ops: tuple):
        self.document_id, self.ops = document_id, tuple(ops)

    def __repr__(self) -> str:
        return f"Batch({list(self.ops)})"

    def apply(self, s, actor):
        lock_document(s, self.document_id)
        changes = [o.apply(s, actor) for o in self.ops]
        return Change("update", "review", None, self.document_id, children=changes,
                      inverse=Batch(self.document_id, tuple(op.inverses(changes))))
