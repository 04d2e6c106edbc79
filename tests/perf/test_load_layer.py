"""load_layer reads rows as tuples and decodes JSON only when not empty: its LayerView must
be exactly what the ORM-object version gave (kept here as the reference)."""

from __future__ import annotations

import re

from sqlalchemy import select

from models.orm import Event, EventArgument, Relation, Span
from models.records import DocumentRecord, SpanRecord
from models.services.layers import find_layer, get_document, load_layer
from models.views import ArgumentView, EventView, RelationView, SpanView


def reference_load(s, document_id, name, include_rejected=True):
    """The former implementation (ORM instances), for comparison."""
    doc = get_document(s, document_id)
    layer = find_layer(s, document_id, name)
    spans = s.scalars(select(Span).where(Span.layer_id == layer.id)
                      .order_by(Span.start, Span.end.desc(), Span.id)).all()
    out_spans = [SpanView(x.id, x.start, x.end, x.label, x.state, x.source, x.suggester,
                          x.score, dict(x.attributes or {}), x.kb_id, x.note,
                          tuple(tuple(f) for f in x.fragments) if x.fragments else None,
                          x.version)
                 for x in spans if include_rejected or x.state != "rejected"]
    rels = [RelationView(r.id, r.head_id, r.tail_id, r.label, r.state, r.source, r.suggester,
                         r.score, r.version)
            for r in s.scalars(select(Relation).where(Relation.layer_id == layer.id)
                               .order_by(Relation.id))
            if include_rejected or r.state != "rejected"]
    events = s.scalars(select(Event).where(Event.layer_id == layer.id).order_by(Event.id)).all()
    args = {}
    for a in s.scalars(select(EventArgument).where(
            EventArgument.event_id.in_([e.id for e in events])).order_by(EventArgument.id)):
        args.setdefault(a.event_id, []).append(
            ArgumentView(a.id, a.role, a.span_id, a.target_event_id))
    evs = [EventView(e.id, e.trigger_id, e.type, tuple(args.get(e.id, ())),
                     dict(e.attributes or {}), e.state, e.source, e.suggester, e.score,
                     e.version)
           for e in events if include_rejected or e.state != "rejected"]
    return doc.text, out_spans, rels, evs


def test_load_layer_gives_what_the_orm_version_gave(service, project, store):
    _pid, doc = project
    text = service.load(doc).text
    words = [m.span() for m in re.finditer(r"\w+", text)]
    ids = [service.create_span(doc, *words[i], "PERSON" if i % 4 else "GPE").id
           for i in range(0, 40, 2)]
    service.set_attribute("span", ids[0], "Certainty", "likely")
    service.set_attribute("span", ids[1], "Negated", True)
    service.set_kb_id(ids[2], "Q42")
    service.set_note(ids[3], "check this")
    service.reject("span", ids[4])
    service.create_span(doc, words[41][0], words[41][1], "ORG", state="suggested",
                        source="model", score=0.75, suggester="spacy")
    service.create_relation(ids[5], ids[6], "located_in")  # PERSON -> GPE
    rel = service.create_relation(ids[7], ids[8], "citizen_of").id
    service.reject("relation", rel)
    ev = service.create_event(ids[9], "Arrest").id
    service.add_argument(ev, "Agent", span_id=ids[11])
    ev2 = service.create_event_at(doc, *words[43], "Meet").id
    service.set_attribute("event", ev2, "Negated", True)
    service.reject("event", ev2)
    # a span with fragments, the way an import stores discontinuous spans
    a, b = words[45][0], words[47][1]
    service.import_records("news", [DocumentRecord(text=text, title="sample", spans=[
        SpanRecord(a, b, "ORG", fragments=[(a, words[45][1]), (words[47][0], b)])])],
        annotator="alice")

    with store.session() as s:
        for include_rejected in (True, False):
            view = load_layer(s, doc, "alice", include_rejected=include_rejected)
            ref_text, spans, rels, evs = reference_load(s, doc, "alice", include_rejected)
            assert view.text == ref_text
            assert view.spans == spans
            assert view.relations == rels
            assert view.events == evs
    spans = service.load(doc).spans
    assert any(sp.fragments for sp in spans)
    assert any(sp.attributes == {"Certainty": "likely"} for sp in spans)
