"""The window snaps a selection to the document's stored tokens: those its labeled file
brought, else those the project's tokenizer made (and stored) the first time."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.conftest import ROOT

CONLL = """-DOCSTART- -X- -X- O

AL-AIN NNP B-NP B-LOC
, , O O
United NNP B-NP B-LOC
Arab NNP I-NP I-LOC
Emirates NNPS I-NP I-LOC
1996-12-06 CD I-NP O

"""


@pytest.fixture
def tokens_window(qtbot, sqlite_url, tmp_path):
    from desktop.app import build_window
    from models.open import open_service
    from exports import conll
    from models.records import DocumentRecord
    from models.service import Service
    from models.store import Store

    src = tmp_path / "gulf.conll"
    src.write_text(CONLL, encoding="utf-8")
    store = Store(sqlite_url)
    svc = Service(store, "alice")
    svc.import_records("gulf", list(conll.read(src)))
    text = (ROOT / "seeds" / "000_8c189482ad872ddc.txt").read_text(encoding="utf-8")
    svc.import_records("gulf", [DocumentRecord(text=text, title="plain")])
    ids = [d.id for d in svc.documents(svc.project_id("gulf"))]
    w = build_window(open_service(sqlite_url, "alice"), "gulf")
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w, svc, ids
    store.dispose()


def _drag(qtbot, view, a: int, b: int) -> None:
    c = view.canvas
    pa, pb = c.point_of(a), c.point_of(b)
    vp = c.viewport()
    start, end = QPoint(round(pa.x() + 2), round(pa.y())), QPoint(round(pb.x() + 2),
                                                                  round(pb.y()))
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 5):
        qtbot.mouseMove(vp, start + (end - start) * k / 4)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)


def _stored(svc, doc_id):
    from models import tokens

    with svc.store.session() as s:
        return tokens.stored(s, [doc_id]).get(doc_id)


def test_the_window_snaps_to_the_tokens_the_conll_file_brought(tokens_window, qtbot):
    w, svc, (gulf, _plain) = tokens_window
    w.ws.open_document(gulf)
    text = w.ws.view.text
    assert text.startswith("AL-AIN , United Arab Emirates 1996-12-06")
    # from inside "AIN" to inside "Arab": spaCy would start at "AIN" (it splits AL - AIN);
    # the file's token is the whole of "AL-AIN"
    _drag(qtbot, w.docview, text.index("AIN") + 1, text.index("Arab") + 1)
    assert w.docview.selection() == (0, text.index("Arab") + 4)
    # and from inside the date: the file's one token, not spaCy's five
    d = text.index("1996")
    _drag(qtbot, w.docview, d + 6, d + 8)
    assert w.docview.selection() == (d, d + len("1996-12-06"))


def test_a_document_without_file_tokens_gets_spacy_tokens_stored_on_first_snap(
        tokens_window, qtbot):
    import spacy

    w, svc, (_gulf, plain) = tokens_window
    w.ws.open_document(plain)
    assert _stored(svc, plain) is None  # opening costs no tokenization
    text = w.ws.view.text
    i = text.index("Honduras")
    _drag(qtbot, w.docview, i + 2, i + 4)
    assert w.docview.selection() == (i, i + len("Honduras"))
    tok = _stored(svc, plain)
    want = spacy.blank("en").make_doc(text)
    assert tok.source == "spacy"
    assert tok.starts == [t.idx for t in want]
    assert tok.ends == [t.idx + len(t.text) for t in want]
