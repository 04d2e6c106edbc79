"""The review widgets, offscreen: agreement table and heat map, review mode walk/decide."""

import pytest

from desktop.review.agreement_widget import AgreementWidget
from models.store import Store
from tests.review.conftest import TEXT, make_team


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


def test_the_versions_panel_shows_a_conflict_as_a_fresh_one_does(qtbot):
    """Showing the next conflict reuses the list's items when there are as many: text,
    font and colour must be those of a panel that shows it first."""
    from desktop.review.versions_panel import VersionsPanel
    from models.review.places import Conflict, Version

    text = "Joe Biden met Mexican officials."

    def conflict(start, end, states):
        return Conflict("span", start, end, tuple(
            Version("span", (start, end, label), (who,), ((k, 1),), st)
            for k, (label, who, st) in enumerate(zip(("NORP", "ORG"), ("bob", "carol"),
                                                     states))), (), ("bob", "carol"))

    def shown(panel):
        lst = panel.list
        return [(lst.item(i).text(), lst.item(i).font().pointSizeF(),
                 lst.item(i).foreground().color().name()) for i in range(lst.count())]

    used = VersionsPanel()
    qtbot.addWidget(used)
    used.show_conflict(conflict(0, 9, (None, None)), text, "Conflict 1 of 2")
    for c, row in ((conflict(14, 21, ("accept", "replaced")), 1),
                   (conflict(14, 21, (None, "reject")), 0), (conflict(0, 9, (None,)), 0)):
        used.show_conflict(c, text, "Conflict 2 of 2", row)
        fresh = VersionsPanel()
        qtbot.addWidget(fresh)
        fresh.show_conflict(c, text, "Conflict 2 of 2", row)
        assert shown(used) == shown(fresh)
        assert used.row() == fresh.row() == row
    assert shown(used)[0][2] == fresh.list.palette().text().color().name()  # open again
