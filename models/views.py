"""What the service layer hands to views and the CLI: plain dataclasses, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SpanView:
    id: int
    start: int
    end: int
    label: str
    state: str = "accepted"
    source: str = "manual"
    suggester: str | None = None
    score: float | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    kb_id: str | None = None
    note: str | None = None
    fragments: tuple[tuple[int, int], ...] | None = None
    version: int = 1


@dataclass(frozen=True)
class RelationView:
    id: int
    head_id: int
    tail_id: int
    label: str
    state: str = "accepted"
    source: str = "manual"
    suggester: str | None = None
    score: float | None = None
    version: int = 1


@dataclass(frozen=True)
class ArgumentView:
    id: int
    role: str
    span_id: int | None = None
    event_id: int | None = None  # the target event, when the argument is an event


@dataclass(frozen=True)
class EventView:
    id: int
    trigger_id: int
    type: str
    arguments: tuple[ArgumentView, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    state: str = "accepted"
    source: str = "manual"
    suggester: str | None = None
    score: float | None = None
    version: int = 1


@dataclass(frozen=True)
class CategoryView:
    """A category of the whole document in one layer (models.orm.DocumentCategory)."""

    id: int
    category: str
    state: str = "accepted"
    source: str = "manual"
    suggester: str | None = None
    score: float | None = None
    version: int = 1


@dataclass(frozen=True)
class CommentView:
    id: int
    target_kind: str
    target_id: int | None
    user: str
    text: str
    at: str


@dataclass
class LayerView:
    """One layer of one document, everything a document view draws."""

    document_id: int
    project_id: int
    title: str
    text: str
    layer_id: int | None
    layer_name: str
    status: str
    version: int
    spans: list[SpanView] = field(default_factory=list)
    relations: list[RelationView] = field(default_factory=list)
    events: list[EventView] = field(default_factory=list)
    comments: list[CommentView] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    # the document's categories in this layer, by name (every state)
    categories: list[CategoryView] = field(default_factory=list)

    def span(self, span_id: int) -> SpanView | None:
        return next((s for s in self.spans if s.id == span_id), None)

    def category(self, name: str) -> CategoryView | None:
        return next((c for c in self.categories if c.category == name), None)

    @property
    def accepted_categories(self) -> list[str]:
        return [c.category for c in self.categories if c.state == "accepted"]


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    title: str
    status: str
    spans: int
    relations: int
    events: int
    suggestions: int
    chars: int
    active_seconds: int = 0  # the layer's active annotation time
    categories: tuple[str, ...] = ()  # the layer's accepted document categories, by name


@dataclass(frozen=True)
class ProjectSummary:
    id: int
    name: str
    documents: int
    schema_version: int
    created_at: str


@dataclass
class Change:
    """What one operation changed: enough to redraw, and to undo by its inverse."""

    action: str  # create | update | delete | restore
    kind: str  # span | relation | event | argument | category | layer | comment | schema
    #            | document
    id: int | None
    document_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    children: list[Change] = field(default_factory=list)
    # the models.operations.Operation that undoes this change exactly (None: not undoable,
    # e.g. a comment); set by the operation that made the change
    inverse: Any = None
