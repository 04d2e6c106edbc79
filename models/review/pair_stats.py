"""The comparisons behind the agreement report (models.review.agreement), each over all the
documents of one pair of annotators at once: spans (exact and overlap, per label), relations
and events, document categories, token labels and kappas, Krippendorff's alpha. Numpy
columns where a project has hundreds of thousands of items (spans, tokens), plain sets where
it has a few per document (relations, events, categories).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from models.review import coded, metrics
from models.review.agreement_rows import Rows
from models.tokens import offset_arrays


@dataclass
class Count:
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
class Pair:
    a: str
    b: str
    documents: int = 0
    spans: Count = field(default_factory=Count)
    spans_overlap: Count = field(default_factory=Count)
    relations: Count = field(default_factory=Count)
    events: Count = field(default_factory=Count)
    events_args: Count = field(default_factory=Count)
    by_label: dict[str, list[Count]] = field(default_factory=dict)
    by_relation: dict[str, Count] = field(default_factory=dict)
    by_event: dict[str, Count] = field(default_factory=dict)
    kappa: float | None = None
    tokens: int = 0
    # document categories: category -> documents (with a, with b, with both), of `documents`
    decisions: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class Tokens:
    """The content tokens of the documents with two or more annotators, all documents' in
    one array: offsets global (each document after the one before, one position apart)."""

    doc: np.ndarray  # index into the documents
    start: np.ndarray
    end: np.ndarray
    base: np.ndarray  # per document: where its text starts
    length: np.ndarray  # per document: its text's length


@dataclass
class DocSums:
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


def load_tokens(s: Session, project_id: int, shared: list[int], texts: dict[int, str]) -> Tokens:
    per, starts, ends = offset_arrays(s, project_id, shared, texts)
    length = np.array([len(texts[d]) for d in shared], dtype=np.int64)
    base = np.concatenate(([0], np.cumsum(length + 1)))[:-1]
    doc = np.repeat(np.arange(len(shared)), per)
    lim = length[doc]
    g_s = base[doc] + np.clip(starts, 0, lim)
    g_e = base[doc] + np.clip(ends, 0, lim)
    keep = coded.content_mask("\n".join(texts[d] for d in shared), g_s, g_e)
    return Tokens(doc[keep], g_s[keep], g_e[keep], base, length)



class SpanIndex:
    """The accepted spans of the annotators' layers on the shared documents."""

    def __init__(self, rows: Rows, layer_at: np.ndarray, tok: Tokens):
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

    def token_codes(self, i: int, tok: Tokens) -> np.ndarray:
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

    def compare(self, pair: Pair, i: int, j: int, both: np.ndarray):
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
            c = pair.by_label.setdefault(self.labels[k], [Count(), Count()])
            c[0].add(per[0][k], per[2][k], per[3][k])
            c[1].add(per[1][k], per[2][k], per[3][k])
        pair.spans.add(int(exact.sum()), len(ga), len(gb))
        pair.spans_overlap.add(int(over.sum()), len(ga), len(gb))
        return tuple(np.bincount(g_doc, weights=v, minlength=n_docs).astype(np.int64)
                     for v in (exact, na, nb))


def compare_keys(pair: Pair, rows: Rows, lay_a: np.ndarray, lay_b: np.ndarray,
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
        c = pair.by_relation.setdefault(name, Count())
        c.add(rel[name, 2], rel[name, 0], rel[name, 1])
        pair.relations.add(rel[name, 2], rel[name, 0], rel[name, 1])
    for name in sorted({n for n, _ in ev_t}):
        c = pair.by_event.setdefault(name, Count())
        c.add(ev_t[name, 2], ev_t[name, 0], ev_t[name, 1])
        pair.events.add(ev_t[name, 2], ev_t[name, 0], ev_t[name, 1])
    return m, a, b


def decide(pair: Pair, rows: Rows, category_names: list[str], lay_a, lay_b) -> None:
    """Per category: on how many of the pair's documents a, b and both gave it."""
    have = Counter()
    for x, y in zip(lay_a.tolist(), lay_b.tolist()):
        ca, cb = rows.categories.get(x, set()), rows.categories.get(y, set())
        for side, names in ((0, ca), (1, cb), (2, ca & cb)):
            for n in names:
                have[n, side] += 1
    for name in category_names:
        pair.decisions[name] = [have[name, 0], have[name, 1], have[name, 2]]


def token_kappas(pair: Pair, ca_all, cb_all, tok: Tokens, both, agreed_pairs,
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
    return kappa_per_document(agreed, n, expected, both)


def kappa_per_document(agreed, n, expected, both) -> np.ndarray:
    """metrics.kappa_from_counts per document, the same float operations; NaN for None."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p_o = agreed / n
        p_e = expected / (n * n)
        k = (p_o - p_e) / (1.0 - p_e)
    k = np.where(p_e >= 1.0, np.where(p_o >= 1.0, 1.0, 0.0), k)
    return np.where((n == 0) | ~both, np.nan, k)


def alpha(coders, shared, tok: Tokens, codes, agreed_pairs, n_codes: int) -> float | None:
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


