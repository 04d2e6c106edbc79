"""Typed operations: one small frozen dataclass per label (and workflow) operation.

`op.apply(session, actor)` runs the service function and returns its Change with
`change.inverse` set: the operation that undoes it exactly, built here from the rows the
Change carries (the core knows them; the window does not work them out). A create's inverse
deletes; a delete's inverse restores every row it took, with their ids; an update's inverse
sets the changed fields back (a resize: start, end and the fragments of a discontinuous
span). Running an inverse returns the inverse's inverse, so undo and redo alternate forever.
Service.run(ops) runs several in one unit of work (all or nothing).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import KW_ONLY, dataclass
from typing import Any

from sqlalchemy.orm import Session

from models import rules
from models.services import categories, labels, layers
from models.services.context import Actor
from models.views import Change


class Operation(ABC):
    @abstractmethod
    def apply(self, s: Session, actor: Actor) -> Change:
        """Run in the caller's unit of work; the Change carries the exact inverse."""

    @classmethod
    def call(cls, s: Session, actor: Actor, *args, **kwargs) -> Change:
        """The operation as a service function fn(session, actor, ...), for the facade."""
        return cls(*args, **kwargs).apply(s, actor)


def inverses(changes: list[Change]) -> list[Operation]:
    """What undoes `changes` (the result of one run): their inverses, last change first."""
    return [ch.inverse for ch in reversed(changes) if ch.inverse is not None]


def _undo(change: Change, op: Operation | None) -> Change:
    change.inverse = op
    return change


def _old(change: Change, keys) -> dict[str, Any]:
    """The values `keys` had before an update (the update's inverse sets them back)."""
    return {k: change.before[k] for k in keys}


def _state_inverse(kind: str, change: Change) -> Operation:
    b, a = change.before, change.after
    label = b["label"] if kind != "event" and b.get("label") != a.get("label") else None
    back = SetState(kind, change.id, b["state"], label=label)
    if not change.children:
        return back
    # a rejected trigger took its events along: the trigger goes back first, as an event
    # is accepted again only once its trigger is not rejected
    return Several((back, *(_state_inverse("event", ch) for ch in change.children)))


@dataclass(frozen=True)
class Several(Operation):
    """Operations that undo as one: the first one's Change, with the others' Changes as
    its children; the inverse is the inverses in reverse order."""

    ops: tuple

    def __post_init__(self):
        if not self.ops:
            raise ValueError("Several needs at least one operation")

    def apply(self, s, actor):
        changes = [op.apply(s, actor) for op in self.ops]
        undo = tuple(ch.inverse for ch in reversed(changes) if ch.inverse is not None)
        first = changes[0]
        first.children.extend(changes[1:])
        return _undo(first, Several(undo) if undo else None)


# ---- spans -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateSpan(Operation):
    document_id: int
    start: int
    end: int
    label: str
    _: KW_ONLY
    layer: str | None = None
    source: str = "manual"
    state: str = "accepted"
    score: float | None = None
    suggester: str | None = None
    attributes: dict | None = None
    kb_id: str | None = None
    fragments: list | None = None
    note: str | None = None

    def apply(self, s, actor):
        ch = labels.create_span(
            s, actor, self.document_id, self.start, self.end, self.label, layer=self.layer,
            source=self.source, state=self.state, score=self.score, suggester=self.suggester,
            attributes=self.attributes, kb_id=self.kb_id, fragments=self.fragments,
            note=self.note)
        return _undo(ch, DeleteSpan(ch.id))


@dataclass(frozen=True)
class UpdateSpan(Operation):
    """Set fields of a span: the inverse of every span edit that is not a state change."""

    span_id: int
    fields: dict[str, Any]
    action: str = "update"  # the audit trail's action
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.update_span(s, actor, self.span_id, dict(self.fields), self.action,
                                expected_version=self.expected_version)
        return _undo(ch, UpdateSpan(self.span_id, _old(ch, self.fields), self.action))


def _span_update(ch: Change, action: str, keys) -> Change:
    return _undo(ch, UpdateSpan(ch.id, _old(ch, keys), action))


@dataclass(frozen=True)
class RelabelSpan(Operation):
    span_id: int
    label: str
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.relabel_span(s, actor, self.span_id, self.label,
                                 expected_version=self.expected_version)
        return _span_update(ch, "relabel", ("label",))


@dataclass(frozen=True)
class ResizeSpan(Operation):
    """New bounds; a discontinuous span becomes continuous (its inverse gives the
    fragments back)."""

    span_id: int
    start: int
    end: int
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.resize_span(s, actor, self.span_id, self.start, self.end,
                                expected_version=self.expected_version)
        return _span_update(ch, "resize", ("start", "end", "fragments"))


@dataclass(frozen=True)
class SetKbId(Operation):
    span_id: int
    kb_id: str | None
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.set_kb_id(s, actor, self.span_id, self.kb_id,
                              expected_version=self.expected_version)
        return _span_update(ch, "set_kb_id", ("kb_id",))


@dataclass(frozen=True)
class SetNote(Operation):
    span_id: int
    note: str | None
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.set_note(s, actor, self.span_id, self.note,
                             expected_version=self.expected_version)
        return _span_update(ch, "set_note", ("note",))


@dataclass(frozen=True)
class DeleteSpan(Operation):
    span_id: int
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.delete_span(s, actor, self.span_id, expected_version=self.expected_version)
        return _undo(ch, Restore(ch.before))


@dataclass(frozen=True)
class Restore(Operation):
    """Put back the rows a delete of a span, relation or event took, with their ids."""

    rows: dict[str, Any]

    def apply(self, s, actor):
        ch = labels.restore(s, actor, self.rows)
        delete = {"span": DeleteSpan, "relation": DeleteRelation, "event": DeleteEvent}
        return _undo(ch, delete[ch.kind](ch.id))


# ---- attributes and review states (spans, relations, events) --------------------------------

@dataclass(frozen=True)
class SetAttribute(Operation):
    """Set (value None: remove) an attribute of a span or an event."""

    kind: str
    row_id: int
    name: str
    value: Any
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.set_attribute(s, actor, self.kind, self.row_id, self.name, self.value,
                                  expected_version=self.expected_version)
        update = UpdateSpan if self.kind == "span" else UpdateEvent
        return _undo(ch, update(ch.id, _old(ch, ("attributes",)), "set_attribute"))


@dataclass(frozen=True)
class SetState(Operation):
    """Accept, reject or put back a suggestion (kind span|relation|event|category), maybe
    with another label."""

    kind: str
    row_id: int
    state: str
    _: KW_ONLY
    label: str | None = None
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.set_state(s, actor, self.kind, self.row_id, self.state, label=self.label,
                              expected_version=self.expected_version)
        return _undo(ch, _state_inverse(self.kind, ch))


@dataclass(frozen=True)
class Accept(Operation):
    kind: str
    row_id: int
    _: KW_ONLY
    label: str | None = None
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.accept(s, actor, self.kind, self.row_id, label=self.label,
                           expected_version=self.expected_version)
        return _undo(ch, _state_inverse(self.kind, ch))


@dataclass(frozen=True)
class Reject(Operation):
    kind: str
    row_id: int
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.reject(s, actor, self.kind, self.row_id,
                           expected_version=self.expected_version)
        return _undo(ch, _state_inverse(self.kind, ch))


# ---- relations -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CreateRelation(Operation):
    head_id: int
    tail_id: int
    label: str
    _: KW_ONLY
    source: str = "manual"
    state: str = "accepted"
    score: float | None = None
    suggester: str | None = None

    def apply(self, s, actor):
        ch = labels.create_relation(s, actor, self.head_id, self.tail_id, self.label,
                                    source=self.source, state=self.state, score=self.score,
                                    suggester=self.suggester)
        return _undo(ch, DeleteRelation(ch.id))


@dataclass(frozen=True)
class UpdateRelation(Operation):
    relation_id: int
    fields: dict[str, Any]
    action: str = "update"
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.update_relation(s, actor, self.relation_id, dict(self.fields),
                                    self.action, expected_version=self.expected_version)
        return _undo(ch, UpdateRelation(self.relation_id, _old(ch, self.fields), self.action))


@dataclass(frozen=True)
class RelabelRelation(Operation):
    relation_id: int
    label: str
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.relabel_relation(s, actor, self.relation_id, self.label,
                                     expected_version=self.expected_version)
        return _undo(ch, UpdateRelation(ch.id, _old(ch, ("label",)), "relabel"))


@dataclass(frozen=True)
class DeleteRelation(Operation):
    relation_id: int
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.delete_relation(s, actor, self.relation_id,
                                    expected_version=self.expected_version)
        return _undo(ch, Restore(ch.before))


# ---- events and their arguments ----------------------------------------------------------------

@dataclass(frozen=True)
class CreateEvent(Operation):
    trigger_id: int
    type: str
    _: KW_ONLY
    arguments: tuple = ()  # (role, span_id, target_event_id)
    source: str = "manual"
    state: str = "accepted"
    score: float | None = None
    suggester: str | None = None

    def apply(self, s, actor):
        ch = labels.create_event(s, actor, self.trigger_id, self.type,
                                 arguments=self.arguments, source=self.source,
                                 state=self.state, score=self.score, suggester=self.suggester)
        return _undo(ch, DeleteEvent(ch.id))


@dataclass(frozen=True)
class CreateEventAt(Operation):
    """A trigger span labeled with the event type, and the event on it."""

    document_id: int
    start: int
    end: int
    type: str
    _: KW_ONLY
    layer: str | None = None
    arguments: tuple = ()
    source: str = "manual"
    state: str = "accepted"
    score: float | None = None
    suggester: str | None = None

    def apply(self, s, actor):
        ch = labels.create_event_at(s, actor, self.document_id, self.start, self.end,
                                    self.type, layer=self.layer, arguments=self.arguments,
                                    source=self.source, state=self.state, score=self.score,
                                    suggester=self.suggester)
        # deleting the trigger takes the event along; restoring it brings both back
        return _undo(ch, DeleteSpan(ch.children[0].id))


@dataclass(frozen=True)
class UpdateEvent(Operation):
    event_id: int
    fields: dict[str, Any]
    action: str = "update"
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.update_event(s, actor, self.event_id, dict(self.fields), self.action,
                                 expected_version=self.expected_version)
        return _undo(ch, UpdateEvent(self.event_id, _old(ch, self.fields), self.action))


@dataclass(frozen=True)
class DeleteEvent(Operation):
    event_id: int
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = labels.delete_event(s, actor, self.event_id,
                                 expected_version=self.expected_version)
        return _undo(ch, Restore(ch.before))


@dataclass(frozen=True)
class AddArgument(Operation):
    event_id: int
    role: str
    _: KW_ONLY
    span_id: int | None = None
    target_event_id: int | None = None

    def apply(self, s, actor):
        ch = labels.add_argument(s, actor, self.event_id, self.role, span_id=self.span_id,
                                 target_event_id=self.target_event_id)
        return _undo(ch, RemoveArgument(ch.id))


@dataclass(frozen=True)
class RemoveArgument(Operation):
    argument_id: int

    def apply(self, s, actor):
        ch = labels.remove_argument(s, actor, self.argument_id)
        return _undo(ch, RestoreArgument(ch.before))


@dataclass(frozen=True)
class RestoreArgument(Operation):
    row: dict[str, Any]

    def apply(self, s, actor):
        ch = labels.restore_argument(s, actor, self.row)
        return _undo(ch, RemoveArgument(ch.id))


# ---- document categories ------------------------------------------------------------------------

@dataclass(frozen=True)
class SetCategory(Operation):
    """Give the document a category in a state (default accepted) in the layer: a new row,
    or the state of the one there (models/services/categories.set_category)."""

    document_id: int
    category: str
    _: KW_ONLY
    layer: str | None = None
    state: str = "accepted"
    source: str = "manual"
    score: float | None = None
    suggester: str | None = None

    def apply(self, s, actor):
        ch = categories.set_category(s, actor, self.document_id, self.category,
                                     layer=self.layer, state=self.state, source=self.source,
                                     score=self.score, suggester=self.suggester)
        if ch.action == "create":
            return _undo(ch, DeleteCategory(ch.id))
        return _undo(ch, UpdateCategory(ch.id, _old(ch, ("state",)),
                                        categories.STATE_ACTIONS[ch.before["state"]]))


@dataclass(frozen=True)
class UpdateCategory(Operation):
    category_id: int
    fields: dict[str, Any]
    action: str = "update"
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = categories.update_category(s, actor, self.category_id, dict(self.fields),
                                        self.action, expected_version=self.expected_version)
        return _undo(ch, UpdateCategory(self.category_id, _old(ch, self.fields),
                                        self.action))


@dataclass(frozen=True)
class DeleteCategory(Operation):
    category_id: int
    _: KW_ONLY
    expected_version: int | None = None

    def apply(self, s, actor):
        ch = categories.delete_category(s, actor, self.category_id,
                                        expected_version=self.expected_version)
        return _undo(ch, RestoreCategory(ch.before))


@dataclass(frozen=True)
class RestoreCategory(Operation):
    rows: dict[str, Any]  # a delete Change's `before`: {"category": row}

    def apply(self, s, actor):
        ch = categories.restore_category(s, actor, self.rows)
        return _undo(ch, DeleteCategory(ch.id))


def _take_off(row) -> Operation:
    """A category off the document: deleted when a person gave it, rejected otherwise."""
    if categories.removal(row) == "delete":
        return DeleteCategory(row.id)
    return SetState("category", row.id, "rejected")


@dataclass(frozen=True)
class ToggleCategory(Operation):
    """What a category's key or chip does: an accepted category comes off the document;
    any other is accepted, and in an exclusive group the one accepted before comes off
    first (one of). Undoes as one."""

    document_id: int
    category: str
    _: KW_ONLY
    layer: str | None = None

    def apply(self, s, actor):
        from models.services.layers import doc_info, shared_schema

        schema = shared_schema(s, doc_info(s, self.document_id).project_id)
        rules.check_category(schema, self.category)
        name = self.layer or actor.name
        lay = layers.find_layer(s, self.document_id, name)
        rows = categories.categories_of(s, lay.id) if lay is not None else []
        mine = next((r for r in rows if r.category == self.category), None)
        if mine is not None and mine.state == "accepted":
            return _take_off(mine).apply(s, actor)
        group = schema.category_group(self.category)
        steps: list[Operation] = []
        if group.exclusive:
            steps += [_take_off(r) for r in rows if r.state == "accepted"
                      and r.category != self.category and r.category in group.names]
        steps.append(SetCategory(self.document_id, self.category, layer=self.layer))
        return steps[0].apply(s, actor) if len(steps) == 1 else Several(tuple(steps)).apply(
            s, actor)


# ---- the document workflow ---------------------------------------------------------------------

@dataclass(frozen=True)
class SetStatus(Operation):
    """A layer's status; a comment given with it stays when the status is undone (comments
    are a conversation, not labels)."""

    document_id: int
    status: str
    _: KW_ONLY
    layer: str | None = None
    comment: str | None = None
    said_why: bool = False  # a return's comment was given with another layer's status

    def apply(self, s, actor):
        ch = layers.set_status(s, actor, self.document_id, self.status, layer=self.layer,
                               comment=self.comment, said_why=self.said_why)
        return _undo(ch, SetStatus(self.document_id, ch.before["status"],
                                   layer=self.layer or actor.name))
