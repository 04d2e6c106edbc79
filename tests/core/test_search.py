"""Search across a project (no window, no CLI): text, regex and token patterns, the label
and status filters, and the plans of the bulk actions over the results."""

from __future__ import annotations

import pytest

from models.errors import ValidationError
from models.records import DocumentRecord
from models.services.search import Query, plan_delete, plan_label, plan_relabel

TEXTS = ["Washington D.C. is where the Senate met. washington agreed.",
         "New York and New Jersey; the New Yorker wrote it.",
         "Nothing here."]


@pytest.fixture
def corpus(service):
    service.import_records("p", [DocumentRecord(text=t, title=f"d{i}")
                                 for i, t in enumerate(TEXTS)])
    pid = service.project_id("p")
    ids = [d.id for d in service.documents(pid)]
    return pid, ids


def places(result):
    return [(m.document_id, m.start, m.end) for m in result.matches]


def test_text_search_is_whole_word_and_case_blind_by_default(service, corpus):
    pid, ids = corpus
    r = service.search(pid, Query("washington"))
    assert places(r) == [(ids[0], 0, 10), (ids[0], 41, 51)]
    assert r.per_document() == {ids[0]: 2}
    assert r.matches[1].before.endswith("the Senate met. ")
    assert service.search(pid, Query("New York")).per_document() == {ids[1]: 1}  # not Yorker
    assert len(service.search(pid, Query("New York", whole_word=False)).matches) == 2
    assert service.search(pid, Query("washington", case_sensitive=True)).matches[0].start == 41


def test_regex_and_token_pattern(service, corpus):
    pid, ids = corpus
    r = service.search(pid, Query(r"New \w+", mode="regex", case_sensitive=True))
    assert [m.text for m in r.matches] == ["New York", "New Jersey", "New Yorker"]
    r = service.search(pid, Query('[{"LOWER": "new"}, {"IS_TITLE": true}]', mode="tokens"))
    assert [m.text for m in r.matches] == ["New York", "New Jersey", "New Yorker"]
    r = service.search(pid, Query('[{"TEXT": "D.C."}]', mode="tokens"))
    assert places(r) == [(ids[0], 11, 15)]


@pytest.mark.parametrize("query", [Query("(", mode="regex"), Query("[{", mode="tokens"),
                                   Query('[{"NOPE": 1}]', mode="tokens"), Query("  ")])
def test_bad_patterns_are_one_line_errors(service, corpus, query):
    with pytest.raises(ValidationError) as exc:
        service.search(corpus[0], query)
    assert "\n" not in str(exc.value)


def test_label_and_status_filters(service, corpus):
    pid, ids = corpus
    service.create_span(ids[1], 0, 8, "GPE")  # New York
    service.set_status(ids[1], "done")
    r = service.search(pid, Query("New", whole_word=True, label="GPE"))
    assert places(r) == [(ids[1], 0, 3)]
    assert [f.label for f in r.matches[0].labels] == ["GPE"]
    assert service.search(pid, Query("Washington", status="finished")).matches == []
    assert len(service.search(pid, Query("New", status="done")).matches) == 3


def test_bulk_plans_count_what_changes(service, corpus):
    pid, ids = corpus
    service.create_span(ids[1], 0, 8, "GPE")
    r = service.search(pid, Query(r"New \w+", mode="regex"))
    plan = plan_label(r.matches, "GPE")
    assert len(plan.operations) == 2 and plan.left_alone == 1 and plan.documents == 1
    service.run(plan.operations)
    after = service.search(pid, Query(r"New \w+", mode="regex"))
    assert all(m.labels for m in after.matches)
    relabel = plan_relabel(after.matches, "LOC")
    assert len(relabel.operations) == 3
    service.run(relabel.operations)
    assert {s.label for s in service.load(ids[1]).spans} == {"LOC"}
    assert plan_relabel(after.matches, "GPE").left_alone == 3
    service.run(plan_delete(service.search(pid, Query("New", label="LOC")).matches).operations)
    assert service.load(ids[1]).spans == []
