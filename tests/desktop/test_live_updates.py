"""Labels stored elsewhere (another program, a background job, a team-mate) appear in the
open window without a restart."""


def test_labels_stored_elsewhere_appear(window, db):
    doc = window.ws.view.document_id
    assert window.live.poll() is False  # nothing new yet
    text = db.load(doc).text
    start = text.index("Kamala Harris")
    db.create_span(doc, start, start + 13, "PERSON")  # another program, same database
    assert window.live.poll() is True
    assert [s.label for s in window.ws.view.spans] == ["PERSON"]
    assert window.docview.layer().spans[0].start == start
    assert window.live.poll() is False  # seen now
