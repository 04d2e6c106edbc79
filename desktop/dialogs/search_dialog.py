"""Edit > Search the project (Ctrl+Shift+F): matches with their context, counts per
document, a click opens the place; from the results, label the matches or relabel/delete
the labels found, as one undoable step with a preview of how many labels change."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from desktop.controllers.bulk_search import BulkLabeler
from desktop.jobs import Cancelled, Jobs
from desktop.workspace import Workspace
from models.orm import LAYER_STATUSES
from models.services.search import Query, plan_delete, plan_label, plan_relabel

MODES = [("text", "Text"), ("regex", "Regular expression"),
         ("tokens", "Token pattern (spaCy Matcher JSON)")]
HINTS = {"text": "words to find, e.g. White House",
         "regex": r"a Python regular expression, e.g. \b[A-Z]{2,}\b",
         "tokens": '[{"LOWER": "new"}, {"IS_TITLE": true}]'}
ACTIONS = [("label", "Label the matches as"), ("relabel", "Relabel the labels found as"),
           ("delete", "Delete the labels found")]
MATCH_ROLE = Qt.UserRole + 1


class SearchDialog(QDialog):
    placeChosen = Signal(int, int, int, object)  # document id, start, end, span id or None

    def __init__(self, ws: Workspace, jobs: Jobs, edits, parent=None):
        super().__init__(parent)
        self.ws, self.jobs = ws, jobs
        self.bulk = BulkLabeler(ws, jobs, edits, self)
        self.result = None
        self.setWindowTitle(f"Search {ws.project_name}")
        lay = QVBoxLayout(self)

        top = QGridLayout()
        self.pattern = QLineEdit(objectName="pattern")
        self.pattern.returnPressed.connect(self.run_search)
        self.mode = QComboBox(objectName="mode")
        for value, text in MODES:
            self.mode.addItem(text, value)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.go = QPushButton("Search", objectName="search")
        self.go.clicked.connect(self.run_search)
        top.addWidget(self.pattern, 0, 0, 1, 3)
        top.addWidget(self.mode, 0, 3)
        top.addWidget(self.go, 0, 4)
        self.case = QCheckBox("Match case", objectName="case")
        self.whole = QCheckBox("Whole words", objectName="whole", checked=True)
        self.label_filter = QComboBox(objectName="label_filter")
        self.label_filter.addItem("anywhere", None)
        for name in ws.schema.entity_names:
            self.label_filter.addItem(f"only where labeled {name}", name)
        self.status_filter = QComboBox(objectName="status_filter")
        self.status_filter.addItem("in every document", None)
        self.status_filter.addItem("in finished documents", "finished")
        for s in LAYER_STATUSES:
            self.status_filter.addItem(f"in documents {s.replace('_', ' ')}", s)
        top.addWidget(self.case, 1, 0)
        top.addWidget(self.whole, 1, 1)
        top.addWidget(self.label_filter, 1, 2)
        top.addWidget(self.status_filter, 1, 3, 1, 2)
        top.setColumnStretch(2, 1)
        lay.addLayout(top)

        self.summary = QLabel(objectName="summary")
        lay.addWidget(self.summary)
        self.tree = QTreeWidget(objectName="results")
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["", "match", "", "labels found"])
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QTreeWidget.ExtendedSelection)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeToContents)
        header.setStretchLastSection(False)
        self.tree.itemClicked.connect(self._open)
        self.tree.itemActivated.connect(self._open)
        self.tree.itemSelectionChanged.connect(self._update_preview)
        lay.addWidget(self.tree, 1)

        bottom = QHBoxLayout()
        self.action = QComboBox(objectName="action")
        for value, text in ACTIONS:
            self.action.addItem(text, value)
        self.label = QComboBox(objectName="bulk_label")
        for name in ws.schema.entity_names:
            self.label.addItem(name, name)
        self.only_selected = QCheckBox("only the selected matches", objectName="only_selected")
        self.apply_button = QPushButton("Apply", objectName="apply")
        self.apply_button.clicked.connect(self.apply)
        for w in (self.action, self.label, self.only_selected):
            bottom.addWidget(w)
        bottom.addStretch(1)
        bottom.addWidget(self.apply_button)
        lay.addLayout(bottom)
        self.preview = QLabel(objectName="preview")
        self.preview.setWordWrap(True)
        lay.addWidget(self.preview)
        for combo in (self.action, self.label):
            combo.currentIndexChanged.connect(self._update_preview)
        self.only_selected.toggled.connect(self._update_preview)
        self._mode_changed()
        self._update_preview()
        self.resize(900, 560)

    # ---- searching --------------------------------------------------------------------------
    def query(self) -> Query:
        return Query(self.pattern.text(), self.mode.currentData(), self.case.isChecked(),
                     self.whole.isChecked(), self.label_filter.currentData(),
                     self.status_filter.currentData())

    def _mode_changed(self) -> None:
        mode = self.mode.currentData()
        self.pattern.setPlaceholderText(HINTS[mode])
        self.whole.setEnabled(mode == "text")

    def run_search(self) -> bool:
        query = self.query()
        svc, pid = self.ws.service, self.ws.project_id

        def work(state):
            return svc.search(pid, query, progress=lambda d, t: state.progress(
                d, t, "searching"))

        if not self.jobs.start("Searching", work, self._show, self._failed):
            return False
        self.summary.setText("searching…")
        self.go.setEnabled(False)
        return True

    def _failed(self, exc) -> None:
        self.go.setEnabled(True)
        self.summary.setText("search cancelled" if isinstance(exc, Cancelled) else f"⚠ {exc}")

    def _show(self, result) -> None:
        self.go.setEnabled(True)
        self.result = result
        self.tree.clear()
        counts = result.per_document()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        parents: dict[int, QTreeWidgetItem] = {}
        for m in result.matches:
            parent = parents.get(m.document_id)
            if parent is None:
                n = counts[m.document_id]
                parent = QTreeWidgetItem([f"{m.title or f'document {m.document_id}'} — "
                                          f"{n} match{'es' if n != 1 else ''}"])
                parent.setFirstColumnSpanned(True)
                parent.setFont(0, bold)
                parents[m.document_id] = parent
                self.tree.addTopLevelItem(parent)
            labels = ", ".join(f"{f.label}{'?' if f.state == 'suggested' else ''}"
                               for f in m.labels)
            item = QTreeWidgetItem(["…" + m.before, m.text, m.after + "…", labels])
            item.setTextAlignment(0, Qt.AlignRight | Qt.AlignVCenter)
            item.setFont(1, bold)
            item.setData(0, MATCH_ROLE, m)
            parent.addChild(item)
        self.tree.expandAll()
        docs = len(counts)
        self.summary.setText(f"{len(result.matches)} match(es) in {docs} of "
                             f"{result.documents_searched} document(s) searched")
        self._update_preview()

    def _open(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        m = item.data(0, MATCH_ROLE)
        if m is None and item.childCount():
            m = item.child(0).data(0, MATCH_ROLE)
        if m is None:
            return
        self.placeChosen.emit(m.document_id, m.start, m.end,
                              m.labels[0].span_id if len(m.labels) == 1 else None)

    # ---- the bulk action ------------------------------------------------------------------
    def chosen_matches(self) -> list:
        if self.result is None:
            return []
        if not self.only_selected.isChecked():
            return list(self.result.matches)
        out = []
        for item in self.tree.selectedItems():
            if item.data(0, MATCH_ROLE) is not None:
                out.append(item.data(0, MATCH_ROLE))
            else:  # a document row stands for all its matches
                out += [item.child(i).data(0, MATCH_ROLE) for i in range(item.childCount())]
        seen, unique = set(), []
        for m in out:
            if id(m) not in seen:
                seen.add(id(m))
                unique.append(m)
        return unique

    def plan(self):
        matches, action, label = self.chosen_matches(), self.action.currentData(), \
            self.label.currentData()
        if action == "label":
            return plan_label(matches, label), f"Label as {label}", "create"
        if action == "relabel":
            return plan_relabel(matches, label), f"Relabel as {label}", "relabel"
        return plan_delete(matches), "Delete", "delete"

    def _update_preview(self) -> None:
        self.label.setEnabled(self.action.currentData() != "delete")
        if self.result is None:
            self.preview.setText("search first; the change is previewed here before it is "
                                 "made")
            self.apply_button.setEnabled(False)
            return
        plan, _title, verb = self.plan()
        self.preview.setText(plan.preview(f"will {verb}"))
        self.apply_button.setEnabled(bool(plan.operations))

    def apply(self) -> bool:
        plan, title, verb = self.plan()
        text = f"{title}: {len(plan.operations)} label(s) from the search “{self.pattern.text()}”"
        started = self.bulk.apply(plan, text, lambda _changes: self.run_search())
        if started:
            self.apply_button.setEnabled(False)
        return started
