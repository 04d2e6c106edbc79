"""Agreement on document categories: Cohen's kappa over every document x category yes/no
decision of two annotators, against values worked out by hand."""

from __future__ import annotations

import json

import pytest

from models.records import DocumentRecord
from models.schema import Category, CategoryGroup, EntityLabel, Schema
from models.service import Service

TEXTS = ["The council voted on the budget.", "Shares fell sharply on Monday.",
         "The match ended in a draw."]


@pytest.fixture
def three_docs(store):
    schema = Schema(name="flags", entities=[EntityLabel("ORG")], categories=[
        CategoryGroup("Flags", exclusive=False,
                      categories=[Category("relevant"), Category("opinion")])])
    admin = Service(store, "alice")
    admin.import_records("flags", [DocumentRecord(text=t) for t in TEXTS], schema=schema)
    pid = admin.project_id("flags")
    return pid, [d.id for d in admin.documents(pid)]


def test_category_kappa_of_a_pair_is_the_one_worked_out_by_hand(store, three_docs, cli,
                                                                 db_url):
    pid, (d1, d2, d3) = three_docs
    bob, carol = (Service(store, n, auto_create_users=True) for n in ("bob", "carol"))
    # (bob, carol) per document: relevant (Y,Y) (Y,N) (N,N); opinion (Y,N) (N,N) (N,N)
    bob.set_category(d1, "relevant")
    bob.set_category(d1, "opinion")
    carol.set_category(d1, "relevant")
    bob.set_category(d2, "relevant")
    carol.set_status(d2, "done")
    bob.set_status(d3, "done")
    carol.set_status(d3, "done")
    carol.set_category(d3, "opinion", state="rejected", source="model")  # a no stays a no
    # 6 decisions, agreeing on 4: p_o = 4/6; bob says yes 3 times, carol once:
    # p_e = (3*1 + 3*5) / 36 = 1/2; kappa = (2/3 - 1/2) / (1/2) = 1/3
    # relevant: p_o = 2/3, p_e = (2*1 + 1*2)/9 = 4/9, kappa = (2/9)/(5/9) = 2/5
    # opinion: p_o = 2/3, p_e = (1*0 + 2*3)/9 = 2/3, kappa = 0
    data = Service(store, "alice").agreement("flags")
    (pair,) = data["pairs"]
    assert (pair["a"], pair["b"], pair["documents"]) == ("bob", "carol", 3)
    assert pair["category_agreement"] == pytest.approx(1 / 3, abs=1e-4)
    assert pair["per_category"] == {
        "relevant": {"kappa": pytest.approx(0.4), "a": 2, "b": 1, "both": 1},
        "opinion": {"kappa": pytest.approx(0.0), "a": 1, "b": 0, "both": 0}}
    r = cli("--db", db_url, "--user", "alice", "agree", "--project", "flags", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["pairs"][0]["category_agreement"] == pytest.approx(0.3333)


def test_no_category_given_by_either_means_no_category_agreement(store, three_docs):
    pid, (d1, d2, d3) = three_docs
    for name in ("bob", "carol"):
        Service(store, name, auto_create_users=True).set_status(d1, "done")
    (pair,) = Service(store, "alice").agreement("flags")["pairs"]
    assert pair["category_agreement"] is None and pair["per_category"] == {}


def test_the_agreement_window_shows_the_kappa_per_category(qtbot, store, three_docs):
    from desktop.review.agreement_widget import PAIR_COLUMNS, AgreementWidget

    pid, (d1, d2, d3) = three_docs
    bob, carol = (Service(store, n, auto_create_users=True) for n in ("bob", "carol"))
    for d in (d1, d2):
        bob.set_category(d, "relevant")
    carol.set_category(d1, "relevant")
    carol.set_status(d2, "done")
    w = AgreementWidget(Service(store, "alice"), "flags")
    qtbot.addWidget(w)
    col = [k for _, k in PAIR_COLUMNS].index("category_agreement")
    # relevant (Y,Y) (Y,N), opinion (N,N) (N,N): p_o = 3/4; yes 2 and 1 of 4:
    # p_e = (2*1 + 2*3)/16 = 1/2; kappa = (3/4 - 1/2)/(1/2) = 0.5
    assert w.pairs.item(0, col).text() == "0.50"
    t = w.per_category
    assert [t.horizontalHeaderItem(c).text() for c in range(t.columnCount())] == [
        "Pair", "relevant"]
    # relevant alone: p_o = 1/2, p_e = (2*1 + 0*1)/4 = 1/2: kappa 0
    assert t.item(0, 0).text() == "bob / carol" and t.item(0, 1).text() == "0.00"
    assert "bob gave it 2 documents, carol 1 document, both 1" in t.item(0, 1).toolTip()
