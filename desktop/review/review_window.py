"""Review one document into gold, in the view annotators use: gold on top (edited like a
layer), each annotator's layer below, the versions of the conflict being decided beside.

Every decision and bulk step is one core operation (models/review/adjudication.py) whose
Change carries its inverse; the window pushes it on an undo stack (Ctrl+Z / Ctrl+Shift+Z).
Opening the window writes nothing: auto-gold is the "Accept agreed" step. A decision on a
label changed meanwhile is refused by the core; the window says so and reloads. A QTimer
polls Service.change_marker so that another reviewer's work appears."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QToolBar,
    QToolButton,
)

from desktop.review.layer_panes import GOLD, LayerPanes
from desktop.review.versions_panel import VersionsPanel
from desktop.undo.commands import EditCommand
from models import operations as op
from models.errors import DomainError, NotFoundError, StaleWriteError
from models.layer_patch import NeedsReload, apply_changes
from models.review.places import KINDS


def _place(c) -> tuple:
    return (c.start, c.end, KINDS.index(c.kind), c.place)


def _gold_changes(change) -> list:
    """The label changes of a review step (it wraps them in one "review" Change with the
    decision log's entries, which touch no layer)."""
    if change.kind != "review":
        return [change]
    return [c for ch in change.children if ch.kind != "decision" for c in _gold_changes(ch)]


def _without_rejected(layer):
    """Review shows gold without rejected labels (as `Service.review` loads it)."""
    return replace(layer, spans=[s for s in layer.spans if s.state != "rejected"],
                   relations=[r for r in layer.relations if r.state != "rejected"],
                   events=[e for e in layer.events if e.state != "rejected"],
                   categories=[c for c in layer.categories if c.state != "rejected"])


class ReviewWindow(QMainWindow):
    decided = Signal(int)  # document id, after each stored step (and its undo)
    message = Signal(str)

    def __init__(self, service, document_id: int, parent=None, *, poll_ms: int = 3000,
                 dark: bool = False):
        super().__init__(parent)
        self.service = service
        self.view = None
        self.schema = None
        self.marker = 0
        self.place: tuple | None = None  # the conflict shown, by place (survives reloads)
        self.undo_stack = QUndoStack(self)
        self.panes = LayerPanes()
        self.panes.set_dark(dark)
        self.versions = VersionsPanel()
        self.versions.chosen.connect(lambda _row: self._highlight())
        self.versions.activated.connect(lambda row: self.versions.select(row) and self.accept())
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.panes)
        split.addWidget(self.versions)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([780, 320])
        self.setCentralWidget(split)
        self.status = QLabel()
        self.status.setTextFormat(Qt.PlainText)
        self.summary = QLabel()
        self.summary.setObjectName("review_summary")
        self.summary.setTextFormat(Qt.PlainText)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.summary)
        self._build_actions()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        if poll_ms:
            self.timer.start(poll_ms)
        self.load(document_id)

    # ---- actions and keys -------------------------------------------------------------------
    def _act(self, text: str, slot, keys=(), tip: str = "") -> QAction:
        a = QAction(text, self)
        if keys:
            a.setShortcuts([QKeySequence(k) for k in keys])
        a.setShortcutContext(Qt.WindowShortcut)
        a.setToolTip(f"{tip or text} ({', '.join(keys)})" if keys else (tip or text))
        a.triggered.connect(lambda _=False: slot())
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        bar = QToolBar("Review")
        bar.setObjectName("review_toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        self.addToolBar(bar)
        self.act_prev = self._act("◀ Previous", lambda: self.go(-1), ["Shift+N"],
                                  "Previous open conflict")
        self.act_next = self._act("Next ▶", lambda: self.go(1), ["N"], "Next open conflict")
        self.act_accept = self._act("Accept", self.accept, ["Return", "Enter", "A"],
                                    "Accept the selected version (it replaces gold's here)")
        self.act_also = self._act("Accept also", lambda: self.accept(also=True), ["Shift+A"],
                                  "Keep it beside gold's version (where overlap is allowed)")
        self.act_reject = self._act("Reject", self.reject, ["X"])
        self.act_agreed = self._act("Accept agreed", self.accept_agreed, ["Ctrl+Shift+A"],
                                    "Put every label all annotators gave into gold")
        self.act_rest = self._act("Reject the rest", self.reject_rest, [],
                                  "Reject every version still open")
        self.act_approve = self._act("Approve", self.approve, ["Ctrl+Return"],
                                     "Gold of this document is finished")
        self.act_return = self._act("Return…", self.return_document, [],
                                    "Send it back to the annotators with a comment")
        self.act_undo = self._act("Undo", self.undo_stack.undo, ["Ctrl+Z"])
        self.act_redo = self._act("Redo", self.undo_stack.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        self.undo_stack.canUndoChanged.connect(self.act_undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.act_redo.setEnabled)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)
        for i in range(9):
            self._act(f"Version {i + 1}", lambda i=i: self.select_version(i), [str(i + 1)])
        self._act("Delete gold label", self.delete_gold_span, ["Delete"])
        self._act("Label in gold", self.label_gold_selection, ["L"])
        self.show_decided = QCheckBox("Include decided (D)")
        self.show_decided.toggled.connect(lambda _on: self._show(keep_row=False))
        self._act("Include decided", self.show_decided.toggle, ["D"])
        self.annotator_menu = QMenu(self)
        self._menu_for: tuple | None = None  # (annotators, their open labels) it shows
        self.by_annotator = QToolButton()
        self.by_annotator.setText("Accept annotator's ▾")
        self.by_annotator.setToolTip("Accept every open version one annotator gave "
                                     "(for one label or all)")
        self.by_annotator.setMenu(self.annotator_menu)
        self.by_annotator.setPopupMode(QToolButton.InstantPopup)
        for a in (self.act_prev, self.act_next):
            bar.addAction(a)
        bar.addSeparator()
        for a in (self.act_accept, self.act_also, self.act_reject):
            bar.addAction(a)
        bar.addSeparator()
        bar.addAction(self.act_agreed)
        bar.addWidget(self.by_annotator)
        bar.addAction(self.act_rest)
        bar.addSeparator()
        for a in (self.act_undo, self.act_redo):
            bar.addAction(a)
        bar.addWidget(self.show_decided)
        bar.addSeparator()
        for a in (self.act_approve, self.act_return):
            bar.addAction(a)
        self.panes.goldResized.connect(self.resize_gold_span)

    # ---- loading ----------------------------------------------------------------------------
    def load(self, document_id: int) -> None:
        self.undo_stack.clear()  # another document: its own history
        self.place = None
        self._reload(document_id)

    def reload(self) -> None:
        if self.view is not None:
            self._reload(self.view.document_id)

    def _reload(self, document_id: int, advance: bool = False) -> None:
        try:
            view = self.service.review(document_id)
        except DomainError as exc:
            self.say(str(exc), error=True)
            return
        self.view = view
        self.schema = self.service.schema(view.project_id)
        self.marker = view.marker
        self.setWindowTitle(f"Review — {view.title or f'document {view.document_id}'}")
        self.panes.show_review(view, self.schema, lambda: self.service.tokens(document_id))
        self._present(advance)

    def _refresh(self, change, advance: bool = False) -> None:
        """After this window's own step: patch gold from its Change and recompute the
        conflicts, keeping the annotators' layers and panes as they are (a step writes only
        gold and the decision log). Anything else (a new gold layer, a status with a
        comment, another user's edit meanwhile) loads the whole review instead."""
        view = self.view
        try:
            gold = _without_rejected(apply_changes(view.gold, _gold_changes(change)))
            update = (change.after or {}).get("update") or self.service.review_update(
                view.document_id, view.annotations, self.marker)
        except (NeedsReload, DomainError):
            update = None
        if update is None:
            self._reload(view.document_id, advance=advance)
            return
        self.view = replace(view, gold=gold, conflicts=update.conflicts,
                            agreed_open=update.agreed_open, gold_status=gold.status,
                            marker=update.marker, seen=update.seen)
        self.marker = update.marker
        self.panes.show_gold(gold, self.schema)
        self._present(advance)

    def _present(self, advance: bool) -> None:
        self._fill_annotator_menu()
        if advance:
            self._advance()
        self._show(keep_row=not advance)  # after a decision: the first open version

    def poll(self) -> None:
        """Reload when someone else stored something on this document (while shown)."""
        if self.view is None or not self.isVisible():
            return
        try:
            marker = self.service.change_marker(self.view.document_id)
        except DomainError:
            return
        if marker != self.marker:
            self.reload()

    # ---- the conflicts ----------------------------------------------------------------------
    def shown_conflicts(self) -> list:
        if self.view is None:
            return []
        cs = self.view.conflicts
        return list(cs) if self.show_decided.isChecked() else [c for c in cs if c.open]

    def current(self):
        cs = self.shown_conflicts()
        if not cs:
            return None
        if self.place is not None:
            for c in cs:
                if _place(c) >= self.place:
                    return c
        return cs[0]

    def version(self):
        c = self.current()
        if c is None:
            return None
        row = self.versions.row()
        return c.versions[row] if 0 <= row < len(c.versions) else None

    def go(self, step: int) -> None:
        cs = self.shown_conflicts()
        if not cs:
            self.say("no conflict open" if not self.show_decided.isChecked() else
                     "no conflict in this document")
            return
        c = self.current()
        i = cs.index(c) if c in cs else 0
        if self.place is not None and _place(cs[i]) != self.place and step > 0:
            step -= 1  # the one shown was decided: the next one is already current
        self.place = _place(cs[(i + step) % len(cs)])
        self._show(keep_row=False)

    def _advance(self) -> None:
        """After a decision: stay while this conflict has an open version (another mention
        at the place), else on to the next open conflict."""
        opened = [c for c in self.view.conflicts if c.open]
        if not opened or any(_place(c) == self.place for c in opened):
            return
        nxt = next((c for c in opened if self.place is None or _place(c) > self.place), None)
        self.place = _place(nxt or opened[0])

    def select_version(self, row: int) -> None:
        if not self.versions.select(row):
            self.say(f"this conflict has no version {row + 1}", error=True)

    def _show(self, keep_row: bool = True) -> None:
        c = self.current()
        cs = self.shown_conflicts()
        opened = sum(x.open for x in self.view.conflicts) if self.view else 0
        if c is None:
            done = "nothing left to decide" if not self.view.agreed_open else \
                f"{self.view.agreed_open} agreed label(s) not in gold yet: Accept agreed"
            self.versions.show_conflict(None, "", f"No open conflict · {done}")
        else:
            self.place = _place(c)
            row = self.versions.row() if keep_row else 0
            if not keep_row or row < 0:
                row = next((i for i, v in enumerate(c.versions) if v.decided is None), 0)
            self.versions.show_conflict(c, self.view.text,
                                        f"Conflict {cs.index(c) + 1} of {len(cs)}", row)
        self._highlight()
        self._summary(opened)

    def _summary(self, opened: int) -> None:
        v = self.view
        if v is None:
            return
        agreed = f" · {v.agreed_open} agreed not in gold" if v.agreed_open else ""
        self.act_approve.setEnabled(opened == 0 and not v.agreed_open)
        self.summary.setText(f"{opened} open conflict(s){agreed} · gold "
                             f"{v.gold_status.replace('_', ' ')} · "
                             f"{', '.join(v.annotators) or 'no annotators yet'}")

    def _highlight(self) -> None:
        self.panes.highlight(self.current(), self.version())

    # ---- decisions (each one undo step) ---------------------------------------------------
    def accept(self, also: bool = False) -> bool:
        v, c = self.version(), self.current()
        if v is None:
            self.say("no version selected", error=True)
            return False
        what = f"{'Accept also' if also else 'Accept'} {v.label} “{self._text(c)}”"
        return self._step(what, lambda: self._decide(v, "also" if also else "accept"),
                          advance=True)

    def _decide(self, v, how: str):
        """One decision, handing the core this window's annotators' labels and marker: it
        then returns the review after it (Change.after["update"]) when nothing else was
        stored meanwhile, so the window need not read it again."""
        return self.service.decide(self.view.document_id, v.kind, *v.refs[0], how=how,
                                   annotations=self.view.annotations, since=self.marker,
                                   seen=self.view.seen)

    def reject(self) -> bool:
        v, c = self.version(), self.current()
        if v is None:
            self.say("no version selected", error=True)
            return False
        return self._step(f"Reject {v.label} “{self._text(c)}”",
                          lambda: self._decide(v, "reject"), advance=True)

    def accept_agreed(self) -> bool:
        return self._step("Accept agreed", lambda: self.service.accept_agreed(
            self.view.document_id), counted=True)

    def accept_annotator(self, name: str, label: str | None = None) -> bool:
        what = f"Accept {name}'s {label or 'remaining'}"
        return self._step(what, lambda: self.service.accept_annotator(
            self.view.document_id, name, label), counted=True)

    def reject_rest(self) -> bool:
        return self._step("Reject the rest", lambda: self.service.reject_rest(
            self.view.document_id), counted=True)

    def approve(self) -> bool:
        return self._step("Approve gold", lambda: self.service.approve(self.view.document_id))

    def return_document(self, comment: str | None = None) -> bool:
        if comment is None:
            comment, ok = QInputDialog.getText(self, "Return to the annotators",
                                               "Why does this document go back?")
            if not ok:
                return False
        return self._step("Return to annotators", lambda: self.service.return_to_annotators(
            self.view.document_id, comment))

    # ---- gold, edited like a layer ------------------------------------------------------------
    def delete_gold_span(self) -> bool:
        sid = self.panes.gold.selected_span()
        if sid is None:
            self.say("select a label in gold first (click it)", error=True)
            return False
        return self._step("Delete gold label", lambda: self.service.run(
            [op.DeleteSpan(sid)])[0])

    def label_gold_selection(self, label: str | None = None) -> bool:
        sel = self.panes.gold.selection()
        if sel is None:
            self.say("select some text in gold first", error=True)
            return False
        if label is None:
            names = self.schema.entity_names
            label, ok = QInputDialog.getItem(self, "Label in gold", "Label", names, 0, False)
            if not ok:
                return False
        return self._step(f"Label {label} in gold", lambda: self.service.run(
            [op.CreateSpan(self.view.document_id, sel[0], sel[1], label, layer=GOLD)])[0])

    def resize_gold_span(self, span_id: int, start: int, end: int) -> bool:
        return self._step("Resize gold label", lambda: self.service.run(
            [op.ResizeSpan(span_id, start, end)])[0])

    # ---- running a step ---------------------------------------------------------------------
    def _step(self, what: str, fn, counted: bool = False, advance: bool = False) -> bool:
        """Run one core step and push it on the undo stack; `advance`: a decision on the
        conflict shown moves on to the next open one."""
        try:
            change = fn()
        except (StaleWriteError, NotFoundError) as exc:
            self.say(f"{exc} — reloaded", error=True)
            self.reload()
            return False
        except DomainError as exc:
            self.say(str(exc), error=True)
            return False
        if change.kind == "review" and not change.children:
            self.say(f"{what}: nothing to do")
            return False
        if counted:
            skipped = change.after.get("skipped", 0)
            what += f": {change.after.get('decided', 0)} decided" + (
                f", {skipped} skipped (their place is decided otherwise)" if skipped else "")
        self.undo_stack.push(EditCommand(what, self.service, [change], self._undone,
                                         self._undo_failed))
        self._refresh(change, advance=advance)
        self.say(what)
        self.decided.emit(self.view.document_id)
        return True

    def _undone(self, _changes) -> None:
        self._reload(self.view.document_id)
        self.decided.emit(self.view.document_id)

    def _undo_failed(self, exc: DomainError) -> None:
        self.say(f"cannot undo: {exc}", error=True)
        self.reload()

    # ---- helpers ----------------------------------------------------------------------------
    def _fill_annotator_menu(self) -> None:
        labels: dict[str, set[str]] = {}
        for c in self.view.conflicts:
            for v in c.versions:
                if v.decided is None:
                    for a in v.annotators:
                        labels.setdefault(a, set()).add(v.label)
        if self._menu_for == (self.view.annotators, labels):
            return  # the same entries: rebuilding the menu costs a millisecond a decision
        self._menu_for = (list(self.view.annotators), labels)
        m = self.annotator_menu
        m.clear()
        for name in self.view.annotators:
            sub = m.addMenu(name)
            a = sub.addAction(f"All of {name}'s remaining")
            a.triggered.connect(lambda _=False, n=name: self.accept_annotator(n))
            for label in sorted(labels.get(name, ())):
                a = sub.addAction(f"{label} only")
                a.triggered.connect(lambda _=False, n=name, lab=label:
                                    self.accept_annotator(n, lab))
        self.by_annotator.setEnabled(bool(labels))

    def _text(self, c) -> str:
        if c is not None and c.kind == "category":
            return c.place
        t = self.view.text[c.start:c.end].replace("\n", " ") if c else ""
        return t if len(t) <= 40 else t[:37] + "…"

    def say(self, text: str, *, error: bool = False) -> None:
        self.status.setText(("⚠ " if error else "") + text)
        self.status.setStyleSheet("color: #b3261e;" if error else "")
        self.message.emit(text)

    def set_dark(self, dark: bool) -> None:
        self.panes.set_dark(dark)
