"""The side panel: the document's labels (spans, relations, events with arguments), the
selected label's attributes, kb_id and event arguments, and the comments."""

from __future__ import annotations


from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.widgets.palette import swatch
from desktop.widgets.quiet_label import QuietLabel
from desktop.widgets.span_table import STATE_MARK, STATE_TIP, SpanTableModel
from desktop.workspace import Workspace


class SidePanel(QWidget):
    spanChosen = Signal(int)

    def __init__(self, ws: Workspace, edits, parent=None):
        super().__init__(parent)
        self.ws, self.edits = ws, edits
        self.span_id: int | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        split = QSplitter(Qt.Vertical)
        lay.addWidget(split)

        # the labels of the document: entities in a lazy table, relations and events in a tree
        self.spans_model = SpanTableModel(self)
        self.spans_table = QTableView()
        self.spans_table.setObjectName("spans")
        self.spans_table.setModel(self.spans_model)
        self.spans_table.setSelectionBehavior(QTableView.SelectRows)
        self.spans_table.setSelectionMode(QTableView.SingleSelection)
        self.spans_table.verticalHeader().hide()
        self.spans_table.verticalHeader().setDefaultSectionSize(20)
        # fixed row heights: inserting a row never measures the other thousand
        self.spans_table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.spans_table.horizontalHeader().setStretchLastSection(True)
        self.spans_table.setColumnWidth(0, 130)
        self.spans_table.setShowGrid(False)
        self.spans_table.clicked.connect(self._span_clicked)
        split.addWidget(self.spans_table)
        self.tree = QTreeWidget()
        self.tree.setObjectName("labels")
        self.tree.setHeaderLabels(["Label", "Text"])
        self.tree.setColumnWidth(0, 140)
        self.tree.itemClicked.connect(self._tree_clicked)
        self.tree.setContextMenuPolicy(Qt.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        split.addWidget(self.tree)

        # the selected label
        box = QGroupBox("Selected label")
        form = QVBoxLayout(box)
        self.title = QuietLabel("Click a label in the text to edit it", lines=2)
        form.addWidget(self.title)
        self.attr_form = QFormLayout()
        form.addLayout(self.attr_form)
        self.kb = QLineEdit(placeholderText="knowledge-base id, e.g. Q30 (Enter stores)")
        self.kb.setObjectName("kb_id")
        self.kb.returnPressed.connect(self._kb_entered)
        kb_row = QFormLayout()
        kb_row.addRow("kb_id", self.kb)
        form.addLayout(kb_row)
        self.arg_box = QGroupBox("Add an argument to the event")
        arg = QFormLayout(self.arg_box)
        self.role = QComboBox()
        self.role.setObjectName("role")
        self.target = QComboBox()
        self.target.setObjectName("target")
        self.role.currentIndexChanged.connect(lambda _i: self._fill_targets())
        self.add_arg = QPushButton("Add argument")
        self.add_arg.setObjectName("add_argument")
        self.add_arg.clicked.connect(self._add_argument)
        arg.addRow("Role", self.role)
        arg.addRow("Target", self.target)
        arg.addRow(self.add_arg)
        form.addWidget(self.arg_box)
        form.addStretch(1)
        split.addWidget(box)

        # comments
        cbox = QGroupBox("Comments")
        cl = QVBoxLayout(cbox)
        self.comments = QListWidget()
        self.comments.setWordWrap(True)
        cl.addWidget(self.comments)
        row = QHBoxLayout()
        self.comment_edit = QLineEdit(placeholderText="Add a comment on the document…")
        self.comment_edit.setObjectName("comment")
        self.comment_add = QPushButton("Add")
        self.comment_edit.returnPressed.connect(self._add_comment)
        self.comment_add.clicked.connect(self._add_comment)
        row.addWidget(self.comment_edit, 1)
        row.addWidget(self.comment_add)
        cl.addLayout(row)
        split.addWidget(cbox)
        split.setSizes([250, 170, 260, 160])

        self._shown_tree: tuple | None = None
        self._shown_comments: list | None = None
        self._shown_span: tuple | None = None
        self._attr_widgets: dict[str, QWidget] = {}  # attribute name -> its editor
        self._attr_span: int | None = None  # the span the attribute editors edit
        ws.documentOpened.connect(self._reload)
        ws.layerChanged.connect(self._reload)
        edits.spanFocused.connect(self.show_span)

    # ---- the labels tree -------------------------------------------------------------------------
    def _reload(self, view) -> None:
        if self.span_id is not None and view.span(self.span_id) is None:
            self.span_id = None
        self._fill_tree(view)
        if view.comments != self._shown_comments:
            self._fill_comments(view)
        self.show_span(self.span_id)

    def _tree_key(self, view) -> tuple:
        """What the relations/events tree shows: rebuilt only when this changes."""
        ids = {r.head_id for r in view.relations} | {r.tail_id for r in view.relations}
        ids |= {e.trigger_id for e in view.events}
        ids |= {a.span_id for e in view.events for a in e.arguments if a.span_id}
        return (view.document_id, tuple(view.relations), tuple(view.events),
                tuple(self._short(i) for i in sorted(ids)), self.ws.schema)

    def _fill_tree(self, view) -> None:
        schema = self.ws.schema
        self.spans_model.set_layer(view, schema)
        key = self._tree_key(view)
        if key == self._shown_tree:
            return  # an edit of entities only: the tree stays as it is
        self._shown_tree = key
        self.tree.clear()
        rels = QTreeWidgetItem(self.tree, [f"Relations ({len(view.relations)})"])
        for r in view.relations:
            it = QTreeWidgetItem(rels, [r.label + STATE_MARK.get(r.state, ""),
                                        f"{self._short(r.head_id)} → {self._short(r.tail_id)}"])
            it.setData(0, Qt.UserRole, ("relation", r.id, r.head_id))
            if r.state != "accepted":
                self._faded(it, STATE_TIP[r.state])
        evs = QTreeWidgetItem(self.tree, [f"Events ({len(view.events)})"])
        for e in view.events:
            it = QTreeWidgetItem(evs, [e.type + STATE_MARK.get(e.state, ""),
                                       self._short(e.trigger_id)])
            it.setIcon(0, swatch(schema.color_of(e.type)))
            it.setData(0, Qt.UserRole, ("event", e.id, e.trigger_id))
            for a in e.arguments:
                target = self._short(a.span_id) if a.span_id else f"event {a.event_id}"
                child = QTreeWidgetItem(it, [a.role, target])
                child.setData(0, Qt.UserRole, ("argument", a.id, a.span_id))
        for top in (rels, evs):
            top.setFlags(Qt.ItemIsEnabled)
        self.tree.expandAll()

    @staticmethod
    def _faded(item: QTreeWidgetItem, tip: str) -> None:
        f = item.font(0)
        f.setItalic(True)
        for col in (0, 1):
            item.setFont(col, f)
            item.setForeground(col, QColor(128, 128, 128))  # readable in both themes
            item.setToolTip(col, tip)

    def _short(self, span_id: int | None) -> str:
        text = self.ws.span_text(span_id) if span_id else ""
        return (text[:28] + "…") if len(text) > 29 else text

    def _span_clicked(self, index) -> None:
        sp = self.spans_model.span_at(index.row())
        if sp is not None:
            self.spanChosen.emit(sp.id)

    def _tree_clicked(self, item, _col) -> None:
        data = item.data(0, Qt.UserRole)
        if not data:
            return
        span_id = data[1] if data[0] == "span" else data[2]
        if span_id:
            self.spanChosen.emit(span_id)

    def _tree_menu(self, pos) -> None:
        item = self.tree.itemAt(pos)
        data = item.data(0, Qt.UserRole) if item else None
        if not data:
            return
        menu = QMenu(self)
        kind, row_id = data[0], data[1]
        if kind == "relation":
            menu.addAction("Delete relation", lambda: self.edits.delete_relation(row_id))
        elif kind == "event":
            menu.addAction("Delete event (keep its trigger)",
                           lambda: self.edits.delete_event(row_id))
        elif kind == "argument":
            menu.addAction("Remove argument", lambda: self.edits.remove_argument(row_id))
        elif kind == "span":
            menu.addAction("Select in text", lambda: self.spanChosen.emit(row_id))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    # ---- the selected label --------------------------------------------------------------------
    def show_span(self, span_id: int | None) -> None:
        self.span_id = span_id
        view = self.ws.view
        span = view.span(span_id) if (view and span_id is not None) else None
        key = (span, self.ws.event_of_trigger(span.id) if span else None, self.ws.schema,
               view.text if view else None)
        if span is not None and key == self._shown_span:
            return  # already shown as it is (an edit asks several times): keep the widgets
        self._shown_span = key if span is not None else None
        # every setter below repaints (a label's new text relayouts the panel): only changes
        if self.kb.isEnabled() != (span is not None):
            self.kb.setEnabled(span is not None)
        if not self.arg_box.isHidden():
            self.arg_box.setVisible(False)
        if span is None:
            # greyed, not hidden: kept for the next span, and hiding them would relayout
            # the panel (and repaint half the window) on every deselection
            self._set_attributes_enabled(False)
            self.span_id = None
            self.title.setText("Click a label in the text to edit it")
            if self.kb.text():
                self.kb.clear()
            if self.spans_table.selectionModel().hasSelection():
                self.spans_table.clearSelection()  # the list says nothing is selected, too
            return
        row = self.spans_model.row_of(span.id)
        if row >= 0:
            self.spans_table.selectRow(row)
            self.spans_table.scrollTo(self.spans_model.index(row, 0))
        extra = f" · {span.state}" + (f" · score {span.score:.2f}" if span.score else "")
        # plain text, the label in bold: the article's text is never interpreted as markup
        self.title.setText(f"{span.label} “{self.ws.span_text(span.id)}” [{span.start}, "
                           f"{span.end}){extra}", bold=len(span.label))
        if self.kb.text() != (span.kb_id or ""):
            self.kb.setText(span.kb_id or "")
        self._show_attributes(span)
        event = self.ws.event_of_trigger(span.id)
        if event is not None:
            self._fill_argument_editor(event)

    def _show_attributes(self, span) -> None:
        """The attribute editors of the span's label. The same set of editors (the usual
        case from one span to the next) is kept and only given the span's values."""
        defs = [a for a in self.ws.schema.attributes if a.applies(span.label)]
        self._attr_span = span.id
        if tuple(a.name for a in defs) != tuple(self._attr_widgets):
            self._clear_attributes()
            for adef in defs:
                if adef.values:
                    combo = QComboBox()
                    combo.setObjectName(f"attr_{adef.name}")
                    combo.addItem("—", None)
                    for v in adef.values:
                        combo.addItem(v, v)
                    combo.currentIndexChanged.connect(
                        lambda _i, c=combo, n=adef.name:
                        self.edits.set_attribute("span", self._attr_span, n, c.currentData()))
                    self.attr_form.addRow(adef.name, combo)
                    self._attr_widgets[adef.name] = combo
                else:
                    box = QCheckBox(adef.name)
                    box.setObjectName(f"attr_{adef.name}")
                    box.toggled.connect(lambda on, n=adef.name: self.edits.set_attribute(
                        "span", self._attr_span, n, True if on else None))
                    self.attr_form.addRow(box)
                    self._attr_widgets[adef.name] = box
        self._set_attributes_enabled(True)
        for adef in defs:
            w = self._attr_widgets[adef.name]
            current = span.attributes.get(adef.name)
            w.blockSignals(True)  # showing a value is not an edit
            if isinstance(w, QComboBox):
                w.setCurrentIndex(max(w.findData(current), 0))
            else:
                w.setChecked(bool(current))
            w.blockSignals(False)

    def _set_attributes_enabled(self, on: bool) -> None:
        for w in self._attr_widgets.values():
            if w.isEnabled() != on:
                w.setEnabled(on)
            if not on:  # nothing selected: no value shown
                w.blockSignals(True)
                if isinstance(w, QComboBox):
                    w.setCurrentIndex(0)
                else:
                    w.setChecked(False)
                w.blockSignals(False)

    def _clear_attributes(self) -> None:
        # deleteLater, not removeRow: the edit that triggered this redraw may come from one
        # of these widgets' own signals, and deleting it under its feet crashes
        self._attr_widgets = {}
        while self.attr_form.rowCount():
            row = self.attr_form.takeRow(0)
            for item in (row.labelItem, row.fieldItem):
                w = item.widget() if item is not None else None
                if w is not None:
                    w.hide()
                    w.blockSignals(True)
                    w.deleteLater()

    def _fill_argument_editor(self, event) -> None:
        etype = self.ws.schema.event(event.type)
        self.arg_box.setTitle(f"Add an argument to {event.type}")
        self.arg_box.setVisible(True)
        self.arg_box.setProperty("event_id", event.id)
        self.role.clear()
        for r in (etype.roles if etype else []):
            hint = "|".join(r.labels) if r.labels else "any"
            self.role.addItem(f"{r.name}  ({hint})", r.name)
        self._arg_event = event
        self._fill_targets()

    def _fill_targets(self) -> None:
        """The spans and events the chosen role can take (its labels; none listed: any)."""
        event = getattr(self, "_arg_event", None)
        self.target.clear()
        if event is None or self.ws.view is None:
            return
        etype = self.ws.schema.event(event.type)
        role = etype.role(self.role.currentData()) if etype and self.role.currentData() \
            else None
        allowed = set(role.labels) if role and role.labels else None
        view = self.ws.view
        triggers = {e.trigger_id for e in view.events}
        for sp in view.spans:
            if sp.id == event.trigger_id or sp.state == "rejected" or sp.id in triggers:
                continue  # a trigger is offered as its event, below
            if allowed is None or sp.label in allowed:
                self.target.addItem(f"{sp.label}  “{self._short(sp.id)}”", f"span:{sp.id}")
        for e in view.events:
            if e.id != event.id and (allowed is None or e.type in allowed):
                self.target.addItem(f"event {e.type}  “{self._short(e.trigger_id)}”",
                                    f"event:{e.id}")

    def _add_argument(self) -> None:
        event_id = self.arg_box.property("event_id")
        role, target = self.role.currentData(), self.target.currentData()
        if event_id is None or not role or not target:
            self.ws.say("pick a role and a target for the argument", error=True)
            return
        kind, tid = target.split(":")
        tid = int(tid)
        if kind == "span":
            self.edits.add_argument(event_id, role, span_id=tid)
        else:
            self.edits.add_argument(event_id, role, target_event_id=tid)

    def _kb_entered(self) -> None:
        if self.span_id is not None:
            self.edits.set_kb_id(self.span_id, self.kb.text().strip())

    # ---- comments ---------------------------------------------------------------------------------
    def _fill_comments(self, view) -> None:
        self._shown_comments = list(view.comments)
        self.comments.clear()
        for c in view.comments:
            target = "" if c.target_kind == "document" else f" on {c.target_kind} {c.target_id}"
            self.comments.addItem(f"{c.user}{target} · {c.at[:16].replace('T', ' ')}\n{c.text}")

    def _add_comment(self) -> None:
        text = self.comment_edit.text().strip()
        if not text:
            return
        if self.edits.add_comment(text):
            self.comment_edit.clear()
