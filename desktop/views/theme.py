"""Colours of the document view in the light and the dark theme."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor


@dataclass(frozen=True)
class Theme:
    dark: bool
    background: QColor
    text: QColor
    arc: QColor
    arc_label: QColor
    arc_label_bg: QColor
    selection: QColor
    focus: QColor  # outline of the selected span
    caret: QColor
    fill_alpha: int  # span highlight behind the text


def luminance(color: QColor) -> float:
    """WCAG relative luminance, for choosing black or white text on a label colour."""

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(
        color.blueF()
    )


def text_on(color: QColor) -> QColor:
    """Black or white, whichever contrasts more with color."""
    lum = luminance(color)
    return QColor("#000000") if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else QColor("#ffffff")


LIGHT = Theme(
    dark=False,
    background=QColor("#fbfbf8"),
    text=QColor("#1d1d1f"),
    arc=QColor("#5a5f6b"),
    arc_label=QColor("#2b2f36"),
    arc_label_bg=QColor("#fbfbf8"),
    selection=QColor(64, 132, 255, 90),
    focus=QColor("#1a5fd6"),
    caret=QColor("#1d1d1f"),
    fill_alpha=95,
)

DARK = Theme(
    dark=True,
    background=QColor("#1e1f23"),
    text=QColor("#e4e4e7"),
    arc=QColor("#a7adba"),
    arc_label=QColor("#e4e4e7"),
    arc_label_bg=QColor("#1e1f23"),
    selection=QColor(90, 150, 255, 110),
    focus=QColor("#7fb0ff"),
    caret=QColor("#e4e4e7"),
    fill_alpha=80,
)
