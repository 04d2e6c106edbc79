"""Concurrent writers never duplicate a label: three processes create the same spans at
the same moment (a barrier before each round), three reviewers run auto-gold at once, three
processes import the same files (growing the schema), two
windows make the first edit of a fresh document. On SQLite and on PostgreSQL."""

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
