"""The Suggester protocol: a new suggester is one module with build(setup) plus one entry in
models/suggest/suggesters.BUILDERS, and its suggestions are stored like the others'."""

from __future__ import annotations

import re

from models.records import DocumentRecord
from models.suggest import suggesters
from models.suggest.suggester import RelationSuggestion, SpanSuggestion

TEXT = "Ana Lopez met Joe Biden in Lisbon. Ana Lopez left."


class Capitalized:
    """Test suggester: two capitalized words are a PERSON, one inside a sentence a GPE, and
    each PERSON is `located_in` each GPE (whatever the model thinks)."""

    name = "capitals"
    source = "pattern"
    overlapping = False

    def suggest(self, doc, context):
        people, places, i = [], [], 0
        while i < len(doc):
            if doc[i].is_title and i + 1 < len(doc) and doc[i + 1].is_title \
                    and not doc[i + 1].is_sent_start:
                yield SpanSuggestion(i, i + 2, "PERSON")
                people.append(context.entities[-1][0])  # the span just stored
                i += 2
                continue
            if doc[i].is_title and not doc[i].is_sent_start:
                yield SpanSuggestion(i, i + 1, "GPE")
                places.append(context.entities[-1][0])
            i += 1
        for person in people:
            for place in places:
                yield RelationSuggestion(person, place, "located_in")


def build(setup):
    return Capitalized() if "PERSON" in setup.schema.entity_names else None


def test_a_new_suggester_is_one_builder_in_the_registry(nlp, service, monkeypatch):
    # first in the list: its spans take their places before the model's
    monkeypatch.setattr(suggesters, "BUILDERS", (build, *suggesters.BUILDERS))
    service.import_records("news", [DocumentRecord(text=TEXT, title="t")])
    pid = service.project_id("news")
    report = service.suggest(pid)
    assert report.by_suggester["capitals"] == {"spans": 4, "relations": 3, "events": 0}
    view = service.load(service.documents(pid)[0].id)
    mine = sorted((s.start, s.end, s.label) for s in view.spans if s.suggester == "capitals")
    expected = sorted([(m.start(), m.end(), "PERSON")
                       for m in re.finditer(r"Ana Lopez|Joe Biden", TEXT)]
                      + [(TEXT.index("Lisbon"), TEXT.index("Lisbon") + 6, "GPE")])
    assert mine == expected
    # the model suggests nothing where this suggester already did
    places = {(st, en) for st, en, _ in expected}
    assert all(s.suggester == "capitals" for s in view.spans if (s.start, s.end) in places)
    by_id = {s.id: (TEXT[s.start:s.end], s.start) for s in view.spans}
    links = sorted((by_id[r.head_id], by_id[r.tail_id][0]) for r in view.relations
                   if r.suggester == "capitals")
    assert links == [(("Ana Lopez", 0), "Lisbon"), (("Ana Lopez", 35), "Lisbon"),
                     (("Joe Biden", 14), "Lisbon")]
    # idempotent like every suggester: a second run stores nothing
    again = service.suggest(pid)
    assert (again.spans, again.relations) == (0, 0)


def test_the_registry_builds_only_what_a_project_needs(nlp):
    from models.schema import Schema
    from models.suggest.suggester import Setup

    bare = Schema.from_dict({"name": "bare", "entities": [{"name": "PERSON"}]})
    built = suggesters.build_all(Setup(nlp, "en", bare, {"PERSON": "PERSON"}))
    assert [s.name for s in built] == ["en"]  # no patterns, no terms, no rules: the model
    built = suggesters.build_all(Setup(nlp, "en", bare, {}, terms=[("Ana", "PERSON")],
                                       use_model=False))
    assert [s.name for s in built] == ["labels"]
