"""Import files or folders dropped on the window, and what every import does after it.

The import itself is the use case the CLI calls (exports.usecases.import_paths), run as a
job; File > Import... is the dialog (desktop/dialogs/import_dialog.py) over the same case."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from desktop.jobs import Jobs, JobState
from desktop.workspace import Workspace


class ImportController(QObject):
    def __init__(self, ws: Workspace, jobs: Jobs, parent=None):
        super().__init__(parent)
        self.ws, self.jobs = ws, jobs
        self.last_report = None

    def import_paths(self, paths: list[str | Path]) -> bool:
        from exports.usecases import import_paths

        svc, project = self.ws.service, self.ws.project_name

        def work(state: JobState):
            return import_paths(svc, project, list(paths), progress=state.progress)

        names = ", ".join(Path(p).name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        return self.jobs.start(f"Importing {names}", work, self.imported)

    def imported(self, outcome) -> None:
        """After an import (dropped, or from the dialog): the list, the schema, a message."""
        report = outcome.report
        self.last_report = report
        self.ws.reload_schema()
        self.ws.refresh_documents()
        added = f"; schema grew: {', '.join(report.labels_added)}" if report.labels_added else ""
        self.ws.say(f"imported {report.documents_added} document(s) "
                    f"({report.documents_existing} already there), {report.spans} spans, "
                    f"{report.relations} relations, {report.events} events"
                    + (f", {report.categories} document categories" if report.categories
                       else "") + added)
        if self.ws.view is None and self.ws.documents:
            self.ws.open_document(self.ws.documents[0].id)
