"""`marginalia gui`: open the annotation window (or render it to a PNG and exit)."""

from __future__ import annotations

import sys
from pathlib import Path

from models.errors import DomainError, NotFoundError

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DEFAULT_PROJECT = "news"


def import_seeds(service) -> int:
    """First start: the sample articles shipped in seeds/ become the project "news"."""
    from exports.collect import expand, read_all

    if not SEEDS.is_dir():
        return 0
    records = list(read_all(expand([SEEDS])))
    if not records:
        return 0
    return service.import_records(DEFAULT_PROJECT, records).documents_added


def choose_project(service, wanted: str | None) -> str:
    projects = [p.name for p in service.list_projects()]
    if wanted:
        if wanted not in projects:
            raise NotFoundError(f"no project named {wanted!r}"
                                + (f"; projects: {', '.join(projects)}" if projects else ""))
        return wanted
    from PySide6.QtCore import QSettings

    last = QSettings().value("last_project")
    if last in projects:
        return last
    return DEFAULT_PROJECT if DEFAULT_PROJECT in projects else projects[0]


def _app():
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    # the main window's close ends the process: it closes the tool windows it owns first
    app.setQuitOnLastWindowClosed(True)
    QCoreApplication.setOrganizationName("marginalia")
    QCoreApplication.setApplicationName("Marginalia")
    return app


def build_window(service, project: str, document: int | None = None):
    """The main window on `project`, showing `document` (default: the last or the first)."""
    from PySide6.QtCore import QSettings, QTimer

    from desktop import gc_tuning, theme
    from desktop.main_window import MainWindow
    from desktop.workspace import Workspace

    theme.apply(theme.saved_mode())  # the style before any widget exists: polished once
    gc_tuning.tune()

    ws = Workspace(service, project)
    window = MainWindow(ws)
    ids = [d.id for d in ws.documents]
    if document is not None:
        if document not in ids:
            raise NotFoundError(f"no document {document} in project {project!r}")
    elif ids:
        last = QSettings().value(f"last_document/{project}")
        try:
            last = int(last) if last is not None else None
        except (TypeError, ValueError):
            last = None
        document = last if last in ids else ids[0]
    # once a document is on screen, its objects leave the collector's sight (see gc_tuning)
    ws.documentOpened.connect(lambda _view: QTimer.singleShot(0, gc_tuning.settle))
    if document is not None:
        ws.open_document(document)
    QSettings().setValue("last_project", project)
    gc_tuning.settle()
    return window


def screenshot(window, path: str) -> None:
    from PySide6.QtWidgets import QApplication

    window.resize(1280, 800)
    window.show()
    for _ in range(10):  # let layouts settle and every widget paint before grabbing
        QApplication.processEvents()
    window.grab().save(str(path))


def run_gui(args) -> int:
    if not getattr(args, "screenshot", None):
        from desktop import check_system

        if check_system.uses_xcb() and (message := check_system.check()):
            print(f"marginalia: {message}", file=sys.stderr)  # instead of Qt's abort
            return 1
    from desktop.cli.session import open_for
    from models.open import open_service

    service = open_for(args)
    if not service.list_projects():
        import_seeds(service)
    app = _app()
    from desktop.recent import remember

    project = choose_project(service, getattr(args, "project", None))
    window = build_window(service, project, getattr(args, "document", None))
    if getattr(args, "screenshot", None):
        screenshot(window, args.screenshot)
        print(f"wrote {args.screenshot}")
        return 0
    remember(service.store.url, project)
    holder = {"window": window}

    def switch() -> None:
        from desktop.widgets.project_dialog import ProjectDialog

        dlg = ProjectDialog(holder["window"], args.user)
        if not dlg.exec():
            return
        try:
            svc = dlg.service or open_service(dlg.url, args.user, claimed=False)
            new = build_window(svc, dlg.project)
        except DomainError as exc:
            holder["window"].show_message(str(exc), True)
            return
        remember(svc.store.url, dlg.project)
        new.projectRequested.connect(switch)
        new.resize(holder["window"].size())
        new.show()
        holder["window"].close()
        holder["window"] = new

    window.projectRequested.connect(switch)
    if not window.restore_size():
        window.resize(1280, 800)
    window.show()
    return app.exec()
