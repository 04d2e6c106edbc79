"""Rendering: both themes on the labelled seed article, and a 100,000-word article."""

from __future__ import annotations

from PySide6.QtGui import QColor

from desktop.views.stacking import stack
from desktop.views.theme import text_on
from desktop.views.tokens import Tokens
from models.records import Tokenization
from tests.views.sample import big_layer, seed_layer


def test_screenshots_light_and_dark(make_view):
    view = make_view(seed_layer(), width=900, height=700)
    light = view.grab()
    assert light.save("/tmp/view-light.png")
    view.set_dark(True)
    dark = view.grab()
    assert dark.save("/tmp/view-dark.png")
    bg_light = light.toImage().pixelColor(300, 40)  # the blank line under the title
    bg_dark = dark.toImage().pixelColor(300, 40)
    assert bg_light.lightnessF() > 0.9 and bg_dark.lightnessF() < 0.2


def test_label_text_contrasts_with_its_colour():
    assert text_on(QColor("#f6d55c")) == QColor("#000000")  # yellow DATE: black text
    assert text_on(QColor("#1a237e")) == QColor("#ffffff")  # dark blue: white text


def test_big_document_opens_scrolls_and_paints(make_view, qtbot):
    lv = big_layer()
    view = make_view(lv, width=1000, height=800)
    canvas = view.canvas
    canvas.viewport().repaint()
    assert len(canvas._layouts) < 40  # only what is visible was laid out
    for y in (5000, canvas.verticalScrollBar().maximum() // 2, canvas.verticalScrollBar().maximum()):
        canvas.scroll_to(y)
        canvas.viewport().repaint()
    lo, hi = view.visible_range()
    assert hi == len(lv.text)  # scrolled to the very end
    far = lv.spans[2500]
    view.select_span(far.id)
    canvas.viewport().repaint()
    lo, hi = view.visible_range()
    assert lo <= far.start < hi
    qtbot.waitUntil(canvas.idle_done, timeout=20000)
    assert all(canvas._exact)  # the idle pass made every height exact


def _tokenization(text, words):
    """The tokens of `text` that are `words`, in order (offsets found by hand)."""
    starts, pos = [], 0
    for w in words:
        pos = text.index(w, pos)
        starts.append(pos)
        pos += len(w)
    return Tokenization(starts, [s + len(w) for s, w in zip(starts, words)])


def test_token_snapping_rules():
    text = "Mr. O'Neil paid $1,200.50 in Zürich-based fees."
    tk = Tokens(text, _tokenization(text, ["Mr.", "O'Neil", "paid", "$", "1,200.50", "in",
                                           "Zürich", "-", "based", "fees", "."]))
    assert tk.snap(5, 7) == (4, 10)  # inside "O'Neil"
    assert tk.snap(3, 12) == (4, 15)  # " O'Neil pa" -> "O'Neil paid": no leading space
    assert tk.snap(2, 12) == (0, 15)  # "Mr." is one token here
    s = text.index("1,200")
    assert tk.snap(s + 1, s + 2) == (s, s + len("1,200.50"))
    assert tk.snap(s - 1, s) == (s - 1, s)  # "$" alone
    z = text.index("Zürich")
    assert tk.snap(z + 2, z + 3) == (z, z + len("Zürich"))
    assert tk.snap(z + 2, z + 8) == (z, z + len("Zürich-based"))
    assert tk.snap(3, 4) is None  # only a space


def test_tokens_skip_white_space_tokens_and_cross_paragraphs():
    text = "one two\n\nthree four"
    # as spaCy has it: the paragraph break is a white-space token of its own
    tok = Tokenization([0, 4, 7, 9, 15], [3, 7, 9, 14, 19])
    tk = Tokens(text, tok)
    assert tk.snap(5, 12) == (4, 14)  # "wo\n\nth" -> "two\n\nthree"
    assert tk.next_end(7) == 14 and tk.next_start(7) == 9
    assert tk.prev_end(9) == 7 and tk.prev_start(9) == 4
    assert tk.snap(7, 9) is None


def test_tokens_are_asked_for_once_when_first_needed():
    text = "one two"
    calls = []

    def fetch():
        calls.append(1)
        return Tokenization([0, 4], [3, 7])

    tk = Tokens(text, fetch)
    assert calls == []  # opening a document asks for nothing
    assert tk.snap(1, 5) == (0, 7)
    assert tk.token_at(5) == (4, 7)
    assert calls == [1]


def test_stacking_puts_containers_above_what_they_contain():
    # an outer span, two inner ones side by side, one far away
    cores = [(0, 100), (10, 30), (40, 60), (200, 220)]
    levels = stack(cores, cores)
    assert levels[1] == levels[2] == 0 and levels[3] == 0
    assert levels[0] == 1


def test_a_larger_font_gives_larger_text_and_tags(make_view):
    view = make_view(seed_layer())
    span = view.layer().spans[0]
    before_tag, before_text = view.tag_rect(span.id), view.span_rect(span.id)
    font = view.canvas.font()
    font.setPointSizeF(font.pointSizeF() * 1.5)
    view.canvas.setFont(font)
    after_tag, after_text = view.tag_rect(span.id), view.span_rect(span.id)
    assert after_text.height() > before_text.height() * 1.3
    assert after_tag.width() > before_tag.width() * 1.3


def test_switching_theme_or_schema_paints_what_a_view_opened_so_paints(make_view):
    """A label's colours and pens are kept per theme and schema (label_look): after a
    switch the view must paint what a view opened in that theme, with that schema does."""
    from models.schema import default_schema

    lv = seed_layer()
    view = make_view(lv, width=700, height=600)
    view.canvas.viewport().grab()  # painted in the light theme first
    view.set_dark(True)
    fresh = make_view(lv, width=700, height=600)
    fresh.set_dark(True)
    assert view.canvas.viewport().grab().toImage() == fresh.canvas.viewport().grab().toImage()
    view.set_dark(False)
    view.canvas.viewport().grab()  # painted with the schema's colours first
    recoloured = default_schema()
    for e in recoloured.entities:
        e.color = "#3366cc"  # every label one colour
    view.set_document(lv, recoloured)
    other = make_view(lv, width=700, height=600)
    other.set_document(lv, recoloured)
    assert view.canvas.viewport().grab().toImage() == other.canvas.viewport().grab().toImage()
    assert view.canvas.viewport().grab().toImage() != fresh.canvas.viewport().grab().toImage()
