"""One parsed Doc -> suggestions (entities, event triggers with arguments, relations).

Pure computation, no database: the runner hands in the spans the layer already has and
gets back plain tuples the writer stores in bulk. Per-entity work is kept small since this
runs on every entity of every article.

References between suggestions: a `ref` >= 0 is the index of a span suggested for the same
document; a `ref` < 0 is `-id` of a span already stored in the layer.

Scores: spaCy's default NER is greedy and gives no confidence, so model spans store
score None (uncertainty.py computes beam confidences on demand instead); a spancat's spans
store its score; rule and pattern suggestions store None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.schema import Schema
from models.suggest.trim import trim

RULES = "rules"  # suggester name of the event and relation rules
LEXICON = "labels"  # suggester name of the patterns from the project's accepted labels
PARTICLE_DEPS = ("prt",)
MODIFIER_DEPS = ("compound", "nmod", "amod", "poss")


@dataclass(slots=True)
class DocSuggestions:
    document_id: int
    # (start, end, label, source, suggester, score)
    spans: list[tuple] = field(default_factory=list)
    # (head ref, tail ref, label, suggester)
    relations: list[tuple] = field(default_factory=list)
    # (trigger ref, type, suggester, [(role, ref), ...])
    events: list[tuple] = field(default_factory=list)
    skipped: int = 0  # suggestions whose offsets the layer already has (any state)


def _dep_specs(deps: list[str]) -> list[tuple[str, str | None]]:
    """'nsubj' -> ('nsubj', None); 'prep:in' -> ('prep', 'in')."""
    out = []
    for d in deps:
        dep, _, word = d.partition(":")
        out.append((dep, word.lower() or None))
    return out


class Analyzer:
    def __init__(self, nlp, pipeline_name: str, schema: Schema, mapping: dict[str, str], *,
                 file_ruler=None, file_name: str = "", lexicon_ruler=None,
                 use_model: bool = True):
        self.nlp = nlp
        self.pipeline_name = pipeline_name
        self.schema = schema
        self.mapping = mapping
        self.file_ruler = file_ruler
        self.file_suggester = f"patterns:{file_name}" if file_name else "patterns"
        self.lexicon_ruler = lexicon_ruler
        self.use_model = use_model
        self.entity_labels = set(schema.entity_names)
        self.restricted = {e.name for e in schema.entities if e.overlap != "allow"}
        self.policy = {e.name: e.overlap for e in schema.entities}
        self.spans_key = None
        if use_model and "spancat" in nlp.pipe_names:
            self.spans_key = nlp.get_pipe("spancat").cfg.get("spans_key", "sc")
        self._build_event_rules()
        self._build_relation_rules()

    # ---- set-up ------------------------------------------------------------------------
    def _build_event_rules(self) -> None:
        """Triggers: lemma hash -> event type, found with one vectorised look-up per Doc."""
        self.trigger_hashes = None
        self.trigger_type: dict[int, str] = {}
        self.roles: dict[str, list[tuple[Any, list[tuple[str, str | None]]]]] = {}
        typed = [ev for ev in self.schema.events if ev.triggers]
        if not typed or not self._has("parser"):
            return
        import numpy
        from spacy.symbols import NOUN, VERB

        strings = self.nlp.vocab.strings
        for ev in typed:
            for lemma in ev.triggers:
                self.trigger_type.setdefault(strings.add(lemma.lower()), ev.name)
            self.roles[ev.name] = [(role, _dep_specs(role.deps)) for role in ev.roles
                                   if role.deps]
        self.trigger_hashes = numpy.array(sorted(self.trigger_type), dtype="uint64")
        self.trigger_pos = numpy.array([NOUN, VERB], dtype="uint64")

    def _build_relation_rules(self) -> None:
        from models.suggest.relations import compile_rule

        self.fast_rules: list[tuple[str, list, int, int]] = []
        self.dep_matcher = None
        self.rule_nodes: dict[str, tuple[str, int, int]] = {}
        if not self.schema.relation_rules or not self._has("parser"):
            return
        for i, rule in enumerate(self.schema.relation_rules):
            ids = [node.get("RIGHT_ID") for node in rule.pattern]
            if "head" not in ids or "tail" not in ids or not self.schema.relation(rule.relation):
                continue  # a rule without both ends cannot suggest anything
            nodes = compile_rule(rule.pattern)
            if nodes is not None:
                self.fast_rules.append((rule.relation, nodes, ids.index("head"),
                                        ids.index("tail")))
                continue
            from spacy.matcher import DependencyMatcher

            if self.dep_matcher is None:
                self.dep_matcher = DependencyMatcher(self.nlp.vocab, validate=True)
            key = f"rel{i}:{rule.relation}"
            self.dep_matcher.add(key, [rule.pattern])
            self.rule_nodes[key] = (rule.relation, ids.index("head"), ids.index("tail"))

    def _has(self, component: str) -> bool:
        return component in self.nlp.pipe_names or any(
            component in name for name in self.nlp.pipe_names)

    # ---- one document --------------------------------------------------------------------
    def analyze(self, doc, document_id: int, existing: list[tuple]) -> DocSuggestions:
        """`existing`: (id, start, end, label, state) of the spans the layer already has."""
        out = DocSuggestions(document_id)
        text = doc.text
        occupied = {(st, en) for _, st, en, _, _ in existing}
        stored = frozenset(occupied)
        # entity spans that may take part in relations and events: (ref, start, end, label,
        # token start, token end)
        ents: list[tuple[int, int, int, str, int, int]] = []
        overlap_check = bool(existing) or self.file_ruler is not None or \
            self.lexicon_ruler is not None or self.spans_key is not None
        kept_restricted: list[tuple[int, int, str]] = []
        kept_all: list[tuple[int, int, str]] = []
        for sid, st, en, label, state in existing:
            if state != "rejected" and label in self.entity_labels:
                kept_all.append((st, en, label))
                if label in self.restricted:
                    kept_restricted.append((st, en, label))
                tok = doc.char_span(st, en, alignment_mode="expand")
                if tok is not None:
                    ents.append((-sid, st, en, label, tok.start, tok.end))

        spans = out.spans

        def add(tstart: int, tend: int, label: str, source: str, suggester: str,
                score: float | None = None) -> None:
            first = doc[tstart]
            last = doc[tend - 1]
            st, en = trim(text, first.idx, last.idx + len(last.text))
            if st >= en:
                return
            if (st, en) in occupied:
                out.skipped += (st, en) in stored
                return
            if overlap_check and self._conflicts(st, en, label, kept_all, kept_restricted):
                return
            occupied.add((st, en))
            ents.append((len(spans), st, en, label, tstart, tend))
            spans.append((st, en, label, source, suggester, score))
            if overlap_check:
                kept_all.append((st, en, label))
                if label in self.restricted:
                    kept_restricted.append((st, en, label))

        if self.lexicon_ruler is not None:
            from models.suggest.patterns import matches

            for ts, te, label in matches(self.lexicon_ruler, doc):
                add(ts, te, label, "pattern", LEXICON)
        if self.file_ruler is not None:
            from models.suggest.patterns import matches

            for ts, te, label in matches(self.file_ruler, doc):
                add(ts, te, label, "pattern", self.file_suggester)
        if self.use_model:
            mapping = self.mapping
            name = self.pipeline_name
            for ent in doc.ents:
                label = mapping.get(ent.label_)
                if label is not None:
                    add(ent.start, ent.end, label, "model", name)
            if self.spans_key is not None and self.spans_key in doc.spans:
                # a spancat (trained on overlapping labels) gives overlapping spans + scores
                group = doc.spans[self.spans_key]
                scores = group.attrs.get("scores")
                for k, sp in enumerate(group):
                    label = mapping.get(sp.label_)
                    if label is not None:
                        score = float(scores[k]) if scores is not None else None
                        add(sp.start, sp.end, label, "model", name, score)
        if self.trigger_hashes is not None or self.fast_rules or self.dep_matcher is not None:
            ent_at = self._token_index(len(doc), ents)
            if self.trigger_hashes is not None:
                self._events(doc, out, occupied, ents, ent_at)
            if len(ents) > 1:
                self._relations(doc, out, ents, ent_at)
        return out

    def _conflicts(self, st: int, en: int, label: str, kept_all, kept_restricted) -> bool:
        """Would this span break an overlap policy (none/nest) against one already kept?"""
        mine = self.policy.get(label, "allow")
        pool = kept_all if mine != "allow" else kept_restricted
        for ost, oen, olabel in pool:
            if ost < en and oen > st:
                theirs = self.policy.get(olabel, "allow")
                nested = (ost <= st and en <= oen) or (st <= ost and oen <= en)
                if "none" in (mine, theirs) or not nested:
                    return True
        return False

    @staticmethod
    def _token_index(n: int, ents) -> list[int | None]:
        at: list[int | None] = [None] * n
        for i, (_, _, _, _, ts, te) in enumerate(ents):
            for t in range(ts, te):
                if at[t] is None:
                    at[t] = i
        return at

    # ---- events from triggers and their dependents -------------------------------------
    def _events(self, doc, out: DocSuggestions, occupied, ents, ent_at) -> None:
        import numpy
        from spacy.attrs import LEMMA, POS

        arr = doc.to_array([LEMMA, POS])
        hits = numpy.flatnonzero(numpy.isin(arr[:, 0], self.trigger_hashes) &
                                 numpy.isin(arr[:, 1], self.trigger_pos))
        for start in hits.tolist():
            etype = self.trigger_type[int(arr[start, 0])]
            tok = doc[start]
            if tok.pos_ == "VERB" and any(c.dep_ in PARTICLE_DEPS for c in tok.children):
                continue  # phrasal verbs ("head off", "walk out") mean something else
            st, en = tok.idx, tok.idx + len(tok.text)
            if (st, en) in occupied:
                continue  # a person (or an earlier run) already marked this trigger
            args = []
            for role, specs in self.roles.get(etype, ()):
                found = []
                for target in self._dependents(tok, specs):
                    for i in self._entities_at(target, ent_at):
                        ref, _, _, label, _, _ = ents[i]
                        if not role.takes(label) or ref in found:
                            continue
                        found.append(ref)
                        if not role.multiple:
                            break
                    if found and not role.multiple:
                        break
                args += [(role.name, ref) for ref in found]
            occupied.add((st, en))
            out.events.append((len(out.spans), etype, RULES, args))
            out.spans.append((st, en, etype, "pattern", RULES, None))

    @staticmethod
    def _entities_at(token, ent_at) -> list[int]:
        """The entity at a token; for a common noun ("U.S. and Mexican officials"), the
        entities that modify it."""
        i = ent_at[token.i]
        if i is not None:
            return [i]
        out = []
        for child in token.children:
            if child.dep_ in MODIFIER_DEPS:
                for t in (child, *child.conjuncts):
                    j = ent_at[t.i]
                    if j is not None and j not in out:
                        out.append(j)
        return out

    @staticmethod
    def _dependents(tok, specs):
        """The tokens that fill a role: direct dependents with a label, the object of a
        preposition (prep:WORD) or of the passive agent, and their conjuncts."""
        for child in tok.children:
            dep = child.dep_
            for want, word in specs:
                if word is None and dep == want and want != "agent":
                    yield child
                    yield from child.conjuncts
                elif (want == "agent" and dep == "agent") or (
                        dep == want and word is not None and child.lower_ == word):
                    for obj in child.children:
                        if obj.dep_ == "pobj":
                            yield obj
                            yield from obj.conjuncts

    # ---- relations from dependency patterns ----------------------------------------------
    def _relations(self, doc, out: DocSuggestions, ents, ent_at) -> None:
        from models.suggest.relations import match

        def ent_type(i: int) -> str:
            j = ent_at[i]
            return "" if j is None else ents[j][3]

        ent_tokens = [i for i, j in enumerate(ent_at) if j is not None]
        found: list[tuple[str, int, int]] = []
        for relation, nodes, hi, ti in self.fast_rules:
            for token_ids in match(doc, nodes, ent_type, ent_tokens):
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
            out.relations.append((href, tref, relation, RULES))
