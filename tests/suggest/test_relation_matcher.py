"""The fast relation matcher (models/suggest/relations.py) finds what spaCy's own
DependencyMatcher finds, for every relation rule of the news schema, on parsed news text:
the same (rule, token assignment) matches, whatever order the rules run in (they share the
token columns read for one doc)."""

from __future__ import annotations

from spacy.matcher import DependencyMatcher
from spacy.tokens import Span
from spacy.util import filter_spans

from models.schema import default_schema
from models.suggest.relations import compile_rule, match

TEXT = ("Prime Minister Keir Starmer of Britain met officials in Paris on Monday. "
        "A spokesman for Acme Corp said the company was based in Lyon, France. "
        "John Smith, an adviser at the Treasury, told reporters in London that Anna Lee, "
        "the mayor of Berlin, and the president of Brazil had agreed.")


def test_fast_matches_are_spacys_matches(nlp):
    doc = nlp(TEXT)
    ents = [e for e in doc.ents]
    assert len(ents) >= 8  # the text gives the rules something to match
    ent_at = [None] * len(doc)
    for j, e in enumerate(ents):
        for i in range(e.start, e.end):
            ent_at[i] = j
    ent_tokens = [i for i, j in enumerate(ent_at) if j is not None]

    def ent_type(i: int) -> str:
        return "" if ent_at[i] is None else ents[ent_at[i]].label_

    schema = default_schema()
    rules = [r for r in schema.relation_rules if compile_rule(r.pattern) is not None]
    assert len(rules) >= 5
    columns: dict = {}
    fast = {(k, tuple(ids)) for k, r in enumerate(rules)
            for ids in match(doc, compile_rule(r.pattern), ent_type, ent_tokens, columns)}

    dm = DependencyMatcher(nlp.vocab, validate=True)
    for k, r in enumerate(rules):
        dm.add(str(k), [r.pattern])
    doc.ents = filter_spans([Span(doc, e.start, e.end, label=e.label_) for e in ents])
    strings = nlp.vocab.strings
    spacy_found = {(int(strings[key]), tuple(ids)) for key, ids in dm(doc)}
    assert fast == spacy_found
    assert fast  # and something matched
