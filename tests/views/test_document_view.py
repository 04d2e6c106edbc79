"""The document view driven by mouse and keys as an annotator would."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QFontMetricsF, QKeySequence
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.views.document_view import DocumentView
from models.schema import default_schema
from models.views import SpanView
from tests.views.sample import find, layer, seed_layer


def vp(view):
    return view.canvas.viewport()


def at(view, pos: int, dx: float = 0.0) -> QPoint:
    p = view.canvas.point_of(pos)
    return QPoint(round(p.x() + dx), round(p.y()))


def mid(view, pos_a: int, pos_b: int) -> QPoint:
    a, b = view.canvas.point_of(pos_a), view.canvas.point_of(pos_b)
    return QPoint(round((a.x() + b.x()) / 2), round(a.y()))


def drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 5):
        qtbot.mouseMove(widget, start + (end - start) * k / 4)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def test_markup_is_shown_literally(make_view):
    text = 'Say <b>x</b> and <img src="http://example.com/a.png"> here &amp; there'
    view = make_view(layer(text))
    canvas = view.canvas
    pl = canvas.layout(0)
    assert canvas.text == text
    assert [pl.text[ln.start:ln.end] for ln in pl.lines] == [text]
    # drawn as those characters: as wide as the literal string in the view's font
    width = pl.qlines[0].naturalTextWidth()
    assert abs(width - QFontMetricsF(canvas.font()).horizontalAdvance(text)) < 2
    assert view.visible_range() == (0, len(text))


def test_mouse_selection_snaps_to_tokens_on_release(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    hs, _he = find(lv.text, "Honduras")
    ws, we = find(lv.text, "walk")
    with qtbot.waitSignal(view.selectionChanged) as sig:
        drag(qtbot, vp(view), mid(view, hs + 2, hs + 3), mid(view, ws + 1, ws + 2))
    assert view.selection() == (hs, we)
    assert sig.args == [hs, we]


def test_mouse_selection_has_character_precision_without_snapping(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    view.set_snap_to_tokens(False)
    hs, _ = find(lv.text, "Honduras")
    ws, _ = find(lv.text, "walk")
    drag(qtbot, vp(view), at(view, hs + 2), at(view, ws + 2))
    assert view.selection() == (hs + 2, ws + 2)


def test_shift_right_extends_by_tokens(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    s, _ = find(lv.text, "Tenosique, Tabasco state")
    qtbot.mouseClick(vp(view), Qt.MouseButton.LeftButton, pos=at(view, s + 3))
    seen = []
    view.selectionChanged.connect(lambda a, b: seen.append((a, b)))
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (s, s + len("Tenosique"))
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (s, s + len("Tenosique, Tabasco"))
    assert seen[-1] == (s, s + len("Tenosique, Tabasco"))
    qtbot.keyClick(view.canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (s, s + len("Tenosique,"))
    qtbot.keyClick(view.canvas, Qt.Key.Key_Escape)
    assert view.selection() is None
    assert seen[-1] == (-1, -1)


def test_shift_right_is_by_character_without_snapping(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    view.set_snap_to_tokens(False)
    s, _ = find(lv.text, "Tenosique")
    qtbot.mouseClick(vp(view), Qt.MouseButton.LeftButton, pos=at(view, s + 3))
    for _ in range(2):
        qtbot.keyClick(view.canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (s + 3, s + 5)
    mods = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right, mods)
    assert view.selection() == (s + 3, s + len("Tenosique"))


def test_clicking_a_span_or_its_tag_activates_it(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    biden = next(sp for sp in lv.spans if lv.text[sp.start:sp.end] == "Joe Biden")
    with qtbot.waitSignal(view.spanActivated) as sig:
        qtbot.mouseClick(vp(view), Qt.MouseButton.LeftButton, pos=mid(view, biden.start,
                                                                       biden.end))
    assert sig.args == [biden.id] and view.selected_span() == biden.id
    # nested: a click inside "March 8" picks the inner DATE; the outer one by its tag
    inner = next(sp for sp in lv.spans if lv.text[sp.start:sp.end] == "March 8")
    outer = next(sp for sp in lv.spans if lv.text[sp.start:sp.end].startswith("Monday"))
    with qtbot.waitSignal(view.spanActivated) as sig:
        qtbot.mouseClick(vp(view), Qt.MouseButton.LeftButton,
                         pos=mid(view, inner.start, inner.end))
    assert sig.args == [inner.id]
    tag = view.canvas.tag_rect(outer.id).center().toPoint()
    with qtbot.waitSignal(view.spanActivated) as sig:
        qtbot.mouseClick(vp(view), Qt.MouseButton.LeftButton, pos=tag)
    assert sig.args == [outer.id]
    # plain text: no span
    s, e = find(lv.text, "railway")
    with qtbot.waitSignal(view.spanActivated) as sig:
        qtbot.mouseClick(vp(view), Qt.MouseButton.LeftButton, pos=mid(view, s, e))
    assert sig.args == [-1] and view.selected_span() is None


def test_dragging_a_tag_onto_a_span_asks_for_a_relation(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    biden = next(sp for sp in lv.spans if lv.text[sp.start:sp.end] == "Joe Biden")
    rosso = next(sp for sp in lv.spans if lv.text[sp.start:sp.end] == "Nicolo Filippo Rosso")
    start = view.canvas.tag_rect(biden.id).center().toPoint()
    with qtbot.waitSignal(view.relationDragged) as sig:
        drag(qtbot, vp(view), start, mid(view, rosso.start, rosso.end))
    assert sig.args == [biden.id, rosso.id]
    assert view.selection() is None  # a relation drag is not a text selection


def test_dragging_the_edge_of_the_selected_span_resizes_it(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    rosso = next(sp for sp in lv.spans if lv.text[sp.start:sp.end] == "Nicolo Filippo Rosso")
    view.select_span(rosso.id)
    s, _e = find(lv.text, "Filippo")
    edge = at(view, rosso.start)
    with qtbot.waitSignal(view.resizeRequested) as sig:
        drag(qtbot, vp(view), edge, mid(view, s + 1, s + 2))
    assert sig.args == [rosso.id, s, rosso.end]  # snapped to the start of "Filippo"


def test_select_span_scrolls_it_into_view(make_view, qtbot):
    paras = [f"Paragraph {i} says little of note here." for i in range(400)]
    text = "\n".join(paras)
    s, e = find(text, "Paragraph 350")
    view = make_view(layer(text, [SpanView(9, s, e, "EVENT")]), height=400)
    first = view.visible_range()
    assert first[1] < s
    view.select_span(9)
    lo, hi = view.visible_range()
    assert lo <= s and e <= hi
    assert view.selected_span() == 9
    view.select_span(None)
    assert view.selected_span() is None


def test_find_selects_the_next_occurrence(make_view):
    lv = seed_layer()
    view = make_view(lv, height=300)
    first = lv.text.lower().index("official")
    second = lv.text.lower().index("official", first + 1)
    assert view.find("Official")
    assert view.selection() == (first, first + 8)
    assert view.find("official")
    assert view.selection() == (second, second + 8)
    assert view.find("official", forward=False)
    assert view.selection() == (first, first + 8)
    last = lv.text.lower().rindex("official")
    assert view.find("official", forward=False)  # wraps to the end
    assert view.selection() == (last, last + 8)
    lo, hi = view.visible_range()
    assert lo <= last < hi
    assert not view.find("no such words")


def test_visible_range_moves_when_scrolling(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv, height=250)
    before = view.visible_range()
    assert before[0] == 0
    view.setFocus()
    qtbot.keyClick(view.canvas, Qt.Key.Key_PageDown)
    after = view.visible_range()
    assert after[0] > before[0] and after[1] > before[1]


def test_apply_keeps_scroll_and_selection(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv, height=250)
    view.set_selection(*find(lv.text, "railway"))
    sel = view.selection()
    view.canvas.scroll_to(300)
    top = view.visible_range()
    assert top[0] > 0
    lv.spans.append(SpanView(99, *find(lv.text, "spring caravans"), "EVENT"))
    view.apply(lv)
    assert view.visible_range()[0] == top[0]
    assert view.selection() == sel
    assert view.canvas.tag_rect(99) is not None


def test_other_keys_reach_the_main_window_actions(make_view, qtbot):
    lv = seed_layer()
    host = QWidget()
    qtbot.addWidget(host)
    view = DocumentView()
    QVBoxLayout(host).addWidget(view)
    view.set_document(lv, default_schema())
    fired = []
    for key in ("1", "Delete", "R"):
        action = QAction(key, host)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False, k=key: fired.append(k))
        host.addAction(action)
    host.resize(800, 600)
    host.show()
    host.activateWindow()
    qtbot.waitActive(host)
    view.setFocus()
    qtbot.waitUntil(view.canvas.hasFocus)
    view.set_selection(*find(lv.text, "railway"))
    for key in (Qt.Key.Key_1, Qt.Key.Key_Delete, Qt.Key.Key_R):
        qtbot.keyClick(view.canvas, key)
    assert fired == ["1", "Delete", "R"]
    assert view.selection() == find(lv.text, "railway")  # still there for the action


def test_layout_keeps_arcs_above_tags_and_tags_apart(make_view):
    lv = seed_layer()
    view = make_view(lv)
    canvas = view.canvas
    arcs = rows = 0
    for i in range(len(canvas.paras)):
        for line in canvas.layout(i).lines:
            tag_top = min((t.rect.top() for t in line.tags), default=line.text_y)
            for seg in line.segs:
                arcs += 1
                assert seg.y + canvas.style_.afm.height() / 2 <= tag_top + 0.5
            for a in line.tags:
                assert a.rect.bottom() < line.text_y
                for b in line.tags:
                    if a is not b:
                        assert not a.rect.intersects(b.rect), (a.label, b.label)
            rows = max(rows, line.rows)
    assert arcs >= 3 + 2  # three relations, two event arguments
    # nested DATE spans sit on different rows
    inner = next(sp for sp in lv.spans if lv.text[sp.start:sp.end] == "March 8")
    outer = next(sp for sp in lv.spans if lv.text[sp.start:sp.end].startswith("Monday"))
    assert canvas.tag_rect(outer.id).bottom() < canvas.tag_rect(inner.id).top()


def test_tooltip_tells_who_suggested_a_span(make_view):
    lv = seed_layer()
    view = make_view(lv)
    sug = next(sp for sp in lv.spans if sp.state == "suggested")
    text = view.canvas.describe(sug)
    assert text.startswith("GPE · suggested · model") and "Mexico City" in text
    assert view.canvas.span_under(QPointF(view.canvas.tag_rect(sug.id).center())) == sug.id


def test_the_resize_handle_is_drawn_and_catches_beyond_5_px(make_view, qtbot):
    lv = seed_layer()
    view = make_view(lv)
    rosso = next(sp for sp in lv.spans if lv.text[sp.start:sp.end] == "Nicolo Filippo Rosso")
    view.select_span(rosso.id)
    s, _e = find(lv.text, "Filippo")
    edge = at(view, rosso.start)
    # the knob under the start edge is painted in the focus colour
    canvas = view.canvas
    line_rect = canvas.span_rect(rosso.id)
    knob = QPoint(edge.x(), round(line_rect.top() + line_rect.height() + 3))
    image = vp(view).grab().toImage()
    ratio = image.devicePixelRatio()
    got = image.pixelColor(round(knob.x() * ratio), round(knob.y() * ratio))
    assert got.name() == canvas.theme.focus.name()
    # a press 7 px left of the edge (the knob's side) still takes the edge
    with qtbot.waitSignal(view.resizeRequested) as sig:
        drag(qtbot, vp(view), knob - QPoint(7, 0), mid(view, s + 1, s + 2))
    assert sig.args == [rosso.id, s, rosso.end]


def _on_screen(view):
    """The viewport as the window's backing store holds it (what partial repaints left)."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    v = vp(view)
    shot = QApplication.primaryScreen().grabWindow(view.winId()).toImage()
    return shot.copy(QRect(v.mapTo(view, v.rect().topLeft()), v.size()))


@contextmanager
def paint_regions(canvas):
    """The bounding rectangles of the canvas's paint events while inside: what it
    repainted."""
    painted = []
    paint = type(canvas).paintEvent

    def spy(self, event):
        painted.append(event.region().boundingRect())
        paint(self, event)

    type(canvas).paintEvent = spy
    try:
        yield painted
    finally:
        type(canvas).paintEvent = paint


def test_moving_the_selected_span_repaints_what_a_full_repaint_paints(make_view, qtbot):
    """Selecting a label repaints only across it and the label before (and the caret's
    sliver): outlines, handles and tags must still come and go whole, nested labels,
    arcs and suggestions included."""
    from PySide6.QtWidgets import QApplication

    lv = seed_layer()
    view = make_view(lv, width=700, height=500)
    view.canvas.setFocus()
    with paint_regions(view.canvas) as painted:
        for span in sorted(lv.spans, key=lambda s: s.start):
            for _ in range(3):  # the idle layout and the prefetch run on timers
                QApplication.processEvents()
                qtbot.wait(20)
            painted.clear()
            view.select_span(span.id)
            QApplication.processEvents()
            assert _on_screen(view) == vp(view).grab().toImage(), span.label
            if painted and painted[0].height() < vp(view).height() // 2:
                assert painted[0].width() < vp(view).width()  # not whole lines
        view.select_span(None)
        QApplication.processEvents()
        assert _on_screen(view) == vp(view).grab().toImage()


def test_a_paragraph_laid_out_again_after_edits_is_laid_out_as_a_fresh_view_does(make_view):
    """After an edit a paragraph's layout takes over its old one's line breaks and text
    positions (ParagraphLayout `replacing`): every line, label and tag must be where a
    view that shows the result from the start puts them."""
    from dataclasses import replace

    from desktop.views.paragraph import line_looks

    lv = seed_layer()
    view = make_view(lv, width=640, height=900)
    spans = sorted(lv.spans, key=lambda s: s.start)
    s, e = find(lv.text, "Tenosique")
    steps = [
        replace(lv, spans=spans[1:]),  # one label fewer
        replace(lv, spans=spans[1:] + [SpanView(900, s, e, "LOC")]),  # a second one there
        replace(lv, spans=[replace(x, label="ORG") if x.label == "GPE" else x
                           for x in spans]),  # wider tags: rows and lines move
    ]
    for step in steps:
        view.apply(step)
        fresh = make_view(step, width=640, height=900)
        for i in range(len(view.canvas.paras)):
            ours, theirs = view.canvas.layout(i), fresh.canvas.layout(i)
            assert line_looks(ours, view.canvas.index.spans) == \
                line_looks(theirs, fresh.canvas.index.spans)
            assert [(t.span_id, t.rect) for ln in ours.lines for t in ln.tags] == \
                [(t.span_id, t.rect) for ln in theirs.lines for t in ln.tags]
        assert vp(view).grab().toImage() == vp(fresh).grab().toImage()


def test_an_edit_repaints_across_what_changed_and_leaves_what_a_full_repaint_paints(
        make_view, qtbot):
    """After an edit a line that kept its place is repainted only across the labels that
    came, went or changed on it (changed_lines): what is on screen must be a full
    repaint's, whether a label comes, goes, changes its look or pushes a tag a row up."""
    from dataclasses import replace

    from PySide6.QtWidgets import QApplication

    lv = seed_layer()
    view = make_view(lv, width=700, height=900)
    spans = list(lv.spans)
    s, e = find(lv.text, "Tenosique")
    first = min(spans, key=lambda x: x.start)
    steps = [
        spans + [SpanView(901, s, e, "LOC")],  # one more where one is: a second tag row
        spans,  # and gone again
        [replace(x, label="ORG") if x.id == first.id else x for x in spans],  # its look
        [x for x in spans if x.id != first.id],  # a label fewer
        [replace(x, state="suggested") if x.label == "GPE" else x for x in spans],
        [replace(x, label="WORK_OF_ART") if x.end - x.start < 5 else x
         for x in spans],  # a short label's tag wider than its text
        spans,
    ]
    narrow = []
    with paint_regions(view.canvas) as painted:
        for step in steps:
            for _ in range(3):  # the idle layout and the prefetch run on timers
                QApplication.processEvents()
                qtbot.wait(20)
            painted.clear()
            view.apply(replace(lv, spans=step))
            QApplication.processEvents()
            narrow.append(all(r.width() < vp(view).width() for r in painted))
            assert _on_screen(view) == vp(view).grab().toImage()
        assert narrow[:3] == [True] * 3  # a label came, went, changed: not whole lines
