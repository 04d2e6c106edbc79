"""Agreement over real layers stored through the service."""

import pytest

from tests.review.conftest import at


def _both(team, word, label, nth=0):
    team.span(team.bob, word, label, nth)
    team.span(team.carol, word, label, nth)


def test_perfect_agreement_is_one(team):
    for word, label in (("Joe Biden", "PERSON"), ("Mexican", "NORP"), ("Mexico City", "GPE")):
        _both(team, word, label)
    rep = team.alice.agreement("news")
    assert rep["annotators"] == ["bob", "carol"]
    (pair,) = rep["pairs"]
    assert (pair["a"], pair["b"]) == ("bob", "carol")
    for key in ("span_f1", "span_f1_overlap", "relation_f1", "event_f1", "event_f1_args",
                "kappa"):
        assert pair[key] == 1.0, key
    assert rep["alpha"] == 1.0
    assert pair["per_label"]["GPE"]["span_f1"] == 1.0
    assert rep["documents"][0]["disagreement"] == 0.0


def test_partial_overlap_counts(team):
    # bob: PERSON "Joe Biden", GPE "Mexico City", NORP "Mexican"
    # carol: PERSON "Biden" (overlaps), GPE "Mexico City" (exact), ORG "Mexican" (wrong label)
    team.span(team.bob, "Joe Biden", "PERSON")
    team.span(team.bob, "Mexico City", "GPE")
    team.span(team.bob, "Mexican", "NORP")
    team.span(team.carol, "Biden", "PERSON")
    team.span(team.carol, "Mexico City", "GPE")
    team.span(team.carol, "Mexican", "ORG")
    (pair,) = team.alice.agreement("news")["pairs"]
    assert pair["span_f1"] == pytest.approx(2 * 1 / 6, abs=1e-4)  # 1 exact of 3 + 3
    assert pair["span_f1_overlap"] == pytest.approx(2 * 2 / 6, abs=1e-4)  # + Biden
    assert pair["per_label"]["PERSON"] == {"span_f1": 0.0, "span_f1_overlap": 1.0, "a": 1,
                                           "b": 1, "matched": 0}
    assert pair["per_label"]["NORP"]["span_f1"] == 0.0
    assert pair["counts"]["spans"] == [3, 3, 1]
    # tokens: Joe Biden met Mexican officials in Mexico City on Monday . Police arrested
    # Juan Perez in Tijuana .  (18 tokens); disagree on "Joe" (PERSON vs O) and "Mexican"
    assert pair["tokens"] == 18
    assert 0.5 < pair["kappa"] < 1.0


def test_kappa_matches_hand_computation(team):
    # 18 tokens. bob: "Joe Biden" PERSON (2 tokens); carol: "Biden" PERSON (1 token).
    # table: PERSON/PERSON 1, PERSON/O 1, O/O 16 -> p_o = 17/18,
    # p_e = (2/18)(1/18) + (16/18)(17/18) = (2 + 272) / 324; kappa = (p_o - p_e) / (1 - p_e)
    team.span(team.bob, "Joe Biden", "PERSON")
    team.span(team.carol, "Biden", "PERSON")
    (pair,) = team.alice.agreement("news")["pairs"]
    p_o, p_e = 17 / 18, 274 / 324
    assert pair["kappa"] == pytest.approx((p_o - p_e) / (1 - p_e), abs=1e-4)


def test_relations_and_events(team):
    for svc in (team.bob, team.carol):
        biden = team.span(svc, "Joe Biden", "PERSON")
        city = team.span(svc, "Mexico City", "GPE")
        svc.create_relation(biden, city, "located_in" if svc is team.bob else "citizen_of")
        perez = team.span(svc, "Juan Perez", "PERSON")
        tijuana = team.span(svc, "Tijuana", "GPE")
        s, e = at("arrested")
        args = [("Person", perez, None)] + ([("Place", tijuana, None)] if svc is team.bob
                                            else [])
        svc.create_event_at(team.doc, s, e, "Arrest", arguments=args)
    (pair,) = team.alice.agreement("news")["pairs"]
    assert pair["relation_f1"] == 0.0  # same ends, different label
    assert pair["event_f1"] == 1.0  # same trigger and type
    assert pair["event_f1_args"] == 0.0  # carol lacks the Place argument
    assert pair["per_relation"]["located_in"] == {"f1": 0.0, "a": 1, "b": 0, "matched": 0}


def test_suggestions_do_not_count(team):
    s, e = at("Joe Biden")
    team.bob.create_span(team.doc, s, e, "PERSON")
    team.carol.create_span(team.doc, s, e, "PERSON", state="suggested", source="model")
    rep = team.alice.agreement("news")
    # carol has only a suggestion: her layer does not count as an annotation
    assert rep["pairs"] == []


def test_three_annotators_alpha_and_ranking(store):
    from tests.review.conftest import TEXT, make_team

    team = make_team(store, texts=(TEXT, "Maria Lopez visited Paris on Friday."))
    docs = [d.id for d in team.alice.documents(team.pid)]
    team.alice.add_user("dan", "annotator")
    from models.service import Service

    dan = Service(store, "dan")
    for svc, label in ((team.bob, "PERSON"), (team.carol, "PERSON"), (dan, "ORG")):
        s, e = at("Joe Biden")
        svc.create_span(docs[0], s, e, label)
        svc.create_span(docs[1], 0, 11, "PERSON")
    rep = team.alice.agreement("news")
    assert [(p["a"], p["b"]) for p in rep["pairs"]] == [("bob", "carol"), ("bob", "dan"),
                                                         ("carol", "dan")]
    assert rep["pairs"][0]["span_f1"] == 1.0
    assert rep["pairs"][1]["span_f1"] == 0.5
    assert rep["documents"][0]["id"] == docs[0]  # the one with disagreement first
    assert rep["documents"][1]["disagreement"] == 0.0
    assert rep["alpha"] is not None and 0 < rep["alpha"] < 1


def test_cli_agree_json_and_text(cli, sqlite_url):
    from models.store import Store
    from tests.review.conftest import make_team

    st = Store(sqlite_url)
    team = make_team(st)
    r = cli("--db", sqlite_url, "agree", "--project", "news", "--json")
    assert r.returncode == 0, r.stderr
    import json

    data = json.loads(r.stdout)
    assert data["pairs"] == [] and "alpha" in data
    r = cli("--db", sqlite_url, "agree", "--project", "news")
    assert r.returncode == 0 and "at least two annotators" in r.stdout
    _both(team, "Joe Biden", "PERSON")
    team.span(team.bob, "Tijuana", "GPE")
    st.dispose()
    data = json.loads(cli("--db", sqlite_url, "agree", "--project", "news", "--json").stdout)
    (pair,) = data["pairs"]
    assert {"a", "b", "span_f1", "relation_f1", "event_f1", "kappa", "span_f1_overlap",
            "event_f1_args", "per_label"} <= pair.keys()
    assert pair["span_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert isinstance(pair["kappa"], float)
    assert {"documents", "alpha", "per_label"} <= data.keys()
    text = cli("--db", sqlite_url, "agree", "--project", "news").stdout
    assert "bob" in text and "0.667" in text and "alpha" in text
    r = cli("--db", sqlite_url, "agree", "--project", "nope")
    assert r.returncode == 1 and "no project named 'nope'" in r.stderr


def test_token_kappa_counts_the_documents_stored_tokens(store):
    from models.records import DocumentRecord, Tokenization
    from models.service import Service

    alice = Service(store, "alice")
    # the file's tokens: "AL-AIN" is one token (spaCy would make three: AL - AIN)
    alice.import_records("gulf", [DocumentRecord(
        text="AL-AIN beat Dubai", tokens=Tokenization([0, 7, 12], [6, 11, 17]))])
    alice.add_user("bob", "annotator")
    alice.add_user("carol", "annotator")
    doc = alice.documents(alice.project_id("gulf"))[0].id
    Service(store, "bob").create_span(doc, 0, 6, "LOC")
    Service(store, "carol").create_span(doc, 3, 6, "LOC")
    (pair,) = alice.agreement("gulf")["pairs"]
    # per stored token: bob LOC O O, carol LOC O O (her span touches the one token)
    assert pair["tokens"] == 3
    assert pair["kappa"] == 1.0
    assert pair["span_f1"] == 0.0  # the spans themselves still differ
