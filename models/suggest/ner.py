"""The spaCy model as a suggester: its named entities (doc.ents) and, when the pipeline has
a spancat (trained on overlapping labels), its scored spans, mapped onto the schema's labels.

spaCy's default NER is greedy and gives no confidence, so its spans store score None
(uncertainty.py computes beam confidences on demand instead); a spancat's spans store its
score."""

from __future__ import annotations

from collections.abc import Iterator

from models.suggest.suggester import Setup, SpanSuggestion


class ModelSuggester:
    source = "model"

    def __init__(self, name: str, mapping: dict[str, str], spans_key: str | None):
        self.name = name
        self.mapping = mapping
        self.spans_key = spans_key
        self.overlapping = spans_key is not None  # a spancat's spans overlap

    def suggest(self, doc, context) -> Iterator[SpanSuggestion]:
        mapping = self.mapping
        for ent in doc.ents:
            label = mapping.get(ent.label_)
            if label is not None:
                yield SpanSuggestion(ent.start, ent.end, label)
        if self.spans_key is not None and self.spans_key in doc.spans:
            group = doc.spans[self.spans_key]
            scores = group.attrs.get("scores")
            for k, sp in enumerate(group):
                label = mapping.get(sp.label_)
                if label is not None:
                    score = float(scores[k]) if scores is not None else None
                    yield SpanSuggestion(sp.start, sp.end, label, score)


def build(setup: Setup) -> ModelSuggester | None:
    if not setup.use_model:
        return None
    nlp = setup.nlp
    spans_key = None
    if "spancat" in nlp.pipe_names:
        spans_key = nlp.get_pipe("spancat").cfg.get("spans_key", "sc")
    return ModelSuggester(setup.pipeline_name, setup.mapping, spans_key)
