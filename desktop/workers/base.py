"""A long job as a QObject living in a QThread: progress, partial results, cancel.

How the window uses a worker (the same for every worker here):

    worker = SuggestWorker(service.store, service.user, project_id)
    thread = start(worker, parent=self)          # moves it to a new QThread and runs it
    worker.progress.connect(status_bar.show_progress)        # (done, total)
    worker.batch_stored.connect(self.reload_if_open)         # partial results (suggest)
    worker.finished.connect(self.show_summary)               # the report
    worker.failed.connect(self.show_error)                   # one line, like the CLI
    worker.cancelled.connect(self.show_cancelled)
    cancel_button.clicked.connect(worker.cancel)             # safe from any thread

Exactly one of finished / failed / cancelled fires at the end, then `done`, after which the
thread quits and both objects are deleted. Keep a reference to the worker (not the thread)
until `done`. Workers make their own Service on the shared Store (an SQLAlchemy engine is
thread-safe, sessions are not), and suggestions are written by the runner's single writer
thread, so the window's own session is never touched from here. spaCy is imported inside
`work`, on the worker's thread: opening the window never waits for it.
"""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import QObject, QThread, Signal, Slot

from models.errors import DomainError


class JobWorker(QObject):
    """Subclasses define `work() -> report`; `run` calls it on the worker's thread."""

    progress = Signal(int, int)  # done, total
    finished = Signal(object)  # the job's report
    failed = Signal(str)  # a one-line message
    cancelled = Signal()
    done = Signal()

    def __init__(self, store, user: str):
        super().__init__()
        self.store = store
        self.user = user
        self._cancel = threading.Event()

    @Slot()
    def cancel(self) -> None:
        """Ask the job to stop at the next batch boundary (callable from any thread)."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def service(self):
        from models.service import Service

        return Service(self.store, self.user)

    @Slot()
    def run(self) -> None:
        try:
            result = self.work()
        except DomainError as exc:
            if self.is_cancelled():
                self.cancelled.emit()
            else:
                self.failed.emit(str(exc))
        except Exception as exc:  # never let a job take the window down; say what it was
            if os.environ.get("MARGINALIA_DEBUG"):
                raise
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            if self.is_cancelled() and getattr(result, "cancelled", True):
                self.cancelled.emit()
            else:
                self.finished.emit(result)
        finally:
            self.done.emit()


# Threads that are running: a QThread destroyed while it runs aborts the process, so the
# module keeps them alive until they finish, whatever the caller keeps.
_running: set[QThread] = set()


def start(worker: JobWorker, parent: QObject | None = None) -> QThread:
    """Run `worker` on a new QThread; the thread quits and both are deleted when done."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(thread.quit)
    worker.done.connect(worker.deleteLater)
    _running.add(thread)
    thread.finished.connect(lambda: _running.discard(thread))
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


def running() -> int:
    """How many worker threads are still running (the window waits for them on close)."""
    return len(_running)
