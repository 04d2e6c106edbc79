"""Relation rules as a suggester: the schema's dependency patterns between two candidate
entities, matched by relations.py where it can and by spaCy's DependencyMatcher otherwise;
a relation is suggested only between labels its type allows."""

from __future__ import annotations

from collections.abc import Iterator

from models.schema import Schema
from models.suggest.event_rules import RULES
from models.suggest.relations import compile_rule, match
from models.suggest.suggester import RelationSuggestion, Setup


class RelationRules:
    name = RULES
    source = "pattern"
    overlapping = False  # proposes no spans

    def __init__(self, schema: Schema, fast_rules, dep_matcher, rule_nodes):
        self.schema = schema
        self.fast_rules = fast_rules  # (relation, nodes, head node, tail node)
        self.dep_matcher = dep_matcher
        self.rule_nodes = rule_nodes  # matcher key -> (relation, head node, tail node)

    def suggest(self, doc, context) -> Iterator[RelationSuggestion]:
        ents = context.entities
        if len(ents) < 2:
            return
        ent_at = context.entity_at

        def ent_type(i: int) -> str:
            j = ent_at[i]
            return "" if j is None else ents[j][3]

        ent_tokens = [i for i, j in enumerate(ent_at) if j is not None]
        found: list[tuple[str, int, int]] = []
        columns: dict = {}  # token attributes read once for all the rules
        for relation, nodes, hi, ti in self.fast_rules:
            for token_ids in match(doc, nodes, ent_type, ent_tokens, columns):
                found.append((relation, token_ids[hi], token_ids[ti]))
        if self.dep_matcher is not None:
            from spacy.tokens import Span
            from spacy.util import filter_spans

            # ENT_TYPE in the rules names schema labels: show the Doc the candidates
            doc.ents = filter_spans([Span(doc, ts, te, label=label)
                                     for _, _, _, label, ts, te in ents])
            strings = doc.vocab.strings
            for key, token_ids in self.dep_matcher(doc):
                relation, hi, ti = self.rule_nodes[strings[key]]
                found.append((relation, token_ids[hi], token_ids[ti]))
        seen = set()
        for relation, head_tok, tail_tok in found:
            h, t = ent_at[head_tok], ent_at[tail_tok]
            if h is None or t is None or h == t:
                continue
            href, _, _, hlabel, _, _ = ents[h]
            tref, _, _, tlabel, _, _ = ents[t]
            rtype = self.schema.relation(relation)
            if rtype is None or not rtype.allows(hlabel, tlabel) or (href, tref, relation) in seen:
                continue
            seen.add((href, tref, relation))
            yield RelationSuggestion(href, tref, relation)


def build(setup: Setup) -> RelationRules | None:
    schema = setup.schema
    if not schema.relation_rules or not setup.has("parser"):
        return None
    fast_rules: list[tuple[str, list, int, int]] = []
    dep_matcher = None
    rule_nodes: dict[str, tuple[str, int, int]] = {}
    for i, rule in enumerate(schema.relation_rules):
        ids = [node.get("RIGHT_ID") for node in rule.pattern]
        if "head" not in ids or "tail" not in ids or not schema.relation(rule.relation):
            continue  # a rule without both ends cannot suggest anything
        nodes = compile_rule(rule.pattern)
        if nodes is not None:
            fast_rules.append((rule.relation, nodes, ids.index("head"), ids.index("tail")))
            continue
        from spacy.matcher import DependencyMatcher

        if dep_matcher is None:
            dep_matcher = DependencyMatcher(setup.nlp.vocab, validate=True)
        key = f"rel{i}:{rule.relation}"
        dep_matcher.add(key, [rule.pattern])
        rule_nodes[key] = (rule.relation, ids.index("head"), ids.index("tail"))
    if not fast_rules and dep_matcher is None:
        return None
    return RelationRules(schema, fast_rules, dep_matcher, rule_nodes)
