"""Layers (one per user per document, plus gold), loading a layer for a view, the document
workflow, comments and the history of labels."""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, bindparam, func, select, type_coerce, update
from sqlalchemy.orm import Session

from models.errors import NotFoundError, PermissionDenied, ValidationError
from models.orm import (
    GOLD, LAYER_STATUSES, AuditLog, Comment, Document, DocumentCategory, Event, EventArgument,
    Layer, Relation, SchemaVersion, Span, User, utcnow)
from models.records import SPAN_SOURCES, SPAN_STATES
from models.schema import Schema
from models.services.bulk import insert_ignoring_conflicts
from models.services.context import Actor, audit, check_layer_write
from models.views import (
    ArgumentView, CategoryView, Change, CommentView, DocumentSummary, EventView, LayerView,
    RelationView, SpanView)


def schema_for(s: Session, project_id: int) -> Schema:
    """The project's schema in force, parsed once per unit of work."""
    cache = s.info.setdefault("schemas", {})
    version = s.scalar(select(func.max(SchemaVersion.version))
                       .where(SchemaVersion.project_id == project_id))
    hit = cache.get(project_id)
    if hit and hit.version == version:
        return hit
    schema = current_schema(s, project_id)
    cache[project_id] = schema
    return schema


def current_schema(s: Session, project_id: int) -> Schema:
    """The project's schema in force, a copy of its own."""
    row = s.scalar(select(SchemaVersion).where(SchemaVersion.project_id == project_id)
                   .order_by(SchemaVersion.version.desc()).limit(1))
    if row is None:
        raise NotFoundError(f"project {project_id} has no schema")
    schema = Schema.from_dict(row.data)
    schema.version = row.version
    return schema


# Parsed schemas shared by every session of one engine: parsing a schema's JSON on every
# label edit cost milliseconds. Keyed by the row of the version in force (id, version,
# created_at), read with one small query, so a new version is seen at once. Callers of
# shared_schema only read the Schema; schema_for still gives each unit of work its own copy
# (an import may add labels to it).
_SHARED: weakref.WeakKeyDictionary[Any, dict[int, tuple[tuple, Schema]]] = \
    weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


# Statements every label edit runs, built once (building one costs more than running it).
_SCHEMA_STAMP = (select(SchemaVersion.id, SchemaVersion.version, SchemaVersion.created_at)
                 .where(SchemaVersion.project_id == bindparam("project_id"))
                 .order_by(SchemaVersion.version.desc()).limit(1))
_DOC_INFO = select(Document.project_id, Document.chars).where(
    Document.id == bindparam("document_id"))
_LAYER_BY_NAME = select(Layer).where(Layer.document_id == bindparam("document_id"),
                                     Layer.name == bindparam("name"))


def shared_schema(s: Session, project_id: int) -> Schema:
    """The project's schema in force, read-only, parsed once per engine and version, and its
    version looked up once per unit of work (a review decision asked three times; the one
    writer of schemas, models/services/projects.py, forgets it: `forget_schema`)."""
    held = s.info.setdefault("schema_in_force", {})
    hit = held.get(project_id)
    if hit is not None:
        return hit
    held[project_id] = schema = _shared_schema(s, project_id)
    return schema


def forget_schema(s: Session, project_id: int) -> None:
    """A new schema version was stored in this unit of work: look it up again."""
    s.info.get("schema_in_force", {}).pop(project_id, None)


def _shared_schema(s: Session, project_id: int) -> Schema:
    stamp = s.execute(_SCHEMA_STAMP, {"project_id": project_id}).first()
    if stamp is None:
        raise NotFoundError(f"project {project_id} has no schema")
    stamp = tuple(stamp)
    engine = s.get_bind()
    engine = getattr(engine, "engine", engine)
    with _SHARED_LOCK:
        hit = _SHARED.setdefault(engine, {}).get(project_id)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    schema = Schema.from_dict(s.scalar(select(SchemaVersion.data)
                                       .where(SchemaVersion.id == stamp[0])))
    schema.version = stamp[1]
    with _SHARED_LOCK:
        _SHARED[engine][project_id] = (stamp, schema)
    return schema


@dataclass(frozen=True)
class DocInfo:
    """What label validation needs of a document, without loading its text."""

    id: int
    project_id: int
    length: int


def known_document(s: Session, document_id: int, project_id: int, length: int) -> None:
    """What doc_info would read, read with another statement already (lock_document)."""
    s.info.setdefault("doc_info", {})[document_id] = DocInfo(document_id, project_id, length)


def doc_info(s: Session, document_id: int) -> DocInfo:
    """id, project and text length of a document (a document's text never changes)."""
    cache = s.info.setdefault("doc_info", {})
    hit = cache.get(document_id)
    if hit is None:
        row = s.execute(_DOC_INFO, {"document_id": document_id}).first()
        if row is None:
            raise NotFoundError(f"no document with id {document_id}")
        hit = cache[document_id] = DocInfo(document_id, row[0], row[1] or 0)
    return hit


def layer_to_label(s: Session, actor: Actor, document_id: int, layer: str | None,
                   source: str, state: str) -> tuple[Layer, DocInfo, Schema]:
    """Where a new label goes: the layer (made if need be, the actor's by default) after
    the checks every new label takes (a known source and state, the right to write
    there), with its document and the project's schema to check the label against."""
    if source not in SPAN_SOURCES or state not in SPAN_STATES:
        raise ValidationError(f"unknown source {source!r} or state {state!r}")
    lay = ensure_layer(s, actor, document_id, layer)
    check_layer_write(actor, lay)
    doc = doc_info(s, document_id)
    return lay, doc, shared_schema(s, doc.project_id)


def get_document(s: Session, document_id: int) -> Document:
    doc = s.get(Document, document_id)
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    return doc


def find_layer(s: Session, document_id: int, name: str) -> Layer | None:
    return s.scalar(_LAYER_BY_NAME, {"document_id": document_id, "name": name})


def ensure_layer(s: Session, actor: Actor, document_id: int, name: str | None = None) -> Layer:
    """The layer `name` (default: the actor's own) of a document, created when missing."""
    doc_info(s, document_id)  # the document must exist (its text is not needed)
    name = name or actor.name
    layer = find_layer(s, document_id, name)
    if layer is None:
        user = None if name == GOLD else s.scalar(select(User).where(User.name == name))
        check_layer_write(actor, Layer(document_id=document_id, name=name))
        # two windows making the first edit of a document at once: one INSERT stores the
        # layer, the other finds it (ON CONFLICT DO NOTHING on uq_layers_document_id)
        s.execute(insert_ignoring_conflicts(s, Layer).values(
            document_id=document_id, name=name, user_id=user.id if user else None,
            status="new", version=1, updated_at=utcnow()))
        layer = find_layer(s, document_id, name)
    return layer


_JSON_EMPTY = (None, "", "{}", "null")


def _json(value: Any) -> Any:
    """A JSON column read as raw text: '{}' (almost every row) costs no decoding."""
    if value in _JSON_EMPTY:
        return None
    if isinstance(value, str):
        return json.loads(value)
    return value  # a driver that decodes JSON itself (psycopg: jsonb)


def load_layer(s: Session, document_id: int, name: str,
               *, include_rejected: bool = True) -> LayerView:
    """One layer of a document as plain views. Rows are read as tuples (Core), not ORM
    objects, and JSON columns are decoded only when not empty: 1,000 spans in a few ms."""
    doc = s.execute(select(Document.id, Document.project_id, Document.title, Document.text,
                           Document.meta).where(Document.id == document_id)).first()
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    lay = s.execute(select(Layer.id, Layer.status, Layer.version)
                    .where(Layer.document_id == document_id, Layer.name == name)).first()
    view = LayerView(document_id=doc.id, project_id=doc.project_id, title=doc.title,
                     text=doc.text, layer_id=lay.id if lay else None, layer_name=name,
                     status=lay.status if lay else "new",
                     version=lay.version if lay else 0, meta=dict(doc.meta or {}))
    view.comments = [CommentView(c.id, c.target_kind, c.target_id, c.user_name, c.text,
                                 c.created_at.isoformat(timespec="seconds"))
                     for c in s.scalars(select(Comment).where(Comment.document_id == doc.id)
                                        .order_by(Comment.id))]
    if lay is None:
        return view
    raw = type_coerce  # read JSON columns as their stored text, decoded below when needed
    run = s.connection().execute  # plain Core rows: no ORM result processing
    q = select(Span.id, Span.start, Span.end, Span.label, Span.state, Span.source,
               Span.suggester, Span.score, raw(Span.attributes, Text), Span.kb_id, Span.note,
               raw(Span.fragments, Text), Span.version).where(Span.layer_id == lay.id)
    if not include_rejected:
        q = q.where(Span.state != "rejected")
    view.spans = [
        SpanView(i, a, b, label, state, source, sugg, score, dict(_json(attrs) or {}), kb,
                 note, tuple(tuple(f) for f in frags) if (frags := _json(fr)) else None, ver)
        for i, a, b, label, state, source, sugg, score, attrs, kb, note, fr, ver
        in run(q.order_by(Span.start, Span.end.desc(), Span.id))]
    q = select(Relation.id, Relation.head_id, Relation.tail_id, Relation.label, Relation.state,
               Relation.source, Relation.suggester, Relation.score, Relation.version
               ).where(Relation.layer_id == lay.id)
    if not include_rejected:
        q = q.where(Relation.state != "rejected")
    view.relations = [RelationView(*row) for row in run(q.order_by(Relation.id))]
    events = run(select(Event.id, Event.trigger_id, Event.type,
                              raw(Event.attributes, Text), Event.state, Event.source,
                              Event.suggester, Event.score, Event.version)
                       .where(Event.layer_id == lay.id).order_by(Event.id)).all()
    args: dict[int, list[ArgumentView]] = {}
    if events:
        for a_id, ev_id, role, span_id, target in run(
                select(EventArgument.id, EventArgument.event_id, EventArgument.role,
                       EventArgument.span_id, EventArgument.target_event_id)
                .join(Event, Event.id == EventArgument.event_id)
                .where(Event.layer_id == lay.id).order_by(EventArgument.id)):
            args.setdefault(ev_id, []).append(ArgumentView(a_id, role, span_id, target))
    view.events = [EventView(e_id, trig, etype, tuple(args.get(e_id, ())),
                             dict(_json(attrs) or {}), state, source, sugg, score, ver)
                   for e_id, trig, etype, attrs, state, source, sugg, score, ver in events
                   if include_rejected or state != "rejected"]
    q = select(DocumentCategory.id, DocumentCategory.category, DocumentCategory.state,
               DocumentCategory.source, DocumentCategory.suggester, DocumentCategory.score,
               DocumentCategory.version).where(DocumentCategory.layer_id == lay.id)
    if not include_rejected:
        q = q.where(DocumentCategory.state != "rejected")
    view.categories = [CategoryView(*row) for row in run(q.order_by(DocumentCategory.id))]
    return view


def list_documents(s: Session, project_id: int, layer_name: str) -> list[DocumentSummary]:
    """Each document with the status and label counts of one layer."""
    layers = {lay.document_id: lay for lay in s.scalars(
        select(Layer).join(Document, Document.id == Layer.document_id)
        .where(Document.project_id == project_id, Layer.name == layer_name))}
    layer_ids = [lay.id for lay in layers.values()]

    def count(model, col_filter=None):
        q = select(model.layer_id, func.count(model.id)).where(model.layer_id.in_(layer_ids))
        if col_filter is not None:
            q = q.where(col_filter)
        return dict(s.execute(q.group_by(model.layer_id)).all()) if layer_ids else {}

    spans = count(Span, Span.state == "accepted")
    sugg = count(Span, Span.state == "suggested")
    rels = count(Relation, Relation.state == "accepted")
    evs = count(Event, Event.state == "accepted")
    cats: dict[int, list[str]] = {}
    if layer_ids:
        for lid, name in s.execute(select(DocumentCategory.layer_id, DocumentCategory.category)
                                   .where(DocumentCategory.layer_id.in_(layer_ids),
                                          DocumentCategory.state == "accepted")
                                   .order_by(DocumentCategory.id)):
            cats.setdefault(lid, []).append(name)
    out = []
    rows = s.execute(select(Document.id, Document.title, Document.chars)
                     .where(Document.project_id == project_id).order_by(Document.id))
    for doc_id, title, length in rows:
        lay = layers.get(doc_id)
        lid = lay.id if lay else None
        out.append(DocumentSummary(doc_id, title, lay.status if lay else "new",
                                   spans.get(lid, 0), rels.get(lid, 0), evs.get(lid, 0),
                                   sugg.get(lid, 0), length or 0,
                                   lay.active_seconds or 0 if lay else 0,
                                   tuple(cats.get(lid, ()))))
    return out


def add_active_time(s: Session, actor: Actor, document_id: int, seconds: int) -> int:
    """Add to the actor's own layer of the document the seconds they worked on it; the
    layer's total. A plain UPDATE: no label version moves, so no edit goes stale."""
    seconds = int(seconds)
    if seconds <= 0:
        raise ValidationError(f"active time must be positive, not {seconds}")
    lay = ensure_layer(s, actor, document_id)
    s.flush()
    s.execute(update(Layer).where(Layer.id == lay.id)
              .values(active_seconds=Layer.active_seconds + seconds)
              .execution_options(synchronize_session=False))
    return s.scalar(select(Layer.active_seconds).where(Layer.id == lay.id))


def set_status(s: Session, actor: Actor, document_id: int, status: str,
               *, layer: str | None = None, comment: str | None = None,
               said_why: bool = False) -> Change:
    """The workflow: new -> in_progress -> done (annotator) -> approved | returned (reviewer).
    `said_why`: the comment a return needs was given already (one return, many layers)."""
    if status not in LAYER_STATUSES:
        raise ValidationError(f"status must be one of {', '.join(LAYER_STATUSES)}")
    name = layer or actor.name
    if status in ("approved", "returned"):
        if not actor.is_reviewer:
            raise PermissionDenied(f"{actor.name} ({actor.role}) cannot approve or return "
                                   "documents; only reviewers can")
        lay = find_layer(s, document_id, name)
        if lay is None:
            raise NotFoundError(f"document {document_id} has no layer {name!r}")
    else:
        lay = ensure_layer(s, actor, document_id, name)
        check_layer_write(actor, lay)
    if status == "returned" and not comment and not said_why:
        raise ValidationError("returning a document needs a comment saying why")
    before = {"status": lay.status}
    lay.status = status
    s.flush()
    doc = s.get(Document, document_id)
    audit(s, actor, "set_status", "layers", lay.id, project_id=doc.project_id,
          document_id=document_id, before=before, after={"status": status, "layer": name})
    change = Change("update", "layer", lay.id, document_id, before=before,
                    after={"status": status})
    if comment:
        change.children.append(add_comment(s, actor, document_id, comment))
    return change


def add_comment(s: Session, actor: Actor, document_id: int, text: str, *,
                target_kind: str = "document", target_id: int | None = None) -> Change:
    if not text or not text.strip():
        raise ValidationError("a comment cannot be empty")
    if target_kind not in ("document", "span", "relation", "event"):
        raise ValidationError(f"cannot comment on a {target_kind}")
    doc = get_document(s, document_id)
    c = Comment(document_id=doc.id, target_kind=target_kind, target_id=target_id,
                user_name=actor.name, text=text.strip())
    s.add(c)
    s.flush()
    after = {"target_kind": target_kind, "target_id": target_id, "text": c.text}
    audit(s, actor, "comment", "comments", c.id, project_id=doc.project_id,
          document_id=doc.id, after=after)
    return Change("create", "comment", c.id, doc.id, after=after)


def history(s: Session, document_id: int, *, table: str | None = None,
            row_id: int | None = None, actor: Actor | None = None) -> list[dict]:
    """The audit trail of a document (or of one label in it), oldest first. With an actor
    who is not a reviewer, only the rows of their own layer (and of the document itself)."""
    get_document(s, document_id)
    q = select(AuditLog).where(AuditLog.document_id == document_id)
    if table:
        q = q.where(AuditLog.table_name == table)
    if row_id is not None:
        q = q.where(AuditLog.row_id == row_id)
    names = {lay.id: lay.name for lay in s.scalars(
        select(Layer).where(Layer.document_id == document_id))}
    out = []
    for a in s.scalars(q.order_by(AuditLog.id)):
        layer = _layer_of_row(s, a, names)
        if actor is not None and not actor.is_reviewer and layer not in (None, actor.name):
            continue
        out.append({"at": a.at.isoformat(timespec="seconds"), "user": a.user_name,
                    "action": a.action, "table": a.table_name, "row": a.row_id,
                    "layer": layer, "before": a.before, "after": a.after})
    return out


def _layer_of_row(s: Session, a: AuditLog, names: dict[int, str]) -> str | None:
    """The layer name an audit row belongs to; None for the document itself (comments).
    Rows whose layer cannot be told are attributed to "?" (shown to reviewers only)."""
    if a.table_name == "comments":
        return None
    if a.table_name == "layers":
        return names.get(a.row_id) or (a.after or {}).get("layer") or "?"
    data = a.after or a.before or {}
    if a.table_name == "documents":
        return data.get("layer")
    for key in ("span", "relation", "event", "category"):  # deletes: the row under its kind
        if isinstance(data.get(key), dict):
            data = data[key]
            break
    if "layer_id" in data:
        return names.get(data["layer_id"], "?")
    if a.table_name == "event_arguments" and data.get("event_id") is not None:
        lid = s.scalar(select(Event.layer_id).where(Event.id == data["event_id"]))
        return names.get(lid, "?") if lid is not None else "?"
    return "?"
