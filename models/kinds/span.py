"""The span kind: its fields, ORM row <-> dict <-> SpanView, its patch of an open layer and
the rows an undo of its delete needs (the relations, events and arguments hanging on it)."""

from __future__ import annotations

from bisect import insort
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.kinds import event, relation
from models.kinds.base import NeedsReload, Patch, row_dict, undo_fields
from models.orm import Event, EventArgument, Relation, Span, TaskSpan
from models.views import Change, SpanView

NAME, TABLE, MODEL = "span", "spans", Span
FIELDS = ("id", "layer_id", "start", "end", "label", "fragments", "attributes", "kb_id",
          "note", "source", "suggester", "state", "score", "version")


# what only an undo of a delete needs (the view shows none of it): the imported task the
# span came with, its answer there, what a format said that has no column
UNDO_FIELDS = ("task_id", "answer", "extra")


def to_dict(row: Span) -> dict[str, Any]:
    return row_dict(row, FIELDS)


def to_view(d: dict[str, Any]) -> SpanView:
    frags = d.get("fragments")
    return SpanView(d["id"], d["start"], d["end"], d["label"], d["state"], d["source"],
                    d["suggester"], d["score"], dict(d.get("attributes") or {}), d["kb_id"],
                    d["note"], tuple(tuple(f) for f in frags) if frags else None, d["version"])


def from_dict(d: dict[str, Any]) -> Span:
    return Span(**d)


# ---- undo: what a delete takes along, so that its inverse can put it all back ---------------

def delete_rows(s: Session, span: Span) -> dict[str, Any]:
    """The span and every row hanging on it, as a delete Change's `before` (Restore's rows):
    relations it heads or tails, events it triggers (with their arguments), arguments of
    other events that point at it or at those events, and the other imported tasks that
    hold it (task_spans)."""
    rels = s.scalars(select(Relation).where(
        or_(Relation.head_id == span.id, Relation.tail_id == span.id))).all()
    events = s.scalars(select(Event).where(Event.trigger_id == span.id)).all()
    event_ids = {ev.id for ev in events}
    args = s.scalars(select(EventArgument).where(or_(
        EventArgument.span_id == span.id,
        EventArgument.target_event_id.in_(event_ids) if event_ids else False))).all()
    links = s.scalars(select(TaskSpan).where(TaskSpan.span_id == span.id)).all()
    return {"span": {**to_dict(span), **undo_fields(span, UNDO_FIELDS)},
            "relations": [relation.to_restore(r) for r in rels],
            "events": [event.with_arguments(s, ev, restore=True) for ev in events],
            "arguments": [event.argument_dict(a) for a in args if a.event_id not in event_ids],
            "task_spans": [{"task_id": ln.task_id, "span_id": ln.span_id,
                            "answer": ln.answer, "extra": ln.extra} for ln in links]}


# ---- patch of an open LayerView ----------------------------------------------------------------

def _key(sp: SpanView) -> tuple[int, int, int]:
    return sp.start, -sp.end, sp.id  # load_layer's order: start, end desc, id


def insert(p: Patch, d: dict[str, Any]) -> None:
    p.own(d)
    if any(s.id == d["id"] for s in p.spans):
        raise NeedsReload(f"span {d['id']} is already in the view")
    insort(p.spans, to_view(d), key=_key)


def patch(p: Patch, ch: Change) -> None:
    if ch.action == "create":
        insert(p, ch.after)
    elif ch.action == "update":
        p.own(ch.after)
        i = p.index_of(p.spans, ch.id)
        new, old = to_view(ch.after), p.spans[i]
        if (old.start, old.end) == (new.start, new.end):
            p.spans[i] = new
        else:
            del p.spans[i]
            insort(p.spans, new, key=_key)
    elif ch.action == "delete":
        b = ch.before
        p.own(b["span"])
        del p.spans[p.index_of(p.spans, ch.id)]
        relation.drop(p, {r["id"] for r in b.get("relations", ())})
        event.drop(p, {e["event"]["id"] for e in b.get("events", ())})
        event.drop_arguments(p, {a["id"] for a in b.get("arguments", ())})
    else:
        raise NeedsReload(f"no patch for {ch.action} span")
