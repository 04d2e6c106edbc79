"""Navigation, workflow status, find, import by drop, statistics, shortcuts, themes."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from models.records import DocumentRecord
from tests.desktop.helpers import press, select_text


def add_documents(window, db, n: int) -> None:
    db.import_records("news", [DocumentRecord(text=f"Article {i}: Angela Merkel met Macron "
                                              f"in Paris on day {i}.", title=f"extra {i}")
                               for i in range(n)])
    window.ws.refresh_documents()


def test_next_previous_mark_done_and_next_not_done(qtbot, window, db):
    add_documents(window, db, 2)
    first, second, third = [d.id for d in window.ws.documents]
    assert window.ws.document_id == first
    press(qtbot, window, Qt.Key_D, Qt.ControlModifier)  # mark done
    assert db.load(first).status == "done"
    assert window.doclist.progress.text().startswith("1 of 3")
    press(qtbot, window, Qt.Key_PageDown, Qt.ControlModifier)
    assert window.ws.document_id == second
    assert window.heading.text() == "extra 0"
    press(qtbot, window, Qt.Key_D, Qt.ControlModifier)
    press(qtbot, window, Qt.Key_Left, Qt.AltModifier)
    press(qtbot, window, Qt.Key_J, Qt.ControlModifier)  # skips the two done ones
    assert window.ws.document_id == third
    window.doclist.status.setCurrentIndex(window.doclist.status.findData("done"))
    assert window.doclist.row_count() == 2
    window.doclist.search.setText("extra")
    assert window.doclist.row_count() == 1


def test_find_in_document(qtbot, window):
    press(qtbot, window, Qt.Key_F, Qt.ControlModifier)
    assert window.findbar.edit.hasFocus()
    qtbot.keyClicks(window.findbar.edit, "Tabasco")
    qtbot.keyClick(window.findbar.edit, Qt.Key_Return)
    cur = window.docview.editor.textCursor() if hasattr(window.docview, "editor") else None
    if cur is not None:
        assert cur.selectedText() == "Tabasco"
    assert window.docview.hasFocus()  # Enter hands the keys to the text (a label key next)
    press(qtbot, window, Qt.Key_F, Qt.ControlModifier)
    qtbot.keyClicks(window.findbar.edit, "zzz-not-there")
    qtbot.keyClick(window.findbar.edit, Qt.Key_Return)
    assert "is not in this document" in window.statusBar().currentMessage()


def test_drop_a_folder_imports_it(qtbot, window, db, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "a.txt").write_text("Storm hits Lisbon\n\nA storm hit Lisbon on Monday.",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("Vote in Oslo\n\nNorway voted on Sunday.", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    enter = QDragEnterEvent(QPoint(300, 300), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, enter)  # the drag enters the window first
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(300, 300), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(window, drop)
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=10000)
    titles = {d.title for d in db.documents(db.project_id("news"))}
    assert {"Storm hits Lisbon", "Vote in Oslo"} <= titles
    assert "imported 2 document(s)" in window.statusBar().currentMessage()
    assert window.doclist.row_count() == 3


def test_statistics_charts(qtbot, window, db):
    select_text(window, "Joe Biden")
    press(qtbot, window, Qt.Key_1)
    select_text(window, "Honduras")
    press(qtbot, window, Qt.Key_3)
    from desktop.widgets.stats_view import StatsDialog

    dlg = StatsDialog(window.ws, window)
    qtbot.addWidget(dlg)
    bars = dlg.labels_chart.series()[0].barSets()[0]
    assert sorted(bars.at(i) for i in range(bars.count())) == [1, 1]
    pie = dlg.status_chart.series()[0]
    assert [s.label() for s in pie.slices()] == ["in progress (1)"]
    (line,) = dlg.progress_chart.series()
    assert line.name() == "alice" and line.at(line.count() - 1).y() == 2


def test_keyboard_reference_lists_every_menu_action(qtbot, window):
    press(qtbot, window, Qt.Key_F1)
    dlg = window._shortcuts
    rows = dlg.rows()
    assert ("Label", "PERSON", "1") in rows
    assert any(r[1] == "Accept all suggestions in document" and "Ctrl+Shift+A" in r[2]
               for r in rows)
    assert any(r[1] == "Next document" and "Ctrl+PgDown" in r[2] for r in rows)
    menu_actions = sum(1 for a in window.actions_by_name.values() if a.text())
    assert len([r for r in rows if r[0] != "Text"]) >= menu_actions - 3  # theme radios
    dlg.close()


def test_theme_switch_is_remembered(qtbot, window):
    window.actions_by_name["theme_dark"].trigger()
    assert QApplication.palette().window().color().lightness() < 80
    assert QSettings().value("theme") == "dark"
    window.actions_by_name["theme_light"].trigger()
    assert QApplication.palette().window().color().lightness() > 180
    assert QSettings().value("theme") == "light"


def test_background_job_shows_progress_and_cancels(qtbot, window):
    import time

    def slow(state):
        for i in range(1000):
            state.progress(i, 1000, f"step {i}")
            time.sleep(0.01)
        return "finished"

    results = []
    assert window.jobs.start("Slow job", slow, results.append)
    qtbot.waitUntil(lambda: window.jobs_widget.isVisible() and window.jobs_widget.bar.value() > 0)
    qtbot.mouseClick(window.jobs_widget.cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy(), timeout=5000)
    assert results == [] and not window.jobs_widget.isVisible()
    assert "Slow job: cancelled; nothing was stored" in window.statusBar().currentMessage()
