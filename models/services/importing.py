"""Storing document records: one import is one transaction, everything or nothing.

Documents are kept once per article (sha256 of the text) within a project; labels imported
for an article already stored land in that document's layer of their annotator. Rows are
written in bulk (executemany), since imports run to tens of thousands of documents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models.errors import FormatError, ValidationError
from models.orm import GOLD, AuditLog, Document, Event, EventArgument, Layer, Relation, Span
from models.records import SPAN_SOURCES, SPAN_STATES, DocumentRecord
from models.schema import Schema
from models.services.context import Actor, check_admin, ensure_user
from models.services.layers import schema_for
from models.services.projects import create_project, find_project, save_schema


# A document larger than this is refused: no annotator labels 50 MB in one view.
MAX_CHARS = 50_000_000


@dataclass
class ImportReport:
    project: str
    documents_added: int = 0
    documents_existing: int = 0  # the same article was already stored (or repeated)
    spans: int = 0
    relations: int = 0
    events: int = 0
    duplicate_labels: int = 0  # already in the layer, not stored twice
    labels_added: list[str] = field(default_factory=list)  # schema growth
    project_created: bool = False
    existing_titles: list[str] = field(default_factory=list)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _where(rec: DocumentRecord) -> str:
    path, line = rec.origin
    return f"{path}:{line}" if line is not None else (path or rec.title or "document")


def validate_record(rec: DocumentRecord) -> None:
    """Offsets inside the text, references that resolve, known states: or a FormatError."""
    path, line = rec.origin
    if not isinstance(rec.text, str) or not rec.text.strip():
        raise FormatError(path, line, "empty document: no text to label")
    if "\x00" in rec.text:
        raise FormatError(path, line, "the text holds a NUL byte (binary data), refused")
    if len(rec.text) > MAX_CHARS:
        raise FormatError(path, line, f"document of {len(rec.text):,} characters is over the "
                          f"limit of {MAX_CHARS:,}; split it")
    n = len(rec.text)
    ids: set[str] = set()
    for sp in rec.spans:
        if not (isinstance(sp.start, int) and isinstance(sp.end, int) and 0 <= sp.start < sp.end
                <= n):
            raise FormatError(path, line, f"span {sp.label} [{sp.start}, {sp.end}) is outside "
                              f"the text (length {n}) or empty")
        if not sp.label or not isinstance(sp.label, str):
            raise FormatError(path, line, f"span [{sp.start}, {sp.end}) has no label")
        if sp.state not in SPAN_STATES or sp.source not in SPAN_SOURCES:
            raise FormatError(path, line, f"span {sp.label}: unknown state {sp.state!r} or "
                              f"source {sp.source!r}")
        if sp.id:
            ids.add(sp.id)
    event_ids = {ev.id for ev in rec.events if ev.id}
    for rel in rec.relations:
        if rel.head not in ids or rel.tail not in ids:
            raise FormatError(path, line, f"relation {rel.label} points to a span that is not "
                              f"there ({rel.head} -> {rel.tail})")
    for ev in rec.events:
        if ev.trigger not in ids:
            raise FormatError(path, line, f"event {ev.type} has no trigger span {ev.trigger!r}")
        for arg in ev.arguments:
            if arg.target not in ids and arg.target not in event_ids:
                raise FormatError(path, line, f"event {ev.type} argument {arg.role} points to "
                                  f"{arg.target!r}, which is not there")


def check_schema(schema: Schema, records: list[DocumentRecord], strict: bool) -> list[str]:
    """Labels the schema lacks: refused under strict, else added (returned for stderr)."""
    used: dict[str, set[str]] = {"entities": set(), "relations": set(), "events": set()}
    first_use: dict[str, str] = {}
    roles: dict[str, set[str]] = {}
    event_types = {ev.type for rec in records for ev in rec.events} | {
        e.name for e in schema.events}
    for rec in records:
        for sp in rec.spans:
            if sp.label not in event_types:
                used["entities"].add(sp.label)
                first_use.setdefault(f"entity:{sp.label}", _where(rec))
        for rel in rec.relations:
            used["relations"].add(rel.label)
            first_use.setdefault(f"relation:{rel.label}", _where(rec))
        for ev in rec.events:
            used["events"].add(ev.type)
            first_use.setdefault(f"event:{ev.type}", _where(rec))
            for arg in ev.arguments:
                roles.setdefault(ev.type, set()).add(arg.role)
                first_use.setdefault(f"role:{ev.type}.{arg.role}", _where(rec))
    missing = schema.missing(used)
    for etype, names in roles.items():
        ev = schema.event(etype)
        missing += [f"role:{etype}.{r}" for r in sorted(names) if ev is None or not ev.role(r)]
    if strict and missing:
        first = missing[0]
        kind, name = first.split(":", 1)
        raise ValidationError(f"{kind} {name!r} is not in the schema (--strict); "
                              f"{len(missing)} unknown label(s) in all",
                              where=first_use.get(first))
    if missing:
        schema.add_missing(used)
        for etype, names in roles.items():
            schema.add_roles(etype, names)
    return missing


def import_records(s: Session, actor: Actor, project_name: str,
                   records: Iterable[DocumentRecord], *, annotator: str | None = None,
                   strict: bool = False, schema: Schema | None = None,
                   progress: Callable[[int], None] | None = None) -> ImportReport:
    """Store the records in the project (created when missing). The caller commits."""
    records = list(records)
    for rec in records:
        validate_record(rec)
    report = ImportReport(project_name)
    project = find_project(s, project_name)
    if project is None:
        project = create_project(s, actor, project_name, schema)
        report.project_created = True
    proj_schema = schema_for(s, project.id)
    if schema is not None and not report.project_created:
        added = proj_schema.add_missing({
            "entities": set(schema.entity_names),
            "relations": {r.name for r in schema.relations},
            "events": {e.name for e in schema.events}})
        report.labels_added += added
    report.labels_added += check_schema(proj_schema, records, strict)
    if report.labels_added:
        save_schema(s, None, project.id, proj_schema, reason="import")

    # ---- documents, once per article --------------------------------------------------------
    existing = dict(s.execute(select(Document.sha256, Document.id)
                              .where(Document.project_id == project.id)).all())
    doc_ids: list[int] = []
    new_rows: list[dict] = []
    new_index: list[int] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(records):
        digest = sha256_of(rec.text)
        if digest in existing:
            report.documents_existing += 1
            report.existing_titles.append(rec.title)
            doc_ids.append(existing[digest])
        elif digest in seen:
            report.documents_existing += 1
            doc_ids.append(-1 - seen[digest])  # resolved after the insert
        else:
            seen[digest] = len(new_rows)
            new_rows.append({"project_id": project.id, "title": rec.title or "",
                             "source": rec.source or "", "text": rec.text, "sha256": digest,
                             "meta": rec.meta or {}})
            new_index.append(i)
            doc_ids.append(-1 - seen[digest])
    inserted: list[int] = []
    if new_rows:
        inserted = list(s.scalars(insert(Document).returning(Document.id,
                                                             sort_by_parameter_order=True),
                                  new_rows))
    doc_ids = [d if d >= 0 else inserted[-1 - d] for d in doc_ids]
    report.documents_added = len(new_rows)

    # ---- layers ----------------------------------------------------------------------------
    default_layer = annotator or actor.name
    users: dict[str, int | None] = {}

    def user_id(name: str) -> int | None:
        if name not in users:
            users[name] = None if name == GOLD else ensure_user(s, name).id
        return users[name]

    wanted: dict[tuple[int, str], str | None] = {}
    for rec, doc_id in zip(records, doc_ids):
        if rec.has_labels or rec.status:
            name = rec.annotator or default_layer
            if name != actor.name:
                check_admin(actor, f"import labels into the layer of {name}")
            wanted[(doc_id, name)] = rec.status or wanted.get((doc_id, name))
    layer_ids: dict[tuple[int, str], int] = {}
    if wanted:
        doc_set = sorted({d for d, _ in wanted})
        for lay in s.scalars(select(Layer).where(Layer.document_id.in_(doc_set))):
            if (lay.document_id, lay.name) in wanted:
                layer_ids[(lay.document_id, lay.name)] = lay.id
                status = wanted[(lay.document_id, lay.name)]
                if status and status != lay.status:
                    lay.status = status
        missing = [k for k in wanted if k not in layer_ids]
        if missing:
            rows = [{"document_id": d, "name": n, "user_id": user_id(n),
                     "status": wanted[(d, n)] or "in_progress", "version": 1} for d, n in missing]
            ids = s.scalars(insert(Layer).returning(Layer.id, sort_by_parameter_order=True), rows)
            layer_ids.update(zip(missing, ids))

    # ---- labels ------------------------------------------------------------------------------
    present: dict[int, set[tuple[int, int, str]]] = {}
    touched = [lid for (d, _), lid in layer_ids.items() if d in set(existing.values())]
    if touched:
        for lid, st, en, lab in s.execute(select(Span.layer_id, Span.start, Span.end, Span.label)
                                          .where(Span.layer_id.in_(touched))):
            present.setdefault(lid, set()).add((st, en, lab))
    span_rows: list[dict] = []
    span_keys: list[tuple[int, str]] = []  # (record index, local id)
    for i, (rec, doc_id) in enumerate(zip(records, doc_ids)):
        if not rec.has_labels:
            continue
        lid = layer_ids[(doc_id, rec.annotator or default_layer)]
        have = present.setdefault(lid, set())
        for sp in rec.spans:
            key = (sp.start, sp.end, sp.label)
            if key in have and not sp.id:
                report.duplicate_labels += 1
                continue
            have.add(key)
            span_rows.append({"layer_id": lid, "start": sp.start, "end": sp.end,
                              "label": sp.label, "fragments": [list(f) for f in sp.fragments]
                              if sp.fragments else None, "attributes": sp.attributes or {},
                              "kb_id": sp.kb_id, "note": sp.note, "source": sp.source,
                              "suggester": None, "state": sp.state, "score": sp.score,
                              "version": 1})
            span_keys.append((i, sp.id))
    span_ids: dict[tuple[int, str], int] = {}
    if span_rows:
        ids = s.scalars(insert(Span).returning(Span.id, sort_by_parameter_order=True), span_rows)
        for key, sid in zip(span_keys, ids):
            if key[1]:
                span_ids[key] = sid
    report.spans = len(span_rows)

    rel_rows = []
    ev_rows, ev_keys = [], []
    for i, (rec, doc_id) in enumerate(zip(records, doc_ids)):
        if not (rec.relations or rec.events):
            continue
        lid = layer_ids[(doc_id, rec.annotator or default_layer)]
        for rel in rec.relations:
            rel_rows.append({"layer_id": lid, "head_id": span_ids[(i, rel.head)],
                             "tail_id": span_ids[(i, rel.tail)], "label": rel.label,
                             "source": rel.source, "suggester": None, "state": rel.state,
                             "score": rel.score, "version": 1})
        for ev in rec.events:
            ev_rows.append({"layer_id": lid, "trigger_id": span_ids[(i, ev.trigger)],
                            "type": ev.type, "attributes": ev.attributes or {},
                            "source": ev.source, "suggester": None, "state": ev.state,
                            "score": ev.score, "version": 1})
            ev_keys.append((i, ev.id))
    if rel_rows:
        s.execute(insert(Relation), rel_rows)
    report.relations = len(rel_rows)
    event_ids: dict[tuple[int, str], int] = {}
    if ev_rows:
        ids = s.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), ev_rows)
        event_ids = dict(zip(ev_keys, ids))
        arg_rows = []
        for i, rec in enumerate(records):
            for ev in rec.events:
                for arg in ev.arguments:
                    target_span = span_ids.get((i, arg.target))
                    arg_rows.append({"event_id": event_ids[(i, ev.id)], "role": arg.role,
                                     "span_id": target_span,
                                     "target_event_id": None if target_span else
                                     event_ids[(i, arg.target)]})
        if arg_rows:
            s.execute(insert(EventArgument), arg_rows)
    report.events = len(ev_rows)

    # ---- the audit trail: one row per document touched, one for the whole import ----------
    audit_rows = [{"user_name": actor.name, "action": "import", "table_name": "documents",
                   "row_id": doc_id, "project_id": project.id, "document_id": doc_id,
                   "before": None, "after": {"title": rec.title, "spans": len(rec.spans),
                                             "relations": len(rec.relations),
                                             "events": len(rec.events),
                                             "layer": rec.annotator or default_layer}}
                  for rec, doc_id in zip(records, doc_ids)]
    audit_rows.append({"user_name": actor.name, "action": "import", "table_name": "projects",
                       "row_id": project.id, "project_id": project.id, "document_id": None,
                       "before": None, "after": {"documents_added": report.documents_added,
                                                 "spans": report.spans,
                                                 "labels_added": report.labels_added}})
    s.execute(insert(AuditLog), audit_rows)
    if progress:
        progress(len(records))
    return report
