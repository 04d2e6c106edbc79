"""Texts made of words for tests and benchmarks."""


def spaced(words: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """The words joined by single spaces, and each word's [start, end) in that text."""
    bounds, pos = [], 0
    for w in words:
        bounds.append((pos, pos + len(w)))
        pos += len(w) + 1
    return " ".join(words), bounds
