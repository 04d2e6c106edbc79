"""Relation arcs between spans on different lines: short connectors near the spans,
not lines running out to the window's edges (issue 18)."""

from __future__ import annotations

from PySide6.QtGui import QFontMetricsF

from models.schema import default_schema
from models.tokens import tokenize
from models.views import RelationView, SpanView
from tests.views.sample import layer

WORDS = " ".join(f"word{k:03d}" for k in range(400))


def _word_in_middle_of(pl, line) -> tuple[int, int]:
    """A word near the horizontal middle of a laid-out line, as absolute offsets."""
    mid_x = pl.width / 2
    best = None
    pos = line.start
    for w in pl.text[line.start - pl.start:line.end - pl.start].split(" "):
        if w:
            x = (pl.x_of(line, pos) + pl.x_of(line, pos + len(w))) / 2
            if best is None or abs(x - mid_x) < abs(best[0] - mid_x):
                best = (x, pos, pos + len(w))
        pos += len(w) + 1
    return best[1], best[2]


def test_an_arc_to_the_next_line_stays_near_its_spans(make_view):
    text = WORDS + "\n" + WORDS
    view = make_view(layer(text), width=900)
    pl = view.canvas.layout(0)
    assert len(pl.lines) >= 3
    head = _word_in_middle_of(pl, pl.lines[0])
    tail = _word_in_middle_of(pl, pl.lines[1])
    second = view.canvas.layout(1)  # the second paragraph
    other_para = _word_in_middle_of(second, second.lines[0])
    spans = [SpanView(1, *head, "PERSON"), SpanView(2, *tail, "ORG"),
             SpanView(3, *other_para, "GPE")]
    rels = [RelationView(1, 1, 2, "employed_by"), RelationView(2, 2, 3, "located_in")]
    lv = layer(text, spans, rels)
    view.set_document(lv, default_schema(), tokenize(text))
    canvas = view.canvas
    fm = QFontMetricsF(canvas.style_.arc_font)
    segs = []
    for i in range(len(canvas.paras)):
        pl = canvas.layout(i)
        for line in pl.lines:
            for seg in line.segs:
                segs.append((pl, seg))
    # employed_by: a piece on each line; located_in: a piece in each paragraph
    assert len(segs) == 4
    extent_of = {sp.id: canvas.span_rect(sp.id) for sp in spans}
    for pl, seg in segs:
        a, b = extent_of[seg.arc.head], extent_of[seg.arc.tail]
        if seg.arc.label == "located_in":  # other paragraph: only its own span is known here
            own = a if seg.from_tag is not None else b
            lo, hi = own.left(), own.right()
        else:
            lo, hi = min(a.left(), b.left()), max(a.right(), b.right())
        margin = fm.horizontalAdvance(seg.arc.label) + 40
        box = pl.seg_path(seg).boundingRect().united(pl.seg_label_rect(seg))
        assert lo - margin <= box.left() and box.right() <= hi + margin, (
            seg.arc.label, box, lo, hi)
        # and nowhere near the window's edges (the spans sit in the middle)
        assert box.left() > 100 and box.right() < pl.width - 100
    # the connector for the next line ends where the other one begins: each has one free end
    emp = [seg for _pl, seg in segs if seg.arc.label == "employed_by"]
    assert {(s.from_tag is None, s.to_tag is None) for s in emp} == {(False, True), (True, False)}


def test_a_connector_at_the_window_edge_turns_back_inside(make_view):
    text = WORDS + "\n" + WORDS
    view = make_view(layer(text), width=900)
    first, second = view.canvas.layout(0), view.canvas.layout(1)
    # the last word of the first paragraph's first line (at the right edge), and a word
    # of the next paragraph: the arc leaves to the right in reading order, but there is no
    # room there
    line = first.lines[0]
    words = first.text[line.start - first.start:line.end - first.start].rstrip().split(" ")
    end = line.start + len(" ".join(words))
    head = (end - len(words[-1]), end)
    tail = _word_in_middle_of(second, second.lines[0])
    lv = layer(text, [SpanView(1, *head, "PERSON"), SpanView(2, *tail, "GPE")],
               [RelationView(1, 1, 2, "located_in")])
    view.set_document(lv, default_schema(), tokenize(text))
    pl = view.canvas.layout(0)
    [seg] = [s for ln in pl.lines for s in ln.segs]
    box = pl.seg_path(seg).boundingRect().united(pl.seg_label_rect(seg))
    assert 0 <= box.left() and box.right() <= pl.width
    assert seg.x_to < seg.x_from  # it turned back
