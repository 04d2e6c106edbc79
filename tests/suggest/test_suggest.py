"""Suggestions on the sample article with the real English pipeline."""

from __future__ import annotations

import unicodedata

import pytest

from models.errors import DomainError, ValidationError


def _bad_edge(text: str) -> bool:
    """Leading/trailing whitespace or punctuation (a period closing an abbreviation is part
    of the name: U.S., D.C.)."""
    first, last = text[0], text[-1]
    if first.isspace() or unicodedata.category(first).startswith("P"):
        return True
    if last.isspace():
        return True
    if unicodedata.category(last).startswith("P"):
        return not (last == "." and "." in text[:-1])
    return text.endswith(("'s", "’s"))


def test_sample_article_gets_trimmed_entities_events_and_relations(nlp, service, project):
    pid, doc = project
    report = service.suggest(pid)
    assert report.documents == 1 and report.spans > 50
    view = service.load(doc)
    assert view.spans and all(s.state == "suggested" for s in view.spans)
    texts = [view.text[s.start:s.end] for s in view.spans]
    assert "Getty Images" in texts
    assert not [t for t in texts if _bad_edge(t)]
    by_id = {s.id: s for s in view.spans}
    assert {s.suggester for s in view.spans if s.source == "model"} == {report.pipeline}
    # events: a trigger span labeled with the type, arguments on entity spans
    assert len(view.events) >= 5 and all(e.state == "suggested" for e in view.events)
    named = [e for e in view.events if view.text[by_id[e.trigger_id].start:
                                                by_id[e.trigger_id].end] == "named"]
    assert named and named[0].type == "Appoint"
    roles = {a.role: view.text[by_id[a.span_id].start:by_id[a.span_id].end]
             for a in named[0].arguments}
    assert roles == {"Person": "Kamala Harris", "Entity": "Biden", "Time": "Wednesday"}
    # relations allowed by the schema only
    schema = service.schema(pid)
    assert view.relations
    for r in view.relations:
        assert r.state == "suggested"
        assert schema.relation(r.label).allows(by_id[r.head_id].label, by_id[r.tail_id].label)
    pairs = {(view.text[by_id[r.head_id].start:by_id[r.head_id].end], r.label,
              view.text[by_id[r.tail_id].start:by_id[r.tail_id].end]) for r in view.relations}
    assert ("Congress", "part_of", "El Salvador") in pairs

    # running again changes nothing
    again = service.suggest(pid)
    assert (again.spans, again.relations, again.events) == (0, 0, 0)
    assert again.skipped >= report.spans - report.events
    after = service.load(doc)
    assert len(after.spans) == len(view.spans) and len(after.relations) == len(view.relations)
    assert len(after.events) == len(view.events)


def test_a_persons_label_is_never_overwritten_or_duplicated(nlp, service, project):
    pid, doc = project
    text = service.load(doc).text
    start = text.index("Kamala Harris")
    mine = service.create_span(doc, start, start + len("Kamala Harris"), "NORP")
    service.suggest(pid)
    view = service.load(doc)
    same = [s for s in view.spans if (s.start, s.end) == (mine.after["start"], mine.after["end"])]
    assert len(same) == 1 and same[0].label == "NORP" and same[0].state == "accepted"
    # a rejected suggestion stays rejected and is not suggested again
    victim = next(s for s in view.spans if s.state == "suggested" and s.label == "GPE")
    service.reject("span", victim.id)
    service.suggest(pid)
    again = [s for s in service.load(doc).spans if (s.start, s.end) == (victim.start, victim.end)]
    assert [(s.state, s.label) for s in again] == [("rejected", "GPE")]


def test_accepted_rejected_and_edited_per_suggester(nlp, service, project):
    pid, doc = project
    report = service.suggest(pid)
    view = service.load(doc)
    model = [s for s in view.spans if s.suggester == report.pipeline]
    service.accept("span", model[0].id)
    service.accept("span", model[1].id, label="NORP" if model[1].label != "NORP" else "ORG")
    service.reject("span", model[2].id)
    resized = model[3]
    service.resize_span(resized.id, resized.start, resized.end - 1)
    service.accept("span", resized.id)
    rules_event = view.events[0]
    service.accept("event", rules_event.id)
    stats = service.suggester_stats(pid)
    row = stats[report.pipeline]
    assert row["accepted"] == 3 and row["rejected"] == 1 and row["edited"] == 2
    assert row["suggested"] == len(model) - 4
    assert stats["rules"]["accepted"] == 1 and stats["rules"]["edited"] == 0
    assert service.stats("news")["suggesters"][report.pipeline]["edited"] == 2


def test_the_label_mapping_is_checked_editable_and_applied(nlp, service, project):
    pid, doc = project
    table = dict(service.label_mapping(pid))
    assert table["PERSON"] == "PERSON" and table["GPE"] == "GPE"
    with pytest.raises(ValidationError, match="HUMAN"):
        service.set_label_mapping(pid, {"PERSON": "HUMAN"})
    service.set_label_mapping(pid, {"PERSON": "NORP", "GPE": ""})
    table = dict(service.label_mapping(pid))
    assert table["PERSON"] == "NORP" and table["GPE"] is None
    service.suggest(pid)
    view = service.load(doc)
    labels = {view.text[s.start:s.end]: s.label for s in view.spans}
    assert labels["Kamala Harris"] == "NORP"
    assert "GPE" not in {s.label for s in view.spans}


def test_a_stored_mapping_onto_a_missing_label_stores_nothing(nlp, service, project):
    pid, doc = project
    service.set_project_setting(pid, "label_map", {"PERSON": "HUMAN"})
    with pytest.raises(DomainError, match="HUMAN"):
        service.suggest(pid)
    assert service.load(doc).spans == []


def test_suggest_unlabeled_skips_documents_with_accepted_labels(nlp, service, project):
    from models.records import DocumentRecord

    pid, doc = project
    service.import_records("news", [DocumentRecord(text="Angela Merkel visited Paris on "
                                                   "Monday.", title="short")])
    other = next(d.id for d in service.documents(pid) if d.id != doc)
    service.create_span(other, 0, 13, "PERSON")
    report = service.suggest(pid, documents="unlabeled")
    assert report.total == 1 and report.documents == 1
    assert [s.label for s in service.load(other).spans] == ["PERSON"]
    assert service.load(doc).spans


def test_patterns_from_accepted_labels_are_suggested_elsewhere(nlp, service, project):
    from models.records import DocumentRecord

    pid, doc = project
    service.import_records("news", [DocumentRecord(
        text="The Northern Triangle envoy met the Frobnicator Council in Tegucigalpa.",
        title="other")])
    other = next(d.id for d in service.documents(pid) if d.id != doc)
    text = service.load(other).text
    start = text.index("Frobnicator Council")
    service.create_span(other, start, start + len("Frobnicator Council"), "ORG")
    third = service.import_records("news", [DocumentRecord(
        text="Officials of the Frobnicator Council said nothing.", title="third")])
    assert third.documents_added == 1
    new_doc = max(d.id for d in service.documents(pid))
    service.suggest(pid, document_ids=[new_doc])
    spans = service.load(new_doc).spans
    hit = [s for s in spans if s.suggester == "labels"]
    assert [(s.start, s.end, s.label, s.source) for s in hit] == [(17, 36, "ORG", "pattern")]


def test_cancel_between_batches_keeps_whole_batches_only(nlp, service):
    from models.records import DocumentRecord

    texts = [f"{who} met officials of the United Nations in {where} on Tuesday."
             for who, where in [("Angela Merkel", "Paris"), ("Joe Biden", "Berlin"),
                                ("Emmanuel Macron", "Rome"), ("Olaf Scholz", "Madrid"),
                                ("Pedro Sanchez", "Lisbon"), ("Mark Rutte", "Vienna"),
                                ("Giorgia Meloni", "Athens"), ("Justin Trudeau", "Dublin")]]
    service.import_records("many", [DocumentRecord(text=t, title=f"d{i}")
                                    for i, t in enumerate(texts)])
    pid = service.project_id("many")
    asked = []

    def cancel() -> bool:  # asked once a batch is full: the third time, stop
        asked.append(1)
        return len(asked) >= 3

    report = service.suggest(pid, batch_size=2, cancel=cancel)
    assert report.cancelled and report.documents == 4 and report.total == 8
    done = [d for d in service.documents(pid) if d.suggestions]
    assert [d.title for d in done] == ["d0", "d1", "d2", "d3"]  # two whole batches, in order
