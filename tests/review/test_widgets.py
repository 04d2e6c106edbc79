"""The review widgets, offscreen: agreement table and heat map, review mode walk/decide."""

import pytest

from desktop.review.agreement_widget import AgreementWidget
from desktop.review.review_widget import ReviewWidget
from models.store import Store
from tests.review.conftest import TEXT, at, make_team


@pytest.fixture
def team(sqlite_url):
    store = Store(sqlite_url)
    team = make_team(store, texts=(TEXT, "Maria Lopez visited Paris on Friday with Ana."))
    docs = [d.id for d in team.alice.documents(team.pid)]
    for svc in (team.bob, team.carol):
        b = team.span(svc, "Joe Biden", "PERSON")
        c = team.span(svc, "Mexico City", "GPE")
        svc.create_relation(b, c, "located_in")
        svc.create_span(docs[1], 0, 11, "PERSON")
    team.span(team.bob, "Mexican", "NORP")
    team.span(team.carol, "Mexican", "ORG")
    team.span(team.bob, "Tijuana", "GPE")
    team.span(team.bob, "Juan Perez", "PERSON")
    team.span(team.carol, "Perez", "PERSON")
    team.span(team.carol, "Monday", "DATE")
    yield team
    store.dispose()


def test_agreement_widget(qtbot, team):
    w = AgreementWidget(team.rita, "news")
    qtbot.addWidget(w)
    w.resize(1000, 700)
    assert w.pairs.rowCount() == 1
    assert w.pairs.item(0, 0).text() == "bob" and w.pairs.item(0, 1).text() == "carol"
    span_f1 = team.rita.agreement("news")["pairs"][0]["span_f1"]
    assert w.pairs.item(0, 3).text() == f"{span_f1:.2f}"
    heads = [w.heat.horizontalHeaderItem(c).text() for c in range(w.heat.columnCount())]
    assert heads[0] == "Pair" and {"PERSON", "NORP", "ORG", "GPE", "DATE"} <= set(heads)
    gpe = heads.index("GPE")
    assert w.heat.item(1, gpe).text() == "0.67"  # bob 2 GPE, carol 1: 2*1/3
    assert w.heat.item(1, heads.index("NORP")).text() == "0.00"
    # red for disagreement, green for agreement
    assert w.heat.item(1, heads.index("NORP")).background().color().red() > 200
    assert w.heat.item(1, heads.index("PERSON")).text() == "0.67"  # 2 of 3 + 3
    assert "alpha" in w.summary.text()
    # the document with disagreement comes first; double-click asks to review it
    assert w.docs.item(0, 0).text() == "doc 0"
    with qtbot.waitSignal(w.documentActivated) as sig:
        w.docs.cellDoubleClicked.emit(0, 0)
    assert sig.args == [team.doc]
    w.show()
    w.grab().save("/tmp/agreement.png")


def test_agreement_widget_single_annotator(qtbot, sqlite_url):
    store = Store(sqlite_url)
    team = make_team(store)
    team.span(team.bob, "Joe Biden", "PERSON")
    w = AgreementWidget(team.rita, "news")
    qtbot.addWidget(w)
    assert "two annotators" in w.summary.text() and w.pairs.rowCount() == 0
    store.dispose()


def test_review_widget_walk_and_decide(qtbot, team):
    w = ReviewWidget(team.rita, team.doc, poll_ms=0)
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.show()
    qtbot.waitExposed(w)
    assert list(w.browsers) == ["bob", "carol", "gold"]
    assert "went into gold" in w.status.text()  # auto-gold ran on open
    gold_html = w.browsers["gold"].toPlainText()
    assert "PERSON" in gold_html and "GPE" in gold_html
    n = len(w.view.conflicts)
    assert n == 4 and w.counter.text() == "Conflict 1 of 4"
    assert "Mexican" in w.conflict_label.text()
    w.grab().save("/tmp/review.png")
    # N and Shift+N walk the conflicts
    w.windowHandle().requestActivate()  # shortcuts need the active window
    qtbot.waitUntil(w.isActiveWindow)
    w.versions.setFocus()
    qtbot.keyClick(w.versions, "N")
    assert w.counter.text() == "Conflict 2 of 4"
    qtbot.keyClick(w.versions, "N", modifier=qtbot_shift())
    assert w.counter.text() == "Conflict 1 of 4"
    # "1" accepts version 1 (bob's NORP); the ORG competitor is rejected with it
    qtbot.keyClick(w.versions, "1")
    assert len(w.view.conflicts) == 3
    gold = {(s.start, s.end, s.label) for s in team.rita.load(team.doc, "gold").spans}
    assert (*at("Mexican"), "NORP") in gold
    # the walk stays in place: now carol's lone DATE "Monday"; N moves on to "Juan Perez"
    assert w.current().versions[0].label == "DATE"
    qtbot.keyClick(w.versions, "N")
    # edit: carol's "Perez" widened to "Juan Perez"
    c = w.current()
    assert c.start == at("Juan Perez")[0]
    s, e = at("Juan Perez")
    assert w.edit({"start": s, "end": e, "label": "PERSON"}, index=1)
    # reject the rest with R until done
    while w.view.conflicts:
        w.versions.setCurrentRow(0)
        assert w.reject(all_versions=True)
    assert w.counter.text() == "No open conflicts"
    assert not w.accept_btn.isEnabled()
    w.set_merged(True)
    assert w.stack.currentIndex() == 1
    assert "NORP" in w.merged.toPlainText()


def qtbot_shift():
    from PySide6.QtCore import Qt

    return Qt.ShiftModifier


def test_review_widget_stale_decision_reloads(qtbot, team):
    w = ReviewWidget(team.rita, team.doc, poll_ms=0)
    qtbot.addWidget(w)
    c = w.current()
    bob_span = next(v for v in c.versions if v.annotators == ("bob",)).refs[0][0]
    team.bob.relabel_span(bob_span, "GPE")  # changed after the reviewer saw it
    assert not w.accept(0)
    assert "changed since it was shown" in w.status.text()
    assert "reloaded" in w.status.text()
    assert "GPE" in w.versions.item(0).text() or "GPE" in w.versions.item(1).text()


def test_review_widget_shows_labels_others_add(qtbot, team):
    w = ReviewWidget(team.rita, team.doc, poll_ms=50)
    qtbot.addWidget(w)
    w.show()
    before = len(w.view.conflicts)
    team.span(team.carol, "Tijuana", "LOC")  # from another desktop
    qtbot.waitUntil(lambda: len(w.view.conflicts) != before or
                    "LOC" in w.browsers["carol"].toPlainText(), timeout=3000)
    assert "LOC" in w.browsers["carol"].toPlainText()


def test_annotator_cannot_open_review(qtbot, team):
    w = ReviewWidget(team.bob, team.doc, poll_ms=0)
    qtbot.addWidget(w)
    assert w.view is None and "only reviewers" in w.status.text()
