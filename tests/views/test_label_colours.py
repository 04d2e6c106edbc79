"""The default schema's colours tell apart (CIE76 delta E >= 20 between every pair, computed
here from the sRGB definition) and their tags are readable (contrast, size)."""

from __future__ import annotations

import itertools

from PySide6.QtGui import QColor, QFont, QFontMetricsF

from desktop.views.paragraph import Style
from desktop.views.theme import text_on
from models.schema import default_schema


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def lab(hex_color: str) -> tuple[float, float, float]:
    """sRGB -> XYZ (D65) -> CIELAB."""
    r, g, b = (_linear(int(hex_color[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: str, b: str) -> float:
    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b))) ** 0.5


def test_lab_matches_known_values():
    assert [round(v, 1) for v in lab("#ffffff")] == [100.0, 0.0, 0.0]
    assert [round(v) for v in lab("#ff0000")] == [53, 80, 67]


def colours():
    s = default_schema()
    return {item.name: s.color_of(item.name) for item in [*s.entities, *s.events]}


def test_every_pair_of_default_colours_differs_by_delta_e_20():
    close = [(a, b, round(delta_e(ca, cb), 1))
             for (a, ca), (b, cb) in itertools.combinations(colours().items(), 2)
             if delta_e(ca, cb) < 20]
    assert close == []


def _luminance(c: QColor) -> float:
    return 0.2126 * _linear(c.redF()) + 0.7152 * _linear(c.greenF()) + 0.0722 * _linear(c.blueF())


def test_tag_text_contrasts_with_every_fill():
    for name, hex_color in colours().items():
        fill, ink = QColor(hex_color), text_on(QColor(hex_color))
        hi, lo = sorted((_luminance(fill), _luminance(ink)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, name  # WCAG AA for text


def test_tags_are_readable_at_the_default_size(qapp):
    for size in (9.0, 10.0, 11.0):
        font = QFont(qapp.font())
        font.setPointSizeF(size)
        assert QFontMetricsF(Style(font).tag_font).capHeight() >= 8.0
