"""Active time per document and annotator: counted while the window is active and input
came at most a minute before, stored with the layer, shown in the list and statistics."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.controllers.active_time import FLUSH_AFTER, IDLE_AFTER


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_time_counts_while_working_and_stops_when_idle(qtbot, window, db):
    tracker = window.active_time
    tracker.timer.stop()  # driven by hand: no waiting in the test
    clock = tracker.clock = Clock()
    tracker.last_input = tracker.last_tick = clock.now
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    doc = window.ws.document_id
    for _ in range(6):  # 30 s of work, an input every 5 s
        clock.now += 5
        tracker.input()
        tracker.tick()
    for _ in range(40):  # 200 s without input: the first 60 count, the rest do not
        clock.now += 5
        tracker.tick()
    tracker.flush()
    assert db.documents(window.ws.project_id)[0].active_seconds == 30 + IDLE_AFTER
    row = next(d for d in window.ws.documents if d.id == doc)
    assert row.active_seconds == 30 + IDLE_AFTER
    tip = window.doclist.tree.model().index(0, 0).data(Qt.ToolTipRole)
    assert tip.endswith("active time: 1 min")
    assert "1 min active" in window.doclist.progress.format()


def test_an_inactive_window_counts_nothing(window, db):
    tracker = window.active_time
    tracker.timer.stop()
    clock = tracker.clock = Clock()
    tracker.last_input = tracker.last_tick = clock.now
    window.isActiveWindow = lambda: False  # another application has the focus
    for _ in range(2 * FLUSH_AFTER):
        clock.now += 5
        tracker.input()
        tracker.tick()
    tracker.flush()
    assert db.documents(window.ws.project_id)[0].active_seconds == 0


def test_stored_per_annotator_and_in_the_statistics(qtbot, window, db):
    from desktop.widgets.stats_view import StatsDialog

    doc = window.ws.document_id
    assert db.add_active_time(doc, 90) == 90
    assert db.add_active_time(doc, 30) == 120
    assert db.stats("news")["layers"]["alice"]["active_seconds"] == 120
    dlg = StatsDialog(window.ws, window)
    qtbot.addWidget(dlg)
    assert dlg.active_label.text() == "active time: alice 2 min"


def test_the_statistics_say_how_many_documents_have_incomplete_labels(qtbot, window, db):
    from desktop.widgets.stats_view import StatsDialog
    from models.records import DocumentRecord, SpanRecord, TaskRecord

    # a ner.teach task: one suggestion accepted, nothing said of the rest of the text
    db.import_records("news", [DocumentRecord(
        text="Apple opened a store.", tasks=[TaskRecord("accept", "binary")],
        spans=[SpanRecord(0, 5, "ORG", task=0)], status="done")])
    dlg = StatsDialog(window.ws, window)
    qtbot.addWidget(dlg)
    assert dlg.summary.text().endswith(" · 1 with incomplete labels (binary tasks)")
