"""Bulk label changes planned from search results, stored as one undoable step.

The one place the window sends a search's plan to the Service: one Service.run (one
transaction: all stored or none), run in the background, then one undo command."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from desktop.jobs import Jobs
from desktop.workspace import Workspace
from models.services.search import Plan


class BulkLabeler(QObject):
    def __init__(self, ws: Workspace, jobs: Jobs, edits, parent=None):
        super().__init__(parent)
        self.ws, self.jobs, self.edits = ws, jobs, edits

    def apply(self, plan: Plan, text: str, done: Callable[[list], None] | None = None) -> bool:
        if not plan.operations:
            self.ws.say("nothing to change")
            return False
        svc, ops = self.ws.service, list(plan.operations)

        def work(state):
            state.progress(0, 1, f"storing {len(ops)} change(s)")
            return svc.run(ops)

        def stored(changes) -> None:
            self.edits.commit(text, changes)  # one undo step, whatever documents it touched
            self.ws.refresh_documents()
            if done:
                done(changes)

        return self.jobs.start(text, work, stored)
