"""An edit redraws what it changed and nothing else: the selected label's title and the
document list's totals follow the edit without asking the window for a new layout (which
repaints half the window on every keystroke)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from tests.desktop.helpers import press, select_text


class LayoutRequests(QObject):
    def __init__(self, *widgets):
        super().__init__()
        self.widgets, self.seen = widgets, []
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, obj, ev) -> bool:
        if ev.type() == QEvent.Type.LayoutRequest:
            self.seen.append(type(obj).__name__)
        return False


def test_labeling_updates_the_panels_without_relayouting_the_window(qtbot, window):
    for name in ("Joe Biden", "Kamala Harris"):  # the first PERSON builds its editors
        select_text(window, name)
        press(qtbot, window, Qt.Key_1)
        QApplication.processEvents()
    requests = LayoutRequests(window, window.doclist)  # neither is laid out again
    select_text(window, "Donald Trump")
    press(qtbot, window, Qt.Key_1)
    QApplication.processEvents()
    assert "PERSON" in window.side.title.text()
    assert "Donald Trump" in window.side.title.text()
    assert window.doclist.summary.text().startswith("1 documents · 3 labels")
    assert requests.seen == []


def test_label_palette_shows_two_columns_beside_a_flat_scroll_bar(window):
    """Every label and its key in view: the palette keeps its two columns whatever width
    the (flat) scroll bar takes."""
    pal = window.palette_list
    QApplication.processEvents()
    xs = {pal.visualItemRect(pal.item(i)).x() for i in range(pal.count())}
    assert len(xs) == 2
    right = max(pal.visualItemRect(pal.item(i)).right() for i in range(pal.count()))
    assert right <= pal.viewport().width()
