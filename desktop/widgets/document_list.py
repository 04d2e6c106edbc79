"""The document list: title, status, label counts and document categories, filtered by
status, category and title search, with the project's progress. A virtual model: only the rows on screen are drawn, so a
project of 50,000 documents opens as fast as one of ten."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.widgets.quiet_label import QuietLabel
from desktop.workspace import Workspace
from models.orm import LAYER_STATUSES

STATUS_TEXT = {"new": "new", "in_progress": "in progress", "done": "done",
               "approved": "approved", "returned": "returned"}
STATUS_MARK = {"new": "○", "in_progress": "◐", "done": "●", "approved": "✔", "returned": "↩"}
ID_ROLE = Qt.UserRole
_DISPLAY, _TOOLTIP, _ALIGN = int(Qt.DisplayRole), int(Qt.ToolTipRole), int(Qt.TextAlignmentRole)


def duration(seconds: int) -> str:
    """12 s, 4 min, 1 h 05 min: the active time of a document or a project."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


class DocumentModel(QAbstractTableModel):
    HEADERS = ("Document", "", "Labels", "Categories")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.docs: list = []
        self.row_of: dict[int, int] = {}

    def set_documents(self, docs) -> None:
        self.beginResetModel()
        self.docs = list(docs)
        self.row_of = {d.id: i for i, d in enumerate(self.docs)}
        self.endResetModel()

    def update_document(self, d) -> None:
        """One document's row changed: only the cells whose text changed are signalled (a
        range of cells makes the view repaint its whole viewport)."""
        row = self.row_of.get(d.id)
        if row is None:
            return
        old, self.docs[row] = self.docs[row], d
        for col in range(len(self.HEADERS)):
            if self._display(old, col) != self._display(d, col):
                index = self.index(row, col)
                self.dataChanged.emit(index, index)

    @staticmethod
    def _display(d, col: int) -> str:
        if col == 0:
            return d.title or f"document {d.id}"
        if col == 1:
            return STATUS_MARK.get(d.status, "?")
        if col == 3:
            return ", ".join(d.categories)
        counts = f"{d.spans}·{d.relations}·{d.events}"
        return counts + (f" +{d.suggestions}" if d.suggestions else "")

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.docs)

    def columnCount(self, parent=None) -> int:
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and int(role) == _DISPLAY:
            return self.HEADERS[section]
        if orientation == Qt.Horizontal and int(role) == _TOOLTIP:
            return ("status: ○ new, ◐ in progress, ● done, ✔ approved, ↩ returned"
                    if section == 1 else "entities · relations · events (+ suggestions)"
                    if section == 2 else "the document's categories" if section == 3 else None)
        return None

    def data(self, index, role=Qt.DisplayRole):
        d = self.docs[index.row()]
        role, col = int(role), index.column()
        if role == _DISPLAY:
            return self._display(d, col)
        if role == int(ID_ROLE):
            return d.id
        if role == _TOOLTIP:
            return (f"{d.title}\n{STATUS_TEXT.get(d.status, d.status)} · {d.spans} entities, "
                    f"{d.relations} relations, {d.events} events, {d.suggestions} "
                    f"suggestions\n{d.chars:,} characters · id {d.id}"
                    f"\nactive time: {duration(d.active_seconds)}"
                    + (f"\ncategories: {', '.join(d.categories)}" if d.categories else ""))
        if role == _ALIGN and col == 1:
            return int(Qt.AlignCenter)
        return None


NO_CATEGORY = "\x00none"  # the category filter's "no category" choice


class _Filter(QSortFilterProxyModel):
    """Title search, status and category filters."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.needle, self.want, self.category = "", None, None

    def set(self, needle: str, want, category=None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10+: invalidateFilter is deprecated
            self.beginFilterChange()
            self.needle, self.want, self.category = needle, want, category
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.needle, self.want, self.category = needle, want, category
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, row, parent) -> bool:
        d = self.sourceModel().docs[row]
        if self.needle and self.needle not in d.title.lower():
            return False
        if self.category == NO_CATEGORY:
            if d.categories:
                return False
        elif self.category is not None and self.category not in d.categories:
            return False
        if self.want == "not_done":
            return d.status not in ("done", "approved")
        return self.want is None or d.status == self.want


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
        self.category = QComboBox()
        self.category.setObjectName("category_filter")
        self.category.setToolTip("Show the documents with this category (none: without "
                                 "any category)")
        # as narrow as a short name: the list's panel must not grow by the longest one
        self.category.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category.setMinimumContentsLength(5)
        self._fill_categories(ws.schema)
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.category)
        lay.addLayout(top)
        self.model = DocumentModel(self)
        self.proxy = _Filter(self)
        self.proxy.setSourceModel(self.model)
        # A table, not a tree: a tree measures a row's size hint when its cells change (every
        # edit changes the open document's counts), asking the model for each role of each
        # cell. Fixed row heights: 50,000 rows need not be measured.
        self.tree = QTableView()
        self.tree.setModel(self.proxy)
        self.tree.setShowGrid(False)
        self.tree.setWordWrap(False)
        self.tree.setCornerButtonEnabled(False)
        self.tree.verticalHeader().hide()
        self.tree.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.tree.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SingleSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        h = self.tree.horizontalHeader()
        h.setHighlightSections(False)
        h.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        h.setStretchLastSection(False)
        h.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in (1, 2, 3):  # fixed, not ResizeToContents: that would measure every row
            h.setSectionResizeMode(col, QHeaderView.Fixed)
        h.resizeSection(1, 24)
        h.resizeSection(2, 80)
        h.resizeSection(3, 80)
        self.tree.setColumnHidden(3, not ws.schema.categories)
        lay.addWidget(self.tree, 1)
        self.progress = QProgressBar()
        self.progress.setFormat("%v of %m done")
        self.summary = QuietLabel()  # its text changes with every edit
        lay.addWidget(self.progress)
        lay.addWidget(self.summary)
        self.search.textChanged.connect(self._filter)
        self.status.currentIndexChanged.connect(self._filter)
        self.category.currentIndexChanged.connect(self._filter)
        ws.schemaChanged.connect(self._fill_categories)
        self.tree.selectionModel().currentRowChanged.connect(self._chosen)
        ws.documentsChanged.connect(self.fill)
        ws.documentUpdated.connect(self._update_row)
        ws.documentOpened.connect(lambda _v: self._mark_current())
        self._quiet = False
        self.fill()

    def row_count(self) -> int:
        """Documents shown (after the filters)."""
        return self.proxy.rowCount()

    def fill(self) -> None:
        self._quiet = True
        self.model.set_documents(self.ws.documents)
        self._quiet = False
        self._mark_current()
        self._totals()

    def _fill_categories(self, schema) -> None:
        current = self.category.currentData()
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem("All", None)
        for name in schema.category_names:
            self.category.addItem(name, name)
        self.category.addItem("none", NO_CATEGORY)
        i = self.category.findData(current)
        self.category.setCurrentIndex(max(i, 0))
        self.category.blockSignals(False)
        self.category.setVisible(bool(schema.categories))
        if hasattr(self, "tree"):
            self.tree.setColumnHidden(3, not schema.categories)

    def _filter(self) -> None:
        self._quiet = True
        self.proxy.set(self.search.text().strip().lower(), self.status.currentData(),
                       self.category.currentData())
        self._quiet = False
        self._mark_current()

    def _update_row(self, d) -> None:
        self.model.update_document(d)
        self._totals()

    def _totals(self) -> None:
        docs = self.ws.documents
        done = sum(d.status in ("done", "approved") for d in docs)
        self.progress.setMaximum(max(len(docs), 1))
        self.progress.setValue(done)
        active = sum(d.active_seconds for d in docs)
        self.progress.setFormat(f"{done} of {len(docs)} done"
                                + (f" · {duration(active)} active" if active else ""))
        labels = sum(d.spans for d in docs)
        sugg = sum(d.suggestions for d in docs)
        self.summary.setText(f"{len(docs)} documents · {labels} labels · {sugg} suggestions")

    def _mark_current(self) -> None:
        row = self.model.row_of.get(self.ws.document_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self._quiet = True
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
            self._quiet = False

    def _chosen(self, current, _previous) -> None:
        if self._quiet or not current.isValid():
            return
        doc_id = self.proxy.data(current, ID_ROLE)
        if doc_id is not None and doc_id != self.ws.document_id:
            self.documentChosen.emit(doc_id)
