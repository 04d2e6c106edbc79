"""The agreement report (computed over all documents at once) against the plain per-document
definitions of metrics.py applied here to load_labels' layers, on random projects: nested,
overlapping and repeated spans, three annotators, white space of several kinds."""

import random
from itertools import combinations

import pytest

from models.records import DocumentRecord, RelationRecord, SpanRecord
from models.review import metrics
from tests.review import plain_metrics as reference
from models.review.agreement import project_agreement
from models.review.labels import annotators_of, load_labels
from models.service import Service
from models.tokens import tokens_for_many

WORDS = ["alpha", "Beta", "déjà", "vu", "x", "U.S.", "東京"]
SEPS = [" ", " ", "  ", "\n", "\u3000", "\xa0"]
LABELS = ["GPE", "O", "PER"]


def random_project(store, rng: random.Random, names: list[str]) -> int:
    alice = Service(store, "alice")
    alice.create_project("news")
    texts = ["".join(rng.choice(WORDS) + rng.choice(SEPS) for _ in range(rng.randint(1, 12)))
             for _ in range(rng.randint(2, 6))]
    for name in names:
        alice.add_user(name, "annotator")
    for name in names:
        records = []
        for i, text in enumerate(texts):
            spans, seen = [], set()
            for k in range(rng.randint(0, 6)):
                s = rng.randrange(len(text) - 1)
                span = (s, rng.randint(s + 1, min(len(text), s + 12)), rng.choice(LABELS))
                if span not in seen:
                    seen.add(span)
                    spans.append(SpanRecord(*span, id=f"T{k}"))
            rels = [RelationRecord(spans[0].id, spans[1].id, "near")] if len(spans) > 1 else []
            records.append(DocumentRecord(text=text, title=f"d{i}", spans=spans, relations=rels))
        alice.import_records("news", records, annotator=name)
    return alice.project_id("news")


def plain_report(s, project_id: int) -> dict:
    """Per pair: span counts exact / overlap, relation counts, token kappa; alpha; per
    document: pooled F1 (spans and relations, exact) and mean kappa."""
    labels = load_labels(s, project_id)
    shared = sorted(d for d, lay in labels.items() if len(annotators_of(lay)) >= 2)
    stored = tokens_for_many(s, shared)
    from models.orm import Document

    pairs, units, docs = {}, [], {}
    for d in shared:
        coders = annotators_of(labels[d])
        text = s.get(Document, d).text
        tok = stored[d]
        toks = [(tok.starts[i], tok.ends[i]) for i in tok.content(text)]
        cats = {c.name: reference.token_labels(toks, [i.key for i in c.spans]) for c in coders}
        units += [[cats[c.name][k] for c in coders] for k in range(len(toks))]
        m = a = b = 0
        kappas = []
        for x, y in combinations(coders, 2):
            p = pairs.setdefault((x.name, y.name), {"exact": [0, 0, 0], "over": 0,
                                                    "rel": [0, 0, 0], "a": [], "b": []})
            for name in {k[2] for k in x.keys("span") | y.keys("span")}:
                ka = [i.key for i in x.spans if i.label == name]
                kb = [i.key for i in y.spans if i.label == name]
                ex = metrics.exact_matches(ka, kb)
                p["exact"] = [p["exact"][0] + len(ka), p["exact"][1] + len(kb), p["exact"][2] + ex]
                p["over"] += metrics.overlap_matches(ka, kb)
                m, a, b = m + ex, a + len(ka), b + len(kb)
            ra, rb = x.keys("relation"), y.keys("relation")
            p["rel"] = [p["rel"][0] + len(ra), p["rel"][1] + len(rb), p["rel"][2] + len(ra & rb)]
            m, a, b = m + len(ra & rb), a + len(ra), b + len(rb)
            p["a"] += cats[x.name]
            p["b"] += cats[y.name]
            k = reference.cohen_kappa(cats[x.name], cats[y.name])
            if k is not None:
                kappas.append(k)
        docs[d] = (round(metrics.f1(m, a, b), 4),
                   round(sum(kappas) / len(kappas), 4) if kappas else None, a + b)
    return {"pairs": pairs, "alpha": reference.krippendorff_alpha_nominal(units), "docs": docs}


@pytest.mark.parametrize("seed", range(6))
def test_report_is_the_plain_definitions(store, seed):
    rng = random.Random(seed)
    names = ["bob", "carol", "dave"][:2 + seed % 2]
    pid = random_project(store, rng, names)
    with store.session() as s:
        report = project_agreement(s, pid)
        plain = plain_report(s, pid)
    assert {(p["a"], p["b"]) for p in report["pairs"]} == set(plain["pairs"])
    for p in report["pairs"]:
        want = plain["pairs"][p["a"], p["b"]]
        assert p["counts"]["spans"] == want["exact"]
        assert p["counts"]["relations"] == want["rel"]
        assert p["span_f1_overlap"] == round(metrics.f1(want["over"], *want["exact"][:2]), 4)
        kappa = reference.cohen_kappa(want["a"], want["b"])
        assert p["kappa"] == (None if kappa is None else round(kappa, 4))
        assert p["tokens"] == len(want["a"])
    alpha = plain["alpha"]
    assert report["alpha"] == (None if alpha is None else round(alpha, 4))
    assert {r["id"]: (r["f1"], r["kappa"], r["labels"]) for r in report["documents"]} == \
        plain["docs"]
