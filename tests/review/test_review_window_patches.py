"""After each of its own decisions the review window patches what it shows from what the
decision returned (ADR: a decision returns the review after it) and repaints only what
changed. Whatever the path, it must show what a freshly opened window shows: conflicts
open and decided, gold, every pane, the versions panel, and the pixels on screen."""

import random

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication

from desktop.review.review_window import ReviewWindow
from models.records import DocumentRecord, SpanRecord
from models.service import Service
from tests.words import spaced

WORDS = "the minister said that officials and police met after talks in the city".split()


def _document(store, places: int = 14, agreed: int = 10):
    """One document, two annotators: `places` words PERSON for bob and ORG for carol,
    `agreed` words GPE for both, every labeled word its own place."""
    rng = random.Random(19)
    words = [rng.choice(WORDS) for _ in range(2 * (places + agreed) + 6)]
    text, offsets = spaced(words)
    chosen = rng.sample(range(0, len(words), 2), places + agreed)
    same, differ = chosen[:agreed], chosen[agreed:]
    alice = Service(store, "alice")
    alice.create_project("news")
    for name, role in (("bob", "annotator"), ("carol", "annotator"), ("rita", "reviewer"),
                       ("rosa", "reviewer")):
        alice.add_user(name, role)
    for name, other in (("bob", "PERSON"), ("carol", "ORG")):
        spans = [SpanRecord(*offsets[i], "GPE") for i in same] + \
            [SpanRecord(*offsets[i], other) for i in differ]
        alice.import_records("news", [DocumentRecord(text=text, title="d", spans=spans)],
                             annotator=name)
    rita = Service(store, "rita")
    doc = rita.documents(rita.project_id("news"), "gold")[0].id
    return rita, Service(store, "rosa"), doc, text, places


def _open(qtbot, service, doc):
    w = ReviewWindow(service, doc, poll_ms=0)
    qtbot.addWidget(w)
    w.resize(700, 420)  # smaller than the text: decisions scroll, most repaint a part
    w.show()
    qtbot.waitExposed(w)
    return w


def _settle(qtbot):
    for _ in range(3):  # idle layout and prefetch run on timers
        QApplication.processEvents()
        qtbot.wait(40)


def _on_screen(w, canvas):
    """The viewport's pixels as the window's backing store holds them (what partial
    repaints left there)."""
    vp = canvas.viewport()
    shot = QApplication.primaryScreen().grabWindow(w.winId()).toImage()
    top_left = vp.mapTo(w, vp.rect().topLeft())
    return shot.copy(QRect(top_left, vp.size()))


def _panes(w):
    out = {}
    for name, pane in w.panes.panes.items():
        layer = pane.view.layer()
        out[name] = (pane.title.text(), sorted((s.start, s.end, s.label, s.state)
                                               for s in layer.spans))
    return out


def _versions(w):
    lst = w.versions.list
    return (w.versions.header.text(), w.versions.detail.text(), lst.currentRow(),
            [lst.item(i).text() for i in range(lst.count())])


def _same_as_fresh(qtbot, w, service, doc, gold_in_db: set):
    _settle(qtbot)
    fresh = _open(qtbot, service, doc)
    fresh.place = w.place  # the same conflict current, as the reviewer moved on to it
    fresh._show(keep_row=False)
    assert w.view == fresh.view  # gold, conflicts with their states, agreed, marker
    assert [(c.id, c.open, [v.decided for v in c.versions]) for c in w.view.conflicts] == \
        [(c.id, c.open, [v.decided for v in c.versions]) for c in fresh.view.conflicts]
    assert _panes(w) == _panes(fresh)
    shown = {(s.start, s.end, s.label) for s in w.panes.gold.layer().spans}
    assert shown == gold_in_db  # read from the database, not from the window
    assert _versions(w) == _versions(fresh)
    assert w.summary.text() == fresh.summary.text()
    for name, pane in w.panes.panes.items():  # each pane's pixels: a full repaint's
        c = pane.view.canvas
        assert _on_screen(w, c) == c.viewport().grab().toImage(), name
    fresh.close()


def _gold(service, doc) -> set:
    return {(s.start, s.end, s.label) for s in service.load(doc, "gold").spans
            if s.state == "accepted"}


def test_decisions_and_undo_show_what_a_fresh_window_shows(qtbot, store):
    rita, _, doc, text, places = _document(store)
    w = _open(qtbot, rita, doc)
    assert sum(c.open for c in w.view.conflicts) == places
    decided = 0
    scrolled = set()
    for step in range(6):
        w.select_version(step % 2)  # bob's PERSON, then carol's ORG, ...
        assert w.accept()
        decided += 1
        assert sum(c.open for c in w.view.conflicts) == places - decided
        assert len(_gold(rita, doc)) == decided  # one gold span per decided place
        scrolled |= {p.view.canvas.scroll_y() for p in w.panes.panes.values()}
        _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
    assert len(scrolled) > 1  # the panes scrolled on the way (what a scroll leaves is checked)
    for _ in range(2):
        w.undo_stack.undo()
        decided -= 1
        assert sum(c.open for c in w.view.conflicts) == places - decided
        _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
    w.undo_stack.redo()
    decided += 1
    _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
    assert w.reject()  # a version rejected: its place stays open with the other version
    _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
    assert w.accept()  # the other version: the place is decided
    decided += 1
    assert sum(c.open for c in w.view.conflicts) == places - decided
    _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
    assert w.accept_agreed()
    assert len(_gold(rita, doc)) == decided + 10  # the 10 agreed GPE labels besides
    _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))


def test_another_reviewers_decision_meanwhile_is_shown(qtbot, store):
    rita, rosa, doc, _, places = _document(store)
    w = _open(qtbot, rita, doc)
    assert w.accept()
    # rosa, at another desktop, decides the conflict after the one rita now looks at
    theirs = [c for c in rosa.review(doc).conflicts if c.open][1]
    v = theirs.versions[1]
    rosa.decide(doc, v.kind, *v.refs[0], how="accept")
    assert w.accept()  # rita's next decision, before her window polled
    assert sum(c.open for c in w.view.conflicts) == places - 3
    _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
    # and once more, picked up by the poll this time
    theirs = [c for c in rosa.review(doc).conflicts if c.open][-1]
    rosa.decide(doc, theirs.versions[0].kind, *theirs.versions[0].refs[0], how="reject")
    w.poll()
    _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
    assert w.accept()
    _same_as_fresh(qtbot, w, rita, doc, _gold(rita, doc))
