"""The labels of an import (spans, relations, events, arguments), written in bulk and never
twice. A label the layer already holds, stored before or by an earlier record of the same
import (the same article imported again, or given twice), is not stored again, and what
points at it (a relation, an event, an argument) points at the row that is there. Within one
record the labels are stored as the record gives them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Event, EventArgument, Relation, Span
from models.rules import Placed
from models.records import DocumentRecord
from models.services.bulk import allocate_ids, dumps, insert_rows

CHUNK = 500  # ids per IN (...) list


@dataclass
class Held:
    """What one layer holds, as label keys -> row ids."""
    spans: dict[tuple, int] = field(default_factory=dict)  # (start, end, label, fragments)
    accepted: dict[tuple, int] = field(default_factory=dict)  # of those, the accepted ones
    relations: set[tuple] = field(default_factory=set)  # (head id, tail id, label)
    events: dict[tuple, int] = field(default_factory=dict)  # (trigger id, type)
    arguments: set[tuple] = field(default_factory=set)  # (event, role, span, target event)
    placed: list[Placed] = field(default_factory=list)  # the spans not rejected (overlaps)


def span_key(start: int, end: int, label: str, fragments) -> tuple:
    return start, end, label, tuple(tuple(f) for f in fragments) if fragments else None


def load_held(s: Session, layer_ids: list[int]) -> dict[int, Held]:
    """What these (stored) layers hold."""
    held = {lid: Held() for lid in layer_ids}
    for k in range(0, len(layer_ids), CHUNK):
        chunk = layer_ids[k:k + CHUNK]
        for sid, lid, st, en, lab, frags, state in s.execute(
                select(Span.id, Span.layer_id, Span.start, Span.end, Span.label, Span.fragments,
                       Span.state).where(Span.layer_id.in_(chunk))):
            key = span_key(st, en, lab, frags)
            held[lid].spans.setdefault(key, sid)
            if state == "accepted":
                held[lid].accepted.setdefault(key, sid)
            if state != "rejected":
                held[lid].placed.append(Placed(sid, st, en, lab, state))
        for lid, head, tail, lab in s.execute(
                select(Relation.layer_id, Relation.head_id, Relation.tail_id, Relation.label)
                .where(Relation.layer_id.in_(chunk))):
            held[lid].relations.add((head, tail, lab))
        for eid, lid, trig, etype in s.execute(
                select(Event.id, Event.layer_id, Event.trigger_id, Event.type)
                .where(Event.layer_id.in_(chunk))):
            held[lid].events.setdefault((trig, etype), eid)
        for lid, eid, role, span, target in s.execute(
                select(Event.layer_id, EventArgument.event_id, EventArgument.role,
                       EventArgument.span_id, EventArgument.target_event_id)
                .join(Event, Event.id == EventArgument.event_id)
                .where(Event.layer_id.in_(chunk))):
            held[lid].arguments.add((eid, role, span, target))
    return held


class LabelWriter:
    """Collects the rows of each record's labels, then writes them (`write`).

    `held`: what each layer holds, for the layers that may already hold some of a record's
    labels; a layer not in it (new, and given one record) is written without looking."""

    def __init__(self, s: Session, held: dict[int, Held], n_spans: int, n_events: int):
        self.s, self.held = s, held
        self._span_ids = iter(allocate_ids(s, "spans", n_spans))  # not contiguous on PG
        self._event_ids = iter(allocate_ids(s, "events", n_events))
        self.plain_spans: list[tuple] = []
        self.spans: list[tuple] = []
        self.relations: list[tuple] = []
        self.events: list[tuple] = []
        self.arguments: list[tuple] = []
        self.task_spans: list[tuple] = []  # (task, span, answer, extra): of another task
        self.duplicates = 0

    def add(self, rec: DocumentRecord, lid: int, tasks: dict[int, int | None] | None = None
            ) -> None:
        """`tasks`: the record's task indices -> their new rows, None for a task the layer
        already holds (its labels are not stored again). A task's spans are stored as the
        task gives them, whatever other tasks or labels of the layer hold: two tasks of one
        text may carry the same span, one accepting and one rejecting it."""
        tasks = tasks or {}
        held = self.held.get(lid)
        linked = bool(rec.relations or rec.events)  # only then are span ids looked up
        ids: dict[str, int] = {}  # the record's span ids -> rows
        new: dict[tuple, int] = {}  # what this record adds to the layer
        new_accepted: dict[tuple, int] = {}
        for sp in rec.spans:
            task_id = tasks.get(sp.task) if sp.task is not None else None
            if sp.task is not None and sp.task in tasks:
                if task_id is None:  # the task is there already
                    self.duplicates += 1
                    continue
                key = span_key(sp.start, sp.end, sp.label, sp.fragments)
                if sp.state == "accepted":
                    # one accepted label per place in a layer (uq_spans_accepted), even
                    # when two tasks both accept it: the second task's is that one
                    there = new_accepted.get(key) or (held.accepted.get(key) if held else None)
                    if there is not None:  # linked to the task, with its answer there
                        self.task_spans.append((task_id, there, sp.answer,
                                                dumps(sp.extra) if sp.extra else None))
                        self._other_tasks(sp, tasks, there)
                        if sp.id:
                            ids[sp.id] = there
                        continue
                sid = next(self._span_ids)
                if held is not None:
                    new.setdefault(key, sid)
                if sp.state == "accepted":
                    new_accepted.setdefault(key, sid)
                if sp.id:
                    ids[sp.id] = sid
                self._full_span(sid, lid, sp, task_id)
                self._other_tasks(sp, tasks, sid)
                continue
            if sp.state == "accepted" and held is None:
                # the same label twice in one record is one label (uq_spans_accepted)
                key = span_key(sp.start, sp.end, sp.label, sp.fragments)
                if key in new_accepted:
                    self.duplicates += 1
                    if sp.id:
                        ids[sp.id] = new_accepted[key]
                    continue
            if held is not None:
                key = span_key(sp.start, sp.end, sp.label, sp.fragments)
                # a label is there when the layer has it as a label: a suggestion (or a
                # rejected one) at the same place does not stand for an accepted label
                there = (held.accepted if sp.state == "accepted" else held.spans).get(key)
                if there is None and sp.state == "accepted":
                    there = new_accepted.get(key)  # twice in this very record
                if there is not None:
                    self.duplicates += 1
                    if sp.id:
                        ids[sp.id] = there
                    continue
            sid = next(self._span_ids)
            if held is not None:
                new.setdefault(key, sid)
            if sp.state == "accepted":
                new_accepted.setdefault(key, sid)
            if linked and sp.id:
                ids[sp.id] = sid
            if not (sp.fragments or sp.attributes or sp.kb_id or sp.note or sp.score is not None
                    or sp.state != "accepted" or sp.source != "import" or sp.extra):
                # the common case: only offsets and label to store, the rest are defaults
                self.plain_spans.append((sid, lid, sp.start, sp.end, sp.label))
            else:
                self._full_span(sid, lid, sp, None)
        if held is not None:
            for key, sid in new.items():
                held.spans.setdefault(key, sid)
            for key, sid in new_accepted.items():
                held.accepted.setdefault(key, sid)
        if linked:
            self._links(rec, lid, ids, held, tasks)

    def _other_tasks(self, sp, tasks: dict[int, int | None], sid: int) -> None:
        """The other tasks of the record that hold this span (our own DocBin gives them)."""
        for k, answer, extra in sp.other_tasks:
            if k != sp.task and tasks.get(k) is not None:
                self.task_spans.append((tasks[k], sid, answer, dumps(extra) if extra else None))

    def _full_span(self, sid: int, lid: int, sp, task_id: int | None) -> None:
        self.spans.append((
            sid, lid, sp.start, sp.end, sp.label,
            dumps([list(f) for f in sp.fragments]) if sp.fragments else None,
            dumps(sp.attributes or {}), sp.kb_id, sp.note, sp.source, sp.state,
            sp.score, 1, task_id, sp.answer if task_id is not None else None,
            dumps(sp.extra) if sp.extra else None))

    def _links(self, rec: DocumentRecord, lid: int, ids: dict[str, int],
               held: Held | None, tasks: dict[int, int | None]) -> None:
        before = held or Held()  # compared with what the layer held before this record
        rels, evs, args = set(), {}, set()
        for rel in rec.relations:
            in_task = rel.task is not None and rel.task in tasks
            if in_task and tasks[rel.task] is None:
                self.duplicates += 1
                continue
            key = (ids[rel.head], ids[rel.tail], rel.label)
            if not in_task and key in before.relations:
                self.duplicates += 1
                continue
            rels.add(key)
            self.relations.append((lid, *key, rel.source, rel.state, rel.score, 1,
                                   tasks[rel.task] if in_task else None,
                                   dumps(rel.extra) if rel.extra else None))
        events: dict[str, int] = {}  # the record's event ids -> rows
        fresh: set[int] = set()
        for k, ev in enumerate(rec.events):
            key = (ids[ev.trigger], ev.type)
            there = before.events.get(key)
            if there is not None:  # the same event: its missing arguments are added to it
                self.duplicates += 1
                eid = there
            else:
                eid = next(self._event_ids)
                fresh.add(eid)
                evs.setdefault(key, eid)
                self.events.append((eid, lid, key[0], ev.type, dumps(ev.attributes or {}),
                                    ev.source, ev.state, ev.score, 1,
                                    dumps(ev.extra) if ev.extra else None))
            events[ev.id or f"#{k}"] = eid
        for k, ev in enumerate(rec.events):
            eid = events[ev.id or f"#{k}"]
            for arg in ev.arguments:
                span = ids.get(arg.target)
                key = (eid, arg.role, span, None if span is not None else events[arg.target])
                if eid not in fresh and key in before.arguments:
                    continue  # part of an event already there
                args.add(key)
                self.arguments.append(key)
        if held is not None:
            held.relations |= rels
            for key, eid in evs.items():
                held.events.setdefault(key, eid)
            held.arguments |= args

    def write(self) -> tuple[int, int, int]:
        """Insert the rows; (spans, relations, events) stored."""
        s = self.s
        insert_rows(s, "spans", ("id", "layer_id", "start", "end", "label", "fragments",
                                 "attributes", "kb_id", "note", "source", "state", "score",
                                 "version", "task_id", "answer", "extra"), self.spans)
        # the rest as SQL constants: a fifth of the parameters to bind
        insert_rows(s, "spans", ("id", "layer_id", "start", "end", "label"), self.plain_spans,
                    constants={"attributes": "'{}'", "source": "'import'",
                               "state": "'accepted'", "version": "1"})
        insert_rows(s, "task_spans", ("task_id", "span_id", "answer", "extra"),
                    self.task_spans)
        insert_rows(s, "relations", ("layer_id", "head_id", "tail_id", "label", "source",
                                     "state", "score", "version", "task_id", "extra"),
                    self.relations)
        insert_rows(s, "events", ("id", "layer_id", "trigger_id", "type", "attributes",
                                  "source", "state", "score", "version", "extra"), self.events)
        insert_rows(s, "event_arguments", ("event_id", "role", "span_id", "target_event_id"),
                    self.arguments)
        return len(self.spans) + len(self.plain_spans), len(self.relations), len(self.events)

