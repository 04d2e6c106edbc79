"""Colours for agreement scores: red (0) through amber (0.5) to green (1)."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtGui import QColor

_STOPS = ((0.0, (224, 102, 102)), (0.5, (246, 213, 92)), (1.0, (122, 190, 110)))


def score_color(value: float | None) -> QColor:
    if value is None:
        return QColor(235, 235, 235)
    v = max(0.0, min(1.0, float(value)))
    for (a, ca), (b, cb) in pairwise(_STOPS):
        if v <= b:
            t = (v - a) / (b - a)
            return QColor(*(round(x + (y - x) * t) for x, y in zip(ca, cb)))
    return QColor(*_STOPS[-1][1])
