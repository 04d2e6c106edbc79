"""Model in the loop: train a spaCy NER (and a spancat when labels overlap) from the labels
people accepted, and a text classifier from the document categories they decided
(`textcat` for one exclusive group, else `textcat_multilabel`: models/cats.py), evaluate
them per label and per category, and make the pipeline a suggester of the project.

Data: for each document, its gold layer when that has accepted entity labels or decided
categories, else the acting user's layer (or only the layer named by `layer`). A document
with categories and no entity is no NER example (its entities are missing, not O); its
doc.cats follow models/cats.py (unknown categories of binary tasks left out). Split
train/dev with a seeded shuffle. Config: spaCy's own `init config` for a blank English pipeline, CPU, efficiency;
training runs in-process through spacy.training (no subprocess), quietly, with progress per
step and cancel through a `before_update` callback. Output, in OUT:
  corpus/train.spacy, corpus/dev.spacy, config.cfg, model-best/, model-last/, metrics.json
"""

from __future__ import annotations

import io
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from models.errors import DomainError, ValidationError
from models import cats as textcat
from models.orm import GOLD, Document, DocumentCategory, Layer, SourceTask, Span
from models.records import CategoryRecord, DocumentRecord, TaskRecord
from models.services.layers import schema_for

MIN_DOCUMENTS = 5
DEFAULT_MAX_STEPS = 600
SPANS_KEY = "sc"
_hooks = threading.local()


class TrainingCancelled(DomainError):
    """The user cancelled training: nothing was registered."""


@dataclass
class TrainReport:
    out: str
    model: str  # the directory of the trained pipeline (model-best)
    suggester: str  # its suggester name
    train_documents: int
    dev_documents: int
    components: list[str]
    labels: dict[str, dict[str, float]] = field(default_factory=dict)  # label -> p, r, f
    overall: dict[str, float] = field(default_factory=dict)
    steps: int = 0
    seconds: float = 0.0
    # document category -> p, r, f (the textcat's scores on dev); "(macro)": their mean
    categories: dict[str, dict[str, float]] = field(default_factory=dict)


def collect(s, project_id: int, actor_name: str, layer: str | None, labels: list[str],
            schema=None) -> list[tuple[str, list[tuple[int, int, str]], dict[str, float]]]:
    """(text, [(start, end, label)], doc.cats) of every document with accepted entity labels
    or decided categories."""
    names = [layer] if layer else [GOLD, actor_name]
    rows = s.execute(select(Layer.document_id, Layer.name, Span.start, Span.end, Span.label)
                     .join(Span, Span.layer_id == Layer.id)
                     .join(Document, Document.id == Layer.document_id)
                     .where(Document.project_id == project_id, Layer.name.in_(names),
                            Span.state == "accepted", Span.label.in_(labels)))
    by_doc: dict[int, dict[str, list]] = {}
    for doc_id, name, st, en, label in rows:
        by_doc.setdefault(doc_id, {}).setdefault(name, []).append((st, en, label))
    cats = _categories(s, project_id, names, schema) if schema is not None else {}
    out = []
    for doc_id in sorted(set(by_doc) | set(cats)):
        layers = {n: (by_doc.get(doc_id, {}).get(n, []), cats.get(doc_id, {}).get(n, {}))
                  for n in names}
        spans, doc_cats = next(v for n, v in layers.items() if v[0] or v[1])  # gold first
        text = s.get(Document, doc_id).text
        out.append((text, sorted(spans), doc_cats))
    return out


def _categories(s, project_id: int, names: list[str], schema
                ) -> dict[int, dict[str, dict[str, float]]]:
    """document -> layer name -> doc.cats, for the layers that decide some category."""
    rows = s.execute(select(Layer.id, Layer.document_id, Layer.name, DocumentCategory.category,
                            DocumentCategory.state, DocumentCategory.task_id)
                     .join(DocumentCategory, DocumentCategory.layer_id == Layer.id)
                     .join(Document, Document.id == Layer.document_id)
                     .where(Document.project_id == project_id, Layer.name.in_(names),
                            DocumentCategory.state.in_(("accepted", "rejected")))
                     .order_by(DocumentCategory.id))
    recs: dict[int, tuple[int, str, DocumentRecord, dict[int, int]]] = {}
    for lid, doc_id, name, category, state, task_id in rows:
        if lid not in recs:
            recs[lid] = (doc_id, name, DocumentRecord(""), {})
        rec = recs[lid][2]
        rec.categories.append(CategoryRecord(category, state=state, task=task_id))
    lids = list(recs)
    for k in range(0, len(lids), 500):  # the tasks say whether the categories are complete
        for t in s.execute(select(SourceTask.id, SourceTask.layer_id, SourceTask.answer,
                                  SourceTask.kind)
                           .where(SourceTask.layer_id.in_(lids[k:k + 500]))
                           .order_by(SourceTask.layer_id, SourceTask.position)):
            _, _, rec, index = recs[t.layer_id]
            index[t.id] = len(rec.tasks)
            rec.tasks.append(TaskRecord(t.answer, t.kind))
    all_names = textcat.names_of(schema, [r for _, _, r, _ in recs.values()])
    out: dict[int, dict[str, dict[str, float]]] = {}
    for doc_id, name, rec, index in recs.values():
        for c in rec.categories:
            c.task = index.get(c.task) if c.task is not None else None
        found = textcat.doc_cats(rec, schema, all_names)
        if found:
            out.setdefault(doc_id, {})[name] = found
    return out


def _docs(nlp, data):
    """spaCy Docs with ents (non-overlapping) and spans[sc] (all), and doc.cats; whether any
    spans overlap. A document with no entity label leaves its entities missing."""
    from spacy.util import filter_spans

    docs, overlapping = [], False
    for text, spans, cats in data:
        doc = nlp.make_doc(text)
        doc.cats = dict(cats)
        if spans:
            made = [sp for st, en, label in spans
                    if (sp := doc.char_span(st, en, label=label, alignment_mode="expand"))]
            ents = filter_spans(made)
            overlapping = overlapping or len(ents) < len(made)
            doc.ents = ents
            doc.spans[SPANS_KEY] = made
        docs.append(doc)
    return docs, overlapping


def _register_callback() -> None:
    from spacy.util import registry

    if "marginalia.train_progress.v1" in registry.callbacks:
        return

    @registry.callbacks("marginalia.train_progress.v1")
    def make_hook():
        def before_update(nlp, args):
            hook = getattr(_hooks, "fn", None)
            if hook is not None:
                hook(args["step"])

        return before_update


def build_config(components: list[str], train: Path, dev: Path, *, max_steps: int,
                 seed: int, categories: list[str] = ()):
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=components, optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(train)
    config["paths"]["dev"] = str(dev)
    t = config["training"]
    t["max_steps"] = max_steps
    t["eval_frequency"] = max(10, min(200, max_steps // 5))
    t["patience"] = max(max_steps, 100)
    t["seed"] = seed
    t["before_update"] = {"@callbacks": "marginalia.train_progress.v1"}
    if "spancat" in components:
        config["components"]["spancat"]["spans_key"] = SPANS_KEY
    for component in (textcat.TEXTCAT, textcat.MULTILABEL):
        if component in components:  # labels the dev or train cats may leave unknown
            config["initialize"]["components"][component] = {"labels": list(categories)}
    return config


def train_project(service, project: str | int, out: str, *, layer: str | None = None,
                  max_steps: int | None = None, seed: int = 0,
                  progress: Callable[[int, int], None] | None = None,
                  cancel: Callable[[], bool] | None = None) -> TrainReport:
    import spacy
    from spacy.tokens import DocBin

    started = time.perf_counter()
    max_steps = max_steps or DEFAULT_MAX_STEPS
    with service.store.session() as s:
        actor = service._actor(s)
        from models.orm import Project
        from models.services.context import check_admin, check_layer_read

        check_admin(actor, "train the project's model (it becomes the project's pipeline)")
        if layer:
            check_layer_read(actor, layer)
        from models.services.projects import get_project

        proj = s.get(Project, project) if isinstance(project, int) else get_project(s, project)
        schema = schema_for(s, proj.id)
        data = collect(s, proj.id, actor.name, layer, schema.entity_names, schema)
        project_id, project_name = proj.id, proj.name
    which = f"layer {layer}" if layer else f"layers gold/{actor.name}"
    if len(data) < MIN_DOCUMENTS:
        raise ValidationError(f"only {len(data)} document(s) with accepted entity labels or "
                              f"document categories in {which}; training needs at least "
                              f"{MIN_DOCUMENTS}",
                              where=f"project {project_name}")
    rng = random.Random(seed)
    rng.shuffle(data)
    n_dev = max(1, round(len(data) * 0.2))
    out_dir = Path(out).expanduser().resolve()
    corpus = out_dir / "corpus"
    try:
        corpus.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError(f"cannot create the output folder: {exc.strerror}",
                              where=str(out_dir)) from None
    blank = spacy.blank("en")
    dev_docs, dev_overlap = _docs(blank, data[:n_dev])
    train_docs, train_overlap = _docs(blank, data[n_dev:])
    has_ents = any(spans for _, spans, _ in data)
    components = (["ner"] if has_ents else []) + (
        ["spancat"] if (dev_overlap or train_overlap) else [])
    cat_names = [n for n in textcat.names_of(schema)
                 if any(n in cats for _, _, cats in data)]
    cat_component = textcat.component_for(schema, cat_names, [c for _, _, c in data])
    if cat_component:
        components.append(cat_component)
    DocBin(docs=train_docs, store_user_data=False).to_disk(corpus / "train.spacy")
    DocBin(docs=dev_docs, store_user_data=False).to_disk(corpus / "dev.spacy")
    _register_callback()
    config = build_config(components, corpus / "train.spacy", corpus / "dev.spacy",
                          max_steps=max_steps, seed=seed, categories=cat_names)
    config.to_disk(out_dir / "config.cfg")

    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    steps = 0

    def hook(step: int) -> None:
        nonlocal steps
        steps = step
        if cancel and cancel():
            raise TrainingCancelled("training cancelled; the project's suggester is "
                                    "unchanged")
        if progress:
            progress(step, max_steps)

    _hooks.fn = hook
    sink = io.StringIO()
    try:
        nlp = init_nlp(config)
        train_loop(nlp, out_dir, stdout=sink, stderr=sink)
    finally:
        _hooks.fn = None
    best = out_dir / "model-best"
    if not (best / "meta.json").exists():
        raise DomainError("training produced no model (no evaluation ran)", where=str(out_dir))
    meta = json.loads((best / "meta.json").read_text(encoding="utf-8"))
    perf = meta.get("performance", {})
    labels = {label: {k: float(v.get(k, 0.0)) for k in ("p", "r", "f")}
              for label, v in (perf.get("ents_per_type") or {}).items()}
    overall = {k: float(perf.get(f"ents_{k}") or 0.0) for k in ("p", "r", "f")} \
        if has_ents else {}
    categories = {}
    if cat_component:
        per = perf.get("cats_f_per_type") or {}
        categories = {n: {k: float((per.get(n) or {}).get(k) or 0.0) for k in ("p", "r", "f")}
                      for n in cat_names}
        categories["(macro)"] = {k: float(perf.get(f"cats_macro_{k}") or 0.0)
                                 for k in ("p", "r", "f")}
    if "spancat" in components:
        spans = perf.get(f"spans_{SPANS_KEY}_per_type") or {}
        overall.update({f"spans_{k}": float(perf.get(f"spans_{SPANS_KEY}_{k}") or 0.0)
                        for k in ("p", "r", "f")})
        for label, v in spans.items():
            labels.setdefault(label, {}).update({f"spans_{k}": float(v.get(k, 0.0))
                                                 for k in ("p", "r", "f")})
    from models.suggest import pipeline as pipelines

    key, display = pipelines.resolve(str(best))
    pipelines.forget(key)  # a retrained model in the same folder must be loaded afresh
    service.set_project_setting(project_id, pipelines.SETTING, key)
    report = TrainReport(str(out_dir), key, display, len(train_docs), len(dev_docs),
                         components, dict(sorted(labels.items())), overall, steps,
                         time.perf_counter() - started, categories=categories)
    (out_dir / "metrics.json").write_text(json.dumps({
        "project": project_name, "model": key, "components": components,
        "train_documents": report.train_documents, "dev_documents": report.dev_documents,
        "steps": steps, "overall": overall, "labels": report.labels,
        "categories": categories}, indent=2),
        encoding="utf-8")
    return report
