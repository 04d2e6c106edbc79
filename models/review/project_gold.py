"""Auto-gold over a whole project in one transaction (`marginalia review --auto` without
--document): what AcceptAgreed does document by document, with the reads and writes of all
documents together.

Read once for the project: every layer's labels, the decision log, the documents' lengths,
gold's spans (suggestions included: the rule book checks against them) and the annotator
rows the agreed spans are copied from. A document whose agreed labels are all spans is then
decided in memory (models/review/bulk_gold.py `plan_spans`, the rules of the per-label
path), and the new gold layers, spans and audit rows of all such documents go in as a few
multi-row INSERTs. A document with agreed relations, events or categories goes through
AcceptAgreed itself, at its turn in document order, after the rows planned before it are
written: ids, audit rows and gold come out as running AcceptAgreed document by document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Text, cast, select, text, type_coerce, update

from models import operations as op
from models.errors import NotFoundError, PermissionDenied
from models.orm import GOLD, Document, Layer, Project, Span
from models.review.adjudication import AcceptAgreed, _ordered
from models.review.agreed_sql import AgreedInSql
from models.review.bulk_gold import ACCEPTED_COLUMNS, accepted_row, plan_spans
from models.review.gold_writer import Batch
from models.review.places import ReviewState, states_of
from models.rules import LayerSpans, Placed, policies
from models.services.bulk import (
    LOCK_DOCUMENT,
    allocate_ids,
    insert_rows,
    lock_document,
    now_value,
)
from models.services.context import check_layer_write
from models.services.labels import SPAN_FIELDS
from models.services.layers import DocInfo, _json, shared_schema
from models.views import Change

_SPAN_COLUMNS = ("id", "layer_id", "start", "end", "label", "fragments", "attributes",
                 "kb_id", "note")
CHUNK = 900  # ids per IN list (SQLite's oldest limit on parameters)


@dataclass
class _Planned:
    """A document's agreed spans that go in, decided in memory, not written yet."""

    slot: int  # its place among the step's children
    state: ReviewState
    doc: DocInfo
    rows: list
    skipped: int


def lock_project(s, project_id: int) -> None:
    """Every document's lock (models/services/bulk.py `lock_document`), in id order: a
    reviewer deciding one document waits for this step, and it for her. SQLite has one
    write lock for the whole database: taken by a write now."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:ns, d.id) FROM (SELECT id FROM "
                       "documents WHERE project_id = :p ORDER BY id) d"),
                  {"ns": LOCK_DOCUMENT, "p": project_id})
    else:
        s.execute(text("UPDATE projects SET id = id WHERE id = :p"), {"p": project_id})


@dataclass(frozen=True)
class AcceptAgreedProject(op.Operation):
    """Auto-gold of every document of a project. Its Change has one child per document
    (AcceptAgreed's), and after: decided, skipped and `documents` (per document id)."""

    project_id: int

    def apply(self, s, actor):
        if not actor.is_reviewer:
            raise PermissionDenied(f"{actor.name} ({actor.role}) cannot adjudicate; only "
                                   "reviewers can")
        if s.get(Project, self.project_id) is None:
            raise NotFoundError(f"no project with id {self.project_id}")
        check_layer_write(actor, Layer(name=GOLD))
        lock_project(s, self.project_id)
        return _Run(s, actor, self.project_id).all()


class _Run:
    def __init__(self, s, actor, project_id: int):
        self.s, self.actor, self.project_id = s, actor, project_id
        self.schema = shared_schema(s, project_id)
        self.policy = policies(self.schema)
        self.now = now_value(s)
        # the plainest documents are decided in the database (decision 48); the labels of
        # the others are read for the per-document rules
        self.sql = AgreedInSql(s, project_id, [e.name for e in self.schema.entities]
                               + [e.name for e in self.schema.events])
        all_docs = list(s.scalars(select(Document.id).where(Document.project_id == project_id)))
        rest = [d for d in all_docs if d not in self.sql.decided]
        self.states = {} if not rest else {
            d: st for d, st in states_of(s, project_id, rest if len(rest) <= CHUNK else None,
                                         self.schema).items() if d not in self.sql.decided}
        self.docs = sorted([*self.states, *self.sql.decided])
        self.length = dict(s.execute(select(Document.id, Document.chars).where(
            Document.project_id == project_id)).all()) if self.states else {}
        self.pending: list[_Planned] = []
        self.in_sql: list[tuple[int, int]] = []  # (slot, document) decided in SQL, unwritten

    def all(self) -> Change:
        states = self.states  # the documents the per-document rules decide
        agreed = {d: _ordered(st.agreed_open()) for d, st in states.items()}
        simple = {d for d in states if all(v.kind == "span" for v in agreed[d])}
        gold_spans = self._gold_spans([states[d].gold.layer_id for d in sorted(simple)
                                       if agreed[d] and states[d].gold is not None])
        rows = self._rows([v for d in simple for v in agreed[d]])
        self.children: list = []
        # written in document order, as the per-document step would: each kind of batch is
        # stored before a document of another kind
        for d in self.docs:
            if d in self.sql.decided:
                self._write()
                self.children.append(None)  # its Change, made when its rows are written
                self.in_sql.append((len(self.children) - 1, d))
            elif d in simple:
                self._write_sql()
                self._plan(states[d], agreed[d], gold_spans, rows)
            else:  # relations, events, categories: the per-document step, at its turn
                self._write()
                self._write_sql()
                self.children.append(AcceptAgreed(d).apply(self.s, self.actor))
        self._write()
        self._write_sql()
        self.sql.close()
        summary = {ch.document_id: {"decided": ch.after["decided"],
                                    "skipped": ch.after["skipped"]} for ch in self.children}
        after = {"what": "accept agreed", "documents": summary,
                 "decided": sum(x["decided"] for x in summary.values()),
                 "skipped": sum(x["skipped"] for x in summary.values())}
        return Change("update", "review", None, None, after=after, children=self.children,
                      inverse=Batches(tuple(op.inverses(self.children))))

    def _write_sql(self) -> None:
        """Store the documents decided in the database so far: one change per document,
        whose undo deletes the spans it made (its audit rows say what they were)."""
        docs, self.in_sql = self.in_sql, []
        if not docs:
            return
        made = self.sql.write([d for _, d in docs], self.actor.name, self.now)
        for slot, d in docs:
            ids = made.get(d, [])
            self.children[slot] = Change(
                "update", "review", None, d,
                after={"what": "accept agreed", "decided": len(ids), "skipped": 0},
                inverse=DeleteMade(d, ids) if ids else None)

    # ---- reads for every document at once -----------------------------------------------
    def _gold_spans(self, layer_ids: list[int]) -> dict[int, list[Placed]]:
        out: dict[int, list[Placed]] = {}
        for i in range(0, len(layer_ids), CHUNK):
            for lid, *placed in self.s.execute(
                    select(Span.layer_id, Span.id, Span.start, Span.end, Span.label,
                           Span.state).where(Span.layer_id.in_(layer_ids[i:i + CHUNK]),
                                             Span.state != "rejected")):
                out.setdefault(lid, []).append(Placed(*placed))
        return out

    def _rows(self, versions) -> dict:
        """The annotators' spans gold copies: what the key says, and the columns besides
        read only of the spans that have any (most have none: one scan in the database)."""
        rows = {v.refs[0][0]: _Row(*v.key[:3], None, None, None, None) for v in versions}
        if not rows:
            return rows
        raw = type_coerce(Span.fragments, Text), type_coerce(Span.attributes, Text)
        q = (select(Span.id, Span.start, Span.end, Span.label, raw[0].label("fragments"),
                    raw[1].label("attributes"), Span.kb_id, Span.note)
             .join(Layer, Layer.id == Span.layer_id)
             .join(Document, Document.id == Layer.document_id)
             .where(Document.project_id == self.project_id, Layer.name != GOLD,
                    Span.state == "accepted",
                    (cast(Span.fragments, Text) != "null") | (cast(Span.attributes, Text)
                                                              != "{}")
                    | Span.kb_id.is_not(None) | Span.note.is_not(None)))
        for r in self.s.execute(q):
            if r.id in rows:
                rows[r.id] = _Row(r.start, r.end, r.label, _json(r.fragments),
                                  _json(r.attributes), r.kb_id, r.note)
        return rows

    # ---- one document, in memory ----------------------------------------------------------
    def _plan(self, st: ReviewState, versions, gold_spans, rows) -> None:
        d = st.document_id
        doc = DocInfo(d, self.project_id, self.length.get(d) or 0)
        gold = [(g.key, g.id) for g in st.gold_items("span")]
        layer = LayerSpans(gold_spans.get(st.gold.layer_id, ()) if st.gold is not None
                           else ())
        new, skipped = plan_spans(st.schema, st.policy, doc, layer, gold, versions, rows)
        self.children.append(None)  # its Change, made when its rows are written
        self.pending.append(_Planned(len(self.children) - 1, st, doc, [r for _, r in new],
                                     skipped))

    def _write(self) -> None:
        """Store the rows planned so far (before a document that takes the per-document
        step, and at the end): ids for all of them at once, then a few multi-row INSERTs."""
        s, todo = self.s, self.pending
        self.pending = []
        if not todo:
            return
        making = [p for p in todo if p.rows and p.state.gold is None]
        layer_ids = dict(zip((p.doc.id for p in making),
                             allocate_ids(s, "layers", len(making))))
        span_ids = iter(allocate_ids(s, "spans", sum(len(p.rows) for p in todo)))
        # a gold layer made as ensure_layer makes it, then set "in_progress" (version 2)
        layers = [(layer_ids[p.doc.id], p.doc.id, GOLD, None, "in_progress", 2, self.now)
                  for p in making]
        was_new = [p.state.gold.layer_id for p in todo
                   if p.rows and p.state.gold is not None and p.state.gold.status == "new"]
        spans, audit = [], []
        for p in todo:
            d = p.doc.id
            layer_id = layer_ids[d] if p.state.gold is None else p.state.gold.layer_id
            changes = []
            for row in p.rows:
                new_id = next(span_ids)
                frags = [list(f) for f in row.fragments] if row.fragments else None
                attrs = dict(row.attributes or {})
                frags_json, attrs_json = _dump(frags), _dump(attrs)
                spans.append((new_id, layer_id, row.start, row.end, row.label, frags_json,
                              attrs_json, row.kb_id, row.note))
                after = {"id": new_id, "layer_id": layer_id, "start": row.start,
                         "end": row.end, "label": row.label, "fragments": frags,
                         "attributes": attrs, "kb_id": row.kb_id, "note": row.note,
                         "source": "manual", "suggester": None, "state": "accepted",
                         "score": None, "version": 1}  # SPAN_FIELDS, in their order
                changes.append(Change("create", "span", new_id, d, after=after,
                                      inverse=op.DeleteSpan(new_id)))
            if changes:
                audit.append(accepted_row(self.now, self.actor.name, layer_id,
                                          self.project_id, d, [c.id for c in changes]))
            self.children[p.slot] = Change(
                "update", "review", None, d,
                after={"what": "accept agreed", "decided": len(p.rows), "skipped": p.skipped},
                children=changes, inverse=Batch(d, tuple(op.inverses(changes))))
        insert_rows(s, "layers", ("id", "document_id", "name", "user_id", "status", "version",
                                  "updated_at"), layers)
        if was_new:
            s.execute(update(Layer).where(Layer.id.in_(was_new))
                      .values(status="in_progress", version=Layer.version + 1)
                      .execution_options(synchronize_session=False))
        insert_rows(s, "spans", _SPAN_COLUMNS, spans,
                    constants={"source": "'manual'", "state": "'accepted'", "version": "1"})
        insert_rows(s, "audit_log", ACCEPTED_COLUMNS, audit)


class _Row(NamedTuple):
    start: int
    end: int
    label: str
    fragments: list | None
    attributes: dict | None
    kb_id: str | None
    note: str | None


def _dump(value) -> str:
    """JSON as SQLAlchemy's JSON type stores it (json.dumps; None as JSON null)."""
    if value is None:
        return "null"
    if value == {}:
        return "{}"
    return json.dumps(value)


assert SPAN_FIELDS == ("id", "layer_id", "start", "end", "label", "fragments", "attributes",
                       "kb_id", "note", "source", "suggester", "state", "score", "version")


class Batches(op.Operation):
    """The undo of a project's auto-gold: each document's Batch (each under its lock)."""

    def __init__(self, ops: tuple):
        self.ops = tuple(ops)

    def __repr__(self) -> str:
        return f"Batches({len(self.ops)})"

    def apply(self, s, actor):
        # every document's lock first, in id order as the step took them: an undo holding
        # some while waiting for others would deadlock with another project's step
        for d in sorted({o.document_id for o in self.ops if hasattr(o, "document_id")}):
            lock_document(s, d)
        changes = [o.apply(s, actor) for o in self.ops]
        return Change("update", "review", None, None, children=changes,
                      inverse=Batches(tuple(op.inverses(changes))))


class DeleteMade(op.Operation):
    """The undo of a document's auto-gold decided in the database: its new gold spans
    deleted, the newest first (Batch of DeleteSpan, as the per-document step's undo), the
    operations made only when it is undone."""

    def __init__(self, document_id: int, span_ids: list[int]):
        self.document_id, self.span_ids = document_id, span_ids

    def __repr__(self) -> str:
        return f"DeleteMade({self.document_id}, {len(self.span_ids)} spans)"

    def apply(self, s, actor):
        return Batch(self.document_id, tuple(op.DeleteSpan(i) for i in
                                             reversed(self.span_ids))).apply(s, actor)
