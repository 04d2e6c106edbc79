"""Team mode: roles, visible layers, workflow, change marker, history, on SQLite and on the
real PostgreSQL server (db_url runs each test on both)."""

import pytest

from models.errors import NotFoundError, PermissionDenied
from models.service import Service
from tests.review.conftest import at


def test_annotator_cannot_touch_another_layer_or_gold(team):
    carol_span = team.span(team.carol, "Mexican", "NORP")
    with pytest.raises(PermissionDenied, match="cannot change the layer of carol"):
        team.bob.relabel_span(carol_span, "ORG")
    with pytest.raises(PermissionDenied, match="cannot change the layer of carol"):
        team.bob.delete_span(carol_span)
    s, e = at("Joe Biden")
    with pytest.raises(PermissionDenied, match="only reviewers"):
        team.bob.create_span(team.doc, s, e, "PERSON", layer="gold")
    # the reviewer writes gold, but not an annotator's layer
    team.rita.create_span(team.doc, s, e, "PERSON", layer="gold")
    with pytest.raises(PermissionDenied, match="cannot change the layer of carol"):
        team.rita.relabel_span(carol_span, "ORG")
    # nothing changed for carol
    assert [x.label for x in team.carol.load(team.doc).spans] == ["NORP"]


def test_only_admins_change_schema_and_users(team):
    schema = team.alice.schema(team.pid)
    for who in (team.bob, team.rita):
        with pytest.raises(PermissionDenied, match="only admins"):
            who.save_schema(team.pid, schema)
        with pytest.raises(PermissionDenied, match="only admins"):
            who.add_user("eve", "admin")
        with pytest.raises(PermissionDenied, match="only admins"):
            who.set_role("bob", "admin")
    team.alice.set_role("bob", "reviewer")
    assert team.bob.actor().role == "reviewer"


def test_annotators_see_only_their_layer(team):
    team.span(team.bob, "Joe Biden", "PERSON")
    team.span(team.carol, "Mexican", "NORP")
    s, e = at("Tijuana")
    team.bob.create_span(team.doc, s, e, "GPE", state="suggested", source="model")
    mine = team.bob.visible_layers(team.doc)
    assert [(x.name, x.spans, x.suggestions, x.is_own) for x in mine] == [("bob", 1, 1, True)]
    with pytest.raises(PermissionDenied, match="cannot see the layer of carol"):
        team.bob.load(team.doc, "carol")
    with pytest.raises(PermissionDenied, match="cannot see the gold layer"):
        team.bob.load(team.doc, "gold")
    with pytest.raises(PermissionDenied):
        team.bob.documents(team.pid, "carol")
    s, e = at("Joe Biden")
    team.rita.create_span(team.doc, s, e, "PERSON", layer="gold")
    assert [x.name for x in team.rita.visible_layers(team.doc)] == ["gold", "bob", "carol"]
    assert [x.label for x in team.rita.load(team.doc, "carol").spans] == ["NORP"]


def test_workflow_filter_and_progress(team):
    team.span(team.bob, "Joe Biden", "PERSON")
    assert [d.id for d in team.bob.documents_by_status(team.pid, "in_progress")] == [team.doc]
    team.bob.set_status(team.doc, "done")
    team.carol.set_status(team.doc, "done")  # done with no labels still counts
    assert team.bob.documents_by_status(team.pid, ["new", "in_progress"]) == []
    with pytest.raises(PermissionDenied):
        team.bob.set_status(team.doc, "approved", layer="bob")
    with pytest.raises(Exception, match="needs a comment"):
        team.rita.set_status(team.doc, "returned", layer="carol")
    team.rita.set_status(team.doc, "returned", layer="carol", comment="Biden is missing")
    team.rita.set_status(team.doc, "approved", layer="bob")
    prog = team.rita.progress(team.pid)
    assert prog["bob"]["approved"] == 1 and prog["carol"]["returned"] == 1
    assert prog["bob"]["documents"] == 1
    assert list(team.bob.progress(team.pid)) == ["bob"]
    view = team.carol.load(team.doc)
    assert view.status == "returned" and view.comments[-1].text == "Biden is missing"
    assert [d.id for d in team.rita.documents_by_status(team.pid, "returned", layer="carol")] \
        == [team.doc]


def test_change_marker_moves_when_others_write(team):
    before = team.rita.change_marker(team.doc)
    same = team.rita.change_marker(team.doc)
    assert before == same
    team.span(team.bob, "Joe Biden", "PERSON")
    after = team.rita.change_marker(team.doc)
    assert after > before
    assert team.rita.change_marker(project_id=team.pid) >= after


def test_label_history_and_cli_history(team, db_url, cli):
    sid = team.span(team.bob, "Mexican", "NORP")
    v = team.bob.load(team.doc).span(sid).version
    team.bob.relabel_span(sid, "ORG", expected_version=v)
    team.bob.reject("span", sid)
    team.bob.add_comment(team.doc, "is this a group?", target_kind="span", target_id=sid)
    hist = team.bob.label_history(team.doc, "span", sid)
    assert [h["action"] for h in hist] == ["create", "relabel", "reject"]
    assert all(h["user"] == "bob" for h in hist)
    assert hist[1]["before"]["label"] == "NORP" and hist[1]["after"]["label"] == "ORG"
    assert "label: NORP -> ORG" in hist[1]["text"]
    assert "state: accepted -> rejected" in hist[2]["text"]
    with pytest.raises(PermissionDenied):
        team.carol.label_history(team.doc, "span", sid)
    team.bob.delete_span(sid)
    team.rita.review(team.doc)
    r = cli("--db", db_url, "--user", "rita", "history", "--project", "news", "--document",
            str(team.doc))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any("\tbob\t[bob]\trelabel\tspans#" in ln and "NORP -> ORG" in ln for ln in lines)
    assert any("\tbob\t[bob]\tdelete\tspans#" in ln and "ORG [14,21)" in ln for ln in lines)
    assert any("\tbob\t[document]\tcomment\t" in ln and "is this a group?" in ln for ln in lines)


def test_postgres_refuses_unknown_users(pg_url, cli):
    from models.store import Store
    from tests.review.conftest import make_team

    store = Store(pg_url)
    make_team(store)
    with pytest.raises(NotFoundError, match="unknown user 'mallory'.*user add"):
        Service(store, "mallory").load(1)
    store.dispose()
    r = cli("--db", pg_url, "--user", "mallory", "agree", "--project", "news")
    assert r.returncode == 1
    assert r.stderr.strip() == ("marginalia: error: unknown user 'mallory': an admin adds "
                                "users with `marginalia user add NAME --role ROLE`")


def test_stats_show_progress_of_every_annotator(team):
    team.span(team.bob, "Joe Biden", "PERSON")
    team.bob.set_status(team.doc, "done")
    team.carol.set_status(team.doc, "done")  # looked, found nothing to label
    layers = team.alice.stats("news")["layers"]
    assert layers["bob"]["status"] == {"done": 1} and layers["bob"]["spans"] == 1
    assert layers["carol"]["status"] == {"done": 1} and layers["carol"]["spans"] == 0


def test_history_says_what_an_import_brought(store, db_url, cli):
    """An import is audited with one row per document (decision 5): `history` says which
    layer got what, not an empty line."""
    from models.records import CategoryRecord, DocumentRecord, SpanRecord
    from models.service import Service

    alice = Service(store, "alice")
    alice.create_project("news")
    alice.import_records("news", [DocumentRecord(
        text="Joe Biden met Juan Perez.", title="d0",
        spans=[SpanRecord(0, 9, "PERSON"), SpanRecord(14, 24, "PERSON")],
        categories=[CategoryRecord("politics")])], annotator="bob")
    (doc,) = alice.documents(alice.project_id("news"))
    r = cli("--db", db_url, "--user", "alice", "history", "--project", "news", "--document",
            str(doc.id))
    assert r.returncode == 0, r.stderr
    (line,) = [ln for ln in r.stdout.splitlines() if "\timport\t" in ln]
    assert line.endswith("\tinto bob 'd0': 2 spans, 1 category"), line
