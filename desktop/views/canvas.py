"""The scrolling surface: lays out only the paragraphs it shows and paints only those.

Paragraph heights start as estimates; a paragraph gets its exact height when it is laid out
(when shown, or by an idle pass in the background). Scrolling keeps the paragraph at the top
of the viewport in place while estimates above it turn exact.
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import OrderedDict
from itertools import accumulate
from math import ceil

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QAbstractScrollArea, QFrame

from desktop.views.annotations import (
    AnnotationIndex, build_index, split_paragraphs, update_index)
from desktop.views.paragraph import (
    LINE_OVERHANG, PAINT_SLACK, ParagraphLayout, Style, changed_lines, line_looks, make_look)
from desktop.views.theme import DARK, LIGHT, Theme, text_on
from models.schema import Schema
from models.views import LayerView

CACHE_SIZE = 400  # laid-out paragraphs kept; the rest keep only their height
IDLE_SLICE = 0.008  # seconds of background layout per timer tick


class PaintContext:
    def __init__(self, canvas: DocumentCanvas) -> None:
        self.theme: Theme = canvas.theme
        self.spans = canvas.index.spans
        self.selection = canvas.painted_selection()
        self.selected = canvas.selected_span_id
        self._canvas = canvas

    def color(self, label: str) -> QColor:
        return self._canvas.label_color(label)

    def text_on(self, color: QColor) -> QColor:
        return self._canvas.contrast(color)

    def arc_color(self, hex_color: str) -> QColor:
        return self._canvas.event_arc_color(hex_color)

    def look(self, label: str, suggested: bool) -> tuple:
        return self._canvas.label_look(label, suggested)


class DocumentCanvas(QAbstractScrollArea):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        self.viewport().setMouseTracking(True)
        self.theme: Theme = LIGHT
        self.schema = Schema()
        self.text = ""
        self.paras: list[tuple[int, int]] = [(0, 0)]
        self.para_starts = [0]
        self.index: AnnotationIndex = build_index(
            LayerView(0, 0, "", "", None, "", "", 0), self.schema, self.paras)
        self.style_ = Style(self.font())
        self.selected_span_id: int | None = None
        self._layouts: OrderedDict[int, ParagraphLayout] = OrderedDict()
        self._heights: list[float] = [0.0]
        self._exact: list[bool] = [False]
        self._tops: list[float] = [0.0]
        self._tops_dirty = True
        self._width = 0.0
        self._colors: dict[str, QColor] = {}
        self._contrast: dict[int, QColor] = {}
        self._event_colors: dict[str, QColor] = {}
        self._looks: dict[tuple[str, bool], tuple] = {}
        self._idle = QTimer(self)
        self._idle.setInterval(0)
        self._idle.timeout.connect(self._idle_step)
        self._idle_next = 0
        self.paint_ms: float = 0.0  # how long the last paint took (for benchmarks)
        self.paints = 0  # paints so far (benchmarks check an edit was painted)
        # After a paint, lay out a page above and below while the user reads, so the next
        # scroll only paints.
        self._prefetch = QTimer(self)
        self._prefetch.setSingleShot(True)
        self._prefetch.setInterval(30)
        self._prefetch.timeout.connect(self._prefetch_pages)

    # ---- content ------------------------------------------------------------------------------
    def set_content(self, view: LayerView, schema: Schema) -> None:
        self.schema = schema
        self.text = view.text
        self.paras = split_paragraphs(view.text)
        self.para_starts = [p[0] for p in self.paras]
        self.index = build_index(view, schema, self.paras)
        self._colors.clear()
        self._event_colors.clear()
        self._looks.clear()
        self._reset_geometry()
        self._set_scroll(0, 0.0)
        self.viewport().update()

    def update_content(self, view: LayerView) -> None:
        """New labels on the same text: redo only the paragraphs whose labels changed, and
        repaint only what moved or changed on screen (one paragraph, usually)."""
        old = self.index.signatures
        before = self._visible_geometry()
        old_spans = self.index.spans
        self.index = update_index(self.index, view, self.schema, self.paras)
        anchor = self._anchor()
        changed = [i for i, (a, b) in enumerate(zip(old, self.index.signatures)) if a != b]
        redone: dict[int, list] = {}  # paragraph -> its old lines' looks, when on screen
        for i in changed:
            old_pl = self._layouts.pop(i, None)
            self._exact[i] = False
            if old_pl is not None:  # on screen or near it: its exact height now, so nothing jumps
                if i in before:
                    redone[i] = line_looks(old_pl, old_spans)
                self._layouts[i] = self._build(i, replacing=old_pl)
            else:
                self._heights[i] = self._estimate(i)
                self._tops_dirty = True
        if self._tops_dirty:
            self._restore(anchor)
            self._start_idle()
        self._ensure_laid_out()
        after = self._visible_geometry()
        rows, rects = [], []
        for i in changed:
            if i in redone and before[i][0] == after.get(i, (None,))[0]:
                # the paragraph stayed where it was: only its lines that look different,
                # across what changed on them
                top = after[i][0]
                for a, b, left, right in changed_lines(
                        redone[i], line_looks(self._layouts[i], self.index.spans)):
                    if left == float("-inf"):
                        rows.append((top + a, top + b))
                    else:
                        rects.append((top + a, top + b, left, right))
            else:
                rows += [before[i]] if i in before else []
                rows += [after[i]] if i in after else []
        rows += [g for i in set(before) | set(after) if before.get(i) != after.get(i)
                 and i not in redone for g in (before.get(i), after.get(i)) if g]
        self._update_rows(rows)
        self._update_rects(rects)

    # ---- partial repaints ---------------------------------------------------------------------
    def _visible_geometry(self) -> dict[int, tuple[float, float]]:
        """Paragraph -> (top, bottom) in viewport coordinates, for those on screen."""
        y = self.scroll_y()
        bottom = y + self.viewport().height()
        tops = self.tops()
        out = {}
        i = self.para_at_y(y)
        while i < len(self.paras) and tops[i] < bottom:
            out[i] = (tops[i] - y, tops[i + 1] - y)
            i += 1
        return out

    def _update_rows(self, rows: list[tuple[float, float]]) -> None:
        """Repaint the full-width band covering these (top, bottom) viewport rows."""
        if not rows:
            return
        top = max(0, int(min(r[0] for r in rows)) - 3)
        bottom = min(self.viewport().height(), ceil(max(r[1] for r in rows)) + 3)
        if bottom > top:
            self.viewport().update(0, top, self.viewport().width(), bottom - top)

    def update_paras(self, indices) -> None:
        """Repaint these paragraphs where they are on screen."""
        geo = self._visible_geometry()
        self._update_rows([geo[i] for i in set(indices) if i in geo])

    def update_text(self, *positions: int | None) -> None:
        """Repaint the text from the first to the last of these text positions (the lines
        between them, within one laid-out paragraph; else the paragraphs)."""
        pos = [p for p in positions if p is not None]
        if pos:
            a, b = self.para_of_pos(min(pos)), self.para_of_pos(max(pos))
            if a != b or not self._update_lines(a, min(pos), max(pos)):
                self.update_paras(range(a, b + 1))

    def update_span(self, span_id: int | None) -> None:
        """Repaint a span's text and tag (its outline when selected): on each of its lines
        only across the span and its tag, when its paragraph is laid out (a selection moving
        from one label to the next repainted two lines of labels whole, in every pane)."""
        span = self.index.spans.get(span_id) if span_id is not None else None
        if span is None:
            return
        last = max(span.start, span.end - 1)
        a, b = self.para_of_pos(span.start), self.para_of_pos(last)
        tag = self.index.tag_para.get(span_id, a)
        if a != b or tag != a:
            self.update_paras({*range(a, b + 1), tag})
            return
        pl = self._layouts.get(a)
        if pl is None:
            self.update_paras([a])
            return
        geo = self._visible_geometry()
        if a in geo:
            top = geo[a][0]
            self._update_rects([(top + ln.top, top + ln.bottom + LINE_OVERHANG, x0, x1)
                                for ln, x0, x1 in pl.span_extents(span_id)])

    def update_caret(self, pos: int | None) -> None:
        """Repaint the caret at pos (a sliver of its line; nothing when pos is None)."""
        if pos is None:
            return
        i = self.para_of_pos(pos)
        pl = self._layouts.get(i)
        if pl is None:
            self.update_paras([i])
            return
        geo = self._visible_geometry()
        if i in geo:
            line = pl.line_of_pos(pos)
            x = pl.caret_rect(pos).x()
            top = geo[i][0]
            self._update_rects([(top + line.top, top + line.bottom + LINE_OVERHANG, x, x + 1.5)])

    def _update_rects(self, rects: list[tuple[float, float, float, float]]) -> None:
        """Repaint these (top, bottom, left, right) viewport rectangles, each widened by
        what paints past a label's box (outline, handles, antialiasing): PAINT_SLACK."""
        vp = self.viewport()
        for top, bottom, left, right in rects:
            x0 = max(0, int(left - PAINT_SLACK))
            x1 = min(vp.width(), ceil(right + PAINT_SLACK))
            y0 = max(0, int(top) - 3)
            y1 = min(vp.height(), ceil(bottom) + 3)
            if x1 > x0 and y1 > y0:
                vp.update(x0, y0, x1 - x0, y1 - y0)

    def _update_lines(self, i: int, start: int, end: int) -> bool:
        """Repaint the lines of paragraph i from the one holding `start` to the one holding
        `end`, with its tags (in a line's band) and a selected span's handles (below it).
        False when the paragraph is not laid out: the caller repaints all of it. A document
        of one long paragraph would otherwise repaint the whole view for one tag."""
        pl = self._layouts.get(i)
        if pl is None:
            return False
        geo = self._visible_geometry()
        if i in geo:
            top = geo[i][0]
            self._update_rows([(top + pl.line_of_pos(start).top,
                                top + pl.line_of_pos(end).bottom + LINE_OVERHANG)])
        return True

    def _reset_geometry(self) -> None:
        self._layouts.clear()
        self._width = float(self.viewport().width())
        self._heights = [self._estimate(i) for i in range(len(self.paras))]
        self._exact = [False] * len(self.paras)
        self._tops_dirty = True
        self._start_idle()

    def _estimate(self, i: int) -> float:
        st = self.style_
        s, e = self.paras[i]
        avail = max(40.0, self._width - 2 * st.margin)
        lines = max(1, ceil((e - s) * st.avg_char * 1.05 / avail))
        labelled = min(lines, len(self.index.pieces[i]))
        arcs = min(lines, len(self.index.arcs_of_para[i]))
        return (lines * (st.line_h + st.line_pad + 2) + labelled * st.tag_h + arcs * st.arc_step
                + st.para_gap)

    # ---- layout cache ---------------------------------------------------------------------------
    def layout(self, i: int) -> ParagraphLayout:
        pl = self._layouts.get(i)
        if pl is not None:
            self._layouts.move_to_end(i)
            return pl
        anchor = self._anchor()
        pl = self._build(i)
        if self._tops_dirty:
            self._restore(anchor)  # an exact height replaced an estimate: keep the view still
        self._layouts[i] = pl
        if len(self._layouts) > CACHE_SIZE:
            self._layouts.popitem(last=False)
        return pl

    def _build(self, i: int, replacing: ParagraphLayout | None = None) -> ParagraphLayout:
        s, e = self.paras[i]
        idx = self.index
        pl = ParagraphLayout(s, self.text[s:e], idx.pieces[i], [idx.arcs[a] for a in
                             idx.arcs_of_para[i]], idx.tag_para, i, self._width, self.style_,
                             replacing)
        if not self._exact[i] or self._heights[i] != pl.height:
            self._exact[i] = True
            if self._heights[i] != pl.height:
                self._heights[i] = pl.height
                self._tops_dirty = True
        return pl

    def tops(self) -> list[float]:
        if self._tops_dirty:
            self._tops = [0.0, *accumulate(self._heights)]
            self._tops_dirty = False
        return self._tops

    def para_at_y(self, y: float) -> int:
        tops = self.tops()
        return min(len(self.paras) - 1, max(0, bisect_right(tops, y) - 1))

    def para_of_pos(self, pos: int) -> int:
        return max(0, bisect_right(self.para_starts, pos) - 1)

    # ---- scrolling ------------------------------------------------------------------------------
    def scroll_y(self) -> float:
        return float(self.verticalScrollBar().value())

    def _anchor(self) -> tuple[int, float]:
        y = self.scroll_y()
        i = self.para_at_y(y)
        return i, y - self.tops()[i]

    def _set_scroll(self, i: int, off: float) -> None:
        tops = self.tops()
        total = tops[-1]
        sb = self.verticalScrollBar()
        vh = self.viewport().height()
        top, page, step = max(0, ceil(total - vh)), max(1, vh), max(1, round(self.style_.line_h * 2))
        value = min(top, max(0, round(tops[i] + off)))
        # every setter repaints the scroll bar (milliseconds): only what really changed
        if (sb.minimum(), sb.maximum(), sb.pageStep(), sb.singleStep(), sb.value()) == \
                (0, top, page, step, value):
            return
        sb.blockSignals(True)
        if (sb.minimum(), sb.maximum()) != (0, top):
            sb.setRange(0, top)
        if sb.pageStep() != page:
            sb.setPageStep(page)
        if sb.singleStep() != step:
            sb.setSingleStep(step)
        sb.setValue(value)
        sb.blockSignals(False)

    def _restore(self, anchor: tuple[int, float]) -> None:
        i, off = anchor
        self._set_scroll(i, min(off, self._heights[i]))

    def _ensure_laid_out(self) -> None:
        """Lay out every paragraph the viewport shows (each keeps the view still)."""
        while True:
            y = self.scroll_y()
            bottom = y + self.viewport().height()
            i = self.para_at_y(y)
            missing = None
            while i < len(self.paras) and self.tops()[i] < bottom:
                if i not in self._layouts:
                    missing = i
                    break
                i += 1
            if missing is None:
                return
            self.layout(missing)

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        # move what is painted and repaint the strip that came into view (pending repaints
        # move along): a review decision that scrolls three panes repainted them whole
        self.viewport().scroll(dx, dy)

    def scroll_to(self, y: float) -> None:
        self.verticalScrollBar().setValue(round(y))

    def ensure_visible(self, pos: int, rect: QRectF | None = None, center: bool = False) -> None:
        """Scroll so that the text at pos (or rect, paragraph coordinates) is on screen."""
        y0, tops0 = self.scroll_y(), self.tops()
        i = self.para_of_pos(pos)
        pl = self.layout(i)
        if rect is None:
            line = pl.line_of_pos(pos)
            rect = QRectF(0, line.top, 1, line.bottom - line.top)
        self._set_scroll(*self._anchor())
        top = self.tops()[i] + rect.top()
        bottom = self.tops()[i] + rect.bottom()
        y = self.scroll_y()
        vh = self.viewport().height()
        moved = y != y0 or self.tops() is not tops0  # laid out anew: the text may have moved
        if center or top < y or bottom > y + vh:
            target = top - vh / 3 if center or top < y or bottom - top > vh else bottom - vh * 2 / 3
            self.scroll_to(max(0.0, target))  # scrolled by scrollContentsBy
        y1 = self.scroll_y()
        self._ensure_laid_out()
        if moved or self.scroll_y() != y1 or self.tops() is not tops0:
            self.viewport().update()  # all of it; else the callers say what changed

    def visible_range(self) -> tuple[int, int]:
        self._ensure_laid_out()
        y = self.scroll_y()
        vh = self.viewport().height()
        first = self.para_at_y(y)
        last = self.para_at_y(y + vh)
        tops = self.tops()
        pl = self.layout(first)
        start = pl.line_at(y - tops[first]).start
        pl = self.layout(last)
        end = pl.line_at(y + vh - tops[last]).end
        return start, min(end, len(self.text))

    # ---- background layout ---------------------------------------------------------------------
    def _start_idle(self) -> None:
        self._idle_next = 0
        if not self._idle.isActive():
            self._idle.start()

    def _idle_step(self) -> None:
        deadline = time.perf_counter() + IDLE_SLICE
        anchor = self._anchor()
        before = self._visible_geometry()
        n = len(self.paras)
        while self._idle_next < n and time.perf_counter() < deadline:
            i = self._idle_next
            self._idle_next += 1
            if not self._exact[i]:
                self._build(i)  # exact height only; not cached
        if self._tops_dirty:
            self._restore(anchor)
            after = self._visible_geometry()
            if after != before:  # rounding the scroll position moved the text a little
                self._update_rows(list(before.values()) + list(after.values()))
        if self._idle_next >= n:
            self._idle.stop()

    def idle_done(self) -> bool:
        return not self._idle.isActive()

    # ---- look --------------------------------------------------------------------------------
    def set_theme(self, dark: bool) -> None:
        self.theme = DARK if dark else LIGHT
        self._event_colors.clear()
        self._looks.clear()
        self.viewport().update()

    def label_color(self, label: str) -> QColor:
        c = self._colors.get(label)
        if c is None:
            c = self._colors[label] = QColor(self.schema.color_of(label))
        return c

    def label_look(self, label: str, suggested: bool) -> tuple:
        """What a label of `label` paints with, made once per theme and schema: (its text's
        fill, its bracket's pen, its tag's brush, the tag's outline pen, the tag's text
        colour), as ParagraphLayout.paint used to make them for every label painted."""
        key = (label, suggested)
        look = self._looks.get(key)
        if look is None:
            look = self._looks[key] = make_look(self.label_color(label), suggested,
                                                self.theme, self.contrast)
        return look

    def contrast(self, color: QColor) -> QColor:
        key = color.rgba()
        c = self._contrast.get(key)
        if c is None:
            c = self._contrast[key] = text_on(color)
        return c

    def event_arc_color(self, hex_color: str) -> QColor:
        c = self._event_colors.get(hex_color)
        if c is None:
            base = QColor(hex_color)
            c = base.lighter(125) if self.theme.dark else base.darker(150)
            self._event_colors[hex_color] = c
        return c

    def painted_selection(self) -> tuple[int, int] | None:
        return None

    def caret_pos(self) -> int | None:
        return None

    # ---- events ---------------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        w = float(self.viewport().width())
        anchor = self._anchor()
        if abs(w - self._width) >= 1:
            self._reset_geometry()
        self._restore(anchor)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            anchor = self._anchor()
            self.style_ = Style(self.font())
            self._reset_geometry()
            self._restore(anchor)

    def paintEvent(self, event) -> None:
        t0 = time.perf_counter()
        before = (self.scroll_y(), self.tops())
        self._ensure_laid_out()
        if before != (self.scroll_y(), self.tops()) and \
                event.rect() != self.viewport().rect():
            self.viewport().update()  # laying out moved text outside this partial paint
        p = QPainter(self.viewport())
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        ctx = PaintContext(self)
        caret = self.caret_pos() if self.hasFocus() else None
        # each band of the region on its own: a selection moving from one line to another
        # far below repaints those two lines, not all between them
        for band in event.region():
            p.save()
            p.setClipRect(band)
            self._paint_band(p, ctx, QRectF(band), caret)
            p.restore()
        self.paint_extra(p, self.scroll_y())
        p.end()
        self.paint_ms = (time.perf_counter() - t0) * 1000
        self.paints += 1
        self._prefetch.start()

    def _paint_band(self, p: QPainter, ctx: PaintContext, clip: QRectF,
                    caret: int | None) -> None:
        p.fillRect(clip, self.theme.background)
        y = self.scroll_y()
        tops = self.tops()
        i = self.para_at_y(y + clip.top())
        bottom = y + clip.bottom()
        while i < len(self.paras) and tops[i] <= bottom:
            pl = self.layout(i)
            oy = tops[i] - y
            p.save()
            p.translate(0, oy)
            pl.paint(p, ctx, clip.top() - oy, clip.bottom() - oy, clip.left(), clip.right())
            if caret is not None and self.paras[i][0] <= caret <= self.paras[i][1]:
                r = pl.caret_rect(caret)
                p.fillRect(QRectF(r.x(), r.y(), 1.5, r.height()), self.theme.caret)
            p.restore()
            i += 1

    def _prefetch_pages(self) -> None:
        y = self.scroll_y()
        vh = self.viewport().height()
        deadline = time.perf_counter() + 0.012
        first, last = self.para_at_y(max(0.0, y - vh)), self.para_at_y(y + 2 * vh)
        for i in range(first, last + 1):
            if i not in self._layouts:
                self.layout(i)
                if time.perf_counter() > deadline:
                    self._prefetch.start()  # the rest on the next tick
                    return

    def paint_extra(self, p: QPainter, scroll_y: float) -> None:
        """Drawn over the text: drag feedback (subclasses)."""

    # ---- hit testing (viewport coordinates) ----------------------------------------------------
    def locate(self, pt: QPointF) -> tuple[int, ParagraphLayout, float, float]:
        y = self.scroll_y() + pt.y()
        i = self.para_at_y(y)
        pl = self.layout(i)
        return i, pl, pt.x(), y - self.tops()[i]

    def pos_at(self, pt: QPointF) -> int:
        _, pl, x, y = self.locate(pt)
        return min(len(self.text), pl.pos_at(x, y))

    def to_viewport(self, para: int, rect: QRectF) -> QRectF:
        return rect.translated(0, self.tops()[para] - self.scroll_y())

    def span_rect(self, span_id: int) -> QRectF | None:
        span = self.index.spans.get(span_id)
        if span is None:
            return None
        i = self.index.tag_para[span_id]
        r = self.layout(i).span_rect(span_id)
        return self.to_viewport(i, r) if r is not None else None

    def tag_rect(self, span_id: int) -> QRectF | None:
        if span_id not in self.index.spans:
            return None
        i = self.index.tag_para[span_id]
        r = self.layout(i).tag_rect(span_id)
        return self.to_viewport(i, r) if r is not None else None

    def point_of(self, pos: int) -> QPointF:
        """The viewport point at the left edge of the character at pos, mid-line."""
        i = self.para_of_pos(pos)
        pl = self.layout(i)
        r = pl.caret_rect(pos)
        return QPointF(r.x(), r.center().y() + self.tops()[i] - self.scroll_y())
