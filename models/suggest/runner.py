"""The suggest job: documents in batches through nlp.pipe, analysis, and the writer thread.

    report = run_suggest(service, project, model=None, documents="all",
                         progress=lambda done, total, batch: ..., cancel=lambda: False)

Everything that can be wrong with the input (the pipeline, the label mapping, the patterns
file) is checked before the first document is read, so a bad input stores nothing.
Cancelling is checked between batches: the batches already stored stay, the batch in hand
is dropped whole. The loaded pipeline is shared per process; run one job per pipeline at a
time (the window's jobs do).

Parsing uses every core: spaCy's `nlp.pipe(n_process=...)` forks workers that share the
loaded pipeline and hand the parsed Docs back in input order; analysis and the one writer
stay in this process, so suggestions are stored in document order, as with one process.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from models.errors import ValidationError
from models.orm import Document, Layer, Span
from models.services.layers import schema_for
from models.suggest import mapping as label_mapping
from models.suggest import patterns as pattern_files
from models.suggest import pipeline as pipelines
from models.suggest import suggesters, textcat
from models.suggest.analyze import Analyzer
from models.suggest.suggester import Setup
from models.suggest.writer import BatchResult, BatchWriter

DOCUMENT_CHOICES = ("all", "unlabeled")
ProgressFn = Callable[[int, int, BatchResult], None]


@dataclass
class SuggestReport:
    project: str
    pipeline: str
    documents: int = 0  # documents processed and stored
    total: int = 0  # documents chosen
    spans: int = 0
    relations: int = 0
    events: int = 0
    categories: int = 0  # document categories suggested
    skipped: int = 0
    refused: int = 0  # broke a rule of the schema against the layer (an overlap policy...)
    by_suggester: dict[str, dict[str, int]] = field(default_factory=dict)
    cancelled: bool = False
    seconds: float = 0.0

    def add(self, batch: BatchResult) -> None:
        self.documents += batch.documents
        self.spans += batch.spans
        self.relations += batch.relations
        self.events += batch.events
        self.categories += batch.categories
        self.skipped += batch.skipped
        self.refused += batch.refused
        for name, row in batch.by_suggester.items():
            mine = self.by_suggester.setdefault(name, {"spans": 0, "relations": 0,
                                                       "events": 0})
            for kind, n in row.items():
                mine[kind] = mine.get(kind, 0) + n


@dataclass
class Plan:
    """What a run needs, read and checked before any document is processed."""

    project_id: int
    project_name: str
    actor: object
    analyzer: Analyzer
    document_ids: list[int]
    existing: dict[int, list[tuple]]


def prepare(service, project: str | int, *, model: str | None = None,
            patterns: str | None = None, documents: str = "all",
            document_ids: list[int] | None = None, use_model: bool = True,
            threshold: float | None = None) -> Plan:
    if documents not in DOCUMENT_CHOICES:
        raise ValidationError(f"--documents takes {' or '.join(DOCUMENT_CHOICES)}")
    if model and model.lower().endswith(".jsonl"):
        patterns, model = model, None  # --model FILE.jsonl: a patterns file for this run
    with service.store.session() as s:
        actor = service._actor(s)
        from models.orm import Project
        from models.services.projects import get_project

        proj = s.get(Project, project) if isinstance(project, int) else get_project(s, project)
        if proj is None:
            raise ValidationError(f"no project with id {project}")
        settings = dict(proj.settings or {})
        schema = schema_for(s, proj.id)
        ids = _choose(s, proj.id, actor.name, documents, document_ids)
        existing = _existing(s, actor.name, ids)
        terms = _accepted_terms(s, proj.id, schema.entity_names)
        project_id, project_name = proj.id, proj.name
    nlp, name = pipelines.load(pipelines.project_pipeline(settings, model))
    mapping = label_mapping.effective(schema, settings, pipelines.ner_labels(nlp))
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ValidationError(f"the textcat threshold must be in [0, 1], not {threshold}")
    setup = Setup(nlp, name, schema, mapping, terms=terms, use_model=use_model,
                  patterns=patterns or settings.get(pattern_files.SETTING),
                  textcat_threshold=threshold if threshold is not None
                  else textcat.threshold_of(settings))
    analyzer = Analyzer(nlp, name, schema, suggesters.build_all(setup))
    return Plan(project_id, project_name, actor, analyzer, ids, existing)


def _choose(s, project_id: int, layer: str, documents: str,
            only: list[int] | None) -> list[int]:
    q = select(Document.id).where(Document.project_id == project_id).order_by(Document.id)
    if only is not None:
        q = q.where(Document.id.in_(list(only)))
    if documents == "unlabeled":  # nothing accepted in the acting user's layer yet
        labeled = (select(Layer.document_id).join(Span, Span.layer_id == Layer.id)
                   .where(Layer.name == layer, Span.state == "accepted"))
        q = q.where(Document.id.not_in(labeled))
    ids = list(s.scalars(q))
    if only is not None:
        missing = set(only) - set(ids)
        if missing and documents == "all":
            raise ValidationError(f"document {min(missing)} is not in this project")
    return ids


def _existing(s, layer: str, ids: list[int]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = {}
    for chunk in _chunks(ids, 5000):
        for doc_id, sid, st, en, label, state in s.execute(
                select(Layer.document_id, Span.id, Span.start, Span.end, Span.label, Span.state)
                .join(Span, Span.layer_id == Layer.id)
                .where(Layer.name == layer, Layer.document_id.in_(chunk))):
            out.setdefault(doc_id, []).append((sid, st, en, label, state))
    return out


def _accepted_terms(s, project_id: int, labels: list[str]) -> list[tuple[str, str]]:
    """(text, label) of every entity label accepted in the project, once each."""
    text = func.substr(Document.text, Span.start + 1, Span.end - Span.start)
    rows = s.execute(select(distinct(text), Span.label)
                     .join(Layer, Layer.id == Span.layer_id)
                     .join(Document, Document.id == Layer.document_id)
                     .where(Document.project_id == project_id, Span.state == "accepted",
                            Span.label.in_(labels)))
    return sorted((t, label) for t, label in rows if t and t.strip())


def _chunks(items: list, n: int) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _texts(store, ids: list[int], page: int = 256) -> Iterator[tuple[str, int]]:
    for chunk in _chunks(ids, page):
        with store.session() as s:
            texts = dict(s.execute(select(Document.id, Document.text)
                                   .where(Document.id.in_(chunk))).all())
        for doc_id in chunk:
            yield texts[doc_id], doc_id


def cores() -> int:
    """The cores this process may run on (a container or taskset may give it fewer)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(documents: int, batch_size: int, processes: int | None) -> int:
    """How many processes parse: every core (or `processes`), but no more than there are
    whole batches, since a worker costs a fork and a start-up (one document: no worker)."""
    wanted = cores() if processes is None else processes
    return max(1, min(wanted, documents // max(batch_size, 1)))


def _parsed(nlp, texts: Iterable[tuple[str, int]], batch_size: int,
            n_process: int) -> Iterator[tuple[object, int]]:
    """(Doc, document id) in input order. The texts go to spaCy bare: with `as_tuples` it
    would tokenize each text here, in the parent, to carry the id along."""
    ids: deque[int] = deque()

    def bare() -> Iterator[str]:
        for text, doc_id in texts:
            ids.append(doc_id)
            yield text

    docs = nlp.pipe(bare(), batch_size=batch_size, n_process=n_process)
    try:
        for doc in docs:
            yield doc, ids.popleft()
    finally:
        docs.close()  # a cancelled run: spaCy stops its workers now, not when collected


def execute(service, plan: Plan, *, batch_size: int = 32, progress: ProgressFn | None = None,
            cancel: Callable[[], bool] | None = None,
            processes: int | None = None) -> SuggestReport:
    started = time.perf_counter()
    analyzer = plan.analyzer
    report = SuggestReport(plan.project_name, analyzer.pipeline_name,
                           total=len(plan.document_ids))
    writer = BatchWriter(service.store, plan.actor, plan.project_id)

    def drain() -> None:
        for batch in writer.results():
            report.add(batch)
            if progress:
                progress(report.documents, report.total, batch)

    n_process = worker_count(len(plan.document_ids), batch_size, processes)
    stream = _parsed(analyzer.nlp, _texts(service.store, plan.document_ids), batch_size,
                     n_process)
    try:
        batch = []
        for doc, doc_id in stream:
            item = analyzer.analyze(doc, doc_id, plan.existing.get(doc_id, ()))
            report.skipped += item.skipped
            batch.append(item)
            if len(batch) >= batch_size:
                if cancel and cancel():
                    report.cancelled = True
                    batch = []
                    break
                writer.put(batch)
                batch = []
                drain()
        if batch:
            if cancel and cancel():
                report.cancelled = True
            else:
                writer.put(batch)
    finally:
        stream.close()
        writer.close()
    drain()
    writer.raise_error()
    report.seconds = time.perf_counter() - started
    return report


def run_suggest(service, project: str | int, *, model: str | None = None,
                patterns: str | None = None, documents: str = "all",
                document_ids: list[int] | None = None, batch_size: int = 32,
                progress: ProgressFn | None = None,
                cancel: Callable[[], bool] | None = None,
                processes: int | None = None, threshold: float | None = None) -> SuggestReport:
    plan = prepare(service, project, model=model, patterns=patterns, documents=documents,
                   document_ids=document_ids, threshold=threshold)
    return execute(service, plan, batch_size=batch_size, progress=progress, cancel=cancel,
                   processes=processes)
