"""What review hands to views and the CLI: plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.review.places import Annotations, Conflict, GoldSeen
from models.views import LayerView


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a document as a layer list shows it."""

    name: str
    status: str
    version: int
    spans: int
    relations: int
    events: int
    suggestions: int
    is_gold: bool = False
    is_own: bool = False


@dataclass
class ReviewView:
    """Everything the review mode draws for one document."""

    document_id: int
    project_id: int
    title: str
    text: str
    annotators: list[str]
    layers: dict[str, LayerView]  # annotator name -> layer
    gold: LayerView
    conflicts: list[Conflict] = field(default_factory=list)
    agreed_open: int = 0  # labels every annotator gave that gold has not decided yet
    gold_status: str = "new"
    marker: int = 0  # change marker when loaded (see Service.change_marker)
    # the annotators' labels and places as review compared them: an update after a
    # decision, which writes only gold, reuses them (Service.review_update)
    annotations: Annotations | None = None
    # gold and the decisions as review compared them (handed back with a decision)
    seen: GoldSeen | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ReviewUpdate:
    """What a decision changes in a review besides gold's layer: the conflicts' states."""

    conflicts: list[Conflict]
    agreed_open: int
    marker: int
    seen: GoldSeen | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ReviewSummary:
    """A document's review as a project's listing shows it (`marginalia review --project P`):
    ReviewView without the layers, made for every document from one read of the project."""

    document_id: int
    title: str
    text: str
    annotators: list[str]
    gold_status: str
    conflicts: list[Conflict]  # open and decided, in text order
    agreed_open: int
