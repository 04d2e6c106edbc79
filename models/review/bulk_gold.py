"""Auto-gold in one set-based step per document: the agreed spans go in as one multi-row
INSERT with one audit row for all of them (decision 51), and the agreed relations between
them are created on the new ids, without re-reading gold after every label (the per-label
path in models/review/adjudication.py `_each` re-reads it after each one: most of its
time).

What each label does is what the per-label path would do, worked out in memory over the
same rules: a span already settled by one before it in this step (an agreed nested span
whose place gold now holds) is left; one that breaks the rule book (models/rules.py) is
skipped with nothing of it stored. The first label this step does not cover (an event, a
category, a relation whose end needs a new gold span) and everything after it go to the
per-label path, in the same order, so the result is the same.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from models import operations as op
from models.errors import DomainError
from models.orm import GOLD, Layer, Span
from models.review.history import ACCEPT_AGREED
from models.review.places import Version, overlaps
from models.rules import LayerSpans, Placed, check_overlap, check_span
from models.services.bulk import allocate_ids
from models.services.context import audit, check_layer_write
from models.services.layers import doc_info, ensure_layer
from models.services.labels import SPAN_FIELDS
from models.views import Change

COPIED = ("attributes", "kb_id", "fragments", "note")  # what gold takes from the annotator's span

def accepted_after(ids: list[int]) -> dict:
    """The after of the audit row of the spans a set-based step put into a document's gold
    (decision 51), as imports and suggestions are audited: one per document, action
    ACCEPT_AGREED on the gold layer's row. Everything else of each span is its own row
    until it is changed, and the change's audit row says what it was before."""
    return {"spans": list(ids)}


def accepted_text(ids: list[int]) -> str:
    """accepted_after's JSON as the JSON column stores it (json.dumps), for bulk inserts."""
    return '{"spans": [' + ", ".join(map(str, ids)) + "]}"


ACCEPTED_COLUMNS = ("at", "user_name", "action", "table_name", "row_id", "project_id",
                    "document_id", "after")


def accepted_row(now, user: str, layer_id: int, project_id: int, document_id: int,
                 ids: list[int]) -> tuple:
    """That audit row of a document's gold layer as a row of ACCEPTED_COLUMNS, for
    insert_rows (the project step writes a thousand at once)."""
    return (now, user, ACCEPT_AGREED, "layers", layer_id, project_id, document_id,
            accepted_text(ids))


def accept_in_bulk(w, versions: list[Version]) -> tuple[int, int, list[Version]]:
    """Write the agreed spans, then the relations on them, of `versions` (in the per-label
    path's order) into gold. Returns (decided, skipped, the versions left to the per-label
    path)."""
    spans = [v for v in versions if v.kind == "span"]
    rest = versions[len(spans):]
    if versions[:len(spans)] != spans:  # not spans first: leave it all to the old path
        return 0, 0, versions
    st, s = w.state, w.s
    doc = doc_info(s, w.document_id)
    # the gold layer's spans the rule book checks against (suggestions in gold included);
    # st.gold is None exactly when the document has no gold layer (read under the lock)
    layer = LayerSpans(Placed(*r) for r in s.execute(
        select(Span.id, Span.start, Span.end, Span.label, Span.state).where(
            Span.layer_id == st.gold.layer_id, Span.state != "rejected"))) \
        if st.gold is not None else LayerSpans()
    gold = [(g.key, g.id) for g in st.gold_items("span")]  # what the states are read from
    rows = {r.id: r for r in s.scalars(select(Span).where(
        Span.id.in_([v.refs[0][0] for v in spans])))}
    new, skipped = plan_spans(st.schema, st.policy, doc, layer, gold, spans, rows)
    done = len(new)
    if new:
        ids = _insert_spans(w, doc, new)
        fresh = dict(zip((-1 - i for i in range(len(new))), ids))
        gold = [(k, fresh.get(i, i)) for k, i in gold]
    d2, s2, left = _relations(w, rest, gold)
    return done + d2, skipped + s2, left


def plan_spans(schema, policy, doc, layer: LayerSpans, gold: list[tuple[tuple, int]],
               spans: list[Version], rows: dict) -> tuple[list[tuple[Version, Any]], int]:
    """Which agreed spans go in, worked out in memory as the per-label path would decide
    them one by one: (the versions with their annotator rows, skipped). `layer` and `gold`
    grow by the ones that go in (placeholder ids -1, -2, ...); `rows`: annotator span id ->
    a row with start, end, label, fragments (and what gold copies)."""
    skipped = 0
    new: list[tuple[Version, Any]] = []
    keys = {k for k, _ in gold}
    settled = LayerSpans(Placed(i, *k) for k, i in gold)  # gold by offsets, for bisection
    for v in spans:
        key = v.key
        if key in keys or settled.overlapping(key[0], key[1]):
            continue  # settled by an earlier one in this step (the same, or overlapping)
        row = rows[v.refs[0][0]]
        try:
            check_span(schema, doc.length, row.start, row.end, row.label,
                       fragments=row.fragments, document=doc.id)
            check_overlap(policy, layer, row.start, row.end, row.label)
        except DomainError:
            skipped += 1
            continue
        placed = Placed(-1 - len(new), row.start, row.end, row.label, "accepted")
        layer.add(placed)
        gold.append((key, placed.id))
        keys.add(key)
        settled.add(placed)
        new.append((v, row))
    return new, skipped


def _insert_spans(w, doc, new: list[tuple[Version, Span]]) -> list[int]:
    s, actor = w.s, w.actor
    st = w.state
    lay = s.get(Layer, st.gold.layer_id) if st.gold is not None \
        else ensure_layer(s, actor, w.document_id, GOLD)
    check_layer_write(actor, lay)
    ids = allocate_ids(s, "spans", len(new))
    values = []
    for new_id, (_, row) in zip(ids, new):
        values.append({"id": new_id, "layer_id": lay.id, "start": row.start, "end": row.end,
                       "label": row.label, "fragments": [list(f) for f in row.fragments]
                       if row.fragments else None, "attributes": dict(row.attributes or {}),
                       "kb_id": row.kb_id, "note": row.note, "source": "manual",
                       "suggester": None, "state": "accepted", "score": None, "version": 1})
    s.execute(insert(Span.__table__), values)
    if lay.status == "new":
        lay.status = "in_progress"
    s.flush()
    audit(s, actor, ACCEPT_AGREED, "layers", lay.id, project_id=doc.project_id,
          document_id=doc.id, after=accepted_after(ids))
    for v in values:
        a = {f: v[f] for f in SPAN_FIELDS}
        w.changes.append(Change("create", "span", a["id"], doc.id, after=a,
                                inverse=op.DeleteSpan(a["id"])))
    return ids


def _relations(w, versions: list[Version], gold: list[tuple[tuple, int]]):
    """The agreed relations whose two ends gold holds at exactly their offsets and label:
    created on those gold spans (the rule book's relation checks run in create_relation)."""
    st, s = w.state, w.s
    gold_rel = [g.key for g in st.gold_items("relation")]
    by_key = {k: i for k, i in reversed(gold)}
    done = skipped = 0
    for n, v in enumerate(versions):
        if v.kind != "relation":
            return done, skipped, versions[n:]
        key = v.key
        if any(overlaps(g[0:2], key[0:2]) and overlaps(g[2:4], key[2:4]) for g in gold_rel):
            continue  # settled by an earlier one in this step
        it = w.version_item(v)
        head, tail = _ends(st, it.id)
        h, t = _exact(gold, by_key, head), _exact(gold, by_key, tail)
        if h is None or t is None:  # an end needs a new or another gold span
            return done, skipped, versions[n:]
        savepoint = s.begin_nested()
        try:
            w.run(op.CreateRelation(h, t, key[4]))
            savepoint.commit()
        except DomainError:
            savepoint.rollback()
            skipped += 1
            continue
        gold_rel.append(key)
        done += 1
    return done, skipped, []


def _ends(st, relation_id: int) -> tuple[tuple, tuple]:
    from models.orm import Relation

    rel = st.s.get(Relation, relation_id)
    head, tail = st.s.get(Span, rel.head_id), st.s.get(Span, rel.tail_id)
    return (head.start, head.end, head.label), (tail.start, tail.end, tail.label)


def _exact(gold: list[tuple[tuple, int]], by_key: dict, key: tuple) -> int | None:
    """The gold span the per-label path attaches to, when it is the one at exactly these
    offsets: of the gold spans of this label overlapping `key`, the exact one comes first
    (then the lowest id)."""
    here = [(k, i) for k, i in gold if k[2] == key[2] and overlaps(k, key)]
    if not here:
        return None
    k, i = min(here, key=lambda g: (g[0][:2] != key[:2], g[1]))
    return i if k[:2] == key[:2] else None
