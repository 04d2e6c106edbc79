"""Patterns as suggesters: a spaCy EntityRuler from the project's JSONL patterns file, and
one from the labels people accepted in the project (a term labeled once is suggested
wherever it appears again). The rulers themselves are built in patterns.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from models.suggest import patterns as pattern_files
from models.suggest.suggester import Setup, SpanSuggestion

LEXICON = "labels"  # suggester name of the patterns from the project's accepted labels


class PatternSuggester:
    source = "pattern"
    overlapping = True  # patterns may match overlapping stretches

    def __init__(self, name: str, ruler):
        self.name = name
        self.ruler = ruler

    def suggest(self, doc, context) -> Iterator[SpanSuggestion]:
        for start, end, label in pattern_files.matches(self.ruler, doc):
            yield SpanSuggestion(start, end, label)


def from_labels(setup: Setup) -> PatternSuggester | None:
    ruler = pattern_files.ruler_from_labels(setup.nlp, setup.terms)
    return PatternSuggester(LEXICON, ruler) if ruler is not None else None


def from_file(setup: Setup) -> PatternSuggester | None:
    """The patterns file, checked line by line now (FormatError names file:line)."""
    if not setup.patterns:
        return None
    ruler = pattern_files.ruler_from_file(setup.nlp, setup.patterns, setup.schema)
    return PatternSuggester(f"patterns:{Path(setup.patterns).name}", ruler)
