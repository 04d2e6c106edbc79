"""Plain dataclasses that cross the borders of the core.

Formats read into and write from these records; views receive them instead of live ORM
objects. Offsets are Python string indices (code points), `[start, end)`.

Within one DocumentRecord, spans and events carry a local `id` (any string unique in the
document) so that relations and event arguments can point at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SPAN_STATES = ("suggested", "accepted", "rejected")
SPAN_SOURCES = ("manual", "model", "pattern", "import")
ANSWERS = ("accept", "reject", "ignore")
TASK_KINDS = ("manual", "binary")


@dataclass
class SpanRecord:
    start: int
    end: int
    label: str
    id: str = ""
    # Discontinuous spans (brat): the fragments in order; start/end cover them all.
    fragments: list[tuple[int, int]] | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    kb_id: str | None = None
    state: str = "accepted"
    source: str = "import"
    score: float | None = None
    note: str | None = None
    # The index in DocumentRecord.tasks of the task the span came with, and the span's own
    # answer there (accept | reject | ignore, None when it had none).
    task: int | None = None
    answer: str | None = None
    # Other tasks that hold the same span (a layer stores it once), as (task index, the
    # span's own answer there, what that task said of it that has no field: as `extra`)
    other_tasks: list[tuple[int, str | None, dict[str, Any]]] = field(default_factory=list)
    # what a format said that has no field here, kept to be written back (brat: "notes"
    # [[type, text, on]], "norms" [[type, ref, text]], "m" attribute names written as M)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RelationRecord:
    head: str
    tail: str
    label: str
    id: str = ""
    state: str = "accepted"
    source: str = "import"
    score: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # brat: "notes", "attributes"
    task: int | None = None


@dataclass
class CategoryRecord:
    """A category of the whole document: accepted (it applies), rejected (someone said it
    does not: a rejected Prodigy textcat task) or suggested (with the suggester's score).
    One per name in a DocumentRecord."""

    name: str
    state: str = "accepted"
    source: str = "import"
    score: float | None = None
    task: int | None = None  # the index in DocumentRecord.tasks of the task it came with
    extra: dict[str, Any] = field(default_factory=dict)  # what a format keeps to write back


@dataclass
class TaskRecord:
    """One annotation task as a labeled format gave it (a Prodigy line): its answer
    (accept | reject | ignore, or None), its kind (manual: every entity marked; binary:
    suggestions accepted or rejected one by one, as ner.teach) and every other top-level
    field, kept as given so that the task is written back as itself."""

    answer: str | None = None
    kind: str = "manual"
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class ArgumentRecord:
    role: str
    target: str  # the local id of a span or of another event


@dataclass
class EventRecord:
    trigger: str  # the local id of the trigger span
    type: str
    id: str = ""
    arguments: list[ArgumentRecord] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    state: str = "accepted"
    source: str = "import"
    score: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # brat: "notes", "m"


@dataclass
class Tokenization:
    """The tokens of one text: [starts[i], ends[i]) in code points, in order, not overlapping.

    White-space tokens (spaCy's "\n" or runs of spaces) may be among them; whoever snaps or
    tags skips them (`content`). `sentences`: token indices where sentences start, None when
    unknown. `columns`: what a CoNLL file carries besides token and tag ("extra": the columns
    between them, one list per token; "docstart": the document's -DOCSTART- line).
    `source`: "file" (the labeled file brought them) or "spacy" (the project's tokenizer)."""

    starts: list[int]
    ends: list[int]
    sentences: list[int] | None = None
    columns: dict[str, Any] | None = None
    source: str = "file"
    made_by: str = ""

    def __len__(self) -> int:
        return len(self.starts)

    def content(self, text: str) -> list[int]:
        """Indices of the tokens that are not white space only."""
        return [i for i, (s, e) in enumerate(zip(self.starts, self.ends))
                if not text[s:e].isspace()]


@dataclass
class DocumentRecord:
    text: str
    title: str = ""
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # Where the record came from, for error messages: (file, line or None).
    origin: tuple[str, int | None] = ("", None)
    # Whose layer the labels land in; None means the importing user's choice (--annotator).
    annotator: str | None = None
    status: str | None = None
    # The annotator's active time on the document in this layer, in seconds (window open
    # and active, idle time left out); None: the format did not say.
    active_seconds: int | None = None
    spans: list[SpanRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    # The document's categories (topic, stance...), by name: on import, those of the layer
    # the labels land in; on export, those of the layer written, accepted and rejected
    # (suggestions only when asked for)
    categories: list[CategoryRecord] = field(default_factory=list)
    # The tasks the labels came with (spans and relations point here by index); empty for
    # formats without tasks and for labels made in the app.
    tasks: list[TaskRecord] = field(default_factory=list)
    # Stable id of the document in the store (set on export; ignored on import).
    doc_id: int | None = None
    # The document's tokens: those its file brought (kept on import), or the stored ones (on
    # export). None: whoever needs tokens makes them with a spaCy tokenizer.
    tokens: Tokenization | None = None

    @property
    def where(self) -> str:
        """file:line (or the file, or the title) for messages about this record."""
        path, line = self.origin
        return f"{path}:{line}" if line is not None else (path or self.title or "document")

    @property
    def binary(self) -> bool:
        """Whether the labels are incomplete: the record has tasks and none is a manual task
        answered accept (binary tasks say something about their own spans only; a rejected,
        ignored or unanswered task says nothing about the rest of the text)."""
        return bool(self.tasks) and not any(t.kind == "manual" and t.answer == "accept"
                                            for t in self.tasks)

    @property
    def has_labels(self) -> bool:
        return bool(self.spans or self.relations or self.events or self.categories)

    def labels_used(self) -> dict[str, set[str]]:
        """The label names this record uses, by kind, for schema checks on import."""
        return {
            "entities": {s.label for s in self.spans},
            "relations": {r.label for r in self.relations},
            "events": {e.type for e in self.events},
            "roles": {a.role for e in self.events for a in e.arguments},
            "categories": {c.name for c in self.categories},
        }
