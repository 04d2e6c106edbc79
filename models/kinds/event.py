"""The event kind (with its arguments): fields, ORM row <-> dict <-> EventView and
ArgumentView, its patch of an open layer, and the rows an undo of its delete needs."""

from __future__ import annotations

from bisect import insort
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.kinds.base import NeedsReload, Patch, row_dict, undo_fields
from models.orm import Event, EventArgument
from models.views import ArgumentView, Change, EventView

NAME, TABLE, MODEL = "event", "events", Event
FIELDS = ("id", "layer_id", "trigger_id", "type", "attributes", "source", "suggester",
          "state", "score", "version")
ARG_FIELDS = ("id", "event_id", "role", "span_id", "target_event_id")
# what only an undo of a delete needs (the view shows none of it): what a format said that
# has no column (brat's notes on an event)
UNDO_FIELDS = ("extra",)


def to_dict(row: Event) -> dict[str, Any]:
    return row_dict(row, FIELDS)


def argument_dict(row: EventArgument) -> dict[str, Any]:
    return row_dict(row, ARG_FIELDS)


def to_restore(row: Event) -> dict[str, Any]:
    """The row as a delete keeps it, to be restored as it was."""
    return {**to_dict(row), **undo_fields(row, UNDO_FIELDS)}


def with_arguments(s: Session, ev: Event, *, restore: bool = False) -> dict[str, Any]:
    """An event and its own arguments: a create Change's `after`, or with `restore` what a
    delete keeps to put it back."""
    args = s.scalars(select(EventArgument).where(EventArgument.event_id == ev.id)
                     .order_by(EventArgument.id)).all()
    return {"event": to_restore(ev) if restore else to_dict(ev),
            "arguments": [argument_dict(a) for a in args]}


def delete_rows(s: Session, ev: Event) -> dict[str, Any]:
    """A delete Change's `before`: the event, its arguments and the arguments of other
    events that point at it (the database cascades those away)."""
    rows = with_arguments(s, ev, restore=True)
    rows["arguments"] += [argument_dict(a) for a in s.scalars(
        select(EventArgument).where(EventArgument.target_event_id == ev.id))]
    return rows


def to_view(d: dict[str, Any], arguments: tuple[ArgumentView, ...]) -> EventView:
    return EventView(d["id"], d["trigger_id"], d["type"], arguments,
                     dict(d.get("attributes") or {}), d["state"], d["source"], d["suggester"],
                     d["score"], d["version"])


def argument_view(d: dict[str, Any]) -> ArgumentView:
    return ArgumentView(d["id"], d["role"], d["span_id"], d["target_event_id"])


def from_dict(d: dict[str, Any]) -> Event:
    return Event(**d)


def argument_from_dict(d: dict[str, Any]) -> EventArgument:
    return EventArgument(**d)


# ---- patch of an open LayerView ----------------------------------------------------------------

def add(p: Patch, d: dict[str, Any], args: list[dict[str, Any]]) -> None:
    p.own(d)
    if any(e.id == d["id"] for e in p.events):
        raise NeedsReload(f"event {d['id']} is already in the view")
    own = tuple(argument_view(a) for a in sorted(args, key=lambda a: a["id"])
                if a["event_id"] == d["id"])
    insort(p.events, to_view(d, own), key=lambda e: e.id)


def drop(p: Patch, ids: set[int]) -> None:
    if ids:
        p.events = [e for e in p.events if e.id not in ids]


def drop_arguments(p: Patch, ids: set[int]) -> None:
    if not ids:
        return
    out = []
    for e in p.events:
        if any(a.id in ids for a in e.arguments):
            e = replace(e, arguments=tuple(a for a in e.arguments if a.id not in ids))
        out.append(e)
    p.events = out


def add_argument(p: Patch, d: dict[str, Any]) -> None:
    i = p.index_of(p.events, d["event_id"])
    ev = p.events[i]
    if any(a.id == d["id"] for a in ev.arguments):
        raise NeedsReload(f"argument {d['id']} is already in the view")
    args = sorted((*ev.arguments, argument_view(d)), key=lambda a: a.id)
    p.events[i] = replace(ev, arguments=tuple(args))


def patch(p: Patch, ch: Change) -> None:
    if ch.action == "create":
        p.own(ch.after["event"])
        add(p, ch.after["event"], ch.after["arguments"])
    elif ch.action == "update":
        p.own(ch.after)
        i = p.index_of(p.events, ch.id)
        p.events[i] = to_view(ch.after, p.events[i].arguments)
    elif ch.action == "delete":
        p.own(ch.before["event"])
        p.index_of(p.events, ch.id)  # must be there
        drop(p, {ch.id})
        drop_arguments(p, {a["id"] for a in ch.before.get("arguments", ())})
    else:
        raise NeedsReload(f"no patch for {ch.action} event")


def patch_argument(p: Patch, ch: Change) -> None:
    if ch.action in ("create", "restore"):
        add_argument(p, ch.after)
    elif ch.action == "delete":
        i = p.index_of(p.events, ch.before["event_id"])
        ev = p.events[i]
        args = tuple(a for a in ev.arguments if a.id != ch.id)
        if len(args) == len(ev.arguments):
            raise NeedsReload(f"argument {ch.id} is not in the view")
        p.events[i] = replace(ev, arguments=args)
    else:
        raise NeedsReload(f"no patch for {ch.action} argument")
