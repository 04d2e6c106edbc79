"""File > Open or create project: new project from a schema file; recent projects."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from desktop.recent import recent, remember
from desktop.widgets.project_dialog import ProjectDialog, to_url


def test_new_project_from_a_schema_file_and_recent_list(qtbot, window, db, tmp_path):
    conf = tmp_path / "annotation.conf"
    conf.write_text("[entities]\nDrug\nDisease\n\n[relations]\ntreats\tArg1:Drug, Arg2:Disease\n"
                    "\n[events]\n\n[attributes]\n", encoding="utf-8")
    remember(window.ws.service.store.url, "news")
    dlg = ProjectDialog(window, "alice")
    qtbot.addWidget(dlg)
    assert dlg.recent.count() == 1 and dlg.projects.findData("news") >= 0
    qtbot.keyClicks(dlg.new_name, "pharma")
    dlg.schema_path.setText(str(conf))
    create = next(b for b in dlg.findChildren(QPushButton) if b.text() == "Create")
    qtbot.mouseClick(create, Qt.LeftButton)
    assert dlg.result() and dlg.project == "pharma"
    schema = db.schema("pharma")
    assert schema.entity_names == ["Drug", "Disease"]
    assert schema.relations_allowed("Drug", "Disease") == ["treats"]
    assert recent() == [(window.ws.service.store.url, "news")]


def test_bad_schema_file_is_a_message_not_a_crash(qtbot, window, db, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entities]]\nname = 'A B'\n", encoding="utf-8")
    dlg = ProjectDialog(window, "alice")
    qtbot.addWidget(dlg)
    qtbot.keyClicks(dlg.new_name, "broken")
    dlg.schema_path.setText(str(bad))
    create = next(b for b in dlg.findChildren(QPushButton) if b.text() == "Create")
    qtbot.mouseClick(create, Qt.LeftButton)
    assert "bad.toml" in dlg.error.text() and not dlg.result()
    assert [p.name for p in db.list_projects()] == ["news"]


def test_paths_become_sqlite_urls(tmp_path):
    assert to_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert to_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
