"""The lower half of a job dialog: progress, Cancel while it runs, then the report.

The job itself runs through the window's Jobs (a worker thread, shown in the status bar
too); this panel mirrors its progress and ends with the report lines of the use case."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar, QPushButton, \
    QVBoxLayout, QWidget

from desktop.jobs import Cancelled, Jobs


class JobPanel(QWidget):
    def __init__(self, jobs: Jobs, parent=None):
        super().__init__(parent)
        self.jobs = jobs
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.cancel = QPushButton("Cancel")
        self.cancel.setObjectName("cancel")
        self.cancel.clicked.connect(jobs.cancel)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setObjectName("report")
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.report.setMinimumHeight(120)
        lay.addWidget(self.report, 1)
        self.running = False
        self._idle()

    def _idle(self) -> None:
        self.bar.setVisible(False)
        self.cancel.setVisible(False)

    def started(self, what: str) -> None:
        self.running = True
        self.report.clear()
        self.status.setText(what)
        self.bar.setRange(0, 0)
        self.bar.setVisible(True)
        self.cancel.setVisible(True)
        self.jobs.progressed.connect(self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(min(done, max(total, 1)))
        self.bar.setFormat(f"{text} %v/%m" if text else "%v/%m")

    def finished(self, headline: str, lines: list[str]) -> None:
        self._stop()
        self.status.setText(headline)
        self.report.setPlainText("\n".join(lines))

    def failed(self, exc: BaseException, cancelled_text: str) -> None:
        self._stop()
        if isinstance(exc, Cancelled):
            self.status.setText(cancelled_text)
        else:
            self.status.setText(f"⚠ {exc}")
        self.report.setPlainText(self.status.text())

    def _stop(self) -> None:
        self.running = False
        try:
            self.jobs.progressed.disconnect(self._progress)
        except (RuntimeError, TypeError):
            pass
        self._idle()
