"""Per suggester: how many of its suggestions are still open, accepted, rejected, edited.

"Edited" counts accepted suggestions a person changed on the way: accepted with another
label, or resized. The span keeps its suggester name when accepted; what it first looked
like is the `before` of the first audit row that changed it (suggestions are stored in bulk
without a row of their own, so the first change holds the original).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.orm import AuditLog, Document, DocumentCategory, Event, Layer, Relation, Span


def _layer_ids(project_id: int):
    return select(Layer.id).join(Document, Document.id == Layer.document_id).where(
        Document.project_id == project_id)


def _first_before(s: Session, project_id: int, table: str, ids: list[int]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        for row_id, before in s.execute(
                select(AuditLog.row_id, AuditLog.before)
                .where(AuditLog.table_name == table, AuditLog.project_id == project_id,
                       AuditLog.row_id.in_(chunk), AuditLog.before.is_not(None))
                .order_by(AuditLog.id)):
            out.setdefault(row_id, before)
    return out


def edited_counts(s: Session, project_id: int) -> dict[str, int]:
    """suggester -> number of its suggestions accepted with a change."""
    layers = _layer_ids(project_id)
    counts: dict[str, int] = {}
    spans = s.execute(select(Span.id, Span.suggester, Span.start, Span.end, Span.label)
                      .where(Span.layer_id.in_(layers), Span.suggester.is_not(None),
                             Span.state == "accepted")).all()
    first = _first_before(s, project_id, "spans", [r[0] for r in spans])
    for sid, suggester, st, en, label in spans:
        b = first.get(sid)
        if b and (b.get("start"), b.get("end"), b.get("label")) != (st, en, label):
            counts[suggester] = counts.get(suggester, 0) + 1
    rels = s.execute(select(Relation.id, Relation.suggester, Relation.label)
                     .where(Relation.layer_id.in_(layers), Relation.suggester.is_not(None),
                            Relation.state == "accepted")).all()
    first = _first_before(s, project_id, "relations", [r[0] for r in rels])
    for rid, suggester, label in rels:
        b = first.get(rid)
        if b and b.get("label") != label:
            counts[suggester] = counts.get(suggester, 0) + 1
    return counts


def suggester_stats(s: Session, project_id: int) -> dict[str, dict[str, int]]:
    """suggester -> {"suggested", "accepted", "rejected", "edited"} over spans, relations
    events and document categories of every layer of the project."""
    layers = _layer_ids(project_id)
    out: dict[str, dict[str, int]] = {}
    for model in (Span, Relation, Event, DocumentCategory):
        for suggester, state, n in s.execute(
                select(model.suggester, model.state, func.count(model.id))
                .where(model.layer_id.in_(layers), model.suggester.is_not(None))
                .group_by(model.suggester, model.state)):
            row = out.setdefault(suggester, {"suggested": 0, "accepted": 0, "rejected": 0,
                                             "edited": 0})
            row[state] = row.get(state, 0) + n
    for suggester, n in edited_counts(s, project_id).items():
        out.setdefault(suggester, {"suggested": 0, "accepted": 0, "rejected": 0,
                                   "edited": 0})["edited"] = n
    return out
