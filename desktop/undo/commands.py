"""The QUndoCommand of every edit: one command per user action, however many rows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from models.errors import DomainError
from models.operations import Operation, inverses
from models.views import Change


class EditCommand(QUndoCommand):
    """An edit already done by the controller (so the first redo is skipped). It holds
    operations: undo runs the inverses the core returned with the edit's Changes, redo the
    inverses returned with the undo's (which put rows back with their ids), each in one
    Service.run, last change first."""

    def __init__(self, text: str, service, changes: list[Change],
                 on_done: Callable[[list[Change]], None], on_error: Callable[[DomainError], None]):
        super().__init__(text)
        self.service = service
        self.undo_ops: list[Operation] = inverses(changes)
        self.redo_ops: list[Operation] = []
        self._on_done, self._on_error = on_done, on_error
        self._first = True

    def redo(self) -> None:
        if self._first:  # the controller already stored it
            self._first = False
            return
        changes = self._run(self.redo_ops)
        if changes is not None:
            self.undo_ops = inverses(changes)

    def undo(self) -> None:
        changes = self._run(self.undo_ops)
        if changes is not None:
            self.redo_ops = inverses(changes)

    def _run(self, operations: list[Operation]) -> list[Change] | None:
        try:
            changes = self.service.run(operations)
        except DomainError as exc:
            # Someone else changed these labels meanwhile: nothing was stored; say so and
            # drop the command so the stack stays truthful.
            self.setObsolete(True)
            self._on_error(exc)
            return None
        self._on_done(changes)  # the window patches its layer from what was stored
        return changes
