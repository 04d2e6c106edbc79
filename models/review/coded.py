"""The agreement statistics of metrics.py over whole projects at once: numpy arrays of
integer-coded labels and offsets instead of Python values per token or per document.

Each function gives what its plain counterpart in metrics.py gives (tests/review/
test_coded_metrics.py checks them against each other on random data); they exist because
`agree` over 10,000 documents spent most of its time in per-token Python (issue 19).
Spans are grouped: a group is one document and one label, numbered 0..G-1 by the caller.
"""

from __future__ import annotations

import numpy as np

from models.review import metrics

_WS_LIMIT = 0x3001  # every code point str.isspace() accepts is below U+3001
_WS = np.array([chr(c).isspace() for c in range(_WS_LIMIT)], dtype=bool)


def content_mask(text: str, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which tokens are not white space only (Tokenization.content), for offsets into
    `text` (the documents' texts joined, offsets shifted accordingly)."""
    chars = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    ws = np.zeros(len(chars), dtype=bool)
    low = chars < _WS_LIMIT
    ws[low] = _WS[chars[low]]
    solid = np.concatenate(([0], np.cumsum(~ws)))
    return (solid[ends] - solid[starts] > 0) | (ends <= starts)


def token_label_codes(tok_s: np.ndarray, tok_e: np.ndarray, span_s: np.ndarray,
                      span_e: np.ndarray, span_code: np.ndarray, outside: int) -> np.ndarray:
    """metrics.token_labels over many documents: each token's code is the code of the first
    span (by start, longest first, code) that covers any of it, else `outside`. Offsets are
    global (documents one after the other, never sharing a position); codes must sort as
    the labels do. The first covering span is the first whose running maximum end passes
    the token's start, provided it starts before the token ends."""
    out = np.full(len(tok_s), outside, dtype=np.int64)
    if not len(span_s) or not len(tok_s):
        return out
    order = np.lexsort((span_code, -span_e, span_s))
    s, e, c = span_s[order], span_e[order], span_code[order]
    reach = np.maximum.accumulate(e)
    k = np.searchsorted(reach, tok_s, side="right")
    hit = k < len(s)
    hit[hit] = s[k[hit]] < tok_e[hit]
    out[hit] = c[k[hit]]
    return out


def exact_matches(ga, sa, ea, gb, sb, eb, groups: int) -> np.ndarray:
    """metrics.exact_matches per group: how many distinct (start, end) both sides have."""
    if not len(ga) or not len(gb):
        return np.zeros(groups, dtype=np.int64)
    width = int(max(ea.max(), eb.max(), sa.max(), sb.max())) + 1
    if groups * width * width < 2 ** 62:  # (group, start, end) as one integer
        ka = (ga.astype(np.int64) * width + sa) * width + ea
        kb = (gb.astype(np.int64) * width + sb) * width + eb
        both = np.intersect1d(ka, kb)
        return np.bincount(both // (width * width), minlength=groups)
    a = np.unique(np.stack((ga, sa, ea), axis=1), axis=0)
    b = np.unique(np.stack((gb, sb, eb), axis=1), axis=0)
    rows = np.concatenate((a, b))
    rows = rows[np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0]))]
    same = np.all(rows[1:] == rows[:-1], axis=1)
    return np.bincount(rows[1:][same, 0], minlength=groups)


def overlap_matches(ga, sa, ea, gb, sb, eb, groups: int) -> np.ndarray:
    """metrics.overlap_matches per group. Sides in the order the plain function would see
    them (by group, then start, longest first). A candidate pair (sharing a character)
    whose spans have no other candidate is matched whatever the order; a group with any
    other candidate goes to the plain function."""
    if not len(ga) or not len(gb):
        return np.zeros(groups, dtype=np.int64)
    return _overlap(*_candidates(ga, sa, ea, gb, sb, eb), ga, sa, ea, gb, sb, eb, groups)


def span_matches(ga, sa, ea, gb, sb, eb, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(exact_matches, overlap_matches) per group from one search for candidates: two
    non-empty spans alike are a candidate pair, so the exact matches are among them."""
    if not len(ga) or not len(gb) or (sa >= ea).any() or (sb >= eb).any():
        return (exact_matches(ga, sa, ea, gb, sb, eb, groups),
                overlap_matches(ga, sa, ea, gb, sb, eb, groups))
    ai, bj = _candidates(ga, sa, ea, gb, sb, eb)
    alike = (sa[ai] == sb[bj]) & (ea[ai] == eb[bj])
    # the same span twice on a side counts once: runs of alike spans (neighbours, a is
    # sorted), one per run
    run = np.cumsum(np.concatenate(([True], (ga[1:] != ga[:-1]) | (sa[1:] != sa[:-1])
                                    | (ea[1:] != ea[:-1]))))
    hit = ai[alike]  # ascending
    first = np.concatenate(([True], run[hit][1:] != run[hit][:-1])) if len(hit) else hit
    exact = np.bincount(ga[hit[first]] if len(hit) else hit, minlength=groups)
    return exact, _overlap(ai, bj, ga, sa, ea, gb, sb, eb, groups)


def _overlap(ai, bj, ga, sa, ea, gb, sb, eb, groups: int) -> np.ndarray:
    out = np.zeros(groups, dtype=np.int64)
    if not len(ai):
        return out
    per_a = np.bincount(ai, minlength=len(ga))
    per_b = np.bincount(bj, minlength=len(gb))
    alone = (per_a[ai] == 1) & (per_b[bj] == 1)
    out += np.bincount(ga[ai[alone]], minlength=groups)
    tangled = distinct_sorted(np.sort(ga[ai[~alone]]))
    if len(tangled):
        a_lo, a_hi = np.searchsorted(ga, tangled), np.searchsorted(ga, tangled, side="right")
        b_lo, b_hi = np.searchsorted(gb, tangled), np.searchsorted(gb, tangled, side="right")
        for g, i0, i1, j0, j1 in zip(tangled.tolist(), a_lo.tolist(), a_hi.tolist(),
                                     b_lo.tolist(), b_hi.tolist()):
            out[g] = metrics.overlap_matches(
                [(s, e, "") for s, e in zip(sa[i0:i1].tolist(), ea[i0:i1].tolist())],
                [(s, e, "") for s, e in zip(sb[j0:j1].tolist(), eb[j0:j1].tolist())])
    return out


def _candidates(ga, sa, ea, gb, sb, eb) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j), same group, sharing at least one character. b is searched by
    (group, start): a b span can reach an a span only if it starts less than the longest b
    span's length before it."""
    longest = int((eb - sb).max())
    width = int(max(ea.max(), eb.max(), 0)) + longest + 2
    key_b = gb.astype(np.int64) * width + sb
    base = ga.astype(np.int64) * width
    lo = np.searchsorted(key_b, base + np.maximum(sa - longest + 1, 0), side="left")
    hi = np.searchsorted(key_b, base + ea, side="left")
    n = np.maximum(hi - lo, 0)
    total = int(n.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ai = np.repeat(np.arange(len(ga)), n)
    first = np.repeat(lo - np.concatenate(([0], np.cumsum(n)[:-1])), n)
    bj = first + np.arange(total)
    keep = (eb[bj] > sa[ai]) & (sb[bj] < ea[ai])
    return ai[keep], bj[keep]


def distinct_sorted(x: np.ndarray) -> np.ndarray:
    """np.unique of an array already sorted (hash-based np.unique was a fifth of `agree`)."""
    return x[np.concatenate(([True], x[1:] != x[:-1]))] if len(x) else x


def counts_by_key(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(keys, return_counts=True) by one sort."""
    keys = np.sort(keys)
    if not len(keys):
        return keys, keys
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return keys[first], np.diff(np.append(first, len(keys)))


def expected_per_group(group: np.ndarray, ca: np.ndarray, cb: np.ndarray, groups: int,
                       codes: int) -> np.ndarray:
    """Per group (document): the sum over codes of a's count x b's count (kappa's p_e
    numerator), for items `group` coded `ca` by one side and `cb` by the other."""
    ka, kb = group * codes + ca, group * codes + cb
    if groups * codes <= max(4 * len(group), 1 << 20):  # dense: one count per cell
        prod = np.bincount(ka, minlength=groups * codes) * np.bincount(kb, minlength=groups * codes)
        return prod.reshape(groups, codes).sum(axis=1)
    ua, na = counts_by_key(ka)
    ub, nb = counts_by_key(kb)
    common, ia, ib = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    out = np.zeros(groups, dtype=np.int64)
    np.add.at(out, common // codes, na[ia] * nb[ib])
    return out


def kappa(agreed: int, n: int, counts_a: np.ndarray, counts_b: np.ndarray) -> float | None:
    """Cohen's kappa from the codes' counts of each side (same length)."""
    return metrics.kappa_from_counts(int(agreed), int(n),
                                     int(np.dot(counts_a.astype(object), counts_b)))
