"""Reading a layer of every document back out as DocumentRecords, for the formats.

Which documents: `status` "finished" (the default of `marginalia export`) writes the
documents finished in the chosen layer: status done or approved, and for gold a finished
review as well (no conflict left open); "all" every document; any other name the documents
of that status. What is left out is counted in `left_out`, by (reason, status)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.orm import (
    GOLD, Document, DocumentCategory, Event, EventArgument, Layer, Relation, SourceTask, Span,
    TaskSpan)
from models.records import (
    ArgumentRecord, CategoryRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord,
    TaskRecord)
from models.services.projects import get_project
from models.tokens import tokens_for_many

FINISHED = ("done", "approved")
NOT_FINISHED = "not finished"
OPEN_REVIEW = "review not finished"


def pick_layer(s: Session, project_id: int, layer: str | None) -> str | None:
    """The layer to export: the one asked for; else gold when it has labels; else None
    (each document's single annotator layer)."""
    if layer:
        return layer
    has_gold = s.scalar(select(Layer.id).join(Document, Document.id == Layer.document_id)
                        .where(Document.project_id == project_id, Layer.name == GOLD).limit(1))
    return GOLD if has_gold else None


def layer_names(s: Session, project_id: int) -> list[str]:
    """The names of the layers the project's documents have (gold first), for a chooser."""
    names = set(s.scalars(select(Layer.name).join(Document, Document.id == Layer.document_id)
                          .where(Document.project_id == project_id).distinct()))
    return sorted(names, key=lambda n: (n != GOLD, n))


def layer_records(s: Session, project_name: str, layer: str | None = None, *,
                  states: tuple[str, ...] = ("accepted",), status: str | None = None,
                  batch: int = 500, task_spans: bool = False,
                  left_out: Counter | None = None,
                  category_states: tuple[str, ...] | None = None):
    """Yield one DocumentRecord per document, with the labels of the chosen layer.

    With layer None and no gold layer, each document contributes the labels of the layer
    with the most labels (a single-annotator project). `task_spans`: the spans and
    relations of imported tasks come whatever their state (a Prodigy task is written back
    with its rejected and ignored spans). `left_out`, when given, counts the documents left
    out by (reason, status). `category_states`: the states of the document categories
    given (default: `states` and rejected; a rejected category is a person's explicit no,
    which a format writes as such, 0.0 or a rejected task, never as the category)."""
    project = get_project(s, project_name)
    cat_states = tuple(category_states) if category_states is not None else \
        tuple(dict.fromkeys((*states, "rejected")))
    chosen = pick_layer(s, project.id, layer)
    doc_ids = list(s.scalars(select(Document.id).where(Document.project_id == project.id)
                             .order_by(Document.id)))
    for i in range(0, len(doc_ids), batch):
        chunk = doc_ids[i:i + batch]
        docs = {d.id: d for d in s.scalars(select(Document).where(Document.id.in_(chunk)))}
        layers: dict[int, Layer] = {}
        q = select(Layer).where(Layer.document_id.in_(chunk))
        if chosen:
            q = q.where(Layer.name == chosen)
        all_layers = list(s.scalars(q))
        if chosen:
            layers = {lay.document_id: lay for lay in all_layers}
        else:
            from sqlalchemy import func

            ids = [x.id for x in all_layers]
            counts = dict(s.execute(select(Span.layer_id, func.count(Span.id))
                                    .where(Span.layer_id.in_(ids))
                                    .group_by(Span.layer_id)).all()) if ids else {}
            for lay in all_layers:
                best = layers.get(lay.document_id)
                if best is None or counts.get(lay.id, 0) > counts.get(best.id, 0):
                    layers[lay.document_id] = lay
        recs = list(_records(s, [docs[d] for d in chunk], layers, states, status, task_spans,
                             left_out if left_out is not None else Counter(),
                             gold=chosen == GOLD, cat_states=cat_states))
        # every format aligns to the document's one stored tokenization
        toks = tokens_for_many(s, [r.doc_id for r in recs], {r.doc_id: r.text for r in recs})
        for rec in recs:
            rec.tokens = toks[rec.doc_id]
        yield from recs


def _kept(s: Session, doc: Document, lay: Layer | None, status: str | None,
          gold: bool = False) -> str | None:
    """None when the document is exported; else why not. Gold is finished when the
    reviewer approved it and nothing is open (a conflict, an agreed label not decided)."""
    have = lay.status if lay else "new"
    if not status or status == "all":
        return None
    if status != "finished":
        return None if have == status else f"status is not {status}"
    if have not in FINISHED:
        return OPEN_REVIEW if gold else NOT_FINISHED
    if gold:
        from models.review.adjudication import pending

        left = pending(s, doc.id)
        if left["conflicts"] or left["agreed"]:
            return OPEN_REVIEW
    return None


def _records(s, docs, layers, states, status, task_spans, left_out, gold=False,
             cat_states=("accepted", "rejected")):
    lids = [lay.id for lay in layers.values()]
    spans: dict[int, list[Span]] = {}
    rels: dict[int, list[Relation]] = {}
    events: dict[int, list[Event]] = {}
    args: dict[int, list[EventArgument]] = {}
    tasks: dict[int, list] = {}
    links: dict[int, list] = {}  # span id -> its task_spans rows
    cats: dict[int, list] = {}
    if lids:
        C = DocumentCategory.__table__.c
        for c in s.execute(select(DocumentCategory.__table__).where(
                C.layer_id.in_(lids), C.state.in_(cat_states)).order_by(C.id)):
            cats.setdefault(c.layer_id, []).append(c)
        # Core rows, not ORM instances: an export reads every label of the project
        T = Span.__table__.c
        linked = select(TaskSpan.span_id).join(SourceTask, SourceTask.id == TaskSpan.task_id) \
            .where(SourceTask.layer_id.in_(lids))
        wanted = or_(T.state.in_(states), T.task_id.is_not(None), T.id.in_(linked)) \
            if task_spans else T.state.in_(states)
        for sp in s.execute(select(Span.__table__).where(T.layer_id.in_(lids), wanted)
                            .order_by(T.start, T.end, T.id)):
            spans.setdefault(sp.layer_id, []).append(sp)
        R = Relation.__table__.c
        wanted = or_(R.state.in_(states), R.task_id.is_not(None)) if task_spans else \
            R.state.in_(states)
        for r in s.execute(select(Relation.__table__).where(R.layer_id.in_(lids), wanted)
                           .order_by(R.id)):
            rels.setdefault(r.layer_id, []).append(r)
        K = SourceTask.__table__.c
        for t in s.execute(select(SourceTask.__table__).where(K.layer_id.in_(lids))
                           .order_by(K.layer_id, K.position, K.id)):
            tasks.setdefault(t.layer_id, []).append(t)
        if tasks:
            for ln in s.execute(select(TaskSpan.__table__).where(TaskSpan.task_id.in_(
                    select(K.id).where(K.layer_id.in_(lids))))):
                links.setdefault(ln.span_id, []).append(ln)
        E = Event.__table__.c
        evs = list(s.execute(select(Event.__table__).where(E.layer_id.in_(lids),
                                                           E.state.in_(states)).order_by(E.id)))
        for e in evs:
            events.setdefault(e.layer_id, []).append(e)
        if evs:
            A = EventArgument.__table__.c
            for a in s.execute(select(EventArgument.__table__).where(
                    A.event_id.in_([e.id for e in evs])).order_by(A.id)):
                args.setdefault(a.event_id, []).append(a)
    for doc in docs:
        lay = layers.get(doc.id)
        why = _kept(s, doc, lay, status, gold)
        if why is not None:
            left_out[(why, lay.status if lay else "new")] += 1
            continue
        rec = DocumentRecord(text=doc.text, title=doc.title, source=doc.source,
                             meta=dict(doc.meta or {}), doc_id=doc.id,
                             annotator=lay.name if lay else None,
                             status=lay.status if lay else "new",
                             active_seconds=lay.active_seconds or 0 if lay else None)
        if lay is not None:
            task_index = {}
            for t in tasks.get(lay.id, []):
                task_index[t.id] = len(rec.tasks)
                rec.tasks.append(TaskRecord(answer=t.answer, kind=t.kind,
                                            fields=dict(t.fields or {})))
            rec.categories = [CategoryRecord(c.category, state=c.state, source=c.source,
                                             score=c.score, task=task_index.get(c.task_id),
                                             extra=dict(c.extra or {}))
                              for c in cats.get(lay.id, [])]
            present = set()
            for sp in spans.get(lay.id, []):
                present.add(sp.id)
                rec.spans.append(SpanRecord(
                    sp.start, sp.end, sp.label, id=f"T{sp.id}",
                    fragments=[tuple(f) for f in sp.fragments] if sp.fragments else None,
                    attributes=dict(sp.attributes or {}), kb_id=sp.kb_id, state=sp.state,
                    source=sp.source, score=sp.score, note=sp.note,
                    task=task_index.get(sp.task_id), answer=sp.answer,
                    other_tasks=[(task_index[ln.task_id], ln.answer, dict(ln.extra or {}))
                                 for ln in links.get(sp.id, ()) if ln.task_id in task_index],
                    extra=dict(sp.extra or {})))
            for r in rels.get(lay.id, []):
                if r.head_id in present and r.tail_id in present:
                    rec.relations.append(RelationRecord(f"T{r.head_id}", f"T{r.tail_id}",
                                                        r.label, id=f"R{r.id}", state=r.state,
                                                        source=r.source, score=r.score,
                                                        task=task_index.get(r.task_id),
                                                        extra=dict(r.extra or {})))
            kept = {e.id for e in events.get(lay.id, []) if e.trigger_id in present}
            for e in events.get(lay.id, []):
                if e.id not in kept:
                    continue
                ev = EventRecord(f"T{e.trigger_id}", e.type, id=f"E{e.id}",
                                 attributes=dict(e.attributes or {}), state=e.state,
                                 source=e.source, score=e.score, extra=dict(e.extra or {}))
                for a in args.get(e.id, []):
                    if a.span_id in present:
                        ev.arguments.append(ArgumentRecord(a.role, f"T{a.span_id}"))
                    elif a.target_event_id in kept:
                        ev.arguments.append(ArgumentRecord(a.role, f"E{a.target_event_id}"))
                rec.events.append(ev)
        yield rec
