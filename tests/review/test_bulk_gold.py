"""Auto-gold's set-based step (models/review/bulk_gold.py) gives the gold that the per-label
path (each agreed label decided alone, gold re-read after each, as AcceptAgreed ran before)
gives on the same document: two databases built alike, one step each, gold compared."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from models import operations as op
from models.orm import AuditLog
from models.review import adjudication
from models.review.gold_writer import GoldWriter
from models.store import Store
from tests.review.conftest import at, make_team


@dataclass(frozen=True)
class PerLabel(op.Operation):
    """The per-label path: every agreed version through GoldWriter.accept, one by one."""

    document_id: int

    def apply(self, s, actor):
        w = GoldWriter(s, actor, self.document_id)
        done, skipped = adjudication._each(w, adjudication._ordered(w.state.agreed_open()),
                                           lambda it: w.accept(it, also=True))
        ch = w.result("accept agreed")
        ch.after.update(decided=done, skipped=skipped)
        return ch


def _annotate(t) -> None:
    """Agreed: Joe Biden PERSON (with a note), Mexico City GPE, "on Monday" DATE and Monday
    DATE inside it (a nested pair: the first in text order settles the place), located_in
    between Biden and Mexico City, a Meet event on "met" with Biden as Entity and Mexico City as Place, the category
    politics, and a relation to Juan Perez, a span at a disputed place (carol also gave
    Perez), which brings Juan Perez into gold. Disputed: Mexican NORP vs ORG."""
    for svc in (t.bob, t.carol):
        biden = t.span(svc, "Joe Biden", "PERSON")
        svc.set_note(biden, "the president")
        city = t.span(svc, "Mexico City", "GPE")
        t.span(svc, "on Monday", "DATE")
        t.span(svc, "Monday", "DATE")
        perez = t.span(svc, "Juan Perez", "PERSON")
        svc.create_relation(biden, city, "located_in")
        svc.create_relation(perez, city, "located_in")
        ev = svc.create_event_at(t.doc, *at("met"), "Meet").id
        svc.add_argument(ev, "Entity", span_id=biden)
        svc.add_argument(ev, "Place", span_id=city)
        svc.set_category(t.doc, "politics")
    t.span(t.carol, "Perez", "PERSON")
    t.span(t.bob, "Mexican", "NORP")
    t.span(t.carol, "Mexican", "ORG")


def _gold(t) -> dict:
    g = t.rita.load(t.doc, "gold")

    def key(span_id):
        sp = g.span(span_id)
        return g.text[sp.start:sp.end], sp.label

    return {
        "spans": sorted((g.text[s.start:s.end], s.label, s.note, s.state) for s in g.spans),
        "relations": sorted((key(r.head_id), r.label, key(r.tail_id)) for r in g.relations),
        "events": sorted((key(e.trigger_id), e.type, sorted(
            (a.role, key(a.span_id)) for a in e.arguments)) for e in g.events),
        "categories": sorted(g.accepted_categories)}


def _audit(t) -> Counter:
    """(action, table) of every audit row; the set-based step's one row for the agreed
    spans it put in (decision 51) counted as the span creations it stands for."""
    out: Counter = Counter()
    with t.store.session() as s:
        for action, table, after in s.execute(select(AuditLog.action, AuditLog.table_name,
                                                     AuditLog.after)):
            if action == "accept agreed":
                out["create", "spans"] += len(after["spans"])
            else:
                out[action, table] += 1
    return out


def _run(tmp_path, name, step):
    store = Store(f"sqlite:///{tmp_path / name}")
    t = make_team(store)
    _annotate(t)
    before = _audit(t)
    ch = t.rita.run([step(t.doc)])[0]
    out = (_gold(t), ch.after["decided"], ch.after["skipped"], _audit(t) - before,
           t.rita.review(t.doc).agreed_open)
    t.rita.run(op.inverses([ch]))  # one undo step
    empty = _gold(t)
    store.dispose()
    return out, empty


def test_the_set_based_step_gives_the_gold_of_the_per_label_path(tmp_path):
    (new, new_undone) = _run(tmp_path, "new.db", adjudication.AcceptAgreed)
    (old, old_undone) = _run(tmp_path, "old.db", PerLabel)
    assert new == old
    gold, decided, skipped, writes, left = new
    # by hand: Monday is left (its place is "on Monday"'s now), Juan Perez came with its
    # relation, the disputed Mexican stays out
    assert gold["spans"] == [("Joe Biden", "PERSON", "the president", "accepted"),
                             ("Juan Perez", "PERSON", None, "accepted"),
                             ("Mexico City", "GPE", None, "accepted"),
                             ("met", "Meet", None, "accepted"),
                             ("on Monday", "DATE", None, "accepted")]
    assert gold["relations"] == [(("Joe Biden", "PERSON"), "located_in", ("Mexico City", "GPE")),
                                 (("Juan Perez", "PERSON"), "located_in",
                                  ("Mexico City", "GPE"))]
    assert gold["events"] == [(("met", "Meet"), "Meet", [
        ("Entity", ("Joe Biden", "PERSON")), ("Place", ("Mexico City", "GPE"))])]
    assert gold["categories"] == ["politics"]
    assert (decided, skipped, left) == (8, 0, 0)  # 4 spans, 2 relations, event, category
    assert writes[("create", "spans")] == 5
    empty = {"spans": [], "relations": [], "events": [], "categories": []}
    assert new_undone == old_undone == empty
