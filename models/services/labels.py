"""Label operations on one layer: spans, relations, events and their arguments.

Each function validates against the document and the schema, checks the acting user's right
to the layer and the row's version, writes an audit row, and returns a Change whose `before`
holds what an undo needs.
"""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.errors import NotFoundError, StaleWriteError, ValidationError
from models.orm import Document, Event, EventArgument, Layer, Relation, Span
from models.records import SPAN_SOURCES, SPAN_STATES
from models.schema import Schema
from models.services.context import Actor, audit, check_layer_write
from models.services.layers import DocInfo, doc_info, ensure_layer, shared_schema
from models.views import Change

# ---- row <-> dict (the audit trail and undo use these) ----------------------------------------

SPAN_FIELDS = ("id", "layer_id", "start", "end", "label", "fragments", "attributes", "kb_id",
               "note", "source", "suggester", "state", "score", "version")
REL_FIELDS = ("id", "layer_id", "head_id", "tail_id", "label", "source", "suggester", "state",
              "score", "version")
EVENT_FIELDS = ("id", "layer_id", "trigger_id", "type", "attributes", "source", "suggester",
                "state", "score", "version")
ARG_FIELDS = ("id", "event_id", "role", "span_id", "target_event_id")


def row_dict(row, fields) -> dict[str, Any]:
    return {f: getattr(row, f) for f in fields}


def _get(s: Session, model, row_id: int, what: str):
    row = s.get(model, row_id)
    if row is None:
        raise NotFoundError(f"{what} {row_id} no longer exists (someone may have deleted it)")
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

def validate_span(s: Session, doc: Document | DocInfo, schema: Schema, layer_id: int,
                  start: int, end: int, label: str, *, ignore_id: int | None = None,
                  fragments: list | None = None) -> None:
    length = doc.length if isinstance(doc, DocInfo) else len(doc.text)
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= length:
        raise ValidationError(f"span [{start}, {end}) is outside the text of document "
                              f"{doc.id} (length {length}) or empty", where=label)
    if not schema.entity(label) and not schema.event(label):
        raise ValidationError(f"label {label!r} is not in the schema of this project")
    for a, b in fragments or ():
        if not start <= a < b <= end:
            raise ValidationError(f"fragment [{a}, {b}) lies outside span [{start}, {end})")
    mine = _policy(schema, label)
    # one indexed query (layer_id, start), plain rows: no ORM objects for the neighbours
    others = s.execute(select(Span.id, Span.start, Span.end, Span.label).where(
        Span.layer_id == layer_id, Span.state != "rejected", Span.start < end, Span.end > start))
    for o_id, o_start, o_end, o_label in others:
        if o_id == ignore_id:
            continue
        if o_start == start and o_end == end and o_label == label:
            raise ValidationError(f"[{start}, {end}) is already labeled {label}")
        theirs = _policy(schema, o_label)
        nested = (o_start <= start and end <= o_end) or (start <= o_start and o_end <= end)
        if "none" in (mine, theirs) or ("nest" in (mine, theirs) and not nested):
            who = label if mine != "allow" else o_label
            raise ValidationError(
                f"{label} [{start}, {end}) would overlap {o_label} [{o_start}, {o_end}); "
                f"the schema does not let {who} overlap")


def _policy(schema: Schema, label: str) -> str:
    ent = schema.entity(label)
    return ent.overlap if ent else "allow"


def create_span(s: Session, actor: Actor, document_id: int, start: int, end: int, label: str,
                *, layer: str | None = None, source: str = "manual", state: str = "accepted",
                score: float | None = None, suggester: str | None = None,
                attributes: dict | None = None, kb_id: str | None = None,
                fragments: list | None = None, note: str | None = None) -> Change:
    if source not in SPAN_SOURCES or state not in SPAN_STATES:
        raise ValidationError(f"unknown source {source!r} or state {state!r}")
    lay = ensure_layer(s, actor, document_id, layer)
    check_layer_write(actor, lay)
    doc = doc_info(s, document_id)
    schema = shared_schema(s, doc.project_id)
    validate_span(s, doc, schema, lay.id, start, end, label, fragments=fragments)
    span = Span(layer_id=lay.id, start=start, end=end, label=label, source=source, state=state,
                score=score, suggester=suggester, attributes=dict(attributes or {}),
                kb_id=kb_id, fragments=[list(f) for f in fragments] if fragments else None,
                note=note)
    s.add(span)
    _touch(lay)
    s.flush()
    after = row_dict(span, SPAN_FIELDS)
    audit(s, actor, "create", "spans", span.id, project_id=doc.project_id,
          document_id=doc.id, after=after)
    return Change("create", "span", span.id, doc.id, after=after)


def _update_span(s: Session, actor: Actor, span_id: int, expected_version: int | None,
                 action: str, **values) -> Change:
    span = _get(s, Span, span_id, "span")
    _check_version(span, expected_version, "span")
    layer, doc, schema = _layer_of(s, actor, span.layer_id)
    before = row_dict(span, SPAN_FIELDS)
    start, end = values.get("start", span.start), values.get("end", span.end)
    label = values.get("label", span.label)
    if all(getattr(span, k) == v for k, v in values.items()):
        # nothing changes: no write, no version bump, no audit row
        return Change("update", "span", span.id, doc.id, before=before, after=before)
    if {"start", "end", "label"} & values.keys():
        validate_span(s, doc, schema, layer.id, start, end, label, ignore_id=span.id)
    for key, value in values.items():
        setattr(span, key, value)
    _touch(layer)
    s.flush()
    after = row_dict(span, SPAN_FIELDS)
    audit(s, actor, action, "spans", span.id, project_id=doc.project_id, document_id=doc.id,
          before=before, after=after)
    return Change("update", "span", span.id, doc.id, before=before, after=after)


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
    """Accept or reject a suggestion (or put it back): kind span|relation|event."""
    if state not in SPAN_STATES:
        raise ValidationError(f"state must be one of {', '.join(SPAN_STATES)}")
    action = {"accepted": "accept", "rejected": "reject", "suggested": "unreview"}[state]
    if kind == "span":
        values: dict[str, Any] = {"state": state}
        if label:
            values["label"] = label
        return _update_span(s, actor, row_id, expected_version, action, **values)
    if kind == "relation":
        rel = _get(s, Relation, row_id, "relation")
        _check_version(rel, expected_version, "relation")
        layer, doc, schema = _layer_of(s, actor, rel.layer_id)
        before = row_dict(rel, REL_FIELDS)
        rel.state = state
        if label:
            _check_relation(s, schema, rel.head_id, rel.tail_id, label)
            rel.label = label
        s.flush()
        after = row_dict(rel, REL_FIELDS)
        audit(s, actor, action, "relations", rel.id, project_id=doc.project_id,
              document_id=doc.id, before=before, after=after)
        return Change("update", "relation", rel.id, doc.id, before=before, after=after)
    if kind == "event":
        return _update_event(s, actor, row_id, expected_version, action, state=state)
    raise ValidationError(f"cannot set the state of a {kind}")


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
    before = {"span": row_dict(span, SPAN_FIELDS), **_dependents(s, span)}
    s.delete(span)
    _touch(layer)
    s.flush()
    audit(s, actor, "delete", "spans", span_id, project_id=doc.project_id,
          document_id=doc.id, before=before)
    return Change("delete", "span", span_id, doc.id, before=before)


def _dependents(s: Session, span: Span) -> dict[str, list]:
    rels = s.scalars(select(Relation).where(
        or_(Relation.head_id == span.id, Relation.tail_id == span.id))).all()
    events = s.scalars(select(Event).where(Event.trigger_id == span.id)).all()
    events_out = [_event_dict(s, ev) for ev in events]
    event_ids = {ev.id for ev in events}
    args = s.scalars(select(EventArgument).where(or_(
        EventArgument.span_id == span.id,
        EventArgument.target_event_id.in_(event_ids) if event_ids else False))).all()
    return {"relations": [row_dict(r, REL_FIELDS) for r in rels], "events": events_out,
            "arguments": [row_dict(a, ARG_FIELDS) for a in args
                          if a.event_id not in event_ids]}


def _event_dict(s: Session, ev: Event) -> dict[str, Any]:
    args = s.scalars(select(EventArgument).where(EventArgument.event_id == ev.id)
                     .order_by(EventArgument.id)).all()
    return {"event": row_dict(ev, EVENT_FIELDS), "arguments": [row_dict(a, ARG_FIELDS)
                                                               for a in args]}


def event_state(s: Session, event_id: int) -> dict[str, Any]:
    """An event and its arguments as a Change's `after` gives them."""
    return _event_dict(s, _get(s, Event, event_id, "event"))


def restore(s: Session, actor: Actor, before: dict[str, Any]) -> Change:
    """Undo a delete: put back the rows (with their ids) that a delete Change lists. The
    Change's `after` is what was stored: a re-inserted row starts again at version 1."""
    first = before.get("span") or before.get("relation") or (before.get("event") or {})
    layer, doc, _ = _layer_of(s, actor, first["layer_id"])
    after = copy.deepcopy(before)
    stored: list[tuple[dict, Any]] = []  # (dict in `after`, its new row)
    if "span" in before:
        row = Span(**before["span"])
        s.add(row)
        s.flush()
        stored.append((after["span"], row))
    events = after.get("events", []) + ([after] if "event" in after else [])
    for ev in events:
        row = Event(**ev["event"])
        s.add(row)
        s.flush()
        stored.append((ev["event"], row))
    for r in after.get("relations", []) + ([after["relation"]] if "relation" in after else []):
        row = Relation(**r)
        s.add(row)
        stored.append((r, row))
    s.flush()
    args = list(before.get("arguments", []))
    for ev in before.get("events", []):
        args += ev["arguments"]
    for a in args:
        s.add(EventArgument(**a))
    s.flush()
    for d, row in stored:
        d["version"] = row.version
    row_id = first["id"]
    audit(s, actor, "restore", "spans" if "span" in before else
          ("relations" if "relation" in before else "events"), row_id,
          project_id=doc.project_id, document_id=doc.id, after=after)
    kind = "span" if "span" in before else ("relation" if "relation" in before else "event")
    return Change("restore", kind, row_id, doc.id, after=after)


# ---- relations --------------------------------------------------------------------------------

def _check_relation(s: Session, schema: Schema, head_id: int, tail_id: int, label: str) -> None:
    head, tail = s.get(Span, head_id), s.get(Span, tail_id)
    if head is None or tail is None:
        raise NotFoundError("the head or tail span no longer exists")
    rtype = schema.relation(label)
    if rtype is None:
        raise ValidationError(f"relation type {label!r} is not in the schema")
    if not rtype.allows(head.label, tail.label):
        allowed = schema.relations_allowed(head.label, tail.label)
        raise ValidationError(f"relation {label} does not allow {head.label} -> {tail.label}; "
                              f"allowed: {', '.join(allowed) or 'none'}")


def create_relation(s: Session, actor: Actor, head_id: int, tail_id: int, label: str, *,
                    source: str = "manual", state: str = "accepted", score=None,
                    suggester=None) -> Change:
    head = _get(s, Span, head_id, "span")
    tail = _get(s, Span, tail_id, "span")
    if head.layer_id != tail.layer_id:
        raise ValidationError("a relation links two spans of the same layer")
    if head_id == tail_id:
        raise ValidationError("a relation needs two different spans")
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
    after = row_dict(rel, REL_FIELDS)
    audit(s, actor, "create", "relations", rel.id, project_id=doc.project_id,
          document_id=doc.id, after=after)
    return Change("create", "relation", rel.id, doc.id, after=after)


def relabel_relation(s, actor, relation_id: int, label: str, *, expected_version=None) -> Change:
    rel = _get(s, Relation, relation_id, "relation")
    _check_version(rel, expected_version, "relation")
    layer, doc, schema = _layer_of(s, actor, rel.layer_id)
    _check_relation(s, schema, rel.head_id, rel.tail_id, label)
    before = row_dict(rel, REL_FIELDS)
    rel.label = label
    s.flush()
    after = row_dict(rel, REL_FIELDS)
    audit(s, actor, "relabel", "relations", rel.id, project_id=doc.project_id,
          document_id=doc.id, before=before, after=after)
    return Change("update", "relation", rel.id, doc.id, before=before, after=after)


def delete_relation(s, actor, relation_id: int, *, expected_version=None) -> Change:
    rel = _get(s, Relation, relation_id, "relation")
    _check_version(rel, expected_version, "relation")
    layer, doc, _ = _layer_of(s, actor, rel.layer_id)
    before = {"relation": row_dict(rel, REL_FIELDS)}
    s.delete(rel)
    s.flush()
    audit(s, actor, "delete", "relations", relation_id, project_id=doc.project_id,
          document_id=doc.id, before=before)
    return Change("delete", "relation", relation_id, doc.id, before=before)


# ---- events --------------------------------------------------------------------------------------

def _check_argument(s: Session, schema: Schema, event: Event, role: str,
                    span_id: int | None, target_event_id: int | None) -> None:
    etype = schema.event(event.type)
    if etype is None:
        raise ValidationError(f"event type {event.type!r} is not in the schema")
    r = etype.role(role)
    if r is None:
        raise ValidationError(f"event {event.type} has no role {role!r}; roles: "
                              f"{', '.join(x.name for x in etype.roles) or 'none'}")
    if (span_id is None) == (target_event_id is None):
        raise ValidationError("an argument targets exactly one span or one event")
    if span_id is not None:
        target = _get(s, Span, span_id, "span")
        label = target.label
    else:
        target = _get(s, Event, target_event_id, "event")
        if target.id == event.id:
            raise ValidationError("an event cannot be its own argument")
        label = target.type
    if target.layer_id != event.layer_id:
        raise ValidationError("an argument must be in the same layer as its event")
    if not r.takes(label, span_id is None):
        raise ValidationError(f"role {event.type}.{role} takes {', '.join(r.labels)}, "
                              f"not {label}")
    if not r.multiple:
        taken = s.scalar(select(EventArgument.id).where(EventArgument.event_id == event.id,
                                                        EventArgument.role == role))
        if taken:
            raise ValidationError(f"role {event.type}.{role} is already filled")


def create_event(s: Session, actor: Actor, trigger_id: int, type: str, *,
                 arguments: list[tuple[str, int | None, int | None]] = (),
                 source: str = "manual", state: str = "accepted", score=None,
                 suggester=None) -> Change:
    trigger = _get(s, Span, trigger_id, "span")
    layer, doc, schema = _layer_of(s, actor, trigger.layer_id)
    if schema.event(type) is None:
        raise ValidationError(f"event type {type!r} is not in the schema")
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
    after = _event_dict(s, ev)
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


def _update_event(s, actor, event_id, expected_version, action, **values) -> Change:
    ev = _get(s, Event, event_id, "event")
    _check_version(ev, expected_version, "event")
    layer, doc, _ = _layer_of(s, actor, ev.layer_id)
    before = row_dict(ev, EVENT_FIELDS)
    for key, value in values.items():
        setattr(ev, key, value)
    s.flush()
    after = row_dict(ev, EVENT_FIELDS)
    audit(s, actor, action, "events", ev.id, project_id=doc.project_id, document_id=doc.id,
          before=before, after=after)
    return Change("update", "event", ev.id, doc.id, before=before, after=after)


def delete_event(s, actor, event_id: int, *, expected_version=None) -> Change:
    ev = _get(s, Event, event_id, "event")
    _check_version(ev, expected_version, "event")
    layer, doc, _ = _layer_of(s, actor, ev.layer_id)
    before = _event_dict(s, ev)
    before["arguments"] += [row_dict(a, ARG_FIELDS) for a in s.scalars(
        select(EventArgument).where(EventArgument.target_event_id == event_id))]
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
    after = row_dict(arg, ARG_FIELDS)
    audit(s, actor, "add_argument", "event_arguments", arg.id, project_id=doc.project_id,
          document_id=doc.id, after=after)
    return Change("create", "argument", arg.id, doc.id, after=after)


def remove_argument(s, actor, argument_id: int) -> Change:
    arg = _get(s, EventArgument, argument_id, "argument")
    ev = s.get(Event, arg.event_id)
    layer, doc, _ = _layer_of(s, actor, ev.layer_id)
    before = row_dict(arg, ARG_FIELDS)
    s.delete(arg)
    s.flush()
    audit(s, actor, "remove_argument", "event_arguments", argument_id,
          project_id=doc.project_id, document_id=doc.id, before=before)
    return Change("delete", "argument", argument_id, doc.id, before=before)


def restore_argument(s, actor, before: dict[str, Any]) -> Change:
    ev = _get(s, Event, before["event_id"], "event")
    layer, doc, _ = _layer_of(s, actor, ev.layer_id)
    s.add(EventArgument(**before))
    s.flush()
    audit(s, actor, "restore", "event_arguments", before["id"], project_id=doc.project_id,
          document_id=doc.id, after=before)
    return Change("restore", "argument", before["id"], doc.id, after=before)
