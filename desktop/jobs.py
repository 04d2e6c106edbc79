"""Background jobs (imports, ...) with progress and cancel, shown in the status bar.

A job runs a function in a worker thread; the function gets a JobState to report progress
and to check for cancel. The store hands each call its own session, so the worker's writes
are separate units of work; an import is one transaction, so a cancel stores nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class Cancelled(Exception):
    """Raised inside a job when the user pressed Cancel."""


class JobState:
    def __init__(self, worker: _Worker):
        self._worker = worker
        self.cancelled = threading.Event()

    def progress(self, done: int, total: int, text: str = "") -> None:
        if self.cancelled.is_set():
            raise Cancelled()
        self._worker.progressed.emit(done, total, text)


class _Worker(QThread):
    progressed = Signal(int, int, str)
    finished_ok = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[JobState], Any]):
        super().__init__()
        self.fn = fn
        self.state = JobState(self)

    def run(self) -> None:
        try:
            self.finished_ok.emit(self.fn(self.state))
        except BaseException as exc:  # noqa: BLE001 - reported in the status bar, never a crash
            self.failed.emit(exc)


class JobsWidget(QWidget):
    """Permanent status-bar widget: name, progress and Cancel of the running job."""

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancel_job")
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        lay.addWidget(self.cancel)
        self.setVisible(False)


class Jobs(QObject):
    message = Signal(str, bool)
    progressed = Signal(int, int, str)  # for a dialog that shows the running job too

    def __init__(self, widget: JobsWidget):
        super().__init__()
        self.widget = widget
        self.worker: _Worker | None = None
        widget.cancel.clicked.connect(self.cancel)

    def busy(self) -> bool:
        return self.worker is not None

    def start(self, name: str, fn: Callable[[JobState], Any],
              done: Callable[[Any], None],
              failed: Callable[[BaseException], None] | None = None) -> bool:
        if self.worker is not None:
            self.message.emit(f"wait for “{self.widget.label.text()}” to finish", True)
            return False
        w = _Worker(fn)
        self.worker = w
        self.widget.label.setText(name)
        self.widget.bar.setRange(0, 0)
        self.widget.setVisible(True)
        w.progressed.connect(self._progress)
        w.finished_ok.connect(lambda result: self._end(lambda: done(result)))
        w.failed.connect(lambda exc: self._end(lambda: self._failed(name, exc, failed)))
        w.start()
        return True

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.state.cancelled.set()
            self.widget.label.setText("cancelling…")

    def _progress(self, done: int, total: int, text: str) -> None:
        self.widget.bar.setRange(0, max(total, 1))
        self.widget.bar.setValue(done)
        if text:
            self.widget.bar.setFormat(text)
        self.progressed.emit(done, total, text)

    def _end(self, then: Callable[[], None]) -> None:
        w, self.worker = self.worker, None
        if w is not None:
            w.wait()
        self.widget.setVisible(False)
        then()

    def _failed(self, name: str, exc: BaseException, then=None) -> None:
        if then is not None:
            then(exc)
        if isinstance(exc, Cancelled):
            self.message.emit(f"{name}: cancelled; nothing was stored", False)
        else:
            self.message.emit(f"{name}: {exc}", True)

    def wait(self) -> None:
        if self.worker is not None:
            self.worker.wait()
