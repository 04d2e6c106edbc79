"""A project's review listing (`marginalia review --project P`, the review queue) read for
all documents at once says of each document what its own review says: random projects
(nested, disputed, noted spans, three annotators, a gold already), before and after
auto-gold, compared with review_document and adjudication.pending document by document."""

from __future__ import annotations

import pytest

from models.records import DocumentRecord
from models.review import adjudication
from tests.review.conftest import make_team
from tests.review.test_agreed_sql import _project


def _alike(t, pid, ids):
    listed = t.rita.review_project(pid, ids)
    assert [x.document_id for x in listed] == ids
    for x in listed:
        own = t.rita.review(x.document_id)
        assert (x.title, x.text, x.annotators, x.gold_status, x.agreed_open) == \
            (own.title, own.text, own.annotators, own.gold_status, own.agreed_open)
        assert x.conflicts == own.conflicts
    return listed


@pytest.mark.parametrize("seed", [4, 5])
def test_the_listing_says_what_each_review_says(store, seed):
    t = make_team(store)
    t.alice.add_user("dan", "annotator")
    pid, ids = _project(t, "one", seed)
    t.alice.import_records("one", [DocumentRecord(text="Only Bob read this one.", title="solo")])
    solo = max(d.id for d in t.alice.documents(pid))
    t.bob.create_span(solo, 5, 8, "PERSON")
    ids = ids + [solo]
    queue = t.rita.review_queue(pid)
    with store.session() as s:
        for row in queue:
            left = adjudication.pending(s, row["id"])
            assert (row["open_conflicts"], row["agreed_open"]) == \
                (left["conflicts"], left["agreed"])
    before = _alike(t, pid, [row["id"] for row in queue])
    assert sum(x.agreed_open for x in before) > 0
    t.rita.accept_agreed_project(pid)
    after = _alike(t, pid, ids)  # every document, the one with one annotator included
    assert after[-1].annotators == ["bob"] and after[-1].conflicts
    assert sum(x.agreed_open for x in after) < sum(x.agreed_open for x in before)
    assert any(x.gold_status == "in_progress" for x in after)


def test_a_document_of_another_project_is_refused(store):
    from models.errors import NotFoundError

    t = make_team(store)
    t.alice.create_project("other")
    with pytest.raises(NotFoundError, match="not in project"):
        t.rita.review_project(t.alice.project_id("other"), [t.doc])
