"""Suggestions and the model in the loop, from the window: suggest for the open document or
for the whole project in the background, train a model from the labels, order documents by
the model's uncertainty, choose the pipeline and edit its label mapping.

Every job runs on a worker thread through Jobs (progress and Cancel in the status bar);
spaCy is imported there, never at start-up. Suggestions are written by the suggest runner's
single writer; the open document redraws when its batch is stored."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QInputDialog, QMessageBox,
    QTableWidget, QTableWidgetItem, QVBoxLayout)

from desktop.jobs import JobState


class SuggestController:
    def __init__(self, ws, jobs, edits, parent):
        self.ws, self.jobs, self.edits, self.parent = ws, jobs, edits, parent

    def _cancel_of(self, state: JobState):
        return state.cancelled.is_set

    def _report(self, what: str, rep) -> None:
        if rep.cancelled:
            self.ws.say(f"{what}: cancelled after {rep.documents} document(s); those stay "
                        "stored")
        else:
            cats = f", {rep.categories} categories" if rep.categories else ""
            self.ws.say(f"{what}: {rep.spans} spans, {rep.relations} relations, {rep.events} "
                        f"events{cats} suggested in {rep.documents} document(s)")
        self.ws.refresh_documents()
        if self.ws.view is not None:
            self.edits.refresh()

    # ---- suggest --------------------------------------------------------------------------
    def suggest_document(self) -> None:
        if self.ws.view is None:
            self.ws.say("open a document first", error=True)
            return
        doc, svc = self.ws.view.document_id, self.ws.service

        def job(state: JobState):
            return svc.suggest(self.ws.project_id, document_ids=[doc],
                               progress=lambda d, t, _b: state.progress(d, t),
                               cancel=self._cancel_of(state))

        self.jobs.start("Suggesting for this document", job,
                        lambda rep: self._report("Suggest", rep))

    def suggest_project(self) -> None:
        svc = self.ws.service

        def job(state: JobState):
            return svc.suggest(self.ws.project_id, documents="all",
                               progress=lambda d, t, _b: state.progress(
                                   d, t, f"{d} of {t} documents"),
                               cancel=self._cancel_of(state))

        self.jobs.start("Suggesting for the project", job,
                        lambda rep: self._report("Suggest (project)", rep))

    # ---- model in the loop ------------------------------------------------------------------
    def train(self) -> None:
        default = str(Path(tempfile.gettempdir()) / f"marginalia-{self.ws.project_name}-model")
        out = QFileDialog.getExistingDirectory(self.parent, "Folder for the trained model",
                                               default) or ""
        if not out:
            return
        svc = self.ws.service

        def job(state: JobState):
            return svc.train_model(self.ws.project_id, out,
                                   progress=lambda d, t: state.progress(d, t, "training"),
                                   cancel=self._cancel_of(state))

        def done(rep) -> None:
            lines = [f"{lab}: P {m['p']:.2f}  R {m['r']:.2f}  F {m['f']:.2f}"
                     for lab, m in sorted(rep.labels.items())]
            if rep.categories:
                lines += ["", "Document categories:"] + [
                    f"{name}: P {m['p']:.2f}  R {m['r']:.2f}  F {m['f']:.2f}"
                    for name, m in rep.categories.items()]
            QMessageBox.information(
                self.parent, "Model trained",
                f"Trained on {rep.train_documents} documents, evaluated on "
                f"{rep.dev_documents}. It now suggests for this project ({rep.suggester}).\n\n"
                + "\n".join(lines))
            f = rep.overall.get("f", rep.categories.get("(macro)", {}).get("f", 0.0))
            self.ws.say(f"model trained: F {f:.2f}; it now suggests")

        self.jobs.start("Training a model", job, done)

    def order_by_uncertainty(self) -> None:
        self._order_by("entities")

    def order_by_category_uncertainty(self) -> None:
        self._order_by("categories")

    def _order_by(self, kind: str) -> None:
        svc = self.ws.service

        def job(state: JobState):
            return svc.documents_by_uncertainty(
                self.ws.project_id, progress=lambda d, t: state.progress(d, t),
                cancel=self._cancel_of(state), kind=kind)

        def done(ranked) -> None:
            if not ranked:
                self.ws.say("no document left to order (all done)")
                return
            first = ranked[0][0]
            what = "" if kind == "entities" else " about their categories"
            self.ws.say(f"{len(ranked)} documents ordered by the model's uncertainty{what}; "
                        "opening the least certain")
            self.ws.open_document(first)

        self.jobs.start("Ordering by uncertainty", job, done)

    # ---- pipeline and mapping ----------------------------------------------------------------
    def choose_pipeline(self) -> None:
        current = self.ws.service.suggest_pipeline(self.ws.project_id) or ""
        name, ok = QInputDialog.getText(
            self.parent, "Suggester pipeline", "spaCy pipeline package or folder (empty: the "
            "default English pipeline):", text=current)
        if ok:
            display = self.ws.attempt(lambda: self.ws.service.set_suggest_pipeline(
                self.ws.project_id, name.strip() or None))
            if display:
                self.ws.say(f"suggestions now come from {display}")

    def choose_textcat_threshold(self) -> None:
        """The project's textcat threshold (what `suggest --threshold` sets)."""
        svc, pid = self.ws.service, self.ws.project_id
        current = svc.textcat_threshold(pid)
        value, ok = QInputDialog.getDouble(
            self.parent, "Category threshold", "Suggest a document category when the "
            "text classifier scores it at least (0 to 1):", current, 0.0, 1.0, 2)
        if ok:
            self.ws.attempt(lambda: svc.set_textcat_threshold(pid, round(value, 2)),
                            ok=f"document categories are now suggested from a score of "
                               f"{value:.2f}")

    def edit_mapping(self) -> None:
        rows = self.ws.attempt(lambda: self.ws.service.label_mapping(self.ws.project_id))
        if rows is None:
            return
        dialog = MappingDialog(rows, self.ws.schema.entity_names, self.parent)
        if dialog.exec() == QDialog.Accepted:
            if self.ws.attempt(lambda: self.ws.service.set_label_mapping(
                    self.ws.project_id, dialog.mapping())) is not None:
                self.ws.say("label mapping saved")

    def suggester_stats(self) -> None:
        stats = self.ws.service.suggester_stats(self.ws.project_id)
        if not stats:
            QMessageBox.information(self.parent, "Suggesters", "No suggestions yet.")
            return
        lines = [f"{name}: {row.get('suggested', 0)} open, {row.get('accepted', 0)} accepted "
                 f"({row.get('edited', 0)} edited), {row.get('rejected', 0)} rejected"
                 for name, row in sorted(stats.items())]
        QMessageBox.information(self.parent, "Suggesters", "\n".join(lines))


class MappingDialog(QDialog):
    """Pipeline label -> schema label (or dropped), shown and editable."""

    DROPPED = "(dropped)"

    def __init__(self, rows, schema_labels, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Label mapping")
        lay = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Pipeline label", "Schema label"])
        self.boxes = []
        for i, (source, target) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(source))
            box = QComboBox()
            box.addItems([self.DROPPED, *schema_labels])
            box.setCurrentText(target or self.DROPPED)
            self.table.setCellWidget(i, 1, box)
            self.boxes.append((source, box))
        self.table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(420, 480)

    def mapping(self) -> dict[str, str | None]:
        return {src: (None if box.currentText() == self.DROPPED else box.currentText())
                for src, box in self.boxes}


