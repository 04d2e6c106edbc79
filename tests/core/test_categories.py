"""Document categories: the schema's groups, the rule book's one-of rule, the operations
with their inverses, the open layer patched from Changes, import and export."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import operations as ops
from models.errors import FormatError, ValidationError
from models.layer_patch import apply_changes
from models.orm import AuditLog, DocumentCategory
from models.records import CategoryRecord, DocumentRecord
from models.schema import Category, CategoryGroup, Schema, default_schema


def _accepted(service, doc, layer=None):
    return sorted(service.load(doc, layer).accepted_categories)


def _rows(store, doc):
    with store.session() as s:
        return sorted((r.category, r.state, r.source) for r in s.scalars(
            select(DocumentCategory)))


def test_schema_groups_round_trip_and_refuse_what_contradicts_itself(tmp_path):
    schema = default_schema()
    topic = schema.group("Topic")
    assert topic.exclusive and "politics" in topic.names
    keys = {e.key for e in schema.entities} | {e.key for e in schema.events if e.key}
    assert not keys & {c.key for c in topic.categories}  # no category shadows a label key
    schema.categories.append(CategoryGroup("Flags", exclusive=False, categories=[
        Category("opinion", color="#888888", key="Shift+I", description="An opinion piece")]))
    for name in ("s.toml", "s.json"):
        schema.save(tmp_path / name)
        back = Schema.load(tmp_path / name)
        assert back.categories == schema.categories
        assert back.category_group("opinion").exclusive is False
    bad = default_schema()
    bad.categories.append(CategoryGroup("Other", categories=[Category("politics")]))
    with pytest.raises(ValidationError, match="'politics' is defined twice"):
        bad.validate()
    bad = default_schema()
    bad.categories[0].categories.append(Category("PERSON"))
    with pytest.raises(ValidationError, match="also the name of a label"):
        bad.validate()
    bad = default_schema()
    bad.categories[0].categories.append(Category("local", key="1"))
    with pytest.raises(ValidationError, match="key '1' is already used by 'PERSON'"):
        bad.validate()


def test_an_exclusive_group_takes_one_category_a_multi_label_group_several(service, project):
    pid, doc = project
    service.set_category(doc, "politics")
    with pytest.raises(ValidationError, match="Topic is exclusive .one of.: business and "
                                              "politics on one document"):
        service.set_category(doc, "business")
    with pytest.raises(ValidationError, match="'nonsense' is not in the schema"):
        service.set_category(doc, "nonsense")
    # a suggestion may compete; accepting it is refused while politics stands
    ch = service.set_category(doc, "business", state="suggested", source="model", score=0.7)
    with pytest.raises(ValidationError, match="exclusive"):
        service.accept("category", ch.id)
    assert _accepted(service, doc) == ["politics"]
    view = service.load(doc)
    assert view.category("business").state == "suggested"
    assert view.category("business").score == pytest.approx(0.7)


def test_toggle_switches_within_an_exclusive_group_and_undoes_as_one(service, store, project):
    pid, doc = project
    first = service.toggle_category(doc, "politics")
    assert _accepted(service, doc) == ["politics"]
    second = service.toggle_category(doc, "sports")  # one of: politics comes off first
    assert _accepted(service, doc) == ["sports"]
    assert _rows(store, doc) == [("sports", "accepted", "manual")]  # a manual one is deleted
    redo = service.run(ops.inverses([second]))
    assert _accepted(service, doc) == ["politics"]
    service.run(ops.inverses(redo))
    assert _accepted(service, doc) == ["sports"]
    off = service.toggle_category(doc, "sports")  # pressed again: off
    assert _accepted(service, doc) == []
    service.run(ops.inverses([off]))
    assert _accepted(service, doc) == ["sports"]
    assert first.inverse is not None
    with store.session() as s:
        actions = [(a.action, a.table_name) for a in s.scalars(
            select(AuditLog).where(AuditLog.table_name == "document_categories")
            .order_by(AuditLog.id))]
    assert actions[:3] == [("create", "document_categories"),
                           ("delete", "document_categories"),
                           ("create", "document_categories")]
    history = service.history(doc, table="document_categories")
    assert {h["layer"] for h in history} == {"alice"}


def test_a_suggested_category_taken_off_is_rejected_not_deleted(service, store, project):
    pid, doc = project
    ch = service.set_category(doc, "crime", state="suggested", source="model", score=0.9)
    acc = service.toggle_category(doc, "crime")  # the key on a suggestion accepts it
    assert _accepted(service, doc) == ["crime"]
    assert acc.id == ch.id
    off = service.toggle_category(doc, "crime")
    assert _rows(store, doc) == [("crime", "rejected", "model")]
    service.run(ops.inverses([off]))
    service.run(ops.inverses([acc]))
    assert _rows(store, doc) == [("crime", "suggested", "model")]


def test_the_open_layer_is_patched_from_the_changes_as_a_reload_gives_it(service, project):
    pid, doc = project
    service.create_span(doc, 0, 3, "ORG")  # the layer exists and is in progress
    view = service.load(doc)
    changes = [service.toggle_category(doc, "politics")]
    changes.append(service.set_category(doc, "business", state="suggested", source="model"))
    changes.append(service.toggle_category(doc, "science"))
    changes += service.run(ops.inverses(changes[-1:]))
    changes.append(service.reject("category", changes[1].id))
    patched = view
    for ch in changes:
        patched = apply_changes(patched, [ch])
    assert patched.categories == service.load(doc).categories


def test_rename_and_merge_carry_the_stored_categories(service, project):
    pid, doc = project
    service.set_category(doc, "politics")
    service.rename_label(pid, "politics", "government")
    assert _accepted(service, doc) == ["government"]
    schema = service.schema(pid)
    assert schema.category("government") and not schema.category("politics")
    service.delete_label(pid, "government", merge_into="business")
    assert _accepted(service, doc) == ["business"]
    schema = service.schema(pid)
    schema.categories.append(CategoryGroup("Flags", exclusive=False,
                                           categories=[Category("local")]))
    service.save_schema(pid, schema)
    service.set_category(doc, "local")
    with pytest.raises(ValidationError, match=r"cannot merge category 'local' into 'crime': "
                                              r"document \d+ \(alice\) has business too"):
        service.delete_label(pid, "local", merge_into="crime")
    assert _accepted(service, doc) == ["business", "local"]  # nothing changed


def test_import_stores_categories_adds_unknown_ones_and_refuses_two_of_one_group(service, store):
    rec = DocumentRecord(text="Parliament passed the budget.", origin=("a.jsonl", 3),
                         categories=[CategoryRecord("politics"),
                                     CategoryRecord("editorial", state="accepted"),
                                     CategoryRecord("sports", state="rejected")])
    report = service.import_records("news", [rec])
    assert report.categories == 3
    pid = service.project_id("news")
    assert "category:editorial" in report.labels_added
    assert service.schema(pid).category_group("editorial").exclusive is False
    doc = service.documents(pid)[0]
    assert sorted(doc.categories) == ["editorial", "politics"]
    again = service.import_records("news", [rec])  # nothing twice
    assert again.categories == 0 and again.duplicate_labels >= 3
    two = DocumentRecord(text="Markets fell after the vote.", origin=("b.jsonl", 7),
                         categories=[CategoryRecord("politics"), CategoryRecord("business")])
    with pytest.raises(FormatError, match=r"b.jsonl:7.*Topic is exclusive"):
        service.import_records("news", [two])
    assert len(service.documents(pid)) == 1  # nothing half-stored
    strict = DocumentRecord(text="Another text.", origin=("c.jsonl", 2),
                            categories=[CategoryRecord("weather")])
    with pytest.raises(ValidationError, match="category 'weather' is not in the schema"):
        service.import_records("news", [strict], strict=True)


def test_export_records_give_accepted_and_rejected_categories_never_suggestions(service,
                                                                                store):
    from models.services.exporting import layer_records

    rec = DocumentRecord(text="Parliament passed the budget.",
                         categories=[CategoryRecord("politics"),
                                     CategoryRecord("business", state="suggested", score=0.4),
                                     CategoryRecord("sports", state="rejected")])
    service.import_records("news", [rec])
    with store.session() as s:
        out = list(layer_records(s, "news", "alice"))
        with_sugg = list(layer_records(s, "news", "alice",
                                       states=("accepted", "suggested")))
    assert [(c.name, c.state) for c in out[0].categories] == [
        ("politics", "accepted"), ("sports", "rejected")]
    assert {c.name for c in with_sugg[0].categories} == {"politics", "business", "sports"}


def test_stats_count_accepted_categories_per_layer_and_overall(store, cli, db_url):
    import json

    from models.service import Service

    admin = Service(store, "alice")
    recs = [DocumentRecord(text=f"Text number {i}.", categories=[CategoryRecord(c)])
            for i, c in enumerate(["politics", "politics", "sports"])]
    recs.append(DocumentRecord(text="A rejected one.", annotator="bob",
                               categories=[CategoryRecord("politics", state="rejected"),
                                           CategoryRecord("crime")]))
    admin.import_records("news", recs)
    r = cli("--db", db_url, "--user", "alice", "stats", "--project", "news", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["categories"] == {"crime": 1, "politics": 2, "sports": 1}
    assert data["layers"]["alice"]["categories"] == {"politics": 2, "sports": 1}
    assert data["layers"]["bob"]["categories"] == {"crime": 1}


def test_stats_count_suggested_categories_as_suggestions_like_spans(store, cli, db_url):
    import json

    from models.records import SpanRecord
    from models.service import Service

    admin = Service(store, "alice")
    admin.import_records("news", [
        DocumentRecord(text="Lisbon votes today.", spans=[
            SpanRecord(0, 6, "LOC", state="suggested", source="model")]),
        DocumentRecord(text="Porto wins the cup.")])
    a, b = (d.id for d in admin.documents(admin.project_id("news")))
    admin.set_category(a, "politics", state="suggested", source="model",
                       suggester="textcat-test", score=0.8)
    admin.set_category(b, "sports", state="suggested", source="model",
                       suggester="textcat-test", score=0.9)
    admin.set_category(b, "crime", state="suggested", source="model",
                       suggester="textcat-test", score=0.6)
    crime = next(c for c in admin.load(b).categories if c.category == "crime")
    admin.reject("category", crime.id)
    r = cli("--db", db_url, "--user", "alice", "stats", "--project", "news", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    # 1 suggested span + 2 suggested categories; the rejected one is a rejection
    assert data["suggestions"] == 3
    assert data["layers"]["alice"]["suggestions"] == 3
    assert data["layers"]["alice"]["rejected"] == 1
    assert data["categories"] == {}  # none accepted
    assert data["suggesters"]["textcat-test"] == {"suggested": 2, "accepted": 0,
                                                  "rejected": 1, "edited": 0}
    assert admin.suggester_stats(admin.project_id("news"))["textcat-test"] == {
        "suggested": 2, "accepted": 0, "rejected": 1, "edited": 0}
    text = cli("--db", db_url, "--user", "alice", "stats", "--project", "news")
    assert "3 suggestions" in text.stdout
