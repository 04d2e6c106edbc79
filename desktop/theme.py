"""Light and dark themes: follow the system by default, switchable, remembered."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QScrollBar, QStyleFactory, QWidget

MODES = ("system", "light", "dark")


def saved_mode() -> str:
    mode = QSettings().value("theme", "system")
    return mode if mode in MODES else "system"


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def _dark_palette() -> QPalette:
    p = QPalette()
    base, alt, text = QColor(30, 31, 34), QColor(43, 45, 49), QColor(222, 224, 228)
    for role, color in (
        (QPalette.Window, QColor(37, 38, 42)), (QPalette.WindowText, text),
        (QPalette.Base, base), (QPalette.AlternateBase, alt), (QPalette.Text, text),
        (QPalette.Button, QColor(48, 50, 55)), (QPalette.ButtonText, text),
        (QPalette.ToolTipBase, alt), (QPalette.ToolTipText, text),
        (QPalette.Highlight, QColor(61, 110, 180)), (QPalette.HighlightedText, QColor("white")),
        (QPalette.PlaceholderText, QColor(140, 143, 150)), (QPalette.Link, QColor(120, 170, 255)),
        (QPalette.BrightText, QColor(255, 120, 120)), (QPalette.Mid, QColor(70, 72, 78)),
        (QPalette.Dark, QColor(25, 26, 28)), (QPalette.Light, QColor(70, 72, 78)),
    ):
        p.setColor(role, color)
    for role in (QPalette.Text, QPalette.WindowText, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, QColor(120, 122, 128))
    return p


# Flat scroll bars. Fusion paints a scroll bar in 0.7-1.3 ms (gradients, grip lines); an edit
# that changes the document's height or the span table's length repaints one or two, and
# every scroll repaints the document's: these paint in 0.04 ms. Set on each scroll bar, not
# on the application: an application style sheet made opening a 50,000-document project
# 0.45 s slower.
_SCROLLBARS = """
QScrollBar:vertical {{ background: {groove}; width: 12px; margin: 0; }}
QScrollBar:horizontal {{ background: {groove}; height: 12px; margin: 0; }}
QScrollBar::handle {{ background: {handle}; border-radius: 4px; margin: 2px; }}
QScrollBar::handle:vertical {{ min-height: 24px; }}
QScrollBar::handle:horizontal {{ min-width: 24px; }}
QScrollBar::handle:hover, QScrollBar::handle:pressed {{ background: {hover}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
"""
_LIGHT_BARS = {"groove": "#f3f3f3", "handle": "#c2c2c2", "hover": "#9e9e9e"}
_DARK_BARS = {"groove": "#232428", "handle": "#55585e", "hover": "#74777e"}


def apply(mode: str) -> bool:
    """Apply the theme `mode`; returns whether it is dark. Fusion draws both consistently."""
    app = QApplication.instance()
    if app.style().name().lower() != "fusion":  # re-styling every widget costs ~0.5 s
        app.setStyle(QStyleFactory.create("Fusion"))
    dark = system_is_dark() if mode == "system" else mode == "dark"
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    return dark


def style_scrollbars(root: QWidget, dark: bool) -> None:
    """Flat scroll bars for every scroll bar under `root` (a window), in the theme's colours."""
    sheet = _SCROLLBARS.format(**(_DARK_BARS if dark else _LIGHT_BARS))
    for bar in root.findChildren(QScrollBar):
        if bar.styleSheet() != sheet:  # setting it repolishes the bar: only on a change
            bar.setStyleSheet(sheet)


def remember(mode: str) -> None:
    QSettings().setValue("theme", mode)
