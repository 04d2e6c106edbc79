"""The relation kind: its fields, ORM row <-> dict <-> RelationView and its patch of an open
layer. A relation hangs on two spans; deleting either takes it along (see kinds.span)."""

from __future__ import annotations

from bisect import insort
from typing import Any

from models.kinds.base import NeedsReload, Patch, row_dict, undo_fields
from models.orm import Relation
from models.views import Change, RelationView

NAME, TABLE, MODEL = "relation", "relations", Relation
FIELDS = ("id", "layer_id", "head_id", "tail_id", "label", "source", "suggester", "state",
          "score", "version")


# what only an undo of a delete needs: the imported task, what a format said
UNDO_FIELDS = ("task_id", "extra")


def to_dict(row: Relation) -> dict[str, Any]:
    return row_dict(row, FIELDS)


def to_restore(row: Relation) -> dict[str, Any]:
    """The row as a delete keeps it, to be restored as it was."""
    return {**to_dict(row), **undo_fields(row, UNDO_FIELDS)}


def to_view(d: dict[str, Any]) -> RelationView:
    return RelationView(d["id"], d["head_id"], d["tail_id"], d["label"], d["state"],
                        d["source"], d["suggester"], d["score"], d["version"])


def from_dict(d: dict[str, Any]) -> Relation:
    return Relation(**d)


def delete_rows(row: Relation) -> dict[str, Any]:
    """A delete Change's `before`: nothing hangs on a relation."""
    return {"relation": to_restore(row)}


# ---- patch of an open LayerView ----------------------------------------------------------------

def add(p: Patch, d: dict[str, Any]) -> None:
    p.own(d)
    if any(r.id == d["id"] for r in p.relations):
        raise NeedsReload(f"relation {d['id']} is already in the view")
    insort(p.relations, to_view(d), key=lambda r: r.id)


def drop(p: Patch, ids: set[int], strict: bool = False) -> None:
    if not ids:
        return
    kept = [r for r in p.relations if r.id not in ids]
    if strict and len(kept) != len(p.relations) - len(ids):
        raise NeedsReload("a deleted relation was not in the view")
    p.relations = kept


def patch(p: Patch, ch: Change) -> None:
    if ch.action == "create":
        add(p, ch.after)
    elif ch.action == "update":
        p.own(ch.after)
        p.relations[p.index_of(p.relations, ch.id)] = to_view(ch.after)
    elif ch.action == "delete":
        drop(p, {ch.id}, strict=True)
    else:
        raise NeedsReload(f"no patch for {ch.action} relation")
