"""The Suggestions and Review menus: suggest for the open document in the background, then
accept with the keyboard; review and agreement windows for reviewers."""

from PySide6.QtGui import QAction


def action(window, name) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


def test_suggest_for_document_runs_in_background_and_is_stored(window, db, qtbot):
    action(window, "suggest_doc").trigger()
    assert window.jobs.busy()  # the window does not wait for spaCy
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=120_000)
    doc = window.ws.view.document_id
    stored = db.load(doc)
    suggested = [s for s in stored.spans if s.state == "suggested"]
    assert len(suggested) > 20
    assert any(e.state == "suggested" for e in stored.events)
    # the open view shows them, and Tab + Enter accepts the first one
    assert sum(s.state == "suggested" for s in window.ws.view.spans) == len(suggested)
    action(window, "next_suggestion").trigger()
    action(window, "accept").trigger()
    assert sum(s.state == "accepted" for s in db.load(doc).spans) == 1


def test_review_needs_a_reviewer_and_agreement_opens(window, qtbot):
    window.show_review()  # alice is the first user: admin, so a reviewer
    assert window._tool_windows and window._tool_windows[-1].isVisible()
    window.show_agreement()
    assert len(window._tool_windows) == 2
    for w in window._tool_windows:
        w.close()
