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


def test_suggest_for_project_on_two_processes_from_the_window(window, db, qtbot):
    """The project job forks spaCy's workers from the job's thread: every document gets its
    suggestions, as one process stores them."""
    from models.records import DocumentRecord

    people = [("Angela Merkel", "Paris"), ("Joe Biden", "Berlin"),
              ("Emmanuel Macron", "Rome"), ("Olaf Scholz", "Madrid")] * 20
    texts = [f"{who} met officials of the United Nations in {where} on Tuesday, day {i}."
             for i, (who, where) in enumerate(people)]
    db.import_records("news", [DocumentRecord(text=t, title=f"m{i}")
                               for i, t in enumerate(texts)])
    pid = db.project_id("news")
    action(window, "suggest_project").trigger()
    assert window.jobs.busy()
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=300_000)
    docs = [d for d in db.documents(pid) if d.title.startswith("m")]
    assert len(docs) == 80 and all(d.suggestions >= 2 for d in docs)
    for d in docs[:8]:  # the name and the place of each, in its own document
        spans = {(s.start, s.end) for s in db.load(d.id).spans}
        who, where = people[int(d.title[1:])]
        at = texts[int(d.title[1:])].index(where)
        assert (0, len(who)) in spans and (at, at + len(where)) in spans
