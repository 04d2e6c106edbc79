"""One parsed Doc -> suggestions: the project's suggesters run in turn (suggesters.py), and
each suggestion is stored as it comes (trimmed, deduplicated, held to the overlap policy).

Pure computation, no database: the runner hands in the spans the layer already has and
gets back plain tuples the writer stores in bulk. Per-entity work is kept small since this
runs on every entity of every article.

References between suggestions: a `ref` >= 0 is the index of a span suggested for the same
document; a `ref` < 0 is `-id` of a span already stored in the layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import rules
from models.schema import Schema
from models.suggest.suggester import (
    CategorySuggestion, EventSuggestion, RelationSuggestion, SpanSuggestion, Suggester)
from models.suggest.trim import trim


@dataclass(slots=True)
class DocSuggestions:
    document_id: int
    # (start, end, label, source, suggester, score)
    spans: list[tuple] = field(default_factory=list)
    # (head ref, tail ref, label, suggester)
    relations: list[tuple] = field(default_factory=list)
    # (trigger ref, type, suggester, [(role, ref), ...])
    events: list[tuple] = field(default_factory=list)
    # (category, source, suggester, score): the document's categories
    categories: list[tuple] = field(default_factory=list)
    skipped: int = 0  # suggestions whose offsets the layer already has (any state)


def conflicts(policy: dict[str, str], st: int, en: int, label: str, kept_all,
              kept_restricted) -> bool:
    """Would this span break an overlap policy (none/nest) against one already kept?"""
    mine = policy.get(label, "allow")
    pool = kept_all if mine != "allow" else kept_restricted
    for ost, oen, olabel in pool:
        if ost < en and oen > st and rules.breaks(mine, policy.get(olabel, "allow"),
                                                  rules.nested(st, en, ost, oen)):
            return True
    return False


class Context:
    """What is known of one document while its suggesters run."""

    __slots__ = ("_at", "_first", "_policy", "_restricted", "check", "doc", "entities",
                 "kept_all", "kept_restricted", "occupied", "out", "stored", "text")

    def __init__(self, analyzer: Analyzer, doc, document_id: int, existing: list[tuple]):
        self.doc, self.text = doc, doc.text
        self.out = DocSuggestions(document_id)
        self._policy, self._restricted = analyzer.policy, analyzer.restricted
        self.occupied = {(st, en) for _, st, en, _, _ in existing}
        self.stored = frozenset(self.occupied)
        # entity spans that may take part in relations and events: (ref, start, end, label,
        # token start, token end)
        self.entities: list[tuple[int, int, int, str, int, int]] = []
        self.kept_all: list[tuple[int, int, str]] = []
        self.kept_restricted: list[tuple[int, int, str]] = []
        self._at: list[int | None] | None = None
        # the overlap policy is checked once something could break it: a stored span, a
        # suggester whose spans overlap, or a second suggester's spans
        self.check = bool(existing)
        self._first: Suggester | None = None
        labels = analyzer.entity_labels
        for sid, st, en, label, state in existing:
            if state != "rejected" and label in labels:
                self.kept_all.append((st, en, label))
                if label in self._restricted:
                    self.kept_restricted.append((st, en, label))
                tok = doc.char_span(st, en, alignment_mode="expand")
                if tok is not None:
                    self.entities.append((-sid, st, en, label, tok.start, tok.end))

    # ---- what suggesters read ------------------------------------------------------------
    def taken(self, start: int, end: int) -> bool:
        return (start, end) in self.occupied

    @property
    def entity_at(self) -> list[int | None]:
        """Token index -> index into `entities` of the first entity covering it."""
        if self._at is None:
            at: list[int | None] = [None] * len(self.doc)
            for i, (_, _, _, _, ts, te) in enumerate(self.entities):
                for t in range(ts, te):
                    if at[t] is None:
                        at[t] = i
            self._at = at
        return self._at

    # ---- storing what they suggest -------------------------------------------------------
    def add_span(self, item: SpanSuggestion, by: Suggester) -> None:
        doc = self.doc
        first, last = doc[item.start], doc[item.end - 1]
        st, en = trim(self.text, first.idx, last.idx + len(last.text))
        if st >= en:
            return
        if (st, en) in self.occupied:
            self.out.skipped += (st, en) in self.stored
            return
        if not self.check:
            if by.overlapping or (self._first is not None and self._first is not by):
                self.check = True
            else:
                self._first = by
        label = item.label
        if self.check and conflicts(self._policy, st, en, label, self.kept_all,
                                    self.kept_restricted):
            return
        spans = self.out.spans
        self.occupied.add((st, en))
        self.entities.append((len(spans), st, en, label, item.start, item.end))
        self._at = None
        spans.append((st, en, label, by.source, by.name, item.score))
        self.kept_all.append((st, en, label))
        if label in self._restricted:
            self.kept_restricted.append((st, en, label))

    def add_event(self, item: EventSuggestion, by: Suggester) -> None:
        if (item.start, item.end) in self.occupied:
            return
        out = self.out
        self.occupied.add((item.start, item.end))
        out.events.append((len(out.spans), item.type, by.name, list(item.arguments)))
        out.spans.append((item.start, item.end, item.type, by.source, by.name, None))

    def add_relation(self, item: RelationSuggestion, by: Suggester) -> None:
        self.out.relations.append((item.head, item.tail, item.label, by.name))


    def add_category(self, item: CategorySuggestion, by: Suggester) -> None:
        self.out.categories.append((item.name, by.source, by.name, item.score))


_ADD = {SpanSuggestion: Context.add_span, EventSuggestion: Context.add_event,
        RelationSuggestion: Context.add_relation, CategorySuggestion: Context.add_category}


class Analyzer:
    """Runs the project's suggesters over one Doc after another."""

    def __init__(self, nlp, pipeline_name: str, schema: Schema, suggesters: list[Suggester]):
        self.nlp = nlp
        self.pipeline_name = pipeline_name
        self.schema = schema
        self.suggesters = list(suggesters)
        self.entity_labels = set(schema.entity_names)
        self.restricted = {e.name for e in schema.entities if e.overlap != "allow"}
        self.policy = rules.policies(schema)

    def analyze(self, doc, document_id: int, existing: list[tuple]) -> DocSuggestions:
        """`existing`: (id, start, end, label, state) of the spans the layer already has."""
        context = Context(self, doc, document_id, existing)
        for suggester in self.suggesters:
            for item in suggester.suggest(doc, context):
                _ADD[type(item)](context, item, suggester)
        return context.out
