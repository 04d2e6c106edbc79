"""Auto-gold of a whole project on a team database: the reviewer's login does it under the
row-level policies and grants as they are (gold written, the annotators' layers read only),
an annotator's login is refused, and the audit chain stays whole."""

import pytest

from models.errors import PermissionDenied
from models.records import DocumentRecord
from tests.team.conftest import TEXT, at


def test_the_reviewer_takes_a_project_into_gold_under_the_database_rules(team_db, doc):
    from models import audit_chain

    admin = team_db.service(team_db.admin)
    pid = admin.project_id("news")
    admin.import_records("news", [DocumentRecord(text=TEXT + " Again.", title="two")])
    docs = sorted(d.id for d in admin.documents(pid))
    ann, bob, rev = (team_db.service(x) for x in (team_db.ann, team_db.bob, team_db.rev))
    for svc in (ann, bob):
        for d in docs:
            svc.create_span(d, *at("Joe Biden"), "PERSON")
            svc.create_span(d, *at("Mexico City"), "GPE")
    ann.create_span(docs[1], *at("Police"), "ORG")  # only one gave it: not agreed
    rev.create_span(docs[0], *at("Juan Perez"), "PERSON", layer="gold")  # gold exists here
    with pytest.raises(PermissionDenied, match="only reviewers"):
        ann.accept_agreed_project(pid)

    step = rev.accept_agreed_project(pid)

    assert step.after["documents"] == {d: {"decided": 2, "skipped": 0} for d in docs}
    for d in docs:
        gold = rev.load(d, "gold")
        assert sorted((gold.text[s.start:s.end], s.label) for s in gold.spans) == sorted(
            [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
            + ([("Juan Perez", "PERSON")] if d == docs[0] else []))
    assert [s.label for s in ann.load(docs[1], team_db.ann).spans] == ["PERSON", "GPE", "ORG"]
    with team_db.raw(team_db.rev) as conn:
        rows = conn.execute("SELECT action, table_name, document_id, after FROM audit_log "
                            "WHERE user_name = %s AND action IN ('create', 'accept agreed') "
                            "ORDER BY id", (team_db.rev,)).fetchall()
    # Juan Perez by hand, then one row per document for the two agreed spans it got
    assert [(a, table, d) for a, table, d, _ in rows] == [("create", "spans", docs[0])] + [
        ("accept agreed", "layers", d) for d in docs]
    for _, _, d, after in rows[1:]:
        gold = rev.load(d, "gold")
        made = {s.id for s in gold.spans if gold.text[s.start:s.end] != "Juan Perez"}
        assert sorted(after["spans"]) == sorted(made)
    with rev.store.engine.connect() as conn:
        report = audit_chain.verify(conn)
    assert report.bad_row is None, report.problem
