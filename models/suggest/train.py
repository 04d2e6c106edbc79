"""Model in the loop: train a spaCy NER (and a spancat when labels overlap) from the labels
people accepted, evaluate it per label, and make it a suggester of the project.

Data: for each document, its gold layer when that has accepted entity labels, else the
acting user's layer (or only the layer named by `layer`). Split train/dev with a seeded
shuffle. Config: spaCy's own `init config` for a blank English pipeline, CPU, efficiency;
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
from models.orm import GOLD, Document, Layer, Span
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


def collect(s, project_id: int, actor_name: str, layer: str | None,
            labels: list[str]) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, label)]) of every document with accepted entity labels."""
    names = [layer] if layer else [GOLD, actor_name]
    rows = s.execute(select(Layer.document_id, Layer.name, Span.start, Span.end, Span.label)
                     .join(Span, Span.layer_id == Layer.id)
                     .join(Document, Document.id == Layer.document_id)
                     .where(Document.project_id == project_id, Layer.name.in_(names),
                            Span.state == "accepted", Span.label.in_(labels)))
    by_doc: dict[int, dict[str, list]] = {}
    for doc_id, name, st, en, label in rows:
        by_doc.setdefault(doc_id, {}).setdefault(name, []).append((st, en, label))
    out = []
    for doc_id in sorted(by_doc):
        layers = by_doc[doc_id]
        spans = next(layers[n] for n in names if n in layers)  # gold first
        text = s.get(Document, doc_id).text
        out.append((text, sorted(spans)))
    return out


def _docs(nlp, data):
    """spaCy Docs with ents (non-overlapping) and spans[sc] (all); whether any overlap."""
    from spacy.util import filter_spans

    docs, overlapping = [], False
    for text, spans in data:
        doc = nlp.make_doc(text)
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
                 seed: int):
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
        data = collect(s, proj.id, actor.name, layer, schema.entity_names)
        project_id, project_name = proj.id, proj.name
    which = f"layer {layer}" if layer else f"layers gold/{actor.name}"
    if len(data) < MIN_DOCUMENTS:
        raise ValidationError(f"only {len(data)} document(s) with accepted entity labels in "
                              f"{which}; training needs at least {MIN_DOCUMENTS}",
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
    components = ["ner"] + (["spancat"] if (dev_overlap or train_overlap) else [])
    DocBin(docs=train_docs, store_user_data=False).to_disk(corpus / "train.spacy")
    DocBin(docs=dev_docs, store_user_data=False).to_disk(corpus / "dev.spacy")
    _register_callback()
    config = build_config(components, corpus / "train.spacy", corpus / "dev.spacy",
                          max_steps=max_steps, seed=seed)
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
    overall = {k: float(perf.get(f"ents_{k}") or 0.0) for k in ("p", "r", "f")}
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
                         time.perf_counter() - started)
    (out_dir / "metrics.json").write_text(json.dumps({
        "project": project_name, "model": key, "components": components,
        "train_documents": report.train_documents, "dev_documents": report.dev_documents,
        "steps": steps, "overall": overall, "labels": report.labels}, indent=2),
        encoding="utf-8")
    return report
