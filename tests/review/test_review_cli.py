"""`marginalia review` as a user runs it: a subprocess against a SQLite file.

Expectations are written by hand from the sentence in tests/review/conftest.py:
"Joe Biden met Mexican officials in Mexico City on Monday. Police arrested Juan Perez in
Tijuana." bob and carol annotate, rita reviews."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from models.orm import AuditLog
from models.store import Store
from tests.review.conftest import TEXT, at, make_team

SECOND = TEXT.replace("Monday", "Friday")  # the same offsets for every word used here


@pytest.fixture
def news(sqlite_url):
    store = Store(sqlite_url)
    team = make_team(store, texts=(TEXT, SECOND))
    team.url = sqlite_url
    team.docs = [d.id for d in team.alice.documents(team.pid)]
    yield team
    store.dispose()


def _span(svc, doc, word, label):
    return svc.create_span(doc, *at(word), label).id


def _review(cli, team, *args, user="rita"):
    return cli("--db", team.url, "--user", user, "review", "--project", "news", *args)


def _listing(cli, team, *args):
    r = _review(cli, team, *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _conflict(listing, text, kind="span"):
    (doc,) = listing
    return next(c for c in doc["conflicts"] if c["text"] == text and c["kind"] == kind)


def _gold(team, doc=None):
    view = team.rita.load(doc or team.doc, "gold")
    return sorted((view.text[s.start:s.end], s.label) for s in view.spans
                  if s.state == "accepted")


def _writes(team) -> int:
    with team.store.session() as s:
        return s.scalar(select(func.count(AuditLog.id)))


def _one_line_error(r, code: int, *needles: str) -> None:
    assert r.returncode == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    (line,) = r.stderr.strip().splitlines()
    for needle in needles:
        assert needle in line, line


def _conflicts_of_two(team, doc=None):
    """Agreed: Mexico City GPE. Conflicts: Mexican NORP (bob) vs ORG (carol); Tijuana GPE
    (bob only)."""
    doc = doc or team.doc
    ids = {}
    for svc in (team.bob, team.carol):
        ids[f"{svc.user}_city"] = _span(svc, doc, "Mexico City", "GPE")
    ids["bob_mex"] = _span(team.bob, doc, "Mexican", "NORP")
    ids["carol_mex"] = _span(team.carol, doc, "Mexican", "ORG")
    ids["bob_tij"] = _span(team.bob, doc, "Tijuana", "GPE")
    return ids


# ---- listing ------------------------------------------------------------------------------

def test_listing_shows_the_conflicts_and_writes_nothing(news, cli):
    ids = _conflicts_of_two(news)
    before = _writes(news)
    r = _review(cli, news)
    assert r.returncode == 0, r.stderr
    head, *rest = r.stdout.splitlines()
    assert head == (f"document {news.doc} 'doc 0' (bob, carol): 2 open conflict(s), 1 agreed "
                    "label(s) not in gold yet (--auto); gold new")
    assert "span [14,21) 'Mexican'" in rest[0]
    assert "'Tijuana'  missing in carol" in rest[3]
    listing = _listing(cli, news)
    assert _writes(news) == before and _gold(news) == []
    (doc,) = listing  # the second document has no labels: nothing to review there
    assert (doc["document"], doc["open_conflicts"], doc["agreed_not_in_gold"]) == (
        news.doc, 2, 1)
    assert [(c["kind"], c["text"]) for c in doc["conflicts"]] == [
        ("span", "Mexican"), ("span", "Tijuana")]
    mexican, tijuana = doc["conflicts"]
    assert sorted((v["label"], v["annotators"], v["ref"], v["decided"])
                  for v in mexican["versions"]) == [
        ("NORP", ["bob"], f"span:{ids['bob_mex']}:1", None),
        ("ORG", ["carol"], f"span:{ids['carol_mex']}:1", None)]
    assert [(v["label"], v["annotators"], v["ref"], v["decided"])
            for v in tijuana["versions"]] == [
        ("GPE", ["bob"], f"span:{ids['bob_tij']}:1", None)]
    assert tijuana["missing"] == ["carol"]


# ---- auto-gold ----------------------------------------------------------------------------

def test_auto_puts_the_agreed_labels_into_gold_once(news, cli):
    for svc in (news.bob, news.carol):
        b = _span(svc, news.doc, "Joe Biden", "PERSON")
        c = _span(svc, news.doc, "Mexico City", "GPE")
        svc.create_relation(b, c, "located_in")
    _span(news.bob, news.doc, "Tijuana", "GPE")  # a conflict: not auto-gold's to decide
    r = _review(cli, news, "--auto")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == (
        f"document {news.doc}: 3 agreed label(s) put into gold")  # two spans, the relation
    assert _gold(news) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
    gold = news.rita.load(news.doc, "gold")
    assert [r.label for r in gold.relations] == ["located_in"]
    r = _review(cli, news, "--auto")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"document {news.doc}: 0 agreed label(s) put into gold"
    again = news.rita.load(news.doc, "gold")
    assert len(again.spans) == 2 and len(again.relations) == 1
    (conflict,) = _listing(cli, news)[0]["conflicts"]
    assert conflict["text"] == "Tijuana"


# ---- deciding -----------------------------------------------------------------------------

def test_accepting_the_other_version_replaces_the_first(news, cli):
    bob = _span(news.bob, news.doc, "Joe Biden", "PERSON")
    carol = _span(news.carol, news.doc, "Biden", "PERSON")
    place = _conflict(_listing(cli, news), "Joe Biden")
    assert sorted(v["ref"] for v in place["versions"]) == sorted(
        [f"span:{bob}:1", f"span:{carol}:1"])
    r = _review(cli, news, "--document", str(news.doc), "--accept", f"span:{bob}:1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"accepted span {bob}"
    assert _gold(news) == [("Joe Biden", "PERSON")]
    r = _review(cli, news, "--document", str(news.doc), "--accept", f"span:{carol}:1")
    assert r.returncode == 0, r.stderr
    assert _gold(news) == [("Biden", "PERSON")]  # replaced, never both
    assert _listing(cli, news)[0]["conflicts"] == []  # decided: listed with --all only
    place = _conflict(_listing(cli, news, "--all"), "Joe Biden")
    assert not place["open"]
    assert sorted((v["annotators"][0], v["decided"]) for v in place["versions"]) == [
        ("bob", "replaced"), ("carol", "accept")]


def test_decisions_run_in_the_order_given(news, cli):
    city = _span(news.bob, news.doc, "Mexico City", "GPE")
    mexico = _span(news.carol, news.doc, "Mexico", "GPE")  # GPE allows overlap
    doc = str(news.doc)
    r = _review(cli, news, "--document", doc, "--also", f"span:{mexico}:1",
                "--accept", f"span:{city}:1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == [f"accepted (also) span {mexico}",
                                         f"accepted span {city}"]
    assert _gold(news) == [("Mexico City", "GPE")]  # the accept last: it replaced Mexico
    r = _review(cli, news, "--document", doc, "--accept", f"span:{mexico}:1",
                "--also", f"span:{city}:1")
    assert r.returncode == 0, r.stderr
    assert _gold(news) == [("Mexico", "GPE"), ("Mexico City", "GPE")]
    place = _conflict(_listing(cli, news, "--all"), "Mexico City")
    assert [v["decided"] for v in place["versions"]] == ["accept", "accept"]


def test_accept_annotator_takes_every_open_version_she_gave(news, cli):
    ids = _conflicts_of_two(news)
    _span(news.carol, news.doc, "Mexico", "GPE")  # inside the agreed Mexico City
    r = _review(cli, news, "--document", str(news.doc), "--accept-annotator", "carol",
                "--label", "ORG")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "accepted 1 version(s) of carol"
    assert _gold(news) == [("Mexican", "ORG")]
    r = _review(cli, news, "--document", str(news.doc), "--accept-annotator", "carol")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "accepted 2 version(s) of carol"  # both of hers
    assert _gold(news) == [("Mexican", "ORG"), ("Mexico", "GPE"), ("Mexico City", "GPE")]
    (left,) = _listing(cli, news)[0]["conflicts"]
    assert [v["ref"] for v in left["versions"]] == [f"span:{ids['bob_tij']}:1"]
    r = _review(cli, news, "--document", str(news.doc), "--label", "ORG")
    _one_line_error(r, 2, "--label goes with --accept-annotator")


def test_an_accepted_relation_lands_on_the_gold_span_at_its_heads_place(news, cli):
    for svc, word in ((news.bob, "Joe Biden"), (news.carol, "Biden")):
        head = _span(svc, news.doc, word, "PERSON")
        tail = _span(svc, news.doc, "Mexico City", "GPE")
        svc.create_relation(head, tail, "located_in")
    listing = _listing(cli, news)
    person = _conflict(listing, "Joe Biden")
    bob_biden = next(v for v in person["versions"] if v["annotators"] == ["bob"])
    relation = _conflict(listing, "Joe Biden met Mexican officials in Mexico City", "relation")
    carols = next(v for v in relation["versions"] if v["annotators"] == ["carol"])
    assert carols["ref"].startswith("relation:")
    r = _review(cli, news, "--document", str(news.doc), "--auto", "--accept", bob_biden["ref"])
    assert r.returncode == 0, r.stderr
    assert _gold(news) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
    r = _review(cli, news, "--document", str(news.doc), "--accept", carols["ref"])
    assert r.returncode == 0, r.stderr
    # carol's relation starts at "Biden": it attaches to gold's "Joe Biden", adding no span
    assert _gold(news) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
    gold = news.rita.load(news.doc, "gold")
    (rel,) = gold.relations
    head = gold.span(rel.head_id)
    assert (gold.text[head.start:head.end], rel.label) == ("Joe Biden", "located_in")
    assert _listing(cli, news)[0]["conflicts"] == []


def test_reject_rest_then_approve_which_is_refused_while_something_is_open(news, cli):
    ids = _conflicts_of_two(news)
    doc = str(news.doc)
    before = _writes(news)
    r = _review(cli, news, "--document", doc, "--approve")
    _one_line_error(r, 1, f"document {news.doc} cannot be approved: 2 conflict(s) still open",
                    "1 agreed label(s) not in gold yet")
    assert _writes(news) == before
    r = _review(cli, news, "--document", doc, "--auto", "--accept", f"span:{ids['bob_mex']}:1",
                "--reject-rest")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:3] == [
        f"document {news.doc}: 1 agreed label(s) put into gold",
        f"accepted span {ids['bob_mex']}",
        "rejected 1 open version(s)"]  # Tijuana: carol's Mexican was replaced already
    assert _gold(news) == [("Mexican", "NORP"), ("Mexico City", "GPE")]
    decided = {c["text"]: sorted(v["decided"] for v in c["versions"])
               for c in _listing(cli, news, "--all")[0]["conflicts"]}
    assert decided == {"Mexican": ["accept", "replaced"], "Tijuana": ["reject"]}
    r = _review(cli, news, "--document", doc, "--approve")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"document {news.doc}: gold approved"
    assert news.rita.load(news.doc, "gold").status == "approved"
    assert _listing(cli, news)[0]["gold_status"] == "approved"


def test_return_sends_the_document_back_to_its_annotators(news, cli):
    _conflicts_of_two(news)
    doc = str(news.doc)
    r = _review(cli, news, "--document", doc, "--return", "")
    _one_line_error(r, 1, "needs a comment")
    r = _review(cli, news, "--document", doc, "--return", "Mexican is NORP here, see the "
                "guidelines")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == f"document {news.doc} returned to its annotators"
    assert news.bob.load(news.doc).status == "returned"
    assert news.carol.load(news.doc).status == "returned"
    assert _gold(news) == []


# ---- refusals -----------------------------------------------------------------------------

def test_a_malformed_ref_is_a_usage_error(news, cli):
    _conflicts_of_two(news)
    r = _review(cli, news, "--document", str(news.doc), "--accept", "span-12")
    _one_line_error(r, 2, "'span-12': expected KIND:ID:VERSION")
    r = _review(cli, news, "--document", str(news.doc), "--reject", "spam:1:1")
    _one_line_error(r, 2, "with KIND span, relation, event or category")
    r = _review(cli, news, "--accept", "span:1:1")  # a decision names one document
    _one_line_error(r, 2, "need --document")


def test_a_stale_ref_is_refused_in_one_line_and_stores_nothing(news, cli):
    ids = _conflicts_of_two(news)
    tijuana = _conflict(_listing(cli, news), "Tijuana")
    (shown,) = tijuana["versions"]
    news.bob.relabel_span(ids["bob_tij"], "LOC")  # after rita listed it
    before = _writes(news)
    r = _review(cli, news, "--document", str(news.doc), "--accept", shown["ref"])
    _one_line_error(r, 1, f"span {ids['bob_tij']} was changed since it was shown")
    assert r.stdout == ""
    assert _writes(news) == before and _gold(news) == []
    # actions run in order, each a step of its own: the --auto before a stale ref stands
    r = _review(cli, news, "--document", str(news.doc), "--auto", "--accept", shown["ref"])
    _one_line_error(r, 1, "changed since it was shown")
    assert r.stdout == f"document {news.doc}: 1 agreed label(s) put into gold\n"
    assert _gold(news) == [("Mexico City", "GPE")]
    r = _review(cli, news, "--document", str(news.doc), "--accept", f"span:{ids['bob_tij']}:2")
    assert r.returncode == 0, r.stderr
    assert _gold(news) == [("Mexico City", "GPE"), ("Tijuana", "LOC")]


def test_an_annotator_cannot_review(news, cli):
    ids = _conflicts_of_two(news)
    r = _review(cli, news, user="bob")
    _one_line_error(r, 1, "only reviewers")
    r = _review(cli, news, "--document", str(news.doc), "--accept",
                f"span:{ids['bob_mex']}:1", user="bob")
    _one_line_error(r, 1, "only reviewers")
    assert _gold(news) == []


# ---- a gold export after review -----------------------------------------------------------

def test_a_gold_export_leaves_out_the_unfinished_reviews_and_says_so(news, cli, tmp_path):
    for doc in news.docs:
        _conflicts_of_two(news, doc)
    out = tmp_path / "gold.jsonl"

    def export():
        return cli("--db", news.url, "--user", "rita", "export", "--project", "news",
                   "--layer", "gold", "--format", "doccano", "--out", str(out))

    r = _review(cli, news, "--auto")  # both documents: gold in progress, conflicts open
    assert r.returncode == 0, r.stderr
    r = export()
    assert r.returncode == 0, r.stderr
    assert out.read_text() == ""
    assert "2 documents left out: review not finished (use --status all)" in r.stderr
    assert ("left out 2 document(s) whose review is not finished (approved, nothing left "
            "open): 2 in progress") in r.stderr
    first = str(news.docs[0])
    r = _review(cli, news, "--document", first, "--reject-rest", "--approve")
    assert r.returncode == 0, r.stderr
    r = export()
    assert r.returncode == 0, r.stderr
    (line,) = out.read_text().splitlines()
    rec = json.loads(line)
    assert rec["text"] == TEXT  # every version at Mexican and Tijuana rejected
    assert [(e["start_offset"], e["end_offset"], e["label"]) for e in rec["entities"]] == [
        (*at("Mexico City"), "GPE")]
    assert "1 document left out: review not finished (use --status all)" in r.stderr
    assert "left out 1 document(s) whose review is not finished" in r.stderr
    assert "2 documents" not in r.stderr
