"""The pipeline's text classifier as a suggester of document categories: the scores of a
`textcat` or `textcat_multilabel` component (doc.cats) mapped onto the schema's categories
(by name, else by name without regard to case), those at or above the project's threshold
(setting "textcat_threshold", default 0.5). Of an exclusive group only its best category is
suggested (one of); of a multi-label group every one above the threshold. Each suggestion
stores its score."""

from __future__ import annotations

from collections.abc import Iterator

from models.schema import Schema
from models.suggest.suggester import CategorySuggestion, Setup

SETTING = "textcat_threshold"
DEFAULT_THRESHOLD = 0.5
COMPONENTS = ("textcat", "textcat_multilabel")


def threshold_of(settings: dict) -> float:
    value = settings.get(SETTING, DEFAULT_THRESHOLD)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else DEFAULT_THRESHOLD


def category_map(schema: Schema, labels: list[str]) -> dict[str, str]:
    """pipeline label -> schema category (same name, else the same name in any case)."""
    names = schema.category_names
    folded = {n.casefold(): n for n in names}
    out = {}
    for label in labels:
        if label in names:
            out[label] = label
        elif label.casefold() in folded:
            out[label] = folded[label.casefold()]
    return out


class TextcatSuggester:
    source = "model"
    overlapping = False

    def __init__(self, name: str, schema: Schema, mapping: dict[str, str], threshold: float):
        self.name = name
        self.mapping = mapping
        self.threshold = threshold
        self.exclusive = {n: g.name for g in schema.categories if g.exclusive for n in g.names}

    def suggest(self, doc, context) -> Iterator[CategorySuggestion]:
        best: dict[str, tuple[float, str]] = {}  # exclusive group -> its best category
        for label, score in doc.cats.items():
            name = self.mapping.get(label)
            if name is None or score < self.threshold:
                continue
            group = self.exclusive.get(name)
            if group is None:
                yield CategorySuggestion(name, float(score))
            elif group not in best or score > best[group][0]:
                best[group] = (float(score), name)
        for score, name in best.values():
            yield CategorySuggestion(name, score)


def build(setup: Setup) -> TextcatSuggester | None:
    if not setup.use_model or not setup.schema.categories:
        return None
    labels: list[str] = []
    for component in COMPONENTS:
        if component in setup.nlp.pipe_names:
            labels += list(setup.nlp.get_pipe(component).labels)
    mapping = category_map(setup.schema, labels)
    if not mapping:
        return None
    return TextcatSuggester(setup.pipeline_name, setup.schema, mapping,
                            setup.textcat_threshold)
