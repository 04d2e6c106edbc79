"""Ordering documents by how unsure the project's model is about them (active learning).

The NER's beam search gives each candidate entity a probability p (spaCy's
`beam_parse` + `scored_ents`). A document's uncertainty is the mean of 1 - |2p - 1| over its
candidates with p above a floor: 1 when the model is torn on every entity, 0 when it is
sure of all. Documents a person has finished (done / approved in their layer) are left out.
The beam costs several greedy passes: run it in the background (the window runs it as a job, desktop/jobs.py).

By categories (`kind="categories"`): the pipeline's text classifier scores the document
(doc.cats). A `textcat` (one of) is unsure when its two best categories are close: 1 - (p1 -
p2); a `textcat_multilabel` decides each category on its own: the mean of 1 - |2p - 1| over
them, as for entities.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from models.errors import ValidationError
from models.orm import Document, Layer
from models.suggest import pipeline as pipelines

BEAM_WIDTH = 8
FLOOR = 0.05


def uncertainty(scores: dict) -> float:
    probs = [p for p in scores.values() if p > FLOOR]
    if not probs:
        return 0.0
    return sum(1.0 - abs(2.0 * min(p, 1.0) - 1.0) for p in probs) / len(probs)


def category_uncertainty(cats: dict[str, float], exclusive: bool) -> float:
    probs = [min(max(float(p), 0.0), 1.0) for p in cats.values()]
    if not probs:
        return 0.0
    if exclusive:
        top = sorted(probs, reverse=True) + [0.0]
        return 1.0 - (top[0] - top[1])
    return sum(1.0 - abs(2.0 * p - 1.0) for p in probs) / len(probs)


KINDS = ("entities", "categories")


def rank_documents(service, project_id: int, *, model: str | None = None,
                   limit: int | None = None, batch_size: int = 16,
                   progress: Callable[[int, int], None] | None = None,
                   cancel: Callable[[], bool] | None = None,
                   kind: str = "entities") -> list[tuple[int, float]]:
    if kind not in KINDS:
        raise ValidationError(f"uncertainty of {kind!r}: entities or categories")
    settings = service.project_settings(project_id)
    nlp, name = pipelines.load(pipelines.project_pipeline(settings, model))
    if kind == "categories":
        component = next((c for c in ("textcat", "textcat_multilabel") if c in nlp.pipe_names),
                         None)
        if component is None:
            raise ValidationError("this pipeline has no text classifier (textcat) to be "
                                  "unsure with; train one on the document categories",
                                  where=name)
    elif "ner" not in nlp.pipe_names:
        raise ValidationError("this pipeline has no NER to be unsure with", where=name)
    ner = nlp.get_pipe("ner") if kind == "entities" else None
    with service.store.session() as s:
        user = service._actor(s).name
        finished = select(Layer.document_id).where(Layer.name == user,
                                                   Layer.status.in_(("done", "approved")))
        rows = s.execute(select(Document.id, Document.text)
                         .where(Document.project_id == project_id,
                                Document.id.not_in(finished))
                         .order_by(Document.id)).all()
    ranked: list[tuple[int, float]] = []
    for i in range(0, len(rows), batch_size):
        if cancel and cancel():
            break
        chunk = rows[i:i + batch_size]
        if ner is None:
            docs = nlp.pipe([text for _, text in chunk])
            for (doc_id, _), doc in zip(chunk, docs):
                ranked.append((doc_id, round(category_uncertainty(
                    doc.cats, component == "textcat"), 4)))
        else:
            # disable= skips the NER for this call only: the cached pipeline is not changed
            docs = list(nlp.pipe([text for _, text in chunk], disable=["ner"]))
            beams = ner.beam_parse(docs, beam_width=BEAM_WIDTH)
            for (doc_id, _), scores in zip(chunk, ner.scored_ents(beams)):
                ranked.append((doc_id, round(uncertainty(scores), 4)))
        if progress:
            progress(min(i + batch_size, len(rows)), len(rows))
    ranked.sort(key=lambda x: (-x[1], x[0]))
    return ranked[:limit] if limit else ranked
