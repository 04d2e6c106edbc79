"""Document categories in the window: a key or a chip toggles a category on the open
document (in an exclusive group the one there before comes off); a suggested category is
accepted or rejected. Each is one undo step, stored at once through the Service."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.workspace import Workspace


class CategoryController(QObject):
    def __init__(self, ws: Workspace, edits, parent=None):
        super().__init__(parent)
        self.ws, self.edits = ws, edits

    def toggle(self, name: str) -> None:
        view = self.ws.view
        if view is None:
            return
        before = view.category(name)
        ch = self.ws.attempt(lambda: self.ws.service.toggle_category(view.document_id, name))
        if not ch:
            return
        was = before.state if before is not None else None
        if was == "accepted":
            text = f"Category {name} off"
        elif was == "suggested":
            text = f"Accept category {name}"
        else:
            text = f"Category {name}"
        self.edits.commit(text, [ch])

    def decide(self, category_id: int, accept: bool) -> None:
        view = self.ws.view
        row = next((c for c in (view.categories if view else []) if c.id == category_id), None)
        if row is None:
            return
        svc = self.ws.service
        ch = self.ws.attempt(lambda: (svc.accept if accept else svc.reject)(
            "category", category_id, expected_version=row.version))
        if ch:
            self.edits.commit(f"{'Accept' if accept else 'Reject'} category {row.category}",
                              [ch])
