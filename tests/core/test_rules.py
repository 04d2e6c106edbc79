"""The rule book (models/rules.py): each rule on plain data, then each write path refusing
(or, for import, widening and listing) a label that breaks an overlap policy, with the
policy named in the message."""

from __future__ import annotations

import re

import pytest

from models import rules
from models.errors import FormatError, ValidationError
from models.records import ArgumentRecord, DocumentRecord, EventRecord, SpanRecord
from models.schema import EntityLabel, EventType, RelationType, Role, Schema

TEXT = "Joe Biden met Mexican officials in Mexico City on Monday."
NONE_TEXT = "PERSON does not allow overlap (policy none)"
NONE = re.escape(NONE_TEXT)  # the messages as patterns for pytest.raises
NEST = re.escape("PERSON allows only nested overlap (policy nest)")


def at(word: str) -> tuple[int, int]:
    i = TEXT.index(word)
    return i, i + len(word)


def small_schema(person: str = "none") -> Schema:
    return Schema(
        entities=[EntityLabel("PERSON", overlap=person), EntityLabel("ORG"),
                  EntityLabel("DATE", overlap="nest")],
        relations=[RelationType("employed_by", heads=["PERSON"], tails=["ORG"])],
        events=[EventType("Meet", roles=[Role("Entity", ["PERSON", "ORG"]),
                                         Role("Time", ["DATE"], multiple=False),
                                         Role("Cause", [])])])


def placed(start, end, label, state="accepted", id=None):
    return rules.Placed(id, start, end, label, state)


# ---- the rules, one by one ---------------------------------------------------------------

@pytest.mark.parametrize("start,end,fragments,message", [
    (5, 5, None, "outside the text"),          # empty
    (-1, 3, None, "outside the text"),
    (8, 11, None, "outside the text"),         # past the end (length 10)
    (3, 2, None, "outside the text"),          # end before start
    ("0", 3, None, "outside the text"),        # not an int
    (0, 8, [(0, 2), (6, 9)], "lies outside"),  # a fragment past the span
    (0, 8, [(0, 0)], "lies outside"),          # an empty fragment
    (0, 8, [(5, 8), (0, 2)], "comes before"),  # out of order
    (0, 8, [(0, 4), (3, 8)], "overlaps"),      # fragments overlapping
    (0, 8, [(0, 1, 2)], "not a pair"),
])
def test_offsets_refused(start, end, fragments, message):
    with pytest.raises(ValidationError, match=message):
        rules.check_offsets(start, end, 10, fragments)


def test_offsets_accepted():
    rules.check_offsets(0, 10, 10)
    rules.check_offsets(0, 8, 10, [(0, 2), (2, 4), [6, 8]])  # touching fragments are fine


def test_label_known():
    schema = small_schema()
    rules.check_label(schema, "PERSON")
    rules.check_label(schema, "Meet")  # an event trigger
    with pytest.raises(ValidationError, match="'SHIP' is not in the schema"):
        rules.check_label(schema, "SHIP")


def test_layer_spans_finds_exactly_the_overlapping_ones():
    layer = rules.LayerSpans([placed(0, 30, "A"), placed(2, 4, "B"), placed(10, 12, "C"),
                              placed(20, 25, "D")])
    layer.add(placed(11, 21, "E"))
    found = lambda s, e: sorted(p.label for p in layer.overlapping(s, e))  # noqa: E731
    assert found(4, 10) == ["A"]  # [2,4) ends where it starts, [10,12) starts where it ends
    assert found(11, 12) == ["A", "C", "E"]
    assert found(24, 40) == ["A", "D"]
    assert found(30, 40) == []
    assert len(layer) == 5


def test_policy_none_refuses_any_overlap_naming_it():
    policy = rules.policies(small_schema())
    layer = rules.LayerSpans([placed(0, 9, "PERSON", id=1)])
    with pytest.raises(rules.OverlapError, match=rf"{NONE}: ORG \[4, 9\) would overlap "
                                                 rf"PERSON \[0, 9\)"):
        rules.check_overlap(policy, layer, 4, 9, "ORG")
    rules.check_overlap(policy, layer, 9, 12, "ORG")  # touching is no overlap
    rules.check_overlap(policy, layer, 4, 9, "ORG", ignore_id=1)  # the span itself (a resize)
    rules.check_overlap(policy, layer, 4, 9, "ORG", state="rejected")


def test_policy_nest_allows_nesting_only():
    policy = rules.policies(small_schema("nest"))
    layer = rules.LayerSpans([placed(0, 9, "PERSON")])
    rules.check_overlap(policy, layer, 4, 9, "ORG")  # inside
    rules.check_overlap(policy, layer, 0, 13, "ORG")  # around
    with pytest.raises(rules.OverlapError, match=rf"{NEST}: ORG \[4, 13\)"):
        rules.check_overlap(policy, layer, 4, 13, "ORG")


def test_policy_allow_and_the_states_that_count():
    policy = rules.policies(small_schema())
    layer = rules.LayerSpans([placed(0, 9, "ORG"), placed(20, 29, "PERSON", "suggested"),
                              placed(40, 49, "PERSON", "rejected")])
    rules.check_overlap(policy, layer, 4, 12, "ORG")  # ORG allows, both sides
    # a suggestion may compete with a suggestion, never with a label
    rules.check_overlap(policy, layer, 22, 25, "ORG", state="suggested")
    with pytest.raises(rules.OverlapError, match=rf"{NONE}: .*\(a suggestion\)"):
        rules.check_overlap(policy, layer, 22, 25, "ORG")
    rules.check_overlap(policy, layer, 42, 45, "ORG")  # a rejected span stands for nothing
    with pytest.raises(ValidationError, match=r"\[0, 9\) is already labeled ORG"):
        rules.check_overlap(policy, layer, 0, 9, "ORG")


def test_the_strictest_broken_policy_is_named_and_widening_is_what_the_overlap_needs():
    policy = {"PERSON": "none", "DATE": "nest"}
    crossing = rules.broken_policy(policy, "DATE", 4, 13, placed(0, 9, "PERSON"))
    assert crossing == ("PERSON", "none")
    assert rules.broken_policy(policy, "DATE", 4, 13, placed(0, 9, "DATE")) == ("DATE", "nest")
    assert rules.broken_policy(policy, "DATE", 4, 9, placed(0, 9, "DATE")) is None
    assert rules.needed_policies(policy, placed(4, 13, "DATE"), placed(0, 9, "PERSON")) == {
        "DATE": "allow", "PERSON": "allow"}
    assert rules.needed_policies(policy, placed(4, 9, "ORG"), placed(0, 9, "PERSON")) == {
        "PERSON": "nest"}


def test_relation_rules():
    schema = small_schema()
    rules.check_relation(schema, "employed_by", "PERSON", "ORG", head_id=1, tail_id=2)
    with pytest.raises(ValidationError, match="does not allow ORG -> PERSON; allowed: none"):
        rules.check_relation(schema, "employed_by", "ORG", "PERSON")
    with pytest.raises(ValidationError, match="relation type 'likes' is not in the schema"):
        rules.check_relation(schema, "likes", "PERSON", "ORG")
    with pytest.raises(ValidationError, match="two different spans"):
        rules.check_relation(schema, "employed_by", "PERSON", "ORG", head_id=3, tail_id=3)
    with pytest.raises(ValidationError, match="same layer"):
        rules.check_relation(schema, "employed_by", "PERSON", "ORG", same_layer=False)


def test_event_and_argument_rules():
    schema = small_schema()
    rules.check_event_type(schema, "Meet")
    with pytest.raises(ValidationError, match="event type 'Attack' is not in the schema"):
        rules.check_event_type(schema, "Attack")
    rules.check_argument(schema, "Meet", "Entity", "ORG")
    rules.check_argument(schema, "Meet", "Entity", "PERSON", filled=3)  # multiple
    rules.check_argument(schema, "Meet", "Cause", "Meet")  # any label, an event type too
    with pytest.raises(ValidationError, match="no role 'Place'; roles: Entity, Time, Cause"):
        rules.check_argument(schema, "Meet", "Place", "ORG")
    with pytest.raises(ValidationError, match="role Meet.Time takes DATE, not ORG"):
        rules.check_argument(schema, "Meet", "Time", "ORG")
    rules.check_argument(schema, "Meet", "Time", "DATE")
    with pytest.raises(ValidationError, match="role Meet.Time is already filled"):
        rules.check_argument(schema, "Meet", "Time", "DATE", filled=1)
    with pytest.raises(ValidationError, match="same layer"):
        rules.check_argument(schema, "Meet", "Entity", "ORG", same_layer=False)


def test_no_event_is_its_own_argument_and_no_cycles():
    edges = {1: [2], 2: [3]}  # 1 takes 2, 2 takes 3
    rules.check_event_argument(edges, 1, 3)  # 1 takes 3 as well: no cycle
    with pytest.raises(ValidationError, match="its own argument"):
        rules.check_event_argument(edges, 2, 2)
    with pytest.raises(ValidationError, match="would form a cycle: E3 -> E1 -> E2 -> E3"):
        rules.check_event_argument(edges, 3, 1, {1: "E1", 2: "E2", 3: "E3"})
    assert rules.find_cycle(edges) is None
    assert rules.find_cycle({1: [2], 2: [3], 3: [1]}) == [1, 2, 3, 1]
    assert rules.find_cycle({"a": ["b"], "b": ["b"]}) == ["b", "b"]


# ---- every write path ------------------------------------------------------------------

@pytest.fixture
def news(service):
    """The news schema with PERSON's policy `none`, and one document; (project id, doc)."""
    service.import_records("news", [DocumentRecord(text=TEXT, title="t")])
    pid = service.project_id("news")
    set_policy(service, pid, "PERSON", "none")
    return pid, service.documents(pid)[0].id


def set_policy(service, pid: int, label: str, policy: str) -> None:
    schema = service.schema(pid)
    schema.entity(label).overlap = policy
    service.save_schema(pid, schema)


def labels(service, doc, layer=None):
    return sorted((s.start, s.end, s.label, s.state) for s in service.load(doc, layer).spans)


def test_interactive_edits_refuse_an_overlap_the_policy_forbids(service, news):
    pid, doc = news
    service.create_span(doc, *at("Joe Biden"), "PERSON")
    with pytest.raises(ValidationError, match=rf"{NONE}: ORG \[4, 9\) would overlap "
                                              rf"PERSON \[0, 9\)"):
        service.create_span(doc, *at("Biden"), "ORG")
    org = service.create_span(doc, *at("Mexican"), "ORG").id
    with pytest.raises(ValidationError, match=NONE):
        service.resize_span(org, 4, 21)
    with pytest.raises(ValidationError, match=NONE):  # a suggestion is held to it too
        service.create_span(doc, *at("Biden"), "ORG", state="suggested", source="model")
    set_policy(service, pid, "PERSON", "nest")
    service.create_span(doc, *at("Biden"), "ORG")  # nested: fine now
    with pytest.raises(ValidationError, match=rf"{NEST}: ORG \[4, 13\)"):
        service.create_span(doc, *at("Biden met"), "ORG")
    assert labels(service, doc) == [(0, 9, "PERSON", "accepted"), (4, 9, "ORG", "accepted"),
                                    (14, 21, "ORG", "accepted")]


def _suggestion_over_person(service, pid, doc) -> int:
    """An ORG suggestion inside an accepted PERSON, made while PERSON allowed it; the
    schema is then tightened to `none`."""
    set_policy(service, pid, "PERSON", "allow")
    service.create_span(doc, *at("Joe Biden"), "PERSON")
    sug = service.create_span(doc, *at("Biden"), "ORG", state="suggested", source="model").id
    set_policy(service, pid, "PERSON", "none")
    return sug


def test_accept_refuses_a_suggestion_that_breaks_the_policy(service, news):
    pid, doc = news
    sug = _suggestion_over_person(service, pid, doc)
    with pytest.raises(ValidationError, match=rf"{NONE}: ORG \[4, 9\) would overlap "
                                              rf"PERSON \[0, 9\)"):
        service.accept("span", sug)
    with pytest.raises(ValidationError, match=NONE):  # relabelled on accepting, too
        service.accept("span", sug, label="GPE")
    service.reject("span", sug)  # rejecting is always possible
    assert (4, 9, "ORG", "rejected") in labels(service, doc)


def test_accept_all_refuses_the_batch_and_stores_nothing(service, news):
    pid, doc = news
    sug = _suggestion_over_person(service, pid, doc)
    fine = service.create_span(doc, *at("Mexico City"), "GPE", state="suggested",
                               source="model").id
    from models.operations import SetState

    ops = [SetState("span", i, "accepted") for i in (fine, sug)]
    with pytest.raises(ValidationError, match=NONE):
        service.run(ops)
    assert labels(service, doc) == [(0, 9, "PERSON", "accepted"), (4, 9, "ORG", "suggested"),
                                    (35, 46, "GPE", "suggested")]


def test_suggest_writer_skips_and_counts_what_breaks_the_policy(service, news):
    from models.suggest.analyze import DocSuggestions
    from models.suggest.writer import write_batch

    pid, doc = news
    service.create_span(doc, *at("Joe Biden"), "PERSON")
    item = DocSuggestions(doc, spans=[(*at("Biden"), "ORG", "model", "en", 0.9),
                                      (*at("Mexico City"), "GPE", "model", "en", 0.8)])
    with service.store.session() as s:
        result = write_batch(s, service.actor(), pid, [item])
    assert (result.spans, result.refused, result.skipped) == (1, 1, 0)
    assert labels(service, doc) == [(0, 9, "PERSON", "accepted"),
                                    (35, 46, "GPE", "suggested")]


def test_adjudication_refuses_a_version_that_breaks_the_policy_in_gold(service, news):
    pid, doc = news
    service.add_user("bob", "annotator")
    service.add_user("rita", "reviewer")
    from models.service import Service

    bob, rita = Service(service.store, "bob"), Service(service.store, "rita")
    rita.create_span(doc, *at("Joe Biden"), "PERSON", layer="gold")
    bob.create_span(doc, *at("Biden"), "ORG")
    # gold decided the place already; keeping bob's version too breaks ORG's policy
    (conflict,) = rita.conflicts(doc, include_decided=True)
    assert conflict.versions[0].decided == "replaced"
    with pytest.raises(ValidationError, match=f"cannot keep both .* here: {NONE}"):
        rita.decide(doc, "span", *conflict.versions[0].refs[0], how="also")
    assert labels(rita, doc, "gold") == [(0, 9, "PERSON", "accepted")]


def test_restore_refuses_a_span_that_no_longer_keeps_the_rules(service, news):
    pid, doc = news
    org = service.create_span(doc, *at("Biden"), "ORG").id
    gone = service.delete_span(org)
    service.create_span(doc, *at("Joe Biden"), "PERSON")
    with pytest.raises(ValidationError, match=rf"{NONE}: ORG \[4, 9\) would overlap "
                                              rf"PERSON \[0, 9\)"):
        service.restore(gone.before)
    bad = {"span": {**gone.before["span"], "start": 30, "end": 20}, "relations": [],
           "events": [], "arguments": []}
    with pytest.raises(ValidationError, match=r"span \[30, 20\) is outside the text"):
        service.restore(bad)
    assert labels(service, doc) == [(0, 9, "PERSON", "accepted")]


def _record(*spans, line=3, events=()):
    return DocumentRecord(text=TEXT, origin=("f.jsonl", line), spans=list(spans),
                          events=list(events))


def test_import_widens_the_policy_as_far_as_needed_and_lists_it(service, news):
    pid, _ = news
    nested = _record(SpanRecord(*at("Joe Biden"), "PERSON"), SpanRecord(*at("Biden"), "ORG"))
    report = service.import_records("news", [nested])
    assert report.labels_added == ["policy:PERSON none -> nest"]
    assert service.schema(pid).entity("PERSON").overlap == "nest"
    # against what the layer holds already: PERSON [0, 9) crossed by ORG [4, 13)
    report = service.import_records("news", [_record(SpanRecord(*at("Biden met"), "ORG"))])
    assert report.labels_added == ["policy:PERSON nest -> allow"]
    assert report.spans == 1


def test_import_strict_refuses_naming_file_line_and_policy(service, news):
    pid, doc = news
    crossing = _record(SpanRecord(*at("Joe Biden"), "PERSON"),
                       SpanRecord(*at("Biden met"), "ORG"), line=7)
    with pytest.raises(ValidationError, match=rf"f.jsonl:7: {NONE}: ORG \[4, 13\) overlaps "
                                              rf"PERSON \[0, 9\) \(--strict\)"):
        service.import_records("news", [crossing], strict=True)
    assert labels(service, doc) == []
    assert service.schema(pid).entity("PERSON").overlap == "none"
    # suggestions may compete with one another; the same label twice is stored once
    ok = _record(SpanRecord(*at("Joe Biden"), "PERSON", state="suggested"),
                 SpanRecord(*at("Biden"), "ORG", state="suggested"),
                 SpanRecord(*at("Monday"), "DATE"), SpanRecord(*at("Monday"), "DATE"))
    assert service.import_records("news", [ok], strict=True).labels_added == []


def test_import_refuses_a_cycle_of_events(service, news):
    trig = [SpanRecord(*at("met"), "Meet", id="t1"), SpanRecord(*at("Monday"), "Meet", id="t2")]
    cycle = [EventRecord("t1", "Meet", id="E1", arguments=[ArgumentRecord("Cause", "E2")]),
             EventRecord("t2", "Meet", id="E2", arguments=[ArgumentRecord("Cause", "E1")])]
    with pytest.raises(FormatError, match="f.jsonl:3: events as arguments form a cycle: "
                                          "E1 -> E2 -> E1"):
        service.import_records("news", [_record(*trig, events=cycle)])
    own = [EventRecord("t1", "Meet", id="E1", arguments=[ArgumentRecord("Cause", "E1")])]
    with pytest.raises(FormatError, match="its own argument: E1 -> E1"):
        service.import_records("news", [_record(*trig, events=own)])


def test_cli_import_widens_or_refuses_with_strict(cli, tmp_path):
    import json

    db = f"sqlite:///{tmp_path / 'x.db'}"
    schema = tmp_path / "s.toml"
    schema.write_text('name = "s"\n[[entities]]\nname = "PERSON"\noverlap = "none"\n'
                      '[[entities]]\nname = "ORG"\n', encoding="utf-8")
    assert cli("--db", db, "project", "create", "p", "--schema", str(schema)).returncode == 0
    data = tmp_path / "data.jsonl"
    rows = [{"text": "Ada Lovelace wrote.", "entities": []},
            {"text": TEXT, "entities": [
                {"id": 1, "start_offset": 0, "end_offset": 9, "label": "PERSON"},
                {"id": 2, "start_offset": 4, "end_offset": 13, "label": "ORG"}]}]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    r = cli("--db", db, "import", "--project", "p", "--format", "doccano", "--strict",
            str(data))
    assert r.returncode == 1
    assert f"data.jsonl:2: {NONE_TEXT}: ORG [4, 13) overlaps PERSON [0, 9)" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    stats = json.loads(cli("--db", db, "stats", "--project", "p", "--json").stdout)
    assert stats["documents"] == 0 and stats["spans"] == 0  # nothing half-stored
    r = cli("--db", db, "import", "--project", "p", "--format", "doccano", str(data))
    assert r.returncode == 0, r.stderr
    assert "added to the schema: policy:PERSON none -> allow" in r.stderr
    stats = json.loads(cli("--db", db, "stats", "--project", "p", "--json").stdout)
    assert stats["documents"] == 2 and stats["spans"] == 2


def test_scan_offsets_finds_the_bad_span_and_tells_whether_spans_overlap():
    ok = [SpanRecord(0, 3, "A"), SpanRecord(3, 5, "B"), SpanRecord(7, 9, "C")]
    assert rules.scan_offsets(ok, 10) == (None, True)
    crossing = [SpanRecord(0, 4, "A"), SpanRecord(3, 5, "B")]
    assert rules.scan_offsets(crossing, 10) == (None, False)
    unordered = [SpanRecord(5, 7, "A"), SpanRecord(0, 2, "B")]
    assert rules.scan_offsets(unordered, 10) == (None, False)
    bad = SpanRecord(8, 12, "C")
    assert rules.scan_offsets([*ok[:2], bad], 10) == (bad, True)
    frag = SpanRecord(0, 9, "D", fragments=[(5, 9), (0, 2)])
    assert rules.scan_offsets([frag], 10) == (frag, True)


def test_a_relabel_keeps_the_rules_of_what_hangs_on_the_span(service, news):
    pid, doc = news
    joe = service.create_span(doc, *at("Joe Biden"), "PERSON").id
    city = service.create_span(doc, *at("Mexico City"), "GPE").id
    service.create_relation(joe, city, "citizen_of")  # the news schema: PERSON -> GPE|NORP
    with pytest.raises(ValidationError, match="relation citizen_of does not allow ORG -> GPE"):
        service.relabel_span(joe, "ORG")
    with pytest.raises(ValidationError, match="relation citizen_of does not allow PERSON -> DATE"):
        service.relabel_span(city, "DATE")
    assert labels(service, doc) == [(0, 9, "PERSON", "accepted"), (35, 46, "GPE", "accepted")]
    service.relabel_span(city, "NORP")  # what the relation allows goes through
