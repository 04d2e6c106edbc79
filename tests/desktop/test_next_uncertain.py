"""Go > Next by model uncertainty (Ctrl+U) walks the model's order, skipping done ones."""

from __future__ import annotations

from PySide6.QtCore import Qt

from models.records import DocumentRecord
from tests.desktop.helpers import press


def test_ctrl_u_follows_the_uncertainty_order_and_skips_done(qtbot, window, db):
    db.import_records("news", [DocumentRecord(text=f"Story {i} from Lisbon.", title=f"s{i}")
                               for i in range(3)])
    window.ws.refresh_documents()
    ids = {d.title: d.id for d in window.ws.documents}
    db.set_status(ids["s1"], "done")
    window.ws.refresh_documents()
    asked = []
    window.suggesting.order_by_uncertainty = lambda: asked.append(True)
    press(qtbot, window, Qt.Key_U, Qt.ControlModifier)
    assert asked == [True]  # no order yet: the model ranks the documents first

    window.ws.uncertainty_order = [ids["s2"], ids["s1"], ids["s0"], ids["sample"]]
    window.ws.open_document(ids["s2"])
    press(qtbot, window, Qt.Key_U, Qt.ControlModifier)
    assert window.ws.document_id == ids["s0"]  # s1 is done: passed over
    press(qtbot, window, Qt.Key_U, Qt.ControlModifier)
    assert window.ws.document_id == ids["sample"]
    press(qtbot, window, Qt.Key_U, Qt.ControlModifier)
    assert window.ws.document_id == ids["s2"]  # round again
