"""One undoable step per Change the service returned, as service operations.

Each step yields a service operation (name, args, kwargs) for undo and for redo, so a bulk
action of many steps runs as ONE Service.batch (one transaction, one undo step). Rows that
an undo deletes are put back by Service.restore with their ids, so later steps that name
them stay valid.
"""

from __future__ import annotations

from typing import Any

from models.views import Change

Op = tuple[str, tuple, dict]

_DELETE = {"span": "delete_span", "relation": "delete_relation", "event": "delete_event",
           "argument": "remove_argument"}
_RESTORE = {"span": "restore", "relation": "restore", "event": "restore",
            "argument": "restore_argument"}


class Step:
    def undo_op(self) -> Op: ...
    def redo_op(self) -> Op: ...
    def undone(self, change: Change) -> None: ...
    def redone(self, change: Change) -> None: ...


class Created(Step):
    """A row the edit created: undo deletes it (keeping what restore needs)."""

    def __init__(self, kind: str, row_id: int):
        self.kind, self.id, self.before = kind, row_id, None

    def undo_op(self) -> Op:
        return _DELETE[self.kind], (self.id,), {}

    def undone(self, change: Change) -> None:
        self.before = change.before

    def redo_op(self) -> Op:
        return _RESTORE[self.kind], (self.before,), {}


class Deleted(Step):
    """A row the edit deleted (with its dependents): undo restores it."""

    def __init__(self, kind: str, row_id: int, before: dict):
        self.kind, self.id, self.before = kind, row_id, before

    def undo_op(self) -> Op:
        return _RESTORE[self.kind], (self.before,), {}

    def redo_op(self) -> Op:
        return _DELETE[self.kind], (self.id,), {}

    def redone(self, change: Change) -> None:
        self.before = change.before


class Updated(Step):
    """Fields of a span, relation, event or layer set from one value to another."""

    def __init__(self, change: Change):
        self.kind, self.id, self.doc = change.kind, change.id, change.document_id
        b, a = change.before or {}, change.after or {}
        self.before, self.after = b, a
        self.fields = [k for k in a if k != "version" and b.get(k) != a.get(k)]

    def _op(self, values: dict[str, Any]) -> Op:
        f = set(self.fields)
        if self.kind == "layer":
            return "set_status", (self.doc, values["status"]), {}
        if "state" in f:
            label = None if self.kind == "event" else values.get("label")
            return "set_state", (self.kind, self.id, values["state"]), {"label": label}
        if self.kind == "relation":
            return "relabel_relation", (self.id, values["label"]), {}
        if {"start", "end"} & f:
            return "resize_span", (self.id, values["start"], values["end"]), {}
        if "label" in f:
            return "relabel_span", (self.id, values["label"]), {}
        if "kb_id" in f:
            return "set_kb_id", (self.id, values["kb_id"]), {}
        if "note" in f:
            return "set_note", (self.id, values["note"]), {}
        if "attributes" in f:
            old, new = self.before.get("attributes") or {}, self.after.get("attributes") or {}
            name = next(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            value = (values.get("attributes") or {}).get(name)
            return "set_attribute", (self.kind, self.id, name, value), {}
        raise ValueError(f"cannot undo a change of {self.fields}")

    def undo_op(self) -> Op:
        return self._op(self.before)

    def redo_op(self) -> Op:
        return self._op(self.after)


def steps_for(change: Change) -> list[Step]:
    """The undo steps of one Change (create_event_at's trigger span undoes the event too)."""
    if change.action == "create":
        if change.kind == "event" and change.children:
            span = next(c for c in change.children if c.kind == "span")
            return [Created("span", span.id)]
        if change.kind == "comment":
            return []
        return [Created(change.kind, change.id)]
    if change.action == "delete":
        return [Deleted(change.kind, change.id, change.before)]
    if change.action == "update":
        step = Updated(change)
        return [step] if step.fields else []  # a no-op (same value again): nothing to undo
    return []
