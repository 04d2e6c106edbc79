"""What every label kind shares: the working copy of a LayerView that an edit patches."""

from __future__ import annotations

import copy
from typing import Any

from models.views import LayerView


class NeedsReload(Exception):
    """The changes cannot be applied to this view: load the layer again."""


class Patch:
    """Mutable lists of one LayerView's rows; the kinds' patch functions edit them."""

    def __init__(self, view: LayerView):
        self.view = view
        self.spans = list(view.spans)
        self.relations = list(view.relations)
        self.events = list(view.events)
        self.categories = list(view.categories)
        self.status, self.version = view.status, view.version

    def own(self, row: dict[str, Any]) -> None:
        if row.get("layer_id") != self.view.layer_id:
            raise NeedsReload("a change in another layer")

    @staticmethod
    def index_of(rows: list, row_id: int) -> int:
        for i, r in enumerate(rows):
            if r.id == row_id:
                return i
        raise NeedsReload(f"row {row_id} is not in the view")


def row_dict(row, fields: tuple[str, ...]) -> dict[str, Any]:
    """An ORM row as the dict the audit trail, the Changes and undo carry."""
    return {f: getattr(row, f) for f in fields}


def undo_fields(row, fields: tuple[str, ...]) -> dict[str, Any]:
    """The columns only a restore needs, as JSON (a dict or list column copied)."""
    return {f: copy.deepcopy(getattr(row, f)) for f in fields}
