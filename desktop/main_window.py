"""The main window: lays out the panels and wires menus to the controllers.

The work is done by controllers (editing, navigation, importing) and panels; this file only
assembles them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QGuiApplication, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from desktop import theme
from desktop.actions import ActionBuilder
from desktop.controllers.categories import CategoryController
from desktop.controllers.editing import EditController
from desktop.controllers.live import LiveUpdates
from desktop.controllers.suggesting import SuggestController
from desktop.controllers.importing import ImportController
from desktop.controllers.navigation import NavigationController
from desktop.docview import DocumentView
from desktop.jobs import Jobs, JobsWidget
from desktop.keys import TextInputGuard
from desktop.widgets.category_bar import CategoryBar
from desktop.widgets.document_list import DocumentList
from desktop.widgets.palette import LabelPalette
from desktop.widgets.side_panel import SidePanel
from desktop.widgets.text_splitter import TextFirstSplitter
from desktop.workspace import Workspace


class FindBar(QWidget):
    def __init__(self, docview, ws: Workspace, parent=None):
        super().__init__(parent)
        self.docview, self.ws = docview, ws
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Find:"))
        self.edit = QLineEdit(placeholderText="text in this document (Enter: select it, "
                                              "then a label key; F3: next)")
        self.edit.setObjectName("find")
        self.edit.returnPressed.connect(self._enter)
        lay.addWidget(self.edit, 1)
        close = QPushButton("×")
        close.setFlat(True)
        close.clicked.connect(self.hide)
        lay.addWidget(close)
        self.hide()

    def open(self) -> None:
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def _enter(self) -> None:
        """Found: the text takes the keys, so the next label key labels what was found
        instead of being typed into this box."""
        if self.find(True):
            self.docview.setFocus()

    def find(self, forward: bool = True) -> bool:
        text = self.edit.text()
        found = self.docview.find(text, forward)
        if not found and text:
            self.ws.say(f"“{text}” is not in this document", error=True)
        return found


class MainWindow(QMainWindow):
    projectRequested = Signal()  # File > Open/create project: the app swaps the window

    def __init__(self, ws: Workspace):
        super().__init__()
        self.ws = ws
        self.setWindowTitle(f"Marginalia — {ws.project_name} ({ws.service.user})")
        self.setAcceptDrops(True)
        self.undo = QUndoStack(self)
        self.docview = DocumentView()
        self.edits = EditController(ws, self.docview, self.undo, self)
        self.categories = CategoryController(ws, self.edits, self)
        self.nav = NavigationController(ws, self.edits, self)
        self.jobs_widget = JobsWidget()
        self.jobs = Jobs(self.jobs_widget)
        self.importer = ImportController(ws, self.jobs, self)
        self.suggesting = SuggestController(ws, self.jobs, self.edits, self)
        self.live = LiveUpdates(ws, self.edits, self)
        from desktop.controllers.active_time import ActiveTime

        self.active_time = ActiveTime(self, ws, parent=self)
        self._build_layout()
        self._build_menus()
        self.statusBar().addPermanentWidget(self.jobs_widget)
        self.doc_label = QLabel()
        # a label whose text changes with every edit must not resize the status bar: that
        # relayouts and repaints the whole lower window on each keystroke
        # (a widget of fixed size never asks its parent for a new layout)
        self.doc_label.setFixedSize(
            self.doc_label.fontMetrics().horizontalAdvance(
                "in progress · 00000 spans · 0000 relations · 0000 events · 0000 suggestions"),
            self.doc_label.sizeHint().height())
        self._error_style = False
        self.statusBar().addPermanentWidget(self.doc_label)
        ws.message.connect(self.show_message)
        self.jobs.message.connect(self.show_message)
        ws.documentOpened.connect(self._document_opened)
        ws.layerChanged.connect(self._layer_changed)
        ws.schemaChanged.connect(self._schema_changed)
        self.set_theme(theme.saved_mode(), remember=False)
        self._guard = TextInputGuard(self)  # text fields keep their keys
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda _s: self.set_theme(self.theme_mode, remember=False)
            if self.theme_mode == "system" else None)

    # ---- layout ----------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.doclist = DocumentList(self.ws)
        self.doclist.documentChosen.connect(self.nav.open)
        self.palette_list = LabelPalette()
        self.palette_list.set_schema(self.ws.schema)
        self.palette_list.labelChosen.connect(self.edits.label)
        left = QSplitter(Qt.Vertical)
        left.addWidget(self.doclist)
        left.addWidget(self.palette_list)
        left.setSizes([460, 300])

        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setTextFormat(Qt.PlainText)
        self.heading.setWordWrap(True)
        f = self.heading.font()
        f.setPointSizeF(f.pointSizeF() * 1.25)
        f.setBold(True)
        self.heading.setFont(f)
        self.heading.setContentsMargins(6, 6, 6, 2)
        self.findbar = FindBar(self.docview, self.ws)
        self.category_bar = CategoryBar()
        self.category_bar.set_schema(self.ws.schema)
        self.category_bar.toggleRequested.connect(self.categories.toggle)
        self.category_bar.decideRequested.connect(self.categories.decide)
        cl.addWidget(self.heading)
        cl.addWidget(self.category_bar)
        cl.addWidget(self.findbar)
        cl.addWidget(self.docview, 1)

        self.side = SidePanel(self.ws, self.edits)
        self.side.spanChosen.connect(self.edits.select)
        # the panel shows what the text has selected once the click is handled (R + a click
        # on the tail makes a relation and selects the head again, not the tail clicked)
        self.docview.spanActivated.connect(
            lambda _sid: self.side.show_span(self.docview.selected_span()))

        split = TextFirstSplitter(Qt.Horizontal)
        self.splitter = split
        split.addWidget(left)
        split.addWidget(centre)
        split.addWidget(self.side)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 620, 330])
        self.setCentralWidget(split)

    def _build_menus(self) -> None:
        category_keys = {c.key for g in self.ws.schema.categories for c in g.categories
                         if c.key}
        b = ActionBuilder(self, set(self.ws.label_keys()) | category_keys)
        self.actions_by_name = b.actions
        mb = self.menuBar()
        e = self.edits

        m = mb.addMenu("&File")
        b.add(m, "open_project", "Open or create project…", self.projectRequested.emit,
              ["Ctrl+O"])
        b.add(m, "import", "Import…", self.show_import, ["Ctrl+I"])
        b.add(m, "export", "Export…", self.show_export, ["Ctrl+E"])
        m.addSeparator()
        b.add(m, "quit", "Quit", self.close, ["Ctrl+Q"])

        m = mb.addMenu("&Edit")
        undo = b.add(m, "undo", "Undo", e.undo_step, ["Ctrl+Z"])
        redo = b.add(m, "redo", "Redo", lambda: e.undo_step(redo=True),
                     ["Ctrl+Shift+Z", "Ctrl+Y"])
        self.undo.canUndoChanged.connect(undo.setEnabled)
        self.undo.canRedoChanged.connect(redo.setEnabled)
        self.undo.undoTextChanged.connect(lambda t: undo.setText(f"Undo {t}" if t else "Undo"))
        self.undo.redoTextChanged.connect(lambda t: redo.setText(f"Redo {t}" if t else "Redo"))
        undo.setEnabled(False)
        redo.setEnabled(False)
        m.addSeparator()
        b.add(m, "delete", "Delete label", e.delete, ["Delete"])
        b.add(m, "grow_end", "Extend label by a token to the right", lambda: e.resize("grow_end"),
              ["Alt+Shift+Right"])
        b.add(m, "grow_start", "Extend label by a token to the left",
              lambda: e.resize("grow_start"), ["Alt+Shift+Left"])
        b.add(m, "shrink_end", "Shrink label's end by a token", lambda: e.resize("shrink_end"),
              ["Alt+Ctrl+Left"])
        b.add(m, "shrink_start", "Shrink label's start by a token",
              lambda: e.resize("shrink_start"), ["Alt+Ctrl+Right"])
        m.addSeparator()
        b.add(m, "label_all_doc", "Label all occurrences in document",
              lambda: e.label_all_occurrences(False), ["Ctrl+L"])
        b.add(m, "label_all_project", "Label all occurrences in project",
              lambda: e.label_all_occurrences(True), ["Ctrl+Shift+L"])
        m.addSeparator()
        b.add(m, "find", "Find in document…", self.findbar.open, ["Ctrl+F"])
        b.add(m, "search_project", "Search the project…", self.show_search, ["Ctrl+Shift+F"])
        b.add(m, "find_next", "Find next", lambda: self.findbar.find(True), ["F3"])
        b.add(m, "find_prev", "Find previous", lambda: self.findbar.find(False), ["Shift+F3"])
        b.add(m, "snap", "Snap selection to tokens", self.docview.set_snap_to_tokens, ["Ctrl+T"],
              checkable=True, checked=True)
        b.add(m, "cancel", "Cancel relation", self._escape, ["Esc"])

        m = mb.addMenu("&Label")
        for ent in self.ws.schema.entities:
            b.add(m, f"label_{ent.name}", ent.name, lambda n=ent.name: e.label(n),
                  [ent.key] if ent.key else [])
        if self.ws.schema.events:
            sub = m.addMenu("Event types")
            for ev in self.ws.schema.events:
                b.add(sub, f"label_{ev.name}", ev.name, lambda n=ev.name: e.label(n),
                      [ev.key] if ev.key else [])
        m.addSeparator()
        b.add(m, "relation", "Relation from selected label…", e.start_relation, ["R"])
        b.add(m, "event", "Event on selection…", e.start_event, ["E"])
        if self.ws.schema.categories:
            m = mb.addMenu("&Categories")
            for group in self.ws.schema.categories:
                sub = m.addMenu(f"{group.name} ({'one of' if group.exclusive else 'any'})")
                for cat in group.categories:
                    b.add(sub, f"category_{cat.name}", cat.name,
                          lambda n=cat.name: self.categories.toggle(n),
                          [cat.key] if cat.key else [], tip=cat.description)

        m = mb.addMenu("&Suggestions")
        b.add(m, "next_suggestion", "Next suggestion", e.next_suggestion, ["Tab"])
        b.add(m, "prev_suggestion", "Previous suggestion",
              lambda: e.next_suggestion(False), ["Shift+Tab"])
        b.add(m, "accept", "Accept suggestion", lambda: e.review_selected(True),
              ["Return", "Enter", "A"])
        b.add(m, "reject", "Reject suggestion", lambda: e.review_selected(False),
              ["Backspace", "X"])
        b.add(m, "accept_all", "Accept all suggestions in document", e.accept_all,
              ["Ctrl+Shift+A"])
        m.addSeparator()
        sg = self.suggesting
        b.add(m, "suggest_doc", "Suggest for this document", sg.suggest_document,
              ["Ctrl+Shift+S"])
        b.add(m, "suggest_project", "Suggest for all documents (background)",
              sg.suggest_project, ["Ctrl+Alt+S"])
        b.add(m, "train", "Train a model from the labels…", sg.train)
        b.add(m, "uncertainty", "Order documents by model uncertainty", sg.order_by_uncertainty)
        b.add(m, "category_uncertainty", "Order documents by category uncertainty",
              sg.order_by_category_uncertainty)
        m.addSeparator()
        b.add(m, "pipeline", "Suggester pipeline…", sg.choose_pipeline)
        b.add(m, "textcat_threshold", "Category threshold…", sg.choose_textcat_threshold)
        b.add(m, "mapping", "Label mapping…", sg.edit_mapping)
        b.add(m, "suggester_stats", "Suggester statistics…", sg.suggester_stats)

        m = mb.addMenu("&Review")
        b.add(m, "review_doc", "Review this document (all layers)…", self.show_review,
              ["Ctrl+R"])
        b.add(m, "agreement", "Agreement between annotators…", self.show_agreement,
              ["Ctrl+Shift+R"])

        m = mb.addMenu("&Go")
        b.add(m, "next_doc", "Next document", lambda: self.nav.step(1),
              ["Ctrl+PgDown", "Alt+Right"])
        b.add(m, "prev_doc", "Previous document", lambda: self.nav.step(-1),
              ["Ctrl+PgUp", "Alt+Left"])
        b.add(m, "next_not_done", "Next document not done", self.nav.next_not_done, ["Ctrl+J"])
        b.add(m, "next_uncertain", "Next by model uncertainty",
              lambda: self.nav.next_uncertain(self.suggesting.order_by_uncertainty),
              ["Ctrl+U"])
        m.addSeparator()
        b.add(m, "mark_done", "Mark document done", self.nav.mark_done, ["Ctrl+D"])
        b.add(m, "mark_not_done", "Mark document in progress",
              lambda: self.nav.mark_done(False), ["Ctrl+Shift+D"])

        m = mb.addMenu("&View")
        b.add(m, "guidelines", "Guidelines", self.toggle_guidelines, ["F2"])
        b.add(m, "stats", "Statistics…", self.show_stats, ["F9"])
        sub = m.addMenu("Theme")
        b.group(sub, "theme", [("system", "Follow the system"), ("light", "Light"),
                               ("dark", "Dark")], theme.saved_mode(), self.set_theme)

        m = mb.addMenu("&Help")
        b.add(m, "shortcuts", "Keyboard shortcuts", self.show_shortcuts, ["F1", "Ctrl+/"])
        b.add(m, "about", "About Marginalia", self._about)

    # ---- reactions --------------------------------------------------------------------------------
    def _document_opened(self, view) -> None:
        self.undo.clear()  # undo history is per document: it never jumps elsewhere
        # snapping uses the document's stored tokens, fetched when a selection first snaps
        self.docview.set_document(view, self.ws.schema,
                                  lambda d=view.document_id: self.ws.tokens(d))
        self.heading.setText(view.title or f"document {view.document_id}")
        self.category_bar.show_layer(view)
        self._status_label(view)
        QSettings().setValue(f"last_document/{self.ws.project_name}", view.document_id)
        self.docview.setFocus()

    def _layer_changed(self, view) -> None:
        self.docview.apply(view)
        self.category_bar.show_layer(view)
        self._status_label(view)

    def _status_label(self, view) -> None:
        sugg = sum(s.state == "suggested" for s in view.spans)
        self.doc_label.setText(f"{view.status.replace('_', ' ')} · {len(view.spans)} spans · "
                               f"{len(view.relations)} relations · {len(view.events)} events"
                               + (f" · {sugg} suggestions" if sugg else ""))

    def show_message(self, text: str, error: bool = False) -> None:
        if error != self._error_style:  # restyling relayouts the window: only on a change
            self._error_style = error
            self.statusBar().setStyleSheet("QStatusBar { color: #d33; }" if error else "")
        self.statusBar().showMessage(("⚠ " if error else "") + text, 0 if error else 8000)

    def _escape(self) -> None:
        if self.findbar.isVisible():
            self.findbar.hide()
            self.docview.setFocus()
        self.edits.cancel()

    def set_theme(self, mode: str, remember: bool = True) -> None:
        self.theme_mode = mode
        dark = theme.apply(mode)
        self.dark = dark
        theme.style_scrollbars(self, dark)
        for w in self.tool_windows():
            theme.style_scrollbars(w, dark)
        self.docview.set_dark(dark)
        if remember:
            theme.remember(mode)

    def show_stats(self) -> None:
        from desktop.widgets.stats_view import StatsDialog

        self._keep(StatsDialog(self.ws, self), (900, 640))

    def show_review(self) -> None:
        """Gold and every annotator's layer of the open document; decisions go into gold."""
        from desktop.review.review_window import ReviewWindow

        if self.ws.view is None:
            self.show_message("open a document first", True)
            return
        if not self.ws.service.actor().is_reviewer:
            self.show_message("only reviewers see every layer and write gold", True)
            return
        w = ReviewWindow(self.ws.service, self.ws.view.document_id, dark=self.dark)
        w.message.connect(lambda text: self.show_message(text))
        w.decided.connect(lambda _doc: self.ws.refresh_documents())
        self._keep(w)

    def show_agreement(self) -> None:
        from desktop.review.agreement_widget import AgreementWidget

        w = AgreementWidget(self.ws.service, self.ws.project_id)
        w.setWindowTitle(f"Agreement — {self.ws.project_name}")
        w.documentActivated.connect(self.ws.open_document)
        self._keep(w)

    def _keep(self, w, size=(1100, 700)) -> None:
        """A tool window of its own, owned by this one: closeEvent closes it."""
        # a window still (a dialog stays a dialog), not a child widget drawn inside this one
        w.setParent(self, w.windowFlags() | Qt.Window)
        w.setAttribute(Qt.WA_DeleteOnClose)
        w.resize(*size)
        self._tool_windows = [x for x in self.tool_windows() if x.isVisible()]
        self._tool_windows.append(w)
        theme.style_scrollbars(w, self.dark)
        w.show()

    def tool_windows(self) -> list:
        """The review, agreement and statistics windows not deleted yet (closing deletes one)."""
        return [x for x in getattr(self, "_tool_windows", []) if isValid(x)]

    def show_shortcuts(self) -> None:
        from desktop.widgets.shortcuts import ShortcutsDialog

        self._shortcuts = ShortcutsDialog(self)
        self._shortcuts.show()

    def _about(self) -> None:
        QMessageBox.about(self, "Marginalia", "Marginalia: build labeled NLP datasets.\n"
                          "Every edit is stored when it is made.")

    def show_import(self, paths=()) -> None:
        from desktop.dialogs.import_dialog import ImportDialog

        dlg = ImportDialog(self.ws, self.jobs, paths, self)
        dlg.imported.connect(self.importer.imported)
        self._dialog(dlg)

    def show_export(self) -> None:
        from desktop.dialogs.export_dialog import ExportDialog

        self._dialog(ExportDialog(self.ws, self.jobs, self))

    def toggle_guidelines(self) -> None:
        """The guidelines pane, docked on the right; F2 shows and hides it."""
        from PySide6.QtWidgets import QDockWidget

        from desktop.widgets.guidelines_pane import GuidelinesPane

        dock = getattr(self, "guidelines_dock", None)
        if dock is None:
            self.guidelines = GuidelinesPane(self.ws.service, self.ws.project_id,
                                             self.ws.schema)
            self.guidelines.message.connect(self.show_message)
            self.ws.schemaChanged.connect(self.guidelines.set_schema)
            dock = self.guidelines_dock = QDockWidget("Guidelines", self)
            dock.setObjectName("guidelines_dock")
            dock.setWidget(self.guidelines)
            self.addDockWidget(Qt.RightDockWidgetArea, dock)
            theme.style_scrollbars(dock, self.dark)
            self.resizeDocks([dock], [max(260, self.width() // 4)], Qt.Horizontal)
            return
        dock.setVisible(not dock.isVisible())

    def show_search(self) -> None:
        from desktop.dialogs.search_dialog import SearchDialog

        dlg = getattr(self, "search_dialog", None)
        if dlg is None:  # one search window, kept with its results
            dlg = self.search_dialog = SearchDialog(self.ws, self.jobs, self.edits, self)
            dlg.placeChosen.connect(self.go_to)
            theme.style_scrollbars(dlg, self.dark)
        dlg.show()
        dlg.raise_()
        dlg.pattern.setFocus()
        dlg.pattern.selectAll()

    def go_to(self, document_id: int, start: int, end: int, span_id=None) -> None:
        """Open a place: the document, the label there (if one) or the text selected."""
        self.nav.open(document_id)
        if self.ws.document_id != document_id:
            return
        if span_id is not None and self.ws.view.span(span_id) is not None:
            self.edits.select(span_id)
        else:
            self.docview.set_selection(start, end)

    def _dialog(self, dlg) -> None:
        dlg.setAttribute(Qt.WA_DeleteOnClose)
        theme.style_scrollbars(dlg, self.dark)
        self.current_dialog = dlg  # tests and screenshots reach it here
        dlg.show()

    def _schema_changed(self, schema) -> None:
        self.palette_list.set_schema(schema)
        self.category_bar.set_schema(schema)
        self.category_bar.show_layer(self.ws.view)
        if self.ws.view is not None:
            self.docview.set_document(self.ws.view, schema)

    # ---- drag and drop ----------------------------------------------------------------------------
    def dragEnterEvent(self, e) -> None:
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e) -> None:
        paths = [Path(u.toLocalFile()) for u in e.mimeData().urls() if u.isLocalFile()]
        if paths:
            e.acceptProposedAction()
            self.importer.import_paths(paths)

    def restore_size(self) -> bool:
        """The size and place the window had when it was last closed (False: none saved)."""
        saved = QSettings().value("window/geometry")
        return bool(saved) and self.restoreGeometry(saved)

    def closeEvent(self, e) -> None:
        QSettings().setValue("window/geometry", self.saveGeometry())
        self.active_time.stop()
        self.jobs.cancel()
        self.jobs.wait()
        # Qt hides only this window: the others would keep the application running
        for w in self.tool_windows():
            w.close()
        super().closeEvent(e)
