"""Labelling: spans, relations, events, arguments, attributes, comments, with undo.

Every edit goes through the Service (committed at once), is pushed on the undo stack as a
thin EditCommand, and the view redraws from the layer patched with the returned Changes
(Workspace.apply; a full reload only when the patch cannot follow)."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop.undo.commands import EditCommand
from desktop.widgets.confirm import confirm
from desktop.widgets.picker import pick
from desktop.workspace import Workspace
from models.errors import DomainError
from models.operations import CreateSpan, SetState
from models.views import Change

LARGE_SELECTION = 300  # characters: a label over more than this is asked about first


class EditController(QObject):
    spanFocused = Signal(object)  # span id or None: the side panel follows it

    def __init__(self, ws: Workspace, docview, undo: QUndoStack, parent_widget):
        super().__init__(parent_widget)
        self.ws, self.docview, self.undo = ws, docview, undo
        self.parent_widget = parent_widget
        self.picker = pick  # (parent, title, prompt, items, current=None) -> str | None
        self.confirmer = confirm  # (parent, title, text, go) -> bool
        self.pending_head: int | None = None  # R pressed: waiting for the tail span
        ws.documentOpened.connect(self._on_open)
        docview.selectionChanged.connect(self._on_selection)
        docview.spanActivated.connect(self._on_span_activated)
        docview.relationDragged.connect(self.relation_between)
        docview.resizeRequested.connect(self.resize_to)

    # ---- plumbing ------------------------------------------------------------------------------
    def _on_open(self, view) -> None:
        self.pending_head = None

    def _on_selection(self, start: int, end: int) -> None:
        if start >= 0 and self.docview.selected_span() is not None:
            self.select(None)  # a new text selection replaces the span focus

    def select(self, span_id: int | None) -> None:
        self.docview.select_span(span_id)
        self.spanFocused.emit(span_id)

    def commit(self, text: str, changes: list[Change], *, select: int | None = None) -> None:
        """Record a stored edit as one undo step and redraw."""
        self.undo.push(EditCommand(text, self.ws.service, changes, self._after_undo,
                                   self._undo_failed))
        self.refresh(select, changes)
        self.ws.say(text)

    def refresh(self, select: int | None = None, changes: list[Change] | None = None) -> None:
        """Redraw after an edit: from its Changes when given, else by reloading the layer."""
        keep = select if select is not None else self.docview.selected_span()
        view = self.ws.apply(changes) if changes else self.ws.reload()
        if view is not None and keep is not None and view.span(keep) is not None:
            self.select(keep)

    def _after_undo(self, changes: list[Change] | None = None) -> None:
        self.refresh(changes=changes)

    def undo_step(self, redo: bool = False) -> None:
        """Undo (or redo) and say what was undone: the status bar kept the edit's message."""
        text = self.undo.redoText() if redo else self.undo.undoText()
        if not text:
            return
        self.undo_failed = False
        self.undo.redo() if redo else self.undo.undo()
        if not self.undo_failed:
            self.ws.say(f"{'redone' if redo else 'undone'}: {text}")

    def _undo_failed(self, exc: DomainError) -> None:
        self.undo_failed = True
        self.ws.say(f"cannot undo/redo: {exc} (document reloaded)", error=True)
        self.refresh()

    def _span(self):
        sid = self.docview.selected_span()
        return self.ws.view.span(sid) if sid is not None and self.ws.view else None

    def _selection(self) -> tuple[int, int] | None:
        sel = self.docview.selection()
        return sel if sel and sel[0] >= 0 and sel[1] > sel[0] else None

    # ---- spans ---------------------------------------------------------------------------------
    def label(self, label: str) -> None:
        """A label key: accept/relabel the selected span, else label the selected text."""
        if self.ws.view is None:
            return
        span = self._span()
        svc, is_event = self.ws.service, self.ws.schema.event(label) is not None
        if span is not None:
            if span.state == "suggested":
                ch = self.ws.attempt(lambda: svc.accept("span", span.id, label=label,
                                                        expected_version=span.version))
                if ch:
                    self.commit(f"Accept {label} “{self.ws.span_text(span.id)}”", [ch])
                    self.next_suggestion()
                return
            if span.label == label:
                self.ws.say(f"already labeled {label}")
                return
            ch = self.ws.attempt(lambda: svc.relabel_span(span.id, label,
                                                          expected_version=span.version))
            if ch:
                self.commit(f"Relabel {span.label} → {label}", [ch], select=span.id)
            return
        sel = self._selection()
        if sel is None:
            self.ws.say(f"select some text (or click a label) before pressing the key for "
                        f"{label}", error=True)
            return
        if not self._large_selection_confirmed(sel, label):
            self.ws.say("not labeled: cancelled")
            return
        doc = self.ws.view.document_id
        if is_event:
            ch = self.ws.attempt(lambda: svc.create_event_at(doc, sel[0], sel[1], label))
            sid = ch.children[0].id if ch else None
        else:
            ch = self.ws.attempt(lambda: svc.create_span(doc, sel[0], sel[1], label))
            sid = ch.id if ch else None
        if ch:
            self.commit(f"Label {label} “{self.ws.view.text[sel[0]:sel[1]]}”", [ch], select=sid)

    def _large_selection_confirmed(self, sel: tuple[int, int], label: str) -> bool:
        """A label over the whole document (Ctrl+A, then a label key) or over a long stretch
        is most often a slip: ask before storing it."""
        text = self.ws.view.text
        n = sel[1] - sel[0]
        whole = sel == (0, len(text)) and any(c.isspace() for c in text.strip())
        if n <= LARGE_SELECTION and not whole:
            return True
        what = "the whole document" if whole else f"{n:,} characters"
        return self.confirmer(self.parent_widget, "Label a long selection?",
                              f"Label {what} as {label}?", f"Label as {label}")

    def delete(self) -> None:
        span = self._span()
        if span is None:
            self.ws.say("click a label first to delete it", error=True)
            return
        text = self.ws.describe_span(span.id)
        ch = self.ws.attempt(lambda: self.ws.service.delete_span(
            span.id, expected_version=span.version))
        if ch:
            self.select(None)
            self.commit(f"Delete {text}", [ch])

    def resize(self, edge: str) -> None:
        """edge: grow_end | shrink_end | grow_start | shrink_start, by one token."""
        span = self._span()
        if span is None:
            self.ws.say("click a label first to resize it", error=True)
            return
        # the view's own tokens: resizing agrees with how a selection snaps
        t, s, e = self.docview.canvas.tokens, span.start, span.end
        if edge == "grow_end":
            e = t.next_end(e) or e
        elif edge == "shrink_end":
            cut = t.prev_end(e)
            e = cut if cut is not None and cut > s else e
        elif edge == "grow_start":
            s = t.prev_start(s)
            s = span.start if s is None else s
        else:
            cut = t.next_start(s)
            s = cut if cut is not None and cut < e else s
        if (s, e) == (span.start, span.end):
            self.ws.say("the label cannot be resized further that way", error=True)
            return
        self.resize_to(span.id, s, e)

    def resize_to(self, span_id: int, start: int, end: int) -> None:
        span = self.ws.view.span(span_id) if self.ws.view else None
        if span is None:
            return
        ch = self.ws.attempt(lambda: self.ws.service.resize_span(
            span_id, start, end, expected_version=span.version))
        if ch:
            self.commit(f"Resize {span.label} to “{self.ws.view.text[start:end]}”", [ch],
                        select=span_id)

    # ---- relations -------------------------------------------------------------------------------
    def start_relation(self) -> None:
        span = self._span()
        if span is None:
            self.ws.say("click the head label first, then press R and click the tail",
                        error=True)
            return
        self.pending_head = span.id
        self.ws.say(f"relation from {self.ws.describe_span(span.id)}: click the tail label "
                    "(Esc cancels)")

    def cancel(self) -> None:
        if self.pending_head is not None:
            self.pending_head = None
            self.ws.say("relation cancelled")

    def _on_span_activated(self, span_id: int) -> None:
        head = self.pending_head
        if head is None or span_id < 0:
            return
        if span_id == head:
            return
        self.pending_head = None
        self.relation_between(head, span_id)

    def relation_between(self, head_id: int, tail_id: int) -> None:
        view = self.ws.view
        head, tail = view.span(head_id), view.span(tail_id)
        if head is None or tail is None or head_id == tail_id:
            return
        allowed = self.ws.schema.relations_allowed(head.label, tail.label)
        if not allowed:
            self.ws.say(f"the schema allows no relation from {head.label} to {tail.label}",
                        error=True)
            return
        rtype = self.picker(self.parent_widget, "Relation",
                            f"{self.ws.describe_span(head_id)} → "
                            f"{self.ws.describe_span(tail_id)}", allowed)
        if not rtype:
            return
        ch = self.ws.attempt(lambda: self.ws.service.create_relation(head_id, tail_id, rtype))
        if ch:
            self.commit(f"Relation {rtype}: {self.ws.describe_span(head_id)} → "
                        f"{self.ws.describe_span(tail_id)}", [ch], select=head_id)

    def delete_relation(self, relation_id: int) -> None:
        ch = self.ws.attempt(lambda: self.ws.service.delete_relation(relation_id))
        if ch:
            self.commit("Delete relation", [ch])

    # ---- events and arguments ---------------------------------------------------------------------
    def start_event(self) -> None:
        if self.ws.view is None:
            return
        span, sel = self._span(), self._selection()
        if span is None and sel is None:
            self.ws.say("select the trigger word (or click a label) before pressing E",
                        error=True)
            return
        if span is not None and self.ws.event_of_trigger(span.id):
            self.ws.say(f"{self.ws.describe_span(span.id)} already triggers an event",
                        error=True)
            return
        types = [e.name for e in self.ws.schema.events]
        if not types:
            self.ws.say("the schema of this project has no event types", error=True)
            return
        trigger = self.ws.view.text[span.start:span.end] if span else \
            self.ws.view.text[sel[0]:sel[1]]
        from models.triggers import event_type_for

        # the type the schema lists this word's lemma under comes first (the suggester's type
        # when the span is a suggested trigger)
        current = event_type_for(self.ws.schema, trigger)
        if span is not None and span.label in types:
            current = span.label
        etype = self.picker(self.parent_widget, "Event", f"Event triggered by “{trigger}”",
                            types, current)
        if not etype:
            return
        svc, doc = self.ws.service, self.ws.view.document_id
        if span is not None:
            ch = self.ws.attempt(lambda: svc.create_event(span.id, etype))
            sid = span.id
        else:
            ch = self.ws.attempt(lambda: svc.create_event_at(doc, sel[0], sel[1], etype))
            sid = ch.children[0].id if ch else None
        if ch:
            self.commit(f"Event {etype} “{trigger}”: add its arguments in the side panel",
                        [ch], select=sid)

    def add_argument(self, event_id: int, role: str, *, span_id: int | None = None,
                     target_event_id: int | None = None) -> None:
        ch = self.ws.attempt(lambda: self.ws.service.add_argument(
            event_id, role, span_id=span_id, target_event_id=target_event_id))
        if ch:
            what = self.ws.describe_span(span_id) if span_id else f"event {target_event_id}"
            self.commit(f"Argument {role}: {what}", [ch])

    def remove_argument(self, argument_id: int) -> None:
        ch = self.ws.attempt(lambda: self.ws.service.remove_argument(argument_id))
        if ch:
            self.commit("Remove argument", [ch])

    def delete_event(self, event_id: int) -> None:
        ch = self.ws.attempt(lambda: self.ws.service.delete_event(event_id))
        if ch:
            self.commit("Delete event", [ch])

    # ---- attributes, kb_id, comments ----------------------------------------------------------
    def set_attribute(self, kind: str, row_id: int, name: str, value) -> None:
        ch = self.ws.attempt(lambda: self.ws.service.set_attribute(kind, row_id, name, value))
        if ch:
            self.commit(f"Set {name} = {value}", [ch])

    def set_kb_id(self, span_id: int, kb_id: str) -> None:
        span = self.ws.view.span(span_id)
        if span is None or (span.kb_id or "") == (kb_id or ""):
            return
        ch = self.ws.attempt(lambda: self.ws.service.set_kb_id(
            span_id, kb_id, expected_version=span.version))
        if ch:
            self.commit(f"Link {self.ws.describe_span(span_id)} to {kb_id or 'nothing'}", [ch])

    def add_comment(self, text: str, target_kind: str = "document",
                    target_id: int | None = None) -> bool:
        ch = self.ws.attempt(lambda: self.ws.service.add_comment(
            self.ws.view.document_id, text, target_kind=target_kind, target_id=target_id))
        if ch:
            self.refresh()
            self.ws.say("comment added")
        return ch is not None

    # ---- suggestions -------------------------------------------------------------------------------
    def _suggestions(self):
        return [s for s in (self.ws.view.spans if self.ws.view else [])
                if s.state == "suggested"]

    def next_suggestion(self, forward: bool = True) -> None:
        sugg = self._suggestions()
        if not sugg:
            self.ws.say("no suggestions left in this document")
            return
        cur = self._span()
        pos = (cur.start, cur.end, cur.id) if cur else None
        keyed = sorted(sugg, key=lambda s: (s.start, s.end, s.id))
        if forward:
            nxt = next((s for s in keyed if pos is None or (s.start, s.end, s.id) > pos),
                       keyed[0])
        else:
            nxt = next((s for s in reversed(keyed) if pos is None or
                        (s.start, s.end, s.id) < pos), keyed[-1])
        self.select(nxt.id)
        score = f" ({nxt.score:.2f})" if nxt.score is not None else ""
        self.ws.say(f"suggestion {self.ws.describe_span(nxt.id)}{score} from "
                    f"{nxt.suggester or nxt.source}: Enter/A accepts, Backspace/X rejects, "
                    "a label key accepts with that label")

    def review_selected(self, accept: bool) -> None:
        span = self._span()
        if span is None or span.state != "suggested":
            self.ws.say("select a suggestion first (Tab moves to the next one)", error=True)
            return
        svc = self.ws.service
        op = svc.accept if accept else svc.reject
        ch = self.ws.attempt(lambda: op("span", span.id, expected_version=span.version))
        if ch:
            verb = "Accept" if accept else "Reject"
            self.commit(f"{verb} {self.ws.describe_span(span.id)}", [ch])
            self.next_suggestion()

    def accept_all(self) -> None:
        view = self.ws.view
        if view is None:
            return
        # the core refuses an event whose trigger is rejected: skip it, not the whole batch
        rejected = {s.id for s in view.spans if s.state == "rejected"}
        skipped = sum(e.state == "suggested" and e.trigger_id in rejected for e in view.events)
        todo = [("span", row) for row in view.spans] + \
            [("relation", row) for row in view.relations] + \
            [("event", row) for row in view.events if row.trigger_id not in rejected]
        ops = [SetState(kind, row.id, "accepted", expected_version=row.version)
               for kind, row in todo if row.state == "suggested"]
        why = (f"{skipped} event{'s' if skipped != 1 else ''} skipped: "
               f"{'their triggers were' if skipped != 1 else 'its trigger was'} rejected")
        if not ops:
            self.ws.say("no suggestions to accept in this document"
                        + (f" ({why})" if skipped else ""))
            return
        changes = self.ws.attempt(lambda: self.ws.service.run(ops))
        if changes:
            self.commit(f"Accept all {len(changes)} suggestions", changes)
            if skipped:
                self.ws.say(f"accepted {len(changes)} suggestions; {why}")

    # ---- bulk labelling ---------------------------------------------------------------------------
    def label_all_occurrences(self, whole_project: bool = False) -> None:
        view = self.ws.view
        span, sel = self._span(), self._selection()
        if span is not None:
            text, label = view.text[span.start:span.end], span.label
        elif sel is not None:
            text = view.text[sel[0]:sel[1]]
            label = self.picker(self.parent_widget, "Label all occurrences",
                                f"Label every “{text}” as", self.ws.schema.entity_names)
            if not label:
                return
        else:
            self.ws.say("select a label or some text to label all its occurrences", error=True)
            return
        if not text.strip():
            return
        doc_ids = [d.id for d in self.ws.documents] if whole_project else [view.document_id]
        ops = []
        for doc_id in doc_ids:
            layer = view if doc_id == view.document_id else self.ws.service.load(doc_id)
            taken = [(s.start, s.end) for s in layer.spans if s.state != "rejected"]
            for m in re.finditer(rf"(?<!\w){re.escape(text)}(?!\w)", layer.text):
                a, b = m.span()
                if any(s < b and a < e for s, e in taken):
                    continue  # already labeled there (or overlapping): leave it alone
                ops.append(CreateSpan(doc_id, a, b, label))
        if not ops:
            self.ws.say(f"no unlabeled occurrence of “{text}” left")
            return
        changes = self.ws.attempt(lambda: self.ws.service.run(ops))
        if changes:
            where = "the project" if whole_project else "this document"
            self.commit(f"Label {len(changes)} occurrences of “{text}” as {label} in {where}",
                        changes)
            if whole_project:
                self.ws.refresh_documents()
