"""Fixtures for the window tests: a database with the seed article, the real main window,
and a second Service to check what the database holds."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, qapp):
    """QSettings (recent projects, theme, last document) in a private folder per test."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("marginalia-tests")
    QCoreApplication.setApplicationName("Marginalia")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    QSettings().clear()
    yield


@pytest.fixture
def gui_db(sqlite_url):
    """A SQLite database with the news project and the sample article (user alice)."""
    from models.records import DocumentRecord
    from models.service import Service
    from models.store import Store

    store = Store(sqlite_url)
    text = (ROOT / "seeds" / "000_8c189482ad872ddc.txt").read_text(encoding="utf-8")
    Service(store, "alice").import_records("news", [DocumentRecord(text=text, title="sample")])
    yield sqlite_url
    store.dispose()


@pytest.fixture
def db(gui_db):
    """A separate Service on the same database, to check what the window stored."""
    from models.service import Service
    from models.store import Store

    store = Store(gui_db)
    yield Service(store, "alice")
    store.dispose()


@pytest.fixture
def window(qtbot, gui_db):
    from desktop.app import build_window
    from models.open import open_service

    w = build_window(open_service(gui_db, "alice"), "news")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.docview.setFocus()
    yield w
    w.jobs.wait()
    w.ws.service.store.dispose()
