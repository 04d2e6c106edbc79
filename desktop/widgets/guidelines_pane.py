"""The guidelines pane (F2): the project's guidelines and what each label means.

The guidelines are Markdown stored with the project; admins edit them here or import them
from a file. Below them, every label of the schema with its key, description and examples,
written from the schema so they never drift from what the palette offers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QPlainTextEdit, QPushButton, QStackedWidget, QTextBrowser,
    QVBoxLayout, QWidget)

from models.errors import DomainError
from models.schema import Schema


def _md(text: str) -> str:
    """Schema text inside Markdown: no character of it read as markup."""
    return "".join("\\" + ch if ch in "\\`*_{}[]<>()#+-.!|~" else ch for ch in text)


def labels_markdown(schema: Schema) -> str:
    out = ["## Labels", ""]
    for e in schema.entities:
        key = f" (key {_md(e.key)})" if e.key else ""
        out.append(f"**{_md(e.name)}**{key}: {_md(e.description) or 'no description'}")
        out += _examples(e.examples)
        out.append("")
    if schema.relations:
        out += ["## Relations", ""]
        for r in schema.relations:
            ends = f"{', '.join(map(_md, r.heads)) or 'any'} → {', '.join(map(_md, r.tails)) or 'any'}"
            out.append(f"**{_md(r.name)}** ({ends}): {_md(r.description) or 'no description'}")
            out += _examples(r.examples)
            out.append("")
    if schema.events:
        out += ["## Events", ""]
        for ev in schema.events:
            key = f" (key {_md(ev.key)})" if ev.key else ""
            out.append(f"**{_md(ev.name)}**{key}: {_md(ev.description) or 'no description'}")
            if ev.roles:
                roles = "; ".join(f"{_md(r.name)}: {', '.join(map(_md, r.labels)) or 'any'}"
                                  for r in ev.roles)
                out.append(f"  \nroles: {roles}")
            if ev.triggers:
                out.append(f"  \ntriggers: {', '.join(map(_md, ev.triggers))}")
            out += _examples(ev.examples)
            out.append("")
    return "\n".join(out)


def _examples(examples: list[str]) -> list[str]:
    return [""] + [f"- *{_md(x)}*" for x in examples] if examples else []


class GuidelinesPane(QWidget):
    message = Signal(str, bool)

    def __init__(self, service, project_id: int, schema: Schema, parent=None):
        super().__init__(parent)
        self.service, self.project_id, self.schema = service, project_id, schema
        self.text = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        self.stack = QStackedWidget()
        self.browser = QTextBrowser(objectName="guidelines")
        self.browser.setOpenExternalLinks(True)
        self.editor = QPlainTextEdit(objectName="guidelines_editor")
        self.editor.setPlaceholderText("Markdown: # headings, **bold**, - lists, examples…")
        self.stack.addWidget(self.browser)
        self.stack.addWidget(self.editor)
        lay.addWidget(self.stack, 1)
        row = QHBoxLayout()
        self.edit = QPushButton("Edit", objectName="edit_guidelines")
        self.load = QPushButton("Import from file…", objectName="import_guidelines")
        self.save = QPushButton("Save", objectName="save_guidelines")
        self.cancel = QPushButton("Cancel", objectName="cancel_guidelines")
        for b in (self.edit, self.load, self.save, self.cancel):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        self.edit.clicked.connect(self.start_editing)
        self.load.clicked.connect(self._choose_file)
        self.save.clicked.connect(self.save_editing)
        self.cancel.clicked.connect(self._show)
        self.admin = service.actor().is_admin  # only admins see the editing buttons
        self.refresh()

    def set_schema(self, schema: Schema) -> None:
        self.schema = schema
        self._show()

    def refresh(self) -> None:
        self.text = self.service.guidelines(self.project_id)
        self._show()

    def _show(self) -> None:
        head = self.text.strip() or ("*No guidelines yet." + (" Edit them, or import a "
                                     "Markdown file.*" if self.admin else
                                     " An admin can add them.*"))
        self.browser.setMarkdown(head + "\n\n" + labels_markdown(self.schema))
        self.stack.setCurrentWidget(self.browser)
        self.edit.setVisible(self.admin)
        self.load.setVisible(self.admin)
        self.save.setVisible(False)
        self.cancel.setVisible(False)

    def start_editing(self) -> None:
        self.editor.setPlainText(self.text)
        self.stack.setCurrentWidget(self.editor)
        self.edit.setVisible(False)
        self.load.setVisible(False)
        self.save.setVisible(True)
        self.cancel.setVisible(True)
        self.editor.setFocus()

    def save_editing(self) -> bool:
        return self._store(lambda: self.service.set_guidelines(self.project_id,
                                                               self.editor.toPlainText()))

    def import_file(self, path: str) -> bool:
        return self._store(lambda: self.service.import_guidelines(self.project_id, path))

    def _store(self, fn) -> bool:
        try:
            self.text = fn()
        except DomainError as exc:
            self.message.emit(str(exc), True)
            return False
        self._show()
        self.message.emit("guidelines saved", False)
        return True

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Guidelines file", "",
                                              "Markdown or text (*.md *.markdown *.txt);;"
                                              "all files (*)")
        if path:
            self.import_file(path)
