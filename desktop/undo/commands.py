"""The QUndoCommand of every edit: one command per user action, however many rows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from desktop.undo.steps import Step, steps_for
from models.errors import DomainError
from models.views import Change


class EditCommand(QUndoCommand):
    """An edit already done by the controller (so the first redo is skipped); undo and redo
    run the steps' inverse/forward operations in one Service.batch."""

    def __init__(self, text: str, service, changes: list[Change],
                 on_done: Callable[[list[Change]], None], on_error: Callable[[DomainError], None]):
        super().__init__(text)
        self.service = service
        self.steps: list[Step] = [st for ch in changes for st in steps_for(ch)]
        self._on_done, self._on_error = on_done, on_error
        self._first = True

    def redo(self) -> None:
        if self._first:  # the controller already stored it
            self._first = False
            return
        self._run([st.redo_op() for st in self.steps], self.steps, "redone")

    def undo(self) -> None:
        steps = list(reversed(self.steps))
        self._run([st.undo_op() for st in steps], steps, "undone")

    def _run(self, ops, steps, hook: str) -> None:
        try:
            changes = self.service.batch(ops)
        except DomainError as exc:
            # Someone else changed these labels meanwhile: nothing was stored; say so and
            # drop the command so the stack stays truthful.
            self.setObsolete(True)
            self._on_error(exc)
            return
        for st, ch in zip(steps, changes):
            getattr(st, hook)(ch)
        self._on_done(changes)  # the window patches its layer from what was stored
