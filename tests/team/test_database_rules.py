"""The database enforces the rules: each one tried through the app and through a raw
connection as the login role (what psql with one's own login could send), and refused."""

import psycopg
import pytest

from models.errors import NotFoundError, PermissionDenied
from tests.team.conftest import at


@pytest.fixture
def labeled(team_db, doc):
    """ann and bob each label the document; the reviewer puts one span into gold."""
    ann, bob, rev = (team_db.service(x) for x in (team_db.ann, team_db.bob, team_db.rev))
    ids = {}
    s, e = at("Joe Biden")
    ids["ann"] = ann.create_span(doc, s, e, "PERSON").id
    s2, e2 = at("Mexico City")
    ids["ann_city"] = ann.create_span(doc, s2, e2, "GPE").id
    ids["bob"] = bob.create_span(doc, s, e, "PERSON").id
    ids["gold"] = rev.create_span(doc, s, e, "PERSON", layer="gold").id
    with team_db.raw(team_db.admin) as conn:
        ids["layers"] = dict(conn.execute("SELECT name, id FROM layers").fetchall())
    return ids


def _refused(conn, sql, params=()):
    with pytest.raises(psycopg.Error) as err:
        conn.execute(sql, params)
    return str(err.value).splitlines()[0]


def test_annotators_read_and_write_only_their_own_layer(team_db, doc, labeled):
    bob = team_db.service(team_db.bob)
    with pytest.raises(PermissionDenied, match=f"cannot see the layer of {team_db.ann}"):
        bob.load(doc, team_db.ann)
    with pytest.raises(PermissionDenied, match="cannot see the gold layer"):
        bob.load(doc, "gold")
    with pytest.raises(NotFoundError, match="or is in a layer you may not see"):
        bob.relabel_span(labeled["ann"], "ORG")  # the database does not even show it
    s, e = at("Police")
    with pytest.raises(PermissionDenied, match="only reviewers"):
        bob.create_span(doc, s, e, "PERSON", layer="gold")
    ann_layer, gold_layer = labeled["layers"][team_db.ann], labeled["layers"]["gold"]
    with team_db.raw(team_db.bob) as conn:
        assert conn.execute("SELECT name FROM layers").fetchall() == [(team_db.bob,)]
        assert conn.execute("SELECT id FROM spans").fetchall() == [(labeled["bob"],)]
        assert conn.execute("SELECT count(*) FROM spans WHERE layer_id IN (%s, %s)",
                            (ann_layer, gold_layer)).fetchone() == (0,)
        # another's rows are out of reach: updates and deletes find nothing
        assert conn.execute("UPDATE spans SET label = 'ORG' WHERE id = %s",
                            (labeled["ann"],)).rowcount == 0
        assert conn.execute("DELETE FROM spans WHERE id = %s", (labeled["gold"],)).rowcount == 0
        assert conn.execute("UPDATE layers SET status = 'approved' WHERE id = %s",
                            (ann_layer,)).rowcount == 0
        # and nothing can be written into them, nor a layer made in another's name
        for layer in (ann_layer, gold_layer):
            assert "row-level security" in _refused(
                conn, "INSERT INTO spans (layer_id, start, \"end\", label, attributes, source, "
                "state, version) VALUES (%s, 0, 3, 'PERSON', '{}', 'manual', 'accepted', 1)",
                (layer,))
        assert "row-level security" in _refused(
            conn, "INSERT INTO layers (document_id, name, status, version, updated_at) "
            "VALUES (%s, %s, 'new', 1, now())", (doc, team_db.rev))
        # moving one's own span into another layer is refused too
        assert "row-level security" in _refused(
            conn, "UPDATE spans SET layer_id = %s WHERE id = %s", (ann_layer, labeled["bob"]))
    ann = team_db.service(team_db.ann)
    assert sorted(x.label for x in ann.load(doc).spans) == ["GPE", "PERSON"]


def test_relations_and_event_arguments_never_reach_into_another_layer(team_db, doc,
                                                                     labeled):
    bob_layer = labeled["layers"][team_db.bob]
    with team_db.raw(team_db.bob) as conn:
        # head in bob's layer, tail in ann's: refused
        assert "row-level security" in _refused(
            conn, "INSERT INTO relations (layer_id, head_id, tail_id, label, source, state, "
            "version) VALUES (%s, %s, %s, 'citizen_of', 'manual', 'accepted', 1)",
            (bob_layer, labeled["bob"], labeled["ann_city"]))
        ev = conn.execute(
            "INSERT INTO events (layer_id, trigger_id, type, attributes, source, state, "
            "version) VALUES (%s, %s, 'Meet', '{}', 'manual', 'accepted', 1) RETURNING id",
            (bob_layer, labeled["bob"])).fetchone()[0]
        assert "row-level security" in _refused(
            conn, "INSERT INTO event_arguments (event_id, role, span_id) VALUES (%s, 'Place', "
            "%s)", (ev, labeled["ann_city"]))
        # an argument of one's own event pointing at one's own span is fine
        conn.execute("INSERT INTO event_arguments (event_id, role, span_id) VALUES "
                     "(%s, 'Entity', %s)", (ev, labeled["bob"]))
    with team_db.raw(team_db.ann) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM event_arguments").fetchone() == (0,)
        assert conn.execute("DELETE FROM event_arguments").rowcount == 0
        assert "row-level security" in _refused(
            conn, "INSERT INTO event_arguments (event_id, role, span_id) VALUES (%s, 'Place', "
            "%s)", (ev, labeled["ann_city"]))


def test_reviewers_read_every_layer_and_write_gold_only(team_db, doc, labeled):
    rev = team_db.service(team_db.rev)
    assert [x.label for x in rev.load(doc, team_db.ann).spans] == ["PERSON", "GPE"]
    with pytest.raises(PermissionDenied, match=f"cannot change the layer of {team_db.ann}"):
        rev.relabel_span(labeled["ann"], "ORG")
    with team_db.raw(team_db.rev) as conn:
        names = {n for n, in conn.execute("SELECT name FROM layers").fetchall()}
        assert names == {team_db.ann, team_db.bob, "gold"}
        assert conn.execute("UPDATE spans SET label = 'ORG' WHERE id = %s",
                            (labeled["ann"],)).rowcount == 0
        assert conn.execute("UPDATE spans SET label = 'ORG' WHERE id = %s",
                            (labeled["gold"],)).rowcount == 1
        assert "permission denied" in _refused(conn, "UPDATE projects SET settings = '{}'")
        assert "permission denied" in _refused(
            conn, "INSERT INTO schemas (project_id, version, data, created_at) "
            "SELECT project_id, version + 1, data, now() FROM schemas")


def test_schema_documents_and_settings_are_the_admins(team_db, doc, labeled):
    bob = team_db.service(team_db.bob)
    pid = bob.project_id("news")
    with pytest.raises(PermissionDenied, match="only admins"):
        bob.save_schema(pid, bob.schema(pid))
    with team_db.raw(team_db.bob) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (1,)  # reads
        assert conn.execute("SELECT count(*) FROM schemas").fetchone() == (1,)
        for sql in ("UPDATE projects SET settings = '{\"auto_gold\": false}'",
                    "INSERT INTO documents (project_id, title, source, text, sha256, chars, "
                    "meta, created_at) VALUES (1, 'x', '', 'x', 'x', 1, '{}', now())",
                    "UPDATE documents SET text = 'changed'",
                    "DELETE FROM schemas",
                    "DELETE FROM projects"):
            assert "permission denied" in _refused(conn, sql)
    admin = team_db.service(team_db.admin)
    schema = admin.schema(pid)
    admin.save_schema(pid, schema)
    with team_db.raw(team_db.admin) as conn:
        conn.execute("UPDATE projects SET settings = '{\"auto_gold\": false}'")
        # an admin writes any layer, as the app lets them
        assert conn.execute("UPDATE spans SET note = 'seen' WHERE id = %s",
                            (labeled["ann"],)).rowcount == 1


def test_a_client_that_skips_the_checks_is_stopped_by_the_database(team_db, doc, labeled,
                                                                    monkeypatch):
    import models.services.labels as labels_mod
    import models.services.layers as layers_mod

    monkeypatch.setattr(labels_mod, "check_layer_write", lambda actor, layer: None)
    monkeypatch.setattr(layers_mod, "check_layer_write", lambda actor, layer: None)
    bob = team_db.service(team_db.bob)
    s, e = at("Police")
    with pytest.raises(PermissionDenied) as err:
        bob.create_span(doc, s, e, "PERSON", layer=team_db.rev)
    assert str(err.value) == ("the database refused it: new row violates row-level security "
                              'policy for table "layers"')
    with pytest.raises(PermissionDenied, match="row-level security policy for table"):
        bob.create_span(doc, s, e, "PERSON", layer="gold")
    rev = team_db.service(team_db.rev)
    assert [x.label for x in rev.load(doc, "gold").spans] == ["PERSON"]


def test_document_categories_are_a_layer_s_own_like_spans(team_db, doc, labeled):
    ann, bob = team_db.service(team_db.ann), team_db.service(team_db.bob)
    mine = ann.set_category(doc, "politics").id
    bob.set_category(doc, "sports")
    with pytest.raises(NotFoundError, match="or is in a layer you may not see"):
        bob.reject("category", mine)
    ann_layer = labeled["layers"][team_db.ann]
    with team_db.raw(team_db.bob) as conn:
        assert [r[0] for r in conn.execute("SELECT category FROM document_categories")] == [
            "sports"]
        assert conn.execute("UPDATE document_categories SET state = 'rejected' WHERE id = %s",
                            (mine,)).rowcount == 0
        assert "row-level security" in _refused(
            conn, "INSERT INTO document_categories (layer_id, category, source, state, "
            "version) VALUES (%s, 'crime', 'manual', 'accepted', 1)", (ann_layer,))
    assert ann.load(doc).accepted_categories == ["politics"]
    rev = team_db.service(team_db.rev)
    assert rev.load(doc, team_db.ann).accepted_categories == ["politics"]
