"""Label kinds: each module owns its fields, its conversions (ORM row <-> dict <-> view),
its patch of an open LayerView and the rows an undo of its delete needs. A new kind is one
module here plus an entry in KINDS (copy models/kinds/relation.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.kinds import category, event, relation, span
from models.kinds.base import NeedsReload, Patch
from models.views import Change


@dataclass(frozen=True)
class Kind:
    name: str  # Change.kind
    table: str  # the audit trail's table_name
    fields: tuple[str, ...]  # what a Change's row dicts hold
    patch: Callable[[Patch, Change], None]  # create/update/delete Change -> open view


KINDS: dict[str, Kind] = {
    "span": Kind(span.NAME, span.TABLE, span.FIELDS, span.patch),
    "relation": Kind(relation.NAME, relation.TABLE, relation.FIELDS, relation.patch),
    "event": Kind(event.NAME, event.TABLE, event.FIELDS, event.patch),
    "argument": Kind("argument", "event_arguments", event.ARG_FIELDS, event.patch_argument),
    "category": Kind(category.NAME, category.TABLE, category.FIELDS, category.patch),
}


def restore_rows(p: Patch, rows: dict[str, Any]) -> None:
    """Put back in an open view the rows a delete took (a restore Change's `after`): the
    span, relation, event or category with their ids, and whatever hung on it."""
    if "category" in rows:
        category.add(p, rows["category"])
        return
    if "span" in rows:
        span.insert(p, rows["span"])
    events = list(rows.get("events", ())) + ([rows] if "event" in rows else [])
    for ev in events:
        event.add(p, ev["event"], [])
    for r in list(rows.get("relations", ())) + (
            [rows["relation"]] if "relation" in rows else []):
        relation.add(p, r)
    args = list(rows.get("arguments", ()))
    for ev in events:
        args += ev["arguments"]
    for a in sorted(args, key=lambda a: a["id"]):
        event.add_argument(p, a)


__all__ = ["KINDS", "Kind", "NeedsReload", "Patch", "restore_rows"]
