"""Two annotators on the shipped sample article, as a reviewer finds them: labels they agree
on, versions of one mention ("President Joe Biden" / "Joe Biden", "Monday, March 8, 2021" /
"Monday, March 8", "WASHINGTON, D.C." / "WASHINGTON" + "D.C."), and a relation and an event
each gave differently. Also what the README's review screenshots show."""

from __future__ import annotations

import re
from pathlib import Path

from models.records import DocumentRecord
from models.service import Service

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_8c189482ad872ddc.txt"
AGREED = [("Honduras", "GPE"), ("Tenosique", "GPE"), ("Tabasco", "GPE"), ("Mexico", "GPE"),
          ("Nicolo Filippo Rosso", "PERSON"), ("Bloomberg", "ORG"), ("Getty Images", "ORG"),
          ("U.S.", "GPE"), ("Migrants", "NORP")]


def sample_review(store) -> tuple[Service, int]:
    """(rita's Service, document id) with bob's and carol's layers stored."""
    alice = Service(store, "alice")
    text = SEED.read_text(encoding="utf-8")
    alice.import_records("news", [DocumentRecord(text=text, title="US To Target Smuggling")])
    for name, role in (("bob", "annotator"), ("carol", "annotator"), ("rita", "reviewer")):
        alice.add_user(name, role)
    doc = alice.documents(alice.project_id("news"))[0].id
    bob, carol = Service(store, "bob"), Service(store, "carol")

    def at(words: str) -> tuple[int, int]:
        # the article writes some spaces as no-break spaces: any space matches
        return re.search(re.escape(words).replace("\\ ", r"\s"), text).span()

    def mark(svc: Service, words: str, label: str) -> int:
        return svc.create_span(doc, *at(words), label).id

    ids = {svc.user: {w: mark(svc, w, label) for w, label in AGREED} for svc in (bob, carol)}
    biden_b = mark(bob, "President Joe Biden", "PERSON")
    biden_c = mark(carol, "Joe Biden", "PERSON")
    mark(bob, "Monday, March 8, 2021", "DATE")
    mark(carol, "Monday, March 8", "DATE")
    mark(bob, "WASHINGTON, D.C.", "GPE")
    mark(carol, "WASHINGTON", "GPE")
    mark(carol, "D.C.", "GPE")
    bob.create_relation(biden_b, ids["bob"]["U.S."], "located_in")
    carol.create_relation(biden_c, ids["carol"]["U.S."], "citizen_of")
    for svc, role in ((bob, "Place"), (carol, "Origin")):
        own = ids[svc.user]
        svc.create_event_at(doc, *at("walk"), "Transport",
                            arguments=[("Artifact", own["Migrants"], None),
                                       (role, own["Tenosique"], None)])
    return Service(store, "rita"), doc
