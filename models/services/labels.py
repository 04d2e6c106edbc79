"""Label operations on one layer: spans, relations, events and their arguments.

Each function validates against the document and the schema through the rule book
(models/rules.py), checks the acting user's right to the layer and the row's version, writes
an audit row, and returns a Change whose `before` and `after` hold the rows (the fields of
models/kinds). The typed operations of models/operations run these and add each Change's
exact inverse.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models import rules
from models.services import categories
from models.errors import NotFoundError, StaleWriteError, ValidationError
from models.kinds import event as event_kind
from models.kinds import relation as relation_kind
from models.kinds import span as span_kind
from models.orm import (
    Document, Event, EventArgument, Layer, Relation, SourceTask, Span, TaskSpan)
from models.records import SPAN_SOURCES, SPAN_STATES
from models.schema import Schema
from models.services.bulk import inserting_new
from models.services.context import Actor, audit, check_layer_write
from models.services.layers import DocInfo, doc_info, layer_to_label, shared_schema
from models.views import Change

# the rows' fields, as Changes and the audit trail carry them (owned by models/kinds)
SPAN_FIELDS = span_kind.FIELDS
REL_FIELDS = relation_kind.FIELDS
EVENT_FIELDS = event_kind.FIELDS
ARG_FIELDS = event_kind.ARG_FIELDS
STATE_ACTIONS = {"accepted": "accept", "rejected": "reject", "suggested": "unreview"}


def _get(s: Session, model, row_id: int, what: str):
    row = s.get(model, row_id)
    if row is None:
        # on PostgreSQL row-level security hides the rows of layers the login may not see
        hidden = " or is in a layer you may not see" \
            if s.get_bind().dialect.name == "postgresql" else ""
        raise NotFoundError(f"{what} {row_id} no longer exists (someone may have deleted it)"
                            + hidden)
    return row


def _check_version(row, expected: int | None, what: str) -> None:
    if expected is not None and row.version != expected:
        raise StaleWriteError(f"{what} {row.id} was changed by someone else since it was shown "
                              f"(version {row.version}, not {expected}); reload and try again")


def _layer_of(s: Session, actor: Actor, layer_id: int) -> tuple[Layer, DocInfo, Schema]:
    layer = _get(s, Layer, layer_id, "layer")
    check_layer_write(actor, layer)
    doc = doc_info(s, layer.document_id)
    return layer, doc, shared_schema(s, doc.project_id)


def _touch(layer: Layer) -> None:
    if layer.status == "new":
        layer.status = "in_progress"


# ---- spans ----------------------------------------------------------------------------------

# built once: every new or changed span runs it (building it cost more than running it)
_NEAR_SPANS = select(Span.id, Span.start, Span.end, Span.label, Span.state).where(
    Span.layer_id == bindparam("layer_id"), Span.state != "rejected",
    Span.start < bindparam("end"), Span.end > bindparam("start"))


def validate_span(s: Session, doc: Document | DocInfo, schema: Schema, layer_id: int,
                  start: int, end: int, label: str, *, ignore_id: int | None = None,
                  fragments: list | None = None, state: str = "accepted") -> None:
    """The rule book's span rules, with the layer's spans around [start, end) read in one
    indexed query (layer_id, start)."""
    length = doc.length if isinstance(doc, DocInfo) else len(doc.text)
    rules.check_span(schema, length, start, end, label, fragments=fragments, document=doc.id)
    near = rules.LayerSpans(rules.Placed(*row) for row in s.execute(
        _NEAR_SPANS, {"layer_id": layer_id, "start": start, "end": end}))
    rules.check_overlap(rules.policies(schema), near, start, end, label, state=state,
                        ignore_id=ignore_id)


def create_span(s: Session, actor: Actor, document_id: int, start: int, end: int, label: str,
                *, layer: str | None = None, source: str = "manual", state: str = "accepted",
                score: float | None = None, suggester: str | None = None,
                attributes: dict | None = None, kb_id: str | None = None,
                fragments: list | None = None, note: str | None = None) -> Change:
    lay, doc, schema = layer_to_label(s, actor, document_id, layer, source, state)
    validate_span(s, doc, schema, lay.id, start, end, label, fragments=fragments, state=state)
    after = {"layer_id": lay.id, "start": start, "end": end, "label": label,
             "fragments": [list(f) for f in fragments] if fragments else None,
             "attributes": dict(attributes or {}), "kb_id": kb_id, "note": note,
             "source": source, "suggester": suggester, "state": state, "score": score,
             "version": 1}
    # ON CONFLICT: a writer that checked at the same moment may have stored the very same
    # label first (uq_spans_accepted); then this one stores nothing and says so
    # one text statement built once (see inserting_new): an ORM INSERT ... RETURNING walks
    # the statement for its columns at every execution, a dialect's is compiled every time
    new_id = s.connection().execute(inserting_new(Span.__table__, tuple(after)),
                                    after).scalar()
    if new_id is None:
        raise ValidationError(f"[{start}, {end}) is already labeled {label} (stored by "
                              "someone else a moment ago)")
    after = {"id": new_id, **after}
    after = {f: after[f] for f in SPAN_FIELDS}
    _touch(lay)
    s.flush()
    audit(s, actor, "create", "spans", new_id, project_id=doc.project_id,
          document_id=doc.id, after=after)
    return Change("create", "span", new_id, doc.id, after=after)


def update_span(s: Session, actor: Actor, span_id: int, fields: dict[str, Any],
                action: str, *, expected_version: int | None = None) -> Change:
    """Set fields of a span (what an undo of relabel, resize, ... puts back)."""
    return _update_span(s, actor, span_id, expected_version, action, **fields)


def _update_span(s: Session, actor: Actor, span_id: int, expected_version: int | None,
                 action: str, **values) -> Change:
    span = _get(s, Span, span_id, "span")
    _check_version(span, expected_version, "span")
    layer, doc, schema = _layer_of(s, actor, span.layer_id)
    before = span_kind.to_dict(span)
    start, end = values.get("start", span.start), values.get("end", span.end)
    label = values.get("label", span.label)
    if all(getattr(span, k) == v for k, v in values.items()):
        # nothing changes: no write, no version bump, no audit row
        return Change("update", "span", span.id, doc.id, before=before, after=before)
    state = values.get("state", span.state)
    if {"start", "end", "label", "fragments"} & values.keys() or (
            state != span.state and state == "accepted"):  # accepting must keep the rules
        validate_span(s, doc, schema, layer.id, start, end, label, ignore_id=span.id,
                      fragments=values.get("fragments", span.fragments), state=state)
    if label != span.label:
        _check_dependents(s, schema, span, label)
    for key, value in values.items():
        setattr(span, key, value)
    _touch(layer)
    s.flush()
    after = span_kind.to_dict(span)
    audit(s, actor, action, "spans", span.id, project_id=doc.project_id, document_id=doc.id,
          before=before, after=after)
    return Change("update", "span", span.id, doc.id, before=before, after=after)


def _check_dependents(s: Session, schema: Schema, span: Span, label: str) -> None:
    """A relabel keeps the rules of what hangs on the span: the relations it heads or ends
    and the roles it fills must take its new label."""
    rels = s.execute(select(Relation.label, Relation.head_id, Relation.tail_id).where(
        (Relation.head_id == span.id) | (Relation.tail_id == span.id))).all()
    for rlabel, head_id, tail_id in rels:
        other = s.get(Span, tail_id if head_id == span.id else head_id)
        head = label if head_id == span.id else other.label
        tail = label if tail_id == span.id else other.label
        rules.check_relation(schema, rlabel, head, tail)
    for ev_type, role in s.execute(select(Event.type, EventArgument.role).join(
            Event, Event.id == EventArgument.event_id).where(EventArgument.span_id == span.id)):
        problem = rules.argument_problem(schema, ev_type, role, label)
        if problem:
            raise ValidationError(problem)


def relabel_span(s, actor, span_id: int, label: str, *, expected_version=None) -> Change:
    return _update_span(s, actor, span_id, expected_version, "relabel", label=label)


def resize_span(s, actor, span_id: int, start: int, end: int, *, expected_version=None) -> Change:
    return _update_span(s, actor, span_id, expected_version, "resize", start=start, end=end,
                        fragments=None)


def set_kb_id(s, actor, span_id: int, kb_id: str | None, *, expected_version=None) -> Change:
    return _update_span(s, actor, span_id, expected_version, "set_kb_id",
                        kb_id=(kb_id or None))


def set_note(s, actor, span_id: int, note: str | None, *, expected_version=None) -> Change:
    return _update_span(s, actor, span_id, expected_version, "set_note", note=(note or None))


def set_attribute(s, actor, kind: str, row_id: int, name: str, value: Any,
                  *, expected_version=None) -> Change:
    """Set (or, with value None, remove) an attribute of a span or an event."""
    model = Span if kind == "span" else Event
    row = _get(s, model, row_id, kind)
    doc = doc_info(s, s.get(Layer, row.layer_id).document_id)
    schema = shared_schema(s, doc.project_id)
    adef = schema.attribute(name)
    if adef is None:
        raise ValidationError(f"attribute {name!r} is not in the schema")
    label = row.label if kind == "span" else row.type
    if not adef.applies(label, kind == "event"):
        raise ValidationError(f"attribute {name!r} does not apply to label {label}")
    if value is not None and adef.values and value not in adef.values:
        raise ValidationError(f"attribute {name!r} takes one of {', '.join(adef.values)}, "
                              f"not {value!r}")
    if value is not None and not adef.values and not isinstance(value, bool):
        raise ValidationError(f"attribute {name!r} is binary: true or false")
    attrs = dict(row.attributes or {})
    if value is None:
        attrs.pop(name, None)
    else:
        attrs[name] = value
    if kind == "span":
        return _update_span(s, actor, row_id, expected_version, "set_attribute",
                            attributes=attrs)
    return _update_event(s, actor, row_id, expected_version, "set_attribute", attributes=attrs)


def set_state(s, actor, kind: str, row_id: int, state: str, *, label: str | None = None,
              expected_version=None) -> Change:
    """Accept or reject a suggestion (or put it back): kind span|relation|event|category."""
    if kind == "category":
        return categories.set_state(s, actor, row_id, state,
                                    expected_version=expected_version)
    if state not in SPAN_STATES:
        raise ValidationError(f"state must be one of {', '.join(SPAN_STATES)}")
    action = STATE_ACTIONS[state]
    values: dict[str, Any] = {"state": state}
    if label and kind != "event":
        values["label"] = label
    if kind == "span":
        change = _update_span(s, actor, row_id, expected_version, action, **values)
        if state == "rejected" and change.before["state"] != "rejected":
            change.children += _reject_events_of(s, actor, row_id)
        return change
    if kind == "relation":
        return _update_relation(s, actor, row_id, expected_version, action, **values)
    if kind == "event":
        return _update_event(s, actor, row_id, expected_version, action, state=state)
    raise ValidationError(f"cannot set the state of a {kind}")


def _reject_events_of(s: Session, actor: Actor, span_id: int) -> list[Change]:
    """A rejected trigger takes its events along (rule 8), each audited as a reject. Only
    on the span's move to rejected: its inverse can then put every event back."""
    ids = s.scalars(select(Event.id).where(Event.trigger_id == span_id,
                                           Event.state != "rejected").order_by(Event.id))
    return [_update_event(s, actor, i, None, "reject", state="rejected") for i in ids.all()]


def _check_trigger(s: Session, event: str, trigger_id: int) -> None:
    """Rule 8: refuse an accepted event on a rejected trigger."""
    span = s.get(Span, trigger_id)
    if span is None or span.state != "rejected":
        return
    text = s.scalar(select(func.substr(Document.text, span.start + 1, span.end - span.start))
                    .join(Layer, Layer.document_id == Document.id)
                    .where(Layer.id == span.layer_id))
    raise ValidationError(rules.accept_problem(event, text or "", span.state))


def accept(s, actor, kind: str, row_id: int, *, label: str | None = None,
           expected_version=None) -> Change:
    return set_state(s, actor, kind, row_id, "accepted", label=label,
                     expected_version=expected_version)


def reject(s, actor, kind: str, row_id: int, *, expected_version=None) -> Change:
    return set_state(s, actor, kind, row_id, "rejected", expected_version=expected_version)


def delete_span(s: Session, actor: Actor, span_id: int, *, expected_version=None) -> Change:
    """Delete a span and what hangs on it (relations, events it triggers, arguments)."""
    span = _get(s, Span, span_id, "span")
    _check_version(span, expected_version, "span")
    layer, doc, _ = _layer_of(s, actor, span.layer_id)
    before = span_kind.delete_rows(s, span)
    s.delete(span)
    _touch(layer)
    s.flush()
    audit(s, actor, "delete", "spans", span_id, project_id=doc.project_id,
          document_id=doc.id, before=before)
    return Change("delete", "span", span_id, doc.id, before=before)


def event_state(s: Session, event_id: int) -> dict[str, Any]:
    """An event and its arguments as a Change's `after` gives them."""
    return event_kind.with_arguments(s, _get(s, Event, event_id, "event"))


def restore(s: Session, actor: Actor, before: dict[str, Any]) -> Change:
    """Undo a delete: put back the rows (with their ids) that a delete Change lists. The
    Change's `after` is what was stored: a re-inserted row starts again at version 1."""
    first = before.get("span") or before.get("relation") or (before.get("event") or {})
    if "layer_id" not in first or "id" not in first:
        raise ValidationError("nothing to restore: not the record of a delete")
    layer, doc, schema = _layer_of(s, actor, first["layer_id"])
    _check_restore(s, doc, schema, layer.id, before)
    after = copy.deepcopy(before)
    stored: list[tuple[dict, Any]] = []  # (dict in `after`, its new row)
    if "span" in before:
        sp = before["span"]  # the layer may have changed since the delete, or the schema
        validate_span(s, doc, schema, layer.id, sp["start"], sp["end"], sp["label"],
                      fragments=sp.get("fragments"), state=sp.get("state", "accepted"))
        row = span_kind.from_dict(before["span"])
        s.add(row)
        s.flush()
        stored.append((after["span"], row))
        for ln in before.get("task_spans", ()):  # the other tasks that held it
            s.add(TaskSpan(task_id=ln["task_id"], span_id=row.id, answer=ln.get("answer"),
                           extra=ln.get("extra")))
    events = after.get("events", []) + ([after] if "event" in after else [])
    for ev in events:
        rules.check_event_type(schema, ev["event"]["type"])
        row = event_kind.from_dict(ev["event"])
        s.add(row)
        s.flush()
        stored.append((ev["event"], row))
    for r in after.get("relations", []) + ([after["relation"]] if "relation" in after else []):
        _check_relation(s, schema, r["head_id"], r["tail_id"], r["label"])
        row = relation_kind.from_dict(r)
        s.add(row)
        stored.append((r, row))
    s.flush()
    args = list(before.get("arguments", []))
    for ev in before.get("events", []):
        args += ev["arguments"]
    for a in args:
        _check_argument(s, schema, _get(s, Event, a["event_id"], "event"), a["role"],
                        a["span_id"], a["target_event_id"])
        s.add(event_kind.argument_from_dict(a))
        s.flush()
    for d, row in stored:
        d["version"] = row.version
    row_id = first["id"]
    kind = "span" if "span" in before else ("relation" if "relation" in before else "event")
    table = {"span": "spans", "relation": "relations", "event": "events"}[kind]
    audit(s, actor, "restore", table, row_id, project_id=doc.project_id, document_id=doc.id,
          after=after)
    return Change("restore", kind, row_id, doc.id, after=after)


def _check_restore(s: Session, doc: DocInfo, schema: Schema, layer_id: int,
                   before: dict[str, Any]) -> None:
    """A restore puts back what a delete took, so it is validated like any write: one layer
    (the one the actor may write), offsets inside the text, labels in the schema, and
    every reference inside that layer."""
    events = before.get("events", []) + ([before] if "event" in before else [])
    relations = before.get("relations", []) + ([before["relation"]] if "relation" in before
                                               else [])
    args = list(before.get("arguments", [])) + [a for ev in before.get("events", [])
                                                for a in ev.get("arguments", [])]
    rows = ([before["span"]] if "span" in before else []) + relations + \
        [ev["event"] for ev in events]
    if any(r.get("layer_id") != layer_id for r in rows):
        raise ValidationError("a restore puts back the rows of one layer; these name another")
    spans = {before["span"]["id"]} if "span" in before else set()
    own_events = {ev["event"]["id"] for ev in events}

    def in_layer(model, row_id) -> bool:
        found = s.scalar(select(model.layer_id).where(model.id == row_id))
        return found == layer_id

    if "span" in before:
        sp = before["span"]
        if sp.get("source") not in SPAN_SOURCES or sp.get("state") not in SPAN_STATES:
            raise ValidationError(f"unknown source {sp.get('source')!r} or state "
                                  f"{sp.get('state')!r}")  # the rest: restore's rule book
    for r in relations:
        if schema.relation(r.get("label")) is None:
            raise ValidationError(f"relation type {r.get('label')!r} is not in the schema")
        if not all(x in spans or in_layer(Span, x) for x in (r["head_id"], r["tail_id"])):
            raise ValidationError("a relation must link two spans of its own layer")
    tasks = {r.get("task_id") for r in ([before["span"]] if "span" in before else [])
             + relations} | {ln.get("task_id") for ln in before.get("task_spans", ())}
    tasks.discard(None)
    if tasks and set(s.scalars(select(SourceTask.id).where(
            SourceTask.id.in_(tasks), SourceTask.layer_id == layer_id))) != tasks:
        raise ValidationError("a label's imported task must be one of its own layer")
    for ev in events:
        e = ev["event"]
        if schema.event(e.get("type")) is None:
            raise ValidationError(f"event type {e.get('type')!r} is not in the schema")
        if not (e["trigger_id"] in spans or in_layer(Span, e["trigger_id"])):
            raise ValidationError("an event's trigger must be a span of its own layer")
    for a in args:
        if a.get("span_id") is not None and not (a["span_id"] in spans
                                                 or in_layer(Span, a["span_id"])):
            raise ValidationError("an argument must be in the same layer as its event")
        target = a.get("target_event_id")
        if target is not None and not (target in own_events or in_layer(Event, target)):
            raise ValidationError("an argument must be in the same layer as its event")
        if not (a["event_id"] in own_events or in_layer(Event, a["event_id"])):
            raise ValidationError("an argument must be in the same layer as its event")


# ---- relations --------------------------------------------------------------------------------

def _check_relation(s: Session, schema: Schema, head_id: int, tail_id: int, label: str) -> None:
    head, tail = s.get(Span, head_id), s.get(Span, tail_id)
    if head is None or tail is None:
        raise NotFoundError("the head or tail span no longer exists")
    rules.check_relation(schema, label, head.label, tail.label, head_id=head_id,
                         tail_id=tail_id, same_layer=head.layer_id == tail.layer_id)


def create_relation(s: Session, actor: Actor, head_id: int, tail_id: int, label: str, *,
                    source: str = "manual", state: str = "accepted", score=None,
                    suggester=None) -> Change:
    head = _get(s, Span, head_id, "span")
    _get(s, Span, tail_id, "span")
    layer, doc, schema = _layer_of(s, actor, head.layer_id)
    _check_relation(s, schema, head_id, tail_id, label)
    dup = s.scalar(select(Relation.id).where(Relation.head_id == head_id,
                                             Relation.tail_id == tail_id,
                                             Relation.label == label))
    if dup:
        raise ValidationError(f"these spans are already linked by {label}")
    rel = Relation(layer_id=layer.id, head_id=head_id, tail_id=tail_id, label=label,
                   source=source, state=state, score=score, suggester=suggester)
    s.add(rel)
    _touch(layer)
    s.flush()
    after = relation_kind.to_dict(rel)
    audit(s, actor, "create", "relations", rel.id, project_id=doc.project_id,
          document_id=doc.id, after=after)
    return Change("create", "relation", rel.id, doc.id, after=after)


def relabel_relation(s, actor, relation_id: int, label: str, *, expected_version=None) -> Change:
    return _update_relation(s, actor, relation_id, expected_version, "relabel", label=label)


def update_relation(s: Session, actor: Actor, relation_id: int, fields: dict[str, Any],
                    action: str, *, expected_version: int | None = None) -> Change:
    return _update_relation(s, actor, relation_id, expected_version, action, **fields)


def _update_relation(s, actor, relation_id, expected_version, action, **values) -> Change:
    rel = _get(s, Relation, relation_id, "relation")
    _check_version(rel, expected_version, "relation")
    layer, doc, schema = _layer_of(s, actor, rel.layer_id)
    if "label" in values or (values.get("state") == "accepted" != rel.state):
        _check_relation(s, schema, rel.head_id, rel.tail_id, values.get("label", rel.label))
    before = relation_kind.to_dict(rel)
    for key, value in values.items():
        setattr(rel, key, value)
    s.flush()
    after = relation_kind.to_dict(rel)
    audit(s, actor, action, "relations", rel.id, project_id=doc.project_id,
          document_id=doc.id, before=before, after=after)
    return Change("update", "relation", rel.id, doc.id, before=before, after=after)


def delete_relation(s, actor, relation_id: int, *, expected_version=None) -> Change:
    rel = _get(s, Relation, relation_id, "relation")
    _check_version(rel, expected_version, "relation")
    layer, doc, _ = _layer_of(s, actor, rel.layer_id)
    before = relation_kind.delete_rows(rel)
    s.delete(rel)
    s.flush()
    audit(s, actor, "delete", "relations", relation_id, project_id=doc.project_id,
          document_id=doc.id, before=before)
    return Change("delete", "relation", relation_id, doc.id, before=before)


# ---- events --------------------------------------------------------------------------------------

def _check_argument(s: Session, schema: Schema, event: Event, role: str,
                    span_id: int | None, target_event_id: int | None) -> None:
    if (span_id is None) == (target_event_id is None):
        raise ValidationError("an argument targets exactly one span or one event")
    if span_id is not None:
        target = _get(s, Span, span_id, "span")
        label = target.label
    else:
        target = _get(s, Event, target_event_id, "event")
        label = target.type
    if target_event_id is not None:
        # the layer's events as arguments (event -> the events it takes), for cycles
        edges: dict[int, list[int]] = {}
        names = {event.id: f"{event.type} {event.id}", target.id: f"{label} {target.id}"}
        for src, src_type, dst in s.execute(
                select(EventArgument.event_id, Event.type, EventArgument.target_event_id)
                .join(Event, Event.id == EventArgument.event_id)
                .where(Event.layer_id == event.layer_id,
                       EventArgument.target_event_id.is_not(None))):
            edges.setdefault(src, []).append(dst)
            names[src] = f"{src_type} {src}"
        rules.check_event_argument(edges, event.id, target_event_id, names)
    filled = s.scalar(select(func.count(EventArgument.id)).where(
        EventArgument.event_id == event.id, EventArgument.role == role)) if event.id else 0
    rules.check_argument(schema, event.type, role, label, filled=filled,
                         same_layer=target.layer_id == event.layer_id,
                         target_is_event=span_id is None)


def create_event(s: Session, actor: Actor, trigger_id: int, type: str, *,
                 arguments: list[tuple[str, int | None, int | None]] = (),
                 source: str = "manual", state: str = "accepted", score=None,
                 suggester=None) -> Change:
    trigger = _get(s, Span, trigger_id, "span")
    layer, doc, schema = _layer_of(s, actor, trigger.layer_id)
    rules.check_event_type(schema, type)
    if state == "accepted":
        _check_trigger(s, f"a {type} event", trigger_id)
    ev = Event(layer_id=layer.id, trigger_id=trigger_id, type=type, source=source, state=state,
               score=score, suggester=suggester, attributes={})
    s.add(ev)
    s.flush()
    for role, span_id, target_event_id in arguments:
        _check_argument(s, schema, ev, role, span_id, target_event_id)
        s.add(EventArgument(event_id=ev.id, role=role, span_id=span_id,
                            target_event_id=target_event_id))
        s.flush()
    _touch(layer)
    after = event_kind.with_arguments(s, ev)
    audit(s, actor, "create", "events", ev.id, project_id=doc.project_id, document_id=doc.id,
          after=after)
    return Change("create", "event", ev.id, doc.id, after=after)


def create_event_at(s: Session, actor: Actor, document_id: int, start: int, end: int,
                    type: str, *, layer: str | None = None, **kw) -> Change:
    """Mark a trigger span with the event type as its label and make the event on it."""
    span_change = create_span(s, actor, document_id, start, end, type, layer=layer,
                              source=kw.get("source", "manual"),
                              state=kw.get("state", "accepted"), score=kw.get("score"),
                              suggester=kw.get("suggester"))
    change = create_event(s, actor, span_change.id, type, **kw)
    change.children.append(span_change)
    return change


def update_event(s: Session, actor: Actor, event_id: int, fields: dict[str, Any],
                 action: str, *, expected_version: int | None = None) -> Change:
    return _update_event(s, actor, event_id, expected_version, action, **fields)


def _update_event(s, actor, event_id, expected_version, action, **values) -> Change:
    ev = _get(s, Event, event_id, "event")
    _check_version(ev, expected_version, "event")
    layer, doc, _ = _layer_of(s, actor, ev.layer_id)
    if values.get("state") == "accepted":
        _check_trigger(s, f"event {ev.id} ({ev.type})", ev.trigger_id)
    before = event_kind.to_dict(ev)
    for key, value in values.items():
        setattr(ev, key, value)
    s.flush()
    after = event_kind.to_dict(ev)
    audit(s, actor, action, "events", ev.id, project_id=doc.project_id, document_id=doc.id,
          before=before, after=after)
    return Change("update", "event", ev.id, doc.id, before=before, after=after)


def delete_event(s, actor, event_id: int, *, expected_version=None) -> Change:
    ev = _get(s, Event, event_id, "event")
    _check_version(ev, expected_version, "event")
    layer, doc, _ = _layer_of(s, actor, ev.layer_id)
    before = event_kind.delete_rows(s, ev)
    s.delete(ev)
    s.flush()
    audit(s, actor, "delete", "events", event_id, project_id=doc.project_id,
          document_id=doc.id, before=before)
    return Change("delete", "event", event_id, doc.id, before=before)


def add_argument(s, actor, event_id: int, role: str, *, span_id: int | None = None,
                 target_event_id: int | None = None) -> Change:
    ev = _get(s, Event, event_id, "event")
    layer, doc, schema = _layer_of(s, actor, ev.layer_id)
    _check_argument(s, schema, ev, role, span_id, target_event_id)
    arg = EventArgument(event_id=event_id, role=role, span_id=span_id,
                        target_event_id=target_event_id)
    s.add(arg)
    s.flush()
    after = event_kind.argument_dict(arg)
    audit(s, actor, "add_argument", "event_arguments", arg.id, project_id=doc.project_id,
          document_id=doc.id, after=after)
    return Change("create", "argument", arg.id, doc.id, after=after)


def remove_argument(s, actor, argument_id: int) -> Change:
    arg = _get(s, EventArgument, argument_id, "argument")
    ev = s.get(Event, arg.event_id)
    layer, doc, _ = _layer_of(s, actor, ev.layer_id)
    before = event_kind.argument_dict(arg)
    s.delete(arg)
    s.flush()
    audit(s, actor, "remove_argument", "event_arguments", argument_id,
          project_id=doc.project_id, document_id=doc.id, before=before)
    return Change("delete", "argument", argument_id, doc.id, before=before)


def restore_argument(s, actor, before: dict[str, Any]) -> Change:
    ev = _get(s, Event, before["event_id"], "event")
    layer, doc, schema = _layer_of(s, actor, ev.layer_id)
    _check_argument(s, schema, ev, before["role"], before["span_id"], before["target_event_id"])
    s.add(EventArgument(**before))
    s.flush()
    audit(s, actor, "restore", "event_arguments", before["id"], project_id=doc.project_id,
          document_id=doc.id, after=before)
    return Change("restore", "argument", before["id"], doc.id, after=before)
