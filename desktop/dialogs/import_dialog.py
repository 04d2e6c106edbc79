"""File > Import...: files and folders into the open project, in the background.

Calls the same use case as `marginalia import` (exports.usecases.import_paths): format
detected or chosen, the annotator's layer, --strict, the readers' options (doccano's column
names), a brat folder's annotation.conf."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout)

from desktop.dialogs.job_panel import JobPanel
from desktop.jobs import Jobs
from desktop.workspace import Workspace
from exports import registry
from exports.base import ImportOptions
from models.errors import FormatError, ValidationError

AUTO = "auto"


class ImportDialog(QDialog):
    imported = Signal(object)  # the ImportOutcome

    def __init__(self, ws: Workspace, jobs: Jobs, paths=(), parent=None):
        super().__init__(parent)
        self.ws, self.jobs = ws, jobs
        self.outcome = None
        self.setWindowTitle(f"Import into {ws.project_name}")
        lay = QVBoxLayout(self)
        self.paths = QListWidget()
        self.paths.setObjectName("paths")
        self.paths.setSelectionMode(QListWidget.ExtendedSelection)
        lay.addWidget(self.paths, 1)
        row = QHBoxLayout()
        for text, slot in (("Add files…", self._add_files), ("Add folder…", self._add_folder),
                           ("Remove", self._remove)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)

        form = QFormLayout()
        self.format = QComboBox()
        self.format.setObjectName("format")
        self.format.addItem("detect from each file", AUTO)
        for name in registry.names():
            self.format.addItem(name, name)
        self.format.currentIndexChanged.connect(self._redetect)
        form.addRow("Format:", self.format)
        self.annotator = QLineEdit(ws.service.user)
        self.annotator.setObjectName("annotator")
        self.annotator.setToolTip("the labels of the files land in this user's layer")
        form.addRow("Annotator layer:", self.annotator)
        self.strict = QCheckBox("Strict: refuse labels the schema lacks (then nothing is "
                                "stored)")
        self.strict.setObjectName("strict")
        form.addRow("", self.strict)
        # the readers' options (doccano's column names), as the formats declare them; each
        # is shown only with its format chosen (the core refuses them otherwise), as the
        # export dialog shows its options
        self.reader_options: dict[str, tuple[QLineEdit | QComboBox, list[str]]] = {}
        for opt, formats in registry.import_options():
            if opt.choices:  # a choice among a few (doccano's file form)
                edit = QComboBox(objectName=opt.field)
                edit.addItems(list(opt.choices))
                edit.setCurrentText(str(opt.default))
            else:
                edit = QLineEdit(str(opt.default), objectName=opt.field)
            edit.setToolTip(opt.help)
            form.addRow(opt.field.replace("_", " ").capitalize() + ":", edit)
            self.reader_options[opt.field] = (edit, formats)
        self._form = form
        self._shown_with = {opt.field: opt.shown_with for opt, _ in registry.import_options()
                            if opt.shown_with}
        self.format.currentIndexChanged.connect(self._show_options)
        for edit, _ in self.reader_options.values():
            if isinstance(edit, QComboBox):  # a choice another option may be shown with
                edit.currentIndexChanged.connect(self._show_options)
        self._show_options()
        lay.addLayout(form)

        self.panel = JobPanel(jobs)
        lay.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.run = buttons.addButton("Import", QDialogButtonBox.AcceptRole)
        self.run.setObjectName("run")
        self.run.setDefault(True)
        self.run.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        for p in paths:
            self.add_path(p)
        self.resize(640, 520)

    # ---- the paths ---------------------------------------------------------------------------
    def add_path(self, path) -> None:
        item = QListWidgetItem()
        item.setData(Qt.UserRole, str(path))
        self.paths.addItem(item)
        self._describe(item)
        self._update_run()

    def chosen_paths(self) -> list[str]:
        return [self.paths.item(i).data(Qt.UserRole) for i in range(self.paths.count())]

    def _describe(self, item: QListWidgetItem) -> None:
        path = Path(item.data(Qt.UserRole))
        fmt = self.format.currentData()
        if fmt != AUTO:
            item.setText(f"{path}    ({fmt})")
            return
        try:
            found = registry.detect(path) if path.exists() else "missing"
        except FormatError as exc:
            found = exc.message
        item.setText(f"{path}    ({found})")

    def _show_options(self) -> None:
        fmt = self.format.currentData()
        for name, (edit, formats) in self.reader_options.items():
            self._form.setRowVisible(edit, fmt in formats and self._applies(name))

    def _applies(self, name: str) -> bool:
        """Does the option mean something with the other options as chosen (a delimiter with
        doccano's CSV form)? Else it is hidden and read as its default."""
        if name not in self._shown_with:
            return True
        other, values = self._shown_with[name]
        return self.reader_options[other][0].currentText() in values

    def chosen_options(self) -> ImportOptions:
        """The readers' options: those of the chosen format as typed, the others' defaults
        (an empty field is its default)."""
        fmt = self.format.currentData()
        typed = {name: (edit.currentText() if isinstance(edit, QComboBox) else edit.text())
                 .strip() for name, (edit, formats) in self.reader_options.items()
                 if fmt in formats and self._applies(name)}
        return ImportOptions(**{name: value for name, value in typed.items() if value})

    def _redetect(self) -> None:
        for i in range(self.paths.count()):
            self._describe(self.paths.item(i))

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Files to import")
        for f in files:
            self.add_path(f)

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder to import (recursively)")
        if folder:
            self.add_path(folder)

    def _remove(self) -> None:
        for item in self.paths.selectedItems():
            self.paths.takeItem(self.paths.row(item))
        self._update_run()

    def _update_run(self) -> None:
        self.run.setEnabled(self.paths.count() > 0 and not self.panel.running)

    # ---- the job -----------------------------------------------------------------------------
    def start(self) -> bool:
        from exports.usecases import import_paths

        paths = self.chosen_paths()
        if not paths:
            return False
        svc, project = self.ws.service, self.ws.project_name
        fmt = self.format.currentData()
        annotator = self.annotator.text().strip() or None
        strict = self.strict.isChecked()
        try:
            options = self.chosen_options()
        except ValidationError as exc:
            self.panel.failed(exc, "nothing was stored")
            return False

        def work(state):
            return import_paths(svc, project, paths, fmt, annotator=annotator, strict=strict,
                                options=options, progress=state.progress)

        names = ", ".join(Path(p).name for p in paths[:3]) + ("…" if len(paths) > 3 else "")
        if not self.jobs.start(f"Importing {names}", work, self._done, self._failed):
            return False
        self.panel.started(f"importing {names}…")
        self.run.setEnabled(False)
        return True

    def _done(self, outcome) -> None:
        self.outcome = outcome
        r = outcome.report
        self.panel.finished(f"imported {r.documents_added} document(s), {r.spans} spans, "
                            f"{r.relations} relations, {r.events} events", outcome.lines())
        self._update_run()
        self.imported.emit(outcome)

    def _failed(self, exc) -> None:
        self.panel.failed(exc, "cancelled: nothing was stored")
        self._update_run()

    def reject(self) -> None:
        if self.panel.running:  # Close while running cancels, as Esc does
            self.jobs.cancel()
            return
        super().reject()
