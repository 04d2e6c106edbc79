"""Suggest > Category threshold…: the window sets the project's textcat threshold, the same
setting `suggest --threshold` keeps, and shows the one stored."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog


def answer_input(value: float | None, seen: list) -> None:
    """When the next input dialog opens: record the value it shows, then type `value` and
    press OK (None: Cancel)."""

    def handle():
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, QInputDialog):
            QTimer.singleShot(20, handle)
            return
        seen.append(dlg.doubleValue())
        if value is None:
            dlg.reject()
        else:
            dlg.setDoubleValue(value)
            dlg.accept()

    QTimer.singleShot(0, handle)


def test_threshold_set_in_the_window_is_the_projects_setting(window, db):
    pid = db.project_id("news")
    db.set_textcat_threshold(pid, 0.35)  # as `suggest --threshold 0.35` leaves it
    seen: list[float] = []
    answer_input(0.8, seen)
    window.actions_by_name["textcat_threshold"].trigger()
    assert seen == [0.35]  # the dialog starts from the stored value
    assert db.textcat_threshold(pid) == 0.8
    assert db.project_settings(pid)["textcat_threshold"] == 0.8

    answer_input(0.1, seen)
    window.actions_by_name["textcat_threshold"].trigger()
    assert seen[-1] == 0.8
    answer_input(None, seen)  # cancelled: nothing changes
    window.actions_by_name["textcat_threshold"].trigger()
    assert db.textcat_threshold(pid) == 0.1
