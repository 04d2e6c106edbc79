"""Bring a loaded LayerView up to date from the Changes an edit returned, without reloading.

After an edit the window used to load the whole layer again (1,000 spans: tens of ms). The
Change objects already carry every stored row (each kind's fields, the dependents a delete
took along), so the view can be patched in place of a reload; each label kind patches its
own rows (models/kinds). The result must equal what `load_layer` returns; anything this
module does not understand raises NeedsReload and the caller loads the layer instead
(tests/perf checks equality over random edit sequences).
"""

from __future__ import annotations

from dataclasses import replace

from models.kinds import KINDS, NeedsReload, Patch, restore_rows
from models.views import Change, LayerView

__all__ = ["NeedsReload", "apply_changes"]


def apply_changes(view: LayerView, changes: list[Change]) -> LayerView:
    """A new LayerView = `view` with `changes` applied (the old one is left untouched)."""
    if view.layer_id is None or view.status == "new":
        # the first edit creates the layer or moves it to in_progress (a new layer version)
        raise NeedsReload("layer created or touched for the first time")
    p = Patch(view)
    for ch in changes:
        _apply(p, ch)
    v = p.view
    return replace(v, spans=p.spans, relations=p.relations, events=p.events,
                   categories=p.categories, status=p.status, version=p.version, comments=list(v.comments),
                   meta=dict(v.meta))


def _apply(p: Patch, ch: Change) -> None:
    if ch.document_id is not None and ch.document_id != p.view.document_id:
        raise NeedsReload("a change of another document")
    kind, action = ch.kind, ch.action
    if kind == "layer" and action == "update":
        if ch.id != p.view.layer_id or ch.children:
            raise NeedsReload("another layer, or a comment with the status")
        if (ch.after or {}).get("status") != (ch.before or {}).get("status"):
            p.status = ch.after["status"]
            p.version += 1  # the layer row was updated: its version_id_col moved
        return
    if kind == "category":  # one key's changes (ToggleCategory) come as one with children
        KINDS[kind].patch(p, ch)
        for child in ch.children:
            _apply(p, child)
        return
    if kind == "event" and action == "create":
        for child in ch.children:  # create_event_at: its trigger span first
            _apply(p, child)
    elif ch.children and action != "update":
        raise NeedsReload(f"unexpected children of {action} {kind}")
    if action == "restore" and kind != "argument":
        restore_rows(p, ch.after)  # the rows of a delete, whatever kinds they are
        return
    k = KINDS.get(kind)
    if k is None:
        raise NeedsReload(f"no patch for {action} {kind}")
    k.patch(p, ch)
    if action == "update":
        for child in ch.children:  # a rejected trigger's events (labels.set_state, Several)
            _apply(p, child)
