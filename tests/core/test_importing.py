"""Storing records: labels land in the annotator's layer, the schema grows or --strict
refuses, one article is one document, and a failed import stores nothing."""

import pytest

from models.errors import FormatError, ValidationError
from models.records import ArgumentRecord, DocumentRecord, EventRecord, RelationRecord, SpanRecord

TEXT = "Ana Lopez was arrested in Lisbon on Monday."


def labeled(annotator=None, label="PERSON"):
    return DocumentRecord(
        text=TEXT, title="t", annotator=annotator, origin=("f.jsonl", 3),
        spans=[SpanRecord(0, 9, label, id="a"), SpanRecord(14, 22, "Arrest", id="t"),
               SpanRecord(26, 32, "GPE", id="b"), SpanRecord(36, 42, "DATE", id="c")],
        relations=[RelationRecord("a", "b", "citizen_of")],
        events=[EventRecord("t", "Arrest", id="e1", arguments=[
            ArgumentRecord("Person", "a"), ArgumentRecord("Place", "b")])])


def test_labels_land_in_the_annotators_layer(service):
    report = service.import_records("p", [labeled("bob"), labeled("carol")])
    assert report.documents_added == 1 and report.documents_existing == 1
    pid = service.project_id("p")
    doc = service.documents(pid, "bob")[0].id
    bob = service.load(doc, "bob")
    assert [s.label for s in bob.spans] == ["PERSON", "Arrest", "GPE", "DATE"]
    assert bob.relations[0].label == "citizen_of"
    assert sorted(a.role for a in bob.events[0].arguments) == ["Person", "Place"]
    assert len(service.load(doc, "carol").spans) == 4
    stats = service.stats("p")
    assert stats["layers"]["bob"]["spans"] == 4 and stats["layers"]["carol"]["events"] == 1


def test_reimport_adds_no_duplicates(service):
    service.import_records("p", [labeled()])
    report = service.import_records("p", [DocumentRecord(text=TEXT, spans=[
        SpanRecord(0, 9, "PERSON"), SpanRecord(4, 9, "PERSON")])])
    assert report.documents_added == 0 and report.duplicate_labels == 1
    pid = service.project_id("p")
    assert service.stats("p")["documents"] == 1
    assert len(service.load(service.documents(pid)[0].id).spans) == 5


def test_unknown_labels_grow_the_schema_or_are_refused_when_strict(service):
    with pytest.raises(ValidationError, match="f.jsonl:3.*'SHIP' is not in the schema"):
        service.import_records("p", [labeled(label="SHIP")], strict=True)
    assert service.list_projects() == []  # nothing stored, not even the project
    report = service.import_records("p", [labeled(label="SHIP")])
    assert "entity:SHIP" in report.labels_added
    assert service.schema("p").entity("SHIP")


def test_dangling_reference_refused_with_file_and_line(service):
    rec = labeled()
    rec.relations.append(RelationRecord("a", "zz", "citizen_of"))
    with pytest.raises(FormatError, match="f.jsonl:3: relation citizen_of points"):
        service.import_records("p", [rec])
    assert service.list_projects() == []


def test_span_outside_text_refused(service):
    rec = DocumentRecord(text="short", origin=("x.jsonl", 1),
                         spans=[SpanRecord(2, 50, "PERSON")])
    with pytest.raises(FormatError, match="x.jsonl:1: span PERSON \\[2, 50\\) is outside"):
        service.import_records("p", [rec])


def test_every_span_of_a_large_import_is_stored_as_given(service):
    """Rows go out many to a statement: counts that do not fill the last statement, plain
    spans beside spans with a kb_id or a state, all land exactly once and unchanged."""
    from models.services.bulk import MAX_PARAMS

    per = MAX_PARAMS // 5  # plain spans bind five values each
    text = " ".join(f"w{i:04d}" for i in range(3 * per))
    words = [(i * 6, i * 6 + 5) for i in range(3 * per)]
    docs = []
    for n in (1, per - 1, per, per + 1, 2 * per + 7):
        spans = [SpanRecord(s, e, "PERSON") for s, e in words[:n]]
        spans[0].kb_id, spans[-1].state = "Q1", "suggested"  # two go the long way
        docs.append(DocumentRecord(text=f"{n} {text}", title=str(n), spans=[
            SpanRecord(s.start + len(f"{n} "), s.end + len(f"{n} "), s.label, kb_id=s.kb_id,
                       state=s.state) for s in spans]))
    report = service.import_records("p", docs)
    assert report.spans == sum((1, per - 1, per, per + 1, 2 * per + 7))
    pid = service.project_id("p")
    for info in service.documents(pid):
        n = int(info.title)
        got = service.load(info.id).spans
        shift = len(f"{n} ")
        assert [(s.start - shift, s.end - shift) for s in got] == words[:n]
        assert {s.label for s in got} == {"PERSON"}
        assert got[0].kb_id == "Q1" and got[-1].state == "suggested"
        assert all(s.kb_id is None for s in got[1:]) and all(
            s.state == "accepted" for s in got[:-1]) or n == 1


def test_reimport_of_labels_with_ids_stores_nothing_twice(service):
    """Formats give their spans ids (brat T1, doccano entity ids): a label already in the
    layer is not stored again, and what points at it points at the row that is there."""
    service.import_records("p", [labeled()])
    again = labeled()
    again.spans.append(SpanRecord(36, 42, "DATE", id="d2"))  # the same DATE under a new id
    again.relations.append(RelationRecord("a", "d2", "citizen_of"))  # new, to the old DATE
    again.events[0].arguments.append(ArgumentRecord("Time", "d2"))  # one argument more
    report = service.import_records("p", [again])
    pid = service.project_id("p")
    view = service.load(service.documents(pid)[0].id)
    assert len(view.spans) == 4 and report.spans == 0
    date = next(s.id for s in view.spans if s.label == "DATE")
    assert sorted((r.label, r.tail_id == date) for r in view.relations) == [
        ("citizen_of", False), ("citizen_of", True)]
    (event,) = view.events
    assert sorted(a.role for a in event.arguments) == ["Person", "Place", "Time"]
    assert report.duplicate_labels == 5 + 1 + 1  # the spans (DATE twice), a relation, the event


def test_the_same_article_twice_in_one_import_gets_its_labels_once(service):
    report = service.import_records("p", [labeled(), labeled()])
    assert report.documents_added == 1 and report.documents_existing == 1
    stats = service.stats("p")
    assert (stats["spans"], stats["relations"], stats["events"]) == (4, 1, 1)


def test_identical_spans_within_one_record_are_one_label(service):
    """A layer holds an accepted label once (uq_spans_accepted, issue 16): the same label
    twice in one record is stored once and counted as already there."""
    report = service.import_records("p", [DocumentRecord(text=TEXT, spans=[
        SpanRecord(0, 9, "PERSON", id="x"), SpanRecord(0, 9, "PERSON", id="y")])])
    assert service.stats("p")["spans"] == 1 and report.duplicate_labels == 1


def test_a_suggestion_in_the_layer_does_not_stand_for_an_imported_label(service):
    """A suggestion is not a label: an accepted label imported at its place is stored (and
    once only, however often the import runs); a suggestion imported again is not."""
    service.import_records("p", [DocumentRecord(text=TEXT, spans=[
        SpanRecord(0, 9, "PERSON", id="s", state="suggested", source="model")])])
    for _ in range(2):
        service.import_records("p", [DocumentRecord(text=TEXT, spans=[
            SpanRecord(0, 9, "PERSON", id="a"),
            SpanRecord(0, 9, "PERSON", id="s", state="suggested", source="model")])])
    pid = service.project_id("p")
    spans = service.load(service.documents(pid)[0].id).spans
    assert sorted(s.state for s in spans) == ["accepted", "suggested"]


@pytest.mark.parametrize("bad, words", [
    ({"label": ""}, "span 2 label: empty"),
    ({"state": "maybe"}, "state 'maybe'"),
    ({"attributes": {"n": float("nan")}}, "span 2 (GPE) attributes.n"),
    ({"answer": "perhaps"}, "answer 'perhaps'"),
])
def test_one_wrong_field_among_plain_spans_is_refused_by_name(service, bad, words):
    """Spans of offsets and label only are checked in bulk; one span that is not, or that
    is wrong, among them is still refused with the record's file and line, nothing stored."""
    rec = DocumentRecord(text=TEXT, origin=("f.jsonl", 7), spans=[
        SpanRecord(0, 9, "PERSON", id="a"), SpanRecord(26, 32, "GPE", id="b"),
        SpanRecord(36, 42, "DATE", id="c")])
    for k, v in bad.items():
        setattr(rec.spans[1], k, v)
    with pytest.raises(FormatError, match="f.jsonl:7") as exc:
        service.import_records("p", [labeled(), rec])
    assert words in str(exc.value)
    assert service.list_projects() == []
