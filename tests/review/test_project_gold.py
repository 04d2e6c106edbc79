"""Auto-gold over a whole project in one step (models/review/project_gold.py) stores what
AcceptAgreed stores run document by document: two projects annotated alike in one database,
one taken project-wide, the other document by document, every column of gold compared
(row ids as their order within the project), and the gold checked by hand."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from sqlalchemy import text

from models import operations as op
from models.errors import PermissionDenied
from models.records import DocumentRecord
from tests.review.conftest import TEXT, at, make_team

# child tables of a layer: (table, the columns naming other rows -> the table they name)
GOLD_TABLES = {
    "spans": {"layer_id": "layers"},
    "relations": {"layer_id": "layers", "head_id": "spans", "tail_id": "spans"},
    "events": {"layer_id": "layers", "trigger_id": "spans"},
    "document_categories": {"layer_id": "layers"},
}


def _span(svc, doc, word, label):
    return svc.create_span(doc, *at(word), label).id


def _annotate(t, docs) -> None:
    """d0: spans only, agreed Joe Biden (a note), Mexico City (attributes, a KB id), Juan Perez, and "on Monday"
    with Monday nested in it; Mexican disputed. d1: relations, an event, a category (the
    per-document step). d2: spans only, its gold holds a suggested DATE on Monday (DATE
    allows no overlap: the agreed "on Monday" breaks the rule book), Police was rejected by
    the reviewer before. d3: one annotator only."""
    d0, d1, d2, d3 = docs
    for svc in (t.bob, t.carol):
        biden = _span(svc, d0, "Joe Biden", "PERSON")
        svc.set_note(biden, "the president")
        city = _span(svc, d0, "Mexico City", "GPE")
        svc.run([op.UpdateSpan(city, {"attributes": {"città": "México", "n": [1, 2]},
                                      "kb_id": "Q1489"})])
        _span(svc, d0, "on Monday", "DATE")
        _span(svc, d0, "Monday", "DATE")
        _span(svc, d0, "Juan Perez", "PERSON")
        biden = _span(svc, d1, "Joe Biden", "PERSON")
        city = _span(svc, d1, "Mexico City", "GPE")
        perez = _span(svc, d1, "Juan Perez", "PERSON")
        svc.create_relation(biden, city, "located_in")
        svc.create_relation(perez, city, "located_in")
        ev = svc.create_event_at(d1, *at("met"), "Meet").id
        svc.add_argument(ev, "Entity", span_id=biden)
        svc.add_argument(ev, "Place", span_id=city)
        svc.set_category(d1, "politics")
        _span(svc, d2, "on Monday", "DATE")
        _span(svc, d2, "Tijuana", "GPE")
        _span(svc, d2, "Police", "ORG")
    _span(t.carol, d1, "Perez", "PERSON")
    _span(t.bob, d0, "Mexican", "NORP")
    _span(t.carol, d0, "Mexican", "ORG")
    _span(t.bob, d3, "Joe Biden", "PERSON")
    t.rita.create_span(d2, *at("Monday"), "DATE", layer="gold", state="suggested",
                       source="model")
    police = next(v for v in _agreed(t, d2) if v.key[2] == "ORG")
    t.rita.decide(d2, "span", *police.refs[0], how="reject")


def _agreed(t, doc):
    from models.review.places import ReviewState

    with t.store.session() as s:
        return ReviewState(s, doc).agreed_open()


def _project(t, name):
    t.alice.import_records(name, [DocumentRecord(text=f"{TEXT} ({name} {i})", title=f"doc {i}")
                                  for i in range(4)])
    pid = t.alice.project_id(name)
    docs = sorted(d.id for d in t.alice.documents(pid))
    _annotate(t, docs)
    schema = t.alice.schema(pid)  # after the annotators nested two DATEs
    schema.entity("DATE").overlap = "none"
    t.alice.save_schema(pid, schema)
    return pid, docs


def _rows(conn, table, where, params):
    res = conn.execute(text(f"SELECT * FROM {table} WHERE {where} ORDER BY id"), params)
    return [dict(r._mapping) for r in res]


def _gold(store, pid) -> dict:
    """Every column of the project's gold layers and what hangs on them, ids replaced by
    their rank within the project (the two projects' ids differ, their order must not)."""
    with store.engine.connect() as conn:
        docs = [r[0] for r in conn.execute(text(
            "SELECT id FROM documents WHERE project_id = :p ORDER BY id"), {"p": pid})]
        layers = _rows(conn, "layers", "name = 'gold' AND document_id IN "
                       "(SELECT id FROM documents WHERE project_id = :p)", {"p": pid})
        out = {"layers": layers}
        ids = [lay["id"] for lay in layers] or [-1]
        marks = ", ".join(str(i) for i in ids)
        for table in GOLD_TABLES:
            out[table] = _rows(conn, table, f"layer_id IN ({marks})", {})
        evs = [e["id"] for e in out["events"]] or [-1]
        out["event_arguments"] = _rows(
            conn, "event_arguments", f"event_id IN ({', '.join(map(str, evs))})", {})
    rank = {t: {row["id"]: n for n, row in enumerate(rows)} for t, rows in out.items()}
    rank["documents"] = {d: n for n, d in enumerate(docs)}
    refs = dict(GOLD_TABLES, layers={"document_id": "documents"},
                event_arguments={"event_id": "events", "span_id": "spans",
                                 "target_event_id": "events"})
    for table, rows in out.items():
        for row in rows:
            row["id"] = rank[table][row["id"]]
            for col, other in refs[table].items():
                if row[col] is not None:
                    row[col] = rank[other][row[col]]
            row.pop("updated_at", None)  # a layer's: when it was made
    return out


def _audit(store, pid) -> Counter:
    """The audit rows of the project's documents: action, table and the text stored of
    the row after (its row ids left out, an auto-gold row's span ids counted)."""
    with store.engine.connect() as conn:
        return Counter((action, table, _masked(after or "")) for action, table, after
                       in conn.execute(text(
                           "SELECT action, table_name, CAST(after AS TEXT) FROM audit_log "
                           "WHERE document_id IN (SELECT id FROM documents WHERE "
                           "project_id = :p)"), {"p": pid}))


IDS = re.compile(r'"(id|layer_id|head_id|tail_id|trigger_id|span_id|event_id)": \d+')
SPAN_IDS = re.compile(r'"spans": \[([\d, ]*)\]')


def _masked(after: str) -> str:
    after = SPAN_IDS.sub(lambda m: f'"spans": {len(m.group(1).split(","))} ids', after)
    return IDS.sub("#", after)


def _creations(store, pid) -> Counter:
    """How many audit rows say they made each of the project's gold spans: a span's own
    create row, or the auto-gold row of its document naming it among its spans."""
    made: Counter = Counter()
    with store.engine.connect() as conn:
        gold = set(conn.execute(text(
            "SELECT s.id FROM spans s JOIN layers l ON l.id = s.layer_id JOIN documents d ON "
            "d.id = l.document_id WHERE d.project_id = :p AND l.name = 'gold'"),
            {"p": pid}).scalars())
        for action, row_id, after in conn.execute(text(
                "SELECT action, row_id, after FROM audit_log WHERE table_name IN "
                "('spans', 'layers') AND action IN ('create', 'accept agreed') AND "
                "document_id IN (SELECT id FROM documents WHERE project_id = :p)"), {"p": pid}):
            after = json.loads(after) if isinstance(after, str) else after
            for i in (after["spans"] if action == "accept agreed" else [row_id]):
                if i in gold:
                    made[i] += 1
    return Counter({i: made[i] for i in gold})


def _texts(store, pid):
    """Gold by hand-readable values: (document rank, text, label, note, state)."""
    g = _gold(store, pid)
    return sorted((g["layers"][sp["layer_id"]]["document_id"], TEXT[sp["start"]:sp["end"]],
                   sp["label"], sp["note"], sp["state"]) for sp in g["spans"])


def test_project_wide_auto_gold_stores_what_the_per_document_step_stores(store):
    t = make_team(store)
    one, one_docs = _project(t, "one")
    each, each_docs = _project(t, "each")
    audit_one, audit_each = _audit(store, one), _audit(store, each)

    step = t.rita.accept_agreed_project(one)
    per_doc = {d: t.rita.accept_agreed(d).after for d in each_docs}

    assert _gold(store, one) == _gold(store, each)
    assert _audit(store, one) - audit_one == _audit(store, each) - audit_each
    assert set(_creations(store, one).values()) == {1}  # every gold span's making, once
    counts = [(per_doc[d]["decided"], per_doc[d]["skipped"]) for d in each_docs]
    summary = step.after["documents"]
    assert [(summary[d]["decided"], summary[d]["skipped"]) for d in one_docs[:3]] == \
        counts[:3]
    assert one_docs[3] not in summary and counts[3] == (0, 0)  # one annotator: no review
    # by hand: d0's Monday is left (its place is "on Monday"'s), Mexican is disputed; d1
    # brings Juan Perez with its relation (Perez disputed); d2's "on Monday" breaks DATE's
    # policy against gold's suggestion, Police was rejected, Tijuana goes in
    assert counts[:3] == [(4, 0), (7, 0), (1, 1)]
    assert step.after["decided"] == 12 and step.after["skipped"] == 1
    assert _texts(store, one) == [
        (0, "Joe Biden", "PERSON", "the president", "accepted"),
        (0, "Juan Perez", "PERSON", None, "accepted"),
        (0, "Mexico City", "GPE", None, "accepted"),
        (0, "on Monday", "DATE", None, "accepted"),
        (1, "Joe Biden", "PERSON", None, "accepted"),
        (1, "Juan Perez", "PERSON", None, "accepted"),
        (1, "Mexico City", "GPE", None, "accepted"),
        (1, "met", "Meet", None, "accepted"),
        (2, "Monday", "DATE", None, "suggested"),
        (2, "Tijuana", "GPE", None, "accepted")]
    city = next(sp for sp in _gold(store, one)["spans"] if sp["kb_id"] == "Q1489")
    assert TEXT[city["start"]:city["end"]] == "Mexico City"
    assert [(r["label"]) for r in _gold(store, one)["relations"]] == ["located_in"] * 2
    assert len(_gold(store, one)["events"]) == 1
    assert [c["category"] for c in _gold(store, one)["document_categories"]] == ["politics"]
    assert t.rita.accept_agreed_project(one).after["decided"] == 0  # twice: nothing more

    # one undo step takes the whole project's auto-gold back
    t.rita.run(op.inverses([step]))
    assert [x[:3] for x in _texts(store, one)] == [(2, "Monday", "DATE")]


def test_only_reviewers_take_a_project_into_gold(store):
    t = make_team(store)
    _span(t.bob, t.doc, "Joe Biden", "PERSON")
    _span(t.carol, t.doc, "Joe Biden", "PERSON")
    for who in (t.bob, t.alice.__class__(t.store, "carol")):
        with pytest.raises(PermissionDenied, match="only reviewers"):
            who.accept_agreed_project(t.pid)
    assert t.rita.accept_agreed_project("news").after["documents"] == {
        t.doc: {"decided": 1, "skipped": 0}}


def test_a_span_auto_gold_made_has_that_making_in_its_history(store, db_url, cli):
    """One audit row per document for the agreed spans auto-gold put in (decision 51):
    each one's history (label_history) starts there, and `history` prints it."""
    t = make_team(store)
    for svc in (t.bob, t.carol):
        _span(svc, t.doc, "Joe Biden", "PERSON")
        _span(svc, t.doc, "Mexico City", "GPE")
    t.rita.accept_agreed_project(t.pid)
    gold = t.rita.load(t.doc, "gold")
    city = next(sp for sp in gold.spans if gold.text[sp.start:sp.end] == "Mexico City")
    t.rita.relabel_span(city.id, "LOC", expected_version=city.version)

    hist = t.rita.label_history(t.doc, "span", city.id)
    assert [(h["user"], h["action"]) for h in hist] == [("rita", "accept agreed"),
                                                         ("rita", "relabel")]
    ids = sorted(sp.id for sp in gold.spans)
    assert hist[0]["text"] == (f"agreed by every annotator: 2 spans into gold "
                               f"(span#{ids[0]} ... span#{ids[1]})")
    assert "label: GPE -> LOC" in hist[1]["text"]
    biden = next(sp.id for sp in gold.spans if sp.id != city.id)
    assert [h["action"] for h in t.rita.label_history(t.doc, "span", biden)] == [
        "accept agreed"]
    r = cli("--db", db_url, "--user", "rita", "history", "--project", "news", "--document",
            str(t.doc))
    assert r.returncode == 0, r.stderr
    assert sum("\trita\t[gold]\taccept agreed\tlayers#" in ln
               and "2 spans into gold" in ln for ln in r.stdout.splitlines()) == 1
