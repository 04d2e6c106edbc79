"""The review, agreement and statistics windows close with the main window, and closing the
main window ends `marginalia gui`."""

from __future__ import annotations

import subprocess
import sys
import time

from PySide6.QtCore import QCoreApplication, QEvent
from shiboken6 import isValid

from tests.conftest import ROOT


def open_tools(window) -> list:
    """Review (alice is the first user: admin, so a reviewer), agreement, statistics."""
    for n, show in enumerate((window.show_review, window.show_agreement, window.show_stats)):
        show()
        assert len(window.tool_windows()) == n + 1  # each opened a window of its own
    tools = window.tool_windows()
    assert all(w.isVisible() and w.isWindow() for w in tools)
    return tools


def test_tool_windows_close_with_the_main_window(window):
    tools = open_tools(window)
    window.close()
    assert not window.isVisible()
    assert [isValid(w) and w.isVisible() for w in tools] == [False, False, False]


def test_a_closed_tool_window_is_forgotten(window):
    first = open_tools(window)[0]
    first.close()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)  # deleted on close
    assert not isValid(first)
    window.show_stats()  # the list of tool windows skips the deleted one
    window.set_theme("dark", remember=False)
    assert len(window.tool_windows()) == 3


# Started as `marginalia gui` is: once the window is up, open the tool windows, then close
# the main window; app.exec() must return and the process end.
SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop.app import _app
from desktop.cli.main import main
from desktop.main_window import MainWindow

app = _app()

def go():
    win = next((w for w in QApplication.topLevelWidgets()
                if isinstance(w, MainWindow) and w.isVisible()), None)
    if win is None:
        QTimer.singleShot(50, go)
        return
    win.show_review(); win.show_agreement(); win.show_stats()
    print("tool windows", sum(w.isVisible() for w in win.tool_windows()), flush=True)
    QTimer.singleShot(0, win.close)

QTimer.singleShot(0, go)
print("exit", main(["--db", sys.argv[1], "--user", "alice", "gui", "--project", "news"]))
"""


def test_closing_the_main_window_ends_the_process(gui_db, tmp_path):
    env = {"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    began = time.monotonic()
    r = subprocess.run([sys.executable, "-c", SCRIPT, gui_db], capture_output=True, text=True,
                       cwd=ROOT, env=env, timeout=60)
    assert (r.returncode, r.stdout.split()) == (0, ["tool", "windows", "3", "exit", "0"]), \
        r.stderr
    assert time.monotonic() - began < 30  # it ends at once, it does not wait for a timeout
