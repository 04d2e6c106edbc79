"""Import files or folders dropped on the window (or chosen in File > Import) as a job."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from desktop.jobs import Jobs, JobState
from desktop.workspace import Workspace
from models.errors import FormatError


class ImportController(QObject):
    def __init__(self, ws: Workspace, jobs: Jobs, parent=None):
        super().__init__(parent)
        self.ws, self.jobs = ws, jobs
        self.last_report = None

    def import_paths(self, paths: list[str | Path]) -> bool:
        from exports.collect import expand, read_all

        svc, project = self.ws.service, self.ws.project_name
        try:
            pairs = expand([Path(p) for p in paths])
        except FormatError as exc:
            self.ws.say(str(exc), error=True)
            return False
        if not pairs:
            self.ws.say("nothing to import: no files of a known format there", error=True)
            return False

        def work(state: JobState):
            records = []
            for i, pair in enumerate(pairs):
                state.progress(i, len(pairs), f"reading {i + 1}/{len(pairs)}")
                records.extend(read_all([pair]))
            total = len(records)
            return svc.import_records(project, records, progress=lambda n: state.progress(
                n, total, f"storing {n}/{total}"))

        names = ", ".join(Path(p).name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        return self.jobs.start(f"Importing {names}", work, self._done)

    def _done(self, report) -> None:
        self.last_report = report
        self.ws.refresh_documents()
        added = f"; schema grew: {', '.join(report.labels_added)}" if report.labels_added else ""
        self.ws.say(f"imported {report.documents_added} document(s) "
                    f"({report.documents_existing} already there), {report.spans} spans, "
                    f"{report.relations} relations, {report.events} events{added}")
        if self.ws.view is None and self.ws.documents:
            self.ws.open_document(self.ws.documents[0].id)
