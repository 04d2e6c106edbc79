"""Agreement statistics on plain values: F1 between two sets, overlap matching, token labels,
Cohen's kappa and Krippendorff's alpha (nominal). No database here, so tests can check each
number against a hand-computed or textbook value.

Conventions for the degenerate cases (documented because reports show them):
- F1 of two empty sets is 1.0 (both annotators agree there is nothing to label).
- kappa is 1.0 when both annotators used one and the same category everywhere (p_e = 1).
- alpha is 1.0 when every pairable value is identical, None when nothing is pairable.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

OUTSIDE = "O"


def f1(matched: int, n_a: int, n_b: int) -> float:
    """Dice/F1 of two annotators: symmetric, so neither needs to be the reference."""
    return 1.0 if n_a + n_b == 0 else 2.0 * matched / (n_a + n_b)


def exact_matches(a: Iterable[Hashable], b: Iterable[Hashable]) -> int:
    return len(set(a) & set(b))


def overlap_matches(a: Sequence[tuple[int, int, str]], b: Sequence[tuple[int, int, str]]) -> int:
    """One-to-one matches of spans with the same label that share at least one character;
    the pairs with the largest shared stretch are matched first."""
    cands = []
    for i, (s1, e1, l1) in enumerate(a):
        for j, (s2, e2, l2) in enumerate(b):
            shared = min(e1, e2) - max(s1, s2)
            if l1 == l2 and shared > 0:
                cands.append((-shared, i, j))
    used_a, used_b, n = set(), set(), 0
    for _, i, j in sorted(cands):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            n += 1
    return n


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


def kappa_from_counts(agreed: int, n: int, expected: int) -> float | None:
    """Cohen's kappa from integer counts: `agreed` of `n` items alike, `expected` the sum
    over categories of (a's count x b's count); so bulk callers (numpy) get the very float
    cohen_kappa gives."""
    if n == 0:
        return None
    p_o = agreed / n
    p_e = expected / (n * n)
    if p_e >= 1.0:
        return 1.0 if p_o >= 1.0 else 0.0
    return (p_o - p_e) / (1.0 - p_e)


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


def alpha_from_counts(n_c: Sequence[int], disagree_o: float) -> float | None:
    """Krippendorff's alpha (nominal) from the totals of each value over the pairable units
    (`n_c`, integers) and the observed disagreement D_o = sum over units u of
    (m_u^2 - sum_c n_uc^2) / (m_u - 1), the off-diagonal of the coincidence matrix: what
    krippendorff_alpha_nominal computes, without a matrix per unit."""
    n_c = [int(v) for v in n_c if v]
    n = sum(n_c)
    if n <= 1:
        return None
    disagree_e = (n * n - sum(v * v for v in n_c)) / (n - 1)
    if disagree_e == 0:
        return 1.0
    return 1.0 - disagree_o / disagree_e
