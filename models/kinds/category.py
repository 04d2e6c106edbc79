"""The document-category kind: a category of the whole document in one layer. Its fields,
ORM row <-> dict <-> CategoryView and its patch of an open layer. Nothing hangs on a
category: a delete takes the row alone, and its restore puts that row back."""

from __future__ import annotations

from typing import Any

from models.kinds.base import NeedsReload, Patch, row_dict, undo_fields
from models.orm import DocumentCategory
from models.views import CategoryView, Change

NAME, TABLE, MODEL = "category", "document_categories", DocumentCategory
FIELDS = ("id", "layer_id", "category", "source", "suggester", "state", "score", "version")
# what only an undo of a delete needs: the imported task it came with, what a format said
UNDO_FIELDS = ("task_id", "extra")


def to_dict(row: DocumentCategory) -> dict[str, Any]:
    return row_dict(row, FIELDS)


def to_view(d: dict[str, Any]) -> CategoryView:
    return CategoryView(d["id"], d["category"], d["state"], d["source"], d["suggester"],
                        d["score"], d["version"])


def from_dict(d: dict[str, Any]) -> DocumentCategory:
    return DocumentCategory(**d)


def delete_rows(row: DocumentCategory) -> dict[str, Any]:
    """A delete Change's `before` (Restore's rows)."""
    return {"category": {**to_dict(row), **undo_fields(row, UNDO_FIELDS)}}


# ---- patch of an open LayerView ----------------------------------------------------------------

def _sort(p: Patch) -> None:
    p.categories.sort(key=lambda c: c.id)  # load_layer's order


def add(p: Patch, d: dict[str, Any]) -> None:
    p.own(d)
    if any(c.id == d["id"] or c.category == d["category"] for c in p.categories):
        raise NeedsReload(f"category {d['category']} is already in the view")
    p.categories.append(to_view(d))
    _sort(p)


def patch(p: Patch, ch: Change) -> None:
    if ch.action == "create":
        add(p, ch.after)
    elif ch.action == "update":
        p.own(ch.after)
        p.categories[p.index_of(p.categories, ch.id)] = to_view(ch.after)
    elif ch.action == "delete":
        p.own(ch.before["category"])
        del p.categories[p.index_of(p.categories, ch.id)]
    elif ch.action == "restore":
        add(p, ch.after["category"])
    else:
        raise NeedsReload(f"no patch for {ch.action} category")
