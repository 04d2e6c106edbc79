"""Hostile text is shown literally: HTML, Qt rich-text markup, control characters, right-to-
left overrides; nothing is interpreted as markup and no resource is loaded. A NUL byte is
refused with a reason; a 10 MB single line opens."""

import json

import pytest
from PySide6.QtWidgets import QLabel

HOSTILE = ('<b>bold</b> <img src="file:///etc/hostname"> <a href="https://example.com">link'
           '</a> &amp; <qt><font color=red>red</font></qt> \u202eevil override\u202c '
           'bell\x07 escape\x1b[31m zero\u200bwidth Ana Lopez visited Lisbon.')


@pytest.fixture
def hostile_db(tmp_path, cli):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    src = tmp_path / "hostile.jsonl"
    src.write_text(json.dumps({"text": HOSTILE, "meta": {"title": HOSTILE[:60]}}) + "\n")
    r = cli("--db", url, "--user", "alice", "import", "--project", "p", str(src))
    assert r.returncode == 0, r.stderr
    return url


def _labels_are_literal(widget):
    for label in widget.findChildren(QLabel):
        text = label.text()
        if "<img" in text or "<b>bold" in text:
            from PySide6.QtCore import Qt

            assert label.textFormat() == Qt.PlainText, f"markup shown as rich text: {text!r}"


def test_window_shows_hostile_text_literally(hostile_db, qtbot):
    from desktop.app import build_window
    from models.open import open_service

    svc = open_service(hostile_db, "alice")
    w = build_window(svc, "p")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    assert w.docview.layer().text == HOSTILE  # stored and shown character for character
    doc = w.ws.view.document_id
    start = HOSTILE.index("Ana Lopez")
    svc.create_span(doc, start, start + 9, "PERSON")
    w.edits.refresh()
    w.edits.select(w.ws.view.spans[0].id)  # the side panel shows the span's text
    w.grab()  # paints everything: no crash, nothing loaded
    _labels_are_literal(w)
    markup = svc.create_span(doc, 0, HOSTILE.index(" <img"), "ORG").id  # "<b>bold</b>"
    w.edits.refresh()
    w.edits.select(markup)
    assert w.side.title.text().startswith("ORG “<b>bold</b>”")  # shown as typed, not bold
    w.grab()


def test_review_window_escapes_hostile_text(hostile_db, qtbot):
    from desktop.review.review_window import ReviewWindow
    from models.service import Service
    from models.store import Store

    svc = Service(Store(hostile_db), "alice")
    doc = svc.documents(svc.project_id("p"))[0].id
    svc.add_user("bob")
    Service(svc.store, "bob").create_span(doc, 0, 3, "PERSON")
    w = ReviewWindow(svc, doc, poll_ms=0)
    qtbot.addWidget(w)
    w.show()
    w.grab()
    _labels_are_literal(w)
    header = w.versions.header.text() + w.versions.list.item(0).text()
    assert "“" in header  # the conflict's text is shown, as text


def test_nul_byte_is_refused_with_a_reason(tmp_path, cli):
    src = tmp_path / "nul.jsonl"
    src.write_text(json.dumps({"text": "before\u0000after"}) + "\n")
    r = cli("--db", f"sqlite:///{tmp_path / 'n.db'}", "import", "--project", "p", str(src))
    assert r.returncode == 1
    assert "nul.jsonl:1: the text holds a NUL byte" in r.stderr


def test_ten_megabyte_single_line_opens(tmp_path, qtbot):
    from desktop.app import build_window
    from models.open import open_service
    from models.records import DocumentRecord

    text = ("word " * 2_000_000)[:10_000_000]
    svc = open_service(f"sqlite:///{tmp_path / 'big.db'}", "alice")
    svc.import_records("big", [DocumentRecord(text=text, title="one huge line")])
    w = build_window(svc, "big")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    w.grab()
    assert len(w.docview.layer().text) == 10_000_000
    assert w.docview.visible_range()[0] == 0
