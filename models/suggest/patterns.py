"""Pattern suggesters: a spaCy EntityRuler fed from a JSONL patterns file (spaCy's pattern
format, one `{"label": ..., "pattern": ...}` per line) and one fed from the project's own
accepted labels, so a term labeled once is suggested wherever it appears again.

The rulers are not added to the (shared, cached) pipeline: they are built on a blank
pipeline that shares its vocabulary and are run on the parsed Doc with `ruler.match(doc)`,
so token patterns may use LEMMA, POS and the other attributes the pipeline sets.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from models.errors import FormatError
from models.schema import Schema

SETTING = "patterns"  # project setting: the path of a JSONL patterns file


def read_patterns(path: str | Path, schema: Schema) -> list[dict[str, Any]]:
    """The patterns of a JSONL file, checked line by line (FormatError names file:line)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(str(path), None, f"cannot read the patterns file: {exc}") from None
    labels = set(schema.entity_names)
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FormatError(str(path), lineno, f"not JSON: {exc.msg}") from None
        if not isinstance(entry, dict) or "label" not in entry or "pattern" not in entry:
            raise FormatError(str(path), lineno, 'a pattern needs "label" and "pattern"')
        label, pattern = entry["label"], entry["pattern"]
        if not isinstance(label, str) or label not in labels:
            raise FormatError(str(path), lineno, f"label {label!r} is not an entity label of "
                              "the schema")
        if isinstance(pattern, str):
            if not pattern.strip():
                raise FormatError(str(path), lineno, "the phrase pattern is empty")
        elif not (isinstance(pattern, list) and pattern and
                  all(isinstance(t, dict) for t in pattern)):
            raise FormatError(str(path), lineno, "a pattern is a string (phrase) or a list of "
                              "token objects")
        out.append({"label": label, "pattern": pattern, "line": lineno})
    return out


def build_ruler(nlp, patterns: Iterable[dict[str, Any]], *, where: str = "patterns"):
    """An EntityRuler on a blank pipeline sharing `nlp`'s vocab, with every pattern checked
    by spaCy's own validator (a bad token pattern -> FormatError naming its line)."""
    import spacy
    from spacy.pipeline import EntityRuler

    blank = spacy.blank(nlp.lang, vocab=nlp.vocab)
    ruler = EntityRuler(blank, validate=True)
    phrases = []
    for entry in patterns:
        if isinstance(entry["pattern"], str):
            phrases.append({"label": entry["label"], "pattern": entry["pattern"]})
            continue
        try:
            ruler.add_patterns([{"label": entry["label"], "pattern": entry["pattern"]}])
        except (ValueError, KeyError, TypeError) as exc:
            msg = " ".join(str(exc).split())[:200]
            raise FormatError(where, entry.get("line"), f"not a valid spaCy token pattern: "
                              f"{msg}") from None
    if phrases:
        ruler.add_patterns(phrases)  # phrases are tokenized in one pass
    return ruler


def ruler_from_file(nlp, path: str | Path, schema: Schema):
    return build_ruler(nlp, read_patterns(path, schema), where=str(path))


def ruler_from_labels(nlp, terms: Iterable[tuple[str, str]]):
    """A ruler of phrase patterns from (text, label) pairs people accepted; None if none."""
    entries = [{"label": label, "pattern": text} for text, label in terms
               if text and text.strip()]
    return build_ruler(nlp, entries, where="accepted labels") if entries else None


def matches(ruler, doc) -> list[tuple[int, int, str]]:
    """(token start, token end, label) of the ruler's matches, longest first."""
    strings = doc.vocab.strings
    return [(start, end, strings[key]) for key, start, end in ruler.match(doc)]
