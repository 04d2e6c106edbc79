"""After its own step the review window patches gold and recomputes the conflicts instead of
loading the whole review again: what it then shows must be what a fresh load shows."""

from desktop.review.review_window import ReviewWindow
from tests.review.conftest import at
from tests.review.test_review_window import _setup


def _window(qtbot, team):
    w = ReviewWindow(team.rita, team.doc, poll_ms=0)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    return w


def _same_as_loaded(w, team):
    fresh = team.rita.review(team.doc)
    assert w.view == fresh  # gold, conflicts and their states, agreed, status, marker
    assert w.panes.gold.layer() == fresh.gold
    for name in fresh.annotators:
        assert w.panes.panes[name].view.layer() == fresh.layers[name]


def test_every_step_shows_what_a_reload_shows(qtbot, team):
    _setup(team)
    w = _window(qtbot, team)
    assert w.accept_agreed()
    _same_as_loaded(w, team)
    bob = w.panes.panes["bob"].view.layer()
    w.select_version(1)  # Mexican: carol's ORG
    assert w.accept()
    _same_as_loaded(w, team)
    assert w.panes.panes["bob"].view.layer() is bob  # kept, not loaded again
    assert w.accept(also=True)  # Juan Perez beside carol's Perez? (both PERSON)
    _same_as_loaded(w, team)
    assert w.reject()
    _same_as_loaded(w, team)
    w.panes.gold.select_span(next(s.id for s in w.view.gold.spans
                                  if (s.start, s.end) == at("Mexico City")))
    assert w.delete_gold_span()
    _same_as_loaded(w, team)
    w.panes.gold.set_selection(*at("Monday"))
    assert w.label_gold_selection(w.schema.entity_names[0])
    _same_as_loaded(w, team)
    w.undo_stack.undo()
    _same_as_loaded(w, team)
    w.undo_stack.redo()
    _same_as_loaded(w, team)
    assert "conflict" in w.summary.text()


def test_an_annotators_edit_meanwhile_is_shown_after_the_decision(qtbot, team):
    _setup(team)
    w = _window(qtbot, team)
    w.accept_agreed()
    bob = w.panes.panes["bob"].view.layer()
    team.span(team.carol, "Tijuana", "LOC")  # while the reviewer looks at Mexican
    assert w.accept()
    _same_as_loaded(w, team)
    assert w.panes.panes["bob"].view.layer() is not bob  # the whole review was loaded
    carol = w.panes.panes["carol"].view.layer()
    assert any((s.start, s.end, s.label) == (*at("Tijuana"), "LOC") for s in carol.spans)
    assert any(w.view.text[c.start:c.end] == "Tijuana" and
               {v.label for v in c.versions} == {"GPE", "LOC"} for c in w.view.conflicts)


def test_review_update_refuses_when_an_annotator_changed_something(team):
    _setup(team)
    view = team.rita.review(team.doc)
    same = team.rita.review_update(team.doc, view.annotations, view.marker)
    assert same.conflicts == view.conflicts and same.agreed_open == view.agreed_open
    assert same.marker == view.marker
    team.span(team.bob, "Monday", "GPE")
    assert team.rita.review_update(team.doc, view.annotations, view.marker) is None
