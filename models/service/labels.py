"""Label edits: each runs one typed operation (models/operations.py); its Change
carries the exact inverse, which undo runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.service.base import _lazy_op

if TYPE_CHECKING:
    from models.operations import Operation
    from models.views import Change


class LabelsFacade:
    # ---- labels: each runs one typed operation, its Change carries the exact inverse ----------
    create_span = _lazy_op("models.operations:CreateSpan.call")
    relabel_span = _lazy_op("models.operations:RelabelSpan.call")
    resize_span = _lazy_op("models.operations:ResizeSpan.call")
    delete_span = _lazy_op("models.operations:DeleteSpan.call")
    set_kb_id = _lazy_op("models.operations:SetKbId.call")
    set_note = _lazy_op("models.operations:SetNote.call")
    set_attribute = _lazy_op("models.operations:SetAttribute.call")
    set_state = _lazy_op("models.operations:SetState.call")
    accept = _lazy_op("models.operations:Accept.call")
    reject = _lazy_op("models.operations:Reject.call")
    restore = _lazy_op("models.operations:Restore.call")
    create_relation = _lazy_op("models.operations:CreateRelation.call")
    relabel_relation = _lazy_op("models.operations:RelabelRelation.call")
    delete_relation = _lazy_op("models.operations:DeleteRelation.call")
    create_event = _lazy_op("models.operations:CreateEvent.call")
    create_event_at = _lazy_op("models.operations:CreateEventAt.call")
    delete_event = _lazy_op("models.operations:DeleteEvent.call")
    add_argument = _lazy_op("models.operations:AddArgument.call")
    remove_argument = _lazy_op("models.operations:RemoveArgument.call")
    restore_argument = _lazy_op("models.operations:RestoreArgument.call")
    # document categories (accept/reject: set_state, accept, reject with kind "category")
    set_category = _lazy_op("models.operations:SetCategory.call")
    toggle_category = _lazy_op("models.operations:ToggleCategory.call")
    update_category = _lazy_op("models.operations:UpdateCategory.call")
    delete_category = _lazy_op("models.operations:DeleteCategory.call")
    restore_category = _lazy_op("models.operations:RestoreCategory.call")

    def run(self, operations: list[Operation]) -> list[Change]:
        """Several operations in one unit of work: all stored, or none (bulk actions, undo
        and redo). Each Change carries its inverse."""
        return self._run(operations)
