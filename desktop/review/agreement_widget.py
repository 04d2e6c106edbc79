"""The agreement panel: pairs of annotators, a per-label heat map, the document categories'
kappa per category, and the documents ranked by disagreement (double-click one to review
it)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.review.colors import score_color
from models.errors import DomainError

PAIR_COLUMNS = (("A", "a"), ("B", "b"), ("Docs", "documents"), ("Span F1", "span_f1"),
                ("Overlap F1", "span_f1_overlap"), ("Relation F1", "relation_f1"),
                ("Event F1", "event_f1"), ("Event+args", "event_f1_args"), ("Kappa", "kappa"),
                ("Category κ", "category_agreement"))


def _cell(text: str, value: float | None = None, *, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemIsSelectable | Qt.ItemIsEnabled)
    if value is not None or text == "–":
        item.setBackground(score_color(value))
        item.setTextAlignment(Qt.AlignCenter)
    if tip:
        item.setToolTip(tip)
    return item


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.2f}"


class AgreementWidget(QWidget):
    documentActivated = Signal(int)  # a document id to open in review mode

    def __init__(self, service, project: str | int, parent=None):
        super().__init__(parent)
        self.service = service
        self.project = project
        self.report: dict = {}
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(refresh)

        self.pairs = self._table([c for c, _ in PAIR_COLUMNS])
        self.heat = self._table([])
        self.heat.setToolTip("Span F1 per label and pair (exact match); grey: label unused")
        self.per_category = self._table([])
        self.per_category.setToolTip("Cohen's kappa per document category and pair, over the "
                                     "documents both annotated (yes: the category accepted)")
        self.docs = self._table(["Document", "Annotators", "F1", "Kappa", "Disagreement"])
        self.docs.cellDoubleClicked.connect(self._open_doc)

        split = QSplitter(Qt.Vertical)
        for title, table in (("Pairs of annotators", self.pairs),
                             ("Per label (span F1)", self.heat),
                             ("Per document category (Cohen's kappa)", self.per_category),
                             ("Documents, most disagreement first (double-click to review)",
                              self.docs)):
            box = QWidget()
            lay = QVBoxLayout(box)
            lay.setContentsMargins(0, 4, 0, 0)
            head = QLabel(f"<b>{title}</b>")
            lay.addWidget(head)
            lay.addWidget(table)
            split.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.refresh()

    @staticmethod
    def _table(headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.setEditTriggers(QAbstractItemView.NoEditTriggers)
        t.setSelectionBehavior(QAbstractItemView.SelectRows)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        t.horizontalHeader().setMinimumSectionSize(56)
        return t

    def refresh(self) -> None:
        try:
            self.report = self.service.agreement(self.project)
        except DomainError as exc:
            self.summary.setText(f"<span style='color:#b00'>{exc}</span>")
            return
        rep = self.report
        if not rep["pairs"]:
            who = ", ".join(rep["annotators"]) or "nobody yet"
            self.summary.setText(f"No document has two annotators yet (annotated by {who}). "
                                 "Agreement needs at least two annotators on the same "
                                 "documents.")
        else:
            alpha = _fmt(rep["alpha"])
            self.summary.setText(
                f"{_n(len(rep['annotators']), 'annotator')}, {_n(len(rep['pairs']), 'pair')}, "
                f"{_n(len(rep['documents']), 'document')} compared. Krippendorff's alpha over "
                f"tokens: <b>{alpha}</b>")
        self._fill_pairs(rep["pairs"])
        self._fill_heat(rep["pairs"], rep["per_label"])
        self._fill_categories(rep["pairs"])
        self._fill_docs(rep["documents"])

    def _fill_pairs(self, pairs: list[dict]) -> None:
        self.pairs.setRowCount(len(pairs))
        empty = {"relation_f1": "relations", "event_f1": "events", "event_f1_args": "events",
                 "span_f1": "spans", "span_f1_overlap": "spans"}
        for r, p in enumerate(pairs):
            for c, (_, key) in enumerate(PAIR_COLUMNS):
                v = p[key]
                kind = empty.get(key)
                if kind and not any(p["counts"][kind][:2]):
                    self.pairs.setItem(r, c, _cell("–", None, tip=f"neither labeled {kind}"))
                    continue
                if isinstance(v, float) or (v is None and c > 2):
                    self.pairs.setItem(r, c, _cell(_fmt(v), v))
                else:
                    self.pairs.setItem(r, c, _cell(str(v)))

    def _fill_heat(self, pairs: list[dict], pooled: dict) -> None:
        labels = list(pooled)
        self.heat.setColumnCount(len(labels) + 1)
        self.heat.setHorizontalHeaderLabels(["Pair", *labels])
        rows = [("all pairs", {k: {**v, "a": v["count"], "b": 0} for k, v in pooled.items()})]
        rows += [(f"{p['a']} / {p['b']}", p["per_label"]) for p in pairs]
        self.heat.setRowCount(len(rows) if pairs else 0)
        for r, (name, per) in enumerate(rows if pairs else []):
            self.heat.setItem(r, 0, _cell(name))
            for c, label in enumerate(labels, start=1):
                row = per.get(label)
                if row is None:
                    self.heat.setItem(r, c, _cell("–", None, tip=f"{label}: not used"))
                    continue
                tip = (f"{label}: exact {_fmt(row['span_f1'])}, overlap "
                       f"{_fmt(row['span_f1_overlap'])}")
                self.heat.setItem(r, c, _cell(_fmt(row["span_f1"]), row["span_f1"], tip=tip))

    def _fill_categories(self, pairs: list[dict]) -> None:
        names = list(dict.fromkeys(n for p in pairs for n in p.get("per_category", {})))
        self.per_category.setColumnCount(len(names) + 1)
        self.per_category.setHorizontalHeaderLabels(["Pair", *names])
        self.per_category.setRowCount(len(pairs) if names else 0)
        for r, p in enumerate(pairs if names else []):
            self.per_category.setItem(r, 0, _cell(f"{p['a']} / {p['b']}"))
            for c, name in enumerate(names, start=1):
                row = p["per_category"].get(name)
                if row is None:
                    self.per_category.setItem(r, c, _cell("–", None,
                                                          tip=f"{name}: given by neither"))
                    continue
                tip = (f"{name}: {p['a']} gave it {_n(row['a'], 'document')}, {p['b']} "
                       f"{_n(row['b'], 'document')}, both {row['both']}")
                self.per_category.setItem(r, c, _cell(_fmt(row["kappa"]), row["kappa"],
                                                      tip=tip))

    def _fill_docs(self, docs: list[dict]) -> None:
        self.docs.setRowCount(len(docs))
        for r, d in enumerate(docs):
            title = _cell(d["title"] or f"#{d['id']}")
            title.setData(Qt.UserRole, d["id"])
            self.docs.setItem(r, 0, title)
            self.docs.setItem(r, 1, _cell(", ".join(d["annotators"])))
            self.docs.setItem(r, 2, _cell(_fmt(d["f1"]), d["f1"]))
            self.docs.setItem(r, 3, _cell(_fmt(d["kappa"]), d["kappa"]))
            self.docs.setItem(r, 4, _cell(_fmt(d["disagreement"]),
                                          1.0 - d["disagreement"]))

    def _open_doc(self, row: int, _col: int) -> None:
        item = self.docs.item(row, 0)
        if item is not None:
            self.documentActivated.emit(int(item.data(Qt.UserRole)))
