"""The Suggester protocol: what every suggester (the spaCy NER, the patterns, the dependency
rules) implements, and what it proposes.

A suggester is built once per run from the run's `Setup` (its module's `build(setup)`,
listed in models/suggest/suggesters.py; None when it has nothing to do for this project) and
then asked, document by document, for suggestions:

    suggest(doc, context) -> Iterable[Suggestion]

`doc` is the parsed spaCy Doc. `context` (models/suggest/analyze.Context) is what is known of
the document so far: the candidate entities (stored or suggested by an earlier suggester),
which places are taken, the entity at each token. The Analyzer stores each suggestion as it
is yielded (trimmed, deduplicated, held to the overlap policy), so a later suggestion of the
same run sees the earlier ones.

References (`ref`) name entities: an index into `context.entities` gives its ref.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, Union

from models.schema import Schema


@dataclass(frozen=True, slots=True)
class SpanSuggestion:
    """An entity over tokens [start, end) of the Doc (trimmed of edge punctuation on store)."""

    start: int
    end: int
    label: str
    score: float | None = None


@dataclass(frozen=True, slots=True)
class EventSuggestion:
    """An event: its trigger at characters [start, end), a type, and (role, entity ref)
    arguments."""

    start: int
    end: int
    type: str
    arguments: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RelationSuggestion:
    head: int  # entity refs
    tail: int
    label: str


@dataclass(frozen=True, slots=True)
class CategorySuggestion:
    """A category of the whole document (a schema category's name) and the model's score."""

    name: str
    score: float | None = None


Suggestion = Union[SpanSuggestion, EventSuggestion, RelationSuggestion, CategorySuggestion]


class Suggester(Protocol):
    name: str  # stored with each suggestion (`suggester`): the pipeline, "rules", "labels"...
    source: str  # "model" or "pattern"
    # May its spans overlap one another? The NER's doc.ents never do, so a run with only the
    # NER and an empty layer skips the overlap check.
    overlapping: bool

    def suggest(self, doc: Any, context: Any) -> Iterable[Suggestion]: ...


@dataclass
class Setup:
    """What the suggesters of one run are built from, read and checked before any document."""

    nlp: Any
    pipeline_name: str
    schema: Schema
    mapping: dict[str, str]  # pipeline label -> schema label
    patterns: str | None = None  # a JSONL patterns file
    terms: list[tuple[str, str]] = field(default_factory=list)  # (text, label) accepted
    use_model: bool = True
    # a textcat score at or above this suggests the category (project setting
    # "textcat_threshold")
    textcat_threshold: float = 0.5

    def has(self, component: str) -> bool:
        """Does the pipeline have this component (or one named after it, e.g. a parser)?"""
        names = self.nlp.pipe_names
        return component in names or any(component in name for name in names)
