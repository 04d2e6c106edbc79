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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Document
from models.review import metrics
from models.review.labels import LayerLabels, annotators_of, event_trigger_key, load_labels
from models.services.layers import shared_schema
from models.tokens import tokens_for_many


@dataclass
class _Count:
    """Matched items and the totals of each side; F1 = 2m / (a + b)."""

    m: int = 0
    a: int = 0
    b: int = 0

    def add(self, m: int, a: int, b: int) -> None:
        self.m += m
        self.a += a
        self.b += b

    @property
    def f1(self) -> float:
        return round(metrics.f1(self.m, self.a, self.b), 4)


@dataclass
class _Pair:
    a: str
    b: str
    documents: int = 0
    spans: _Count = field(default_factory=_Count)
    spans_overlap: _Count = field(default_factory=_Count)
    relations: _Count = field(default_factory=_Count)
    events: _Count = field(default_factory=_Count)
    events_args: _Count = field(default_factory=_Count)
    by_label: dict[str, list[_Count]] = field(default_factory=dict)
    by_relation: dict[str, _Count] = field(default_factory=dict)
    by_event: dict[str, _Count] = field(default_factory=dict)
    cats_a: list[str] = field(default_factory=list)
    cats_b: list[str] = field(default_factory=list)
    # document categories: category -> the yes/no decisions of a and of b, one per document
    decisions: dict[str, tuple[list[bool], list[bool]]] = field(default_factory=dict)

    def decide(self, names, x: LayerLabels, y: LayerLabels) -> None:
        have_a, have_b = x.category_names, y.category_names
        for name in names:
            a, b = self.decisions.setdefault(name, ([], []))
            a.append(name in have_a)
            b.append(name in have_b)

    def label(self, name: str) -> list[_Count]:
        return self.by_label.setdefault(name, [_Count(), _Count()])


def _by_label(items, label_of) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for it in items:
        out[label_of(it)].append(it)
    return out


def compare_layers(pair: _Pair, x: LayerLabels, y: LayerLabels) -> _Count:
    """Add one document's comparison of layers x and y to `pair`; return its pooled count
    (all kinds, exact) so the document can be ranked."""
    doc = _Count()
    sa, sb = [i.key for i in x.spans], [i.key for i in y.spans]
    la, lb = _by_label(sa, lambda k: k[2]), _by_label(sb, lambda k: k[2])
    for name in set(la) | set(lb):
        ka, kb = la.get(name, []), lb.get(name, [])
        exact = metrics.exact_matches(ka, kb)
        over = metrics.overlap_matches(ka, kb)
        c = pair.label(name)
        c[0].add(exact, len(ka), len(kb))
        c[1].add(over, len(ka), len(kb))
        pair.spans.add(exact, len(ka), len(kb))
        pair.spans_overlap.add(over, len(ka), len(kb))
        doc.add(exact, len(ka), len(kb))
    ra, rb = x.keys("relation"), y.keys("relation")
    for name in {k[4] for k in ra | rb}:
        ka = {k for k in ra if k[4] == name}
        kb = {k for k in rb if k[4] == name}
        m = len(ka & kb)
        pair.by_relation.setdefault(name, _Count()).add(m, len(ka), len(kb))
        pair.relations.add(m, len(ka), len(kb))
        doc.add(m, len(ka), len(kb))
    ea, eb = x.keys("event"), y.keys("event")
    ta = [event_trigger_key(k) for k in ea]
    tb = [event_trigger_key(k) for k in eb]
    for name in {k[2] for k in ta + tb}:
        ka = [k for k in ta if k[2] == name]
        kb = [k for k in tb if k[2] == name]
        m = metrics.exact_matches(ka, kb)
        pair.by_event.setdefault(name, _Count()).add(m, len(ka), len(kb))
        pair.events.add(m, len(ka), len(kb))
    m_args = len(ea & eb)
    pair.events_args.add(m_args, len(ea), len(eb))
    doc.add(m_args, len(ea), len(eb))
    return doc


def project_agreement(s: Session, project_id: int) -> dict:
    """The agreement report (the JSON of `marginalia agree`)."""
    docs = {d.id: d for d in s.execute(
        select(Document.id, Document.title, Document.text)
        .where(Document.project_id == project_id).order_by(Document.id))}
    labels = load_labels(s, project_id)
    schema_cats = shared_schema(s, project_id).category_names
    used_cats = {n for layers in labels.values() for lay in layers.values()
                 for n in lay.category_names}
    category_names = schema_cats + sorted(used_cats - set(schema_cats))
    pairs: dict[tuple[str, str], _Pair] = {}
    units: list[list[str]] = []  # Krippendorff's alpha: one unit per token
    ranked = []
    names: set[str] = set()
    # the documents' stored tokens: the ones the annotators snapped to
    shared = [d for d, layers in labels.items() if len(annotators_of(layers)) >= 2]
    stored = tokens_for_many(s, shared, {d: docs[d].text for d in shared})
    for doc_id, layers in sorted(labels.items()):
        coders = annotators_of(layers)
        names.update(c.name for c in coders)
        if len(coders) < 2:
            continue
        text = docs[doc_id].text
        tok = stored[doc_id]
        toks = [(tok.starts[i], tok.ends[i]) for i in tok.content(text)]
        cats = {c.name: metrics.token_labels(toks, [i.key for i in c.spans]) for c in coders}
        units.extend([cats[c.name][k] for c in coders] for k in range(len(toks)))
        pooled = _Count()
        doc_kappas = []
        for x, y in combinations(coders, 2):
            pair = pairs.setdefault((x.name, y.name), _Pair(x.name, y.name))
            pair.documents += 1
            d = compare_layers(pair, x, y)
            pair.decide(category_names, x, y)
            pooled.add(d.m, d.a, d.b)
            pair.cats_a += cats[x.name]
            pair.cats_b += cats[y.name]
            k = metrics.cohen_kappa(cats[x.name], cats[y.name])
            if k is not None:
                doc_kappas.append(k)
        ranked.append({
            "id": doc_id, "title": docs[doc_id].title,
            "annotators": [c.name for c in coders],
            "f1": pooled.f1,
            "kappa": round(sum(doc_kappas) / len(doc_kappas), 4) if doc_kappas else None,
            "disagreement": round(1.0 - pooled.f1, 4),
            "labels": pooled.a + pooled.b})
    ranked.sort(key=lambda r: (-r["disagreement"], -r["labels"], r["id"]))
    out_pairs = [_pair_json(p) for _, p in sorted(pairs.items())]
    alpha = metrics.krippendorff_alpha_nominal(units)
    return {
        "annotators": sorted(names),
        "pairs": out_pairs,
        "alpha": None if alpha is None else round(alpha, 4),
        "per_label": _pooled_labels(pairs.values()),
        "documents": ranked,
    }


def _kappa(a, b) -> float | None:
    k = metrics.cohen_kappa(a, b)
    return None if k is None else round(k, 4)


def _categories_json(p: _Pair) -> tuple[float | None, dict]:
    """(kappa over every document x category decision, per category: kappa over the
    documents, and how many documents each annotator and both gave the category)."""
    all_a = [v for a, _ in p.decisions.values() for v in a]
    all_b = [v for _, b in p.decisions.values() for v in b]
    per = {name: {"kappa": _kappa(a, b), "a": sum(a), "b": sum(b),
                  "both": sum(x and y for x, y in zip(a, b))}
           for name, (a, b) in p.decisions.items() if any(a) or any(b)}
    if not per:  # neither gave any document a category: nothing to agree on
        return None, {}
    return _kappa(all_a, all_b), per


def _pair_json(p: _Pair) -> dict:
    kappa = metrics.cohen_kappa(p.cats_a, p.cats_b)
    cat_kappa, per_category = _categories_json(p)
    return {
        "a": p.a, "b": p.b, "documents": p.documents,
        "span_f1": p.spans.f1, "span_f1_overlap": p.spans_overlap.f1,
        "relation_f1": p.relations.f1, "event_f1": p.events.f1,
        "event_f1_args": p.events_args.f1,
        "kappa": None if kappa is None else round(kappa, 4),
        "tokens": len(p.cats_a),
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
    acc: dict[str, list[_Count]] = {}
    for p in pairs:
        for name, (ex, ov) in p.by_label.items():
            tgt = acc.setdefault(name, [_Count(), _Count()])
            tgt[0].add(ex.m, ex.a, ex.b)
            tgt[1].add(ov.m, ov.a, ov.b)
    return {name: {"span_f1": c[0].f1, "span_f1_overlap": c[1].f1, "count": c[0].a + c[0].b}
            for name, c in sorted(acc.items())}
