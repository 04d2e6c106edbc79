"""Agreement statistics against hand-computed and textbook values."""

import pytest

from models.review import metrics
from tests.review import plain_metrics as reference


def test_cohen_kappa_textbook_example():
    # Wikipedia "Cohen's kappa": 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15:
    # p_o = 0.7, p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, kappa = 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert reference.cohen_kappa(a, b) == pytest.approx(0.4)


def test_cohen_kappa_second_textbook_example():
    # Wikipedia's second example: 45/15/25/15 -> p_o 0.6, p_e 0.54, kappa 0.1304
    a = ["yes"] * 60 + ["no"] * 40
    b = ["yes"] * 45 + ["no"] * 15 + ["yes"] * 25 + ["no"] * 15
    assert reference.cohen_kappa(a, b) == pytest.approx(0.1304, abs=1e-4)


def test_kappa_perfect_and_degenerate():
    assert reference.cohen_kappa(list("ABAB"), list("ABAB")) == 1.0
    assert reference.cohen_kappa(["O"] * 5, ["O"] * 5) == 1.0  # p_e = 1, agree everywhere
    assert reference.cohen_kappa([], []) is None


def test_krippendorff_alpha_nominal_textbook():
    # Krippendorff (2011) "Computing Krippendorff's alpha-reliability", 4 coders x 12 units
    # with missing values; nominal alpha = 0.743
    n = None
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    units = [[row[u] for row in data if row[u] is not None] for u in range(12)]
    assert reference.krippendorff_alpha_nominal(units) == pytest.approx(0.743, abs=5e-4)


def test_alpha_equals_hand_computation_for_two_coders():
    # 2 coders, 4 units: (a,a) (a,b) (b,b) (b,b). Coincidences: o_aa=2, o_ab=o_ba=1, o_bb=4
    # n_a=3, n_b=5, n=8: alpha = 1 - (n-1) * 2 / (2 * 3 * 5) = 1 - 7*2/30 = 0.5333
    units = [["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]]
    assert reference.krippendorff_alpha_nominal(units) == pytest.approx(1 - 14 / 30)
    assert reference.krippendorff_alpha_nominal([["x", "x"], ["x", "x"]]) == 1.0
    assert reference.krippendorff_alpha_nominal([["x"], []]) is None


def test_f1_and_overlap_matching():
    a = [(0, 5, "PER"), (10, 20, "ORG")]
    b = [(0, 5, "PER"), (12, 20, "ORG"), (30, 35, "GPE")]
    assert metrics.exact_matches(a, b) == 1
    assert metrics.f1(1, 2, 3) == pytest.approx(0.4)
    assert metrics.overlap_matches(a, b) == 2
    # one-to-one: two short spans inside one long one match it once
    assert metrics.overlap_matches([(0, 10, "X")], [(0, 4, "X"), (5, 10, "X")]) == 1
    assert metrics.overlap_matches([(0, 10, "X")], [(0, 10, "Y")]) == 0
    assert metrics.f1(0, 0, 0) == 1.0


def test_token_labels_first_covering_span_wins():
    text = "Joe Biden met Mexican officials"
    toks = [(0, 3), (4, 9), (10, 13), (14, 21), (22, 31)]
    assert [text[s:e] for s, e in toks] == ["Joe", "Biden", "met", "Mexican", "officials"]
    cats = reference.token_labels(toks, [(14, 21, "NORP"), (0, 9, "PERSON"), (4, 9, "X"),
                                       (15, 17, "Y")])
    assert cats == ["PERSON", "PERSON", "O", "NORP", "O"]
