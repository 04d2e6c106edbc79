"""A small team on one project: alice (admin), bob and carol (annotators), rita (reviewer)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from models.records import DocumentRecord
from models.service import Service

TEXT = ("Joe Biden met Mexican officials in Mexico City on Monday. "
        "Police arrested Juan Perez in Tijuana.")


def at(word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(word, i + 1)
    return i, i + len(word)


@dataclass
class Team:
    store: object
    alice: Service
    bob: Service
    carol: Service
    rita: Service
    pid: int
    doc: int

    def span(self, svc: Service, word: str, label: str, nth: int = 0) -> int:
        s, e = at(word, nth)
        return svc.create_span(self.doc, s, e, label).id


def make_team(store, texts=(TEXT,)) -> Team:
    alice = Service(store, "alice")
    alice.import_records("news", [DocumentRecord(text=t, title=f"doc {i}")
                                  for i, t in enumerate(texts)])
    alice.add_user("bob", "annotator")
    alice.add_user("carol", "annotator")
    alice.add_user("rita", "reviewer")
    pid = alice.project_id("news")
    doc = alice.documents(pid)[0].id
    return Team(store, alice, Service(store, "bob"), Service(store, "carol"),
                Service(store, "rita"), pid, doc)


@pytest.fixture
def team(store):
    return make_team(store)
