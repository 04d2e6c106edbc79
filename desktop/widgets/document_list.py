"""The document list: title, status, label counts; filter by status and text; progress."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.workspace import Workspace
from models.orm import LAYER_STATUSES

STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done",
               "approved": "approved", "returned": "returned"}
STATUS_MARK = {"new": "○", "in_progress": "◐", "done": "●", "approved": "✔", "returned": "↩"}


class DocumentList(QWidget):
    documentChosen = Signal(int)

    def __init__(self, ws: Workspace, parent=None):
        super().__init__(parent)
        self.ws = ws
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.search = QLineEdit(placeholderText="Search titles…")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("All", None)
        for st in LAYER_STATUSES:
            self.status.addItem(STATUS_TEXT[st], st)
        self.status.addItem("not done", "not_done")
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        lay.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setHeaderLabels(["Document", "", "Labels"])
        self.tree.headerItem().setToolTip(1, "status: ○ new, ◐ in progress, ● done, "
                                          "✔ approved, ↩ returned")
        self.tree.headerItem().setToolTip(2, "entities · relations · events (+ suggestions)")
        h = self.tree.header()
        h.setStretchLastSection(False)
        h.setSectionResizeMode(0, QHeaderView.Stretch)
        h.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        lay.addWidget(self.tree, 1)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m done")
        self.summary = QLabel()
        lay.addWidget(self.progress)
        lay.addWidget(self.summary)
        self.search.textChanged.connect(self.fill)
        self.status.currentIndexChanged.connect(self.fill)
        self.tree.currentItemChanged.connect(self._chosen)
        ws.documentsChanged.connect(self.fill)
        ws.documentUpdated.connect(self._update_row)
        ws.documentOpened.connect(lambda _v: self._mark_current())
        self.fill()

    def fill(self) -> None:
        needle = self.search.text().strip().lower()
        want = self.status.currentData()
        self.tree.blockSignals(True)
        self.tree.clear()
        current = None
        for d in self.ws.documents:
            if not self._wanted(d, needle, want):
                continue
            item = QTreeWidgetItem()
            self._set_row(item, d)
            self.tree.addTopLevelItem(item)
            if d.id == self.ws.document_id:
                current = item
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.blockSignals(False)
        self._totals()

    @staticmethod
    def _wanted(d, needle: str, want) -> bool:
        if needle and needle not in d.title.lower():
            return False
        if want == "not_done":
            return d.status not in ("done", "approved")
        return want is None or d.status == want

    def _update_row(self, d) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.UserRole) == d.id:
                self._set_row(item, d)
        self._totals()

    def _set_row(self, item: QTreeWidgetItem, d) -> None:
        counts = f"{d.spans}·{d.relations}·{d.events}"
        if d.suggestions:
            counts += f" +{d.suggestions}"
        for col, text in enumerate([d.title or f"document {d.id}",
                                    STATUS_MARK.get(d.status, "?"), counts]):
            item.setText(col, text)
        item.setData(0, Qt.UserRole, d.id)
        status = STATUS_TEXT.get(d.status, d.status)
        detail = (f"{d.title}\n{status} · {d.spans} entities, {d.relations} relations, "
                  f"{d.events} events, {d.suggestions} suggestions\n"
                  f"{d.chars:,} characters · id {d.id}")
        for col in range(3):
            item.setToolTip(col, detail)
        item.setTextAlignment(1, Qt.AlignCenter)

    def _totals(self) -> None:
        docs = self.ws.documents
        done = sum(d.status in ("done", "approved") for d in docs)
        self.progress.setMaximum(max(len(docs), 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} of {len(docs)} done")
        labels = sum(d.spans for d in docs)
        sugg = sum(d.suggestions for d in docs)
        self.summary.setText(f"{len(docs)} documents · {labels} labels · {sugg} suggestions")

    def _mark_current(self) -> None:
        self.tree.blockSignals(True)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.UserRole) == self.ws.document_id:
                self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)

    def _chosen(self, item, _prev) -> None:
        if item is not None:
            self.documentChosen.emit(item.data(0, Qt.UserRole))
