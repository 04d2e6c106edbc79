"""Search across a project: text, a regular expression or a spaCy token pattern.

Matches come with their context and the labels of one layer found at them (spans that
overlap the match), optionally only in documents of a status and only where a label of a
given name lies. The bulk actions over the results (label them, relabel or delete the labels
found) are planned here too, as typed operations (models/operations) for Service.run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.errors import ValidationError
from models.operations import CreateSpan, DeleteSpan, Operation, RelabelSpan
from models.orm import Document, Layer, Span

MODES = ("text", "regex", "tokens")
CONTEXT = 40  # characters of context shown either side of a match
FINISHED = ("done", "approved")
LIVE_STATES = ("accepted", "suggested")  # a rejected suggestion is no label at a place


@dataclass(frozen=True)
class Query:
    pattern: str
    mode: str = "text"  # text | regex | tokens (spaCy Matcher pattern JSON)
    case_sensitive: bool = False
    whole_word: bool = True  # text mode: not inside a longer word
    label: str | None = None  # only matches where a label of this name lies
    status: str | None = None  # only documents whose layer has this status (or "finished")


@dataclass(frozen=True)
class FoundLabel:
    span_id: int
    label: str
    start: int
    end: int
    state: str
    version: int


@dataclass
class Match:
    document_id: int
    title: str
    start: int
    end: int
    text: str
    before: str  # context
    after: str
    labels: list[FoundLabel] = field(default_factory=list)


@dataclass
class SearchResult:
    query: Query
    matches: list[Match] = field(default_factory=list)
    documents_searched: int = 0

    def per_document(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for m in self.matches:
            out[m.document_id] = out.get(m.document_id, 0) + 1
        return out


Finder = Callable[[str], Iterator[tuple[int, int]]]


def finder(query: Query, make_doc: Callable | None = None) -> Finder:
    """A function text -> (start, end) of every match; ValidationError for a bad pattern."""
    if query.mode not in MODES:
        raise ValidationError(f"search mode must be one of {', '.join(MODES)}, "
                              f"not {query.mode!r}")
    if not query.pattern.strip():
        raise ValidationError("nothing to search for")
    flags = 0 if query.case_sensitive else re.IGNORECASE
    if query.mode == "text":
        body = re.escape(query.pattern)
        rx = re.compile(rf"(?<!\w){body}(?!\w)" if query.whole_word else body, flags)
    elif query.mode == "regex":
        try:
            rx = re.compile(query.pattern, flags)
        except re.error as exc:
            raise ValidationError(f"regular expression {query.pattern!r}: {exc}") from None
    else:
        return _token_finder(query.pattern, make_doc)

    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in rx.finditer(text):
            if m.end() > m.start():  # an empty match marks no place
                yield m.start(), m.end()

    return find


def _token_finder(pattern_json: str, make_doc: Callable | None) -> Finder:
    """spaCy's Matcher over the tokenizer (no model: attributes that need one are refused)."""
    import spacy
    from spacy.matcher import Matcher

    try:
        pattern = json.loads(pattern_json)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"token pattern is not JSON: {exc}") from None
    if isinstance(pattern, list) and pattern and all(isinstance(p, dict) for p in pattern):
        pattern = [pattern]  # one pattern given as a list of token dicts
    if not (isinstance(pattern, list) and pattern and all(isinstance(p, list) for p in pattern)):
        raise ValidationError("token pattern must be a list of token objects, e.g. "
                              '[{"LOWER": "new"}, {"IS_TITLE": true}]')
    if make_doc is None:
        make_doc = spacy.blank("en").make_doc
    matcher = Matcher(make_doc("").vocab, validate=True)
    try:
        matcher.add("SEARCH", pattern)
    except (ValueError, TypeError) as exc:  # spaCy's MatchPatternError is a ValueError
        raise ValidationError(f"token pattern: {' '.join(str(exc).split())}") from None

    def find(text: str) -> Iterator[tuple[int, int]]:
        doc = make_doc(text)
        try:
            found = matcher(doc, as_spans=True)
        except ValueError as exc:  # e.g. POS or LEMMA without a pipeline that sets them
            raise ValidationError(f"token pattern: {' '.join(str(exc).split())}") from None
        for sp in spacy.util.filter_spans(found):  # longest, non-overlapping
            yield sp.start_char, sp.end_char

    return find


def _status_ok(status: str, wanted: str | None) -> bool:
    if not wanted or wanted == "all":
        return True
    return status in FINISHED if wanted == "finished" else status == wanted


def search(s: Session, project_id: int, layer_name: str, query: Query, *,
           progress: Callable[[int, int], None] | None = None,
           make_doc: Callable | None = None, batch: int = 200) -> SearchResult:
    """Every match of `query` in the project's documents, with the labels of `layer_name`
    found at each (spans overlapping it). `progress(done, total)` may raise to cancel."""
    find = finder(query, make_doc)
    result = SearchResult(query)
    layers = {doc_id: (lid, status) for doc_id, lid, status in s.execute(
        select(Layer.document_id, Layer.id, Layer.status)
        .join(Document, Document.id == Layer.document_id)
        .where(Document.project_id == project_id, Layer.name == layer_name))}
    doc_ids = [d for d in s.scalars(select(Document.id).where(Document.project_id == project_id)
                                    .order_by(Document.id))
               if _status_ok(layers.get(d, (None, "new"))[1], query.status)]
    for i in range(0, len(doc_ids), batch):
        if progress:
            progress(i, len(doc_ids))
        chunk = doc_ids[i:i + batch]
        texts = s.execute(select(Document.id, Document.title, Document.text)
                          .where(Document.id.in_(chunk)).order_by(Document.id)).all()
        lids = [layers[d][0] for d in chunk if d in layers]
        spans: dict[int, list] = {}
        if lids:
            for row in s.execute(select(Span.layer_id, Span.id, Span.label, Span.start, Span.end,
                                        Span.state, Span.version)
                                 .where(Span.layer_id.in_(lids), Span.state.in_(LIVE_STATES))
                                 .order_by(Span.start, Span.id)):
                spans.setdefault(row.layer_id, []).append(row)
        for doc_id, title, text in texts:
            result.documents_searched += 1
            held = spans.get(layers[doc_id][0], []) if doc_id in layers else []
            for a, b in find(text):
                found = [FoundLabel(r.id, r.label, r.start, r.end, r.state, r.version)
                         for r in held if r.start < b and a < r.end]
                if query.label:
                    found = [f for f in found if f.label == query.label]
                    if not found:
                        continue
                result.matches.append(Match(
                    doc_id, title, a, b, text[a:b],
                    text[max(0, a - CONTEXT):a].replace("\n", " "),
                    text[b:b + CONTEXT].replace("\n", " "), found))
    if progress:
        progress(len(doc_ids), len(doc_ids))
    return result


# ---- bulk actions over the results -------------------------------------------------------------

@dataclass
class Plan:
    """What a bulk action would do: the Service operations, and what it leaves alone."""

    operations: list[Operation]
    documents: int  # documents whose labels change
    left_alone: int  # matches or labels the action does not touch, and why in `why`
    why: str = ""

    def preview(self, verb: str) -> str:
        n = len(self.operations)
        head = f"{verb} {n} label(s) in {self.documents} document(s)"
        return head + (f"; {self.left_alone} {self.why}" if self.left_alone else "")


def plan_label(matches: list[Match], label: str) -> Plan:
    """Create a `label` span at each match, except where a label already lies (overlapping:
    relabel those instead) or where an earlier match of the same plan overlaps."""
    ops, docs, skipped = [], set(), 0
    taken: dict[int, list[tuple[int, int]]] = {}
    for m in matches:
        places = taken.setdefault(m.document_id, [])
        if m.labels or any(a < m.end and m.start < b for a, b in places):
            skipped += 1
            continue
        places.append((m.start, m.end))
        ops.append(CreateSpan(m.document_id, m.start, m.end, label))
        docs.add(m.document_id)
    return Plan(ops, len(docs), skipped, "match(es) already labeled there, left alone")


def _found(matches: list[Match]) -> list[tuple[int, FoundLabel]]:
    seen, out = set(), []
    for m in matches:
        for f in m.labels:
            if f.span_id not in seen:
                seen.add(f.span_id)
                out.append((m.document_id, f))
    return out


def plan_relabel(matches: list[Match], label: str) -> Plan:
    ops, docs, same = [], set(), 0
    for doc_id, f in _found(matches):
        if f.label == label:
            same += 1
            continue
        ops.append(RelabelSpan(f.span_id, label, expected_version=f.version))
        docs.add(doc_id)
    return Plan(ops, len(docs), same, f"label(s) already {label}, left alone")


def plan_delete(matches: list[Match]) -> Plan:
    found = _found(matches)
    ops = [DeleteSpan(f.span_id, expected_version=f.version) for _d, f in found]
    return Plan(ops, len({d for d, _f in found}), 0)
