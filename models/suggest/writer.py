"""Storing suggestions in bulk: one transaction per batch, on one writer thread.

`write_batch` runs in the caller's session: layers first (created where missing), then one
executemany per table. It re-reads what the layers hold inside the transaction, so a
suggestion never duplicates or overwrites a label (a span with the same offsets in any
state, a relation with the same ends and label, a document category the layer has in any state)
even if someone labeled meanwhile. Each
suggestion goes through the rule book (models/rules.py) against the layer's spans as they
are now, in memory: one that breaks an overlap policy against an accepted label, or a
relation or argument the schema does not allow, is not stored and is counted in `refused`
(the batch goes on; a label a person accepted meanwhile is not an error of the suggester).

`BatchWriter` owns a thread with its own sessions, fed by a bounded queue, so writing one
batch overlaps with nlp.pipe working on the next. Results come back on `done` for the
calling thread to report (progress callbacks never run on the writer thread).
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from models import rules
from models.orm import (
    AuditLog, Document, DocumentCategory, Event, EventArgument, Layer, Relation, Span)
from models.services.context import Actor
from models.services.layers import shared_schema
from models.suggest.analyze import DocSuggestions


@dataclass
class BatchResult:
    documents: int = 0
    document_ids: list[int] = field(default_factory=list)
    spans: int = 0
    relations: int = 0
    events: int = 0
    categories: int = 0  # document categories suggested
    skipped: int = 0  # a label was already there (any state): not stored again
    refused: int = 0  # broke a rule of the schema (an overlap policy...): not stored
    # suggester -> {"spans": n, "relations": n, "events": n}
    by_suggester: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, suggester: str, kind: str, n: int = 1) -> None:
        row = self.by_suggester.setdefault(suggester, {"spans": 0, "relations": 0,
                                                       "events": 0})
        row[kind] = row.get(kind, 0) + n

    def merge(self, other: BatchResult) -> None:
        self.documents += other.documents
        self.document_ids += other.document_ids
        self.spans += other.spans
        self.relations += other.relations
        self.events += other.events
        self.categories += other.categories
        self.skipped += other.skipped
        self.refused += other.refused
        for name, row in other.by_suggester.items():
            for kind, n in row.items():
                self.count(name, kind, n)


def layers_for(s: Session, actor: Actor, document_ids: list[int]) -> dict[int, int]:
    """document id -> id of the actor's layer, creating missing layers in one insert."""
    found = dict(s.execute(select(Layer.document_id, Layer.id).where(
        Layer.document_id.in_(document_ids), Layer.name == actor.name)).all())
    missing = [d for d in document_ids if d not in found]
    if missing:
        rows = [{"document_id": d, "name": actor.name, "user_id": actor.id, "status": "new",
                 "version": 1} for d in missing]
        ids = s.scalars(insert(Layer).returning(Layer.id, sort_by_parameter_order=True), rows)
        found.update(zip(missing, ids))
    return found


def write_batch(s: Session, actor: Actor, project_id: int,
                items: list[DocSuggestions]) -> BatchResult:
    result = BatchResult(documents=len(items), document_ids=[it.document_id for it in items])
    items = [it for it in items if it.spans or it.relations or it.events or it.categories]
    if not items:
        return result  # nothing to store: no empty layers are made either
    layer_of = layers_for(s, actor, result.document_ids)
    lids = list(layer_of.values())
    schema = shared_schema(s, project_id)
    policy = rules.policies(schema)
    length = dict(s.execute(select(Document.id, Document.chars)
                            .where(Document.id.in_(result.document_ids))).all())
    have: dict[tuple[int, int, int], tuple[int, str, str]] = {}
    accepted: dict[int, list[rules.Placed]] = {}  # per layer, what a suggestion must respect
    labels: dict[int, str] = {}  # span id -> label, for the relations and arguments
    for sid, lid, st, en, label, state in s.execute(
            select(Span.id, Span.layer_id, Span.start, Span.end, Span.label, Span.state)
            .where(Span.layer_id.in_(lids))):
        have[(lid, st, en)] = (sid, label, state)
        labels[sid] = label
        if state == "accepted":
            accepted.setdefault(lid, []).append(rules.Placed(sid, st, en, label, state))

    # ---- spans: new ones in one insert; refs resolved to ids afterwards --------------------
    rows: list[dict] = []
    slots: list[list] = []  # per item: index in `rows` (>= 0) or -existing id, or None
    for it in items:
        lid = layer_of[it.document_id]
        layer = rules.LayerSpans(accepted.get(lid, ()))
        slot = []
        for st, en, label, source, suggester, score in it.spans:
            old = have.get((lid, st, en))
            if old is not None:
                result.skipped += 1
                # the same label already there and not rejected: events/relations may use it
                slot.append(-old[0] if old[1] == label and old[2] != "rejected" else None)
                continue
            try:
                rules.check_span(schema, length[it.document_id], st, en, label, layer=layer,
                                 state="suggested", policy=policy)
            except rules.OverlapError:
                result.refused += 1
                slot.append(None)
                continue
            have[(lid, st, en)] = (0, label, "suggested")
            slot.append(len(rows))
            rows.append({"layer_id": lid, "start": st, "end": en, "label": label,
                         "attributes": {}, "source": source, "suggester": suggester,
                         "state": "suggested", "score": score, "version": 1})
            result.count(suggester, "spans")
        slots.append(slot)
    new_ids: list[int] = []
    if rows:
        new_ids = list(s.scalars(insert(Span).returning(Span.id, sort_by_parameter_order=True),
                                 rows))
    result.spans = len(rows)

    def span_id(item_index: int, ref: int) -> int | None:
        if ref < 0:
            return -ref
        slot = slots[item_index][ref]
        if slot is None:
            return None
        return -slot if slot < 0 else new_ids[slot]

    for row, sid in zip(rows, new_ids):
        labels[sid] = row["label"]

    # ---- relations ----------------------------------------------------------------------------
    rel_have = set(s.execute(select(Relation.head_id, Relation.tail_id, Relation.label)
                             .where(Relation.layer_id.in_(lids))).all())
    rel_rows = []
    for k, it in enumerate(items):
        for href, tref, label, suggester in it.relations:
            h, t = span_id(k, href), span_id(k, tref)
            if h is None or t is None or h == t or (h, t, label) in rel_have:
                continue
            if h not in labels or t not in labels:
                continue  # a person deleted that span meanwhile
            if rules.relation_problem(schema, label, labels[h], labels[t]):
                result.refused += 1
                continue
            rel_have.add((h, t, label))
            rel_rows.append({"layer_id": layer_of[it.document_id], "head_id": h, "tail_id": t,
                             "label": label, "source": "pattern", "suggester": suggester,
                             "state": "suggested", "score": None, "version": 1})
            result.count(suggester, "relations")
    if rel_rows:
        s.execute(insert(Relation), rel_rows)
    result.relations = len(rel_rows)

    # ---- events and their arguments ------------------------------------------------------------
    ev_rows, ev_args = [], []
    for k, it in enumerate(items):
        for tref, etype, suggester, args in it.events:
            slot = slots[k][tref]
            if slot is None or slot < 0:
                continue  # the trigger was already marked: that event is a person's
            if rules.event_problem(schema, etype):
                result.refused += 1
                continue
            kept: list[tuple[str, int]] = []
            filled: dict[str, int] = {}
            for role, ref in args:
                sid = span_id(k, ref)
                if sid is None or sid not in labels:
                    continue
                if rules.argument_problem(schema, etype, role, labels[sid],
                                          filled.get(role, 0)):
                    result.refused += 1
                    continue
                filled[role] = filled.get(role, 0) + 1
                kept.append((role, sid))
            ev_rows.append({"layer_id": layer_of[it.document_id],
                            "trigger_id": new_ids[slot], "type": etype, "attributes": {},
                            "source": "pattern", "suggester": suggester,
                            "state": "suggested", "score": None, "version": 1})
            ev_args.append(kept)
            result.count(suggester, "events")
    if ev_rows:
        ev_ids = s.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True),
                           ev_rows)
        arg_rows = [{"event_id": eid, "role": role, "span_id": sid, "target_event_id": None}
                    for eid, args in zip(ev_ids, ev_args) for role, sid in args]
        if arg_rows:
            s.execute(insert(EventArgument), arg_rows)
    result.events = len(ev_rows)

    # ---- document categories: one row per layer and category, whatever its state ---------------
    cat_have = set(s.execute(select(DocumentCategory.layer_id, DocumentCategory.category)
                             .where(DocumentCategory.layer_id.in_(lids))).all())
    cat_rows = []
    cats_of: dict[int, int] = {}
    for k, it in enumerate(items):
        lid = layer_of[it.document_id]
        for name, source, suggester, score in it.categories:
            if (lid, name) in cat_have:
                result.skipped += 1
                continue
            if schema.category(name) is None:
                result.refused += 1  # renamed or removed from the schema meanwhile
                continue
            cat_have.add((lid, name))
            cat_rows.append({"layer_id": lid, "category": name, "source": source,
                             "suggester": suggester, "state": "suggested", "score": score,
                             "version": 1})
            cats_of[k] = cats_of.get(k, 0) + 1
            result.count(suggester, "categories")
    if cat_rows:
        s.execute(insert(DocumentCategory), cat_rows)
    result.categories = len(cat_rows)

    # ---- the audit trail: one row per document --------------------------------------------------
    per_doc = []
    for k, it in enumerate(items):
        n = sum(1 for x in slots[k] if x is not None and x >= 0)
        if n or cats_of.get(k):
            after = {"spans": n, "suggesters": sorted(
                {sp[4] for sp in it.spans} | {c[2] for c in it.categories})}
            if cats_of.get(k):
                after["categories"] = cats_of[k]
            per_doc.append({"user_name": actor.name, "action": "suggest",
                            "table_name": "layers", "row_id": layer_of[it.document_id],
                            "project_id": project_id, "document_id": it.document_id,
                            "before": None, "after": after})
    if per_doc:
        s.execute(insert(AuditLog), per_doc)
    return result


class BatchWriter:
    """A thread that stores batches through its own sessions, one transaction each."""

    def __init__(self, store, actor: Actor, project_id: int, *, depth: int = 3):
        self.store, self.actor, self.project_id = store, actor, project_id
        self.todo: queue.Queue = queue.Queue(maxsize=depth)
        self.done: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._loop, name="suggest-writer", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            items = self.todo.get()
            if items is None:
                return
            if self.error is not None:
                continue  # drain: after a failure nothing more is stored
            try:
                with self.store.session() as s:
                    self.done.put(write_batch(s, self.actor, self.project_id, items))
            except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
                self.error = exc

    def put(self, items: list[DocSuggestions]) -> None:
        self.raise_error()
        self.todo.put(items)

    def results(self) -> list[BatchResult]:
        out = []
        while True:
            try:
                out.append(self.done.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        """Wait until every queued batch is stored (or failed)."""
        self.todo.put(None)
        self.thread.join()

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error
