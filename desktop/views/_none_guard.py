"""Keep Python 3.11 alive under PySide6 6.12: its void methods return None without a reference.

Every call of a Qt method that returns nothing (QPainter.drawRect, QTextLine.setPosition...)
drops one reference to None; after a few thousand calls CPython aborts with "none_dealloc".
Python 3.12 made None immortal; here we give it enough references to be immortal in practice.
"""

from __future__ import annotations

import ctypes
import sys

_BOOST = 1 << 40


def make_none_immortal() -> None:
    if sys.version_info >= (3, 12):
        return
    cell = ctypes.c_ssize_t.from_address(id(None))
    if cell.value < _BOOST // 2:
        cell.value += _BOOST


make_none_immortal()
