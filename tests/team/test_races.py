"""Concurrent writers never duplicate a label: three processes create the same spans at
the same moment (a barrier before each round), three reviewers run auto-gold at once, three
processes import the same files (growing the schema), two
windows make the first edit of a fresh document, two reviewers accept rival versions at one
place, or one runs auto-gold while the other decides. On SQLite and on PostgreSQL."""

import multiprocessing as mp

import pytest

from models.records import DocumentRecord
from models.service import Service
from models.store import Store

WORDS = "Ann met Bob and Cid in Dover, Essex, Fife, Goa, Hull and Iona."
ROUNDS = 8


def _places():
    out, i = [], 0
    for word in WORDS.replace(",", "").replace(".", "").split():
        if word[0].isupper():
            i = WORDS.index(word, i)
            out.append((i, i + len(word)))
            i += len(word)
    return out[:ROUNDS]


def _creator(url, user, doc, barrier, results):
    svc = Service(Store(url, migrate=False), user)
    for start, end in _places():
        barrier.wait()
        try:
            svc.create_span(doc, start, end, "PERSON")
            results.put(("ok", start))
        except Exception as exc:  # every refusal must be a domain error of one line
            results.put((type(exc).__name__, str(exc)))


def _gold(url, user, doc, barrier, results):
    svc = Service(Store(url, migrate=False), user)
    barrier.wait()
    try:
        results.put(("ok", svc.accept_agreed(doc).after["decided"]))
    except Exception as exc:
        results.put((type(exc).__name__, str(exc)))


def _importer(url, user, _doc, barrier, results):
    from models.records import SpanRecord

    svc = Service(Store(url, migrate=False), user)
    # the same ten articles, each with a label the schema lacks: documents, labels and the
    # schema all grow at once in every process
    records = [DocumentRecord(text=f"Article {i} names Widget{i} here.", title=f"a{i}",
                              spans=[SpanRecord(17, 17 + len(f"Widget{i}"), "WIDGET")])
               for i in range(10)]
    barrier.wait()
    try:
        report = svc.import_records("news", records, annotator="bob")
        results.put(("ok", report.documents_added))
    except Exception as exc:
        results.put((type(exc).__name__, str(exc)))


def _run(target, args_list):
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(len(args_list))
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*a, barrier, results)) for a in args_list]
    for p in procs:
        p.start()
    out = []
    for p in procs:
        p.join(300)
        assert p.exitcode == 0
    while not results.empty():
        out.append(results.get())
    return out


@pytest.fixture
def shared(db_url):
    store = Store(db_url)
    alice = Service(store, "alice")
    alice.import_records("news", [DocumentRecord(text=WORDS, title="race")])
    alice.add_user("bob", "annotator")
    alice.add_user("carol", "annotator")
    alice.add_user("rita", "reviewer")
    alice.add_user("ruth", "reviewer")
    alice.add_user("rhea", "reviewer")
    doc = alice.documents(alice.project_id("news"))[0].id
    yield db_url, store, doc
    store.dispose()


def test_three_processes_creating_the_same_spans_store_each_once(shared):
    url, store, doc = shared
    results = _run(_creator, [(url, "bob", doc)] * 3)
    assert len(results) == 3 * ROUNDS
    ok = [r for r in results if r[0] == "ok"]
    assert sorted(start for _, start in ok) == [s for s, _ in _places()]  # one per round
    for kind, message in results:
        if kind != "ok":
            assert kind in ("ValidationError", "StaleWriteError"), message
            assert "\n" not in message
            assert "already labeled PERSON" in message or "someone else" in message
    spans = Service(store, "bob").load(doc).spans
    assert sorted((x.start, x.end) for x in spans) == _places()


def test_three_reviewers_running_auto_gold_at_once_copy_each_label_once(shared):
    url, store, doc = shared
    for who in ("bob", "carol"):
        svc = Service(store, who)
        for start, end in _places()[:4]:
            svc.create_span(doc, start, end, "PERSON")
    results = _run(_gold, [(url, "rita", doc), (url, "ruth", doc), (url, "rhea", doc)])
    assert sorted(n for kind, n in results if kind == "ok") == [0, 0, 4]
    gold = Service(store, "rita").load(doc, "gold").spans
    assert sorted((x.start, x.end) for x in gold) == _places()[:4]


def test_the_first_edit_of_a_fresh_document_from_two_windows(shared):
    url, store, doc = shared
    results = _run(_creator, [(url, "carol", doc)] * 2)
    assert sorted(s for kind, s in results if kind == "ok") == [s for s, _ in _places()]
    with store.session() as s:
        from sqlalchemy import func, select

        from models.orm import Layer

        assert s.scalar(select(func.count(Layer.id)).where(Layer.name == "carol")) == 1


def test_a_stale_row_in_a_batch_is_one_clear_message(shared, monkeypatch):
    """Service.batch used to leak SQLAlchemy's StaleDataError (a versioned row that changed
    between read and write inside the unit of work)."""
    from sqlalchemy.orm.exc import StaleDataError

    from models.errors import StaleWriteError
    from models.operations import RelabelSpan, SetNote
    from models.services import labels

    url, store, doc = shared
    bob = Service(store, "bob")
    start, end = _places()[0]
    sid = bob.create_span(doc, start, end, "PERSON").id

    def changed_meanwhile(s, actor, span_id, label, **kw):
        raise StaleDataError("UPDATE statement on table 'spans' expected to update 1 row(s); "
                             "0 were matched.")

    monkeypatch.setattr(labels, "relabel_span", changed_meanwhile)
    with pytest.raises(StaleWriteError) as err:
        bob.run([SetNote(sid, "first"), RelabelSpan(sid, "ORG")])
    assert str(err.value) == ("a label was changed or deleted by someone else meanwhile; "
                              "nothing from this action was stored: reload and try again")
    assert bob.load(doc).span(sid).note is None  # the batch stored nothing


def test_three_processes_importing_the_same_files_store_everything_once(shared):
    url, store, doc = shared
    results = _run(_importer, [(url, "alice", doc)] * 3)
    assert len(results) == 3
    for kind, message in results:  # a clear refusal at most, never a raw driver error
        if kind != "ok":
            assert kind in ("ValidationError", "StaleWriteError", "StorageError"), message
            assert "\n" not in message and "duplicate key" not in message, message
    assert sum(n for kind, n in results if kind == "ok") == 10  # each article stored once
    alice = Service(store, "alice")
    pid = alice.project_id("news")
    assert alice.schema(pid).entity("WIDGET") is not None
    bob_docs = {d.title: d.id for d in alice.documents(pid, "bob")}
    for i in range(10):
        spans = alice.load(bob_docs[f"a{i}"], "bob").spans
        assert [(x.start, x.label) for x in spans] == [(17, "WIDGET")]


# ---- two reviewers deciding at once ---------------------------------------------------------
# One document per round, the sentence of tests/review/conftest.py: bob marks "Joe Biden" and
# carol "Biden" (one place, two versions); both agree on Mexico City, Juan Perez and
# Tijuana; bob alone relates Juan Perez to Tijuana (a relation conflict on agreed spans).

REVIEW_ROUNDS = 4


def _decider(url, user, jobs, barrier, results):
    """Each round: wait for the other reviewer, then decide (or accept agreed, job None)."""
    svc = Service(Store(url, migrate=False), user)
    for doc, job in jobs:
        barrier.wait()
        try:
            if job is None:
                results.put(("ok", user, doc, svc.accept_agreed(doc).after["decided"]))
            elif job == "project":  # auto-gold of every document in one step
                results.put(("ok", user, doc,
                             svc.accept_agreed_project("news").after["documents"]))
            else:
                svc.decide(doc, *job)
                results.put(("ok", user, doc, job))
        except Exception as exc:  # a refusal must be a domain error of one line
            results.put((type(exc).__name__, user, doc, str(exc)))


@pytest.fixture
def reviewers(db_url):
    from tests.review.conftest import TEXT, at

    store = Store(db_url)
    alice = Service(store, "alice")
    alice.import_records("news", [DocumentRecord(text=f"{TEXT} Round {i}.", title=f"r{i}")
                                  for i in range(REVIEW_ROUNDS)])
    for name, role in (("bob", "annotator"), ("carol", "annotator"), ("rita", "reviewer"),
                       ("ruth", "reviewer")):
        alice.add_user(name, role)
    bob, carol = Service(store, "bob"), Service(store, "carol")
    rounds = []
    for d in alice.documents(alice.project_id("news")):
        ids = {"bob_biden": bob.create_span(d.id, *at("Joe Biden"), "PERSON").id,
               "carol_biden": carol.create_span(d.id, *at("Biden"), "PERSON").id}
        for svc in (bob, carol):
            for word, label in (("Mexico City", "GPE"), ("Juan Perez", "PERSON"),
                                ("Tijuana", "GPE")):
                ids[f"{svc.user}_{word}"] = svc.create_span(d.id, *at(word), label).id
        ids["bob_rel"] = bob.create_relation(ids["bob_Juan Perez"], ids["bob_Tijuana"],
                                             "located_in").id
        rounds.append((d.id, ids))
    yield db_url, store, rounds
    store.dispose()


def _refusals_are_one_line(results):
    for kind, _user, _doc, message in results:
        if kind != "ok":
            assert kind in ("ValidationError", "StaleWriteError"), message
            assert "\n" not in message, message


def test_two_reviewers_accepting_rival_versions_at_once_leave_one_in_gold(reviewers):
    from tests.review.conftest import at

    url, store, rounds = reviewers
    rita = [(doc, ("span", ids["bob_biden"], 1, "accept")) for doc, ids in rounds]
    ruth = [(doc, ("span", ids["carol_biden"], 1, "accept")) for doc, ids in rounds]
    results = _run(_decider, [(url, "rita", rita), (url, "ruth", ruth)])
    assert len(results) == 2 * REVIEW_ROUNDS
    _refusals_are_one_line(results)
    reviewer = Service(store, "rita")
    for doc, _ in rounds:
        gold = reviewer.load(doc, "gold").spans
        here = [(g.start, g.end, g.label) for g in gold if g.start < at("Joe Biden")[1]]
        assert len(here) == 1 and here[0] in [(*at("Joe Biden"), "PERSON"),
                                             (*at("Biden"), "PERSON")], here
        place = next(c for c in reviewer.conflicts(doc, include_decided=True)
                     if c.kind == "span" and c.start == 0)
        assert sorted(v.decided for v in place.versions) == ["accept", "replaced"]


def _gold_once(reviewer, doc):
    """Gold of a race's document: each agreed span once; Biden (disputed) stays open."""
    from tests.review.conftest import at

    gold = reviewer.load(doc, "gold")
    spans = sorted((g.start, g.end, g.label) for g in gold.spans)
    assert spans == sorted([(*at("Mexico City"), "GPE"), (*at("Juan Perez"), "PERSON"),
                            (*at("Tijuana"), "GPE")])
    return gold


def test_auto_gold_while_another_reviewer_decides_copies_each_label_once(reviewers):
    from tests.review.conftest import at

    url, store, rounds = reviewers
    rita = [(doc, None) for doc, _ in rounds]
    ruth = [(doc, ("relation", ids["bob_rel"], 1, "accept")) for doc, ids in rounds]
    results = _run(_decider, [(url, "rita", rita), (url, "ruth", ruth)])
    assert len(results) == 2 * REVIEW_ROUNDS
    _refusals_are_one_line(results)
    assert [r for r in results if r[0] != "ok"] == []  # neither has a reason to refuse
    reviewer = Service(store, "rita")
    for doc, _ in rounds:
        gold = _gold_once(reviewer, doc)
        (rel,) = gold.relations
        assert (gold.span(rel.head_id).start, gold.span(rel.tail_id).start, rel.label) == (
            at("Juan Perez")[0], at("Tijuana")[0], "located_in")
    # the agreed labels went in once: what auto-gold counted plus what the relation brought
    decided = [n for kind, user, _, n in results if user == "rita"]
    assert all(n in (1, 3) for n in decided), decided  # 1: the relation went in first


def test_project_auto_gold_while_another_reviewer_decides_copies_each_label_once(reviewers):

    url, store, rounds = reviewers
    first = rounds[0][0]
    ruth = [(first, ("relation", rounds[0][1]["bob_rel"], 1, "accept"))]
    results = _run(_decider, [(url, "rita", [(None, "project")]), (url, "ruth", ruth)])
    assert len(results) == 2
    assert [r for r in results if r[0] != "ok"] == []  # neither has a reason to refuse
    reviewer = Service(store, "rita")
    for doc, _ in rounds:
        gold = _gold_once(reviewer, doc)
        assert len(gold.relations) == (doc == first)
    (summary,) = [n for kind, user, _, n in results if user == "rita"]
    assert {d: x["decided"] for d, x in summary.items() if d != first} == {
        doc: 3 for doc, _ in rounds[1:]}
    assert summary[first]["decided"] in (1, 3)  # 1: the relation brought two spans first
