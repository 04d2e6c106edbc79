"""Counts for `marginalia stats`: documents, labels by layer, suggestions, suggesters."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.orm import Document, DocumentCategory, Event, Layer, Relation, SourceTask, Span
from models.services.projects import get_project


def project_stats(s: Session, project_name: str) -> dict:
    project = get_project(s, project_name)
    docs = s.scalar(select(func.count(Document.id)).where(Document.project_id == project.id))
    layer_q = (select(Layer.id, Layer.name, Layer.status, Layer.active_seconds)
               .join(Document, Document.id == Layer.document_id)
               .where(Document.project_id == project.id))
    layers = s.execute(layer_q).all()
    names = {lid: name for lid, name, _st, _sec in layers}
    ids = list(names)

    def grouped(model, *cols):
        if not ids:
            return []
        return s.execute(select(model.layer_id, *cols, func.count(model.id))
                         .where(model.layer_id.in_(ids)).group_by(model.layer_id, *cols)).all()

    out_layers: dict[str, dict] = {}
    totals = {"spans": 0, "relations": 0, "events": 0, "suggestions": 0}
    by_label: dict[str, int] = {}
    suggesters: dict[str, dict[str, int]] = {}
    for kind, model in (("spans", Span), ("relations", Relation), ("events", Event)):
        for lid, state, n in grouped(model, model.state):
            entry = out_layers.setdefault(names[lid], {"spans": 0, "relations": 0, "events": 0,
                                                       "suggestions": 0, "rejected": 0})
            if state == "accepted":
                entry[kind] += n
                totals[kind] += n
            elif state == "suggested":
                entry["suggestions"] += n
                totals["suggestions"] += n
            else:
                entry["rejected"] += n
        for lid, suggester, state, n in grouped(model, model.suggester, model.state):
            if suggester:
                row = suggesters.setdefault(suggester, {"suggested": 0, "accepted": 0,
                                                        "rejected": 0})
                row[state] = row.get(state, 0) + n
    if ids:
        for label, n in s.execute(select(Span.label, func.count(Span.id))
                                  .where(Span.layer_id.in_(ids), Span.state == "accepted")
                                  .group_by(Span.label)):
            by_label[label] = n
    status: dict[str, dict[str, int]] = {}
    active: dict[str, int] = {}
    for _, name, st, seconds in layers:
        status.setdefault(name, {}).setdefault(st, 0)
        status[name][st] += 1
        active[name] = active.get(name, 0) + (seconds or 0)
    for name in status:  # a layer marked done with no labels still shows its progress
        out_layers.setdefault(name, {"spans": 0, "relations": 0, "events": 0,
                                     "suggestions": 0, "rejected": 0})
    # document categories, accepted: {name: documents} overall and per layer; a suggested
    # category is a suggestion like a suggested span, a rejected one a rejection
    by_category: dict[str, int] = {}
    for entry in out_layers.values():
        entry["categories"] = {}
    for lid, category, state, n in grouped(DocumentCategory, DocumentCategory.category,
                                           DocumentCategory.state):
        entry = out_layers.setdefault(names[lid], {"spans": 0, "relations": 0, "events": 0,
                                                   "suggestions": 0, "rejected": 0,
                                                   "categories": {}})
        if state == "accepted":
            entry["categories"][category] = entry["categories"].get(category, 0) + n
            by_category[category] = by_category.get(category, 0) + n
        elif state == "suggested":
            entry["suggestions"] += n
            totals["suggestions"] += n
        else:
            entry["rejected"] += n
    for lid, suggester, state, n in grouped(DocumentCategory, DocumentCategory.suggester,
                                            DocumentCategory.state):
        if suggester:
            row = suggesters.setdefault(suggester, {"suggested": 0, "accepted": 0,
                                                    "rejected": 0})
            row[state] = row.get(state, 0) + n
    for entry in out_layers.values():
        entry["categories"] = dict(sorted(entry["categories"].items()))
    for name, entry in out_layers.items():
        entry["status"] = status.get(name, {})
        entry["active_seconds"] = active.get(name, 0)
    # documents whose labels are incomplete (binary tasks, or no task accepted): what a
    # DocBin export marks missing rather than O (DocumentRecord.binary)
    complete: dict[int, bool] = {}
    for k in range(0, len(ids), 500):
        for lid, kind, answer in s.execute(select(SourceTask.layer_id, SourceTask.kind,
                                                  SourceTask.answer)
                                           .where(SourceTask.layer_id.in_(ids[k:k + 500]))):
            complete[lid] = complete.get(lid, False) or (kind == "manual" and answer == "accept")
    binary_docs: set[int] = set()
    doc_of = dict(s.execute(select(Layer.id, Layer.document_id).where(
        Layer.id.in_(list(complete)))).all()) if complete else {}
    for name in out_layers:
        out_layers[name]["binary_documents"] = 0
    for lid, done in complete.items():
        if not done:
            out_layers[names[lid]]["binary_documents"] += 1
            binary_docs.add(doc_of[lid])
    if suggesters:  # accepted with another label or resized (issue 4)
        from models.services.suggester_stats import edited_counts

        edited = edited_counts(s, project.id)
        for name, row in suggesters.items():
            row["edited"] = edited.get(name, 0)
    return {"project": project.name, "documents": docs or 0, **totals,
            "binary_documents": len(binary_docs), "layers": out_layers,
            "labels": dict(sorted(by_label.items())),
            "categories": dict(sorted(by_category.items())), "suggesters": suggesters}
