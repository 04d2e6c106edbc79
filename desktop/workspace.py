"""The open project and document: what every controller and panel of the window shares.

It holds plain data (LayerView, Schema, DocumentSummary) loaded through the Service, tells
the panels when it changes, and is the one place domain errors become status-bar messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from models.errors import DomainError, NotFoundError, StaleWriteError
from models.layer_patch import NeedsReload, apply_changes
from models.schema import Schema
from models.service import Service
from models.views import DocumentSummary, LayerView

T = TypeVar("T")


class Workspace(QObject):
    documentOpened = Signal(object)  # LayerView: a different document is shown
    layerChanged = Signal(object)  # LayerView: the same document after an edit
    documentsChanged = Signal()  # the document list (status, counts) changed
    documentUpdated = Signal(object)  # DocumentSummary of the open document after an edit
    message = Signal(str, bool)  # text, is_error
    schemaChanged = Signal(object)  # Schema: an import (or an admin) changed it

    def __init__(self, service: Service, project: str):
        super().__init__()
        self.service = service
        self.project_name = project
        self.project_id = service.project_id(project)
        self.schema: Schema = service.schema(self.project_id)
        self.view: LayerView | None = None
        self.documents: list[DocumentSummary] = []
        self.refresh_documents()

    # ---- loading ----------------------------------------------------------------------------
    def refresh_documents(self) -> None:
        self.documents = self.service.documents(self.project_id)
        self.documentsChanged.emit()

    def reload_schema(self) -> None:
        schema = self.service.schema(self.project_id)
        if schema.to_dict() != self.schema.to_dict():
            self.schema = schema
            self.schemaChanged.emit(schema)

    @property
    def document_id(self) -> int | None:
        return self.view.document_id if self.view else None

    def open_document(self, document_id: int) -> None:
        view = self.service.load(document_id)
        if view.project_id != self.project_id:
            raise NotFoundError(f"document {document_id} is not in project "
                                f"{self.project_name!r}")
        self.view = view
        self.documentOpened.emit(view)

    def reload(self) -> LayerView | None:
        """Load the current layer again after an edit and tell the panels."""
        if self.view is None:
            return None
        self.view = self.service.load(self.view.document_id)
        self._update_summary()
        self.layerChanged.emit(self.view)
        return self.view

    def apply(self, changes: list | None) -> LayerView | None:
        """After an edit (or its undo/redo): patch the layer from the stored Changes instead
        of loading it again (1,000 spans: tens of ms); whatever the patch cannot follow is
        reloaded."""
        if self.view is None:
            return None
        if not changes:
            return self.reload()
        try:
            self.view = apply_changes(self.view, changes)
        except NeedsReload:
            return self.reload()
        self._update_summary()
        self.layerChanged.emit(self.view)
        return self.view

    def active_time_changed(self, document_id: int, total: int) -> None:
        """The document's row after its active time was stored."""
        from dataclasses import replace

        for i, d in enumerate(self.documents):
            if d.id == document_id:
                self.documents[i] = replace(d, active_seconds=total)
                self.documentUpdated.emit(self.documents[i])

    def _update_summary(self) -> None:
        """Refresh the current document's row from the loaded layer (no project query)."""
        v = self.view
        acc = [s for s in v.spans if s.state == "accepted"]
        row = DocumentSummary(
            v.document_id, v.title, v.status, len(acc),
            sum(r.state == "accepted" for r in v.relations),
            sum(e.state == "accepted" for e in v.events),
            sum(s.state == "suggested" for s in v.spans), len(v.text),
            next((d.active_seconds for d in self.documents if d.id == v.document_id), 0),
            tuple(v.accepted_categories))
        self.documents = [row if d.id == v.document_id else d for d in self.documents]
        self.documentUpdated.emit(row)  # one row redrawn, not the whole list

    # ---- errors: the one place a domain error becomes a message ------------------------------
    def attempt(self, fn: Callable[[], T], *, ok: str | None = None) -> T | None:
        """Run an edit; on a domain error say why in the status bar and change nothing.
        A stale or vanished label reloads the document so the view shows what is stored."""
        try:
            result = fn()
        except (StaleWriteError, NotFoundError) as exc:
            self.say(f"{exc} (document reloaded)", error=True)
            try:
                self.reload()
            except DomainError:
                pass
            return None
        except DomainError as exc:
            self.say(str(exc), error=True)
            return None
        if ok:
            self.say(ok)
        return result

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.emit(text, error)

    def tokens(self, document_id: int):
        """The document's stored tokens (made on first use); None, said in the status bar,
        when they cannot be had (the document was deleted meanwhile)."""
        return self.attempt(lambda: self.service.tokens(document_id))

    # ---- small look-ups -----------------------------------------------------------------------
    def span_text(self, span_id: int) -> str:
        sp = self.view.span(span_id) if self.view else None
        return self.view.text[sp.start:sp.end] if sp else ""

    def describe_span(self, span_id: int) -> str:
        sp = self.view.span(span_id) if self.view else None
        if sp is None:
            return f"span {span_id}"
        text = self.view.text[sp.start:sp.end].replace("\n", " ")
        if len(text) > 40:
            text = text[:37] + "..."
        return f"{sp.label} “{text}”"

    def label_keys(self) -> dict[str, str]:
        """key -> entity label or event type, from the schema."""
        out: dict[str, str] = {}
        for item in list(self.schema.entities) + list(self.schema.events):
            if item.key:
                out[item.key] = item.name
        return out

    def event_of_trigger(self, span_id: int) -> Any:
        return next((e for e in (self.view.events if self.view else [])
                     if e.trigger_id == span_id), None)
