"""Trimming suggested spans: models and patterns return spans such as "Getty Images\\n\\n",
"(Reuters" or "Central America’s". A period that ends an abbreviation (U.S., D.C., Inc.)
stays: it is part of the name."""

from __future__ import annotations

import unicodedata

ABBREVIATIONS = {"inc.", "corp.", "co.", "ltd.", "jr.", "sr.", "st.", "mr.", "mrs.", "ms.",
                 "dr.", "gen.", "gov.", "sen.", "rep.", "no.", "bros.", "plc."}
POSSESSIVE = ("'s", "’s", "'S", "’S")

_punct: dict[str, bool] = {}


def _is_strippable(ch: str) -> bool:
    hit = _punct.get(ch)
    if hit is None:
        hit = ch.isspace() or unicodedata.category(ch).startswith("P")
        _punct[ch] = hit
    return hit


def _keeps_period(text: str, start: int, end: int) -> bool:
    """True when text[start:end] ends with a period that belongs to an abbreviation."""
    word_start = max(text.rfind(" ", start, end), text.rfind("\n", start, end)) + 1
    word_start = max(word_start, start)
    word = text[word_start:end]
    return "." in word[:-1] or word.lower() in ABBREVIATIONS or (
        len(word) == 2 and word[0].isalpha() and word[0].isupper())


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding whitespace, punctuation and a possessive 's.
    Returns an empty range (start >= end) when nothing is left."""
    while True:
        while start < end and _is_strippable(text[start]):
            start += 1
        while end > start and _is_strippable(text[end - 1]):
            if text[end - 1] == "." and _keeps_period(text, start, end):
                break
            end -= 1
        if end - start > 2 and text[end - 2:end] in POSSESSIVE:
            end -= 2
            continue
        return start, end
