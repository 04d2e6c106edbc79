"""Storing document records: one import is one transaction, everything or nothing.

Documents are kept once per article (sha256 of the text) within a project; labels imported
for an article already stored land in that document's layer of their annotator. Rows are
written in bulk (executemany), since imports run to tens of thousands of documents.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import rules
from models.errors import FormatError, PermissionDenied, ValidationError
from models.orm import GOLD, Document, Layer
from models.records import ANSWERS, TASK_KINDS, DocumentRecord
from models.schema import Schema, default_schema
from models.services.bulk import allocate_ids, dumps, insert_rows, lock_for_write, now_value
from models.services.context import Actor, check_admin, ensure_user
from models.services.import_categories import CategoryWriter, check_record
from models.services.import_constraints import widen, widen_policies
from models.services.import_labels import Held, LabelWriter, load_held
from models.services.import_tasks import TaskWriter
from models.services.layers import schema_for
from models.services.record_checks import check_fields
from models.services.projects import create_project, find_project, save_schema
from models import tokens


FINISHED = ("done", "approved")
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
    tasks: int = 0  # imported tasks (Prodigy lines) stored
    categories: int = 0  # document categories stored
    labels_added: list[str] = field(default_factory=list)  # schema growth
    project_created: bool = False
    existing_titles: list[str] = field(default_factory=list)


def _json_str(value: str | None) -> str:
    return json.dumps(value, ensure_ascii=False) if value else '""'  # most titles are empty


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def validate_record(rec: DocumentRecord) -> bool:
    """Offsets inside the text, references that resolve, known states, no cycle of events:
    or a FormatError. True when the spans come in order and apart (none overlaps another)."""
    path, line = rec.origin
    if not isinstance(rec.text, str) or not rec.text or rec.text.isspace():
        raise FormatError(path, line, "empty document: no text to label")
    if "\x00" in rec.text:
        raise FormatError(path, line, "the text holds a NUL byte (binary data), refused")
    if len(rec.text) > MAX_CHARS:
        raise FormatError(path, line, f"document of {len(rec.text):,} characters is over the "
                          f"limit of {MAX_CHARS:,}; split it")
    check_fields(rec)
    check_record(rec)
    n = len(rec.text)
    for task in rec.tasks:
        if task.answer not in (*ANSWERS, None) or task.kind not in TASK_KINDS:
            raise FormatError(path, line, f"task: answer {task.answer!r} is not accept, "
                              f"reject or ignore, or kind {task.kind!r} is unknown")
    bad, apart = rules.scan_offsets(rec.spans, n)
    if bad is not None:
        try:
            rules.check_offsets(bad.start, bad.end, n, bad.fragments, label=bad.label)
        except ValidationError as exc:
            raise FormatError(path, line, exc.message) from None
    if rec.tokens is not None:
        tokens.check(rec.tokens, rec.text, path, line)
    # labels, states and sources were checked with the other fields (check_fields); the
    # answers and other tasks that task formats give, here. One test per span.
    for sp in rec.spans:
        if sp.answer is None and not sp.other_tasks:
            continue
        if sp.answer is not None and sp.answer not in ANSWERS:
            _span_error(sp, path, line)
        if sp.other_tasks and not all(
                isinstance(k, int) and 0 <= k < len(rec.tasks) and (a is None or a in ANSWERS)
                and isinstance(x, dict) for k, a, x in sp.other_tasks):
            raise FormatError(path, line, f"span {sp.label} [{sp.start}, {sp.end}): its other "
                              "tasks name no task of the document, or an unknown answer")
    if not (rec.relations or rec.events):
        return apart
    ids = {sp.id for sp in rec.spans if sp.id}
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
    # events as arguments (a span first, as the writer resolves a target): never a cycle
    edges: dict[str, list[str]] = {}
    for ev in rec.events:
        for arg in ev.arguments:
            if arg.target not in ids and ev.id:
                edges.setdefault(ev.id, []).append(arg.target)
    cycle = rules.find_cycle(edges) if edges else None
    if cycle:
        kind = "an event cannot be its own argument" if len(cycle) == 2 else \
            "events as arguments form a cycle"
        raise FormatError(path, line, f"{kind}: {' -> '.join(cycle)}")
    return apart


def _span_error(sp, path: str, line: int | None) -> None:
    if not sp.label or not isinstance(sp.label, str):
        raise FormatError(path, line, f"span [{sp.start}, {sp.end}) has no label")
    raise FormatError(path, line, f"span {sp.label}: unknown state {sp.state!r}, "
                      f"source {sp.source!r} or answer {sp.answer!r}")


def check_schema(schema: Schema, records: list[DocumentRecord], strict: bool) -> list[str]:
    """Labels the schema lacks: refused under strict, else added (returned for stderr)."""
    used: dict[str, set[str]] = {"entities": set(), "relations": set(), "events": set(),
                                 "categories": set()}
    first_use: dict[str, str] = {}
    roles: dict[str, set[str]] = {}
    event_types = {ev.type for rec in records for ev in rec.events} | {
        e.name for e in schema.events}
    for rec in records:
        where = None
        for label in {sp.label for sp in rec.spans} - event_types:
            if label not in used["entities"]:
                used["entities"].add(label)
                first_use[f"entity:{label}"] = where = where or rec.where
        for rel in rec.relations:
            if rel.label not in used["relations"]:
                used["relations"].add(rel.label)
                first_use[f"relation:{rel.label}"] = rec.where
        for ev in rec.events:
            if ev.type not in used["events"]:
                used["events"].add(ev.type)
                first_use[f"event:{ev.type}"] = rec.where
            for arg in ev.arguments:
                roles.setdefault(ev.type, set()).add(arg.role)
                first_use.setdefault(f"role:{ev.type}.{arg.role}", rec.where)
        for cat in rec.categories:
            if cat.name not in used["categories"]:
                used["categories"].add(cat.name)
                first_use[f"category:{cat.name}"] = rec.where
    for key, where in first_use.items():  # a name the schema could never hold
        kind, name = key.split(":", 1)
        label = name.split(".", 1)[1] if kind == "role" else name
        if not label or any(c.isspace() for c in label):
            path, _, line = where.rpartition(":")
            raise FormatError(path if line.isdigit() else where,
                              int(line) if line.isdigit() else None,
                              f"{kind} name {label!r} is empty or holds white space")
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


def _grow_schema(s: Session, actor: Actor, report: ImportReport, project, project_name: str,
                 schema: Schema, what: list[str]) -> None:
    """Store the schema an import widened: admins only (or whoever creates the project)."""
    if not actor.is_admin and not report.project_created:
        raise PermissionDenied(
            f"{actor.name} ({actor.role}) cannot add labels to the schema of "
            f"{project_name!r} ({', '.join(what)}); only admins can: "
            "an admin adds them (or imports the file), or use labels the schema has")
    save_schema(s, None, project.id, schema, reason="import")


def import_records(s: Session, actor: Actor, project_name: str,
                   records: Iterable[DocumentRecord], *, annotator: str | None = None,
                   strict: bool = False, schema: Schema | None = None,
                   progress: Callable[[int], None] | None = None) -> ImportReport:
    """Store the records in the project (created when missing). The caller commits."""
    records = list(records)
    overlapping = {id(rec) for rec in records if not validate_record(rec)}
    report = ImportReport(project_name)
    project = find_project(s, project_name)
    if project is None:
        base = schema
        if schema is not None and not (schema.entities or schema.relations or schema.events):
            # a file that brings category groups only (Prodigy's choice tasks): the new
            # project starts from the default schema, with those groups
            base = default_schema()
            base.add_groups_from(schema)
        project = create_project(s, actor, project_name, base)
        report.project_created = True
    proj_schema = schema_for(s, project.id)
    if schema is not None and not report.project_created:
        added = proj_schema.add_missing({
            "entities": set(schema.entity_names),
            "relations": {r.name for r in schema.relations},
            "events": {e.name for e in schema.events}})
        added += proj_schema.add_groups_from(schema)
        report.labels_added += added
    report.labels_added += check_schema(proj_schema, records, strict)
    report.labels_added += widen(proj_schema, records, strict)
    if report.labels_added:
        _grow_schema(s, actor, report, project, project_name, proj_schema, report.labels_added)

    lock_for_write(s, project.id)
    now = now_value(s)

    # ---- documents, once per article --------------------------------------------------------
    existing = dict(s.execute(select(Document.sha256, Document.id)
                              .where(Document.project_id == project.id)).all())
    doc_ids: list[int] = []
    new_docs: list[tuple[DocumentRecord, str]] = []
    seen: dict[str, int] = {}
    for rec in records:
        digest = sha256_of(rec.text)
        if digest in existing:
            report.documents_existing += 1
            report.existing_titles.append(rec.title)
            doc_ids.append(existing[digest])
        elif digest in seen:
            report.documents_existing += 1
            doc_ids.append(seen[digest])
        else:
            seen[digest] = -1 - len(new_docs)  # a placeholder until ids are allocated
            new_docs.append((rec, digest))
            doc_ids.append(seen[digest])
    if new_docs and not actor.is_admin:
        raise PermissionDenied(f"{actor.name} ({actor.role}) cannot add documents to "
                               f"{project_name!r} ({len(new_docs)} not there yet, e.g. "
                               f"{new_docs[0][0].title or 'untitled'!r}); only admins can")
    new_ids = allocate_ids(s, "documents", len(new_docs))
    insert_rows(s, "documents", ("id", "project_id", "title", "source", "text", "sha256",
                                 "chars", "meta", "created_at"),
                ((i, project.id, rec.title or "", rec.source or "", rec.text, digest,
                  len(rec.text), dumps(rec.meta or {}), now)
                 for i, (rec, digest) in zip(new_ids, new_docs)))
    doc_ids = [d if d >= 0 else new_ids[-1 - d] for d in doc_ids]
    report.documents_added = len(new_docs)
    # the tokens a labeled file brings are the document's tokens from now on
    tokens.keep_file_tokens(s, [(d, rec.tokens) for rec, d in zip(records, doc_ids)
                                if rec.tokens is not None])

    # ---- layers ----------------------------------------------------------------------------
    default_layer = annotator or actor.name
    users: dict[str, int | None] = {}

    def user_id(name: str) -> int | None:
        if name not in users:
            users[name] = None if name == GOLD else ensure_user(s, name).id
        return users[name]

    # the status a format gave (a Prodigy answer); a document imported with labels and
    # no status is finished in its new layer. Of several records for one layer (ner.teach
    # tasks of one text), a finished one finishes it.
    wanted: dict[tuple[int, str], str | None] = {}
    labeled_layers: set[tuple[int, str]] = set()
    # the active time a file gave a layer; the layer keeps the larger of it and its own, so
    # that importing an export of the same project again does not count the time twice
    active: dict[tuple[int, str], int] = {}
    for rec, doc_id in zip(records, doc_ids):
        if rec.has_labels or rec.status or rec.tasks or rec.active_seconds:
            name = rec.annotator or default_layer
            if rec.active_seconds:
                active[(doc_id, name)] = max(active.get((doc_id, name), 0), rec.active_seconds)
            if name != actor.name:
                check_admin(actor, f"import labels into the layer of {name}")
            before = wanted.get((doc_id, name))
            if before not in FINISHED:
                wanted[(doc_id, name)] = rec.status or before
            if rec.has_labels:
                labeled_layers.add((doc_id, name))
    layer_ids: dict[tuple[int, str], int] = {}
    old_docs = set(existing.values())
    if wanted:
        old = sorted({d for d, _ in wanted if d in old_docs})
        for i in range(0, len(old), 500):
            for lay in s.scalars(select(Layer).where(Layer.document_id.in_(old[i:i + 500]))):
                if (lay.document_id, lay.name) in wanted:
                    layer_ids[(lay.document_id, lay.name)] = lay.id
                    status = wanted[(lay.document_id, lay.name)]
                    if status and status != lay.status:
                        lay.status = status
                    given = active.get((lay.document_id, lay.name), 0)
                    if given > (lay.active_seconds or 0):
                        lay.active_seconds = given
        s.flush()
        missing = [k for k in wanted if k not in layer_ids]
        ids = allocate_ids(s, "layers", len(missing))
        insert_rows(s, "layers", ("id", "document_id", "name", "user_id", "status", "version",
                                  "active_seconds", "updated_at"),
                    ((lid, d, n, user_id(n), wanted[(d, n)] or (
                        "done" if (d, n) in labeled_layers else "in_progress"), 1,
                      active.get((d, n), 0), now)
                     for lid, (d, n) in zip(ids, missing)))
        layer_ids.update(zip(missing, ids))

    # ---- labels ------------------------------------------------------------------------------
    labeled = [(rec, layer_ids[(doc_id, rec.annotator or default_layer)])
               for rec, doc_id in zip(records, doc_ids) if rec.has_labels or rec.tasks]
    # a layer may already hold some of a record's labels when it was stored before, or when
    # this import gives it more than one record (the same article twice)
    given = Counter(lid for _, lid in labeled)
    old_layers = {lid for (d, _), lid in layer_ids.items() if d in old_docs}
    held = load_held(s, sorted(old_layers))
    held.update({lid: Held() for lid, n in given.items() if n > 1 and lid not in held})
    # overlap policies, against what each layer holds: refused (strict) before any label
    widened = widen_policies(proj_schema, labeled, held, strict, overlapping)
    if widened:
        report.labels_added += widened
        _grow_schema(s, actor, report, project, project_name, proj_schema, widened)
    writer = LabelWriter(s, held, sum(len(rec.spans) for rec, _ in labeled),
                         sum(len(rec.events) for rec, _ in labeled))
    tasks = TaskWriter(s, sorted(old_layers), sum(len(rec.tasks) for rec, _ in labeled))
    cats = CategoryWriter(s, proj_schema, sorted(old_layers))
    for rec, lid in labeled:
        task_ids = tasks.add(rec, lid) if rec.tasks else None
        writer.add(rec, lid, task_ids)
        cats.add(rec, lid, task_ids)
    report.tasks = tasks.write()
    report.categories = cats.write()
    report.spans, report.relations, report.events = writer.write()
    report.duplicate_labels = writer.duplicates + cats.duplicates

    # ---- the audit trail: one row per document touched, one for the whole import ----------
    # (JSON written by hand: json.dumps per document costs more than the insert itself)
    layer_json = {name: _json_str(name) for name in {rec.annotator or default_layer
                                                      for rec in records}}
    audit_rows = [(now, actor.name, "import", "documents", doc_id, project.id, doc_id, None,
                   f'{{"title": {_json_str(rec.title)}, "spans": {len(rec.spans)}, '
                   f'"relations": {len(rec.relations)}, "events": {len(rec.events)}, '
                   f'"categories": {len(rec.categories)}, '
                   f'"layer": {layer_json[rec.annotator or default_layer]}}}')
                  for rec, doc_id in zip(records, doc_ids)]
    audit_rows.append((now, actor.name, "import", "projects", project.id, project.id, None,
                       None, dumps({"documents_added": report.documents_added,
                                    "spans": report.spans,
                                    "labels_added": report.labels_added})))
    insert_rows(s, "audit_log", ("at", "user_name", "action", "table_name", "row_id",
                                 "project_id", "document_id", "before", "after"), audit_rows)
    if progress:
        progress(len(records))
    return report
