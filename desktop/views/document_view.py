"""The document view: the article as plain text with label tags, brackets and relation arcs.

Mouse: drag over text selects (snapped to tokens on release); a click on a span or its tag
selects the span; dragging from a tag onto another span asks for a relation; dragging an
edge of the selected span resizes it. Keyboard: Shift+arrows (Ctrl: by word) extend the
selection, arrows and Page keys move, Escape clears. Label keys, Delete, R, E... belong to
the main window's actions, so this view lets them pass.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import QApplication, QToolTip, QVBoxLayout, QWidget

from desktop.views.canvas import DocumentCanvas
from desktop.views.paragraph import HANDLE_KNOB
from desktop.views.tokens import Source, Tokens, next_word_end, prev_word_start
from models.schema import Schema
from models.views import LayerView

EDGE_GRAB = 9.0  # pixels either side of a selected span's edge (and its handle) that resize

_NAV_KEYS = {
    Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown, Qt.Key.Key_Home, Qt.Key.Key_End,
}


class _Canvas(DocumentCanvas):
    selectionChanged = Signal(int, int)
    spanActivated = Signal(int)
    relationDragged = Signal(int, int)
    resizeRequested = Signal(int, int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.tokens = Tokens("")
        self.snap_on = True
        self.anchor: int | None = None  # selection: anchor (fixed end) and cursor (moving end)
        self.cursor: int | None = None
        self._press: dict | None = None
        self._drag: str | None = None  # select | relation | resize
        self._mouse = QPointF()
        self._preview: tuple[int, int] | None = None  # a resize in progress

    # ---- selection state -----------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        if self.anchor is None or self.cursor is None or self.anchor == self.cursor:
            return None
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    def painted_selection(self) -> tuple[int, int] | None:
        return self.selection()

    def caret_pos(self) -> int | None:
        return self.cursor

    def set_sel(self, anchor: int | None, cursor: int | None, emit: bool = True) -> None:
        before, caret = self.selection(), self.cursor
        self.anchor, self.cursor = anchor, cursor
        after = self.selection()
        if emit and after != before:
            self.selectionChanged.emit(*(after or (-1, -1)))
        if after != before:  # repaint the old and new selection apart: they may be far
            self.update_text(*(before or ()))  # from another
            self.update_text(*(after or ()))
        if cursor != caret:  # and the caret where it was and is: a sliver of a line each
            self.update_caret(caret)
            self.update_caret(cursor)

    def set_selected_span(self, span_id: int | None, emit: bool = False) -> None:
        old = self.selected_span_id
        self.selected_span_id = span_id
        if emit and span_id != old:
            self.spanActivated.emit(-1 if span_id is None else span_id)
        if span_id != old:
            self.update_span(old)
            self.update_span(span_id)

    def snapped(self, a: int, b: int) -> tuple[int, int] | None:
        if a == b:
            return None
        if not self.snap_on or not self.tokens.known:
            return min(a, b), max(a, b)
        return self.tokens.snap(a, b)

    # ---- hits ------------------------------------------------------------------------------
    def hit(self, pt: QPointF) -> dict:
        """What is under pt: an edge of the selected span, a tag, or text (maybe in spans)."""
        _i, pl, x, y = self.locate(pt)
        sel = self.selected_span_id
        if sel is not None and sel in self.index.spans:
            span = self.index.spans[sel]
            for sid, frag in pl.spans_at(x, y) + self._near_edges(pl, x, y, sel):
                if sid != sel:
                    continue
                if frag.start == span.start and abs(x - frag.x1) <= EDGE_GRAB:
                    return {"kind": "edge", "span": sel, "which": "start"}
                if frag.end == span.end and abs(x - frag.x2) <= EDGE_GRAB:
                    return {"kind": "edge", "span": sel, "which": "end"}
        tag = pl.tag_at(x, y)
        if tag is not None:
            return {"kind": "tag", "span": tag}
        spans = pl.spans_at(x, y)
        inner = None
        if spans:
            inner = min(spans, key=lambda h: (self.index.spans[h[0]].end
                                              - self.index.spans[h[0]].start, -h[0]))[0]
        return {"kind": "text", "span": inner, "pos": min(len(self.text), pl.pos_at(x, y))}

    def _near_edges(self, pl, x: float, y: float, span_id: int) -> list:
        line = pl.line_at(y)
        if not (line.text_y - 2 <= y <= line.text_y + line.text_h + 3 + 2 * HANDLE_KNOB):
            return []
        return [(f.span_id, f) for f in line.frags
                if f.span_id == span_id and min(abs(x - f.x1), abs(x - f.x2)) <= EDGE_GRAB]

    def span_under(self, pt: QPointF) -> int | None:
        h = self.hit(pt)
        return h.get("span") if h["kind"] in ("tag", "text") else None

    # ---- mouse -----------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.text:
            return super().mousePressEvent(event)
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pt = event.position()
        h = self.hit(pt)
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier and self.anchor is not None:
            pos = self.pos_at(pt)  # shift+click extends the selection
            sel = self.snapped(self.anchor, pos)
            self._press = None
            if sel:
                self.set_selected_span(None, emit=True)
                self.set_sel(sel[0] if pos >= self.anchor else sel[1],
                             sel[1] if pos >= self.anchor else sel[0])
            return
        self._press = {"pt": pt, **h}
        self._drag = "resize" if h["kind"] == "edge" else None
        self._mouse = pt

    def mouseMoveEvent(self, event) -> None:
        pt = event.position()
        self._mouse = pt
        press = self._press
        if press is None:
            self._hover(pt)
            return
        if self._drag is None:
            if (pt - press["pt"]).manhattanLength() < QApplication.startDragDistance():
                return
            self._drag = "relation" if press["kind"] == "tag" else "select"
            if self._drag == "select":
                self.anchor = press["pos"]
        self._autoscroll(pt)
        if self._drag == "select":
            self.cursor = self.pos_at(pt)
        elif self._drag == "resize":
            self._preview = self._resized(press["span"], press["which"], self.pos_at(pt))
        self.viewport().update()

    def mouseReleaseEvent(self, event) -> None:
        press, drag = self._press, self._drag
        self._press, self._drag, self._preview = None, None, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        pt = event.position()
        if drag == "select":
            a, c = press["pos"], self.pos_at(pt)
            sel = self.snapped(a, c)
            if sel is None:
                self.set_sel(c, c)
            else:
                forward = c >= a
                self.set_sel(sel[0] if forward else sel[1], sel[1] if forward else sel[0])
                self.set_selected_span(None, emit=True)
        elif drag == "relation":
            target = self.span_under(pt)
            if target is not None and target != press["span"]:
                self.relationDragged.emit(press["span"], target)
        elif drag == "resize":
            new = self._resized(press["span"], press["which"], self.pos_at(pt))
            span = self.index.spans.get(press["span"])
            if new and span and new != (span.start, span.end):
                self.resizeRequested.emit(press["span"], new[0], new[1])
        elif press["kind"] == "edge":
            self.spanActivated.emit(press["span"])
        else:  # a click: select the span under it (or none)
            pos = press.get("pos")
            self.set_sel(pos, pos)
            span = press.get("span")
            self.selected_span_id = span
            self.spanActivated.emit(-1 if span is None else span)
        self.viewport().update()

    def mouseDoubleClickEvent(self, event) -> None:
        h = self.hit(event.position())
        if h["kind"] == "text":
            tok = self.tokens.token_at(h["pos"])
            if tok:
                self.set_selected_span(None, emit=True)
                self.set_sel(*tok)
            return
        super().mouseDoubleClickEvent(event)

    def _resized(self, span_id: int, which: str, pos: int) -> tuple[int, int] | None:
        span = self.index.spans.get(span_id)
        if span is None:
            return None
        start, end = span.start, span.end
        if which == "start":
            start = self.tokens.snap_start(pos) if self.snap_on else pos
            start = min(start, end - 1)
        else:
            end = self.tokens.snap_end(pos) if self.snap_on else pos
            end = max(end, start + 1)
        return (start, end) if start < end else None

    def _hover(self, pt: QPointF) -> None:
        h = self.hit(pt)
        shape = {"edge": Qt.CursorShape.SizeHorCursor, "tag": Qt.CursorShape.PointingHandCursor}
        self.viewport().setCursor(shape.get(h["kind"], Qt.CursorShape.IBeamCursor))

    def _autoscroll(self, pt: QPointF) -> None:
        vh = self.viewport().height()
        if pt.y() < 0:
            self.scroll_to(self.scroll_y() + pt.y())
        elif pt.y() > vh:
            self.scroll_to(self.scroll_y() + pt.y() - vh)

    def paint_extra(self, p: QPainter, scroll_y: float) -> None:
        if self._drag == "relation" and self._press:
            r = self.tag_rect(self._press["span"])
            if r is not None:
                pen = QPen(self.theme.focus, 1.5, Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(QPointF(r.center().x(), r.top()), self._mouse)
        if self._drag == "resize" and self._preview:
            s, e = self._preview
            i = self.para_of_pos(s)
            pen = QPen(self.theme.focus, 1.5, Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            while i < len(self.paras) and self.paras[i][0] <= e:
                pl = self.layout(i)
                for line in pl.lines:
                    a, b = max(s, line.start), min(e, line.end)
                    if b > a:
                        rect = QRectF(pl.x_of(line, a), line.text_y,
                                      pl.x_of(line, b) - pl.x_of(line, a), line.text_h)
                        p.drawRect(self.to_viewport(i, rect))
                i += 1

    def viewportEvent(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            span = self.index.spans.get(self.span_under(QPointF(e.pos())) or -1)
            if span is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(e.globalPos(), self.describe(span), self.viewport())
            return True
        return super().viewportEvent(e)

    def describe(self, span) -> str:
        """One line about a span for its tooltip: label, state, who suggested it, the text."""
        parts = [span.label]
        if span.state != "accepted":
            parts.append(span.state)
        if span.source != "manual":
            who = span.suggester or span.source
            parts.append(f"{who} {span.score:.2f}" if span.score is not None else who)
        if span.kb_id:
            parts.append(span.kb_id)
        snippet = self.text[span.start:span.end]
        if len(snippet) > 60:
            snippet = snippet[:57] + "..."
        return " · ".join(parts) + f"\n“{snippet}”"

    # ---- keyboard --------------------------------------------------------------------------
    def _handles(self, e) -> bool:
        """Keys this view acts on; everything else is left to the main window's shortcuts."""
        key = e.key()
        mods = e.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift, ctrl = Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier
        none = Qt.KeyboardModifier.NoModifier
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down):
            return mods in (none, shift, ctrl, shift | ctrl)
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            return mods == none
        if key in (Qt.Key.Key_Home, Qt.Key.Key_End):
            return mods == ctrl
        if key == Qt.Key.Key_Escape:  # only when there is something to clear
            return mods == none and (self.selection() is not None
                                     or self.selected_span_id is not None)
        if e.matches(QKeySequence.StandardKey.SelectAll):
            return bool(self.text)
        return e.matches(QKeySequence.StandardKey.Copy) and self.selection() is not None

    def event(self, e) -> bool:
        # Take our keys before the main window's shortcuts can; leave the rest to them.
        if e.type() == QEvent.Type.ShortcutOverride and self._handles(e):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e) -> None:
        if not self._handles(e):
            e.ignore()  # label keys, Delete, R, E...: the main window's actions
            return
        key, mods = e.key(), e.modifiers()
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if e.matches(QKeySequence.StandardKey.Copy):
            sel = self.selection()
            if sel:
                QGuiApplication.clipboard().setText(self.text[sel[0]:sel[1]])
            return
        if e.matches(QKeySequence.StandardKey.SelectAll):
            self.set_sel(0, len(self.text))
            return
        if key == Qt.Key.Key_Escape:
            self.set_sel(self.cursor, self.cursor)
            self.set_selected_span(None, emit=True)
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self.text:
            self._move_horizontal(key == Qt.Key.Key_Right, shift, ctrl)
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.text:
            if shift:
                self._move_vertical(key == Qt.Key.Key_Down)
            else:
                sb = self.verticalScrollBar()
                step = sb.singleStep() * (1 if key == Qt.Key.Key_Down else -1)
                self.scroll_to(self.scroll_y() + step)
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            vh = self.viewport().height() * 0.9
            self.scroll_to(self.scroll_y() + (vh if key == Qt.Key.Key_PageDown else -vh))
            return
        if key in (Qt.Key.Key_Home, Qt.Key.Key_End) and ctrl:
            self.scroll_to(0 if key == Qt.Key.Key_Home else self.verticalScrollBar().maximum())
            return
        e.ignore()  # label keys, Delete, R, E...: the main window's actions

    def _start_point(self) -> int:
        if self.cursor is not None:
            return self.cursor
        span = self.index.spans.get(self.selected_span_id or -1)
        if span is not None:
            return span.start
        return self.visible_range()[0]

    def _move_horizontal(self, right: bool, shift: bool, by_word: bool) -> None:
        cur = self._start_point()
        anchor = self.anchor if (shift and self.anchor is not None) else cur
        if self.snap_on and shift:
            tk = self.tokens
            if right:
                target = tk.next_start(cur) if cur < anchor else tk.next_end(cur)
                if target is not None and cur < anchor and target > anchor:
                    target = anchor
            else:
                target = tk.prev_end(cur) if cur > anchor else tk.prev_start(cur)
                if target is not None and cur > anchor and target < anchor:
                    target = anchor
            if target is None:
                return
            if cur == anchor:  # starting fresh: the anchor is the token edge behind us
                tok = tk.token_at(cur if right else max(0, cur - 1))
                if tok and tok[0] < cur < tok[1]:
                    anchor = tok[0] if right else tok[1]
        elif by_word:
            target = next_word_end(self.text, cur) if right else prev_word_start(self.text, cur)
        else:
            target = min(len(self.text), cur + 1) if right else max(0, cur - 1)
        if shift:
            self.set_selected_span(None, emit=True)
            self.set_sel(anchor, target)
        else:
            sel = self.selection()
            if sel and not by_word:
                target = sel[1] if right else sel[0]
            self.set_sel(target, target)
        self.ensure_visible(target)

    def _move_vertical(self, down: bool) -> None:
        cur = self._start_point()
        anchor = self.anchor if self.anchor is not None else cur
        i = self.para_of_pos(cur)
        pl = self.layout(i)
        line = pl.line_of_pos(cur)
        x = pl.x_of(line, min(cur, line.end))
        k = line.index + (1 if down else -1)
        if 0 <= k < len(pl.lines):
            target = pl.pos_at(x, pl.lines[k].text_y + 1)
        elif down and i + 1 < len(self.paras):
            target = self.layout(i + 1).pos_at(x, 0)
        elif not down and i > 0:
            prev = self.layout(i - 1)
            target = prev.pos_at(x, prev.lines[-1].text_y + 1)
        else:
            target = len(self.text) if down else 0
        if self.snap_on:
            target = self.tokens.snap_end(target) if down else self.tokens.snap_start(target)
        self.set_selected_span(None, emit=True)
        self.set_sel(anchor, target)
        self.ensure_visible(target)


class DocumentView(QWidget):
    selectionChanged = Signal(int, int)  # [start, end) after token snapping; (-1, -1) if none
    spanActivated = Signal(int)  # a span was clicked (its id); -1 when the click hit no span
    relationDragged = Signal(int, int)  # dragged from span (head id) onto span (tail id)
    resizeRequested = Signal(int, int, int)  # span id, new start, new end

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = _Canvas(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.canvas)
        self.setFocusProxy(self.canvas)
        self.canvas.selectionChanged.connect(self.selectionChanged)
        self.canvas.spanActivated.connect(self.spanActivated)
        self.canvas.relationDragged.connect(self.relationDragged)
        self.canvas.resizeRequested.connect(self.resizeRequested)
        self._view: LayerView | None = None

    # ---- content ----------------------------------------------------------------------------
    def set_document(self, view: LayerView, schema: Schema, tokens: Source = None) -> None:
        """Show a document from its top, nothing selected. `tokens`: the document's stored
        tokens, or a call that fetches them (asked the first time a selection snaps)."""
        self._view = view
        c = self.canvas
        c.anchor = c.cursor = None
        c.selected_span_id = None
        c.set_content(view, schema)
        c.tokens = Tokens(view.text, tokens)

    def apply(self, view: LayerView) -> None:
        """Redraw after an edit, keeping the scroll position and the selection."""
        if self._view is None or view.text != self._view.text:
            same = self._view is not None and view.document_id == self._view.document_id
            self.set_document(view, self.canvas.schema,
                              self.canvas.tokens._source if same else None)
            return
        self._view = view
        self.canvas.update_content(view)
        if self.canvas.selected_span_id not in self.canvas.index.spans:
            self.canvas.selected_span_id = None

    def layer(self) -> LayerView | None:
        return self._view

    # ---- selection --------------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        return self.canvas.selection()

    def set_selection(self, start: int, end: int) -> None:
        n = len(self.canvas.text)
        start, end = max(0, min(start, n)), max(0, min(end, n))
        self.canvas.set_sel(start, end)
        if start != end:
            self.canvas.ensure_visible(start)

    def clear_selection(self) -> None:
        c = self.canvas
        c.set_sel(c.cursor, c.cursor)

    def selected_span(self) -> int | None:
        return self.canvas.selected_span_id

    def select_span(self, span_id: int | None) -> None:
        """Highlight the span and scroll it into view (None: no span selected)."""
        c = self.canvas
        if span_id is not None and span_id not in c.index.spans:
            span_id = None
        if span_id != c.selected_span_id:
            c.update_span(c.selected_span_id)  # its outline goes
            c.update_span(span_id)
        c.selected_span_id = span_id
        if span_id is not None:
            span = c.index.spans[span_id]
            c.set_sel(span.start, span.start)
            i = c.index.tag_para[span_id]
            pl = c.layout(i)
            tag = pl.tag_rect(span_id)
            rect = pl.span_rect(span_id) or QRectF()
            if tag is not None:
                rect = rect.united(tag)
            c.ensure_visible(span.start, rect)

    def set_snap_to_tokens(self, on: bool) -> None:
        self.canvas.snap_on = on

    def snap_to_tokens(self) -> bool:
        return self.canvas.snap_on

    def set_dark(self, dark: bool) -> None:
        self.canvas.set_theme(dark)

    # ---- navigation -------------------------------------------------------------------------
    def find(self, text: str, forward: bool = True) -> bool:
        """Select the next (or previous) occurrence of text, ignoring case; wraps around."""
        c = self.canvas
        if not text or not c.text:
            return False
        pattern = re.compile(re.escape(text), re.IGNORECASE)
        sel = c.selection()
        here = c.cursor if c.cursor is not None else 0
        if forward:
            start = sel[0] + 1 if sel else here
            m = pattern.search(c.text, start) or pattern.search(c.text, 0)
        else:
            limit = sel[0] if sel else here
            m = None
            for m2 in pattern.finditer(c.text, 0, limit + len(text) - 1 if sel else limit):
                if m2.start() < limit:
                    m = m2
            if m is None:
                for m2 in pattern.finditer(c.text):
                    m = m2
        if m is None:
            return False
        c.set_selected_span(None, emit=True)  # the side panel lets go of it too
        c.set_sel(m.start(), m.end())
        c.ensure_visible(m.start())
        return True

    def visible_range(self) -> tuple[int, int]:
        return self.canvas.visible_range()

    # ---- geometry for the main window (popups near a span) and tests -----------------------
    def span_rect(self, span_id: int) -> QRectF | None:
        """Where the span's text is, in this widget's coordinates (None if not shown)."""
        r = self.canvas.span_rect(span_id)
        return r.translated(self.canvas.viewport().pos()) if r is not None else None

    def tag_rect(self, span_id: int) -> QRectF | None:
        """Where the span's label tag is, in this widget's coordinates."""
        r = self.canvas.tag_rect(span_id)
        return r.translated(self.canvas.viewport().pos()) if r is not None else None
