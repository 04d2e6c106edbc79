"""Vertical levels for label tags and arcs on one visual line (no Qt).

Each item has a core interval (what it marks: a span's text, an arc's two ends) and an
extent (what it occupies once drawn: the tag's or the arc label's width too). An item sits
above every item whose core it contains, and never on a level where its extent collides.
"""

from __future__ import annotations


def stack(cores: list[tuple[float, float]], extents: list[tuple[float, float]]) -> list[int]:
    n = len(cores)
    order = sorted(range(n), key=lambda i: (cores[i][1] - cores[i][0], cores[i][0]))
    levels = [0] * n
    occupied: list[list[tuple[float, float]]] = []
    placed: list[int] = []
    for i in order:
        a, b = cores[i]
        floor = 0
        for j in placed:
            c, d = cores[j]
            if a <= c and d <= b:  # contains (or equals) an item placed before
                floor = max(floor, levels[j] + 1)
        ea, eb = extents[i]
        level = floor
        while level < len(occupied) and any(ea < y and x < eb for x, y in occupied[level]):
            level += 1
        while len(occupied) <= level:
            occupied.append([])
        occupied[level].append((ea, eb))
        levels[i] = level
        placed.append(i)
    return levels
