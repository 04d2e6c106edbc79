"""Active time per document and annotator: the document open, the window active, and some
input (a key, a click, the mouse moved, a scroll) at most a minute before.

A timer samples every few seconds instead of filtering every event of the application (an
application-wide event filter slowed every edit); what counts as input is the cursor
position, the text's selection and scroll position, and every edit. The seconds are added
to the annotator's layer when the document changes, every minute, and on close."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QCursor

IDLE_AFTER = 60.0  # seconds without input: the annotator is away
TICK_MS = 5000
FLUSH_AFTER = 60  # seconds gathered before they are stored


class ActiveTime(QObject):
    def __init__(self, window, ws, clock=time.monotonic, parent=None):
        super().__init__(parent)
        self.window, self.ws, self.clock = window, ws, clock
        self.document_id: int | None = None
        self.pending = 0.0
        self.last_input = self.last_tick = clock()
        self._probe = None
        ws.documentOpened.connect(self._opened)
        ws.layerChanged.connect(lambda _v: self.input())
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def input(self) -> None:
        self.last_input = self.clock()

    def _state(self):
        dv = self.window.docview
        return (QCursor.pos().toTuple(), dv.selection(), dv.selected_span(),
                dv.canvas.verticalScrollBar().value())

    def tick(self) -> None:
        now = self.clock()
        probe = self._state()
        if probe != self._probe:
            self._probe = probe
            self.last_input = now
        elapsed, self.last_tick = now - self.last_tick, now
        if (self.document_id is not None and self.window.isActiveWindow()
                and now - self.last_input <= IDLE_AFTER):
            self.pending += min(elapsed, TICK_MS / 1000 * 2)  # a stalled timer is no work
        if self.pending >= FLUSH_AFTER:
            self.flush()

    def flush(self) -> None:
        seconds, doc = int(self.pending), self.document_id
        if doc is None or seconds <= 0:
            return
        self.pending -= seconds
        total = self.ws.attempt(lambda: self.ws.service.add_active_time(doc, seconds))
        if total is not None:
            self.ws.active_time_changed(doc, total)

    def _opened(self, view) -> None:
        self.flush()
        self.pending = 0.0
        self.document_id = view.document_id
        self.input()

    def stop(self) -> None:
        self.timer.stop()
        self.flush()
