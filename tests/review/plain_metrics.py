"""The agreement statistics by their plain definitions, per document and per unit: the
reference the vectorised ones (models/review/coded.py, pair_stats.py) are tested against,
itself checked against textbook values (test_metrics.py)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

from models.review.metrics import OUTSIDE, kappa_from_counts


def token_labels(toks: list[tuple[int, int]], spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """Each token's category: the label of the first span (by start, longest first) that
    covers any of it, else 'O'."""
    cats = [OUTSIDE] * len(toks)
    starts = [t[0] for t in toks]
    ends = [t[1] for t in toks]
    ordered = sorted(spans, key=lambda x: (x[0], -x[1], x[2]))
    for start, end, label in reversed(ordered):  # paint in reverse so the first one wins
        lo = bisect_right(ends, start)  # first token ending after the span starts
        hi = bisect_left(starts, end)  # first token starting at or after the span ends
        for k in range(lo, hi):
            cats[k] = label
    return cats


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two equally long category sequences; None when empty."""
    if len(a) != len(b):
        raise ValueError("kappa needs two sequences of the same length")
    n = len(a)
    if n == 0:
        return None
    ca, cb = Counter(a), Counter(b)
    return kappa_from_counts(sum(1 for x, y in zip(a, b) if x == y), n,
                             sum(ca[k] * cb.get(k, 0) for k in ca))


def krippendorff_alpha_nominal(units: Iterable[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data. `units` holds, per unit, the values the coders
    gave it (missing values simply left out); units with fewer than two values are not
    pairable and are skipped. Uses the coincidence matrix: alpha = 1 - D_o / D_e."""
    o: Counter = Counter()  # coincidences o[c, k]
    for values in units:
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    o[c, k] += pairs / (m - 1)
    n_c: Counter = Counter()
    for (c, _k), v in o.items():
        n_c[c] += v
    n = sum(n_c.values())
    if n <= 1:
        return None
    disagree_o = sum(v for (c, k), v in o.items() if c != k)
    disagree_e = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k) / (n - 1)
    if disagree_e == 0:
        return 1.0
    return 1.0 - disagree_o / disagree_e
