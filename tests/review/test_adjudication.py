"""Review into gold: conflicts are places, decisions replace one another, every step undoes.

Expectations are written by hand from the sentence in tests/review/conftest.py."""

import pytest
from sqlalchemy import func, select

from models.errors import NotFoundError, PermissionDenied, StaleWriteError, ValidationError
from models.operations import inverses
from models.orm import AuditLog
from tests.review.conftest import at


def _gold(team):
    view = team.rita.load(team.doc, "gold")
    return sorted((view.text[s.start:s.end], s.label) for s in view.spans
                  if s.state == "accepted")


def _writes(team) -> int:
    with team.store.session() as s:
        return s.scalar(select(func.count(AuditLog.id)))


def _undo(team, change):
    """What the window's Ctrl+Z runs: the inverses the core returned, in one unit of work."""
    return team.rita.run(inverses([change]))


def _setup(team):
    """Agreed: PERSON Joe Biden, GPE Mexico City, relation located_in between them.
    Places in conflict: Mexican NORP (bob) vs ORG (carol); Tijuana GPE (bob only);
    Juan Perez PERSON (bob) vs Perez PERSON (carol)."""
    ids = {}
    for svc in (team.bob, team.carol):
        b = team.span(svc, "Joe Biden", "PERSON")
        c = team.span(svc, "Mexico City", "GPE")
        svc.create_relation(b, c, "located_in")
    ids["bob_mex"] = team.span(team.bob, "Mexican", "NORP")
    ids["carol_mex"] = team.span(team.carol, "Mexican", "ORG")
    ids["bob_tij"] = team.span(team.bob, "Tijuana", "GPE")
    ids["bob_perez"] = team.span(team.bob, "Juan Perez", "PERSON")
    ids["carol_perez"] = team.span(team.carol, "Perez", "PERSON")
    return ids


def _conflict(team, text):
    view = team.rita.review(team.doc)
    return next(c for c in view.conflicts if view.text[c.start:c.end] == text)


def test_listing_writes_nothing(team, cli, sqlite_url):
    _setup(team)
    before = _writes(team)
    view = team.rita.review(team.doc)
    team.rita.conflicts(team.doc)
    team.rita.review_queue(team.pid)
    assert _writes(team) == before
    assert _gold(team) == [] and view.agreed_open == 3  # two spans and the relation
    assert [view.text[c.start:c.end] for c in view.conflicts] == [
        "Mexican", "Juan Perez", "Tijuana"]


def test_auto_gold_is_an_explicit_step_that_undoes(team):
    _setup(team)
    step = team.rita.accept_agreed(team.doc)
    assert step.after["decided"] == 3
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
    assert [r.label for r in team.rita.load(team.doc, "gold").relations] == ["located_in"]
    assert team.rita.accept_agreed(team.doc).children == []  # twice: nothing more
    _undo(team, step)
    assert _gold(team) == [] and team.rita.review(team.doc).agreed_open == 3


def test_a_place_is_one_conflict_and_a_decision_replaces_the_one_before(team):
    team.span(team.bob, "Mexico City", "GPE")
    team.span(team.carol, "Mexico", "GPE")
    team.span(team.carol, "City", "LOC")  # one place: all three overlap "Mexico City"
    (place,) = team.rita.review(team.doc).conflicts
    assert sorted((v.label, v.annotators) for v in place.versions) == [
        ("GPE", ("bob",)), ("GPE", ("carol",)), ("LOC", ("carol",))]
    assert place.missing == ()
    mexico = next(v for v in place.versions if v.key[:2] == at("Mexico"))
    city = next(v for v in place.versions if v.key[:2] == at("Mexico City"))
    first = team.rita.decide(team.doc, "span", *mexico.refs[0])
    assert _gold(team) == [("Mexico", "GPE")]
    second = team.rita.decide(team.doc, "span", *city.refs[0])
    assert _gold(team) == [("Mexico City", "GPE")]  # replaced, never both
    (place,) = team.rita.review(team.doc).conflicts
    assert not place.open
    assert sorted(v.decided for v in place.versions) == ["accept", "replaced", "replaced"]
    _undo(team, second)
    assert _gold(team) == [("Mexico", "GPE")]
    _undo(team, first)
    assert _gold(team) == [] and team.rita.review(team.doc).conflicts[0].open


def test_accept_also_keeps_both_only_where_the_policy_allows(team):
    team.span(team.bob, "Mexico City", "GPE")
    team.span(team.carol, "Mexico", "GPE")
    (place,) = team.rita.review(team.doc).conflicts
    big, small = sorted(place.versions, key=lambda v: v.key[0] - v.key[1])
    team.rita.decide(team.doc, "span", *big.refs[0])
    team.rita.decide(team.doc, "span", *small.refs[0], how="also")  # GPE allows overlap
    assert _gold(team) == [("Mexico", "GPE"), ("Mexico City", "GPE")]
    schema = team.alice.schema(team.pid)
    schema.entity("GPE").overlap = "none"
    team.rita.decide(team.doc, "span", *big.refs[0])  # the one version again: alone now
    assert _gold(team) == [("Mexico City", "GPE")]
    team.alice.save_schema(team.pid, schema)
    with pytest.raises(ValidationError, match="GPE does not allow overlap"):
        team.rita.decide(team.doc, "span", *small.refs[0], how="also")
    assert _gold(team) == [("Mexico City", "GPE")]


def test_a_relation_lands_on_the_gold_span_at_each_end(team):
    bob_b = team.span(team.bob, "Joe Biden", "PERSON")
    bob_m = team.span(team.bob, "Mexico City", "GPE")
    carol_b = team.span(team.carol, "Biden", "PERSON")
    carol_m = team.span(team.carol, "Mexico City", "GPE")
    team.bob.create_relation(bob_b, bob_m, "located_in")
    rel = team.carol.create_relation(carol_b, carol_m, "located_in")
    biden = _conflict(team, "Joe Biden")
    bob_biden = next(v for v in biden.versions if v.annotators == ("bob",))
    team.rita.decide(team.doc, "span", *bob_biden.refs[0])
    # carol's relation starts at "Biden": it attaches to gold's "Joe Biden"
    team.rita.decide(team.doc, "relation", rel.id, rel.after["version"])
    gold = team.rita.load(team.doc, "gold")
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
    (r,) = gold.relations
    assert (gold.text[gold.span(r.head_id).start:gold.span(r.head_id).end], r.label) == (
        "Joe Biden", "located_in")
    view = team.rita.review(team.doc)
    assert not [c for c in view.conflicts if c.open]  # both relation versions are in gold


def test_a_relation_whose_end_has_no_gold_brings_it_as_that_places_decision(team):
    bob_b = team.span(team.bob, "Joe Biden", "PERSON")
    bob_m = team.span(team.bob, "Mexico City", "GPE")
    team.span(team.carol, "Biden", "PERSON")
    rel = team.bob.create_relation(bob_b, bob_m, "located_in")
    team.rita.decide(team.doc, "relation", rel.id, rel.after["version"])
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
    biden = _conflict(team, "Joe Biden")
    assert sorted(v.decided for v in biden.versions) == ["accept", "replaced"]


def test_a_replaced_span_keeps_its_relations(team):
    rels = {}
    for svc, word in ((team.bob, "Joe Biden"), (team.carol, "Biden")):
        b = team.span(svc, word, "PERSON")
        m = team.span(svc, "Mexico City", "GPE")
        rels[svc.user] = svc.create_relation(b, m, "located_in")
    team.rita.accept_agreed(team.doc)  # Mexico City
    team.rita.decide(team.doc, "relation", rels["bob"].id, 1)  # brings bob's Joe Biden
    biden = _conflict(team, "Joe Biden")
    for who in ("carol", "bob"):
        v = next(v for v in biden.versions if v.annotators == (who,))
        team.rita.decide(team.doc, "span", *v.refs[0])
        gold = team.rita.load(team.doc, "gold")
        (r,) = gold.relations
        head = gold.span(r.head_id)
        assert gold.text[head.start:head.end] == ("Joe Biden" if who == "bob" else "Biden")
        assert len(gold.spans) == 2


def test_rejecting_a_trigger_rejects_its_events(team):
    for svc in (team.bob, team.carol):
        perez = team.span(svc, "Juan Perez", "PERSON")
        svc.create_event_at(team.doc, *at("arrested"), "Arrest",
                            arguments=[("Person", perez, None)])
    team.span(team.bob, "Tijuana", "GPE")
    # everything about the arrest is agreed: reject its trigger, then accept all agreed
    bob_trigger = next(s for s in team.bob.load(team.doc).spans if s.label == "Arrest")
    step = team.rita.decide(team.doc, "span", bob_trigger.id, bob_trigger.version, "reject")
    team.rita.accept_agreed(team.doc)
    gold = team.rita.load(team.doc, "gold")
    assert _gold(team) == [("Juan Perez", "PERSON")] and gold.events == []
    bob_event = team.bob.load(team.doc).events[0]
    with pytest.raises(ValidationError, match="its trigger was rejected"):
        team.rita.decide(team.doc, "event", bob_event.id, bob_event.version)
    assert team.rita.accept_annotator(team.doc, "bob").after["decided"] == 1  # Tijuana only
    assert team.rita.load(team.doc, "gold").events == []
    assert team.rita.review(team.doc).agreed_open == 0
    _undo(team, step)  # the trigger is open again, and so is its event
    assert team.rita.review(team.doc).agreed_open == 2


def test_bulk_steps_each_undo_at_once(team):
    _setup(team)
    team.rita.accept_agreed(team.doc)
    step = team.rita.accept_annotator(team.doc, "bob", label="PERSON")
    assert step.after["decided"] == 1
    assert ("Juan Perez", "PERSON") in _gold(team) and ("Mexican", "NORP") not in _gold(team)
    step = team.rita.accept_annotator(team.doc, "carol")
    assert ("Mexican", "ORG") in _gold(team)
    _undo(team, step)
    assert ("Mexican", "ORG") not in _gold(team)
    with pytest.raises(ValidationError, match="cannot be approved: 2 conflict"):
        team.rita.approve(team.doc)
    rest = team.rita.reject_rest(team.doc)
    assert rest.after["decided"] == 3  # NORP, ORG, Tijuana
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Juan Perez", "PERSON"),
                           ("Mexico City", "GPE")]
    approved = team.rita.approve(team.doc)
    assert team.rita.load(team.doc, "gold").status == "approved"
    _undo(team, approved)
    _undo(team, rest)
    assert team.rita.load(team.doc, "gold").status != "approved"
    assert len(team.rita.conflicts(team.doc)) == 2


def test_accepting_an_annotators_versions_keeps_every_one_she_gave(team):
    """carol gave two overlapping spans, and two relations between the same two spans: her
    layer holds both of each, so accepting all of carol's keeps both (her second one is
    accepted *also*, not in place of her first)."""
    for svc in (team.bob, team.carol):
        b = team.span(svc, "Joe Biden", "PERSON")
        c = team.span(svc, "Mexico City", "GPE")
        svc.create_relation(b, c, "located_in")
    carol_b = next(s.id for s in team.carol.load(team.doc).spans if s.label == "PERSON")
    carol_c = team.carol.load(team.doc).relations[0].tail_id
    team.carol.create_relation(carol_b, carol_c, "leader_of")
    team.span(team.carol, "Mexico", "GPE")  # inside her Mexico City
    step = team.rita.accept_annotator(team.doc, "carol")
    assert (step.after["decided"], step.after["skipped"]) == (4, 0)  # Joe Biden came along
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Mexico", "GPE"), ("Mexico City", "GPE")]
    assert sorted(r.label for r in team.rita.load(team.doc, "gold").relations) == [
        "leader_of", "located_in"]
    view = team.rita.review(team.doc)
    assert not [c for c in view.conflicts if c.open]
    assert all(v.decided == "accept" for c in view.conflicts for v in c.versions)
    _undo(team, step)
    assert _gold(team) == [] and team.rita.load(team.doc, "gold").relations == []


def test_return_to_annotators_with_a_comment(team):
    _setup(team)
    team.rita.return_to_annotators(team.doc, "Mexican is NORP here, see the guidelines")
    assert team.bob.load(team.doc).status == "returned"
    assert team.carol.load(team.doc).status == "returned"
    with pytest.raises(ValidationError, match="needs a comment"):
        team.rita.return_to_annotators(team.doc, "")


def test_stale_and_unknown_decisions_are_refused_and_store_nothing(team):
    ids = _setup(team)
    team.bob.relabel_span(ids["bob_tij"], "LOC")
    before = _writes(team)
    with pytest.raises(StaleWriteError, match="changed since it was shown"):
        team.rita.decide(team.doc, "span", ids["bob_tij"], 1)
    with pytest.raises(NotFoundError, match="no span 999"):
        team.rita.decide(team.doc, "span", 999, 1)
    with pytest.raises(NotFoundError, match="no document with id 999"):  # nothing to lock
        team.rita.decide(999, "span", ids["bob_tij"], 2)
    assert _writes(team) == before


def test_only_reviewers_adjudicate(team):
    ids = _setup(team)
    with pytest.raises(PermissionDenied, match="only reviewers"):
        team.bob.decide(team.doc, "span", ids["bob_mex"], 1)
    with pytest.raises(PermissionDenied, match="only reviewers"):
        team.bob.accept_agreed(team.doc)
    with pytest.raises(PermissionDenied):
        team.bob.review(team.doc)


def test_export_uses_gold_once_it_exists(team):
    layer, _ = team.alice.export_records("news")
    assert layer == "each document's annotator"
    _setup(team)
    team.rita.accept_agreed(team.doc)
    layer, records = team.alice.export_records("news")
    assert layer == "gold"
    (doc,) = [r for r in records if r.spans]
    assert sorted((s.start, s.end, s.label) for s in doc.spans) == [
        (*at("Joe Biden"), "PERSON"), (*at("Mexico City"), "GPE")]
    layer, records = team.alice.export_records("news", "bob")
    assert layer == "bob" and len([s for r in records for s in r.spans]) == 5


def test_events_arguments_of_each_other_go_into_gold_once(team):
    """An event may take another event as argument (brat allows it); accepting the agreed
    labels copies both events into gold, each once."""
    from models.schema import Role

    schema = team.alice.schema(team.pid)
    schema.event("Meet").roles.append(Role("Cause"))
    team.alice.save_schema(team.pid, schema)
    for svc in (team.bob, team.carol):
        a = svc.create_event_at(team.doc, *at("met"), "Meet").id
        b = svc.create_event_at(team.doc, *at("arrested"), "Meet").id
        svc.add_argument(a, "Cause", target_event_id=b)
    team.rita.accept_agreed(team.doc)
    gold = team.rita.load(team.doc, "gold")
    assert _gold(team) == [("arrested", "Meet"), ("met", "Meet")]
    assert len(gold.events) == 2
    by_text = {gold.text[gold.span(e.trigger_id).start:gold.span(e.trigger_id).end]: e
               for e in gold.events}
    assert [(a.role, a.event_id) for a in by_text["met"].arguments] == [
        ("Cause", by_text["arrested"].id)]
    view = team.rita.review(team.doc)
    assert view.agreed_open == 0 and not [c for c in view.conflicts if c.open]


def test_imported_labels_the_schema_forbids_widen_it_and_reach_gold(team):
    from models.records import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord
    from models.records import SpanRecord
    from tests.review.conftest import TEXT

    def record(annotator):
        return DocumentRecord(text=TEXT, annotator=annotator, origin=("f.jsonl", 7), spans=[
            SpanRecord(*at("Joe Biden"), "PERSON", id="p"),
            SpanRecord(*at("Juan Perez"), "PERSON", id="q"),
            SpanRecord(*at("met"), "Meet", id="t")],
            relations=[RelationRecord("p", "q", "part_of")],
            events=[EventRecord("t", "Meet", arguments=[ArgumentRecord("Time", "p"),
                                                          ArgumentRecord("Time", "q")])])

    with pytest.raises(ValidationError, match="f.jsonl:7.*part_of from PERSON to PERSON"):
        team.alice.import_records("news", [record("bob")], strict=True)
    team.alice.import_records("news", [record("bob"), record("carol")])
    team.rita.accept_agreed(team.doc)
    gold = team.rita.load(team.doc, "gold")
    assert [r.label for r in gold.relations] == ["part_of"]
    assert sorted(a.role for a in gold.events[0].arguments) == ["Time", "Time"]
