"""The guidelines pane (F2): the project's guidelines, each label's description and
examples; admins edit or import them; the palette shows a label's description on hover."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from models.errors import PermissionDenied
from tests.desktop.helpers import press


def open_pane(qtbot, window):
    press(qtbot, window, Qt.Key_F2)
    qtbot.waitUntil(lambda: getattr(window, "guidelines_dock", None) is not None
                    and window.guidelines_dock.isVisible())
    return window.guidelines


def test_f2_shows_each_labels_description(qtbot, window):
    pane = open_pane(qtbot, window)
    shown = pane.browser.toPlainText()
    for e in window.ws.schema.entities:
        assert e.name in shown
        if e.description:
            assert e.description in shown
    assert "No guidelines yet" in shown
    press(qtbot, window, Qt.Key_F2)
    assert not window.guidelines_dock.isVisible()


def test_an_admin_edits_them_and_they_are_stored(qtbot, window, db):
    pane = open_pane(qtbot, window)
    assert pane.edit.isVisible()  # alice, the first user, is the admin
    qtbot.mouseClick(pane.edit, Qt.LeftButton)
    pane.editor.setPlainText("# Our rules\n\nLabel **titles** with the person.")
    qtbot.mouseClick(pane.save, Qt.LeftButton)
    assert db.guidelines(window.ws.project_id).startswith("# Our rules")
    shown = pane.browser.toPlainText()
    assert "Our rules" in shown and "**" not in shown  # rendered, not shown as source


def test_import_from_a_file_and_bad_files_say_why(qtbot, window, db, tmp_path):
    pane = open_pane(qtbot, window)
    f = tmp_path / "rules.md"
    f.write_text("Dates: include the weekday.\n", encoding="utf-8")
    assert pane.import_file(str(f))
    assert db.guidelines(window.ws.project_id) == "Dates: include the weekday.\n"
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\x00junk")
    assert not pane.import_file(str(bad))
    assert window.statusBar().currentMessage() == f"⚠ {bad}: not UTF-8 text (byte 0)"
    assert db.guidelines(window.ws.project_id) == "Dates: include the weekday.\n"


def test_only_admins_change_them(db, gui_db):
    from models.service import Service
    from models.store import Store

    bob = Service(Store(gui_db), "bob")
    pid = bob.project_id("news")
    with pytest.raises(PermissionDenied):
        bob.set_guidelines(pid, "mine")
    assert bob.guidelines(pid) == ""
    bob.store.dispose()


def test_hovering_a_label_in_the_palette_shows_its_description(window):
    palette = window.palette_list
    person = next(palette.item(i) for i in range(palette.count())
                  if palette.item(i).data(Qt.UserRole) == "PERSON")
    assert person.toolTip().startswith(window.ws.schema.entities[0].description)
