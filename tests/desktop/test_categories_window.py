"""Document categories in the window: chips above the text, a key per category, undo and
redo, suggestions accepted or rejected, and the document list's column and filter."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.desktop.helpers import press

UNDO = (Qt.Key_Z, Qt.ControlModifier)
REDO = (Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)


def stored(db, doc) -> list[str]:
    return sorted(db.load(doc).accepted_categories)


def _named(entry: dict) -> str:
    """The category an audit entry is about: a create holds the row, a delete or a
    restore holds it under "category"."""
    row = entry["after"] or entry["before"]
    return row["category"]["category"] if isinstance(row["category"], dict) else row["category"]


def test_a_category_key_labels_the_document_and_undo_redo_follow(qtbot, window, db):
    doc = window.ws.view.document_id
    bar = window.category_bar
    assert bar.isVisible() and bar.state_of("politics") == ""
    press(qtbot, window, Qt.Key_P, Qt.ShiftModifier)  # Shift+P: politics
    assert stored(db, doc) == ["politics"]
    assert bar.state_of("politics") == "accepted"
    row = window.doclist.model.docs[0]
    assert row.categories == ("politics",)
    assert window.doclist.model.data(window.doclist.model.index(0, 3)) == "politics"
    press(qtbot, window, Qt.Key_O, Qt.ShiftModifier)  # sports: one of, politics comes off
    assert stored(db, doc) == ["sports"]
    assert bar.state_of("politics") == "" and bar.state_of("sports") == "accepted"
    press(qtbot, window, *UNDO)
    assert stored(db, doc) == ["politics"] and bar.state_of("politics") == "accepted"
    press(qtbot, window, *UNDO)
    assert stored(db, doc) == [] and bar.state_of("politics") == ""
    press(qtbot, window, *REDO)
    assert stored(db, doc) == ["politics"]
    press(qtbot, window, *REDO)
    assert stored(db, doc) == ["sports"] and bar.state_of("sports") == "accepted"
    assert [(h["action"], _named(h)) for h in db.history(doc, table="document_categories")] == [
        ("create", "politics"), ("delete", "politics"), ("create", "sports"),  # two keys
        ("delete", "sports"), ("restore", "politics"), ("delete", "politics"),  # two undos
        ("restore", "politics"), ("delete", "politics"), ("restore", "sports")]  # redos


def test_a_click_on_a_chip_toggles_and_a_suggestion_is_accepted_or_rejected(qtbot, window,
                                                                            db):
    doc = window.ws.view.document_id
    sugg = db.set_category(doc, "crime", state="suggested", source="model", score=0.81,
                           suggester="textcat")
    window.ws.reload()
    bar = window.category_bar
    assert bar.state_of("crime") == "suggested"
    assert bar.chips["crime"].text() == "crime 0.81"
    assert bar.reject_buttons["crime"].isVisible()
    qtbot.mouseClick(bar.reject_buttons["crime"], Qt.LeftButton)
    assert db.load(doc).category("crime").state == "rejected"
    assert bar.state_of("crime") == "rejected"
    press(qtbot, window, *UNDO)
    assert db.load(doc).category("crime").state == "suggested"
    qtbot.mouseClick(bar.chips["crime"], Qt.LeftButton)  # a click on a suggestion accepts
    assert db.load(doc).category("crime").state == "accepted"
    assert db.load(doc).category("crime").id == sugg.id
    qtbot.mouseClick(bar.chips["culture"], Qt.LeftButton)
    assert stored(db, doc) == ["culture"]
    assert db.load(doc).category("crime").state == "rejected"  # a model's, kept as a no


def test_the_document_list_filters_by_category(qtbot, window, db):
    from models.records import DocumentRecord

    db.import_records("news", [DocumentRecord(text="Another article about markets.",
                                              title="markets")])
    window.ws.refresh_documents()
    lst = window.doclist
    assert lst.row_count() == 2
    press(qtbot, window, Qt.Key_B, Qt.ShiftModifier)  # business, on the open document
    combo = lst.category
    combo.setCurrentIndex(combo.findData("business"))
    assert lst.row_count() == 1
    assert lst.proxy.data(lst.proxy.index(0, 0)) == window.ws.view.title
    combo.setCurrentIndex(combo.count() - 1)  # no category
    assert lst.row_count() == 1
    assert lst.proxy.data(lst.proxy.index(0, 0)) == "markets"


def test_the_statistics_window_charts_documents_per_category(qtbot, window, db):
    from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QHorizontalBarSeries

    from desktop.widgets.stats_view import StatsDialog
    from models.records import CategoryRecord, DocumentRecord

    db.import_records("news", [DocumentRecord(text=f"Article {i}.",
                                              categories=[CategoryRecord(c)])
                               for i, c in enumerate(["sports", "sports", "crime"])])
    dlg = StatsDialog(window.ws, window)
    qtbot.addWidget(dlg)
    chart = dlg.categories_chart
    names = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    assert names.categories() == ["crime", "sports"]  # the largest at the top
    (series,) = [x for x in chart.series() if isinstance(x, (QBarSeries,
                                                             QHorizontalBarSeries))]
    bars = series.barSets()[0]
    assert [bars.at(i) for i in range(bars.count())] == [1, 2]


def test_the_statistics_window_counts_suggested_categories_as_the_cli_does(qtbot, window, db):
    from desktop.widgets.stats_view import StatsDialog

    doc = window.ws.documents[0].id
    db.set_category(doc, "politics", state="suggested", source="model", suggester="t",
                    score=0.7)
    db.set_category(doc, "sports", state="suggested", source="model", suggester="t",
                    score=0.6)
    dlg = StatsDialog(window.ws, window)
    qtbot.addWidget(dlg)
    assert db.stats("news")["suggestions"] == 2  # what `stats --json` prints
    assert "· 2 suggestions" in dlg.summary.text()
