"""The app checks the same rules for honest clients, with one-line messages, and audits
them: export of other layers, schema growth on import, project settings, the suggest
pipeline, train, restore. Run on SQLite and on PostgreSQL (db_url)."""

import pytest

from models.errors import PermissionDenied, ValidationError
from models.records import DocumentRecord, SpanRecord
from tests.review.conftest import at, make_team


@pytest.fixture
def team(store):
    return make_team(store)


def _audit(store, action):
    from sqlalchemy import select

    from models.orm import AuditLog

    with store.session() as s:
        return [(a.user_name, a.after) for a in s.scalars(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))]


def test_export_of_layers_one_may_not_read_is_refused_and_exports_are_audited(team):
    team.span(team.carol, "Mexican", "NORP")
    team.span(team.bob, "Joe Biden", "PERSON")
    s, e = at("Joe Biden")
    team.rita.create_span(team.doc, s, e, "PERSON", layer="gold")
    with pytest.raises(PermissionDenied, match="cannot see the gold layer"):
        team.bob.export_records("news", "gold")
    with pytest.raises(PermissionDenied, match="cannot see the layer of carol"):
        team.bob.export_records("news", "carol")
    layer, records = team.bob.export_records("news")  # an annotator's default: their own
    assert layer == "bob" and [sp.label for sp in records[0].spans] == ["PERSON"]
    layer, records = team.rita.export_records("news")
    assert layer == "gold"
    assert [u for u, _ in _audit(team.store, "export")] == ["bob", "rita"]
    assert _audit(team.store, "export")[0][1]["layer"] == "bob"


def test_import_that_grows_the_schema_is_an_admins(team):
    rec = DocumentRecord(text="Acme Corp hired Ann.", title="new labels",
                         spans=[SpanRecord(0, 9, "COMPANY"), SpanRecord(16, 19, "HERO")])
    with pytest.raises(PermissionDenied) as err:
        team.bob.import_records("news", [rec])
    assert str(err.value) == ("bob (annotator) cannot add labels to the schema of 'news' "
                              "(entity:COMPANY, entity:HERO); only admins can: an admin adds them (or "
                              "imports the file), or use labels the schema has")
    assert team.alice.schema(team.pid).entity("COMPANY") is None  # nothing half-stored
    plain = DocumentRecord(text="A new article.", title="plain")
    with pytest.raises(PermissionDenied, match="cannot add documents"):
        team.bob.import_records("news", [plain])
    report = team.alice.import_records("news", [rec])
    assert set(report.labels_added) >= {"entity:COMPANY", "entity:HERO"}


def test_project_settings_and_the_suggest_pipeline_are_the_admins(team):
    for who in (team.bob, team.rita):
        with pytest.raises(PermissionDenied, match="cannot change the project's settings"):
            who.set_project_setting(team.pid, "auto_gold", False)
        with pytest.raises(PermissionDenied, match="only admins"):
            who.set_label_mapping(team.pid, {"PERSON": "PERSON"})
        with pytest.raises(PermissionDenied, match="only admins"):
            who.set_patterns_file(team.pid, None)
        with pytest.raises(PermissionDenied, match="only admins"):
            who.train_model("news", "/nonexistent/out")
    assert team.alice.project_settings(team.pid).get("auto_gold", True) is True
    team.alice.set_project_setting(team.pid, "auto_gold", False)
    assert _audit(team.store, "set_setting") == [("alice", {"auto_gold": False})]


def test_auto_gold_and_decisions_are_the_reviewers(team):
    team.span(team.bob, "Joe Biden", "PERSON")
    team.span(team.carol, "Joe Biden", "PERSON")
    with pytest.raises(PermissionDenied, match="only reviewers"):
        team.bob.accept_agreed(team.doc)
    with pytest.raises(PermissionDenied, match="only reviewers"):
        team.bob.review(team.doc)
    assert [c.kind for c in team.rita.accept_agreed(team.doc).children] == ["span"]


def test_restore_validates_like_any_write(team):
    s, e = at("Mexico City")
    gold_span = team.rita.create_span(team.doc, s, e, "GPE", layer="gold").id
    from models.orm import Span

    with team.store.session() as ses:
        gold_layer_id = ses.get(Span, gold_span).layer_id
    sid = team.span(team.bob, "Joe Biden", "PERSON")
    gone = team.bob.delete_span(sid)
    bad = {"span": {**gone.before["span"], "start": 9, "end": 3}}
    with pytest.raises(ValidationError, match=r"span \[9, 3\) is outside the text"):
        team.bob.restore(bad)
    with pytest.raises(ValidationError, match="not in the schema"):
        team.bob.restore({"span": {**gone.before["span"], "label": "NOPE"}})
    with pytest.raises(PermissionDenied, match="only reviewers"):
        team.bob.restore({"span": {**gone.before["span"], "layer_id": gold_layer_id}})
    mixed = {**gone.before, "relations": [{"id": 999, "layer_id": gold_layer_id,
                                           "head_id": sid, "tail_id": gold_span,
                                           "label": "citizen_of", "source": "manual",
                                           "suggester": None, "state": "accepted",
                                           "score": None, "version": 1}]}
    with pytest.raises(ValidationError, match="rows of one layer"):
        team.bob.restore(mixed)
    assert [x.label for x in team.rita.load(team.doc, "gold").spans] == ["GPE"]
    team.bob.restore(gone.before)  # the real one is put back
    assert [x.label for x in team.bob.load(team.doc).spans] == ["PERSON"]
