"""File > Open or create project: a recent project, a project of a database (SQLite file or
PostgreSQL URL), or a new project from a schema file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from desktop.recent import recent
from models.errors import DomainError


def to_url(text: str) -> str:
    """A path to a .db file becomes a SQLite URL; URLs pass through."""
    text = text.strip()
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


class ProjectDialog(QDialog):
    def __init__(self, parent, user: str):
        super().__init__(parent)
        self.setWindowTitle("Open or create project")
        self.resize(620, 520)
        self.user = user
        self.url: str | None = None
        self.project: str | None = None
        self.service = None
        lay = QVBoxLayout(self)

        rbox = QGroupBox("Recent projects")
        rl = QVBoxLayout(rbox)
        self.recent = QListWidget()
        for url, name in recent():
            it = QListWidgetItem(f"{name}    —    {url}", self.recent)
            it.setData(Qt.UserRole, (url, name))
        self.recent.itemActivated.connect(self._open_recent)
        rl.addWidget(self.recent)
        lay.addWidget(rbox)

        dbox = QGroupBox("Database")
        dl = QFormLayout(dbox)
        row = QHBoxLayout()
        current = getattr(getattr(parent, "ws", None), "service", None)
        self.db = QLineEdit(current.store.url if current else "")
        self.db.setPlaceholderText("a .db file, or postgresql+psycopg://user@host/db")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_db)
        connect = QPushButton("Connect")
        connect.clicked.connect(self._connect)
        row.addWidget(self.db, 1)
        row.addWidget(browse)
        row.addWidget(connect)
        dl.addRow("File or URL", row)
        self.projects = QComboBox()
        dl.addRow("Project", self.projects)
        lay.addWidget(dbox)

        nbox = QGroupBox("New project in this database")
        nl = QFormLayout(nbox)
        self.new_name = QLineEdit(placeholderText="name")
        srow = QHBoxLayout()
        self.schema_path = QLineEdit(placeholderText="default news schema; or a TOML/JSON file "
                                     "or brat annotation.conf")
        sb = QPushButton("Browse…")
        sb.clicked.connect(self._browse_schema)
        srow.addWidget(self.schema_path, 1)
        srow.addWidget(sb)
        create = QPushButton("Create")
        create.clicked.connect(self._create)
        nl.addRow("Name", self.new_name)
        nl.addRow("Schema", srow)
        nl.addRow(create)
        lay.addWidget(nbox)

        self.error = QLabel()
        self.error.setStyleSheet("color: #d33")
        self.error.setWordWrap(True)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Open | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self._open_selected)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        if self.db.text():
            self._connect()

    def _svc(self):
        from models.open import open_service

        url = to_url(self.db.text())
        if self.service is None or self.url != url:
            self.service, self.url = open_service(url, self.user, claimed=False), url
        return self.service

    def _connect(self) -> None:
        self.projects.clear()
        try:
            for p in self._svc().list_projects():
                self.projects.addItem(f"{p.name} ({p.documents} documents)", p.name)
            self.error.clear()
        except DomainError as exc:
            self.service = None
            self.error.setText(str(exc))

    def _browse_db(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Database file", "",
                                              "Marginalia database (*.db);;All files (*)",
                                              options=QFileDialog.DontConfirmOverwrite)
        if path:
            self.db.setText(path)
            self._connect()

    def _browse_schema(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Schema", "",
                                              "Schemas (*.toml *.json *.conf);;All files (*)")
        if path:
            self.schema_path.setText(path)

    def _create(self) -> None:
        from models.schema_files import load_schema

        try:
            schema = load_schema(self.schema_path.text()) if self.schema_path.text() else None
            p = self._svc().create_project(self.new_name.text(), schema)
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.project = p.name
        self.accept()

    def _open_recent(self, item) -> None:
        url, name = item.data(Qt.UserRole)
        self.db.setText(url)
        self.service = None
        self._connect()
        self.project = name
        self.accept()

    def _open_selected(self) -> None:
        if self.recent.currentItem() is not None and not self.projects.count():
            self._open_recent(self.recent.currentItem())
            return
        if not self.projects.currentData():
            self.error.setText("connect to a database and pick a project, or create one")
            return
        self.project = self.projects.currentData()
        self.accept()
