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

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.orm import Document
from models.review import coded, metrics
from models.review.agreement_rows import Rows, read_rows
from models.services.bulk import cursor_rows, no_gc
from models.services.layers import shared_schema
from models.tokens import offset_arrays


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
    kappa: float | None = None
    tokens: int = 0
    # document categories: category -> documents (with a, with b, with both), of `documents`
    decisions: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class _Tokens:
    """The content tokens of the documents with two or more annotators, all documents' in
    one array: offsets global (each document after the one before, one position apart)."""

    doc: np.ndarray  # index into the documents
    start: np.ndarray
    end: np.ndarray
    base: np.ndarray  # per document: where its text starts
    length: np.ndarray  # per document: its text's length


@dataclass
class _Doc:
    """Per document, summed over the pairs: exact matches and both sides' labels; and the
    pairs' token kappas (NaN: none)."""

    m: np.ndarray
    a: np.ndarray
    b: np.ndarray
    kappas: list[np.ndarray] = field(default_factory=list)

    def add(self, m, a, b) -> None:
        self.m += m
        self.a += a
        self.b += b


def _tokens(s: Session, project_id: int, shared: list[int], texts: dict[int, str]) -> _Tokens:
    per, starts, ends = offset_arrays(s, project_id, shared, texts)
    length = np.array([len(texts[d]) for d in shared], dtype=np.int64)
    base = np.concatenate(([0], np.cumsum(length + 1)))[:-1]
    doc = np.repeat(np.arange(len(shared)), per)
    lim = length[doc]
    g_s = base[doc] + np.clip(starts, 0, lim)
    g_e = base[doc] + np.clip(ends, 0, lim)
    keep = coded.content_mask("\n".join(texts[d] for d in shared), g_s, g_e)
    return _Tokens(doc[keep], g_s[keep], g_e[keep], base, length)


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
    tok = _tokens(s, project_id, shared, {d: docs[d][1] for d in shared})
    spans = _SpanIndex(rows, layer_at, tok)
    codes = [spans.token_codes(i, tok) for i in range(len(names))]
    per_doc = _Doc(*(np.zeros(len(shared), dtype=np.int64) for _ in range(3)))
    pairs: dict[tuple[str, str], _Pair] = {}
    agreed_pairs = np.zeros(len(shared), dtype=np.int64)  # Krippendorff: alike coder pairs
    for i, j in combinations(range(len(names)), 2):
        both = (layer_at[i] >= 0) & (layer_at[j] >= 0)
        if not both.any():
            continue
        pair = _Pair(names[i], names[j], documents=int(both.sum()))
        pairs[(names[i], names[j])] = pair
        where = np.flatnonzero(both)
        per_doc.add(*spans.compare(pair, i, j, both))
        per_doc.add(*_compare_keys(pair, rows, layer_at[i, where], layer_at[j, where], where,
                                   len(shared)))
        _decide(pair, rows, category_names, layer_at[i, where], layer_at[j, where])
        per_doc.kappas.append(_token_kappas(pair, codes[i], codes[j], tok, both, agreed_pairs,
                                            len(spans.vocab)))
    ranked = _ranked(shared, docs, coders, per_doc, pairs)
    alpha = _alpha(coders, shared, tok, codes, agreed_pairs, len(spans.vocab))
    return {
        "annotators": names,
        "pairs": [_pair_json(p) for _, p in sorted(pairs.items())],
        "alpha": None if alpha is None else round(alpha, 4),
        "per_label": _pooled_labels(pairs.values()),
        "documents": ranked,
    }


class _SpanIndex:
    """The accepted spans of the annotators' layers on the shared documents."""

    def __init__(self, rows: Rows, layer_at: np.ndarray, tok: _Tokens):
        sp = rows.spans
        self.labels = sp.names
        self.vocab = sorted(set(sp.names) | {metrics.OUTSIDE})  # token codes sort as labels
        self.outside = self.vocab.index(metrics.OUTSIDE)
        remap = np.array([self.vocab.index(n) for n in sp.names] or [0], dtype=np.int64)
        self.layer_at = layer_at
        who, doc = np.nonzero(layer_at >= 0)
        lids = layer_at[who, doc]
        order = np.argsort(lids)
        # spans -> (annotator, document) through their layer id
        lids, who, doc = (np.append(x[order], -1) for x in (lids, who, doc))
        pos = np.minimum(np.searchsorted(lids[:-1], sp.layer), len(lids) - 1)
        ok = lids[pos] == sp.layer
        self.who, self.doc = who[pos][ok], doc[pos][ok]
        self.start, self.end, self.label = sp.start[ok], sp.end[ok], sp.label[ok]
        self.token_code = remap[self.label]
        lim = tok.length[self.doc]
        self.g_start = tok.base[self.doc] + np.clip(self.start, 0, lim)
        self.g_end = tok.base[self.doc] + np.clip(self.end, 0, lim)

    def token_codes(self, i: int, tok: _Tokens) -> np.ndarray:
        """Annotator i's code of every token (-1 on documents i did not annotate)."""
        mine = self.who == i
        on = (self.layer_at[i] >= 0)[tok.doc]
        out = np.full(len(tok.doc), -1, dtype=np.int64)
        out[on] = coded.token_label_codes(tok.start[on], tok.end[on], self.g_start[mine],
                                          self.g_end[mine], self.token_code[mine], self.outside)
        return out

    def side(self, i: int, both: np.ndarray):
        m = (self.who == i) & both[self.doc]
        d, lab, s, e = self.doc[m], self.label[m], self.start[m], self.end[m]
        # stable: within a document and label, the load order (start, longest first, id)
        order = np.argsort(d * max(len(self.labels), 1) + lab, kind="stable")
        return d[order], lab[order], s[order], e[order]

    def compare(self, pair: _Pair, i: int, j: int, both: np.ndarray):
        """Exact and overlap span matches of annotators i and j, per label into `pair`;
        per document (matched, a's, b's) for the ranking."""
        n_docs = len(both)
        da, la, sa, ea = self.side(i, both)
        db, lb, sb, eb = self.side(j, both)
        width = max(len(self.labels), 1)
        ka, kb = da * width + la, db * width + lb
        groups = coded.distinct_sorted(np.sort(np.concatenate((ka, kb))))
        ga, gb = np.searchsorted(groups, ka), np.searchsorted(groups, kb)
        G = len(groups)
        exact, over = coded.span_matches(ga, sa, ea, gb, sb, eb, G)
        na, nb = np.bincount(ga, minlength=G), np.bincount(gb, minlength=G)
        g_label, g_doc = groups % width, groups // width
        per = [np.bincount(g_label, weights=v, minlength=width).astype(np.int64).tolist()
               for v in (exact, over, na, nb)]
        for k in np.flatnonzero(np.bincount(g_label, minlength=width)).tolist():  # labels used
            c = pair.by_label.setdefault(self.labels[k], [_Count(), _Count()])
            c[0].add(per[0][k], per[2][k], per[3][k])
            c[1].add(per[1][k], per[2][k], per[3][k])
        pair.spans.add(int(exact.sum()), len(ga), len(gb))
        pair.spans_overlap.add(int(over.sum()), len(ga), len(gb))
        return tuple(np.bincount(g_doc, weights=v, minlength=n_docs).astype(np.int64)
                     for v in (exact, na, nb))


def _compare_keys(pair: _Pair, rows: Rows, lay_a: np.ndarray, lay_b: np.ndarray,
                  where: np.ndarray, n_docs: int):
    """Relations and events of the pair's documents (a few each: plain sets), per document
    (matched, a's, b's) of relations and events with arguments."""
    m, a, b = (np.zeros(n_docs, dtype=np.int64) for _ in range(3))
    rel, ev_t = Counter(), Counter()  # (name, side: a, b, both) -> count
    for k, x, y in zip(where.tolist(), lay_a.tolist(), lay_b.tolist()):
        ra, rb = rows.relations.get(x), rows.relations.get(y)
        if ra or rb:
            ra, rb = set(ra or ()), set(rb or ())
            same = ra & rb
            for side, keys in ((0, ra), (1, rb), (2, same)):
                for key in keys:
                    rel[key[4], side] += 1
            m[k] += len(same)
            a[k] += len(ra)
            b[k] += len(rb)
        ea, eb = rows.events.get(x), rows.events.get(y)
        if ea or eb:
            ea, eb = set(ea or ()), set(eb or ())
            same = ea & eb
            ta = [key[:3] for key in ea]
            tb = [key[:3] for key in eb]
            for side, keys in ((0, ta), (1, tb), (2, set(ta) & set(tb))):
                for key in keys:
                    ev_t[key[2], side] += 1
            pair.events_args.add(len(same), len(ea), len(eb))
            m[k] += len(same)
            a[k] += len(ea)
            b[k] += len(eb)
    for name in sorted({n for n, _ in rel}):
        c = pair.by_relation.setdefault(name, _Count())
        c.add(rel[name, 2], rel[name, 0], rel[name, 1])
        pair.relations.add(rel[name, 2], rel[name, 0], rel[name, 1])
    for name in sorted({n for n, _ in ev_t}):
        c = pair.by_event.setdefault(name, _Count())
        c.add(ev_t[name, 2], ev_t[name, 0], ev_t[name, 1])
        pair.events.add(ev_t[name, 2], ev_t[name, 0], ev_t[name, 1])
    return m, a, b


def _decide(pair: _Pair, rows: Rows, category_names: list[str], lay_a, lay_b) -> None:
    """Per category: on how many of the pair's documents a, b and both gave it."""
    have = Counter()
    for x, y in zip(lay_a.tolist(), lay_b.tolist()):
        ca, cb = rows.categories.get(x, set()), rows.categories.get(y, set())
        for side, names in ((0, ca), (1, cb), (2, ca & cb)):
            for n in names:
                have[n, side] += 1
    for name in category_names:
        pair.decisions[name] = [have[name, 0], have[name, 1], have[name, 2]]


def _token_kappas(pair: _Pair, ca_all, cb_all, tok: _Tokens, both, agreed_pairs,
                  n_codes: int) -> np.ndarray:
    """The pair's token kappa (pooled into `pair`) and per document (NaN: no tokens);
    adds each document's alike tokens to `agreed_pairs`."""
    n_docs = len(both)
    on = both[tok.doc]
    ca, cb, td = ca_all[on], cb_all[on], tok.doc[on]
    alike = ca == cb
    pair.tokens = len(ca)
    pair.kappa = coded.kappa(int(alike.sum()), len(ca), np.bincount(ca, minlength=n_codes),
                             np.bincount(cb, minlength=n_codes))
    agreed = np.bincount(td[alike], minlength=n_docs)
    agreed_pairs += agreed
    n = np.bincount(td, minlength=n_docs)
    expected = coded.expected_per_group(td, ca, cb, n_docs, n_codes)
    return _kappa_array(agreed, n, expected, both)


def _kappa_array(agreed, n, expected, both) -> np.ndarray:
    """metrics.kappa_from_counts per document, the same float operations; NaN for None."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = agreed / n
        p_e = expected / (n * n)
        k = (p_o - p_e) / (1.0 - p_e)
    k = np.where(p_e >= 1.0, np.where(p_o >= 1.0, 1.0, 0.0), k)
    return np.where((n == 0) | ~both, np.nan, k)


def _alpha(coders, shared, tok: _Tokens, codes, agreed_pairs, n_codes: int) -> float | None:
    """Krippendorff's alpha over every token of the shared documents, its annotators the
    coders: a document's m coders give each of its tokens m values (metrics.alpha_from_counts)."""
    totals = np.zeros(n_codes, dtype=np.int64)
    for c in codes:
        totals += np.bincount(c[c >= 0], minlength=n_codes)
    m = np.array([len(coders[d]) for d in shared], dtype=np.int64)
    n_tok = np.bincount(tok.doc, minlength=len(shared))
    disagree = 0.0
    for size in sorted(set(m.tolist())):
        at = m == size
        units, alike = int(n_tok[at].sum()), int(agreed_pairs[at].sum())
        # per unit: m^2 - sum_c n_uc^2 = m^2 - m - 2 * (alike coder pairs)
        disagree += (size * size * units - size * units - 2 * alike) / (size - 1)
    return metrics.alpha_from_counts(totals.tolist(), disagree)


def _ranked(shared, docs, coders, per_doc: _Doc, pairs) -> list[dict]:
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


def _categories_json(p: _Pair) -> tuple[float | None, dict]:
    """(kappa over every document x category decision, per category: kappa over the
    documents, and how many documents each annotator and both gave the category)."""
    n = p.documents
    per = {name: {"kappa": _yes_no_kappa(n, a, b, both), "a": a, "b": b, "both": both}
           for name, (a, b, both) in p.decisions.items() if a or b}
    if not per:  # neither gave any document a category: nothing to agree on
        return None, {}
    a, b, both = (sum(v[k] for v in p.decisions.values()) for k in range(3))
    return _yes_no_kappa(n * len(p.decisions), a, b, both), per


def _pair_json(p: _Pair) -> dict:
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
    acc: dict[str, list[_Count]] = {}
    for p in pairs:
        for name, (ex, ov) in p.by_label.items():
            tgt = acc.setdefault(name, [_Count(), _Count()])
            tgt[0].add(ex.m, ex.a, ex.b)
            tgt[1].add(ov.m, ov.a, ov.b)
    return {name: {"span_f1": c[0].f1, "span_f1_overlap": c[1].f1, "count": c[0].a + c[0].b}
            for name, c in sorted(acc.items())}
