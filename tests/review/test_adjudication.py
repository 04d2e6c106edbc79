"""Auto-gold, the conflict walk and review decisions."""

import pytest

from models.errors import NotFoundError, PermissionDenied, StaleWriteError, ValidationError
from tests.review.conftest import at


def _gold(team):
    view = team.rita.load(team.doc, "gold")
    return sorted((s.start, s.end, s.label) for s in view.spans if s.state == "accepted")


def _setup(team):
    """Agreed: PERSON Joe Biden, GPE Mexico City, relation located_in between them.
    Conflicts: Mexican NORP (bob) vs ORG (carol); Tijuana GPE only bob;
    Juan Perez PERSON (bob) vs "Perez" PERSON (carol)."""
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


def test_auto_gold_copies_agreement_once(team):
    _setup(team)
    view = team.rita.review(team.doc)
    assert view.annotators == ["bob", "carol"]
    assert _gold(team) == [(*at("Joe Biden"), "PERSON"), (*at("Mexico City"), "GPE")]
    assert len(view.gold.relations) == 1 and view.gold.relations[0].label == "located_in"
    assert len(view.auto_gold) == 3
    # opening again adds nothing twice
    again = team.rita.review(team.doc)
    assert again.auto_gold == [] and len(_gold(team)) == 2
    # the conflicts, in text order, with who is missing
    kinds = [(c.kind, c.start, [v.label for v in c.versions], c.missing) for c in view.conflicts]
    assert kinds == [
        ("span", *at("Mexican")[:1], ["NORP", "ORG"], ()),
        ("span", at("Juan Perez")[0], ["PERSON", "PERSON"], ()),
        ("span", at("Tijuana")[0], ["GPE"], ("carol",)),
    ]


def test_auto_gold_can_be_switched_off(team):
    _setup(team)
    team.alice.set_project_setting(team.pid, "auto_gold", False)
    view = team.rita.review(team.doc)
    assert view.auto_gold == [] and _gold(team) == []
    # agreed labels are not conflicts; the reviewer can still copy them all at once
    assert len(view.conflicts) == 3
    assert len(team.rita.auto_gold(team.doc)) == 3


def test_walk_and_decide(team):
    ids = _setup(team)
    view = team.rita.review(team.doc)
    mex, perez, tij = view.conflicts
    # accept bob's NORP: carol's ORG on the same words is rejected with it
    team.rita.accept_version(team.doc, mex.versions[0])
    # edit: the reviewer takes carol's "Perez" and widens it to "Juan Perez"
    assert [v.annotators for v in perez.versions] == [("bob",), ("carol",)]
    s, e = at("Juan Perez")
    team.rita.accept_edited(team.doc, perez.versions[1], start=s, end=e, label="PERSON")
    # reject bob's lone Tijuana
    team.rita.reject_versions(team.doc, tij.versions)
    assert team.rita.conflicts(team.doc) == []
    gold = _gold(team)
    assert (*at("Mexican"), "NORP") in gold and (*at("Mexican"), "ORG") not in gold
    assert (s, e, "PERSON") in gold and (*at("Tijuana"), "GPE") not in gold
    # decided labels stay decided: reopening brings no conflict back
    assert team.rita.review(team.doc).conflicts == []
    decided = team.rita.conflicts(team.doc, include_decided=True)
    assert {v.decided for c in decided for v in c.versions} == {"accept", "reject", "edit"}
    # and a new label by an annotator is a new conflict
    team.span(team.carol, "Monday", "DATE")
    (new,) = team.rita.conflicts(team.doc)
    assert new.versions[0].label == "DATE" and new.missing == ("bob",)
    assert ids


def test_stale_decision_is_refused_and_changes_nothing(team):
    ids = _setup(team)
    view = team.rita.review(team.doc)
    mex = view.conflicts[0]
    before = _gold(team)
    team.bob.relabel_span(ids["bob_mex"], "GPE")  # bob changes it after the reviewer looked
    with pytest.raises(StaleWriteError, match="changed since it was shown"):
        team.rita.accept_version(team.doc, mex.versions[0])
    team.carol.delete_span(ids["carol_mex"])
    with pytest.raises(NotFoundError, match="deleted since it was shown"):
        team.rita.accept_version(team.doc, mex.versions[1])
    assert _gold(team) == before
    assert len(team.rita.conflicts(team.doc)) == 3  # nothing decided


def test_relation_conflict_copies_its_spans(team):
    for svc, label in ((team.bob, "located_in"), (team.carol, "citizen_of")):
        b = team.span(svc, "Juan Perez", "PERSON")
        t = team.span(svc, "Tijuana", "GPE")
        svc.create_relation(b, t, label)
    team.alice.set_project_setting(team.pid, "auto_gold", False)
    view = team.rita.review(team.doc)
    rel = next(c for c in view.conflicts if c.kind == "relation")
    assert [v.label for v in rel.versions] == ["citizen_of", "located_in"]
    team.rita.accept_version(team.doc, rel.versions[1])
    gold = team.rita.load(team.doc, "gold")
    assert [r.label for r in gold.relations] == ["located_in"]
    assert len(gold.spans) == 2  # both ends came with it
    assert not [c for c in team.rita.conflicts(team.doc) if c.kind == "relation"]


def test_event_with_arguments_goes_to_gold(team):
    for svc in (team.bob, team.carol):
        perez = team.span(svc, "Juan Perez", "PERSON")
        s, e = at("arrested")
        svc.create_event_at(team.doc, s, e, "Arrest", arguments=[("Person", perez, None)])
    view = team.rita.review(team.doc)
    assert [(ev.type, len(ev.arguments)) for ev in view.gold.events] == [("Arrest", 1)]
    assert view.conflicts == []


def test_only_reviewers_adjudicate(team):
    _setup(team)
    conflict = team.rita.review(team.doc).conflicts[0]
    with pytest.raises(PermissionDenied, match="only reviewers"):
        team.bob.accept_version(team.doc, conflict.versions[0])
    with pytest.raises(PermissionDenied):
        team.bob.review(team.doc)
    with pytest.raises(ValidationError, match="at least one"):
        team.rita.decide(team.doc, "span")


def test_export_uses_gold_once_it_exists(team):
    layer, _ = team.alice.export_records("news")
    assert layer == "each document's annotator"
    _setup(team)
    team.rita.review(team.doc)  # auto-gold: what bob and carol agree on
    layer, records = team.alice.export_records("news")
    assert layer == "gold"
    (doc,) = [r for r in records if r.spans]
    assert sorted((s.start, s.end, s.label) for s in doc.spans) == [
        (*at("Joe Biden"), "PERSON"), (*at("Mexico City"), "GPE")]
    # a named layer still wins
    layer, records = team.alice.export_records("news", "bob")
    assert layer == "bob" and len([s for r in records for s in r.spans]) == 5


def test_cli_review(cli, sqlite_url):
    import json

    from models.store import Store
    from tests.review.conftest import make_team

    st = Store(sqlite_url)
    team = make_team(st)
    ids = _setup(team)
    st.dispose()
    base = ("--db", sqlite_url, "--user", "rita", "review", "--project", "news")
    r = cli(*base)
    assert r.returncode == 0, r.stderr
    assert "3 open conflict(s), 3 agreed label(s) put into gold" in r.stdout
    data = json.loads(cli(*base, "--document", str(team.doc), "--json").stdout)
    (doc,) = data
    assert doc["auto_gold"] == 0 and len(doc["conflicts"]) == 3
    mex = doc["conflicts"][0]
    assert mex["text"] == "Mexican" and [v["label"] for v in mex["versions"]] == ["NORP", "ORG"]
    ref = mex["versions"][0]["ref"]
    assert ref == f"span:{ids['bob_mex']}:1"
    r = cli(*base, "--document", str(team.doc), "--accept", ref)
    assert r.returncode == 0 and "2 open conflict(s)" in r.stdout
    # deciding again on a label as it was shown before bob changed it: refused
    from models.service import Service

    st = Store(sqlite_url)
    Service(st, "bob").relabel_span(ids["bob_tij"], "LOC")
    st.dispose()
    r = cli(*base, "--document", str(team.doc), "--reject", f"span:{ids['bob_tij']}:1")
    assert r.returncode == 1 and "changed since it was shown" in r.stderr
    r = cli("--db", sqlite_url, "--user", "bob", "review", "--project", "news")
    assert r.returncode == 1 and "only reviewers" in r.stderr
    r = cli(*base, "--document", str(team.doc), "--accept", "span-12")
    assert r.returncode == 2 and "KIND:ID:VERSION" in r.stderr


def test_events_arguments_of_each_other_go_into_gold_once(team):
    """An event may take another event as argument (brat allows it), but never in a cycle:
    the rule book refuses the argument that would close one. Accepting the event copies
    both into gold, each once."""
    from models.schema import Role

    schema = team.alice.schema(team.pid)
    schema.event("Meet").roles.append(Role("Cause"))  # any label or event type
    team.alice.save_schema(team.pid, schema)
    for svc in (team.bob, team.carol):
        a = svc.create_event_at(team.doc, *at("met"), "Meet").id
        b = svc.create_event_at(team.doc, *at("arrested"), "Meet").id
        svc.add_argument(a, "Cause", target_event_id=b)
        with pytest.raises(ValidationError, match=f"would form a cycle: Meet {b} -> Meet {a} "
                                                  f"-> Meet {b}"):
            svc.add_argument(b, "Cause", target_event_id=a)
    view = team.rita.review(team.doc)  # auto-gold: both annotators agree on everything
    gold = team.rita.load(team.doc, "gold")
    assert sorted((team.rita.load(team.doc, "gold").text[s.start:s.end], s.label)
                  for s in gold.spans) == [("arrested", "Meet"), ("met", "Meet")]
    assert len(gold.events) == 2
    by_text = {gold.text[gold.span(e.trigger_id).start:gold.span(e.trigger_id).end]: e
               for e in gold.events}
    assert [(a.role, a.event_id) for a in by_text["met"].arguments] == [
        ("Cause", by_text["arrested"].id)]
    assert not by_text["arrested"].arguments
    assert view.conflicts == []


def test_imported_labels_the_schema_forbids_widen_it_and_reach_gold(team):
    """A relation between labels its type does not allow, or an argument a role does not
    take, is kept as the file says: the import widens the schema (listed, refused with
    --strict), so a reviewer can put the agreed labels into gold."""
    from models.records import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord
    from models.records import SpanRecord
    from tests.review.conftest import TEXT

    def record(annotator):
        return DocumentRecord(text=TEXT, annotator=annotator, origin=("f.jsonl", 7), spans=[
            SpanRecord(*at("Joe Biden"), "PERSON", id="p"),
            SpanRecord(*at("Juan Perez"), "PERSON", id="q"),
            SpanRecord(*at("met"), "Meet", id="t")],
            relations=[RelationRecord("p", "q", "part_of")],  # part_of: places, not people
            events=[EventRecord("t", "Meet", arguments=[ArgumentRecord("Time", "p"),
                                                          ArgumentRecord("Time", "q")])])

    with pytest.raises(ValidationError, match="f.jsonl:7.*part_of from PERSON to PERSON"):
        team.alice.import_records("news", [record("bob")], strict=True)
    report = team.alice.import_records("news", [record("bob"), record("carol")])
    assert sorted(report.labels_added) == [
        "relation:part_of from PERSON to PERSON", "role:Meet.Time takes PERSON",
        "role:Meet.Time takes more than one"]
    team.rita.review(team.doc)
    gold = team.rita.load(team.doc, "gold")
    assert [r.label for r in gold.relations] == ["part_of"]
    assert sorted(a.role for a in gold.events[0].arguments) == ["Time", "Time"]
