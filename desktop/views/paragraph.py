"""Layout and painting of one paragraph: text lines with room above each for tags and arcs.

A visual line is drawn, top to bottom, as: the arc levels it needs, the rows of label tags
it needs, then the text. So arcs never cross text, and a line without labels stays compact.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTextLayout,
    QTextOption,
)

from desktop.views.annotations import Arc, Piece
from desktop.views.stacking import stack


TAG_SCALE = 0.86  # tag font / text font
TAG_CAP_PX = 8.0  # the least height of a tag's capital letters, in logical pixels


class Style:
    """Fonts and sizes, all derived from the widget font (logical pixels, so high-DPI safe)."""

    def __init__(self, font: QFont) -> None:
        self.font = QFont(font)
        self.tag_font = QFont(font)
        if font.pointSizeF() > 0:
            self.tag_font.setPointSizeF(font.pointSizeF() * TAG_SCALE)
        else:
            self.tag_font.setPixelSize(max(8, round(font.pixelSize() * TAG_SCALE)))
        self.tag_font.setWeight(QFont.Weight.DemiBold)
        # tags are capitals: at least TAG_CAP_PX tall, whatever the widget font (at 0.78 of
        # a 10 pt font they were about 7 px, hard to read)
        for _ in range(12):
            if QFontMetricsF(self.tag_font).capHeight() >= TAG_CAP_PX:
                break
            if self.tag_font.pointSizeF() > 0:
                self.tag_font.setPointSizeF(self.tag_font.pointSizeF() + 0.5)
            else:
                self.tag_font.setPixelSize(self.tag_font.pixelSize() + 1)
        self.arc_font = QFont(self.tag_font)
        self.arc_font.setWeight(QFont.Weight.Normal)
        self.arc_font.setItalic(True)
        self.fm = QFontMetricsF(self.font)
        self.tfm = QFontMetricsF(self.tag_font)
        self.afm = QFontMetricsF(self.arc_font)
        self.line_h = self.fm.height()
        self.tag_box_h = self.tfm.height() + 1
        self.tag_h = self.tag_box_h + 5  # a tag row: the tag, then its bracket
        self.arc_step = self.afm.height() + 2
        self.pad_x = max(2.0, self.tfm.averageCharWidth() * 0.5)
        self.margin = max(8.0, self.fm.averageCharWidth() * 1.5)
        self.line_pad = max(2.0, self.line_h * 0.15)
        self.para_gap = self.line_h * 0.3
        self.avg_char = self.fm.averageCharWidth()
        self._tag_w: dict[str, float] = {}
        self._arc_w: dict[str, float] = {}
        self.option = QTextOption()
        self.option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)

    def tag_width(self, label: str) -> float:
        w = self._tag_w.get(label)
        if w is None:
            w = self._tag_w[label] = self.tfm.horizontalAdvance(label) + 2 * self.pad_x
        return w

    def arc_width(self, label: str) -> float:
        w = self._arc_w.get(label)
        if w is None:
            w = self._arc_w[label] = self.afm.horizontalAdvance(label) + 2 * self.pad_x
        return w


@dataclass(eq=False)
class Frag:
    span_id: int
    start: int  # absolute offsets of the part on this line
    end: int
    x1: float
    x2: float


HANDLE_KNOB = 3.5  # radius of the resize handle's knob under a selected label's edge
# how far below its line's bottom a line paints (the knob): a repaint of a line band
# covers it, and a line is painted when a repaint starts this close under it
LINE_OVERHANG = 3 + HANDLE_KNOB + 2
# how far left or right of a label's box (its text's extent, its tag) it paints: the
# selected outline (2 px pen, 1 px out), a handle's knob, antialiasing. A repaint of a label
# covers it, and painting skips the labels further than this outside the repainted area
PAINT_SLACK = 2 + HANDLE_KNOB + 2


@dataclass(eq=False)
class Tag:
    span_id: int
    label: str
    suggested: bool
    x1: float  # the span's extent on this line (the bracket)
    x2: float
    x: float  # the tag box
    w: float
    row: int = 0
    rect: QRectF = field(default_factory=QRectF)
    legs: list = field(default_factory=list)  # (seg, end) of arcs attached here
    bracket: tuple | None = None  # its bracket's lines, once painted


@dataclass(eq=False)
class Seg:
    arc: Arc
    x_from: float
    x_to: float
    from_tag: Tag | None  # None: the arc comes from the line's edge
    to_tag: Tag | None
    level: int = 0
    y: float = 0.0

    @property
    def arrow(self) -> bool:
        return self.to_tag is not None


@dataclass(eq=False)
class LineGeom:
    index: int
    start: int
    end: int
    top: float = 0.0
    text_y: float = 0.0
    text_h: float = 0.0
    bottom: float = 0.0
    levels: int = 0
    rows: int = 0
    frags: list[Frag] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    segs: list[Seg] = field(default_factory=list)


class ParagraphLayout:
    def __init__(self, start: int, text: str, pieces: list[Piece], arcs: list[Arc],
                 tag_para: dict[int, int], para_index: int, width: float, style: Style,
                 replacing: ParagraphLayout | None = None) -> None:
        """`replacing`: the layout this one replaces (new labels, the same text), which
        must not be used after: its line breaks and text positions are taken over, as
        they do not depend on the labels (breaking a long paragraph and measuring its
        labels' ends was most of redoing it after one edit)."""
        self.start = start
        self.text = text
        self.style = style
        self.width = width
        r = replacing
        if r is not None and (r.start, r.text, r.width, r.style) == (start, text, width, style):
            self.layout, self.qlines, self._x = r.layout, r.qlines, r._x
            self.lines = [LineGeom(ln.index, ln.start, ln.end, text_h=ln.text_h)
                          for ln in r.lines]
        else:
            self._break_lines()
        self.tag_of: dict[int, tuple[LineGeom, Tag]] = {}
        self.lines_of: dict[int, list[LineGeom]] = {}  # span id -> the lines its text is on
        self._place_spans(pieces)
        self._place_arcs(arcs, tag_para, para_index)
        self._position_lines()

    def _break_lines(self) -> None:
        style, start = self.style, self.start
        self.layout = QTextLayout(self.text, style.font)
        self.layout.setTextOption(style.option)
        self.layout.setCacheEnabled(True)
        avail = max(40.0, self.width - 2 * style.margin)
        self.layout.beginLayout()
        qlines = []
        while True:
            line = self.layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(avail)
            line.setPosition(QPointF(style.margin, 0.0))
            qlines.append(line)
        self.layout.endLayout()
        self.qlines = qlines
        self._x: dict[tuple[int, int], float] = {}  # (line, position) -> x: see x_of
        self.lines: list[LineGeom] = []
        for i, ql in enumerate(qlines):
            ls = ql.textStart()
            self.lines.append(LineGeom(i, start + ls, start + ls + ql.textLength(),
                                       text_h=ql.height()))

    # ---- geometry -------------------------------------------------------------------------
    def x_of(self, line: LineGeom, pos: int) -> float:
        # kept: a line's x never moves (only its y does) and a layout replacing this one
        # takes them over
        key = (line.index, pos)
        x = self._x.get(key)
        if x is None:
            x = self._x[key] = self.qlines[line.index].cursorToX(pos - self.start)[0]
        return x

    def _place_spans(self, pieces: list[Piece]) -> None:
        style = self.style
        text, base = self.text, self.start
        first = 0  # pieces before it end before this line (lines come in text order)
        for line in self.lines:
            while first < len(pieces) and pieces[first].end <= line.start:
                first += 1  # without this, each line rescanned the paragraph's pieces
            for k in range(first, len(pieces)):
                pc = pieces[k]
                if pc.start >= line.end:
                    break
                s, e = max(pc.start, line.start), min(pc.end, line.end)
                if e <= s:
                    continue
                while e > s + 1 and text[e - 1 - base].isspace():
                    e -= 1  # a span wrapping onto the next line: not the trailing space
                frag = Frag(pc.span.id, s, e, self.x_of(line, s), self.x_of(line, e))
                line.frags.append(frag)
                self.lines_of.setdefault(pc.span.id, []).append(line)
                if pc.first and s == pc.start:
                    w = style.tag_width(pc.span.label)
                    x = (frag.x1 + frag.x2 - w) / 2
                    x = max(style.margin * 0.25, min(x, self.width - style.margin * 0.25 - w))
                    tag = Tag(pc.span.id, pc.span.label, pc.span.state == "suggested",
                              frag.x1, frag.x2, x, w)
                    line.tags.append(tag)
                    self.tag_of[pc.span.id] = (line, tag)
            if line.tags:
                gap = style.pad_x
                rows = stack([(t.x1, t.x2) for t in line.tags],
                             [(min(t.x1 + 1, t.x - gap), max(t.x2 - 1, t.x + t.w + gap))
                              for t in line.tags])  # adjacent spans may share a row
                for t, r in zip(line.tags, rows):
                    t.row = r
                line.rows = max(rows) + 1

    def _place_arcs(self, arcs: list[Arc], tag_para: dict[int, int], para_index: int) -> None:
        stubs: list[tuple[Seg, Tag, float | None, int]] = []  # seg, own tag, other's x, reading dir
        for arc in arcs:
            h = self.tag_of.get(arc.head)
            t = self.tag_of.get(arc.tail)
            if h and t and h[0] is t[0]:
                seg = Seg(arc, 0, 0, h[1], t[1])
                h[0].segs.append(seg)
                h[1].legs.append((seg, "from"))
                t[1].legs.append((seg, "to"))
                continue
            # On different lines each end gets a short connector of its own, pointing at the
            # other end (or the reading direction when that is in another paragraph): running
            # out to the window's edges made an arc between adjacent lines cross the page.
            if h:
                after = t[0].index > h[0].index if t else tag_para[arc.tail] > para_index
                seg = Seg(arc, 0, 0, h[1], None)
                h[0].segs.append(seg)
                h[1].legs.append((seg, "from"))
                stubs.append((seg, h[1], t[1].x + t[1].w / 2 if t else None, 1 if after else -1))
            if t:
                before = h[0].index < t[0].index if h else tag_para[arc.head] < para_index
                seg = Seg(arc, 0, 0, None, t[1])
                t[0].segs.append(seg)
                t[1].legs.append((seg, "to"))
                stubs.append((seg, t[1], h[1].x + h[1].w / 2 if h else None, -1 if before else 1))
        # the free end of a connector: far enough for its label and the curve, no further
        left, right = self.style.margin * 0.3, self.width - self.style.margin * 0.3
        for seg, tag, other_x, reading in stubs:
            own = tag.x + tag.w / 2
            d = reading if other_x is None or abs(other_x - own) < 1 else (
                1 if other_x > own else -1)
            reach = self.style.arc_width(seg.arc.label) + 2 * self.style.arc_step
            if not left <= own + d * reach <= right:  # no room that way (a tag at an edge)
                d = -d
            free = max(left, min(right, own + d * reach))
            if seg.from_tag is tag:
                seg.x_to = free
            else:
                seg.x_from = free
        # Spread the legs on each tag, ordered by where their other end lies.
        for line in self.lines:
            for tag in line.tags:
                if not tag.legs:
                    continue

                def other(item: tuple[Seg, str]) -> float:
                    seg, end = item
                    o = seg.to_tag if end == "from" else seg.from_tag
                    if o is not None:
                        return o.x + o.w / 2
                    return seg.x_to if end == "from" else seg.x_from

                tag.legs.sort(key=other)
                n = len(tag.legs)
                inner = min(tag.w * 0.7, 8.0 * n)
                for k, (seg, end) in enumerate(tag.legs):
                    x = tag.x + tag.w / 2 + (inner * ((k + 0.5) / n - 0.5) if n > 1 else 0)
                    if end == "from":
                        seg.x_from = x
                    else:
                        seg.x_to = x
            if line.segs:
                cores, extents = [], []
                for seg in line.segs:
                    a, b = sorted((seg.x_from, seg.x_to))
                    mid, lw = (a + b) / 2, self.style.arc_width(seg.arc.label) + 4
                    cores.append((a, b))
                    extents.append((min(a, mid - lw / 2), max(b, mid + lw / 2)))
                levels = stack(cores, extents)
                for seg, lv in zip(line.segs, levels):
                    seg.level = lv
                line.levels = max(levels) + 1

    def _position_lines(self) -> None:
        st = self.style
        y = 0.0
        for line in self.lines:
            line.top = y
            text_y = y + st.line_pad + line.levels * st.arc_step + line.rows * st.tag_h
            line.text_y = text_y
            self.qlines[line.index].setPosition(QPointF(st.margin, text_y))
            for tag in line.tags:
                band_bottom = text_y - tag.row * st.tag_h
                tag.rect = QRectF(tag.x, band_bottom - st.tag_h + 1, tag.w, st.tag_box_h)
            for seg in line.segs:
                seg.y = y + st.line_pad + (line.levels - 1 - seg.level + 0.5) * st.arc_step
            line.bottom = text_y + line.text_h + 2
            y = line.bottom
        # a blank line between paragraphs is a small gap, not a full line
        self.height = st.line_h * 0.5 if not self.text else y + st.para_gap
        self._tops = [ln.top for ln in self.lines]

    # ---- queries (paragraph coordinates) ----------------------------------------------------
    def line_at(self, y: float) -> LineGeom:
        i = max(0, bisect_right(self._tops, y) - 1)
        return self.lines[min(i, len(self.lines) - 1)]

    def line_of_pos(self, pos: int) -> LineGeom:
        for line in self.lines:
            if pos < line.end or line is self.lines[-1]:
                return line
        return self.lines[-1]

    def pos_at(self, x: float, y: float) -> int:
        line = self.line_at(y)
        rel = self.qlines[line.index].xToCursor(x)
        return self.start + rel

    def tag_at(self, x: float, y: float) -> int | None:
        line = self.line_at(y)
        for tag in line.tags:
            if tag.rect.adjusted(-1, -1, 1, 1).contains(QPointF(x, y)):
                return tag.span_id
        return None

    def spans_at(self, x: float, y: float) -> list[tuple[int, Frag]]:
        line = self.line_at(y)
        if not (line.text_y - 2 <= y <= line.text_y + line.text_h + 2):
            return []
        return [(f.span_id, f) for f in line.frags if f.x1 <= x <= f.x2]

    def caret_rect(self, pos: int) -> QRectF:
        line = self.line_of_pos(pos)
        x = self.x_of(line, max(line.start, min(pos, line.end)))
        return QRectF(x, line.text_y, 1.0, line.text_h)

    def span_rect(self, span_id: int) -> QRectF | None:
        rect = None
        for line in sorted(set(self.lines_of.get(span_id, ())), key=lambda ln: ln.index):
            for f in line.frags:
                if f.span_id == span_id:
                    r = QRectF(f.x1, line.text_y, max(1.0, f.x2 - f.x1), line.text_h)
                    rect = r if rect is None else rect.united(r)
        return rect

    def tag_rect(self, span_id: int) -> QRectF | None:
        hit = self.tag_of.get(span_id)
        return QRectF(hit[1].rect) if hit else None

    def span_extents(self, span_id: int) -> list[tuple[LineGeom, float, float]]:
        """(line, left, right) of each line holding a part of the span or its tag: where it
        paints, without PAINT_SLACK."""
        lines = set(self.lines_of.get(span_id, ()))
        if span_id in self.tag_of:
            lines.add(self.tag_of[span_id][0])
        out = []
        for line in sorted(lines, key=lambda ln: ln.index):
            xs = [x for f in line.frags if f.span_id == span_id for x in (f.x1, f.x2)]
            xs += [x for t in line.tags if t.span_id == span_id for x in _tag_extent(t)]
            if xs:
                out.append((line, min(xs), max(xs)))
        return out

    # ---- painting ---------------------------------------------------------------------------
    def paint(self, p: QPainter, ctx, y0: float, y1: float, x0: float = float("-inf"),
              x1: float = float("inf")) -> None:
        """Paint the lines between y0 and y1 (paragraph coordinates) with the painter
        already translated to the paragraph's top-left and clipped to x0..x1: labels that
        cannot reach into it are skipped (a repaint of one label's box paints a few)."""
        st = self.style
        theme = ctx.theme
        visible = [ln for ln in self.lines if ln.bottom + LINE_OVERHANG >= y0 and ln.top <= y1]
        if not visible:
            return
        lo, hi = x0 - PAINT_SLACK, x1 + PAINT_SLACK

        def tags(line):
            return [t for t in line.tags if t.x2 >= lo and t.x1 <= hi
                    or t.x + t.w >= lo and t.x <= hi]

        shown = [(line, [f for f in line.frags if f.x2 >= lo and f.x1 <= hi], tags(line))
                 for line in visible]
        sel = ctx.selection
        # backgrounds: span fills, the selection
        for line, frags, _ in shown:
            for f in frags:
                span = ctx.spans.get(f.span_id)
                if span is None:
                    continue
                r = QRectF(f.x1, line.text_y, f.x2 - f.x1, line.text_h)
                if span.state == "suggested":
                    look = ctx.look(span.label, True)
                    p.fillRect(r, look[0])
                    p.setPen(look[5])
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))
                else:
                    p.fillRect(r, ctx.look(span.label, False)[0])
            if sel and sel[0] < line.end + 1 and sel[1] > line.start:
                s, e = max(sel[0], line.start), min(sel[1], line.end)
                if e > s:
                    x1, x2 = self.x_of(line, s), self.x_of(line, e)
                    p.fillRect(QRectF(x1, line.text_y, x2 - x1, line.text_h), theme.selection)
        # the text itself (plain: QTextLayout never interprets markup)
        p.setPen(theme.text)
        self.layout.draw(p, QPointF(0, 0), [], QRectF(0, y0, self.width, y1 - y0))
        # brackets under each tag: the span's extent, ticks down to the text
        for line, _, line_tags in shown:
            for tag in line_tags:
                p.setPen(ctx.look(tag.label, tag.suggested)[1])
                if tag.bracket is None:  # its lines, made at its first paint
                    by = tag.rect.bottom() + 1.5
                    cx = tag.x + tag.w / 2
                    tag.bracket = (QLineF(tag.x1, by, tag.x2, by),
                                   QLineF(tag.x1, by, tag.x1, line.text_y),
                                   QLineF(tag.x2, by, tag.x2, line.text_y),
                                   QLineF(cx, tag.rect.bottom(), cx, by))
                for ln in tag.bracket:  # one by one, as drawLines would blend joints once
                    p.drawLine(ln)
        # arcs, then tags over their legs so labels stay readable
        p.setFont(st.arc_font)
        for line in visible:
            for seg in line.segs:
                self._paint_seg(p, ctx, seg)
        p.setFont(st.tag_font)
        for _, _, line_tags in shown:
            for tag in line_tags:
                self._paint_tag(p, ctx, tag)
        # the selected span: an outline around its tag and its text
        if ctx.selected is not None:
            pen = QPen(theme.focus, 2.0)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            span = ctx.spans.get(ctx.selected)
            for line in visible:
                for f in line.frags:
                    if f.span_id == ctx.selected:
                        p.drawRect(QRectF(f.x1 - 1, line.text_y - 1, f.x2 - f.x1 + 2,
                                          line.text_h + 2))
                        if span is not None:  # the handles that resize it with the mouse
                            if f.start == span.start:
                                self._paint_handle(p, theme, f.x1 - 1, line)
                            if f.end == span.end:
                                self._paint_handle(p, theme, f.x2 + 1, line)
                for tag in line.tags:
                    if tag.span_id == ctx.selected:
                        p.drawRoundedRect(tag.rect.adjusted(-2, -2, 2, 2), 4, 4)

    @staticmethod
    def _paint_handle(p: QPainter, theme, x: float, line) -> None:
        """A bar on the edge with a knob below it: where a drag resizes the label."""
        p.save()
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(theme.focus)
        p.drawRect(QRectF(x - 1.5, line.text_y - 1, 3, line.text_h + 2))
        p.drawEllipse(QPointF(x, line.text_y + line.text_h + 3), HANDLE_KNOB, HANDLE_KNOB)
        p.restore()

    def _paint_tag(self, p: QPainter, ctx, tag: Tag) -> None:
        _, _, brush, outline, text, _ = ctx.look(tag.label, tag.suggested)
        p.setBrush(brush)
        p.setPen(outline)
        p.drawRoundedRect(tag.rect, 3, 3)
        p.setPen(text)
        p.drawText(tag.rect, Qt.AlignmentFlag.AlignCenter, tag.label)

    def seg_path(self, seg: Seg) -> QPainterPath:
        """The line of an arc segment (paragraph coordinates), without its arrow head."""
        y = seg.y
        xf, xt = seg.x_from, seg.x_to
        sign = 1.0 if xt >= xf else -1.0
        r = min(self.style.arc_step * 0.6, abs(xt - xf) / 2)
        path = QPainterPath()
        if seg.from_tag is not None:
            path.moveTo(xf, seg.from_tag.rect.top())
            path.lineTo(xf, y + r)
            path.quadTo(xf, y, xf + sign * r, y)
        else:
            path.moveTo(xf, y)
        if seg.to_tag is not None:
            path.lineTo(xt - sign * r, y)
            path.quadTo(xt, y, xt, y + r)
            path.lineTo(xt, seg.to_tag.rect.top() - 6)
        else:
            path.lineTo(xt, y)
        return path

    def seg_label_rect(self, seg: Seg) -> QRectF:
        lw = self.style.arc_width(seg.arc.label)
        h = self.style.afm.height()
        return QRectF((seg.x_from + seg.x_to) / 2 - lw / 2, seg.y - h / 2, lw, h)

    def _paint_seg(self, p: QPainter, ctx, seg: Seg) -> None:
        theme = ctx.theme
        color = theme.arc if seg.arc.color is None else ctx.arc_color(seg.arc.color)
        pen = QPen(color, 1.3)
        if seg.arc.suggested:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(self.seg_path(seg))
        xt = seg.x_to
        if seg.to_tag is not None:
            tip = seg.to_tag.rect.top() - 1
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawPolygon(QPolygonF([QPointF(xt, tip), QPointF(xt - 3.5, tip - 7),
                                     QPointF(xt + 3.5, tip - 7)]))
        # the open end of a connector to another line: a small ring, "continues elsewhere"
        free = seg.x_to if seg.to_tag is None else seg.x_from if seg.from_tag is None else None
        if free is not None:
            p.setPen(QPen(color, 1.3))
            p.setBrush(theme.arc_label_bg)
            p.drawEllipse(QPointF(free, seg.y), 2.5, 2.5)
        rect = self.seg_label_rect(seg)
        p.fillRect(rect, theme.arc_label_bg)
        p.setPen(theme.arc_label if seg.arc.color is None else color)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, seg.arc.label)


def make_look(color: QColor, suggested: bool, theme, contrast) -> tuple:
    """(text fill, bracket pen, tag brush, tag outline pen, tag text colour, the text's
    outline pen when suggested) of a label of this colour: see DocumentCanvas.label_look."""
    fill = QColor(color)
    if suggested:
        fill.setAlpha(theme.fill_alpha // 3)
        bracket = QPen(color.darker(115) if not theme.dark else color, 1.0)
        bracket.setStyle(Qt.PenStyle.DashLine)
        brush = QColor(color)
        brush.setAlpha(70)
        outline = QPen(color.darker(130) if not theme.dark else color, 1.2,
                       Qt.PenStyle.DashLine)
        return (fill, bracket, brush, outline, QColor(theme.text),
                QPen(color, 1.2, Qt.PenStyle.DashLine))
    fill.setAlpha(theme.fill_alpha)
    bracket = QPen(color.darker(115) if not theme.dark else color, 1.0)
    return fill, bracket, QColor(color), QPen(color.darker(135), 1.0), contrast(color), None


def _tag_extent(t: Tag) -> tuple[float, float]:
    """Where a tag paints across: its box and its bracket over the span's text."""
    return min(t.x, t.x1), max(t.x + t.w, t.x2)


def line_looks(pl: ParagraphLayout, spans: dict) -> list[tuple]:
    """What each line of a layout paints (its band, text, labels' places and looks, arcs),
    comparable between two layouts of one paragraph: an edit repaints only the lines whose
    looks changed (the selection and caret are repainted by their own updates)."""
    def look(span_id: int) -> tuple:
        s = spans.get(span_id)
        return (s.label, s.state) if s is not None else ()

    return [(ln.top, ln.bottom, ln.start, ln.end, ln.text_y,
             tuple((f.span_id, f.x1, f.x2, *look(f.span_id)) for f in ln.frags),
             tuple((t.span_id, t.label, t.suggested, t.x, t.w, t.row, t.x1, t.x2)
                   for t in ln.tags),
             tuple((s.arc, s.x_from, s.x_to, s.level, s.y) for s in ln.segs))
            for ln in pl.lines]


def changed_lines(old: list[tuple], new: list[tuple]) -> list[tuple[float, ...]]:
    """The (top, bottom, left, right) of lines that look different (or are only in one of
    the two), paragraph coordinates, with their overhang (not PAINT_SLACK): a line that
    kept its place, text and arcs, across the labels that came, went or changed on it,
    else its whole width (left -inf, right inf)."""
    whole = (float("-inf"), float("inf"))
    out = []
    for k in range(max(len(old), len(new))):
        o = old[k] if k < len(old) else None
        n = new[k] if k < len(new) else None
        if o == n:
            continue
        if o is None or n is None or o[:5] != n[:5] or o[7] != n[7]:
            out += [(x[0], x[1] + LINE_OVERHANG, *whole) for x in (n, o) if x is not None]
            continue
        xs = [x for f in set(o[5]) ^ set(n[5]) for x in (f[1], f[2])]
        xs += [x for t in set(o[6]) ^ set(n[6])
               for x in (min(t[3], t[6]), max(t[3] + t[4], t[7]))]
        out.append((n[0], n[1] + LINE_OVERHANG, *((min(xs), max(xs)) if xs else whole)))
    return out
