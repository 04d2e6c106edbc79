"""Auto-gold decided in the database (models/review/agreed_sql.py) stores what the
per-document step stores: random projects, annotated alike twice in one database, one taken
project-wide (documents decided in SQL and in Python), the other document by document, every
column of gold and the audit rows compared; and which documents SQL decides, by hand."""

from __future__ import annotations

import random

import pytest

from models import operations as op
from models.records import DocumentRecord, SpanRecord
from tests.review.conftest import make_team
from tests.review.test_project_gold import _audit, _creations, _gold
from tests.words import spaced

WORDS = "minister police said Monday officials met talks city Perez Tijuana".split()
LABELS = ("PERSON", "ORG", "GPE", "Ortsname-ü", "WORK")  # ü: JSON writes it escaped


def _words(rng, n):
    return spaced([rng.choice(WORDS) for _ in range(n)])


def _spans(rng, bounds, kind):
    """One document's spans per annotator (bob, carol, dan): plain ones agreed or disputed
    at places of their own; or, for `kind` "mixed", nested and overlapping spans, a copy
    given twice with fragments, notes, attributes and a KB id besides."""
    places = rng.sample(range(0, len(bounds) - 1, 2), 8)
    out = {"bob": [], "carol": [], "dan": []}
    for n, i in enumerate(places):
        s, e = bounds[i]
        label = rng.choice(LABELS)
        how = rng.random()
        for who in out:
            if how < 0.6 or (how < 0.8 and who != "dan"):
                out[who].append(SpanRecord(s, e, label))  # agreed (by some, if dan lacks it)
            elif how < 0.9:
                out[who].append(SpanRecord(s, e, rng.choice(LABELS)))  # disputed, mostly
        if kind == "mixed" and n < 3:
            wide = (s, bounds[i + 1][1])
            twist = rng.random()
            for who in ("bob", "carol"):
                if twist < 0.4:  # nested: the two words agreed around the one
                    out[who].append(SpanRecord(*wide, "ORG"))
                elif twist < 0.6 and who == "bob":
                    out[who].append(SpanRecord(*wide, "ORG"))  # overlapping, bob's only
                elif twist < 0.8:  # a copy with fragments beside the plain one
                    out[who].append(SpanRecord(*wide, label, fragments=[
                        (wide[0], s + 1), (bounds[i + 1][0], wide[1])]))
                elif out[who]:
                    out[who][-1].note = "checked" if who == "bob" else None
                    out[who][-1].attributes = {"n": 1} if who == "bob" else {}
                    out[who][-1].kb_id = "Q1" if twist > 0.9 else None
    return out


def _project(t, name, seed):
    rng = random.Random(seed)
    docs = []
    for i in range(24):
        text, bounds = _words(rng, 40)
        kind = "mixed" if i % 3 == 0 else "plain"
        docs.append((f"{text} ({name} {i})", _spans(rng, bounds, kind)))
    for who in ("bob", "carol", "dan"):
        t.alice.import_records(name, [
            DocumentRecord(text=text, title=f"d{i}", spans=spans[who] if i % 4 else (
                spans[who] if who != "dan" else []))
            for i, (text, spans) in enumerate(docs)], annotator=who)
    pid = t.alice.project_id(name)
    ids = sorted(d.id for d in t.alice.documents(pid))
    schema = t.alice.schema(pid)
    schema.entities = [e for e in schema.entities if e.name != "WORK"]  # rule 2 refuses it
    t.alice.save_schema(pid, schema)
    dan = t.alice.__class__(t.store, "dan")
    dan.run([op.SetStatus(ids[4], "done")])  # worked, nothing labeled: a third annotator
    t.rita.create_span(ids[8], 0, 3, "PERSON", layer="gold")  # a gold already
    return pid, ids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_projects_store_what_the_per_document_step_stores(store, seed, monkeypatch):
    from models.review import agreed_sql

    t = make_team(store)
    t.alice.add_user("dan", "annotator")
    one, one_docs = _project(t, "one", seed)
    each, each_docs = _project(t, "each", seed)
    audit_one, audit_each = _audit(store, one), _audit(store, each)
    seen = []
    real = agreed_sql.AgreedInSql.__init__

    def spy(self, *a, **kw):
        real(self, *a, **kw)
        seen.append(dict(self.decided))

    monkeypatch.setattr(agreed_sql.AgreedInSql, "__init__", spy)
    step = t.rita.accept_agreed_project(one)
    per_doc = [t.rita.accept_agreed(d).after for d in each_docs]

    assert _gold(store, one) == _gold(store, each)
    assert _audit(store, one) - audit_one == _audit(store, each) - audit_each
    assert set(_creations(store, one).values()) == {1}  # every gold span's making, once
    summary = step.after["documents"]
    for d, alike in zip(one_docs, per_doc):
        mine = summary.get(d, {"decided": 0, "skipped": 0})
        assert (mine["decided"], mine["skipped"]) == (alike["decided"], alike["skipped"])
    # both ways were taken: plain documents in SQL, the others in Python
    decided = seen[0]
    assert 4 <= len(decided) <= 20 and sum(decided.values()) > 10
    assert len(summary) > len(decided)

    # one undo step takes it all back, the documents decided in SQL included: the gold
    # span made before is what is left
    t.rita.run(op.inverses([step]))
    assert [(sp["start"], sp["end"], sp["label"]) for sp in _gold(store, one)["spans"]] == \
        [(0, 3, "PERSON")]


def test_which_documents_the_database_decides(store):
    """By hand: d0 plain (two spans agreed, one disputed) is decided in SQL; d1's agreed span
    has bob's note (gold copies it: Python); d2's agreed spans nest (Python); d3 has one
    annotator (not reviewed); d4 agrees on nothing (SQL, nothing to write); d5 (below)."""
    from models.review.agreed_sql import AgreedInSql

    t = make_team(store, texts=[f"Joe Biden met Juan Perez in Tijuana ({i})" for i in range(6)])
    docs = sorted(d.id for d in t.alice.documents(t.pid))
    # d5: Zoe comes before bob in code point order (as Python sorts names, not a locale):
    # gold copies Zoe's note, so SQL leaves d5 to Python
    t.alice.add_user("Zoe", "annotator")
    zoe = t.alice.__class__(t.store, "Zoe")
    t.bob.create_span(docs[5], *(0, 9), "PERSON")
    zoe.set_note(zoe.create_span(docs[5], *(0, 9), "PERSON").id, "Zoe's")
    joe, perez, tijuana, biden = (0, 9), (14, 24), (28, 35), (4, 9)
    for svc in (t.bob, t.carol):
        svc.create_span(docs[0], *joe, "PERSON")
        svc.create_span(docs[0], *tijuana, "GPE")
        svc.create_span(docs[1], *joe, "PERSON")
        svc.create_span(docs[2], *joe, "PERSON")
        svc.create_span(docs[2], *biden, "PERSON")
    t.bob.create_span(docs[0], *perez, "PERSON")
    t.carol.create_span(docs[0], *perez, "ORG")
    t.bob.set_note(t.bob.load(docs[1]).spans[0].id, "the president")
    t.bob.create_span(docs[3], *joe, "PERSON")
    t.bob.create_span(docs[4], *joe, "PERSON")
    t.carol.create_span(docs[4], *joe, "ORG")
    with store.session() as s:
        found = AgreedInSql(s, t.pid, ["PERSON", "GPE", "ORG"])
        assert found.decided == {docs[0]: 2, docs[4]: 0}
        found.close()
    summary = t.rita.accept_agreed_project(t.pid).after["documents"]
    assert summary == {docs[0]: {"decided": 2, "skipped": 0},
                       docs[1]: {"decided": 1, "skipped": 0},
                       docs[2]: {"decided": 1, "skipped": 0},  # Biden's place is Joe's
                       docs[4]: {"decided": 0, "skipped": 0},
                       docs[5]: {"decided": 1, "skipped": 0}}
    gold = t.rita.load(docs[0], "gold")
    assert sorted((sp.start, sp.end, sp.label) for sp in gold.spans) == [
        (*joe, "PERSON"), (*tijuana, "GPE")]
    assert t.rita.load(docs[1], "gold").spans[0].note == "the president"
    assert t.rita.load(docs[5], "gold").spans[0].note == "Zoe's"
