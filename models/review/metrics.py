"""Agreement statistics on plain values: F1 between two sets, overlap matching, Cohen's kappa
and Krippendorff's alpha (nominal) from their counts. No database here, so tests can check
each number against a hand-computed or textbook value; the per-unit definitions they are
checked against live with the tests (tests/review/plain_metrics.py).

Conventions for the degenerate cases (documented because reports show them):
- F1 of two empty sets is 1.0 (both annotators agree there is nothing to label).
- kappa is 1.0 when both annotators used one and the same category everywhere (p_e = 1).
- alpha is 1.0 when every pairable value is identical, None when nothing is pairable.
"""

from __future__ import annotations

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
