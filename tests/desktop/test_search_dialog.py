"""Search the project (Ctrl+Shift+F): results with context and counts per document, a click
opens the place, and bulk labeling from the results is one undoable step."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from models.records import DocumentRecord

SECOND = "Mexico and the U.S. met again. Mexico City hosted the talks."


def open_search(qtbot, window, db):
    db.import_records("news", [DocumentRecord(text=SECOND, title="second")])
    window.ws.refresh_documents()
    window.actions_by_name["search_project"].trigger()
    dlg = window.search_dialog
    qtbot.waitExposed(dlg)
    return dlg


def search(qtbot, window, dlg, pattern, mode="text"):
    dlg.mode.setCurrentIndex(dlg.mode.findData(mode))
    dlg.pattern.setText(pattern)
    qtbot.mouseClick(dlg.go, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy() and dlg.go.isEnabled(), timeout=10000)


def expected(window, db, word):
    """Whole-word, case-blind occurrences per document, counted here with re."""
    out = {}
    for d in window.ws.documents:
        n = len(re.findall(rf"(?<!\w){word}(?!\w)", db.load(d.id).text, re.IGNORECASE))
        if n:
            out[d.id] = n
    return out


def test_results_count_per_document_and_a_click_opens_the_place(qtbot, window, db):
    dlg = open_search(qtbot, window, db)
    search(qtbot, window, dlg, "Mexico")
    want = expected(window, db, "Mexico")
    assert len(want) == 2
    tree = dlg.tree
    assert tree.topLevelItemCount() == 2
    counts = {tree.topLevelItem(i).childCount() for i in range(2)}
    assert counts == set(want.values())
    assert f"{sum(want.values())} match(es) in 2 of 2" in dlg.summary.text()
    second = next(tree.topLevelItem(i) for i in range(2)
                  if tree.topLevelItem(i).text(0).startswith("second"))
    assert second.text(0) == "second — 2 matches"
    item = second.child(1)
    assert item.text(1) == "Mexico" and item.text(2).startswith(" City hosted")
    rect = tree.visualItemRect(item)
    qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())
    assert window.ws.view.title == "second"
    start = SECOND.index("Mexico City")
    assert window.docview.selection() == (start, start + 6)


def test_label_all_matches_is_one_undoable_step_with_a_preview(qtbot, window, db):
    dlg = open_search(qtbot, window, db)
    search(qtbot, window, dlg, "Mexico")
    total = sum(expected(window, db, "Mexico").values())
    dlg.action.setCurrentIndex(dlg.action.findData("label"))
    dlg.label.setCurrentIndex(dlg.label.findData("GPE"))
    assert dlg.preview.text() == f"will create {total} label(s) in 2 document(s)"
    qtbot.mouseClick(dlg.apply_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy() and dlg.go.isEnabled(), timeout=10000)
    qtbot.waitUntil(lambda: dlg.result is not None and all(m.labels for m in dlg.result.matches))

    def gpe():
        return sum(len([s for s in db.load(d.id).spans if s.label == "GPE"])
                   for d in window.ws.documents)

    assert gpe() == total
    assert dlg.preview.text().endswith(f"{total} match(es) already labeled there, left alone")
    window.undo.undo()  # one step takes all of them back
    assert gpe() == 0
    window.undo.redo()
    assert gpe() == total


def test_relabel_and_delete_the_labels_found_of_a_label(qtbot, window, db):
    dlg = open_search(qtbot, window, db)
    doc = next(d.id for d in window.ws.documents if d.title == "second")
    db.create_span(doc, 0, 6, "PERSON")
    db.create_span(doc, 31, 37, "GPE")
    dlg.label_filter.setCurrentIndex(dlg.label_filter.findData("PERSON"))
    search(qtbot, window, dlg, "Mexico")
    assert [m.start for m in dlg.result.matches] == [0]  # only where labeled PERSON
    dlg.action.setCurrentIndex(dlg.action.findData("relabel"))
    dlg.label.setCurrentIndex(dlg.label.findData("GPE"))
    assert dlg.preview.text() == "will relabel 1 label(s) in 1 document(s)"
    qtbot.mouseClick(dlg.apply_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy() and dlg.go.isEnabled(), timeout=10000)
    assert sorted(s.label for s in db.load(doc).spans) == ["GPE", "GPE"]

    dlg.label_filter.setCurrentIndex(dlg.label_filter.findData("GPE"))
    search(qtbot, window, dlg, "Mexico")
    dlg.action.setCurrentIndex(dlg.action.findData("delete"))
    dlg.only_selected.setChecked(True)
    dlg.tree.topLevelItem(0).child(1).setSelected(True)
    assert dlg.preview.text() == "will delete 1 label(s) in 1 document(s)"
    qtbot.mouseClick(dlg.apply_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.jobs.busy() and dlg.go.isEnabled(), timeout=10000)
    assert [(s.start, s.label) for s in db.load(doc).spans] == [(0, "GPE")]


def test_a_bad_pattern_says_why_in_one_line(qtbot, window, db):
    dlg = open_search(qtbot, window, db)
    search(qtbot, window, dlg, "[{", mode="tokens")
    assert dlg.summary.text().startswith("⚠ token pattern is not JSON")
