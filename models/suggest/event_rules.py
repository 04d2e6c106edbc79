"""Event rules as a suggester: a trigger lemma of the schema (a noun or verb) makes an event
of its type, and each role is filled by the entities the trigger's dependents (by the
role's dependency labels) are or are modified by."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from models.suggest.suggester import EventSuggestion, Setup

RULES = "rules"  # suggester name of the event and relation rules
PARTICLE_DEPS = ("prt",)
MODIFIER_DEPS = ("compound", "nmod", "amod", "poss")


def _dep_specs(deps: list[str]) -> list[tuple[str, str | None]]:
    """'nsubj' -> ('nsubj', None); 'prep:in' -> ('prep', 'in')."""
    out = []
    for d in deps:
        dep, _, word = d.partition(":")
        out.append((dep, word.lower() or None))
    return out


class EventRules:
    name = RULES
    source = "pattern"
    overlapping = False  # triggers are single tokens, never held to the overlap policy

    def __init__(self, trigger_type: dict[int, str],
                 roles: dict[str, list[tuple[Any, list[tuple[str, str | None]]]]]):
        import numpy
        from spacy.symbols import NOUN, VERB

        self.trigger_type = trigger_type  # lemma hash -> event type
        self.roles = roles
        # one vectorised look-up per Doc finds the triggers
        self.trigger_hashes = numpy.array(sorted(trigger_type), dtype="uint64")
        self.trigger_pos = numpy.array([NOUN, VERB], dtype="uint64")

    def suggest(self, doc, context) -> Iterator[EventSuggestion]:
        import numpy
        from spacy.attrs import LEMMA, POS

        arr = doc.to_array([LEMMA, POS])
        hits = numpy.flatnonzero(numpy.isin(arr[:, 0], self.trigger_hashes) &
                                 numpy.isin(arr[:, 1], self.trigger_pos))
        if not len(hits):
            return
        ents, ent_at = context.entities, context.entity_at
        for start in hits.tolist():
            etype = self.trigger_type[int(arr[start, 0])]
            tok = doc[start]
            if tok.pos_ == "VERB" and any(c.dep_ in PARTICLE_DEPS for c in tok.children):
                continue  # phrasal verbs ("head off", "walk out") mean something else
            st, en = tok.idx, tok.idx + len(tok.text)
            if context.taken(st, en):
                continue  # a person (or an earlier run) already marked this trigger
            args = []
            for role, specs in self.roles.get(etype, ()):
                found = []
                for target in _dependents(tok, specs):
                    for i in _entities_at(target, ent_at):
                        ref, _, _, label, _, _ = ents[i]
                        if not role.takes(label) or ref in found:
                            continue
                        found.append(ref)
                        if not role.multiple:
                            break
                    if found and not role.multiple:
                        break
                args += [(role.name, ref) for ref in found]
            yield EventSuggestion(st, en, etype, args)


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


def build(setup: Setup) -> EventRules | None:
    typed = [ev for ev in setup.schema.events if ev.triggers]
    if not typed or not setup.has("parser"):
        return None
    strings = setup.nlp.vocab.strings
    trigger_type: dict[int, str] = {}
    roles = {}
    for ev in typed:
        for lemma in ev.triggers:
            trigger_type.setdefault(strings.add(lemma.lower()), ev.name)
        roles[ev.name] = [(role, _dep_specs(role.deps)) for role in ev.roles if role.deps]
    return EventRules(trigger_type, roles)
