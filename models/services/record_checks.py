"""Every field of an imported record checked before anything is stored, so that whatever is
imported can be exported again by every format: types, ranges, known values, strings that
UTF-8 (and PostgreSQL) can hold, JSON values every writer can write (no NaN, integers that
fit 64 bits, nesting bounded). A wrong field is one FormatError naming the file, the line
and the field."""

from __future__ import annotations

import math
from typing import Any, NoReturn

from models.errors import FormatError
from models.orm import LAYER_STATUSES
from models.records import SPAN_SOURCES, SPAN_STATES, DocumentRecord

MAX_DEPTH = 32  # JSON nesting in meta, attributes and extras
# the workflow's statuses, and the answers of a Prodigy task (kept to be written back)
STATUSES = (*LAYER_STATUSES, "rejected", "ignored")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what msgpack (DocBin) and SQL integers hold
ACTIVE_MAX = 2**31 - 1  # layers.active_seconds is a 32-bit integer column


class _Check:
    def __init__(self, rec: DocumentRecord):
        self.path, self.line = rec.origin

    def fail(self, where: str, msg: str) -> NoReturn:
        raise FormatError(self.path, self.line, f"{where}: {msg}")

    def string(self, value: Any, where: str, *, optional: bool = False,
               empty: bool = True) -> None:
        if value is None and optional:
            return
        if not isinstance(value, str):
            self.fail(where, f"a {type(value).__name__}, not a string")
        if not empty and not value:
            self.fail(where, "empty")
        self.text(value, where)

    def text(self, value: str, where: str) -> None:
        if "\x00" in value:
            self.fail(where, "holds a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(where, "holds a lone surrogate (not valid Unicode text)")

    def integer(self, value: Any, where: str) -> None:
        if type(value) is not int:
            self.fail(where, f"{value!r} is not an integer")

    def score(self, value: Any, where: str) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or not INT_MIN <= value <= INT_MAX:
            self.fail(where, f"score {value!r} is not a finite number")

    def json(self, value: Any, where: str, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            self.fail(where, f"nested deeper than {MAX_DEPTH} levels")
        if value is None or isinstance(value, bool):
            return
        if isinstance(value, int):
            if not INT_MIN <= value <= INT_MAX:
                self.fail(where, f"the integer {value} does not fit in 64 bits")
        elif isinstance(value, float):
            if not math.isfinite(value):
                self.fail(where, f"{value!r} is not a finite number")
        elif isinstance(value, str):
            self.text(value, where)
        elif isinstance(value, (list, tuple)):
            for v in value:
                self.json(v, where, depth + 1)
        elif isinstance(value, dict):
            for k, v in value.items():
                if not isinstance(k, str):
                    self.fail(where, f"key {k!r} is not a string")
                self.text(k, where)
                self.json(v, f"{where}.{k}" if depth == 0 else where, depth + 1)
        else:
            self.fail(where, f"a {type(value).__name__} is not JSON")

    def attributes(self, value: Any, where: str) -> None:
        """A label's attributes: names to one value each (text, number, true/false)."""
        if not isinstance(value, dict):
            self.fail(where, f"attributes are a {type(value).__name__}, not an object")
        for k, v in value.items():
            self.string(k, f"{where} attribute name", empty=False)
            if v is not None and not isinstance(v, (str, bool, int, float)):
                self.fail(f"{where} attribute {k}",
                          f"a {type(v).__name__}; an attribute holds one value "
                          "(text, number, true or false)")
        self.json(value, f"{where} attributes")

    def state_source(self, item: Any, where: str) -> None:
        if item.state not in SPAN_STATES:
            self.fail(where, f"state {item.state!r} is not one of {', '.join(SPAN_STATES)}")
        if item.source not in SPAN_SOURCES:
            self.fail(where, f"source {item.source!r} is not one of {', '.join(SPAN_SOURCES)}")
        self.score(item.score, where)
        self.string(item.id, f"{where} id")
        if not isinstance(item.extra, dict):
            self.fail(where, "extra is not an object")
        self.json(item.extra, f"{where} extra")


def check_fields(rec: DocumentRecord) -> None:
    """Every field of the record, or a FormatError naming it (see the module's docstring)."""
    c = _Check(rec)
    c.text(rec.text, "text")
    c.string(rec.title, "title")
    c.string(rec.source, "source")
    if not isinstance(rec.meta, dict):
        c.fail("meta", f"a {type(rec.meta).__name__}, not an object")
    c.json(rec.meta, "meta")
    c.string(rec.annotator, "annotator", optional=True, empty=False)
    if rec.active_seconds is not None:
        c.integer(rec.active_seconds, "active_seconds")
        if not 0 <= rec.active_seconds <= ACTIVE_MAX:
            c.fail("active_seconds", f"{rec.active_seconds} is not between 0 and {ACTIVE_MAX}")
    if rec.status is not None and rec.status not in STATUSES:
        c.fail("status", f"{rec.status!r} is not one of {', '.join(STATUSES)}")
    if not isinstance(rec.comments, list):
        c.fail("comments", "not a list")
    for k, text in enumerate(rec.comments, 1):
        c.string(text, f"comment {k}")
    n = len(rec.text)
    # the same checks, in bulk, when the spans hold only offsets and label (the common case)
    spans = () if _plain_spans(rec.spans) else rec.spans
    for k, sp in enumerate(spans, 1):
        where = f"span {k}"
        c.string(sp.label, f"{where} label", empty=False)
        where = f"span {k} ({sp.label})"
        c.integer(sp.start, f"{where} start")
        c.integer(sp.end, f"{where} end")
        if sp.fragments is not None:
            if not isinstance(sp.fragments, (list, tuple)) or not sp.fragments:
                c.fail(f"{where} fragments", "not a list of [start, end] pairs")
            for f in sp.fragments:
                if not isinstance(f, (list, tuple)) or len(f) != 2 \
                        or not all(type(x) is int for x in f) or not 0 <= f[0] < f[1] <= n:
                    c.fail(f"{where} fragments", f"{f!r} is not [start, end) inside the "
                                                 f"text (length {n})")
            if (min(f[0] for f in sp.fragments), max(f[1] for f in sp.fragments)) \
                    != (sp.start, sp.end):
                c.fail(f"{where} fragments", "do not cover the span from start to end")
        c.attributes(sp.attributes, where)
        c.string(sp.kb_id, f"{where} kb_id", optional=True)
        c.string(sp.note, f"{where} note", optional=True)
        c.state_source(sp, where)
    for k, rel in enumerate(rec.relations, 1):
        where = f"relation {k}"
        c.string(rel.label, f"{where} label", empty=False)
        c.string(rel.head, f"{where} head")
        c.string(rel.tail, f"{where} tail")
        c.state_source(rel, f"relation {k} ({rel.label})")
    for k, ev in enumerate(rec.events, 1):
        where = f"event {k}"
        c.string(ev.type, f"{where} type", empty=False)
        where = f"event {k} ({ev.type})"
        c.string(ev.trigger, f"{where} trigger")
        if not isinstance(ev.arguments, list):
            c.fail(f"{where} arguments", "not a list")
        for arg in ev.arguments:
            c.string(getattr(arg, "role", None), f"{where} argument role", empty=False)
            c.string(getattr(arg, "target", None), f"{where} argument target")
        c.attributes(ev.attributes, where)
        c.state_source(ev, where)
    for k, cat in enumerate(rec.categories, 1):
        c.string(cat.name, f"category {k} name", empty=False)
        where = f"category {k} ({cat.name})"
        c.score(cat.score, where)
        if not isinstance(cat.extra, dict):
            c.fail(where, "extra is not an object")
        c.json(cat.extra, f"{where} extra")


def _plain_spans(spans: list) -> bool:
    """Whether every span holds only offsets, label and id, in a known state and source (no
    fragments, attributes, kb_id, note, score or extra): what the field-by-field check of a
    span tests, for these, in one test per span and one for all their strings together.
    False sends the spans to that check, which names the field that is wrong."""
    for sp in spans:
        if not (type(sp.label) is str and sp.label and type(sp.id) is str
                and type(sp.start) is int and type(sp.end) is int and sp.fragments is None
                and sp.kb_id is None and sp.note is None and sp.score is None
                and type(sp.attributes) is dict and not sp.attributes
                and type(sp.extra) is dict and not sp.extra
                and sp.state in SPAN_STATES and sp.source in SPAN_SOURCES):
            return False
    # a NUL or a lone surrogate in any label or id is in their concatenation (code points
    # are joined as they are: two halves of a pair in two strings stay two lone halves)
    strings = "".join([sp.label + sp.id for sp in spans])
    if "\x00" in strings:
        return False
    try:
        strings.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
