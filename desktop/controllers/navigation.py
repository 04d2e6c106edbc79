"""Moving between documents and through the workflow (done / not done)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.workspace import Workspace

DONE = ("done", "approved")


class NavigationController(QObject):
    def __init__(self, ws: Workspace, edits, parent=None):
        super().__init__(parent)
        self.ws, self.edits = ws, edits

    def _index(self) -> int:
        ids = [d.id for d in self.ws.documents]
        return ids.index(self.ws.document_id) if self.ws.document_id in ids else -1

    def open(self, document_id: int) -> None:
        if document_id == self.ws.document_id:
            return
        self.ws.attempt(lambda: self.ws.open_document(document_id))

    def step(self, delta: int) -> None:
        docs = self.ws.documents
        if not docs:
            return
        i = self._index() + delta
        if not 0 <= i < len(docs):
            self.ws.say("this is the last document" if delta > 0 else
                        "this is the first document")
            return
        self.open(docs[i].id)

    def next_not_done(self) -> None:
        docs = self.ws.documents
        i = self._index()
        order = docs[i + 1:] + docs[:i + 1]
        nxt = next((d for d in order if d.status not in DONE and d.id != self.ws.document_id),
                   None)
        if nxt is None:
            self.ws.say("every document of the project is done")
            return
        self.open(nxt.id)

    def next_uncertain(self, rank=None) -> bool:
        """The next document, not done, in the model's uncertainty order (the least certain
        first). Without an order yet, `rank()` computes it (in the background) first."""
        order = getattr(self.ws, "uncertainty_order", None)
        if not order:
            if rank is not None:
                rank()
            return False
        status = {d.id: d.status for d in self.ws.documents}
        here = order.index(self.ws.document_id) if self.ws.document_id in order else -1
        for doc_id in order[here + 1:] + order[:here + 1]:
            if doc_id != self.ws.document_id and status.get(doc_id) not in DONE \
                    and doc_id in status:
                self.open(doc_id)
                return True
        self.ws.say("no document left in the uncertainty order that is not done")
        return False

    def mark_done(self, done: bool = True) -> None:
        view = self.ws.view
        if view is None:
            return
        status = "done" if done else "in_progress"
        ch = self.ws.attempt(lambda: self.ws.service.set_status(view.document_id, status))
        if ch:
            self.edits.commit(f"Mark “{view.title}” {status.replace('_', ' ')}", [ch])
