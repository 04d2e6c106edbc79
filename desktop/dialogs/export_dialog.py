"""File > Export...: a layer of the project as training data, in the background.

Calls the same use case as `marginalia export` (exports.usecases.export_project): format,
layer, label state, document status, the format's options, destination; ends with the
report of what was written and what was left out and why."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout,
    QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from desktop.dialogs.job_panel import JobPanel
from desktop.jobs import Jobs
from desktop.workspace import Workspace
from exports import registry
from exports.base import CONLL_SCHEMES, DOCCANO_FORMS, ExportOptions
from models.orm import LAYER_STATUSES



def options_of(fmt: str) -> set[str]:
    """The ExportOptions fields a format's writer reads, as the format declares them."""
    return {opt.field for opt in registry.get(fmt).options}


def writes_folder(fmt: str) -> bool:
    """A folder export, else one file (OUT itself, or OUT/<its default name>)."""
    return registry.get(fmt).writes_folder


def suffix(fmt: str) -> str:
    return registry.get(fmt).extensions[0]

DEFAULT_LAYER = ""  # gold when it has labels, else each document's annotator


class ExportDialog(QDialog):
    exported = Signal(object)  # the ExportOutcome

    def __init__(self, ws: Workspace, jobs: Jobs, parent=None):
        super().__init__(parent)
        self.ws, self.jobs = ws, jobs
        self.outcome = None
        self.setWindowTitle(f"Export {ws.project_name}")
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.format = QComboBox(objectName="format")
        for name in registry.labeled():
            self.format.addItem(name, name)
        form.addRow("Format:", self.format)
        self.layer = QComboBox(objectName="layer")
        self.layer.addItem("gold when reviewed, else each document's annotator", DEFAULT_LAYER)
        for name in ws.service.layer_names(ws.project_id):
            self.layer.addItem(name, name)
        form.addRow("Layer:", self.layer)
        self.state = QComboBox(objectName="state")
        self.state.addItem("accepted labels only", "accepted")
        self.state.addItem("accepted and suggested labels", "all")
        form.addRow("Labels:", self.state)
        self.status = QComboBox(objectName="status")
        self.status.addItem("finished (done or approved)", "finished")
        self.status.addItem("every document", "all")
        for s in LAYER_STATUSES:
            self.status.addItem(f"only {s.replace('_', ' ')}", s)
        form.addRow("Documents:", self.status)

        self.misaligned = QComboBox(objectName="misaligned")
        self.misaligned.addItem("expand to the enclosing tokens", "expand")
        self.misaligned.addItem("skip them", "skip")
        self.scheme = QComboBox(objectName="conll_scheme")
        for s in CONLL_SCHEMES:
            self.scheme.addItem(s.upper(), s)
        self.form_ = QComboBox(objectName="doccano_form")
        for f in DOCCANO_FORMS:
            self.form_.addItem({"entities": "entities and relations",
                                "label": "older [[start, end, label]]",
                                "csv": "CSV (text classification)",
                                "tsv": "TSV (text classification)",
                                "fasttext": "fastText (text classification)"}.get(f, f), f)
        self.dev = QDoubleSpinBox(objectName="dev_ratio", minimum=0.0, maximum=0.9,
                                  singleStep=0.05, value=0.2)
        self.seed = QSpinBox(objectName="seed", minimum=0, maximum=2**31 - 1)
        self._option_rows = {"misaligned": ("Labels off the tokens:", self.misaligned),
                             "conll_scheme": ("Tag scheme:", self.scheme),
                             "doccano_form": ("doccano form:", self.form_),
                             "dev_ratio": ("Share in dev.spacy:", self.dev),
                             "seed": ("Shuffle seed:", self.seed)}
        for text, widget in self._option_rows.values():
            form.addRow(text, widget)
        self._form = form

        dest = QWidget()
        dl = QHBoxLayout(dest)
        dl.setContentsMargins(0, 0, 0, 0)
        self.out = QLineEdit(objectName="out")
        self.out.textChanged.connect(lambda _t: self._update_run())
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        dl.addWidget(self.out, 1)
        dl.addWidget(browse)
        form.addRow("Destination:", dest)
        lay.addLayout(form)

        self.panel = JobPanel(jobs)
        lay.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.run = buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        self.run.setObjectName("run")
        self.run.clicked.connect(self.start)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self._format_changed()
        self.resize(600, 560)

    def _format_changed(self) -> None:
        fmt = self.format.currentData()
        for key, (_text, widget) in self._option_rows.items():
            self._form.setRowVisible(widget, key in options_of(fmt))
        self.out.setPlaceholderText("a folder" if writes_folder(fmt)
                                    else f"a {suffix(fmt)} file, or a folder")
        self._update_run()

    def _browse(self) -> None:
        fmt = self.format.currentData()
        start = self.out.text() or str(Path.home())
        if writes_folder(fmt):
            path = QFileDialog.getExistingDirectory(self, "Export into folder", start)
        else:
            path, _ = QFileDialog.getSaveFileName(
                self, "Export to file", str(Path(start) / f"{self.ws.project_name}{suffix(fmt)}")
                if Path(start).is_dir() else start, f"{fmt} (*{suffix(fmt)});;all files (*)")
        if path:
            self.out.setText(path)

    def _update_run(self) -> None:
        self.run.setEnabled(bool(self.out.text().strip()) and not self.panel.running)

    def options(self) -> ExportOptions:
        return ExportOptions(misaligned=self.misaligned.currentData(),
                             conll_scheme=self.scheme.currentData(),
                             doccano_form=self.form_.currentData(),
                             dev_ratio=self.dev.value(), seed=self.seed.value())

    def start(self) -> bool:
        from exports.usecases import export_project

        out = self.out.text().strip()
        if not out:
            return False
        svc, project = self.ws.service, self.ws.project_name
        fmt, options = self.format.currentData(), self.options()
        layer = self.layer.currentData() or None
        state, status = self.state.currentData(), self.status.currentData()

        def work(job):
            return export_project(svc, project, fmt, out, layer=layer, state=state,
                                  status=status, options=options, progress=job.progress)

        if not self.jobs.start(f"Exporting {fmt}", work, self._done, self._failed):
            return False
        self.panel.started(f"exporting {fmt} to {out}…")
        self.run.setEnabled(False)
        return True

    def _done(self, outcome) -> None:
        self.outcome = outcome
        r = outcome.report
        left = sum(outcome.left_out.values())
        self.panel.finished(f"exported {r.documents} document(s) to {self.out.text()}"
                            + (f"; {left} left out" if left else "")
                            + (f"; {len(r.problems)} label problem(s)" if r.problems else ""),
                            outcome.grouped_lines())
        self._update_run()
        self.exported.emit(outcome)

    def _failed(self, exc) -> None:
        self.panel.failed(exc, "cancelled: files already written there may be incomplete")
        self._update_run()

    def reject(self) -> None:
        if self.panel.running:
            self.jobs.cancel()
            return
        super().reject()
