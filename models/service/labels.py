"""Label edits: each runs one typed operation (models/operations.py); its Change
carries the exact inverse, which undo runs."""

from __future__ import annotations

from models import operations as ops
from models.views import Change
from models.service.base import _op


class LabelsFacade:
    # ---- labels: each runs one typed operation, its Change carries the exact inverse ----------
    create_span = _op(ops.CreateSpan.call)
    relabel_span = _op(ops.RelabelSpan.call)
    resize_span = _op(ops.ResizeSpan.call)
    delete_span = _op(ops.DeleteSpan.call)
    set_kb_id = _op(ops.SetKbId.call)
    set_note = _op(ops.SetNote.call)
    set_attribute = _op(ops.SetAttribute.call)
    set_state = _op(ops.SetState.call)
    accept = _op(ops.Accept.call)
    reject = _op(ops.Reject.call)
    restore = _op(ops.Restore.call)
    create_relation = _op(ops.CreateRelation.call)
    relabel_relation = _op(ops.RelabelRelation.call)
    delete_relation = _op(ops.DeleteRelation.call)
    create_event = _op(ops.CreateEvent.call)
    create_event_at = _op(ops.CreateEventAt.call)
    delete_event = _op(ops.DeleteEvent.call)
    add_argument = _op(ops.AddArgument.call)
    remove_argument = _op(ops.RemoveArgument.call)
    restore_argument = _op(ops.RestoreArgument.call)
    # document categories (accept/reject: set_state, accept, reject with kind "category")
    set_category = _op(ops.SetCategory.call)
    toggle_category = _op(ops.ToggleCategory.call)
    update_category = _op(ops.UpdateCategory.call)
    delete_category = _op(ops.DeleteCategory.call)
    restore_category = _op(ops.RestoreCategory.call)

    def run(self, operations: list[ops.Operation]) -> list[Change]:
        """Several operations in one unit of work: all stored, or none (bulk actions, undo
        and redo). Each Change carries its inverse."""
        return self._run(operations)
