"""Labels others add appear without a restart: a timer polls the open document's change
marker (the newest audit row, one indexed read) and reloads the layer when it moved.

In team mode a reviewer may return the document or a background job may add suggestions;
on one desktop this also picks up `marginalia suggest` run from a terminal."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from models.errors import DomainError

POLL_MS = 3000


class LiveUpdates(QObject):
    def __init__(self, ws, edits, parent=None, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.ws, self.edits = ws, edits
        self.seen: tuple[int | None, int] | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        self.timer.start(interval_ms)
        ws.documentOpened.connect(lambda _v: self._remember())

    def _marker(self) -> tuple[int | None, int]:
        doc = self.ws.document_id
        return doc, self.ws.service.change_marker(doc) if doc is not None else 0

    def _remember(self) -> None:
        try:
            self.seen = self._marker()
        except DomainError:
            self.seen = None

    def poll(self) -> bool:
        """Reload when the open document changed since last seen; True if it reloaded."""
        if self.ws.view is None:
            return False
        try:
            now = self._marker()
        except DomainError:
            return False  # the database is away for a moment: try again next tick
        if self.seen is None or now[0] != self.seen[0]:
            self.seen = now
            return False
        if now == self.seen:
            return False
        self.seen = now
        try:
            self.edits.refresh()  # reload the layer (and its row in the document list)
        except DomainError as exc:
            self.ws.say(f"could not reload: {exc}", error=True)
            return False
        return True
