"""Bring a loaded LayerView up to date from the Changes an edit returned, without reloading.

After an edit the window used to load the whole layer again (1,000 spans: tens of ms). The
Change objects already carry every stored row (row_dict fields, the dependents a delete
took along), so the view can be patched in place of a reload. The result must equal what
`load_layer` returns; anything this module does not understand raises NeedsReload and the
caller loads the layer instead (tests/perf checks equality over random edit sequences).
"""

from __future__ import annotations

from bisect import insort
from dataclasses import replace
from typing import Any

from models.views import ArgumentView, Change, EventView, LayerView, RelationView, SpanView


class NeedsReload(Exception):
    """The changes cannot be applied to this view: load the layer again."""


def apply_changes(view: LayerView, changes: list[Change]) -> LayerView:
    """A new LayerView = `view` with `changes` applied (the old one is left untouched)."""
    if view.layer_id is None or view.status == "new":
        # the first edit creates the layer or moves it to in_progress (a new layer version)
        raise NeedsReload("layer created or touched for the first time")
    p = _Patch(view)
    for ch in changes:
        p.apply(ch)
    return p.result()


def _span_key(sp: SpanView) -> tuple[int, int, int]:
    return sp.start, -sp.end, sp.id  # load_layer's order: start, end desc, id


def span_view(d: dict[str, Any]) -> SpanView:
    frags = d.get("fragments")
    return SpanView(d["id"], d["start"], d["end"], d["label"], d["state"], d["source"],
                    d["suggester"], d["score"], dict(d.get("attributes") or {}), d["kb_id"],
                    d["note"], tuple(tuple(f) for f in frags) if frags else None, d["version"])


def relation_view(d: dict[str, Any]) -> RelationView:
    return RelationView(d["id"], d["head_id"], d["tail_id"], d["label"], d["state"],
                        d["source"], d["suggester"], d["score"], d["version"])


def argument_view(d: dict[str, Any]) -> ArgumentView:
    return ArgumentView(d["id"], d["role"], d["span_id"], d["target_event_id"])


def event_view(d: dict[str, Any], arguments: tuple[ArgumentView, ...]) -> EventView:
    return EventView(d["id"], d["trigger_id"], d["type"], arguments,
                     dict(d.get("attributes") or {}), d["state"], d["source"], d["suggester"],
                     d["score"], d["version"])


class _Patch:
    def __init__(self, view: LayerView):
        self.view = view
        self.spans = list(view.spans)
        self.relations = list(view.relations)
        self.events = list(view.events)
        self.status, self.version = view.status, view.version

    def result(self) -> LayerView:
        v = self.view
        return replace(v, spans=self.spans, relations=self.relations, events=self.events,
                       status=self.status, version=self.version, comments=list(v.comments),
                       meta=dict(v.meta))

    # ---- dispatch ----------------------------------------------------------------------------
    def apply(self, ch: Change) -> None:
        if ch.document_id is not None and ch.document_id != self.view.document_id:
            raise NeedsReload("a change of another document")
        kind, action = ch.kind, ch.action
        if kind == "layer" and action == "update":
            if ch.id != self.view.layer_id or ch.children:
                raise NeedsReload("another layer, or a comment with the status")
            if (ch.after or {}).get("status") != (ch.before or {}).get("status"):
                self.status = ch.after["status"]
                self.version += 1  # the layer row was updated: its version_id_col moved
            return
        if kind == "event" and action == "create":
            for child in ch.children:  # create_event_at: its trigger span first
                self.apply(child)
            self._add_event(ch.after["event"], ch.after["arguments"])
            return
        if ch.children:
            raise NeedsReload(f"unexpected children of {action} {kind}")
        handler = getattr(self, f"_{action}_{kind}", None)
        if handler is None:
            raise NeedsReload(f"no patch for {action} {kind}")
        handler(ch)

    def _own(self, row: dict[str, Any]) -> None:
        if row.get("layer_id") != self.view.layer_id:
            raise NeedsReload("a change in another layer")

    # ---- spans -------------------------------------------------------------------------------
    def _index_of(self, rows: list, row_id: int) -> int:
        for i, r in enumerate(rows):
            if r.id == row_id:
                return i
        raise NeedsReload(f"row {row_id} is not in the view")

    def _insert_span(self, d: dict[str, Any]) -> None:
        self._own(d)
        if any(s.id == d["id"] for s in self.spans):
            raise NeedsReload(f"span {d['id']} is already in the view")
        insort(self.spans, span_view(d), key=_span_key)

    def _create_span(self, ch: Change) -> None:
        self._insert_span(ch.after)

    def _update_span(self, ch: Change) -> None:
        self._own(ch.after)
        i = self._index_of(self.spans, ch.id)
        new = span_view(ch.after)
        old = self.spans[i]
        if (old.start, old.end) == (new.start, new.end):
            self.spans[i] = new
        else:
            del self.spans[i]
            insort(self.spans, new, key=_span_key)

    def _delete_span(self, ch: Change) -> None:
        b = ch.before
        self._own(b["span"])
        del self.spans[self._index_of(self.spans, ch.id)]
        self._drop_relations({r["id"] for r in b.get("relations", ())})
        gone_events = {e["event"]["id"] for e in b.get("events", ())}
        self._drop_events(gone_events)
        self._drop_arguments({a["id"] for a in b.get("arguments", ())})

    def _restore_span(self, ch: Change) -> None:
        self._restore(ch.after)

    # ---- relations ---------------------------------------------------------------------------
    def _add_relation(self, d: dict[str, Any]) -> None:
        self._own(d)
        if any(r.id == d["id"] for r in self.relations):
            raise NeedsReload(f"relation {d['id']} is already in the view")
        insort(self.relations, relation_view(d), key=lambda r: r.id)

    def _create_relation(self, ch: Change) -> None:
        self._add_relation(ch.after)

    def _update_relation(self, ch: Change) -> None:
        self._own(ch.after)
        self.relations[self._index_of(self.relations, ch.id)] = relation_view(ch.after)

    def _delete_relation(self, ch: Change) -> None:
        self._drop_relations({ch.id}, strict=True)

    def _restore_relation(self, ch: Change) -> None:
        self._restore(ch.after)

    def _drop_relations(self, ids: set[int], strict: bool = False) -> None:
        if not ids:
            return
        kept = [r for r in self.relations if r.id not in ids]
        if strict and len(kept) != len(self.relations) - len(ids):
            raise NeedsReload("a deleted relation was not in the view")
        self.relations = kept

    # ---- events and arguments ----------------------------------------------------------------
    def _add_event(self, d: dict[str, Any], args: list[dict[str, Any]]) -> None:
        self._own(d)
        if any(e.id == d["id"] for e in self.events):
            raise NeedsReload(f"event {d['id']} is already in the view")
        own = tuple(argument_view(a) for a in sorted(args, key=lambda a: a["id"])
                    if a["event_id"] == d["id"])
        insort(self.events, event_view(d, own), key=lambda e: e.id)

    def _update_event(self, ch: Change) -> None:
        self._own(ch.after)
        i = self._index_of(self.events, ch.id)
        self.events[i] = event_view(ch.after, self.events[i].arguments)

    def _delete_event(self, ch: Change) -> None:
        self._own(ch.before["event"])
        self._index_of(self.events, ch.id)  # must be there
        self._drop_events({ch.id})
        self._drop_arguments({a["id"] for a in ch.before.get("arguments", ())})

    def _restore_event(self, ch: Change) -> None:
        self._restore(ch.after)

    def _drop_events(self, ids: set[int]) -> None:
        if ids:
            self.events = [e for e in self.events if e.id not in ids]

    def _drop_arguments(self, ids: set[int]) -> None:
        if not ids:
            return
        out = []
        for e in self.events:
            if any(a.id in ids for a in e.arguments):
                e = replace(e, arguments=tuple(a for a in e.arguments if a.id not in ids))
            out.append(e)
        self.events = out

    def _add_argument(self, d: dict[str, Any]) -> None:
        i = self._index_of(self.events, d["event_id"])
        ev = self.events[i]
        if any(a.id == d["id"] for a in ev.arguments):
            raise NeedsReload(f"argument {d['id']} is already in the view")
        args = sorted((*ev.arguments, argument_view(d)), key=lambda a: a.id)
        self.events[i] = replace(ev, arguments=tuple(args))

    def _create_argument(self, ch: Change) -> None:
        self._add_argument(ch.after)

    def _restore_argument(self, ch: Change) -> None:
        self._add_argument(ch.after)

    def _delete_argument(self, ch: Change) -> None:
        i = self._index_of(self.events, ch.before["event_id"])
        ev = self.events[i]
        args = tuple(a for a in ev.arguments if a.id != ch.id)
        if len(args) == len(ev.arguments):
            raise NeedsReload(f"argument {ch.id} is not in the view")
        self.events[i] = replace(ev, arguments=args)

    # ---- undo of a delete: the rows with their ids, dependents included ------------------------
    def _restore(self, before: dict[str, Any]) -> None:
        if "span" in before:
            self._insert_span(before["span"])
        events = list(before.get("events", ())) + ([before] if "event" in before else [])
        for ev in events:
            self._add_event(ev["event"], [])
        for r in list(before.get("relations", ())) + (
                [before["relation"]] if "relation" in before else []):
            self._add_relation(r)
        args = list(before.get("arguments", ()))
        for ev in events:
            args += ev["arguments"]
        for a in sorted(args, key=lambda a: a["id"]):
            self._add_argument(a)
