"""The whole-project (numpy) agreement statistics give what the plain per-document
definitions give, on random data: token labels, exact and overlap span matches, Cohen's
kappa from counts, Krippendorff's alpha from totals (also against a textbook pairwise
formula written here), and the white-space test of tokens."""

import random
from collections import Counter

import numpy as np
import pytest

from models.records import Tokenization
from models.review import coded, metrics
from tests.review import plain_metrics as reference

LABELS = ["B", "O", "PER", "a"]  # "O" as a label: the same as outside, as in metrics


def random_doc(rng: random.Random, length: int):
    """Non-overlapping tokens and spans that nest, overlap, repeat and miss every token."""
    cuts = sorted(rng.sample(range(1, length), rng.randint(0, min(12, length - 1))))
    bounds = [0, *cuts, length]
    toks = [(s, e) for s, e in zip(bounds, bounds[1:]) if rng.random() < 0.8]
    spans = []
    for _ in range(rng.randint(0, 8)):
        s = rng.randrange(length)
        spans.append((s, rng.randint(s + 1, min(length, s + 12)), rng.choice(LABELS)))
    if spans and rng.random() < 0.3:
        spans.append(rng.choice(spans))  # the same span twice
    return toks, spans


@pytest.mark.parametrize("seed", range(30))
def test_token_label_codes_are_token_labels_per_document(seed):
    rng = random.Random(seed)
    docs = [random_doc(rng, rng.randint(2, 40)) for _ in range(rng.randint(1, 6))]
    vocab = sorted(set(LABELS) | {metrics.OUTSIDE})
    expected, ts, te, ss, se, sc, base = [], [], [], [], [], [], 0
    for toks, spans in docs:
        expected += reference.token_labels(toks, spans)
        ts += [base + s for s, _ in toks]
        te += [base + e for _, e in toks]
        ss += [base + s for s, _, _ in spans]
        se += [base + e for _, e, _ in spans]
        sc += [vocab.index(lab) for _, _, lab in spans]
        base += 41  # documents one after the other
    got = coded.token_label_codes(*(np.array(x, dtype=np.int64) for x in (ts, te, ss, se, sc)),
                                  vocab.index(metrics.OUTSIDE))
    assert [vocab[c] for c in got] == expected


def grouped(rng: random.Random, groups: int):
    """Two sides' spans, each side in the order the plain function sees them (by group,
    start, longest first)."""
    sides = []
    for _ in range(2):
        rows = []
        for g in range(groups):
            for _ in range(rng.randint(0, 5)):
                s = rng.randrange(30)
                rows.append((g, s, rng.randint(s + 1, s + rng.choice((1, 3, 10)))))
            if rows and rng.random() < 0.2:
                rows.append(rows[-1])
        rows.sort(key=lambda r: (r[0], r[1], -r[2]))
        sides.append(rows)
    return sides


@pytest.mark.parametrize("seed", range(40))
def test_grouped_matches_are_the_plain_matches_per_group(seed):
    rng = random.Random(seed)
    groups = rng.randint(1, 6)
    a, b = grouped(rng, groups)

    def cols(rows):
        arr = np.array(rows, dtype=np.int64).reshape(-1, 3)
        return arr[:, 0], arr[:, 1], arr[:, 2]

    args = (*cols(a), *cols(b), groups)
    for g in range(groups):
        ka = [(s, e, "X") for gg, s, e in a if gg == g]
        kb = [(s, e, "X") for gg, s, e in b if gg == g]
        exact, over = metrics.exact_matches(ka, kb), metrics.overlap_matches(ka, kb)
        assert coded.exact_matches(*args)[g] == exact
        assert coded.overlap_matches(*args)[g] == over
        assert [x[g] for x in coded.span_matches(*args)] == [exact, over]


@pytest.mark.parametrize("seed", range(20))
def test_kappa_from_counts_is_cohen_kappa(seed):
    rng = random.Random(seed)
    n_docs, codes = rng.randint(1, 5), rng.randint(1, 4)
    doc = np.array(sorted(rng.randrange(n_docs) for _ in range(rng.randint(0, 60))),
                   dtype=np.int64)
    ca = np.array([rng.randrange(codes) for _ in doc], dtype=np.int64)
    cb = np.array([x if rng.random() < 0.6 else rng.randrange(codes) for x in ca.tolist()],
                  dtype=np.int64)
    expected = coded.expected_per_group(doc, ca, cb, n_docs, codes)
    for d in range(n_docs):
        a, b = ca[doc == d].tolist(), cb[doc == d].tolist()
        count_a, count_b = Counter(a), Counter(b)
        assert expected[d] == sum(count_a[k] * count_b[k] for k in count_a)
        agreed = sum(x == y for x, y in zip(a, b))
        assert metrics.kappa_from_counts(agreed, len(a), int(expected[d])) == \
            reference.cohen_kappa(a, b)
    assert coded.kappa(int((ca == cb).sum()), len(ca), np.bincount(ca, minlength=codes),
                       np.bincount(cb, minlength=codes)) == reference.cohen_kappa(ca.tolist(),
                                                                                cb.tolist())


def textbook_alpha(units) -> float | None:
    """Krippendorff's alpha, nominal, by pairs of values: 1 - (n - 1) * (disagreeing pairs
    within units, each unit's weighted 1 / (m_u - 1)) / (disagreeing pairs among all
    pairable values)."""
    units = [u for u in units if len(u) >= 2]
    values = [v for u in units for v in u]
    n = len(values)
    if n <= 1:
        return None
    within = sum(sum(1 for i in range(len(u)) for j in range(len(u)) if i != j and u[i] != u[j])
                 / (len(u) - 1) for u in units)
    between = sum(1 for i in range(n) for j in range(n) if i != j and values[i] != values[j])
    return 1.0 if between == 0 else 1.0 - (n - 1) * within / between


@pytest.mark.parametrize("seed", range(30))
def test_alpha_from_counts_is_krippendorff_alpha(seed):
    rng = random.Random(seed)
    units = [[rng.choice("abc" if rng.random() < 0.7 else "a") for _ in range(rng.randint(0, 4))]
             for _ in range(rng.randint(0, 25))]
    pairable = [u for u in units if len(u) >= 2]
    totals = Counter(v for u in pairable for v in u)
    disagree = sum((len(u) ** 2 - sum(c * c for c in Counter(u).values())) / (len(u) - 1)
                   for u in pairable)
    got = metrics.alpha_from_counts(list(totals.values()), disagree)
    plain = reference.krippendorff_alpha_nominal(units)
    book = textbook_alpha(units)
    if plain is None:
        assert got is None and book is None
    else:
        assert got == pytest.approx(plain, abs=1e-12)
        assert got == pytest.approx(book, abs=1e-12)


@pytest.mark.parametrize("seed", range(20))
def test_content_mask_is_tokenization_content(seed):
    rng = random.Random(seed)
    texts, starts, ends, expected, base = [], [], [], [], 0
    for _ in range(rng.randint(1, 4)):
        text = "".join(rng.choice(["ab", " ", "  ", "\n", "\u3000", "\xa0", "é", "東", "\t"])
                       for _ in range(rng.randint(1, 12)))
        toks = random_doc(rng, len(text) + 1)[0] if len(text) > 1 else [(0, 1)]
        toks = [(s, min(e, len(text))) for s, e in toks]
        tok = Tokenization([s for s, _ in toks], [e for _, e in toks])
        keep = set(tok.content(text))
        expected += [i in keep for i in range(len(toks))]
        starts += [base + s for s, _ in toks]
        ends += [base + e for _, e in toks]
        texts.append(text)
        base += len(text) + 1
    got = coded.content_mask("\n".join(texts), np.array(starts, dtype=np.int64),
                             np.array(ends, dtype=np.int64))
    assert got.tolist() == expected


def test_white_space_table_is_str_isspace():
    # every white-space code point lies below the table's end
    assert all(not chr(c).isspace() for c in range(coded._WS_LIMIT, 0x110000, 1))
