"""The review window, driven as a reviewer would: keys and buttons, then the gold rows."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.review.review_window import ReviewWindow
from tests.review.conftest import at


def _gold(team):
    view = team.rita.load(team.doc, "gold")
    return sorted((view.text[s.start:s.end], s.label) for s in view.spans
                  if s.state == "accepted")


def _setup(team):
    """Agreed: Joe Biden PERSON, Mexico City GPE. Places in conflict: Mexican NORP (bob) /
    ORG (carol); Juan Perez (bob) / Perez (carol) PERSON; Tijuana GPE (bob only)."""
    for svc in (team.bob, team.carol):
        team.span(svc, "Joe Biden", "PERSON")
        team.span(svc, "Mexico City", "GPE")
    team.span(team.bob, "Mexican", "NORP")
    team.span(team.carol, "Mexican", "ORG")
    team.span(team.bob, "Juan Perez", "PERSON")
    team.span(team.carol, "Perez", "PERSON")
    team.span(team.bob, "Tijuana", "GPE")


def _window(qtbot, team=None, *, service=None, doc=None):
    """The window shown and active, the focus in gold's text (where a reviewer's keys go)."""
    w = ReviewWindow(service or team.rita, doc or team.doc, poll_ms=0)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    w.panes.gold.setFocus()
    return w


def _key(qtbot, w, key, mods=Qt.NoModifier):
    """A key pressed where the focus is (a layer's text), as the reviewer would."""
    qtbot.keyClick(QApplication.focusWidget() or w.panes.gold.canvas, key, mods)


def test_opening_writes_nothing_and_shows_every_layer(qtbot, team):
    _setup(team)
    w = _window(qtbot, team)
    assert _gold(team) == []
    assert list(w.panes.panes) == ["gold", "bob", "carol"]
    assert "3 open conflict(s) · 2 agreed not in gold" in w.summary.text()
    # the first conflict is highlighted in every layer: bob's and carol's own "Mexican"
    bob, carol = w.panes.panes["bob"].view, w.panes.panes["carol"].view
    mex = at("Mexican")
    span = bob.layer().span(bob.selected_span())
    assert (span.start, span.end, span.label) == (*mex, "NORP")
    w.select_version(1)
    span = carol.layer().span(carol.selected_span())
    assert (span.start, span.end, span.label) == (*mex, "ORG")
    assert w.panes.gold.selection() == mex  # gold has nothing there yet: the place


def test_keys_decide_walk_and_undo(qtbot, team):
    _setup(team)
    w = _window(qtbot, team)
    _key(qtbot, w, Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)  # accept agreed
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]
    _key(qtbot, w, Qt.Key_2)  # Mexican: carol's ORG
    _key(qtbot, w, Qt.Key_Return)
    assert ("Mexican", "ORG") in _gold(team)
    # it moved on to Juan Perez; bob's version (1), then carol's replaces it (2, A)
    assert w.view.text[w.current().start:w.current().end] == "Juan Perez"
    _key(qtbot, w, Qt.Key_1)
    _key(qtbot, w, Qt.Key_A)
    assert ("Juan Perez", "PERSON") in _gold(team)
    _key(qtbot, w, Qt.Key_D)  # include decided, back to Juan Perez
    _key(qtbot, w, Qt.Key_N, Qt.ShiftModifier)
    assert w.view.text[w.current().start:w.current().end] == "Juan Perez"
    _key(qtbot, w, Qt.Key_2)
    _key(qtbot, w, Qt.Key_A)
    gold = _gold(team)
    assert ("Perez", "PERSON") in gold and ("Juan Perez", "PERSON") not in gold
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    gold = _gold(team)
    assert ("Juan Perez", "PERSON") in gold and ("Perez", "PERSON") not in gold
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert ("Perez", "PERSON") in _gold(team)
    for _ in range(3):
        _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Mexico City", "GPE")]


def test_bulk_steps_and_approve(qtbot, team):
    _setup(team)
    w = _window(qtbot, team)
    assert not w.act_approve.isEnabled()
    w.accept_agreed()
    w.accept_annotator("bob", "PERSON")
    assert ("Juan Perez", "PERSON") in _gold(team)
    w.accept_annotator("carol")
    assert ("Mexican", "ORG") in _gold(team)
    w.undo_stack.undo()  # one step: carol's ORG is out again, bob's PERSON stays
    gold = _gold(team)
    assert ("Mexican", "ORG") not in gold and ("Juan Perez", "PERSON") in gold
    w.reject_rest()
    assert "0 open conflict(s)" in w.summary.text() and w.act_approve.isEnabled()
    w.act_approve.trigger()
    assert team.rita.load(team.doc, "gold").status == "approved"
    assert _gold(team) == [("Joe Biden", "PERSON"), ("Juan Perez", "PERSON"),
                           ("Mexico City", "GPE")]


def test_gold_is_edited_like_a_layer(qtbot, team):
    _setup(team)
    w = _window(qtbot, team)
    w.accept_agreed()
    w.panes.gold.set_selection(*at("Tijuana"))
    assert w.label_gold_selection("GPE")
    assert ("Tijuana", "GPE") in _gold(team)
    tij = next(s for s in w.panes.gold.layer().spans if s.label == "GPE"
               and (s.start, s.end) == at("Tijuana"))
    w.panes.gold.select_span(tij.id)
    _key(qtbot, w, Qt.Key_Delete)
    assert ("Tijuana", "GPE") not in _gold(team)
    w.undo_stack.undo()
    assert ("Tijuana", "GPE") in _gold(team)


def test_a_stale_decision_says_so_and_reloads(qtbot, team):
    _setup(team)
    w = _window(qtbot, team)
    bob_mex = next(s for s in team.bob.load(team.doc).spans if s.label == "NORP")
    team.bob.relabel_span(bob_mex.id, "ORG")  # meanwhile, on bob's desktop
    assert not w.accept()
    assert "changed since it was shown" in w.status.text()
    assert _gold(team) == []


def test_labels_others_add_appear(qtbot, team):
    w = ReviewWindow(team.rita, team.doc, poll_ms=50)
    qtbot.addWidget(w)
    w.show()
    team.span(team.carol, "Tijuana", "LOC")  # from another desktop
    qtbot.waitUntil(lambda: "carol" in w.panes.panes, timeout=3000)
    carol = w.panes.panes["carol"].view.layer()
    assert [(s.label, (s.start, s.end)) for s in carol.spans] == [("LOC", at("Tijuana"))]


def test_annotator_cannot_open_review(qtbot, team):
    w = ReviewWindow(team.bob, team.doc, poll_ms=0)
    qtbot.addWidget(w)
    assert w.view is None and "only reviewers" in w.status.text()


def test_the_sample_article_to_approved_gold_by_keys(qtbot, store):
    """Done when: two annotators' layers of the sample article become an approved gold
    with exactly one version of every mention, by keys alone."""
    from tests.review.sample_review import AGREED, sample_review

    rita, doc = sample_review(store)
    w = _window(qtbot, service=rita, doc=doc)
    presses = 0

    def key(k, mods=Qt.NoModifier):
        nonlocal presses
        presses += 1
        qtbot.keyClick(QApplication.focusWidget(), k, mods)

    key(Qt.Key_A, Qt.ControlModifier | Qt.ShiftModifier)  # accept agreed
    for _ in range(20):  # the first open version of each conflict
        if w.current() is None:
            break
        key(Qt.Key_A)
    key(Qt.Key_Return, Qt.ControlModifier)  # approve
    gold = rita.load(doc, "gold")
    assert gold.status == "approved"
    spans = sorted((s.start, s.end) for s in gold.spans if s.state == "accepted")
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), "overlapping gold spans"
    texts = [gold.text[s.start:s.end] for s in gold.spans]
    for words, _label in AGREED:
        assert texts.count(words) == 1
    assert len(gold.relations) == 1 and len(gold.events) == 1
    # 5 places in conflict (Biden, the date, Washington, the relation, the event); at
    # Washington the first version taken was "D.C.", which leaves "WASHINGTON" open
    assert presses == 1 + 6 + 1


def test_a_category_conflict_comes_first_and_is_decided_with_the_keys(qtbot, team):
    team.bob.set_category(team.doc, "politics")
    team.carol.set_category(team.doc, "crime")
    team.span(team.bob, "Tijuana", "GPE")
    w = _window(qtbot, team)
    assert w.panes.panes["bob"].title.text().endswith("categories: politics")
    c = w.current()
    assert (c.kind, c.place) == ("category", "Topic")  # the whole document, first
    assert "category “Topic”" in w.versions.header.text()
    assert w.versions.detail.text().startswith("the whole document")
    row = next(i for i, v in enumerate(c.versions) if v.label == "crime")
    _key(qtbot, w, getattr(Qt, f"Key_{row + 1}"))
    _key(qtbot, w, Qt.Key_Return)
    assert team.rita.load(team.doc, "gold").accepted_categories == ["crime"]
    assert w.panes.panes["gold"].title.text().endswith("categories: crime")
    assert w.current().kind == "span"  # on to the next open conflict
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert team.rita.load(team.doc, "gold").accepted_categories == []
