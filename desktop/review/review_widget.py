"""Review mode for one document: every annotator's layer and gold side by side, or merged
with the differences marked; walk the open conflicts (N / Shift+N) and for each accept a
version (A, or 1-9), accept an edited copy (E) or reject (R). Labels every annotator agrees
on went into gold already (auto-gold). Calls the Service only.

A stale decision (the label changed or was deleted meanwhile) is refused by the service:
the widget says so and reloads. A QTimer polls Service.change_marker so that labels others
add appear without a restart."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.review.render import render
from models.errors import DomainError, NotFoundError, StaleWriteError

GOLD = "gold"


def describe_version(kind: str, key: tuple, text: str) -> str:
    if kind == "span":
        return f"{key[2]}  “{text[key[0]:key[1]]}”"
    if kind == "relation":
        return f"{key[4]}:  “{text[key[0]:key[1]]}” → “{text[key[2]:key[3]]}”"
    args = ", ".join(f"{role}=“{text[t[1]:t[2]]}”" for role, t in key[3])
    return f"{key[2]}  “{text[key[0]:key[1]]}”" + (f"  ({args})" if args else "")


class EditDialog(QDialog):
    """Edit a version before it goes into gold: label (and offsets for spans)."""

    def __init__(self, kind: str, key: tuple, text: str, labels: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Accept an edited version")
        self.kind, self.text = kind, text
        form = QFormLayout(self)
        self.label = QComboBox()
        self.label.addItems(labels)
        current = key[4] if kind == "relation" else key[2]
        self.label.setCurrentText(current)
        form.addRow("Label", self.label)
        self.start = QSpinBox()
        self.end = QSpinBox()
        self.preview = QLabel()
        self.preview.setTextFormat(Qt.PlainText)  # document text is never markup
        if kind == "span":
            for box, value in ((self.start, key[0]), (self.end, key[1])):
                box.setRange(0, len(text))
                box.setValue(value)
                box.valueChanged.connect(self._preview)
            form.addRow("Start", self.start)
            form.addRow("End", self.end)
            form.addRow("Text", self.preview)
            self._preview()
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _preview(self) -> None:
        self.preview.setText(f"“{self.text[self.start.value():self.end.value()]}”")

    def values(self) -> dict:
        if self.kind == "span":
            return {"start": self.start.value(), "end": self.end.value(),
                    "label": self.label.currentText()}
        return {"label" if self.kind == "relation" else "type": self.label.currentText()}


class ReviewWidget(QWidget):
    decided = Signal(int)  # document id, after each stored decision
    message = Signal(str)

    def __init__(self, service, document_id: int | None = None, parent=None, *,
                 poll_ms: int = 3000):
        super().__init__(parent)
        self.service = service
        self.view = None
        self.schema = None
        self.index = 0
        self.marker = 0

        self.title = QLabel()
        self.mode = QComboBox()
        self.mode.addItems(["Side by side", "Merged"])
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.prev_btn = QPushButton("◀ Previous (Shift+N)")
        self.next_btn = QPushButton("Next conflict (N) ▶")
        self.counter = QLabel()
        self.prev_btn.clicked.connect(self.prev_conflict)
        self.next_btn.clicked.connect(self.next_conflict)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.mode)
        top.addWidget(self.prev_btn)
        top.addWidget(self.counter)
        top.addWidget(self.next_btn)

        self.columns = QWidget()
        self.columns_layout = QHBoxLayout(self.columns)
        self.columns_layout.setContentsMargins(0, 0, 0, 0)
        self.browsers: dict[str, QTextBrowser] = {}
        self.merged = QTextBrowser()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.columns)
        self.stack.addWidget(self.merged)

        self.conflict_label = QLabel()
        self.conflict_label.setWordWrap(True)
        self.versions = QListWidget()
        self.versions.setMaximumHeight(120)
        self.versions.itemDoubleClicked.connect(lambda _i: self.accept())
        self.accept_btn = QPushButton("Accept (A)")
        self.edit_btn = QPushButton("Edit… (E)")
        self.reject_btn = QPushButton("Reject (R)")
        self.reject_all_btn = QPushButton("Reject all")
        self.accept_btn.clicked.connect(lambda: self.accept())
        self.edit_btn.clicked.connect(lambda: self.edit())
        self.reject_btn.clicked.connect(lambda: self.reject())
        self.reject_all_btn.clicked.connect(lambda: self.reject(all_versions=True))
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.accept_btn, self.edit_btn, self.reject_btn, self.reject_all_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.status, 2)
        panel = QWidget()
        pl = QVBoxLayout(panel)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.conflict_label)
        pl.addWidget(self.versions)
        pl.addLayout(buttons)

        split = QSplitter(Qt.Vertical)
        split.addWidget(self.stack)
        split.addWidget(panel)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)

        for key, slot in (("N", self.next_conflict), ("Shift+N", self.prev_conflict),
                          ("A", self.accept), ("E", self.edit), ("R", self.reject)):
            sc = QShortcut(QKeySequence(key), self, activated=lambda f=slot: f())
            sc.setContext(Qt.WidgetWithChildrenShortcut)
        for n in range(1, 10):
            sc = QShortcut(QKeySequence(str(n)), self,
                           activated=lambda i=n - 1: self.accept(i))
            sc.setContext(Qt.WidgetWithChildrenShortcut)

        self.timer = QTimer(self)
        self.timer.timeout.connect(self.poll)
        if poll_ms:
            self.timer.start(poll_ms)
        if document_id is not None:
            self.load(document_id)

    # ---- loading ----------------------------------------------------------------------
    def load(self, document_id: int) -> None:
        self.index = 0
        self._load(document_id)

    def reload(self) -> None:
        if self.view is not None:
            self._load(self.view.document_id, keep=True)

    def _load(self, document_id: int, keep: bool = False) -> None:
        old = self.current()
        try:
            self.view = self.service.review(document_id)
        except DomainError as exc:
            self._say(str(exc), error=True)
            return
        self.schema = self.service.schema(self.view.project_id)
        self.marker = self.view.marker
        n = len(self.view.conflicts)
        if keep and old is not None:
            after = [i for i, c in enumerate(self.view.conflicts)
                     if (c.start, c.end) >= (old.start, old.end)]
            self.index = after[0] if after else max(0, n - 1)
        self.index = min(self.index, max(0, n - 1))
        if self.view.agreed_open:
            self._say(f"{self.view.agreed_open} label(s) every annotator agrees on are not in "
                      "gold yet")
        self._draw()

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

    def closeEvent(self, event) -> None:
        self.timer.stop()
        super().closeEvent(event)

    # ---- drawing ----------------------------------------------------------------------
    def current(self):
        if self.view is None or not self.view.conflicts:
            return None
        return self.view.conflicts[min(self.index, len(self.view.conflicts) - 1)]

    def _color(self, label: str) -> str:
        return self.schema.color_of(label) if self.schema else "#dddddd"

    def _draw(self) -> None:
        v = self.view
        n = len(v.conflicts)
        self.title.setText(f"<b>{escape(v.title or '#' + str(v.document_id))}</b> — "
                           f"annotators: {escape(', '.join(v.annotators) or 'none')}")
        self.counter.setText(f"Conflict {self.index + 1} of {n}" if n else "No open conflicts")
        for b in (self.prev_btn, self.next_btn, self.accept_btn, self.edit_btn,
                  self.reject_btn, self.reject_all_btn):
            b.setEnabled(bool(n))
        regions = [(c.start, c.end) for c in v.conflicts]
        cur = self.index if n else None
        self._draw_columns(regions, cur)
        self._draw_merged(regions, cur)
        self._draw_panel()
        self._scroll()

    def _layer_spans(self, layer) -> list[tuple[int, int, str, str]]:
        return [(s.start, s.end, s.label, s.label) for s in layer.spans if s.state == "accepted"]

    def _draw_columns(self, regions, cur) -> None:
        v = self.view
        names = [*v.annotators, GOLD]
        if list(self.browsers) != names:
            while self.columns_layout.count():
                w = self.columns_layout.takeAt(0).widget()
                if w is not None:
                    w.deleteLater()
            self.browsers = {}
            for name in names:
                box = QWidget()
                lay = QVBoxLayout(box)
                lay.setContentsMargins(0, 0, 0, 0)
                head = QLabel(f"<b>{escape('Gold' if name == GOLD else name)}</b>")
                browser = QTextBrowser()
                browser.setOpenLinks(False)
                lay.addWidget(head)
                lay.addWidget(browser)
                self.columns_layout.addWidget(box)
                self.browsers[name] = browser
        for name, browser in self.browsers.items():
            layer = v.gold if name == GOLD else v.layers[name]
            browser.setHtml(render(v.text, self._layer_spans(layer), self._color,
                                   [] if name == GOLD else regions, cur))

    def _draw_merged(self, regions, cur) -> None:
        v = self.view
        who: dict[tuple, list[str]] = {}
        for name in v.annotators:
            for s in v.layers[name].spans:
                if s.state == "accepted":
                    who.setdefault((s.start, s.end, s.label), []).append(name)
        spans = []
        for (s, e, label), names in who.items():
            tag = label if len(names) == len(v.annotators) else f"{label}: {', '.join(names)}"
            spans.append((s, e, label, tag))
        for s in v.gold.spans:
            if s.state == "accepted" and (s.start, s.end, s.label) not in who:
                spans.append((s.start, s.end, s.label, f"{s.label}: gold"))
        self.merged.setHtml(render(v.text, spans, self._color, regions, cur))

    def _draw_panel(self) -> None:
        self.versions.clear()
        c = self.current()
        if c is None:
            self.conflict_label.setText("Every label is decided. Gold has "
                                        f"{sum(1 for s in self.view.gold.spans if s.state == 'accepted')}"
                                        " span(s).")
            return
        missing = f" — missing in {', '.join(c.missing)}" if c.missing else ""
        self.conflict_label.setText(
            f"<b>{c.kind.capitalize()} conflict</b> at [{c.start}, {c.end}): "
            f"“{escape(self.view.text[c.start:c.end][:80])}”{escape(missing)}")
        for i, ver in enumerate(c.versions):
            mark = {"accept": " ✔ in gold", "reject": " ✘ rejected", "edit": " ✎ edited"}.get(
                ver.decided or "", "")
            item = QListWidgetItem(f"{i + 1}. {describe_version(c.kind, ver.key, self.view.text)}"
                                   f"   — {', '.join(ver.annotators)}{mark}")
            self.versions.addItem(item)
        self.versions.setCurrentRow(next((i for i, ver in enumerate(c.versions)
                                          if ver.decided is None), 0))

    def _scroll(self) -> None:
        if self.current() is None:
            return
        anchor = f"c{self.index}"
        for browser in [*self.browsers.values(), self.merged]:
            browser.scrollToAnchor(anchor)

    def _mode_changed(self, index: int) -> None:
        self.stack.setCurrentIndex(index)

    def set_merged(self, merged: bool) -> None:
        self.mode.setCurrentIndex(1 if merged else 0)

    # ---- walking ----------------------------------------------------------------------
    def next_conflict(self) -> None:
        if self.view and self.view.conflicts:
            self.index = (self.index + 1) % len(self.view.conflicts)
            self._draw()

    def prev_conflict(self) -> None:
        if self.view and self.view.conflicts:
            self.index = (self.index - 1) % len(self.view.conflicts)
            self._draw()

    # ---- decisions --------------------------------------------------------------------
    def _selected(self, index: int | None):
        c = self.current()
        if c is None:
            return None, None
        i = self.versions.currentRow() if index is None else index
        if not 0 <= i < len(c.versions):
            return c, None
        return c, c.versions[i]

    def accept(self, index: int | None = None) -> bool:
        _c, ver = self._selected(index)
        if ver is None:
            return False
        return self._decide(lambda: self.service.decide(self.view.document_id, ver.kind, *ver.refs[0]),
                            f"accepted {ver.label} into gold")

    def edit(self, values: dict | None = None, index: int | None = None) -> bool:
        """Accept an edited copy of the selected version; without `values`, ask."""
        c, ver = self._selected(index)
        if ver is None:
            return False
        if values is None:
            labels = (self.schema.entity_names if c.kind == "span" else
                      [r.name for r in self.schema.relations] if c.kind == "relation" else
                      [e.name for e in self.schema.events])
            if c.kind == "span":
                labels = labels + [e.name for e in self.schema.events]
            dlg = EditDialog(c.kind, ver.key, self.view.text, labels, self)
            if dlg.exec() != QDialog.Accepted:
                return False
            values = dlg.values()
        return self._decide(
            lambda: self.service.accept_edited(self.view.document_id, ver, **values),
            "accepted an edited version into gold")

    def reject(self, index: int | None = None, *, all_versions: bool = False) -> bool:
        c, ver = self._selected(index)
        if c is None:
            return False
        chosen = [v for v in c.versions if v.decided is None] if all_versions else [ver]
        if not chosen or chosen == [None]:
            return False
        def reject_all():
            for v in chosen:
                self.service.decide(self.view.document_id, v.kind, *v.refs[0], how="reject")

        return self._decide(reject_all,
                            f"rejected {len(chosen)} version(s)")

    def _decide(self, action, done: str) -> bool:
        try:
            action()
        except (StaleWriteError, NotFoundError) as exc:
            self._say(f"{exc} — reloaded", error=True)
            self.reload()
            return False
        except DomainError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(done)
        self.reload()
        self.decided.emit(self.view.document_id)
        return True

    def _say(self, text: str, *, error: bool = False) -> None:
        color = "#b00000" if error else "#2d6a2d"
        self.status.setText(f"<span style='color:{color}'>{text}</span>")
        self.message.emit(text)
