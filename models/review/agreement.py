"""Inter-annotator agreement of a project, for `marginalia agree` and the agreement panel.

Per pair of annotators (every layer but gold), over the documents both annotated:
span F1 (exact offsets and label; and overlap: one-to-one, same label, sharing a character),
relation F1 (head and tail offsets and label), event F1 (trigger offsets and type; and with
the arguments, role and target offsets), token-level Cohen's kappa, all also per label;
document categories: Cohen's kappa over every document x category yes/no decision (yes:
the layer accepted the category; every category of the schema, and any other a layer has),
also per category.
Over all annotators: Krippendorff's alpha (nominal, over tokens). Tokens are the documents'
stored ones (models.tokens), white-space tokens left out. F1 counts are pooled over
the documents (micro average). Only accepted labels count.

The definitions are metrics.py's, per document; they are computed here over all documents
at once (numpy columns, models.review.coded) and give the same numbers (issue 19).
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Document
from models.review import metrics
from models.review.agreement_rows import read_rows
from models.review.pair_stats import (
    Count, DocSums, Pair, SpanIndex, alpha, compare_keys, decide, load_tokens, token_kappas)
from models.services.bulk import cursor_rows, no_gc
from models.services.layers import shared_schema


def project_agreement(s: Session, project_id: int) -> dict:
    """The agreement report (the JSON of `marginalia agree`)."""
    with no_gc():  # rows and keys by the hundred thousand, no cycles among them
        return _report(s, project_id)


def _report(s: Session, project_id: int) -> dict:
    docs = {d: (title, text) for d, title, text in cursor_rows(s, select(
        Document.id, Document.title, Document.text)
        .where(Document.project_id == project_id).order_by(Document.id))}
    rows = read_rows(s, project_id)
    schema_cats = shared_schema(s, project_id).category_names
    used_cats = set().union(*rows.categories.values())
    category_names = schema_cats + sorted(used_cats - set(schema_cats))
    coders = rows.coders()
    names = sorted({n for layers in coders.values() for _, n in layers})
    shared = sorted(d for d, layers in coders.items() if len(layers) >= 2)
    who = {n: i for i, n in enumerate(names)}
    # layer_at[i][k]: the layer of annotator i on shared document k (-1: none)
    layer_at = np.full((len(names), len(shared)), -1, dtype=np.int64)
    for k, d in enumerate(shared):
        for lid, n in coders[d]:
            layer_at[who[n], k] = lid
    tok = load_tokens(s, project_id, shared, {d: docs[d][1] for d in shared})
    spans = SpanIndex(rows, layer_at, tok)
    codes = [spans.token_codes(i, tok) for i in range(len(names))]
    per_doc = DocSums(*(np.zeros(len(shared), dtype=np.int64) for _ in range(3)))
    pairs: dict[tuple[str, str], Pair] = {}
    agreed_pairs = np.zeros(len(shared), dtype=np.int64)  # Krippendorff: alike coder pairs
    for i, j in combinations(range(len(names)), 2):
        both = (layer_at[i] >= 0) & (layer_at[j] >= 0)
        if not both.any():
            continue
        pair = Pair(names[i], names[j], documents=int(both.sum()))
        pairs[(names[i], names[j])] = pair
        where = np.flatnonzero(both)
        per_doc.add(*spans.compare(pair, i, j, both))
        per_doc.add(*compare_keys(pair, rows, layer_at[i, where], layer_at[j, where], where,
                                  len(shared)))
        decide(pair, rows, category_names, layer_at[i, where], layer_at[j, where])
        per_doc.kappas.append(token_kappas(pair, codes[i], codes[j], tok, both, agreed_pairs,
                                           len(spans.vocab)))
    ranked = _ranked(shared, docs, coders, per_doc, pairs)
    value = alpha(coders, shared, tok, codes, agreed_pairs, len(spans.vocab))
    return {
        "annotators": names,
        "pairs": [_pair_json(p) for _, p in sorted(pairs.items())],
        "alpha": None if value is None else round(value, 4),
        "per_label": _pooled_labels(pairs.values()),
        "documents": ranked,
    }


def _ranked(shared, docs, coders, per_doc: DocSums, pairs) -> list[dict]:
    m, a, b = per_doc.m.tolist(), per_doc.a.tolist(), per_doc.b.tolist()
    kappas = np.array(per_doc.kappas).T.tolist() if per_doc.kappas else [[]] * len(shared)
    ranked = []
    for k, d in enumerate(shared):
        ks = [x for x in kappas[k] if x == x]  # NaN: the pair has no tokens here
        f1 = round(metrics.f1(m[k], a[k], b[k]), 4)
        ranked.append({
            "id": d, "title": docs[d][0], "annotators": [n for _, n in coders[d]],
            "f1": f1,
            "kappa": round(sum(ks) / len(ks), 4) if ks else None,
            "disagreement": round(1.0 - f1, 4),
            "labels": a[k] + b[k]})
    ranked.sort(key=lambda r: (-r["disagreement"], -r["labels"], r["id"]))
    return ranked


def _yes_no_kappa(n: int, a: int, b: int, both: int) -> float | None:
    """Cohen's kappa of n yes/no decisions, a and b of them yes, both of them yes by both."""
    k = metrics.kappa_from_counts(n - a - b + 2 * both, n, a * b + (n - a) * (n - b))
    return None if k is None else round(k, 4)


def _categories_json(p: Pair) -> tuple[float | None, dict]:
    """(kappa over every document x category decision, per category: kappa over the
    documents, and how many documents each annotator and both gave the category)."""
    n = p.documents
    per = {name: {"kappa": _yes_no_kappa(n, a, b, both), "a": a, "b": b, "both": both}
           for name, (a, b, both) in p.decisions.items() if a or b}
    if not per:  # neither gave any document a category: nothing to agree on
        return None, {}
    a, b, both = (sum(v[k] for v in p.decisions.values()) for k in range(3))
    return _yes_no_kappa(n * len(p.decisions), a, b, both), per


def _pair_json(p: Pair) -> dict:
    kappa = p.kappa
    cat_kappa, per_category = _categories_json(p)
    return {
        "a": p.a, "b": p.b, "documents": p.documents,
        "span_f1": p.spans.f1, "span_f1_overlap": p.spans_overlap.f1,
        "relation_f1": p.relations.f1, "event_f1": p.events.f1,
        "event_f1_args": p.events_args.f1,
        "kappa": None if kappa is None else round(kappa, 4),
        "tokens": p.tokens,
        "counts": {"spans": [p.spans.a, p.spans.b, p.spans.m],
                   "relations": [p.relations.a, p.relations.b, p.relations.m],
                   "events": [p.events.a, p.events.b, p.events.m]},
        "per_label": {name: {"span_f1": c[0].f1, "span_f1_overlap": c[1].f1, "a": c[0].a,
                             "b": c[0].b, "matched": c[0].m}
                      for name, c in sorted(p.by_label.items())},
        "per_relation": {name: {"f1": c.f1, "a": c.a, "b": c.b, "matched": c.m}
                         for name, c in sorted(p.by_relation.items())},
        "per_event": {name: {"f1": c.f1, "a": c.a, "b": c.b, "matched": c.m}
                      for name, c in sorted(p.by_event.items())},
        "category_agreement": cat_kappa,
        "per_category": per_category,
    }


def _pooled_labels(pairs) -> dict:
    """Per span label over all pairs: the pooled exact and overlap F1."""
    acc: dict[str, list[Count]] = {}
    for p in pairs:
        for name, (ex, ov) in p.by_label.items():
            tgt = acc.setdefault(name, [Count(), Count()])
            tgt[0].add(ex.m, ex.a, ex.b)
            tgt[1].add(ov.m, ov.a, ov.b)
    return {name: {"span_f1": c[0].f1, "span_f1_overlap": c[1].f1, "count": c[0].a + c[0].b}
            for name, c in sorted(acc.items())}
